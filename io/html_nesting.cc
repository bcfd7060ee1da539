// The nesting bound before the HTML parser (io/html_internal.h).
#include <gumbo.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/strings.h"
#include "io/html_internal.h"

namespace moisson::io::html {
namespace {

// ---- bounding the nesting that Gumbo sees -------------------------------------

// Gumbo's tree builder looks through the stack of open elements on most start
// tags ("has a p element in button scope", formatting reconstruction), so its
// time grows with nesting depth times the number of tags: 8 MB of nested
// <div> does not finish in minutes. Browsers bound depth for the same reason
// (Chromium's HTMLConstructionSite stops nesting at 512 and attaches deeper
// elements to the element at the limit). We do the same before Gumbo: a light
// scan keeps an approximate stack of open elements, with the implied end tags
// that matter on real pages (<p>, <li>, <dt>/<dd>, <option>, table parts,
// <a>) and end tags that stop at scope boundaries, and drops a start tag that
// would open element number kMaxDepth + 1. Its text and its end tag are kept,
// so nothing visible is lost: a dropped element's text joins its parent's.
constexpr int kMaxDepth = 512;

enum TagFlag : std::uint16_t {
  kVoid = 1,            // no end tag, no children
  kRawText = 2,         // content is text up to </name> (HTML namespace only)
  kClosesP = 4,         // start tag closes an open <p> in button scope
  kScope = 8,           // boundary of "has an element in scope"
  kNotCounted = 16,     // html, head, body: opened once, at the bottom
  kForeignRoot = 32,    // svg, math: content in a foreign namespace
  kSpecial = 64,        // the HTML standard's "special" category
  kFormatting = 128,    // formatting elements, whose end tags run the adoption agency
  kListStop = 256,      // special, but not address, div or p: ends the search for an <li>/<dd>/<dt>
};

struct TagTable {
  std::array<std::uint16_t, GUMBO_TAG_LAST + 1> flags{};
  TagTable() {
    for (GumboTag t : {GUMBO_TAG_AREA, GUMBO_TAG_BASE, GUMBO_TAG_BASEFONT, GUMBO_TAG_BGSOUND, GUMBO_TAG_BR,
                       GUMBO_TAG_COL, GUMBO_TAG_EMBED, GUMBO_TAG_HR, GUMBO_TAG_IMG, GUMBO_TAG_IMAGE,
                       GUMBO_TAG_INPUT, GUMBO_TAG_KEYGEN, GUMBO_TAG_LINK, GUMBO_TAG_META, GUMBO_TAG_PARAM,
                       GUMBO_TAG_SOURCE, GUMBO_TAG_TRACK, GUMBO_TAG_WBR, GUMBO_TAG_FRAME}) {
      flags[t] |= kVoid;
    }
    for (GumboTag t : {GUMBO_TAG_SCRIPT, GUMBO_TAG_STYLE, GUMBO_TAG_XMP, GUMBO_TAG_IFRAME, GUMBO_TAG_NOEMBED,
                       GUMBO_TAG_NOFRAMES, GUMBO_TAG_TEXTAREA, GUMBO_TAG_TITLE}) {
      flags[t] |= kRawText;
    }
    for (GumboTag t : {GUMBO_TAG_ADDRESS, GUMBO_TAG_ARTICLE, GUMBO_TAG_ASIDE, GUMBO_TAG_BLOCKQUOTE,
                       GUMBO_TAG_CENTER, GUMBO_TAG_DETAILS, GUMBO_TAG_DIR, GUMBO_TAG_DIV,
                       GUMBO_TAG_DL, GUMBO_TAG_FIELDSET, GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE, GUMBO_TAG_FOOTER,
                       GUMBO_TAG_HEADER, GUMBO_TAG_HGROUP, GUMBO_TAG_MAIN, GUMBO_TAG_MENU, GUMBO_TAG_NAV,
                       GUMBO_TAG_OL, GUMBO_TAG_P, GUMBO_TAG_SECTION, GUMBO_TAG_SUMMARY, GUMBO_TAG_UL,
                       GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4, GUMBO_TAG_H5, GUMBO_TAG_H6,
                       GUMBO_TAG_PRE, GUMBO_TAG_LISTING, GUMBO_TAG_FORM, GUMBO_TAG_LI, GUMBO_TAG_DD,
                       GUMBO_TAG_DT, GUMBO_TAG_PLAINTEXT, GUMBO_TAG_TABLE, GUMBO_TAG_HR, GUMBO_TAG_XMP}) {
      flags[t] |= kClosesP;
    }
    for (GumboTag t : {GUMBO_TAG_APPLET, GUMBO_TAG_CAPTION, GUMBO_TAG_HTML, GUMBO_TAG_TABLE, GUMBO_TAG_TD,
                       GUMBO_TAG_TH, GUMBO_TAG_MARQUEE, GUMBO_TAG_OBJECT, GUMBO_TAG_TEMPLATE,
                       GUMBO_TAG_FOREIGNOBJECT, GUMBO_TAG_DESC, GUMBO_TAG_MI, GUMBO_TAG_MO, GUMBO_TAG_MN,
                       GUMBO_TAG_MS, GUMBO_TAG_MTEXT, GUMBO_TAG_ANNOTATION_XML}) {
      flags[t] |= kScope;
    }
    for (GumboTag t : {GUMBO_TAG_HTML, GUMBO_TAG_HEAD, GUMBO_TAG_BODY, GUMBO_TAG_FRAMESET}) flags[t] |= kNotCounted;
    flags[GUMBO_TAG_SVG] |= kForeignRoot;
    flags[GUMBO_TAG_MATH] |= kForeignRoot;
    // The HTML standard's "special" elements (13.2.4.2); those other than
    // address, div and p end the search for a list item to close.
    for (GumboTag t : {GUMBO_TAG_ADDRESS, GUMBO_TAG_DIV, GUMBO_TAG_P, GUMBO_TAG_LI, GUMBO_TAG_DD, GUMBO_TAG_DT}) {
      flags[t] |= kSpecial;
    }
    for (GumboTag t : {GUMBO_TAG_APPLET, GUMBO_TAG_AREA, GUMBO_TAG_ARTICLE, GUMBO_TAG_ASIDE, GUMBO_TAG_BASE,
                       GUMBO_TAG_BASEFONT, GUMBO_TAG_BGSOUND, GUMBO_TAG_BLOCKQUOTE, GUMBO_TAG_BODY, GUMBO_TAG_BR,
                       GUMBO_TAG_BUTTON, GUMBO_TAG_CAPTION, GUMBO_TAG_CENTER, GUMBO_TAG_COL, GUMBO_TAG_COLGROUP,
                       GUMBO_TAG_DETAILS, GUMBO_TAG_DIR, GUMBO_TAG_DL, GUMBO_TAG_EMBED, GUMBO_TAG_FIELDSET,
                       GUMBO_TAG_FIGCAPTION, GUMBO_TAG_FIGURE, GUMBO_TAG_FOOTER, GUMBO_TAG_FORM, GUMBO_TAG_FRAME,
                       GUMBO_TAG_FRAMESET, GUMBO_TAG_H1, GUMBO_TAG_H2, GUMBO_TAG_H3, GUMBO_TAG_H4, GUMBO_TAG_H5,
                       GUMBO_TAG_H6, GUMBO_TAG_HEAD, GUMBO_TAG_HEADER, GUMBO_TAG_HGROUP, GUMBO_TAG_HR,
                       GUMBO_TAG_HTML, GUMBO_TAG_IFRAME, GUMBO_TAG_IMG, GUMBO_TAG_INPUT, GUMBO_TAG_LINK,
                       GUMBO_TAG_LISTING, GUMBO_TAG_MAIN, GUMBO_TAG_MARQUEE, GUMBO_TAG_MENU, GUMBO_TAG_META,
                       GUMBO_TAG_NAV, GUMBO_TAG_NOEMBED, GUMBO_TAG_NOFRAMES, GUMBO_TAG_NOSCRIPT, GUMBO_TAG_OBJECT,
                       GUMBO_TAG_OL, GUMBO_TAG_PARAM, GUMBO_TAG_PLAINTEXT, GUMBO_TAG_PRE, GUMBO_TAG_SCRIPT,
                       GUMBO_TAG_SECTION, GUMBO_TAG_SELECT, GUMBO_TAG_SOURCE, GUMBO_TAG_STYLE, GUMBO_TAG_SUMMARY,
                       GUMBO_TAG_TABLE, GUMBO_TAG_TBODY, GUMBO_TAG_TD, GUMBO_TAG_TEMPLATE, GUMBO_TAG_TEXTAREA,
                       GUMBO_TAG_TFOOT, GUMBO_TAG_TH, GUMBO_TAG_THEAD, GUMBO_TAG_TITLE, GUMBO_TAG_TR,
                       GUMBO_TAG_TRACK, GUMBO_TAG_UL, GUMBO_TAG_WBR, GUMBO_TAG_XMP, GUMBO_TAG_MI, GUMBO_TAG_MO,
                       GUMBO_TAG_MN, GUMBO_TAG_MS, GUMBO_TAG_MTEXT, GUMBO_TAG_ANNOTATION_XML,
                       GUMBO_TAG_FOREIGNOBJECT, GUMBO_TAG_DESC}) {
      flags[t] |= kSpecial | kListStop;
    }
    for (GumboTag t : {GUMBO_TAG_A, GUMBO_TAG_B, GUMBO_TAG_BIG, GUMBO_TAG_CODE, GUMBO_TAG_EM, GUMBO_TAG_FONT,
                       GUMBO_TAG_I, GUMBO_TAG_NOBR, GUMBO_TAG_S, GUMBO_TAG_SMALL, GUMBO_TAG_STRIKE,
                       GUMBO_TAG_STRONG, GUMBO_TAG_TT, GUMBO_TAG_U}) {
      flags[t] |= kFormatting;
    }
  }
};
const TagTable kTags;

std::uint32_t NameHash(std::string_view name) {
  std::uint32_t h = 2166136261u;
  for (char c : name) h = (h ^ static_cast<unsigned char>(AsciiLowerChar(c))) * 16777619u;
  return h;
}

class NestingBound {
 public:
  explicit NestingBound(std::string_view html) : html_(html) {}

