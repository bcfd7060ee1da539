#include "io/html_text.h"

#include <gumbo.h>
#include <iconv.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>

#include "core/strings.h"

namespace moisson::io {
namespace {

// ---- charsets --------------------------------------------------------------

// WHATWG Encoding Standard labels that mean UTF-8, and those that mean
// windows-1252 (us-ascii and iso-8859-1 included: browsers read them so).
bool IsUtf8Label(std::string_view l) {
  return l == "utf-8" || l == "utf8" || l == "unicode-1-1-utf-8" || l == "x-unicode20utf8" || l == "unicode20utf8";
}
bool IsWindows1252Label(std::string_view l) {
  static constexpr std::string_view kLabels[] = {
      "windows-1252", "cp1252",    "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1",       "l1",
      "us-ascii",     "ascii",     "ansi_x3.4-1968", "cp819", "ibm819",    "iso-ir-100", "iso_8859-1:1987", "csisolatin1",
      "iso88591"};
  return std::find(std::begin(kLabels), std::end(kLabels), l) != std::end(kLabels);
}

// The charset a <meta> in the first bytes declares (HTML's prescan, simplified).
std::string PrescanCharset(std::string_view html) {
  const std::string head = AsciiLower(html.substr(0, 4096));
  std::size_t pos = 0;
  while ((pos = head.find("<meta", pos)) != std::string::npos) {
    const std::size_t end = head.find('>', pos);
    const std::string_view tag = std::string_view(head).substr(pos, end == std::string::npos ? 512 : end - pos);
    pos += 5;
    const std::size_t cs = tag.find("charset");
    if (cs == std::string_view::npos) continue;
    std::size_t i = cs + 7;
    while (i < tag.size() && (tag[i] == ' ' || tag[i] == '=')) ++i;
    while (i < tag.size() && (tag[i] == '"' || tag[i] == '\'')) ++i;
    std::size_t j = i;
    while (j < tag.size() && (std::isalnum(static_cast<unsigned char>(tag[j])) || tag[j] == '-' || tag[j] == '_' ||
                              tag[j] == ':' || tag[j] == '.')) {
      ++j;
    }
    if (j > i) return std::string(tag.substr(i, j - i));
  }
  return "";
}

// Converts `in` from `charset` to UTF-8; invalid input bytes become U+FFFD.
bool ConvertToUtf8(std::string_view in, const std::string& charset, std::string* out) {
  iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  out->clear();
  out->reserve(in.size() + in.size() / 4);
  char* src = const_cast<char*>(in.data());
  std::size_t left = in.size();
  char buf[16384];
  while (left > 0) {
    char* dst = buf;
    std::size_t room = sizeof buf;
    const std::size_t rc = iconv(cd, &src, &left, &dst, &room);
    out->append(buf, dst - buf);
    if (rc == static_cast<std::size_t>(-1)) {
      if (errno == E2BIG) continue;
      // EILSEQ or EINVAL (truncated sequence at the end): one byte becomes U+FFFD.
      out->append("\xEF\xBF\xBD");
      ++src;
      --left;
    }
  }
  iconv_close(cd);
  return true;
}

// Replaces invalid UTF-8 sequences by U+FFFD (Unicode's "maximal subpart" rule, simplified per byte).
std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      ++i;
      continue;
    }
    int n = 0;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) n = 1;
    else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    }
    bool ok = n > 0;
    if (ok) {
      for (int k = 1; k <= n; ++k) {
        if (i + k >= s.size()) {
          ok = false;
          break;
        }
        const unsigned char d = static_cast<unsigned char>(s[i + k]);
        const unsigned l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
        if (d < l || d > h) {
          ok = false;
          break;
        }
      }
    }
    if (ok) {
      out.append(s.data() + i, n + 1);
      i += n + 1;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

// ---- the tree walk ----------------------------------------------------------

bool IsBlock(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_ASIDE: case GUMBO_TAG_BLOCKQUOTE:
    case GUMBO_TAG_BODY: case GUMBO_TAG_CAPTION: case GUMBO_TAG_CENTER: case GUMBO_TAG_DD: case GUMBO_TAG_DETAILS:
    case GUMBO_TAG_DIR: case GUMBO_TAG_DIV: case GUMBO_TAG_DL: case GUMBO_TAG_DT:
    case GUMBO_TAG_FIELDSET: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_FORM: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3: case GUMBO_TAG_H4:
    case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_HEADER: case GUMBO_TAG_HGROUP: case GUMBO_TAG_HR:
    case GUMBO_TAG_LEGEND: case GUMBO_TAG_LI: case GUMBO_TAG_MAIN: case GUMBO_TAG_MENU: case GUMBO_TAG_NAV:
    case GUMBO_TAG_OL: case GUMBO_TAG_OPTION: case GUMBO_TAG_P: case GUMBO_TAG_PRE: case GUMBO_TAG_SECTION:
    case GUMBO_TAG_SUMMARY: case GUMBO_TAG_TABLE: case GUMBO_TAG_TBODY: case GUMBO_TAG_TFOOT: case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TR: case GUMBO_TAG_UL: case GUMBO_TAG_HTML: case GUMBO_TAG_SELECT: case GUMBO_TAG_TEXTAREA:
      return true;
    default:
      return false;
  }
}

