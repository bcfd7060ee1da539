// Fuzzes the header and meta value parsers: X-Robots-Tag, meta robots,
// Content-Signal, tdm-reservation, Crawl-delay, Request-rate.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "policy/signals.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moisson::policy;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto scopes = ParseXRobotsTag(in);
  if (scopes.empty() || !scopes[0].agent.empty()) __builtin_trap();  // scope 0 is always the unscoped one
  const size_t colon = in.find(':');
  (void)ParseMetaRobots(in.substr(0, colon == std::string_view::npos ? 0 : colon), in);
  (void)ParseContentSignal(in);
  const auto r = ParseTdmReservation(in);
  if (r && *r != 0 && *r != 1) __builtin_trap();
  const auto delay = ParseCrawlDelay(in);
  if (delay && !(*delay >= 0)) __builtin_trap();
  (void)ParseRequestRate(in);
  return 0;
}
