// HTML to text with myhtml (libmodest, an HTML5 tree builder), for the filter
// chain and the crawler.
//
// What counts as text: what a reader sees, with block structure.
//   - Block elements (p, div, li, h1-h6, tr, table, ul/ol, dl/dt/dd, section,
//     article, header, footer, nav, aside, main, blockquote, figure,
//     figcaption, address, form, fieldset, details, hr ...) start and end a
//     line; <br> breaks a line; table cells of a row are separated by a tab.
//   - Outside <pre> (and listing/xmp/plaintext), runs of whitespace, including
//     no-break spaces U+00A0 and U+202F, collapse to one space; lines have no
//     leading or trailing spaces; at most one blank line in a row (only <br>
//     and <pre> make blank lines). <pre> keeps its spaces and line breaks.
//   - Not text: head (its <title> goes to .title), script, style, template,
//     noscript, iframe, object/embed/applet, audio/video/canvas fallback,
//     svg and math (icon labels and formula markup rather than prose), form
//     controls' values and choices (input, select, datalist, textarea), and
//     hidden elements: the `hidden` attribute, an inline style with
//     display:none or visibility:hidden (stylesheets are not read).
//   - Entities are decoded (the parser does, as a browser would).
//
// Charsets: a byte order mark wins (as in the HTML standard and browsers),
// then ExtractOptions::http_charset, then <meta charset> or <meta
// http-equiv=Content-Type> in the first 4 KB, then the bytes: UTF-8 unless
// they hold more ill-formed sequences than well-formed multi-byte ones, in
// which case windows-1252. Labels follow the WHATWG Encoding Standard
// (iso-8859-1 and us-ascii mean windows-1252, shift_jis means CP932, gb2312
// means GBK ...); unknown labels are ignored and the next source is asked.
// Anything not UTF-8 is converted with glibc iconv before parsing (which reads
// only UTF-8); bytes the charset does not map become U+FFFD.
//
// Bounds: input beyond max_input_bytes is cut. An HTML5 tree builder takes
// time proportional to nesting depth times the number of tags, so a
// pre-scan keeps an approximate stack of open elements (with the implied end
// tags of p, li, dt/dd, option and table parts) and drops start tags that
// would nest deeper than 512, as Chromium does; their text is kept. The tree
// walk is iterative, so no input can overflow the call stack.
//
// Thread-safety: ExtractHtml is reentrant; each thread keeps a small cache of
// iconv descriptors.
#ifndef MOISSON_IO_HTML_TEXT_H_
#define MOISSON_IO_HTML_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace moisson::io {

// A geolocation meta tag: geo.position, ICBM, geo.placename, geo.region,
// place:location:latitude / longitude, og:latitude / og:longitude, from
// name= or property= (name lower case, content as written). At most 32.
struct GeoMeta {
  std::string name;
  std::string content;
  bool position = false;  // a coordinate (geo.position, ICBM, *:latitude/longitude), not a place name
};

// A <meta name=... content=...> the policy engine reads: name lower case,
// content as written, 1-based line of the tag in the (UTF-8) input.
struct PolicyMeta {
  std::string name;
  std::string content;
  int line = 0;
};

struct ExtractedPage {
  // Visible text: block elements separated by newlines, whitespace runs
  // collapsed, no script/style/template/noscript, no head. Valid UTF-8.
  std::string text;
  std::string title;  // first <title>, whitespace collapsed, at most 2 KB
  std::string lang;   // <html lang>, as written
  // <meta name=... content=...> of the page that the policy engine reads,
  // name lower case, content as written, in document order, at most 64:
  // robots, tdm-reservation, tdm-policy, and every name shaped like a
  // user-agent token ([a-z0-9_-]: googlebot, gptbot, ccbot, google-extended,
  // ...) except well-known names that are not robots directives
  // (description, keywords, viewport, author, generator, *-verification ...).
  std::vector<PolicyMeta> policy_meta;
  std::vector<GeoMeta> geo;  // geolocation meta tags, in document order
  // The charset the bytes were read as, by its WHATWG name ("utf-8",
  // "windows-1252", "iso-8859-15", "shift_jis", ...).
  std::string charset;
  // For a crawler (ExtractOptions::collect_links only):
  // href of <a> and <area> as written (no rel=nofollow), document order, at most kMaxPageLinks
  std::vector<std::string> links;
  std::size_t links_over_cap = 0;  // further such hrefs, past kMaxPageLinks: counted, not kept
  std::string base_href;           // the first <base href>, as written
  bool nofollow = false;           // <meta name=robots> says nofollow or none
  // Always (what the chain's access step reads):
  bool password_input = false;     // an <input type=password>: a login form
  bool not_free = false;           // JSON-LD says "isAccessibleForFree": false (a paywall)
  bool converted = false;        // true when the bytes were converted to UTF-8 with iconv
  bool truncated = false;        // true when the input was longer than max_input_bytes
  std::size_t dropped_tags = 0;  // start tags dropped by the nesting bound (0 on real pages)
};

// The most links ExtractedPage::links holds: a bound on what one page makes a crawler do.
inline constexpr std::size_t kMaxPageLinks = 10000;

struct ExtractOptions {
  // Charset from the HTTP Content-Type header, which wins over <meta charset>.
  std::string_view http_charset;
  // Input larger than this is cut (the text of the first max_input_bytes).
  std::size_t max_input_bytes = 16u << 20;
  // Also fill links, base_href and nofollow.
  bool collect_links = false;
};

// Never fails on bad markup (the parser reads any byte string the way a browser
// would); invalid UTF-8 in the result is replaced by U+FFFD. `html` is only
// read during the call.
ExtractedPage ExtractHtml(std::string_view html, const ExtractOptions& options = {});

}  // namespace moisson::io

#endif  // MOISSON_IO_HTML_TEXT_H_
