#include "io/html_text.h"

#include <gumbo.h>
#include <myhtml/api.h>
#include <iconv.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>

#include "core/strings.h"
#include "core/utf8.h"

namespace moisson::io {
namespace {

// ---- UTF-8 -------------------------------------------------------------------

// Counts well-formed multi-byte sequences and ill-formed bytes (to guess
// whether undeclared bytes are UTF-8 or a legacy charset).
struct Utf8Census {
  std::size_t multibyte = 0;
  std::size_t invalid = 0;
};
Utf8Census CountUtf8(std::string_view s) {
  Utf8Census c;
  std::size_t i = 0;
  const std::size_t n = s.size();
  while (i < n) {
    // Eight ASCII bytes at a time: most of any page is ASCII markup.
    if (i + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if ((w & 0x8080808080808080ull) == 0) {
        i += 8;
        continue;
      }
    }
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const std::size_t len = Utf8SequenceLength(s, i);
    if (len == 0) {
      ++c.invalid;
      ++i;
    } else {
      ++c.multibyte;
      i += len;
    }
  }
  return c;
}

// ---- charsets ----------------------------------------------------------------

// A decoder: the WHATWG Encoding Standard name and the glibc iconv name
// (nullptr for UTF-8, which is read as is).
struct Encoding {
  std::string_view name;
  const char* iconv;
};

constexpr Encoding kUtf8{"utf-8", nullptr};
constexpr Encoding kWindows1252{"windows-1252", "WINDOWS-1252"};

// Labels of the WHATWG Encoding Standard (https://encoding.spec.whatwg.org/,
// "Encodings" table) for the encodings pages actually use. As in browsers,
// us-ascii and iso-8859-1 mean windows-1252, iso-8859-9 means windows-1254,
// gb2312 means GBK, shift_jis means windows-31j (CP932) and euc-kr means
// windows-949, the supersets that servers really send under those names.
struct Label {
  std::string_view label;
  Encoding encoding;
};
constexpr Encoding kGbk{"gbk", "GBK"}, kShiftJis{"shift_jis", "CP932"}, kEucKr{"euc-kr", "CP949"},
    kBig5{"big5", "BIG5-HKSCS"}, kUtf16Le{"utf-16le", "UTF-16LE"}, kWin874{"windows-874", "WINDOWS-874"},
    kWin1254{"windows-1254", "WINDOWS-1254"};
constexpr Label kLabels[] = {
    {"utf-8", kUtf8}, {"utf8", kUtf8}, {"unicode-1-1-utf-8", kUtf8}, {"unicode11utf8", kUtf8},
    {"unicode20utf8", kUtf8}, {"x-unicode20utf8", kUtf8},
    {"windows-1252", kWindows1252}, {"ansi_x3.4-1968", kWindows1252}, {"ascii", kWindows1252},
    {"cp1252", kWindows1252}, {"cp819", kWindows1252}, {"csisolatin1", kWindows1252}, {"ibm819", kWindows1252},
    {"iso-8859-1", kWindows1252}, {"iso-ir-100", kWindows1252}, {"iso8859-1", kWindows1252},
    {"iso88591", kWindows1252}, {"iso_8859-1", kWindows1252}, {"iso_8859-1:1987", kWindows1252},
    {"l1", kWindows1252}, {"latin1", kWindows1252}, {"us-ascii", kWindows1252}, {"x-cp1252", kWindows1252},
    {"x-user-defined", kWindows1252},
    {"iso-8859-9", kWin1254}, {"iso8859-9", kWin1254}, {"iso88599", kWin1254}, {"iso_8859-9", kWin1254},
    {"iso-ir-148", kWin1254}, {"l5", kWin1254}, {"latin5", kWin1254}, {"csisolatin5", kWin1254},
    {"iso-8859-11", kWin874}, {"iso8859-11", kWin874}, {"iso885911", kWin874}, {"tis-620", kWin874},
    {"dos-874", kWin874},
    {"l2", {"iso-8859-2", "ISO-8859-2"}}, {"latin2", {"iso-8859-2", "ISO-8859-2"}},
    {"l9", {"iso-8859-15", "ISO-8859-15"}}, {"latin9", {"iso-8859-15", "ISO-8859-15"}},
    {"koi8-r", {"koi8-r", "KOI8-R"}}, {"koi8", {"koi8-r", "KOI8-R"}}, {"koi8_r", {"koi8-r", "KOI8-R"}},
    {"cskoi8r", {"koi8-r", "KOI8-R"}}, {"koi8-u", {"koi8-u", "KOI8-U"}}, {"koi8-ru", {"koi8-u", "KOI8-U"}},
    {"ibm866", {"ibm866", "IBM866"}}, {"cp866", {"ibm866", "IBM866"}}, {"866", {"ibm866", "IBM866"}},
    {"macintosh", {"macintosh", "MACINTOSH"}}, {"mac", {"macintosh", "MACINTOSH"}},
    {"x-mac-roman", {"macintosh", "MACINTOSH"}}, {"x-mac-cyrillic", {"x-mac-cyrillic", "MAC-CYRILLIC"}},
    {"gbk", kGbk}, {"gb2312", kGbk}, {"gb_2312", kGbk}, {"gb_2312-80", kGbk}, {"x-gbk", kGbk},
    {"chinese", kGbk}, {"csgb2312", kGbk}, {"iso-ir-58", kGbk}, {"gb18030", {"gb18030", "GB18030"}},
    {"big5", kBig5}, {"big5-hkscs", kBig5}, {"cn-big5", kBig5}, {"csbig5", kBig5}, {"x-x-big5", kBig5},
    {"euc-jp", {"euc-jp", "EUC-JP"}}, {"x-euc-jp", {"euc-jp", "EUC-JP"}},
    {"iso-2022-jp", {"iso-2022-jp", "ISO-2022-JP"}}, {"csiso2022jp", {"iso-2022-jp", "ISO-2022-JP"}},
    {"shift_jis", kShiftJis}, {"shift-jis", kShiftJis}, {"sjis", kShiftJis}, {"x-sjis", kShiftJis},
    {"ms_kanji", kShiftJis}, {"ms932", kShiftJis}, {"windows-31j", kShiftJis}, {"csshiftjis", kShiftJis},
    {"euc-kr", kEucKr}, {"ks_c_5601-1987", kEucKr}, {"ks_c_5601-1989", kEucKr}, {"ksc5601", kEucKr},
    {"ksc_5601", kEucKr}, {"korean", kEucKr}, {"windows-949", kEucKr}, {"cseuckr", kEucKr},
    {"utf-16", kUtf16Le}, {"utf-16le", kUtf16Le}, {"unicode", kUtf16Le}, {"ucs-2", kUtf16Le},
    {"utf-16be", {"utf-16be", "UTF-16BE"}},
};

// iso-8859-N and windows-125N under their usual spellings ("iso8859-2",
// "iso_8859-2", "cp1250", "x-cp1250"...).
constexpr const char* kIso8859[] = {nullptr,      nullptr,      "ISO-8859-2", "ISO-8859-3",  "ISO-8859-4",
                                    "ISO-8859-5", "ISO-8859-6", "ISO-8859-7", "ISO-8859-8",  nullptr,
                                    "ISO-8859-10", nullptr,     nullptr,      "ISO-8859-13", "ISO-8859-14",
                                    "ISO-8859-15", "ISO-8859-16"};
constexpr std::string_view kIso8859Names[] = {
    "", "", "iso-8859-2", "iso-8859-3", "iso-8859-4", "iso-8859-5", "iso-8859-6", "iso-8859-7", "iso-8859-8",
    "", "iso-8859-10", "", "", "iso-8859-13", "iso-8859-14", "iso-8859-15", "iso-8859-16"};
constexpr const char* kWindows125x[] = {"WINDOWS-1250", "WINDOWS-1251", "WINDOWS-1252", "WINDOWS-1253",
                                        "WINDOWS-1254", "WINDOWS-1255", "WINDOWS-1256", "WINDOWS-1257",
                                        "WINDOWS-1258"};
constexpr std::string_view kWindows125xNames[] = {"windows-1250", "windows-1251", "windows-1252",
                                                  "windows-1253", "windows-1254", "windows-1255",
                                                  "windows-1256", "windows-1257", "windows-1258"};

bool ParseNumber(std::string_view s, int* n) {
  if (s.empty() || s.size() > 2) return false;
  *n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    *n = *n * 10 + (c - '0');
  }
  return true;
}

// Resolves a charset label (any case, surrounding spaces allowed). Returns
// false for labels it does not know: the caller then tries the next source.
bool ResolveLabel(std::string_view raw, Encoding* out) {
  const std::string_view trimmed = TrimAsciiSpace(raw);
  if (trimmed.empty() || trimmed.size() > 40) return false;
  char buf[40];
  for (std::size_t i = 0; i < trimmed.size(); ++i) buf[i] = AsciiLowerChar(trimmed[i]);
  const std::string_view l(buf, trimmed.size());
  for (const Label& entry : kLabels) {
    if (entry.label == l) {
      *out = entry.encoding;
      return true;
    }
  }
  int n;
  for (std::string_view prefix : {"iso-8859-", "iso8859-", "iso_8859-", "iso8859"}) {
    if (l.substr(0, prefix.size()) == prefix) {
      std::string_view rest = l.substr(prefix.size());
      if (const std::size_t colon = rest.find(':'); colon != std::string_view::npos) rest = rest.substr(0, colon);
      if (ParseNumber(rest, &n) && n < 17 && kIso8859[n] != nullptr) {
        *out = {kIso8859Names[n], kIso8859[n]};
        return true;
      }
    }
  }
  for (std::string_view prefix : {"windows-", "cp", "x-cp"}) {
    if (l.size() == prefix.size() + 4 && l.substr(0, prefix.size()) == prefix &&
        l.substr(prefix.size(), 2) == "12" && ParseNumber(l.substr(prefix.size() + 2), &n) && n >= 50 && n <= 58) {
      *out = {kWindows125xNames[n - 50], kWindows125x[n - 50]};
      return true;
    }
  }
  // Unknown spellings of Latin-1 ("latin-1", "iso-latin-1", "8859-1"...) are
  // read as windows-1252, the way browsers read unlabelled Western pages.
  const bool ends_8859_1 = l.size() >= 6 && l.substr(l.size() - 6) == "8859-1";
  if (l.find("latin") != std::string_view::npos || ends_8859_1 || l.find("1252") != std::string_view::npos) {
    *out = kWindows1252;
    return true;
  }
  return false;
}

bool IsAsciiWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Reads an attribute list from `s` (after the tag name) up to '>' and calls
// f(name, value) for each attribute, names lower-cased by the caller's compare.
// Returns the index just past the '>' (or s.size()).
template <typename F>
std::size_t ForEachAttribute(std::string_view s, F&& f) {
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (IsAsciiWs(s[i]) || s[i] == '/')) ++i;
    if (i >= s.size()) break;
    if (s[i] == '>') return i + 1;
    std::size_t ns = i;
    while (i < s.size() && !IsAsciiWs(s[i]) && s[i] != '/' && s[i] != '>' && s[i] != '=') ++i;
    std::string_view name = s.substr(ns, i - ns);
    if (name.empty()) name = s.substr(ns, ++i - ns);  // a stray '=' is a name of its own
    while (i < s.size() && IsAsciiWs(s[i])) ++i;
    std::string_view value;
    if (i < s.size() && s[i] == '=') {
      ++i;
      while (i < s.size() && IsAsciiWs(s[i])) ++i;
      if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
        const char q = s[i++];
        const std::size_t end = s.find(q, i);
        value = s.substr(i, (end == std::string_view::npos ? s.size() : end) - i);
        i = end == std::string_view::npos ? s.size() : end + 1;
      } else {
        const std::size_t vs = i;
        while (i < s.size() && !IsAsciiWs(s[i]) && s[i] != '>') ++i;
        value = s.substr(vs, i - vs);
      }
    }
    f(name, value);
  }
  return s.size();
}

