// Fuzzes configuration loading: any TOML text yields a Config or an error
// that names the source.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const auto c = moisson::ParseConfig(in, "fuzz.toml");
  if (!c.ok() && c.status().message().rfind("fuzz.toml", 0) != 0) __builtin_trap();
  return 0;
}
