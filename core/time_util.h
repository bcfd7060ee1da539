// Time stamps as moisson writes them everywhere (ledger, registry, outputs),
// and as dumps write them (WARC-Date, a JSONL date field).
#ifndef MOISSON_CORE_TIME_UTIL_H_
#define MOISSON_CORE_TIME_UTIL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace moisson {

// The current time in UTC, ISO 8601 to the second: "2026-11-22T09:31:22Z".
std::string UtcNowIso8601();
// Seconds since 1970 (UTC) as the same text.
std::string Iso8601FromUnix(std::int64_t seconds);

// An ISO 8601 / RFC 3339 time as dumps write it, in seconds since 1970 (UTC):
// "2024-03-01", "2024-03-01T12:34:56Z", with fractions ("...56.123Z"), a
// numeric offset ("+02:00", "+0200"), a space for the 'T', or no zone (read
// as UTC). nullopt for anything else, or for a field out of range
// (month 13, hour 25, February 30).
std::optional<std::int64_t> ParseIso8601(std::string_view text);

}  // namespace moisson

#endif  // MOISSON_CORE_TIME_UTIL_H_
