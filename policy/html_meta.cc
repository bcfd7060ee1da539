#include "policy/html_meta.h"

#include <gumbo.h>

#include <vector>

namespace moisson::policy {

std::vector<MetaTag> ExtractMetaTags(std::string_view html) {
  std::vector<MetaTag> out;
  if (html.size() > kMaxHtmlBytes) html = html.substr(0, kMaxHtmlBytes);
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
