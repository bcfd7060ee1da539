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

// 0-15 for a hex digit (either case), -1 otherwise.
inline int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

inline constexpr char kHexUpper[] = "0123456789ABCDEF";

// Site-controlled text for a message or an evidence record: at most `max`
// bytes, control characters replaced by '?', "..." when cut.
inline std::string ClipForMessage(std::string_view s, std::size_t max = 160) {
  std::string out;
  for (const char c : s.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u == 0x7F ? '?' : c);
  }
  if (s.size() > max) out += "...";
  return out;
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
