#include "io/html_text.h"

#include <myhtml/api.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>

#include "core/strings.h"
#include "core/utf8.h"
#include "io/html_internal.h"

namespace moisson::io {
namespace {

using html::IsAsciiWs;

// ---- the tree walk -------------------------------------------------------------

bool IsBlock(myhtml_tag_id_t t) {
  switch (t) {
    case MyHTML_TAG_ADDRESS: case MyHTML_TAG_ARTICLE: case MyHTML_TAG_ASIDE: case MyHTML_TAG_BLOCKQUOTE:
    case MyHTML_TAG_BODY: case MyHTML_TAG_CAPTION: case MyHTML_TAG_CENTER: case MyHTML_TAG_DD: case MyHTML_TAG_DETAILS:
    case MyHTML_TAG_DIR: case MyHTML_TAG_DIV: case MyHTML_TAG_DL: case MyHTML_TAG_DT:
    case MyHTML_TAG_FIELDSET: case MyHTML_TAG_FIGCAPTION: case MyHTML_TAG_FIGURE: case MyHTML_TAG_FOOTER:
    case MyHTML_TAG_FORM: case MyHTML_TAG_H1: case MyHTML_TAG_H2: case MyHTML_TAG_H3: case MyHTML_TAG_H4:
    case MyHTML_TAG_H5: case MyHTML_TAG_H6: case MyHTML_TAG_HEADER: case MyHTML_TAG_HGROUP: case MyHTML_TAG_HR:
    case MyHTML_TAG_LEGEND: case MyHTML_TAG_LI: case MyHTML_TAG_MAIN: case MyHTML_TAG_MENU: case MyHTML_TAG_NAV:
    case MyHTML_TAG_OL: case MyHTML_TAG_P: case MyHTML_TAG_PRE: case MyHTML_TAG_SECTION: case MyHTML_TAG_LISTING:
    case MyHTML_TAG_XMP: case MyHTML_TAG_PLAINTEXT: case MyHTML_TAG_SUMMARY: case MyHTML_TAG_TABLE:
    case MyHTML_TAG_TBODY: case MyHTML_TAG_TFOOT: case MyHTML_TAG_THEAD: case MyHTML_TAG_TR: case MyHTML_TAG_UL:
    case MyHTML_TAG_HTML:
      return true;
    default:
      return false;
  }
}

// Elements whose content is not page text: code, styles, inert templates,
// fallback content for scripts, plugins and media, embedded SVG and MathML
// (icon labels and formula markup, rarely prose), and form controls (their
// text is a value or a list of choices, like an <input>'s value).
bool IsSkipped(myhtml_tag_id_t t) {
  switch (t) {
    case MyHTML_TAG_SCRIPT: case MyHTML_TAG_STYLE: case MyHTML_TAG_TEMPLATE: case MyHTML_TAG_NOSCRIPT:
    case MyHTML_TAG_HEAD: case MyHTML_TAG_SVG: case MyHTML_TAG_MATH: case MyHTML_TAG_IFRAME: case MyHTML_TAG_OBJECT:
    case MyHTML_TAG_APPLET: case MyHTML_TAG_EMBED: case MyHTML_TAG_NOEMBED: case MyHTML_TAG_NOFRAMES:
    case MyHTML_TAG_AUDIO: case MyHTML_TAG_VIDEO: case MyHTML_TAG_CANVAS: case MyHTML_TAG_SELECT:
    case MyHTML_TAG_DATALIST: case MyHTML_TAG_TEXTAREA: case MyHTML_TAG_TITLE:
      return true;
    default:
      return false;
  }
}

bool IsPre(myhtml_tag_id_t t) { return t == MyHTML_TAG_PRE || t == MyHTML_TAG_LISTING || t == MyHTML_TAG_XMP || t == MyHTML_TAG_PLAINTEXT; }

// Whitespace that collapses outside <pre>: the HTML standard's ASCII
// whitespace, plus no-break spaces (U+00A0, U+202F), which French typography
// puts inside numbers and before punctuation; the detectors expect a space.
constexpr auto kWsTable = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : {' ', '\t', '\n', '\r', '\f'}) t[c] = true;
  return t;
}();

class TextBuilder {
 public:
  explicit TextBuilder(std::string* out) : out_(out) {}

