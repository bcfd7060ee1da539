#include "filters/validators.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/phone.h"

namespace moisson::filters {
namespace {

// IBAN lengths by country, from the SWIFT IBAN Registry (release 98, 2024).
struct IbanLength {
  char cc[3];
  int len;
};
constexpr IbanLength kIbanLengths[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22}, {"BH", 22},
    {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24}, {"DE", 22}, {"DJ", 27},
    {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18}, {"FK", 18}, {"FO", 18}, {"FR", 27},
    {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27}, {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22},
    {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27}, {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32},
    {"LI", 21}, {"LT", 20}, {"LU", 20}, {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19},
    {"MN", 20}, {"MR", 27}, {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24},
    {"PL", 28}, {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24}, {"SC", 31},
    {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28}, {"TL", 23},
    {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
};

// ISO 3166-1 alpha-2 codes (for BIC country checks).
constexpr const char* kCountries =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ "
    "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO "
    "FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE "
    "JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO "
    "MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW "
    "PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM "
    "TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW";

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsUpper(char c) { return c >= 'A' && c <= 'Z'; }

// Remainder mod 97 of a decimal string, chunk by chunk.
int Mod97(std::string_view digits) {
  int r = 0;
  for (char c : digits) r = (r * 10 + (c - '0')) % 97;
  return r;
}

}  // namespace

std::string DigitsOnly(std::string_view s) {
  std::string d;
  d.reserve(s.size());
  for (char c : s) {
    if (IsDigit(c)) d.push_back(c);
    else if (c != ' ' && c != '-' && c != '.') return "";
  }
  return d;
}

bool LuhnValid(std::string_view digits) {
  if (digits.empty()) return false;
  int sum = 0;
  bool dbl = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    if (!IsDigit(*it)) return false;
    int d = *it - '0';
    if (dbl) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

// How people write card numbers: unbroken, in groups of four (the last may be
// shorter), or Amex/Diners style 4-6-5 / 4-6-4. Two numbers side by side
// ("0123-45678901 23456789012") are not one card.
bool PlausibleCardGrouping(std::string_view s) {
  std::vector<std::size_t> groups(1, 0);
  for (char c : s) {
    if (IsDigit(c)) ++groups.back();
    else groups.push_back(0);
  }
  if (groups.size() == 1) return true;
  if (groups.size() == 3 && groups[0] == 4 && groups[1] == 6 && (groups[2] == 5 || groups[2] == 4)) return true;
  for (std::size_t i = 0; i + 1 < groups.size(); ++i) {
    if (groups[i] != 4) return false;
  }
  return groups.back() >= 1 && groups.back() <= 4;
}

bool ValidCardNumber(std::string_view s) {
  const std::string d = DigitsOnly(s);
  const std::size_t n = d.size();
  if (n < 13 || n > 19 || !LuhnValid(d) || !PlausibleCardGrouping(s)) return false;
  // All one digit ("0000 0000 0000 0000") passes Luhn but is no card.
  if (d.find_first_not_of(d[0]) == std::string::npos) return false;
  auto p = [&](int k) { return std::stoi(d.substr(0, k)); };
  const int p1 = d[0] - '0', p2 = p(2), p3 = p(3), p4 = p(4), p6 = p(6);
  if (p1 == 4) return n == 13 || n == 16 || n == 19;                          // Visa
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n == 16;  // Mastercard
  if (p2 == 34 || p2 == 37) return n == 15;                                   // American Express
  if (p4 == 6011 || p2 == 65 || (p3 >= 644 && p3 <= 649) || (p6 >= 622126 && p6 <= 622925)) {
    return n >= 16 && n <= 19;  // Discover
  }
  if (p4 >= 3528 && p4 <= 3589) return n >= 16 && n <= 19;                  // JCB
  if ((p3 >= 300 && p3 <= 305) || p2 == 36 || p2 == 38 || p2 == 39) return n >= 14 && n <= 19;  // Diners
  if (p2 == 62) return n >= 16 && n <= 19;                                    // UnionPay
  if (p2 == 50 || (p2 >= 56 && p2 <= 69)) return n >= 12;                     // Maestro
  return false;
}

bool ValidIban(std::string_view s) {
  std::string c;
  for (char ch : s) {
    if (ch == ' ') continue;
    if (!IsDigit(ch) && !IsUpper(ch)) return false;
    c.push_back(ch);
  }
  if (c.size() < 15 || !IsUpper(c[0]) || !IsUpper(c[1]) || !IsDigit(c[2]) || !IsDigit(c[3])) return false;
  int want = 0;
  for (const auto& e : kIbanLengths) {
    if (e.cc[0] == c[0] && e.cc[1] == c[1]) want = e.len;
  }
  if (want == 0 || static_cast<int>(c.size()) != want) return false;
  std::string digits;
  for (char ch : c.substr(4) + c.substr(0, 4)) {
    if (IsDigit(ch)) digits.push_back(ch);
    else digits += std::to_string(ch - 'A' + 10);
  }
  return Mod97(digits) == 1;
}

bool ValidRib(std::string_view bank, std::string_view branch, std::string_view account, std::string_view key) {
  if (bank.size() != 5 || branch.size() != 5 || account.size() != 11 || key.size() != 2) return false;
  for (std::string_view part : {bank, branch, key}) {
    for (char c : part) {
      if (!IsDigit(c)) return false;
    }
  }
  std::string acc;
  for (char c : account) {
    if (IsDigit(c)) acc.push_back(c);
    else if (IsUpper(c)) acc.push_back(static_cast<char>('0' + ("12345678912345678923456789"[c - 'A'] - '0')));
    else return false;
  }
  // 89*bank + 15*branch + 3*account mod 97, with account up to 11 digits: in 64 bits.
  const long long b = std::stoll(std::string(bank)), g = std::stoll(std::string(branch));
  const long long a = std::stoll(acc);
  const long long k = std::stoll(std::string(key));
  return 97 - ((89 * b + 15 * g + 3 * (a % 97)) % 97) == k;
}

bool ValidNir(std::string_view s) {
  std::string c;
  for (char ch : s) {
    if (ch == ' ' || ch == '.' || ch == '-') continue;
    c.push_back(ch >= 'a' && ch <= 'z' ? static_cast<char>(ch - 32) : ch);
  }
  if (c.size() != 15) return false;
  // First digit: 1 or 2 (sex) for a NIR; 7 or 8 for a NIA, the provisional
  // number given to people born abroad while their NIR is pending. It has the
  // same structure and key and identifies a person just as well, so it counts.
  // 3 and 4 (foreigners' numbers before 1970s) no longer circulate: not matched.
  // Source: INSEE, "Le NIR" (RNIPP documentation), and the CNAV SNGI/NIA notes.
  // Month 01-12, or 20-42 / 50-99 for unknown or special civil-status cases.
  if (c[0] != '1' && c[0] != '2' && c[0] != '7' && c[0] != '8') return false;
  std::string num = c.substr(0, 13);
  // Department 2A / 2B (Corsica): 19 / 18 for the key (INSEE).
  if (num[5] == '2' && (num[6] == 'A' || num[6] == 'B')) {
    num[5] = '1';
    num[6] = num[6] == 'A' ? '9' : '8';
  }
  for (char ch : num + c.substr(13)) {
    if (!IsDigit(ch)) return false;
  }
  const int month = (num[3] - '0') * 10 + (num[4] - '0');
  if (month == 0 || (month > 12 && month < 20) || (month > 42 && month < 50)) return false;
  long long n = std::stoll(num);
  const int key = std::stoi(c.substr(13));
  return key == 97 - static_cast<int>(n % 97);
}

bool ValidBicShape(std::string_view s) {
  if (s.size() != 8 && s.size() != 11) return false;
  for (int i = 0; i < 6; ++i) {
    if (!IsUpper(s[i])) return false;
  }
  for (std::size_t i = 6; i < s.size(); ++i) {
    if (!IsUpper(s[i]) && !IsDigit(s[i])) return false;
  }
  const std::string cc(s.substr(4, 2));
  return std::strstr(kCountries, cc.c_str()) != nullptr;
}

bool ValidIpv4(std::string_view s) {
  if (s.size() > 15) return false;
  char buf[16];
  s.copy(buf, s.size());
  buf[s.size()] = '\0';
  in_addr a;
  return inet_pton(AF_INET, buf, &a) == 1;
}

bool ValidIpv6(std::string_view s) {
  if (s.size() > 45 || s.size() < 3) return false;
  char buf[46];
  s.copy(buf, s.size());
  buf[s.size()] = '\0';
  in6_addr a;
  return inet_pton(AF_INET6, buf, &a) == 1;
}

bool ValidPhone(std::string_view s, const char* region) { return PhoneE164(s, region).has_value(); }

namespace {

// Length of the run separator that starts at text[i] (0: none): a blank,
// comma, semicolon, '|', '/', '-', a no-break space (C2 A0) or "…" (E2 80 A6).
std::size_t SeparatorAt(std::string_view text, std::size_t i) {
  const char c = text[i];
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ';' || c == '|' || c == '/' || c == '-') {
    return 1;
  }
  if (c == '\xC2' && i + 1 < text.size() && text[i + 1] == '\xA0') return 2;
  if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' && text[i + 2] == '\xA6') return 3;
  return 0;
}

// Same, for the separator that ends at text[i - 1].
std::size_t SeparatorBefore(std::string_view text, std::size_t i) {
  if (i >= 1 && SeparatorAt(text, i - 1) == 1) return 1;
  if (i >= 2 && SeparatorAt(text, i - 2) == 2) return 2;
  if (i >= 3 && SeparatorAt(text, i - 3) == 3) return 3;
  return 0;
}

// A byte that makes an adjacent digit run part of a word or a decimal, not a
// number of a run.
bool Glued(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || c == '.' || c == '_' || IsDigit(c);
}

constexpr std::size_t kMaxRunDigits = 18;  // fits an int64_t, steps included
constexpr int kRunNeighbours = 2;          // whole numbers read on each side
constexpr std::size_t kMaxSeparators = 4;  // separator sequences between two of them

std::int64_t NumberValue(std::string_view digits) {
  std::int64_t v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  return v;
}

// The whole number whose last digit is text[end - 1], or false.
bool NumberEndingAt(std::string_view text, std::size_t end, std::size_t* start, std::int64_t* value) {
  std::size_t b = end;
  while (b > 0 && IsDigit(text[b - 1])) --b;
  if (b == end || end - b > kMaxRunDigits || (b > 0 && Glued(text[b - 1]))) return false;
  *start = b;
  *value = NumberValue(text.substr(b, end - b));
  return true;
}

// The whole number starting at text[begin], or false.
bool NumberStartingAt(std::string_view text, std::size_t begin, std::size_t* end, std::int64_t* value) {
  std::size_t e = begin;
  while (e < text.size() && IsDigit(text[e])) ++e;
  if (e == begin || e - begin > kMaxRunDigits) return false;
  // "2253.5", "2253abc": not a number of the run. A trailing "." ending a
  // sentence ("… 2253. Next") is allowed.
  if (e < text.size() && Glued(text[e]) && !(text[e] == '.' && (e + 1 >= text.size() || !IsDigit(text[e + 1])))) {
    return false;
  }
  *end = e;
  *value = NumberValue(text.substr(begin, e - begin));
  return true;
}

// Skips at most kMaxSeparators separators backwards from i; returns the new
// position (i itself when there is none).
std::size_t SkipSeparatorsBack(std::string_view text, std::size_t i) {
  for (std::size_t k = 0; k < kMaxSeparators; ++k) {
    const std::size_t n = SeparatorBefore(text, i);
    if (n == 0) break;
    i -= n;
  }
  return i;
}

std::size_t SkipSeparatorsForward(std::string_view text, std::size_t i) {
  for (std::size_t k = 0; k < kMaxSeparators && i < text.size(); ++k) {
    const std::size_t n = SeparatorAt(text, i);
    if (n == 0) break;
    i += n;
  }
  return i;
}

// Up to kRunNeighbours whole numbers next to the candidate, nearest first:
// before text[pos] (pos = its start) or, `forward`, from text[pos] (its end).
std::vector<std::int64_t> Neighbours(std::string_view text, std::size_t pos, bool forward) {
  std::vector<std::int64_t> out;
  while (static_cast<int>(out.size()) < kRunNeighbours) {
    const std::size_t j = forward ? SkipSeparatorsForward(text, pos) : SkipSeparatorsBack(text, pos);
    std::size_t edge = 0;
    std::int64_t v = 0;
    if (j == pos || !(forward ? NumberStartingAt(text, j, &edge, &v) : NumberEndingAt(text, j, &edge, &v))) break;
    out.push_back(v);
    pos = edge;
  }
  return out;
}

}  // namespace

bool InArithmeticRun(std::string_view text, std::size_t from, std::size_t to) {
  if (from >= to || to > text.size()) return false;
  std::vector<std::int64_t> inner;
  for (std::size_t i = from; i < to;) {
    if (!IsDigit(text[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < to && IsDigit(text[j])) ++j;
    if (j - i > kMaxRunDigits) return false;
    inner.push_back(NumberValue(text.substr(i, j - i)));
    i = j;
  }
  if (inner.empty()) return false;
  const std::vector<std::int64_t> left = Neighbours(text, from, false), right = Neighbours(text, to, true);
  // The length of the run with step `step` through the candidate's numbers.
  auto run_length = [&](std::int64_t step) -> std::size_t {
    if (step == 0) return 0;
    for (std::size_t k = 1; k < inner.size(); ++k) {
      if (inner[k] - inner[k - 1] != step) return 0;
    }
    std::size_t n = inner.size();
    std::int64_t prev = inner.front();
    for (std::int64_t v : left) {
      if (prev - v != step) break;
      ++n;
      prev = v;
    }
    prev = inner.back();
    for (std::int64_t v : right) {
      if (v - prev != step) break;
      ++n;
      prev = v;
    }
    return n;
  };
  std::size_t longest = 0;
  if (inner.size() >= 2) {
    longest = run_length(inner[1] - inner[0]);
  } else {
    if (!left.empty()) longest = std::max(longest, run_length(inner.front() - left.front()));
    if (!right.empty()) longest = std::max(longest, run_length(right.front() - inner.back()));
  }
  return longest >= 3;
}

}  // namespace moisson::filters
