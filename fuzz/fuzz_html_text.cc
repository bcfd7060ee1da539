// HTML to text on arbitrary bytes and declared charsets: the text and the
// metadata are always valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <string>

#include "io/html_text.h"

using namespace moisson::io;

namespace {

bool ValidUtf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = s[i];
    int n = c < 0x80 ? 0 : (c >= 0xC2 && c <= 0xDF) ? 1 : (c >= 0xE0 && c <= 0xEF) ? 2 : (c >= 0xF0 && c <= 0xF4) ? 3 : -1;
    if (n < 0 || i + n >= s.size() + (n == 0)) return n == 0;
    for (int k = 1; k <= n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n + 1;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const kCharsets[] = {"", "utf-8", "windows-1252", "iso-8859-15", "shift_jis", "utf-16le", "x-bogus"};
  ExtractOptions o;
  o.http_charset = kCharsets[data[0] % 7];
  const std::string_view html(reinterpret_cast<const char*>(data) + 1, size - 1);
  const ExtractedPage p = ExtractHtml(html, o);
  if (!ValidUtf8(p.text) || !ValidUtf8(p.title)) __builtin_trap();
  return 0;
}
