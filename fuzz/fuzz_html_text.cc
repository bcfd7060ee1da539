// HTML to text on arbitrary bytes and declared charsets: the text and every
// piece of metadata are always well-formed UTF-8, and the input is never
// exceeded by more than conversion can explain.
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/html_text.h"

using namespace moisson::io;

namespace {

// Well-formed UTF-8 (Unicode table 3-7: no overlongs, surrogates or code points above U+10FFFF).
bool ValidUtf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    const std::size_t n =
        c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3 : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    if (n > 1) {
      const unsigned char d = s[i + 1];
      const unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
      const unsigned hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
      if (d < lo || d > hi) return false;
      for (std::size_t k = 2; k < n; ++k) {
        if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
      }
    }
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const kCharsets[] = {"",          "utf-8",    "windows-1252", "iso-8859-15", "shift_jis",
                                          "utf-16le",  "x-bogus",  "iso-2022-jp",  "gb2312",      "utf-16be"};
  ExtractOptions o;
  o.http_charset = kCharsets[data[0] % 10];
  const std::string_view html(reinterpret_cast<const char*>(data) + 1, size - 1);
  const ExtractedPage p = ExtractHtml(html, o);
  bool ok = ValidUtf8(p.text) && ValidUtf8(p.title) && ValidUtf8(p.lang);
  for (const auto& m : p.policy_meta) ok = ok && ValidUtf8(m.name) && ValidUtf8(m.content);
  for (const GeoMeta& g : p.geo) ok = ok && ValidUtf8(g.name) && ValidUtf8(g.content);
  // UTF-8 output of any charset is at most 3 bytes per input byte (plus U+FFFD per bad byte).
  if (!ok || p.text.size() > 3 * html.size() + 16) __builtin_trap();
  return 0;
}
