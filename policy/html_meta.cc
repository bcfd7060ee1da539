#include "policy/html_meta.h"

#include <gumbo.h>

#include <vector>
#include "core/strings.h"

namespace moisson::policy {
namespace {

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Case-insensitive search for `needle` from `from`.
std::size_t FindIgnoreCase(std::string_view hay, std::string_view needle, std::size_t from) {
  for (std::size_t i = from; i + needle.size() <= hay.size(); ++i) {
    if (StartsWithIgnoreCase(hay.substr(i), needle)) return i;
  }
  return std::string_view::npos;
}

// Position just after the '>' that ends the tag starting at `pos`, skipping
// quoted attribute values; npos if the tag never ends.
std::size_t TagEnd(std::string_view html, std::size_t pos) {
  char quote = 0;
  bool after_equals = false;
  for (std::size_t i = pos; i < html.size(); ++i) {
    const char c = html[i];
    if (quote != 0) {
      if (c == quote) quote = 0;
      continue;
    }
    if ((c == '"' || c == '\'') && after_equals) {
      quote = c;
      after_equals = false;
      continue;
    }
    if (c == '>') return i + 1;
    if (c == '=') {
      after_equals = true;
    } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
      after_equals = false;
    }
  }
  return std::string_view::npos;
}

bool OneOf(std::string_view name, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    if (name == n) return true;
  }
  return false;
}

}  // namespace

std::string_view HeadPrefix(std::string_view html) {
  if (html.size() > kMaxHeadBytes) html = html.substr(0, kMaxHeadBytes);
  std::size_t i = 0;
  while (true) {
    i = html.find('<', i);
    if (i == std::string_view::npos || i + 1 >= html.size()) return html;
    if (html.compare(i, 4, "<!--") == 0) {
      const std::size_t end = html.find("-->", i + 4);
      if (end == std::string_view::npos) return html;
      i = end + 3;
      continue;
    }
    if (html[i + 1] == '!' || html[i + 1] == '?') {  // doctype, bogus comment
      const std::size_t end = html.find('>', i);
      if (end == std::string_view::npos) return html;
      i = end + 1;
      continue;
    }
    const bool end_tag = html[i + 1] == '/';
    const std::size_t name_start = i + (end_tag ? 2 : 1);
    if (name_start >= html.size() || !IsAlpha(html[name_start])) {
      ++i;  // a '<' that starts no tag is text
      continue;
    }
    std::size_t name_end = name_start;
    std::string name;
    while (name_end < html.size() && name.size() < 16) {
      const char c = html[name_end];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '/' || c == '>') break;
      name.push_back(AsciiLowerChar(c));
      ++name_end;
    }
    if (end_tag) {
      // </head> ends the head; </body>, </html> and </br> make the tree
      // builder leave it too.
      if (OneOf(name, {"head", "body", "html", "br"})) {
        const std::size_t end = TagEnd(html, name_end);
        return end == std::string_view::npos ? html : html.substr(0, end);
      }
      const std::size_t end = TagEnd(html, name_end);
      if (end == std::string_view::npos) return html;
      i = end;
      continue;
    }
    if (!OneOf(name, {"html", "head", "meta", "link", "base", "basefont", "bgsound", "title", "script", "style",
                      "noscript", "noframes"})) {
      return html.substr(0, i);  // the first start tag that does not belong in a head
    }
    const std::size_t end = TagEnd(html, name_end);
    if (end == std::string_view::npos) return html;
    i = end;
    // <noscript> is not skipped: Gumbo parses its content as markup, so a
    // body tag inside it must end the prefix like anywhere else.
    if (OneOf(name, {"title", "script", "style", "noframes"})) {
      // Raw text up to the matching end tag: tags written inside do not count.
      const std::size_t close = FindIgnoreCase(html, "</" + name, i);
      if (close == std::string_view::npos) return html;
      i = close;
    }
  }
}

std::vector<MetaTag> ExtractMetaTags(std::string_view html) {
  std::vector<MetaTag> out;
  html = HeadPrefix(html);
  GumboOptions options = kGumboDefaultOptions;
  options.max_errors = 0;  // we do not read parse errors; do not collect them
  GumboOutput* doc = gumbo_parse_with_options(&options, html.data(), html.size());
  if (doc == nullptr) return out;
  // Iterative walk: deeply nested markup must not overflow the stack.
  std::vector<const GumboNode*> stack{doc->root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_TEMPLATE) continue;
    const GumboElement& el = node->v.element;
    if (el.tag == GUMBO_TAG_META) {
      const GumboAttribute* name = gumbo_get_attribute(&el.attributes, "name");
      const GumboAttribute* content = gumbo_get_attribute(&el.attributes, "content");
      if (name != nullptr && content != nullptr) {
        MetaTag tag;
        tag.line = static_cast<int>(el.start_pos.line);
        tag.name = name->value;
        for (char& c : tag.name) {
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        tag.content = content->value;
        out.push_back(std::move(tag));
      }
    }
    for (unsigned i = el.children.length; i > 0; --i) {
      stack.push_back(static_cast<const GumboNode*>(el.children.data[i - 1]));
    }
  }
  gumbo_destroy_output(&kGumboDefaultOptions, doc);
  return out;
}

}  // namespace moisson::policy
