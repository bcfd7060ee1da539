// Phone numbers, read one way everywhere: the pattern validators
// (filters/validators.h) and the opt-out identifiers (blocklists/optout.h)
// ask here whether a text is a valid phone number and for its E.164 form, so
// a number found in a page and the same number in an opt-out request are
// the same number.
#ifndef MOISSON_CORE_PHONE_H_
#define MOISSON_CORE_PHONE_H_

#include <optional>
#include <string>
#include <string_view>

namespace moisson {

// The E.164 form ("+33612345678") of `text` read as a phone number, with
// `region` (an ISO 3166 code: "FR", "GB", "US") for a number written
// without its country code; nullopt when libphonenumber does not hold it
// for a valid number. What libphonenumber's Parse + IsValidNumber + Format
// would say; the common shapes (digit groups, "+CC", "00CC", a national
// prefix, "(0)") are read without Parse's regular expressions (about 20 us
// a number, where the validity check costs 5).
std::optional<std::string> PhoneE164(std::string_view text, std::string_view region);

}  // namespace moisson

#endif  // MOISSON_CORE_PHONE_H_
