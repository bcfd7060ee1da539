// RFC 9651 (Structured Field Values for HTTP) Dictionary parsing, as the IETF
// aipref drafts use it for `Content-Usage: train-ai=n, search=y`.
//
// The parser follows RFC 9651 section 4.2 exactly: any syntax error fails the
// whole field (the caller then treats every preference as unknown, as
// draft-ietf-aipref-vocab requires). Parameters are parsed and validated but
// kept only as a count. Inputs are limited to 64 KiB; longer fields fail.
// Pure functions, thread-safe.
#ifndef MOISSON_POLICY_STRUCTURED_FIELD_H_
#define MOISSON_POLICY_STRUCTURED_FIELD_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace moisson::policy {

struct SfItem {
  enum class Type : std::uint8_t {
    kInteger, kDecimal, kString, kToken, kByteSequence, kBoolean, kDate, kDisplayString, kInnerList
  };
  Type type = Type::kBoolean;
  std::string text;        // token, string or display-string contents; digits of numbers
  bool boolean = true;     // kBoolean only
  std::size_t params = 0;  // number of parameters seen
};

// Members in order of first appearance; a repeated key keeps its position and
// takes the last value (RFC 9651 4.2.2).
using SfDictionary = std::vector<std::pair<std::string, SfItem>>;

// Parses a Dictionary field value. nullopt on any syntax error; `*error`
// (if given) then says what was wrong and at which byte.
std::optional<SfDictionary> ParseSfDictionary(std::string_view value, std::string* error = nullptr);

}  // namespace moisson::policy

#endif  // MOISSON_POLICY_STRUCTURED_FIELD_H_