bool IsSkipped(GumboTag t) {
  return t == GUMBO_TAG_SCRIPT || t == GUMBO_TAG_STYLE || t == GUMBO_TAG_TEMPLATE || t == GUMBO_TAG_NOSCRIPT ||
         t == GUMBO_TAG_HEAD || t == GUMBO_TAG_SVG || t == GUMBO_TAG_MATH || t == GUMBO_TAG_IFRAME ||
         t == GUMBO_TAG_OBJECT;
}

bool IsAsciiWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

class TextBuilder {
 public:
  explicit TextBuilder(std::string* out) : out_(out) {}
  void Text(std::string_view s, bool pre) {
    if (pre) {
      for (char c : s) {
        if (c == '\r') continue;
        if (c == '\n') Newline();
        else Put(c);
      }
      return;
    }
    for (char c : s) {
      if (IsAsciiWs(c)) {
        space_ = true;
      } else {
        if (space_ && !out_->empty() && out_->back() != '\n' && out_->back() != '\t') out_->push_back(' ');
        space_ = false;
        out_->push_back(c);
      }
    }
  }
  void Newline() {
    space_ = false;
    TrimTrailingSpace();
    if (out_->empty()) return;
    // At most one blank line in a row.
    const std::size_t n = out_->size();
    if (n >= 2 && (*out_)[n - 1] == '\n' && (*out_)[n - 2] == '\n') return;
    out_->push_back('\n');
  }
  void Block() {  // a block boundary: a line break unless at one already
    space_ = false;
    TrimTrailingSpace();
    if (!out_->empty() && out_->back() != '\n') out_->push_back('\n');
  }
  void Cell() {
    space_ = false;
    TrimTrailingSpace();
    if (!out_->empty() && out_->back() != '\n' && out_->back() != '\t') out_->push_back('\t');
  }
  void Finish() {
    TrimTrailingSpace();
    while (!out_->empty() && (out_->back() == '\n' || out_->back() == '\t')) out_->pop_back();
  }

 private:
  void Put(char c) {
    space_ = false;
    out_->push_back(c);
  }
  void TrimTrailingSpace() {
    while (!out_->empty() && out_->back() == ' ') out_->pop_back();
  }
  std::string* out_;
  bool space_ = false;
};

const char* Attr(const GumboElement& e, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
  return a ? a->value : nullptr;
}

bool IsGeoName(std::string_view n) {
  return n == "geo.position" || n == "icbm" || n == "geo.placename" || n == "geo.region" ||
         n == "place:location:latitude" || n == "place:location:longitude" || n == "og:latitude" ||
         n == "og:longitude";
}

// Meta names the policy engine reads: robots, TDMRep, and per-crawler robots
// tags ("googlebot", "gptbot", "ccbot", "google-extended"...): any
// token-shaped name that is not one of the common non-robots names.
bool IsPolicyName(std::string_view n) {
  if (n == "robots" || n == "tdm-reservation" || n == "tdm-policy") return true;
  static constexpr std::string_view kOther[] = {
      "description", "keywords",     "viewport",          "author",    "generator", "theme-color", "referrer",
      "format-detection", "application-name", "copyright", "language", "rating",    "revisit-after", "color-scheme",
      "google-site-verification", "msvalidate.01", "yandex-verification", "title", "subject", "publisher",
      "apple-mobile-web-app-capable", "apple-mobile-web-app-title", "apple-mobile-web-app-status-bar-style",
      "mobile-web-app-capable", "csrf-token", "csrf-param", "distribution", "handheldfriendly", "mobileoptimized"};
  if (n.empty() || n.size() > 64) return false;
  for (char c : n) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) return false;
  }
  return std::find(std::begin(kOther), std::end(kOther), n) == std::end(kOther) && n.substr(0, 13) != "msapplication";
}

