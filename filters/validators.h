// Exact validators for the pattern categories: they run on candidates the
// multi-pattern pass found, never on whole texts. Inputs may hold the
// separators people write (spaces, dashes, dots); validators ignore them.
#ifndef MOISSON_FILTERS_VALIDATORS_H_
#define MOISSON_FILTERS_VALIDATORS_H_

#include <string>
#include <string_view>

namespace moisson::filters {

// Digits of `s`, dropping ' ', '-', '.'; "" if anything else is there.
std::string DigitsOnly(std::string_view s);

// ISO/IEC 7812 check digit.
bool LuhnValid(std::string_view digits);
// A payment card number: 13–19 digits, Luhn, and an issuer prefix with a
// length that issuer uses (Visa, Mastercard, Amex, Discover, JCB, Diners,
// UnionPay, Maestro).
bool ValidCardNumber(std::string_view s);

// IBAN: country code with its registered length (SWIFT IBAN registry), two
// check digits, mod 97 == 1 (ISO 13616). Spaces allowed.
bool ValidIban(std::string_view s);

// French RIB: bank (5 digits), branch (5), account (11, letters allowed),
// key (2) = 97 - ((89 bank + 15 branch + 3 account) mod 97), letters of the
// account mapped A,J->1 B,K,S->2 ... I,R,Z->9.
bool ValidRib(std::string_view bank, std::string_view branch, std::string_view account, std::string_view key);

// French NIR (numéro de sécurité sociale): 13 characters + 2-digit key =
// 97 - (number mod 97); Corsica's 2A/2B count as 19/18 for the key. First
// digit 1/2, or 7/8 for a provisional NIA; month 01-12, 20-42 or 50-99.
// Spaces, dots and dashes between groups are ignored.
bool ValidNir(std::string_view s);

// BIC / SWIFT (ISO 9362): 4 letters, a valid ISO 3166 country, 2 location
// characters, optional 3-character branch. Structure only.
bool ValidBicShape(std::string_view s);

bool ValidIpv4(std::string_view s);
bool ValidIpv6(std::string_view s);

// Phone numbers through libphonenumber: parsed with `region` for national
// numbers, and valid (a real number plan range).
bool ValidPhone(std::string_view s, const char* region);

}  // namespace moisson::filters

#endif  // MOISSON_FILTERS_VALIDATORS_H_
