// The detection categories of SPEC §3: stable ids used in config, outputs,
// the ledger and reports.
#ifndef MOISSON_FILTERS_CATEGORY_H_
#define MOISSON_FILTERS_CATEGORY_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace moisson::filters {

enum class Category : std::uint8_t {
  kSensitiveHealth,
  kSensitiveReligion,
  kSensitivePolitics,
  kSensitiveSexualOrientation,
  kSensitiveSexLife,
  kSensitiveEthnicity,
  kSensitiveUnion,
  kSensitiveBiometric,
  kSensitiveGenetic,
  kMinor,
  kBankingCard,
  kBankingIban,
  kBankingBic,
  kBankingRib,
  kGeoCoordinates,
  kGeoUri,
  kGeoAddress,
  kIdEmail,
  kIdPhone,
  kIdIp,
  kIdHandle,
  kIdNir,
  // What the whole page is (filters/content.h): document-level findings.
  kContentAdult,
  kContentHealthForum,
  kContentMinorsNetwork,
  kOptOutPerson,
};
inline constexpr int kCategoryCount = static_cast<int>(Category::kOptOutPerson) + 1;

// "sensitive.health", "minor", "banking.card", ... (SPEC §3).
std::string_view CategoryId(Category c);
std::optional<Category> ParseCategory(std::string_view id);
bool IsSensitive(Category c);  // sensitive.*
bool IsContent(Category c);    // content.*: what the whole page is (filters/content.h)

// One finding: a category and the UTF-8 byte span [start, end) of the text
// it was found in. A document-level finding (a geo meta tag, say) has
// start == end == 0.
struct Detection {
  // Which stage found it: the rules (patterns, lexicons) or the learned
  // model (filters/learned.h); `scan` reports it as "by".
  enum class By : std::uint8_t { kRules, kModel };
  Category category;
  std::uint32_t start = 0;
  std::uint32_t end = 0;
  By by = By::kRules;
  friend bool operator==(const Detection&, const Detection&) = default;
};
// "rules" or "model", as outputs name the stage that found it.
inline const char* ByName(Detection::By by) { return by == Detection::By::kModel ? "model" : "rules"; }

// What a detector knows about the document besides its text.
struct DocumentContext {
  std::string_view lang;   // primary language subtag, lower case ("fr", "en"), "" when unknown
  std::optional<int> year;  // year the document was written or fetched, when known
};

}  // namespace moisson::filters

#endif  // MOISSON_FILTERS_CATEGORY_H_