// The charset in a Content-Type value ("text/html; charset=ISO-8859-15"),
// as the WHATWG "extract a character encoding from a meta element" reads it.
std::string_view CharsetFromContentType(std::string_view v) {
  std::size_t pos = 0;
  while (true) {
    std::size_t found = std::string_view::npos;
    for (std::size_t k = pos; k + 7 <= v.size(); ++k) {
      if (EqualsIgnoreCase(v.substr(k, 7), "charset")) {
        found = k;
        break;
      }
    }
    if (found == std::string_view::npos) return {};
    std::size_t i = found + 7;
    while (i < v.size() && IsAsciiWs(v[i])) ++i;
    if (i >= v.size() || v[i] != '=') {
      pos = found + 7;
      continue;
    }
    ++i;
    while (i < v.size() && IsAsciiWs(v[i])) ++i;
    if (i < v.size() && (v[i] == '"' || v[i] == '\'')) {
      const char q = v[i++];
      const std::size_t end = v.find(q, i);
      return end == std::string_view::npos ? std::string_view{} : v.substr(i, end - i);
    }
    std::size_t j = i;
    while (j < v.size() && !IsAsciiWs(v[j]) && v[j] != ';') ++j;
    return v.substr(i, j - i);
  }
}

// The HTML standard's prescan (13.2.3.2, "prescan a byte stream to determine
// its encoding"), simplified: <meta charset=X>, or <meta http-equiv=
// content-type content="...charset=X">, in the first kPrescanBytes bytes,
// outside comments. The standard reads 1024 bytes; many real pages put their
// <meta charset> after a longer comment or script, so this reads more.
constexpr std::size_t kPrescanBytes = 4096;

