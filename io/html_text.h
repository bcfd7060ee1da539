// HTML to text with Gumbo, for the filter chain.
#ifndef MOISSON_IO_HTML_TEXT_H_
#define MOISSON_IO_HTML_TEXT_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace moisson::io {

// A geolocation meta tag: geo.position, ICBM, place:location:latitude /
// longitude, geo.placename ... (name lower case, content as written).
struct GeoMeta {
  std::string name;
  std::string content;
};

struct ExtractedPage {
  // Visible text: block elements separated by newlines, whitespace runs
  // collapsed, no script/style/template/noscript, no head. Valid UTF-8.
  std::string text;
  std::string title;
  std::string lang;  // <html lang>, as written
  // <meta name=... content=...> of the page that the policy engine reads
  // (robots, googlebot, any "<agent>" robots name, tdm-reservation,
  // tdm-policy), name lower case, in document order.
  std::vector<std::pair<std::string, std::string>> policy_meta;
  std::vector<GeoMeta> geo;      // geolocation meta tags
  std::string charset;           // the charset the bytes were read as ("utf-8", "windows-1252", ...)
  bool converted = false;        // true when the bytes were converted to UTF-8 with iconv
};

struct ExtractOptions {
  // Charset from the HTTP Content-Type header, which wins over <meta charset>.
  std::string_view http_charset;
  // Input larger than this is cut (the text of the first max_input_bytes).
  std::size_t max_input_bytes = 16u << 20;
};

// Never fails on bad markup (Gumbo parses any byte string the way a browser
// would); invalid UTF-8 in the result is replaced by U+FFFD.
ExtractedPage ExtractHtml(std::string_view html, const ExtractOptions& options = {});

}  // namespace moisson::io

#endif  // MOISSON_IO_HTML_TEXT_H_
