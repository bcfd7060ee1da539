// HTML to text on arbitrary bytes and declared charsets: the text and every
// piece of metadata are always well-formed UTF-8, and the input is never
// exceeded by more than conversion can explain.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/utf8.h"
#include "io/html_text.h"

using moisson::IsValidUtf8;
using namespace moisson::io;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static const char* const kCharsets[] = {"",          "utf-8",    "windows-1252", "iso-8859-15", "shift_jis",
                                          "utf-16le",  "x-bogus",  "iso-2022-jp",  "gb2312",      "utf-16be"};
  ExtractOptions o;
  o.http_charset = kCharsets[data[0] % 10];
  o.collect_links = (data[0] & 0x80) != 0;  // the crawler's extra outputs too
  const std::string_view html(reinterpret_cast<const char*>(data) + 1, size - 1);
  const ExtractedPage p = ExtractHtml(html, o);
  bool ok = IsValidUtf8(p.text) && IsValidUtf8(p.title) && IsValidUtf8(p.lang);
  for (const auto& m : p.policy_meta) ok = ok && IsValidUtf8(m.name) && IsValidUtf8(m.content);
  for (const GeoMeta& g : p.geo) ok = ok && IsValidUtf8(g.name) && IsValidUtf8(g.content);
  for (const auto& l : p.links) ok = ok && IsValidUtf8(l);
  ok = ok && IsValidUtf8(p.base_href) && p.links.size() <= 10000 && (o.collect_links || p.links.empty());
  // UTF-8 output of any charset is at most 3 bytes per input byte (plus U+FFFD per bad byte).
  if (!ok || p.text.size() > 3 * html.size() + 16) __builtin_trap();
  return 0;
}
