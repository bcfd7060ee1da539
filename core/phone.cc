#include "core/phone.h"

#include <phonenumbers/phonenumberutil.h>

namespace moisson {
namespace {

// The PhoneNumber that libphonenumber's Parse would build from a candidate
// of the shapes filters/pattern_set.h finds (digits in groups separated by
// blanks, dots or dashes; "+CC" or "00CC" first, or the region's national
// prefix; "(0)" after the country code), without Parse's regular
// expressions, which cost about 20 us a number where IsValidNumber costs 5.
// False when the candidate has anything else (Parse decides then).
bool QuickParse(std::string_view s, const char* region, const i18n::phonenumbers::PhoneNumberUtil& util,
                i18n::phonenumbers::PhoneNumber* pn) {
  std::string digits;
  bool plus = false, trunk_in_brackets = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c == '+' && digits.empty() && !plus) {
      plus = true;
    } else if (c == '(' && i + 2 < s.size() && s[i + 1] == '0' && s[i + 2] == ')' && (plus || !digits.empty())) {
      trunk_in_brackets = true;
      i += 2;
    } else if (c != ' ' && c != '.' && c != '-') {
      return false;
    }
  }
  if (!plus && digits.size() > 2 && digits.compare(0, 2, "00") == 0) {
    plus = true;  // "0033 …": the international call prefix of FR and GB
    digits.erase(0, 2);
  }
  if (digits.size() < 6 || digits.size() > 17) return false;
  int country = 0;
  std::string national;
  if (plus) {
    // Country calling codes are prefix-free: the first 1 to 3 digits that
    // name a region are the code.
    for (std::size_t n = 1; n <= 3 && n < digits.size(); ++n) {
      const int cc = std::stoi(digits.substr(0, n));
      std::string r;
      util.GetRegionCodeForCountryCode(cc, &r);
      if (r != "ZZ") {
        country = cc;
        national = digits.substr(n);
        break;
      }
    }
    if (country == 0) return false;
    if (trunk_in_brackets) {
      if (national.empty() || national[0] != '0') return false;
      national.erase(0, 1);
    }
  } else {
    if (trunk_in_brackets) return false;
    country = util.GetCountryCodeForRegion(region);
    if (country == 0) return false;
    national = digits;
    // The national prefix of the three regions the candidates are read in.
    if (country == 33 || country == 44) {
      if (national[0] != '0') return false;
      national.erase(0, 1);
    } else if (country == 1 && national.size() == 11 && national[0] == '1') {
      national.erase(0, 1);
    } else if (country != 1) {
      return false;
    }
  }
  // A zero after the country code (Italy's numbers keep it; elsewhere it is
  // a national prefix written by mistake): Parse knows each country's rule.
  if (national.empty() || national.size() > 17 || national[0] == '0') return false;
  pn->set_country_code(country);
  pn->set_national_number(std::stoull(national));
  return true;
}

}  // namespace

std::optional<std::string> PhoneE164(std::string_view text, std::string_view region) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil* util = PhoneNumberUtil::GetInstance();
  const std::string r(region);
  PhoneNumber pn;
  if (!QuickParse(text, r.c_str(), *util, &pn) &&
      util->Parse(std::string(text), r, &pn) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return std::nullopt;
  }
  if (!util->IsValidNumber(pn)) return std::nullopt;
  std::string e164;
  util->Format(pn, PhoneNumberUtil::E164, &e164);
  return e164;
}

}  // namespace moisson
