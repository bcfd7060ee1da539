// UTF-8 well-formedness (Unicode 15, table 3-7: no overlongs, no surrogates,
// nothing above U+10FFFF) and repair with U+FFFD, shared by the JSON writer,
// HTML extraction, tests and fuzzers.
#ifndef MOISSON_CORE_UTF8_H_
#define MOISSON_CORE_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace moisson {

inline constexpr std::string_view kReplacementChar = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed sequence starting at s[i] (1 for ASCII), 0 when
// the byte at i starts no well-formed sequence.
std::size_t Utf8SequenceLength(std::string_view s, std::size_t i);

bool IsValidUtf8(std::string_view s);

// `s` with every ill-formed byte replaced by U+FFFD (appended to *out).
void AppendRepairedUtf8(std::string_view s, std::string* out);
std::string RepairedUtf8(std::string_view s);

// The code point at s[*i], advancing *i past it; U+FFFD (advancing one
// byte) where no well-formed sequence starts.
char32_t NextCodePoint(std::string_view s, std::size_t* i);

// Appends code point `cp` as UTF-8; NUL, surrogates and values above
// U+10FFFF become U+FFFD.
void AppendUtf8(char32_t cp, std::string* out);

// The longest prefix of valid UTF-8 `s` of at most `max` bytes that does not
// end inside a character.
std::string_view Utf8Prefix(std::string_view s, std::size_t max);

}  // namespace moisson

#endif  // MOISSON_CORE_UTF8_H_