  void Text(std::string_view s, bool pre) {
    if (pre) {
      for (char c : s) {
        if (c == '\r') continue;
        if (c == '\n') {
          Newline();
        } else {
          out_->push_back(c);
        }
      }
      space_ = false;
      return;
    }
    std::size_t i = 0;
    const std::size_t n = s.size();
    while (i < n) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      std::size_t ws = 0;
      if (kWsTable[c]) {
        ws = 1;
      } else if (c == 0xC2 && i + 1 < n && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
        ws = 2;
      } else if (c == 0xE2 && i + 2 < n && s[i + 1] == '\x80' && s[i + 2] == '\xAF') {
        ws = 3;
      }
      if (ws > 0) {
        space_ = true;
        i += ws;
        continue;
      }
      // A run of non-space bytes, appended at once.
      std::size_t j = i + 1;
      while (j < n && !kWsTable[static_cast<unsigned char>(s[j])] && s[j] != '\xC2' && s[j] != '\xE2') ++j;
      if (space_ && !out_->empty() && out_->back() != '\n' && out_->back() != '\t') out_->push_back(' ');
      space_ = false;
      out_->append(s.data() + i, j - i);
      i = j;
    }
  }
  // A line break (<br>, or a newline inside <pre>): at most one blank line in a row.
  void Newline() {
    space_ = false;
    TrimTrailingSpace();
    if (out_->empty()) return;
    const std::size_t n = out_->size();
    if (n >= 2 && (*out_)[n - 1] == '\n' && (*out_)[n - 2] == '\n') return;
    out_->push_back('\n');
  }
  // A block boundary: a line break unless at one already.
  void Block() {
    space_ = false;
    TrimTrailingSpace();
    if (!out_->empty() && out_->back() != '\n') out_->push_back('\n');
  }
  // A table cell boundary: a tab between cells of a row.
  void Cell() {
    space_ = false;
    TrimTrailingSpace();
    if (!out_->empty() && out_->back() != '\n' && out_->back() != '\t') out_->push_back('\t');
  }
  void Finish() {
    while (!out_->empty() && (out_->back() == '\n' || out_->back() == '\t' || out_->back() == ' ')) {
      out_->pop_back();
    }
  }

 private:
  void TrimTrailingSpace() {
    while (!out_->empty() && (out_->back() == ' ' || out_->back() == '\t')) out_->pop_back();
  }
  std::string* out_;
  bool space_ = false;
};

using Node = myhtml_tree_node_t;

// An attribute's value (character references decoded), or nullopt when the
// element does not have it. Names are lower case (the tokenizer folds them).
std::optional<std::string_view> Attr(Node* n, const char* name) {
  myhtml_tree_attr_t* a = myhtml_attribute_by_key(n, name, std::strlen(name));
  if (a == nullptr) return std::nullopt;
  std::size_t len = 0;
  const char* v = myhtml_attribute_value(a, &len);
  return v == nullptr ? std::string_view() : std::string_view(v, len);
}

std::string_view NodeText(Node* n) {
  std::size_t len = 0;
  const char* t = myhtml_node_text(n, &len);
  return t == nullptr ? std::string_view() : std::string_view(t, len);
}

// An inline style that hides the element: "display:none" or
// "visibility:hidden", any case and spacing. Cheap enough for every element
// with a style attribute; stylesheets are not read.
bool StyleHides(std::string_view style) {
  char compact[64];
  std::size_t n = 0;
  for (std::size_t i = 0; i < style.size(); ++i) {
    const char c = style[i];
    if (IsAsciiWs(c)) continue;
    if (c == ';') {
      n = 0;
      continue;
    }
    if (n == sizeof compact) continue;  // a long declaration is not one of ours
    compact[n++] = AsciiLowerChar(c);
    const std::string_view d(compact, n);
    if (d == "display:none" || d == "visibility:hidden") {
      const char next = i + 1 < style.size() ? style[i + 1] : '\0';
      if (next == '\0' || next == ';' || next == '!' || IsAsciiWs(next)) return true;
    }
  }
  return false;
}

bool IsHidden(Node* n) {
  if (myhtml_node_attribute_first(n) == nullptr) return false;
  if (Attr(n, "hidden")) return true;
  const auto style = Attr(n, "style");
  return style && StyleHides(*style);
}

bool IsGeoPosition(std::string_view n) {
  return n == "geo.position" || n == "icbm" || n == "place:location:latitude" || n == "place:location:longitude" ||
         n == "og:latitude" || n == "og:longitude";
}

bool IsGeoName(std::string_view n) { return IsGeoPosition(n) || n == "geo.placename" || n == "geo.region"; }

