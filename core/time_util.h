// Time stamps as moisson writes them everywhere (ledger, registry, outputs).
#ifndef MOISSON_CORE_TIME_UTIL_H_
#define MOISSON_CORE_TIME_UTIL_H_

#include <string>

namespace moisson {

// The current time in UTC, ISO 8601 to the second: "2026-11-22T09:31:22Z".
std::string UtcNowIso8601();

}  // namespace moisson

#endif  // MOISSON_CORE_TIME_UTIL_H_
