// Exact validators of the pattern categories (filters/validators.h). All
// numbers are public test numbers or fictitious ones whose keys were computed.
#include <catch2/catch.hpp>

#include <phonenumbers/phonenumberutil.h>

#include <optional>
#include <random>
#include <string>

#include "core/phone.h"
#include "filters/validators.h"

using namespace moisson::filters;

TEST_CASE("Luhn accepts the check digit and rejects any other", "[validators]") {
  CHECK(LuhnValid("4111111111111111"));
  CHECK(LuhnValid("79927398713"));
  CHECK_FALSE(LuhnValid("4111111111111112"));
  CHECK_FALSE(LuhnValid("79927398710"));
  CHECK_FALSE(LuhnValid(""));
  CHECK_FALSE(LuhnValid("4111a11111111111"));
}

TEST_CASE("Card numbers need Luhn and an issuer prefix with its length", "[validators]") {
  CHECK(ValidCardNumber("4111 1111 1111 1111"));   // Visa
  CHECK(ValidCardNumber("4222222222222"));         // Visa, 13 digits
  CHECK(ValidCardNumber("5555-5555-5555-4444"));   // Mastercard 51-55
  CHECK(ValidCardNumber("2223003122003222"));      // Mastercard 2221-2720
  CHECK(ValidCardNumber("378282246310005"));       // Amex 37, 15 digits
  CHECK(ValidCardNumber("371449635398431"));       // Amex
  CHECK(ValidCardNumber("6011111111111117"));      // Discover 6011
  CHECK(ValidCardNumber("3530111333300000"));      // JCB
  CHECK(ValidCardNumber("30569309025904"));        // Diners 305, 14 digits
  CHECK(ValidCardNumber("6200000000000005"));      // UnionPay 62
  CHECK(ValidCardNumber("6759649826438453"));      // Maestro 67
  CHECK_FALSE(ValidCardNumber("4111 1111 1111 1112"));  // fails Luhn
  CHECK_FALSE(ValidCardNumber("1234567812345670"));     // Luhn-valid, no issuer starts with 1
  CHECK_FALSE(ValidCardNumber("9111111111111111"));     // nor with 9
  CHECK_FALSE(ValidCardNumber("0000000000000000"));
  CHECK_FALSE(ValidCardNumber("37828224631000"));       // Amex needs 15 digits
  CHECK_FALSE(ValidCardNumber("411111111111"));         // 12 digits
  CHECK_FALSE(ValidCardNumber("4111/1111/1111/1111"));  // not a grouping people use
}

TEST_CASE("IBAN needs the registered length of its country and mod 97 equal to 1", "[validators]") {
  CHECK(ValidIban("FR76 3000 6000 0112 3456 7890 189"));
  CHECK(ValidIban("FR7630006000011234567890189"));
  CHECK(ValidIban("DE89 3704 0044 0532 0130 00"));
  CHECK(ValidIban("GB82 WEST 1234 5698 7654 32"));
  CHECK(ValidIban("BE68539007547034"));
  CHECK(ValidIban("NO9386011117947"));  // shortest, 15
  CHECK_FALSE(ValidIban("FR77 3000 6000 0112 3456 7890 189"));  // check digits
  CHECK_FALSE(ValidIban("FR76 3000 6000 0112 3456 7890 18"));   // FR is 27 long
  CHECK_FALSE(ValidIban("ZZ76 3000 6000 0112 3456 7890 189"));  // no such country
  CHECK_FALSE(ValidIban("fr76 3000 6000 0112 3456 7890 189"));  // lower case is not how it is printed
}

TEST_CASE("Cle RIB is 97 minus the weighted sum mod 97 with letters mapped", "[validators]") {
  CHECK(ValidRib("30006", "60001", "12345678901", "55"));
  CHECK_FALSE(ValidRib("30006", "60001", "12345678901", "56"));
  // Letters map A,J->1 B,K,S->2 ...: "1234567890A" reads as 12345678901.
  CHECK(ValidRib("30006", "60001", "1234567890A", "55"));
  CHECK(ValidRib("30006", "60001", "1234567890J", "55"));
  CHECK_FALSE(ValidRib("3000", "60001", "12345678901", "55"));
  CHECK_FALSE(ValidRib("30006", "60001", "1234567890-", "55"));
}

TEST_CASE("NIR key with Corsica and provisional numbers", "[validators]") {
  CHECK(ValidNir("1 84 12 76 451 089 46"));
  CHECK(ValidNir("184127645108946"));
  CHECK_FALSE(ValidNir("1 84 12 76 451 089 47"));
  CHECK(ValidNir("2 90 05 2A 004 123 52"));   // 2A counts as 19
  CHECK(ValidNir("1 85 02 2B 005 042 86"));   // 2B counts as 18
  CHECK_FALSE(ValidNir("1 85 02 2B 005 042 85"));
  CHECK(ValidNir("7 84 05 99 123 456 47"));   // NIA (provisional), same key
  CHECK_FALSE(ValidNir("3 84 12 76 451 089 46"));  // first digit 3 not in use
  CHECK_FALSE(ValidNir("1 84 13 76 451 089 19"));  // month 13 does not exist
  CHECK_FALSE(ValidNir("1 84 12 76 451 089"));     // no key
}

