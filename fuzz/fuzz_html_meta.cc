// Fuzzes <meta> extraction (Gumbo) as the policy engine uses it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "policy/html_meta.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  for (const auto& tag : moisson::policy::ExtractMetaTags(in)) {
    for (char c : tag.name) {
      if (c >= 'A' && c <= 'Z') __builtin_trap();  // names are lower-cased
    }
  }
  return 0;
}
