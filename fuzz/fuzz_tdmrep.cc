// Fuzzes the /.well-known/tdmrep.json parser and its first-match lookup.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "policy/signals.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  const moisson::policy::TdmRepFile f = moisson::policy::ParseTdmRepJson(in);
  for (std::string_view path : {"/", "/a/b.jpg", "/press/x?y=1"}) {
    const auto* rule = moisson::policy::MatchTdmRep(f, path);
    if (rule != nullptr && rule->reservation && *rule->reservation != 0 && *rule->reservation != 1) __builtin_trap();
  }
  return 0;
}