  // Scans the document; returns the number of start tags dropped. When it is
  // not zero, *out holds the document without them.
  std::size_t Run(std::string* out);

 private:
  struct Open {
    GumboTag tag;
    std::uint32_t hash;  // of the lower-case name, for elements Gumbo does not know
    bool scope;          // a scope boundary (SVG <title> too, which shares HTML's tag id)
  };
  bool Has(GumboTag t) const { return count_[t] > 0; }
  // Index of the element the implied end tags of `t` close up to (inclusive),
  // or -1 when they close nothing.
  int ImpliedCloseTarget(GumboTag t) const;
  int FindOpen(GumboTag t, std::uint32_t hash) const;
  void PopTo(int index) {
    while (static_cast<int>(stack_.size()) > index) {
      const GumboTag t = stack_.back().tag;
      --count_[t];
      if (kTags.flags[t] & kForeignRoot) --foreign_;
      stack_.pop_back();
    }
  }
  // Searches from the top for an element in `closes`, stopping at one with
  // any of `stop_flags` or in `stops`; returns the deepest match in the run.
  template <std::size_t N, std::size_t M>
  int SearchDown(const GumboTag (&closes)[N], const GumboTag (&stops)[M], std::uint16_t stop_flags) const {
    int found = -1;
    for (int i = static_cast<int>(stack_.size()) - 1; i >= 0; --i) {
      const GumboTag t = stack_[i].tag;
      if (std::find(std::begin(closes), std::end(closes), t) != std::end(closes)) {
        found = i;
        continue;
      }
      if ((kTags.flags[t] & stop_flags) || ((stop_flags & kScope) && stack_[i].scope) ||
          std::find(std::begin(stops), std::end(stops), t) != std::end(stops)) {
        break;
      }
    }
    return found;
  }