std::string_view PrescanCharset(std::string_view html) {
  html = html.substr(0, kPrescanBytes);
  std::size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (html.substr(i, 4) == "<!--") {
      const std::size_t end = html.find("-->", i + 4);
      if (end == std::string_view::npos) return {};
      i = end + 3;
      continue;
    }
    if (i + 5 < html.size() && EqualsIgnoreCase(html.substr(i + 1, 4), "meta") &&
        (IsAsciiWs(html[i + 5]) || html[i + 5] == '/')) {
      std::string_view charset, content;
      bool http_equiv_content_type = false;
      i += 5 + ForEachAttribute(html.substr(i + 5), [&](std::string_view n, std::string_view v) {
             if (EqualsIgnoreCase(n, "charset") && charset.empty()) charset = v;
             if (EqualsIgnoreCase(n, "content") && content.empty()) content = v;
             if (EqualsIgnoreCase(n, "http-equiv") && EqualsIgnoreCase(TrimAsciiSpace(v), "content-type")) {
               http_equiv_content_type = true;
             }
           });
      if (!charset.empty()) return charset;
      if (http_equiv_content_type) {
        if (std::string_view cs = CharsetFromContentType(content); !cs.empty()) return cs;
      }
      continue;
    }
    ++i;
  }
  return {};
}

