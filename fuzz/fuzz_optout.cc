// Fuzzes identifier normalisation for every opt-out type (e-mail, phone via
// libphonenumber, handle, name via libunistring, URL prefix): any bytes give
// normalised forms or an error that does not quote them.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "blocklists/optout.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moisson::blocklists;
  if (size == 0) return 0;
  const std::string_view all(reinterpret_cast<const char*>(data), size);
  const std::string_view value = all.substr(1);
  for (OptOutType t : {OptOutType::kEmail, OptOutType::kPhone, OptOutType::kHandle, OptOutType::kName,
                       OptOutType::kUrlPrefix}) {
    auto forms = NormaliseIdentifier(t, value, "example.org", (all[0] & 1) ? "FR" : "US");
    if (forms.ok()) {
      if (forms->empty()) __builtin_trap();
      // Normalising a normal form again gives the same canonical form (names
      // and URL prefixes carry their scope differently, so only these three).
      if (t == OptOutType::kPhone || t == OptOutType::kHandle) {
        auto again = NormaliseIdentifier(t, forms->front(), "example.org", "FR");
        if (!again.ok() || again->front() != forms->front()) __builtin_trap();
      }
    } else if (value.size() >= 8 && value.find_first_of("0123456789@") != std::string_view::npos &&
               forms.status().message().find(value) != std::string::npos) {
      // An error quoted the identifier. (Messages hold no digit and no '@',
      // so an input with one cannot match a message by coincidence.)
      __builtin_trap();
    }
  }
  return 0;
}
