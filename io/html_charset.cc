// The charset of an HTML page and its conversion to UTF-8 (io/html_internal.h).
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
#include "io/html_internal.h"

namespace moisson::io::html {
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

}  // namespace

std::string_view DecodeToUtf8(std::string_view html, std::string_view http_charset, std::string* storage,
                              std::string* charset, bool* converted) {
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
  if (!known) known = ResolveLabel(http_charset, &enc);
  if (!known) {
    known = ResolveLabel(PrescanCharset(html), &enc);
    // A <meta> cannot declare UTF-16 (the bytes that carry it are ASCII):
    // the standard reads such pages as UTF-8.
    if (known && enc.name.substr(0, 6) == "utf-16") enc = kUtf8;
  }
  std::string_view utf8 = html;
  if (!known) {
    // Nothing declared: UTF-8 if the bytes say so, else windows-1252 (what a
    // Western browser assumes). A page with no well-formed multi-byte
    // sequence but with bytes that are not UTF-8 is a legacy 8-bit page; a
    // page with more good sequences than bad ones is UTF-8 with a few errors.
    const Utf8Census census = CountUtf8(html);
    if (census.invalid > census.multibyte) enc = kWindows1252;
  }
  *converted = false;
  if (enc.iconv != nullptr && ConvertToUtf8(html, enc.iconv, storage)) {
    *charset = std::string(enc.name);
    *converted = true;
    return *storage;
  }
  *charset = "utf-8";
  // The parser replaces bad bytes itself, but what reaches it must already
  // be valid for the nesting scan and for the copies of attribute values.
  if (!IsValidUtf8(utf8)) {
    *storage = RepairedUtf8(utf8);
    return *storage;
  }
  return utf8;
}

}  // namespace moisson::io::html
