// robots.txt linting: a second handler over the same parse as the matcher
// (robots.h), reporting what a site owner should fix and what RFC 9309
// parsers would read differently from Google's.
#ifndef MOISSON_POLICY_ROBOTS_LINT_H_
#define MOISSON_POLICY_ROBOTS_LINT_H_

#include <string>
#include <string_view>
#include <vector>

namespace moisson::policy {

struct LintFinding {
  enum class Severity : unsigned char { kWarning, kError };
  int line = 0;  // 0: the whole file
  Severity severity = Severity::kWarning;
  std::string code;     // stable id, e.g. "invalid-token" (docs/policy.md lists them)
  std::string message;  // one sentence, quoting at most a short part of the line
};

// Lints `body`. Findings are in line order. Never fails.
std::vector<LintFinding> LintRobotsTxt(std::string_view body);

// True if any finding is an error.
bool HasErrors(const std::vector<LintFinding>& findings);

}  // namespace moisson::policy

#endif  // MOISSON_POLICY_ROBOTS_LINT_H_
