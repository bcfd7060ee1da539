// Sitemaps on arbitrary bytes (plain or gzip): never a crash, never more
// than the protocol's 50,000 locations, never an empty location.
#include <cstddef>
#include <cstdint>
#include <string>

#include "crawler/sitemap.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto map = moisson::crawler::ParseSitemap(body, "fuzz.xml");
  if (!map.ok()) return 0;
  if (map->locs.size() > moisson::crawler::kMaxSitemapUrls) __builtin_trap();
  for (const auto& l : map->locs) {
    if (l.empty()) __builtin_trap();
  }
  return 0;
}
