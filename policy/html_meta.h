// <meta name=... content=...> extraction with Gumbo (an HTML5-conformant
// parser), so that comments, scripts and malformed markup are read the way a
// browser reads them rather than by pattern matching.
#ifndef MOISSON_POLICY_HTML_META_H_
#define MOISSON_POLICY_HTML_META_H_

#include <string>
#include <string_view>
#include <vector>

namespace moisson::policy {

struct MetaTag {
  int line = 0;         // 1-based line of the <meta> tag in the input
  std::string name;     // the name attribute, lower-cased
  std::string content;  // the content attribute, as written
};

// Documents larger than this are read only up to it.
inline constexpr std::size_t kMaxHtmlBytes = 8u << 20;

// Every <meta> element that has both a name and a content attribute, in
// document order. Never fails: Gumbo recovers from any input.
std::vector<MetaTag> ExtractMetaTags(std::string_view html);

}  // namespace moisson::policy

#endif  // MOISSON_POLICY_HTML_META_H_
