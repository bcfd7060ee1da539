// The id and digest reader of rights export/erase and purge (io/jsonl_records.h) on
// arbitrary lines: never a crash, and an id found is never longer than the
// line it came from (unescaping only shortens).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/jsonl_records.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  const moisson::io::RecordKey key = moisson::io::JsonlRecordKey(line);
  if (key.id.size() > line.size()) __builtin_trap();
  if (!key.text_sha256.empty() && key.text_sha256.size() != 64) __builtin_trap();
  return 0;
}
