// Fuzzes the RFC 9651 Dictionary parser and the aipref Content-Usage reader.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "policy/signals.h"
#include "policy/structured_field.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moisson::policy;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string error;
  const auto dict = ParseSfDictionary(in, &error);
  if (!dict && error.empty()) __builtin_trap();  // a failure always says why
  const ContentUsage cu = ParseContentUsage(in);
  // A field that does not parse must not express any preference.
  if (cu.parse_error && (cu.train_ai != Preference::kUnknown || cu.search != Preference::kUnknown)) __builtin_trap();
  (void)ParseContentUsageRule(1, in, moisson::RobotsMode::kRfc);
  return 0;
}
