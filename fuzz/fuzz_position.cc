// A finished input's position as the ledger holds it (pipeline/shards.h
// ParsePosition): any text is refused or read; what is read writes back to
// text that reads the same.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "pipeline/shards.h"

using namespace moisson::pipeline;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto p = ParsePosition(in);
  if (!p.ok()) return 0;
  auto again = ParsePosition(PositionJson(*p));
  if (!again.ok() || !(again->part == p->part) || !(again->rejects == p->rejects) ||
      again->world_size != p->world_size || again->counts.kept != p->counts.kept ||
      again->with_rejects != p->with_rejects || again->with_attributes != p->with_attributes ||
      again->counts.dropped_by_reason != p->counts.dropped_by_reason) {
    __builtin_trap();
  }
  return 0;
}