// iconv descriptors are costly to open (glibc loads a gconv module), so each
// thread keeps the last few it used.
class IconvCache {
 public:
  ~IconvCache() {
    for (Slot& s : slots_) {
      if (s.name != nullptr) iconv_close(s.cd);
    }
  }
  // Returns a descriptor reset to its initial state, or (iconv_t)-1.
  iconv_t Get(const char* name) {
    for (Slot& s : slots_) {
      if (s.name == name) {
        iconv(s.cd, nullptr, nullptr, nullptr, nullptr);
        return s.cd;
      }
    }
    const iconv_t cd = iconv_open("UTF-8", name);
    if (cd == reinterpret_cast<iconv_t>(-1)) return cd;
    Slot& victim = slots_[next_++ % slots_.size()];
    if (victim.name != nullptr) iconv_close(victim.cd);
    victim = {name, cd};
    return cd;
  }

 private:
  struct Slot {
    const char* name = nullptr;  // one of the static names above, compared by address
    iconv_t cd{};
  };
  std::array<Slot, 4> slots_;
  std::size_t next_ = 0;
};

// Converts `in` from `iconv_name` to UTF-8; a byte the charset does not map
// becomes U+FFFD and conversion goes on. False if glibc lacks the charset.
bool ConvertToUtf8(std::string_view in, const char* iconv_name, std::string* out) {
  thread_local IconvCache cache;
  const iconv_t cd = cache.Get(iconv_name);
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  out->clear();
  out->reserve(in.size() + in.size() / 2 + 16);
  char* src = const_cast<char*>(in.data());  // iconv's signature; it does not write the input
  std::size_t left = in.size();
  char buf[16384];
  while (true) {
    char* dst = buf;
    std::size_t room = sizeof buf;
    const std::size_t rc = left > 0 ? iconv(cd, &src, &left, &dst, &room) : iconv(cd, nullptr, nullptr, &dst, &room);
    out->append(buf, dst - buf);
    if (rc != static_cast<std::size_t>(-1)) {
      if (left == 0 && dst == buf) break;  // flushed (stateful encodings emit nothing more)
      if (left == 0) continue;
    } else if (errno == E2BIG) {
      continue;
    } else {
      // EILSEQ, or EINVAL for a sequence cut by the end of the input: skip
      // one code unit (two bytes in UTF-16, so that the rest stays aligned).
      const std::size_t unit = std::min<std::size_t>(left, std::strncmp(iconv_name, "UTF-16", 6) == 0 ? 2 : 1);
      out->append(kReplacementChar);
      src += unit;
      left -= unit;
      iconv(cd, nullptr, nullptr, nullptr, nullptr);  // back to the initial shift state
    }
  }
  return true;
}

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

  // Which decoder: a byte order mark first (it wins over every label in the
  // HTML standard's "encoding sniffing algorithm", and in browsers), then the
  // HTTP charset, then <meta>, then the bytes themselves.
  Encoding enc = kUtf8;
  bool known = false;
  if (html.substr(0, 3) == "\xEF\xBB\xBF") {
    html.remove_prefix(3);
    known = true;
  } else if (html.substr(0, 2) == "\xFF\xFE") {
    html.remove_prefix(2);
    enc = kUtf16Le;
    known = true;
  } else if (html.substr(0, 2) == "\xFE\xFF") {
    html.remove_prefix(2);
    enc = {"utf-16be", "UTF-16BE"};
    known = true;
  }
  if (!known) known = ResolveLabel(options.http_charset, &enc);
  if (!known) {
    known = ResolveLabel(PrescanCharset(html), &enc);
    // A <meta> cannot declare UTF-16 (the bytes that carry it are ASCII):
    // the standard reads such pages as UTF-8.
    if (known && enc.name.substr(0, 6) == "utf-16") enc = kUtf8;
  }
  std::string converted;
  std::string_view utf8 = html;
  if (!known) {
    // Nothing declared: UTF-8 if the bytes say so, else windows-1252 (what a
    // Western browser assumes). A page with no well-formed multi-byte
    // sequence but with bytes that are not UTF-8 is a legacy 8-bit page; a
    // page with more good sequences than bad ones is UTF-8 with a few errors.
    const Utf8Census census = CountUtf8(html);
    if (census.invalid > census.multibyte) enc = kWindows1252;
  }
  if (enc.iconv != nullptr && ConvertToUtf8(html, enc.iconv, &converted)) {
    page.charset = std::string(enc.name);
    page.converted = true;
    utf8 = converted;
  } else {
    page.charset = "utf-8";
  }
  // Gumbo replaces bad bytes itself, but what reaches it must already be
  // valid for the byte scans below and for the copies of attribute values.
  std::string repaired;
  if (!page.converted && !IsValidUtf8(utf8)) {
    repaired = RepairedUtf8(utf8);
    utf8 = repaired;
  }

  std::string bounded;
  page.dropped_tags = NestingBound(utf8).Run(&bounded);
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