  std::string_view html_;
  std::vector<Open> stack_;
  std::array<std::uint32_t, GUMBO_TAG_LAST + 1> count_{};
  int foreign_ = 0;
};

int NestingBound::ImpliedCloseTarget(GumboTag t) const {
  int target = -1;
  auto consider = [&target](int i) {
    if (i >= 0 && (target < 0 || i < target)) target = i;
  };
  static constexpr GumboTag kNone[] = {GUMBO_TAG_UNKNOWN};
  switch (t) {
    case GUMBO_TAG_LI: {
      static constexpr GumboTag kC[] = {GUMBO_TAG_LI};
      if (Has(GUMBO_TAG_LI)) consider(SearchDown(kC, kNone, kListStop));
      break;
    }
    case GUMBO_TAG_DD:
    case GUMBO_TAG_DT: {
      static constexpr GumboTag kC[] = {GUMBO_TAG_DD, GUMBO_TAG_DT};
      if (Has(GUMBO_TAG_DD) || Has(GUMBO_TAG_DT)) consider(SearchDown(kC, kNone, kListStop));
      break;
    }
    case GUMBO_TAG_OPTION:
    case GUMBO_TAG_OPTGROUP: {
      const int top = static_cast<int>(stack_.size()) - 1;
      if (top >= 0 && stack_[top].tag == GUMBO_TAG_OPTION) {
        consider(top);
        if (t == GUMBO_TAG_OPTGROUP && top >= 1 && stack_[top - 1].tag == GUMBO_TAG_OPTGROUP) consider(top - 1);
      } else if (t == GUMBO_TAG_OPTGROUP && top >= 0 && stack_[top].tag == GUMBO_TAG_OPTGROUP) {
        consider(top);
      }
      break;
    }
    case GUMBO_TAG_TR: {
      static constexpr GumboTag kC[] = {GUMBO_TAG_TR, GUMBO_TAG_TD, GUMBO_TAG_TH, GUMBO_TAG_CAPTION};
      static constexpr GumboTag kS[] = {GUMBO_TAG_TBODY, GUMBO_TAG_THEAD, GUMBO_TAG_TFOOT, GUMBO_TAG_TABLE,
                                        GUMBO_TAG_TEMPLATE, GUMBO_TAG_HTML};
      if (Has(GUMBO_TAG_TR) || Has(GUMBO_TAG_TD) || Has(GUMBO_TAG_TH)) consider(SearchDown(kC, kS, 0));
      break;
    }
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH: {
      static constexpr GumboTag kC[] = {GUMBO_TAG_TD, GUMBO_TAG_TH};
      static constexpr GumboTag kS[] = {GUMBO_TAG_TR, GUMBO_TAG_TABLE, GUMBO_TAG_TEMPLATE, GUMBO_TAG_HTML};
      if (Has(GUMBO_TAG_TD) || Has(GUMBO_TAG_TH)) consider(SearchDown(kC, kS, 0));
      break;
    }
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_COLGROUP: {
      static constexpr GumboTag kC[] = {GUMBO_TAG_TBODY, GUMBO_TAG_THEAD, GUMBO_TAG_TFOOT, GUMBO_TAG_TR,
                                        GUMBO_TAG_TD, GUMBO_TAG_TH, GUMBO_TAG_CAPTION, GUMBO_TAG_COLGROUP};
      static constexpr GumboTag kS[] = {GUMBO_TAG_TABLE, GUMBO_TAG_TEMPLATE, GUMBO_TAG_HTML};
      if (Has(GUMBO_TAG_TABLE)) consider(SearchDown(kC, kS, 0));
      break;
    }
    case GUMBO_TAG_A:
    case GUMBO_TAG_NOBR:
    case GUMBO_TAG_BUTTON: {
      // An open <a> is closed by the next <a> (the adoption agency), same for
      // <nobr> and <button>.
      if (Has(t)) {
        for (int i = static_cast<int>(stack_.size()) - 1; i >= 0; --i) {
          if (stack_[i].tag == t) {
            consider(i);
            break;
          }
          if (stack_[i].scope) break;
          // The adoption agency leaves block content open (see FindOpen).
          if (t != GUMBO_TAG_BUTTON && (kTags.flags[stack_[i].tag] & kSpecial)) break;
        }
      }
      break;
    }
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6: {
      const int top = static_cast<int>(stack_.size()) - 1;
      if (top >= 0 && stack_[top].tag >= GUMBO_TAG_H1 && stack_[top].tag <= GUMBO_TAG_H6) consider(top);
      break;
    }
    default:
      break;
  }
  if ((kTags.flags[t] & kClosesP) && Has(GUMBO_TAG_P)) {
    static constexpr GumboTag kC[] = {GUMBO_TAG_P};
    static constexpr GumboTag kS[] = {GUMBO_TAG_BUTTON};
    consider(SearchDown(kC, kS, kScope));
  }
  return target;
}

int NestingBound::FindOpen(GumboTag t, std::uint32_t hash) const {
  if (!Has(t)) return -1;
  const bool boundary_stops = !(kTags.flags[t] & kScope) && foreign_ == 0;
  for (int i = static_cast<int>(stack_.size()) - 1; i >= 0; --i) {
    if (stack_[i].tag == t && (t != GUMBO_TAG_UNKNOWN || stack_[i].hash == hash)) return i;
    if (boundary_stops && stack_[i].scope) return -1;
    // The adoption agency keeps a formatting element's block content open
    // (<b><div></b> leaves the div, with a new <b> in it): when a special
    // element lies above, count nothing as closed rather than too much.
    if ((kTags.flags[t] & kFormatting) && (kTags.flags[stack_[i].tag] & kSpecial)) return -1;
    // </td> and </th> stop at their table; </tr> and table sections too.
    if (stack_[i].tag == GUMBO_TAG_TABLE) return -1;
  }
  return -1;
}

bool IsNameEnd(char c) { return IsAsciiWs(c) || c == '/' || c == '>'; }

std::size_t NestingBound::Run(std::string* out) {
  const std::string_view h = html_;
  std::size_t dropped = 0;
  std::size_t copied = 0;  // h[0, copied) is in *out once something was dropped
  std::size_t i = 0;
  stack_.reserve(kMaxDepth + 1);
  while (i < h.size()) {
    const void* lt = std::memchr(h.data() + i, '<', h.size() - i);
    if (lt == nullptr) break;
    i = static_cast<const char*>(lt) - h.data();
    if (i + 1 >= h.size()) break;
    const char c1 = h[i + 1];
    if (c1 == '!') {
      if (h.substr(i, 4) == "<!--") {
        const std::size_t end = h.find("-->", i + 4);
        if (end == std::string_view::npos) break;  // the rest is a comment
        i = end + 3;
      } else {
        const std::size_t end = h.find('>', i + 2);
        if (end == std::string_view::npos) break;
        i = end + 1;
      }
      continue;
    }
    if (c1 == '?') {  // bogus comment
      const std::size_t end = h.find('>', i + 2);
      if (end == std::string_view::npos) break;
      i = end + 1;
      continue;
    }
    const bool closing = c1 == '/';
    const std::size_t name_start = i + (closing ? 2 : 1);
    if (name_start >= h.size() || !((h[name_start] | 0x20) >= 'a' && (h[name_start] | 0x20) <= 'z')) {
      if (closing) {  // "</" + non-letter: a bogus comment up to '>'
        const std::size_t end = h.find('>', name_start);
        if (end == std::string_view::npos) break;
        i = end + 1;
      } else {
        ++i;
      }
      continue;
    }
    std::size_t name_end = name_start;
    while (name_end < h.size() && !IsNameEnd(h[name_end])) ++name_end;
    const std::string_view name = h.substr(name_start, name_end - name_start);
    const GumboTag tag = gumbo_tagn_enum(name.data(), static_cast<unsigned>(name.size()));
    const std::uint32_t hash = tag == GUMBO_TAG_UNKNOWN ? NameHash(name) : 0;
    const std::size_t attrs_end = name_end + ForEachAttribute(h.substr(name_end), [](std::string_view, std::string_view) {});
    const bool self_closing = attrs_end >= 2 && h[attrs_end - 1] == '>' && h[attrs_end - 2] == '/';
    const std::size_t tag_start = i;
    i = attrs_end;
    const std::uint16_t flags = kTags.flags[tag];
    if (closing) {
      if (flags & kNotCounted) continue;
      if (const int at = FindOpen(tag, hash); at >= 0) PopTo(at);
      continue;
    }
    if ((flags & (kVoid | kNotCounted)) || (self_closing && foreign_ > 0)) continue;
    if (foreign_ == 0 && tag == GUMBO_TAG_PLAINTEXT) break;  // the rest is text
    if (foreign_ == 0 && (flags & kRawText)) {
      // Skip the element's text, up to "</name" followed by a name end.
      std::size_t end = i;
      while ((end = h.find("</", end)) != std::string_view::npos) {
        if (end + 2 + name.size() <= h.size() && EqualsIgnoreCase(h.substr(end + 2, name.size()), name) &&
            (end + 2 + name.size() == h.size() || IsNameEnd(h[end + 2 + name.size()]))) {
          break;
        }
        end += 2;
      }
      if (end == std::string_view::npos) break;
      i = end;
      continue;
    }
    const int target = ImpliedCloseTarget(tag);
    const int depth_after = (target >= 0 ? target : static_cast<int>(stack_.size())) + 1;
    if (depth_after > kMaxDepth) {
      if (dropped++ == 0) {
        out->clear();
        out->reserve(h.size());
      }
      out->append(h.substr(copied, tag_start - copied));
      copied = i;
      continue;
    }
    if (target >= 0) PopTo(target);
    stack_.push_back({tag, hash, (flags & kScope) != 0 || (tag == GUMBO_TAG_TITLE && foreign_ > 0)});
    ++count_[tag];
    if (flags & kForeignRoot) ++foreign_;
  }
  if (dropped > 0) out->append(h.substr(copied));
  return dropped;
}

}  // namespace

std::size_t BoundNesting(std::string_view utf8, std::string* out) { return NestingBound(utf8).Run(out); }

}  // namespace moisson::io::html
