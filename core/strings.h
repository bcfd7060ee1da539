// ASCII string helpers shared by every module (header-only).
//
// Protocol text (robots.txt keys, header values, host names, list entries)
// is compared in ASCII only: locale-dependent <cctype> calls must not decide
// what a robots.txt line means. Whitespace is the C locale's isspace() set,
// which is what google/robotstxt trims.
#ifndef MOISSON_CORE_STRINGS_H_
#define MOISSON_CORE_STRINGS_H_

#include <string>
#include <string_view>

namespace moisson {

inline bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

inline std::string_view TrimAsciiSpace(std::string_view s) {
  while (!s.empty() && IsAsciiSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsAsciiSpace(s.back())) s.remove_suffix(1);
  return s;
}

inline char AsciiLowerChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLowerChar(c);
  return out;
}

inline bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (AsciiLowerChar(s[i]) != AsciiLowerChar(prefix[i])) return false;
  }
  return true;
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && StartsWithIgnoreCase(a, b);
}

}  // namespace moisson

#endif  // MOISSON_CORE_STRINGS_H_