// Meta names the policy engine reads: robots, TDMRep's tdm-reservation and
// tdm-policy, and per-crawler robots tags ("googlebot", "gptbot", "ccbot",
// "google-extended", ...). No list of crawler names can be complete, so every
// name shaped like a user-agent product token ([a-z0-9_-], lower-cased) is
// kept unless it is one of the common names that are not robots directives
// (description, viewport, site verifications, app and browser UI settings).
// Names with ':' or '.' (og:*, twitter:*, msvalidate.01) are never agents.
bool IsPolicyName(std::string_view n) {
  if (n == "robots" || n == "tdm-reservation" || n == "tdm-policy") return true;
  if (n.empty() || n.size() > 64) return false;
  for (char c : n) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  static constexpr std::string_view kNotAgents[] = {
      "description", "keywords", "viewport", "author", "generator", "theme-color", "referrer", "format-detection",
      "application-name", "copyright", "language", "rating", "revisit-after", "color-scheme", "title", "subject",
      "publisher", "distribution", "handheldfriendly", "mobileoptimized", "date", "owner", "designer", "reply-to",
      "category", "classification", "coverage", "identifier-url", "abstract", "topic", "summary", "url",
      "pinterest", "pinterest-rich-pin", "next-head-count", "version", "build", "environment", "site_name"};
  if (std::find(std::begin(kNotAgents), std::end(kNotAgents), n) != std::end(kNotAgents)) return false;
  static constexpr std::string_view kNotAgentPrefixes[] = {"msapplication", "apple-", "mobile-web-app", "csrf",
                                                           "twitter", "og-", "fb-", "dc-", "dcterms"};
  for (std::string_view p : kNotAgentPrefixes) {
    if (n.substr(0, p.size()) == p) return false;
  }
  static constexpr std::string_view kNotAgentSuffixes[] = {"-verification", "-verify", "-token", "-site-id"};
  for (std::string_view s : kNotAgentSuffixes) {
    if (n.size() >= s.size() && n.substr(n.size() - s.size()) == s) return false;
  }
  return true;
}

constexpr std::size_t kMaxPolicyMeta = 64, kMaxGeoMeta = 32, kMaxTitleBytes = 2048;