void CollectMeta(const GumboElement& e, ExtractedPage* page) {
  const char* content = Attr(e, "content");
  if (content == nullptr) return;
  const char* name = Attr(e, "name");
  const char* prop = Attr(e, "property");
  for (const char* n : {name, prop}) {
    if (n == nullptr) continue;
    const std::string lname = AsciiLower(TrimAsciiSpace(n));
    if (IsGeoName(lname)) {
      if (page->geo.size() < 32) page->geo.push_back({lname, ValidUtf8(std::string_view(content).substr(0, 256))});
    } else if (n == name && IsPolicyName(lname)) {
      if (page->policy_meta.size() < 64) page->policy_meta.emplace_back(lname, ValidUtf8(std::string_view(content).substr(0, 2048)));
    }
  }
}

void Walk(const GumboNode* root, ExtractedPage* page) {
  TextBuilder tb(&page->text);
  struct Frame {
    const GumboNode* node;
    unsigned next;  // next child to visit
    bool pre;
  };
  std::vector<Frame> stack;
  stack.push_back({root, 0, false});
  while (!stack.empty()) {
    Frame& f = stack.back();
    const GumboNode* n = f.node;
    if (n->type != GUMBO_NODE_ELEMENT && n->type != GUMBO_NODE_DOCUMENT && n->type != GUMBO_NODE_TEMPLATE) {
      stack.pop_back();
      continue;
    }
    const GumboVector& children = n->type == GUMBO_NODE_DOCUMENT ? n->v.document.children : n->v.element.children;
    if (f.next < children.length) {
      const GumboNode* c = static_cast<const GumboNode*>(children.data[f.next++]);
      const bool pre = f.pre;
      switch (c->type) {
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_CDATA:
        case GUMBO_NODE_WHITESPACE:
          tb.Text(c->v.text.text, pre);
          break;
        case GUMBO_NODE_ELEMENT: {
          const GumboElement& e = c->v.element;
          if (e.tag == GUMBO_TAG_META) {
            CollectMeta(e, page);
            break;
          }
          if (e.tag == GUMBO_TAG_TITLE) {
            if (page->title.empty() && e.children.length > 0) {
              const GumboNode* t = static_cast<const GumboNode*>(e.children.data[0]);
              if (t->type == GUMBO_NODE_TEXT) {
                std::string title;
                TextBuilder(&title).Text(t->v.text.text, false);
                page->title = std::move(title);
              }
            }
            break;
          }
          if (e.tag == GUMBO_TAG_HEAD) {
            // Not text, but its <meta> and <title> matter.
            stack.push_back({c, 0, false});
            break;
          }
          if (IsSkipped(e.tag) || gumbo_get_attribute(&e.attributes, "hidden") != nullptr) break;
          if (e.tag == GUMBO_TAG_BR) {
            tb.Newline();
            break;
          }
          if (e.tag == GUMBO_TAG_TD || e.tag == GUMBO_TAG_TH) tb.Cell();
          if (IsBlock(e.tag)) tb.Block();
          if (e.tag == GUMBO_TAG_HTML && page->lang.empty()) {
            if (const char* lang = Attr(e, "lang")) page->lang = ValidUtf8(std::string_view(lang).substr(0, 64));
          }
          stack.push_back({c, 0, pre || e.tag == GUMBO_TAG_PRE || e.tag == GUMBO_TAG_TEXTAREA});
          break;
        }
        case GUMBO_NODE_TEMPLATE:
        case GUMBO_NODE_COMMENT:
        case GUMBO_NODE_DOCUMENT:
          break;
      }
    } else {
      if (n->type == GUMBO_NODE_ELEMENT && IsBlock(n->v.element.tag)) tb.Block();
      stack.pop_back();
    }
  }
  tb.Finish();
}

// Gumbo's tree builder walks the stack of open elements on many steps, so a
// page of 100,000 nested <div> takes about 30 s to parse. Real pages nest a
// few dozen deep; start tags beyond kMaxDepth open elements are dropped
// (their text is kept), which bounds the work to O(size x kMaxDepth).
constexpr int kMaxDepth = 256;

