// Sitemaps (sitemaps.org protocol 0.9): the <loc> URLs of a <urlset> or of a
// <sitemapindex>, read with a forgiving scan rather than a validating XML
// parser — real sitemaps are often not well-formed, and only <loc> matters.
//
// Limits (the protocol's): at most 50,000 URLs and 50 MiB uncompressed per
// file; a gzip-compressed sitemap (the body starts with the gzip magic) is
// inflated up to that size. Entities &amp; &lt; &gt; &quot; &apos; and
// numeric character references are decoded; CDATA sections are read;
// surrounding whitespace is trimmed.
#ifndef MOISSON_CRAWLER_SITEMAP_H_
#define MOISSON_CRAWLER_SITEMAP_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace moisson::crawler {

inline constexpr std::size_t kMaxSitemapUrls = 50000;
inline constexpr std::size_t kMaxSitemapBytes = 50u << 20;

struct Sitemap {
  bool index = false;             // a <sitemapindex>: the locations are sitemaps
  std::vector<std::string> locs;  // as written, decoded; not yet resolved or normalised
  bool truncated = false;         // more than kMaxSitemapUrls, or cut at kMaxSitemapBytes
};

// `source` names the sitemap in errors (its URL). Errors: a gzip body that
// does not inflate, or a body that holds neither <urlset> nor <sitemapindex>.
Result<Sitemap> ParseSitemap(std::string_view body, const std::string& source);

}  // namespace moisson::crawler

#endif  // MOISSON_CRAWLER_SITEMAP_H_