// 1-based line of a byte offset of the parsed input, counted incrementally
// (nodes come in document order, so offsets mostly grow).
class LineCounter {
 public:
  explicit LineCounter(std::string_view text) : text_(text) {}
  int LineAt(std::size_t offset) {
    offset = std::min(offset, text_.size());
    if (offset < pos_) {
      pos_ = 0;
      line_ = 1;
    }
    for (; pos_ < offset; ++pos_) line_ += text_[pos_] == '\n';
    return line_;
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
  int line_ = 1;
};

void CollectMeta(Node* e, LineCounter* lines, ExtractedPage* page) {
  const auto content = Attr(e, "content");
  if (!content) return;
  const std::optional<std::string_view> names[2] = {Attr(e, "name"), Attr(e, "property")};
  for (int k = 0; k < 2; ++k) {
    if (!names[k]) continue;
    const std::string_view trimmed = TrimAsciiSpace(*names[k]);
    if (trimmed.size() > 64) continue;
    char buf[64];
    for (std::size_t i = 0; i < trimmed.size(); ++i) buf[i] = AsciiLowerChar(trimmed[i]);
    const std::string_view lname(buf, trimmed.size());
    if (IsGeoName(lname)) {
      if (page->geo.size() < kMaxGeoMeta) {
        page->geo.push_back({std::string(lname), std::string(Utf8Prefix(*content, 256)), IsGeoPosition(lname)});
      }
      break;  // name="geo.position" property="geo.position" is one tag
    }
    if (k == 0 && IsPolicyName(lname) && page->policy_meta.size() < kMaxPolicyMeta) {
      const int line = lines->LineAt(myhtml_node_raw_position(e).begin);
      page->policy_meta.push_back({std::string(lname), std::string(Utf8Prefix(*content, 2048)), line});
    }
  }
}

// The text of a <title> (RCDATA: one text node), whitespace collapsed.
void CollectTitle(Node* e, ExtractedPage* page) {
  if (!page->title.empty()) return;
  TextBuilder tb(&page->title);
  for (Node* t = myhtml_node_child(e); t != nullptr; t = myhtml_node_next(t)) {
    if (myhtml_node_tag_id(t) == MyHTML_TAG__TEXT) tb.Text(NodeText(t), false);
  }
  tb.Finish();
  if (page->title.size() > kMaxTitleBytes) page->title.resize(Utf8Prefix(page->title, kMaxTitleBytes).size());
}

bool HasToken(std::string_view list, std::string_view token) {
  // Space- or comma-separated, ASCII case-insensitive.
  std::size_t i = 0;
  while (i < list.size()) {
    while (i < list.size() && (IsAsciiWs(list[i]) || list[i] == ',')) ++i;
    std::size_t j = i;
    while (j < list.size() && !IsAsciiWs(list[j]) && list[j] != ',') ++j;
    if (j > i && EqualsIgnoreCase(list.substr(i, j - i), token)) return true;
    i = j;
  }
  return false;
}

// "isAccessibleForFree": false (or "False", "false" as a string) anywhere in
// a JSON-LD block: schema.org's paywall marker, as Google documents it.
bool JsonLdNotFree(std::string_view json) {
  constexpr std::string_view kKey = "isAccessibleForFree";
  for (std::size_t p = json.find(kKey); p != std::string_view::npos; p = json.find(kKey, p + 1)) {
    std::size_t i = p + kKey.size();
    if (i < json.size() && json[i] == '"') ++i;
    while (i < json.size() && IsAsciiWs(json[i])) ++i;
    if (i >= json.size() || json[i] != ':') continue;
    ++i;
    while (i < json.size() && IsAsciiWs(json[i])) ++i;
    if (i < json.size() && json[i] == '"') ++i;
    if (json.size() - i >= 5 && EqualsIgnoreCase(json.substr(i, 5), "false")) return true;
  }
  return false;
}

// What the page says about access (login forms, paywall markers), always;
// and what a crawler needs besides the text (links, <base>, meta nofollow)
// when `crawl`. Called on every element.
void CollectHints(Node* e, myhtml_tag_id_t tag, ExtractedPage* page, bool crawl) {
  switch (tag) {
    case MyHTML_TAG_A:
    case MyHTML_TAG_AREA: {
      if (!crawl) return;
      const auto href = Attr(e, "href");
      if (!href) return;
      if (const auto rel = Attr(e, "rel"); rel && HasToken(*rel, "nofollow")) return;
      if (page->links.size() >= kMaxPageLinks) {
        ++page->links_over_cap;
        return;
      }
      page->links.emplace_back(*href);
      return;
    }
    case MyHTML_TAG_BASE:
      if (!crawl) return;
      if (const auto href = Attr(e, "href"); href && page->base_href.empty()) page->base_href = std::string(*href);
      return;
    case MyHTML_TAG_INPUT:
      if (const auto type = Attr(e, "type"); type && EqualsIgnoreCase(*type, "password")) page->password_input = true;
      return;
    case MyHTML_TAG_META: {
      if (!crawl) return;
      const auto name = Attr(e, "name");
      const auto content = Attr(e, "content");
      if (name && content && EqualsIgnoreCase(*name, "robots") &&
          (HasToken(*content, "nofollow") || HasToken(*content, "none"))) {
        page->nofollow = true;
      }
      return;
    }
    case MyHTML_TAG_SCRIPT: {
      const auto type = Attr(e, "type");
      if (!type || !EqualsIgnoreCase(*type, "application/ld+json")) return;
      for (Node* t = myhtml_node_child(e); t != nullptr; t = myhtml_node_next(t)) {
        if (myhtml_node_tag_id(t) == MyHTML_TAG__TEXT && JsonLdNotFree(NodeText(t))) page->not_free = true;
      }
      return;
    }
    default:
      return;
  }
}

// Depth-first walk with an explicit stack (the tree can be as deep as the
// nesting bound, and deeper trees must not overflow the call stack).
void Walk(Node* root, std::string_view input, ExtractedPage* page, bool crawl_hints) {
  TextBuilder tb(&page->text);
  LineCounter lines(input);
  struct Frame {
    Node* node;
    Node* next;  // next child to visit
    bool pre;
  };
  std::vector<Frame> stack;
  stack.reserve(64);
  stack.push_back({root, myhtml_node_child(root), false});
  while (!stack.empty()) {
    Frame& f = stack.back();
    if (f.next == nullptr) {
      if (f.node != root && IsBlock(myhtml_node_tag_id(f.node))) tb.Block();
      stack.pop_back();
      continue;
    }
    Node* c = f.next;
    f.next = myhtml_node_next(c);
    const bool pre = f.pre;  // `f` may dangle after a push_back below
    const myhtml_tag_id_t tag = myhtml_node_tag_id(c);
    switch (tag) {
      case MyHTML_TAG__TEXT:
        tb.Text(NodeText(c), pre);
        continue;
      case MyHTML_TAG__COMMENT:
      case MyHTML_TAG__DOCTYPE:
      case MyHTML_TAG__UNDEF:
      case MyHTML_TAG__END_OF_FILE:
        continue;
      default:
        break;
    }
    CollectHints(c, tag, page, crawl_hints);
    switch (tag) {
      case MyHTML_TAG_META:
        CollectMeta(c, &lines, page);
        continue;
      case MyHTML_TAG_TITLE:
        if (myhtml_node_namespace(c) == MyHTML_NAMESPACE_HTML) CollectTitle(c, page);
        continue;
      case MyHTML_TAG_HEAD:
        // Not text, but its <meta> and <title> matter.
        stack.push_back({c, myhtml_node_child(c), false});
        continue;
      case MyHTML_TAG_BR:
        tb.Newline();
        continue;
      case MyHTML_TAG_HTML:
        if (page->lang.empty()) {
          if (const auto lang = Attr(c, "lang")) page->lang = std::string(Utf8Prefix(*lang, 64));
        }
        break;
      default:
        break;
    }
    if (IsSkipped(tag) || IsHidden(c)) continue;
    if (tag == MyHTML_TAG_TD || tag == MyHTML_TAG_TH) tb.Cell();
    if (IsBlock(tag)) tb.Block();
    stack.push_back({c, myhtml_node_child(c), pre || IsPre(tag)});
  }
  tb.Finish();
}

// One parser per thread (myhtml objects are not shared), reused page after
// page; a tree that grew past kTreeResetBytes of input is rebuilt so that one
// huge page does not pin its memory.
class Parser {
 public:
  Parser() { Create(); }
  ~Parser() { Destroy(); }
  Parser(const Parser&) = delete;
  Parser& operator=(const Parser&) = delete;
  // The document node of `html` (UTF-8), or nullptr when myhtml fails.
  Node* Parse(std::string_view html) {
    if (tree_ == nullptr) return nullptr;
    if (grown_ > kTreeResetBytes) {
      Destroy();
      Create();
      if (tree_ == nullptr) return nullptr;
    }
    grown_ = std::max(grown_, html.size());
    if (myhtml_parse(tree_, MyENCODING_UTF_8, html.data(), html.size()) != MyHTML_STATUS_OK) return nullptr;
    return myhtml_tree_get_document(tree_);
  }