bool IsVoidTag(std::string_view name) {
  static constexpr std::string_view kVoid[] = {"area", "base", "br",   "col",   "embed", "hr",     "img",
                                               "input", "link", "meta", "param", "source", "track", "wbr"};
  return std::find(std::begin(kVoid), std::end(kVoid), name) != std::end(kVoid);
}

// Returns true and fills *out when `html` nests deeper than kMaxDepth.
bool BoundNesting(std::string_view html, std::string* out) {
  int depth = 0;
  bool exceeded = false;
  std::size_t copied = 0;  // html[0, copied) is in *out (once exceeded)
  std::size_t i = 0;
  while (true) {
    const void* lt = std::memchr(html.data() + i, '<', html.size() - i);
    if (lt == nullptr) break;
    i = static_cast<const char*>(lt) - html.data();
    if (html.substr(i, 4) == "<!--") {
      const std::size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? html.size() : end + 3;
      continue;
    }
    const bool closing = i + 1 < html.size() && html[i + 1] == '/';
    std::size_t j = i + (closing ? 2 : 1);
    std::size_t k = j;
    while (k < html.size() && std::isalnum(static_cast<unsigned char>(html[k]))) ++k;
    if (k == j) {
      ++i;
      continue;
    }
    const std::string name = AsciiLower(html.substr(j, k - j));
    const std::size_t gt = html.find('>', k);
    const std::size_t tag_end = gt == std::string_view::npos ? html.size() : gt + 1;
    if (closing) {
      if (depth > 0) --depth;
    } else if (name == "script" || name == "style" || name == "textarea" || name == "title") {
      // Raw text: skip to its end tag.
      const std::string close = "</" + name;
      std::size_t end = tag_end;
      while (end < html.size()) {
        end = html.find("</", end);
        if (end == std::string_view::npos) {
          end = html.size();
          break;
        }
        if (AsciiLower(html.substr(end, close.size())) == close) break;
        end += 2;
      }
      i = end;
      continue;
    } else if (!IsVoidTag(name) && !(gt != std::string_view::npos && gt > 0 && html[gt - 1] == '/')) {
      if (++depth > kMaxDepth) {
        if (!exceeded) {
          exceeded = true;
          out->clear();
          out->reserve(html.size());
        }
        out->append(html.substr(copied, i - copied));
        copied = tag_end;
        --depth;
      }
    }
    i = tag_end;
  }
  if (exceeded) out->append(html.substr(copied));
  return exceeded;
}

}  // namespace

ExtractedPage ExtractHtml(std::string_view html, const ExtractOptions& options) {
  ExtractedPage page;
  if (html.size() > options.max_input_bytes) html = html.substr(0, options.max_input_bytes);
  // Byte order marks say the encoding (and win over everything, as in HTML).
  std::string label;
  if (html.substr(0, 3) == "\xEF\xBB\xBF") {
    html.remove_prefix(3);
    label = "utf-8";
  } else if (html.substr(0, 2) == "\xFF\xFE") {
    label = "utf-16le";
  } else if (html.substr(0, 2) == "\xFE\xFF") {
    label = "utf-16be";
  }
  if (label.empty()) label = AsciiLower(TrimAsciiSpace(options.http_charset));
  if (label.empty()) label = PrescanCharset(html);
  if (label.empty()) label = "utf-8";
  std::string converted;
  std::string_view utf8 = html;
  if (IsUtf8Label(label)) {
    page.charset = "utf-8";
  } else {
    const std::string iconv_name = IsWindows1252Label(label) ? "WINDOWS-1252" : label;
    if (ConvertToUtf8(html, iconv_name, &converted)) {
      page.charset = IsWindows1252Label(label) ? "windows-1252" : label;
      page.converted = true;
      utf8 = converted;
    } else {
      page.charset = "utf-8";  // unknown label: read as UTF-8, invalid bytes replaced below
    }
  }
  std::string valid;
  if (!page.converted) {
    valid = ValidUtf8(utf8);
    utf8 = valid;
  }
  std::string bounded;
  if (BoundNesting(utf8, &bounded)) utf8 = bounded;
  GumboOptions gopts = kGumboDefaultOptions;
  gopts.max_errors = 0;  // we do not read Gumbo's parse errors; do not collect them
  GumboOutput* out = gumbo_parse_with_options(&gopts, utf8.data(), utf8.size());
  if (out == nullptr) return page;
  Walk(out->document, &page);
  gumbo_destroy_output(&gopts, out);
  return page;
}

}  // namespace moisson::io
