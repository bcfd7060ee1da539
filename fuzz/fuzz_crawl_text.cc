// The crawler's small text parsers on arbitrary bytes: the options kept in a
// crawl state (read back by --resume) and Retry-After values. Neither may
// crash; options that parse must survive a second round trip unchanged.
#include <cstddef>
#include <cstdint>
#include <string>

#include "crawler/crawler.h"
#include "crawler/fetcher.h"

using namespace moisson::crawler;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const double ra = ParseRetryAfter(text);
  if (!(ra == -1 || ra >= 0)) __builtin_trap();
  CrawlOptions o;
  if (o.FromText(text, "state").ok()) {
    const std::string once = o.ToText();
    CrawlOptions again;
    if (!again.FromText(once, "state").ok() || again.ToText() != once) __builtin_trap();
  }
  return 0;
}
