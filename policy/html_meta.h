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

// At most this much of a document's head is parsed.
inline constexpr std::size_t kMaxHeadBytes = 1u << 20;

// Every <meta> element of the document's head that has both a name and a
// content attribute, in document order. Never fails.
//
// Robots meta tags and TDMRep's tdm-reservation/tdm-policy belong in the
// head (Google's robots meta documentation; TDMRep 3.3), so only the head is
// read: HeadPrefix() finds where it ends and Gumbo parses that prefix. This
// also bounds the work: Gumbo's tree builder is superlinear in nesting depth
// (8 MB of nested <div> takes minutes), and nothing in a head nests.
std::vector<MetaTag> ExtractMetaTags(std::string_view html);

// The prefix of `html` that the HTML tree builder can still be "in head"
// for: it ends before the first start tag that is not a head element
// (<body>, <div>, <p>, ...), after </head>, or at kMaxHeadBytes. Comments and
// the raw text of <script>, <style>, <title>, <noscript> ... are skipped
// whole, so a tag written inside them does not end the head.
std::string_view HeadPrefix(std::string_view html);

}  // namespace moisson::policy

#endif  // MOISSON_POLICY_HTML_META_H_
