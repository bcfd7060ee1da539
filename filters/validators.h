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

// Is the number-shaped candidate text[from, to) part of an arithmetic run of
// numbers, rather than one identifier? Pagination ("2248 2249 2250 2251
// 2252"), page lists ("1 2 3 4 5 … 12248 12249 12250"), years ("2019 2020
// 2021 2022"), countdowns ("2252 2251 2250 2249") and scales ("10 20 30 40")
// put whole numbers side by side, and 1 in 10 of the card-shaped windows of
// such a run passes Luhn (1 in 97 of the NIR-shaped ones passes the key).
//
// The rule: take the whole numbers inside the candidate (digit runs; any
// other byte separates them) and up to two whole numbers on each side of it,
// each separated from the next by 1 to 4 blanks, commas, semicolons, '|',
// '/', '-', no-break spaces or "…" (a neighbour stuck to a letter, a '.' or
// a '_' is not a number of the run and ends it). The candidate is refused
// when its numbers, extended by those neighbours that continue them, form
// one arithmetic progression with a non-zero step of at least three numbers.
// So a candidate of one number needs two continuing neighbours, of two
// numbers one, and of three or more numbers none: "2019 2020 2021 2022" is
// a run by itself.
//
// What this costs: a genuine card written in groups "4970 1012 3456 7893"
// is not arithmetic (steps -3958, +2444, +4437) and stays a card; so does a
// card next to other numbers, unless all its groups and the neighbours share
// one step (a random 16-digit number does so about once in 10^8). The same
// card written twice ("4970101234567893 4970101234567893") has step 0 and is
// not a run. Numbers of more than 18 digits are never a run.
bool InArithmeticRun(std::string_view text, std::size_t from, std::size_t to);

// Phone numbers through libphonenumber: parsed with `region` for national
// numbers, and valid (a real number plan range).
bool ValidPhone(std::string_view s, const char* region);

}  // namespace moisson::filters

#endif  // MOISSON_FILTERS_VALIDATORS_H_