TEST_CASE("BIC shape needs four letters and a real country", "[validators]") {
  CHECK(ValidBicShape("AGRIFRPP"));
  CHECK(ValidBicShape("DEUTDEFF500"));
  CHECK_FALSE(ValidBicShape("BONJOUR1"));
  CHECK_FALSE(ValidBicShape("ABCDZZ12"));  // ZZ is no country
  CHECK_FALSE(ValidBicShape("AGRIFRPP1"));  // 9 characters
}

TEST_CASE("IP addresses by inet_pton", "[validators]") {
  CHECK(ValidIpv4("203.0.113.45"));
  CHECK(ValidIpv4("0.0.0.0"));
  CHECK_FALSE(ValidIpv4("256.1.1.1"));
  CHECK_FALSE(ValidIpv4("1.2.3"));
  CHECK(ValidIpv6("2001:db8::1"));
  CHECK(ValidIpv6("2001:0db8:85a3:0000:0000:8a2e:0370:7334"));
  CHECK_FALSE(ValidIpv6("12:30:45"));
  CHECK_FALSE(ValidIpv6("2001:db8:::1"));
}

TEST_CASE("Phones through libphonenumber for FR and international numbers", "[validators]") {
  CHECK(ValidPhone("06 12 34 56 78", "FR"));
  CHECK(ValidPhone("+33 1 42 68 53 00", "FR"));
  CHECK(ValidPhone("+33 (0)6 12 34 56 78", "FR"));
  CHECK(ValidPhone("+44 20 7946 0958", "FR"));
  CHECK(ValidPhone("202-555-0143", "US"));
  CHECK_FALSE(ValidPhone("12 34 56", "FR"));
  CHECK_FALSE(ValidPhone("00 00 00 00 00", "FR"));
}

// ValidPhone reads the candidate shapes without libphonenumber's Parse (six
// times slower): it must agree with Parse + IsValidNumber on every shape the
// pattern pass finds. Numbers drawn with a fixed seed in French, British,
// American and international writings, valid and not.
TEST_CASE("Phones: the quick reading agrees with libphonenumber's Parse", "[validators]") {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  // What Parse, IsValidNumber and Format say, with no quick path.
  auto reference = [&](const std::string& s, const char* region) -> std::optional<std::string> {
    PhoneNumber pn;
    if (util->Parse(s, region, &pn) != PhoneNumberUtil::NO_PARSING_ERROR || !util->IsValidNumber(pn)) return std::nullopt;
    std::string e164;
    util->Format(pn, PhoneNumberUtil::E164, &e164);
    return e164;
  };
  std::mt19937 rng(20261207);
  auto digits = [&](int n) {
    std::string d;
    for (int i = 0; i < n; ++i) d.push_back(static_cast<char>('0' + rng() % 10));
    return d;
  };
  auto grouped = [&](const std::string& d, const char* sep, std::size_t group) {
    std::string out;
    for (std::size_t i = 0; i < d.size(); ++i) {
      if (i > 0 && i % group == 0) out += sep;
      out.push_back(d[i]);
    }
    return out;
  };
  const char* seps[] = {" ", ".", "-", ""};
  const char* prefixes[] = {"+33 ", "+33 (0)", "0033 ", "+44 ", "+44 (0)", "+1 ", "+32 ", "+41 ", "+49 ", "+39 ", "+212 ", "+352 ", ""};
  int agreed = 0, valid = 0;
  for (int n = 0; n < 3000; ++n) {
    const char* sep = seps[rng() % 4];
    std::string s;
    const char* region = "FR";
    switch (rng() % 4) {
      case 0: s = grouped("0" + std::to_string(1 + rng() % 9) + digits(8), sep, 2); break;  // FR national
      case 1: s = "0" + grouped(digits(3 + rng() % 2) + digits(6), sep, 4); region = "GB"; break;
      case 2: s = grouped(std::to_string(2 + rng() % 8) + digits(9), sep, 3); region = "US"; break;
      default: s = prefixes[rng() % 13] + grouped(std::to_string(1 + rng() % 9) + digits(7 + rng() % 3), sep, 2); break;
    }
    const std::optional<std::string> expected = reference(s, region);
    valid += expected.has_value();
    if (moisson::PhoneE164(s, region) == expected && ValidPhone(s, region) == expected.has_value()) ++agreed;
    else FAIL_CHECK("disagreement on a generated number (region " << region << ", " << s.size() << " bytes)");
  }
  CHECK(agreed == 3000);
  CHECK(valid > 500);  // both sides of the question are asked
}