 private:
  static constexpr std::size_t kTreeResetBytes = 4u << 20;
  void Create() {
    grown_ = 0;
    myhtml_ = myhtml_create();
    if (myhtml_ == nullptr || myhtml_init(myhtml_, MyHTML_OPTIONS_PARSE_MODE_SINGLE, 1, 0) != MyHTML_STATUS_OK) {
      Destroy();
      return;
    }
    tree_ = myhtml_tree_create();
    if (tree_ == nullptr || myhtml_tree_init(tree_, myhtml_) != MyHTML_STATUS_OK) Destroy();
  }
  void Destroy() {
    if (tree_ != nullptr) myhtml_tree_destroy(tree_);
    if (myhtml_ != nullptr) myhtml_destroy(myhtml_);
    tree_ = nullptr;
    myhtml_ = nullptr;
  }
  myhtml_t* myhtml_ = nullptr;
  myhtml_tree_t* tree_ = nullptr;
  std::size_t grown_ = 0;
};

}  // namespace

ExtractedPage ExtractHtml(std::string_view html, const ExtractOptions& options) {
  ExtractedPage page;
  if (html.size() > options.max_input_bytes) {
    html = html.substr(0, options.max_input_bytes);
    page.truncated = true;
  }

  std::string storage;
  std::string_view utf8 = html::DecodeToUtf8(html, options.http_charset, &storage, &page.charset, &page.converted);

  std::string bounded;
  page.dropped_tags = html::BoundNesting(utf8, &bounded);
  if (page.dropped_tags > 0) utf8 = bounded;

  thread_local Parser parser;
  Node* document = parser.Parse(utf8);
  if (document == nullptr) return page;
  page.text.reserve(utf8.size() / 4);
  Walk(document, utf8, &page, options.collect_links);
  // The parser's output is UTF-8 whatever its input; a last check costs little.
  if (!IsValidUtf8(page.text)) page.text = RepairedUtf8(page.text);
  return page;
}

}  // namespace moisson::io
