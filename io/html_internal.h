// The parts of HTML-to-text extraction (io/html_text.h) below the tree walk,
// each in its file: the charset decision and conversion (html_charset.cc),
// the nesting bound before the parser (html_nesting.cc).
#ifndef MOISSON_IO_HTML_INTERNAL_H_
#define MOISSON_IO_HTML_INTERNAL_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace moisson::io::html {

// `html` as valid UTF-8: decoded by a byte order mark, else `http_charset`,
// else a <meta> charset in the first bytes, else the bytes themselves (UTF-8
// if they read so, windows-1252 otherwise), with iconv; bad bytes become
// U+FFFD. The result views `html` or `*storage`. `*charset` gets the WHATWG
// name read, `*converted` whether iconv ran.
std::string_view DecodeToUtf8(std::string_view html, std::string_view http_charset, std::string* storage,
                              std::string* charset, bool* converted);

// Drops the start tags that would nest elements deeper than the parser
// handles in bounded time (their text and end tags kept). Returns how many
// were dropped; when not zero, `*out` holds the bounded document.
std::size_t BoundNesting(std::string_view utf8, std::string* out);

inline bool IsAsciiWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }


// Reads an attribute list from `s` (after the tag name) up to '>' and calls
// f(name, value) for each attribute, names lower-cased by the caller's compare.
// Returns the index just past the '>' (or s.size()).
template <typename F>
std::size_t ForEachAttribute(std::string_view s, F&& f) {
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (IsAsciiWs(s[i]) || s[i] == '/')) ++i;
    if (i >= s.size()) break;
    if (s[i] == '>') return i + 1;
    std::size_t ns = i;
    while (i < s.size() && !IsAsciiWs(s[i]) && s[i] != '/' && s[i] != '>' && s[i] != '=') ++i;
    std::string_view name = s.substr(ns, i - ns);
    if (name.empty()) name = s.substr(ns, ++i - ns);  // a stray '=' is a name of its own
    while (i < s.size() && IsAsciiWs(s[i])) ++i;
    std::string_view value;
    if (i < s.size() && s[i] == '=') {
      ++i;
      while (i < s.size() && IsAsciiWs(s[i])) ++i;
      if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
        const char q = s[i++];
        const std::size_t end = s.find(q, i);
        value = s.substr(i, (end == std::string_view::npos ? s.size() : end) - i);
        i = end == std::string_view::npos ? s.size() : end + 1;
      } else {
        const std::size_t vs = i;
        while (i < s.size() && !IsAsciiWs(s[i]) && s[i] != '>') ++i;
        value = s.substr(vs, i - vs);
      }
    }
    f(name, value);
  }
  return s.size();
}

}  // namespace moisson::io::html

#endif  // MOISSON_IO_HTML_INTERNAL_H_
