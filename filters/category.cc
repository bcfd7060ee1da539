#include "filters/category.h"

#include <array>

namespace moisson::filters {
namespace {

constexpr std::array<std::string_view, kCategoryCount> kIds = {
    "sensitive.health",   "sensitive.religion", "sensitive.politics", "sensitive.sexual_orientation",
    "sensitive.sex_life", "sensitive.ethnicity", "sensitive.union",   "sensitive.biometric",
    "sensitive.genetic",  "minor",              "banking.card",       "banking.iban",
    "banking.bic",        "banking.rib",        "geo.coordinates",    "geo.uri",
    "geo.address",        "id.email",           "id.phone",           "id.ip",
    "id.handle",          "id.nir",             "content.adult",      "content.health_forum",
    "content.minors_network", "optout.person",
};

}  // namespace

std::string_view CategoryId(Category c) { return kIds[static_cast<int>(c)]; }

std::optional<Category> ParseCategory(std::string_view id) {
  for (int i = 0; i < kCategoryCount; ++i) {
    if (kIds[i] == id) return static_cast<Category>(i);
  }
  return std::nullopt;
}

bool IsSensitive(Category c) { return c <= Category::kSensitiveGenetic; }

bool IsContent(Category c) {
  return c == Category::kContentAdult || c == Category::kContentHealthForum || c == Category::kContentMinorsNetwork;
}

}  // namespace moisson::filters
