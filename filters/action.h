// What the chain does with a finding (Action, per category: ActionTable)
// and what becomes of a document (Verdict). SPEC §3 gives the defaults;
// [filters.actions] overrides them.
//
//   auto table = ActionTable::FromConfig(config);   // names the line of a bad entry
//   Action a = (*table)[Category::kIdEmail];         // pseudonymise
#ifndef MOISSON_FILTERS_ACTION_H_
#define MOISSON_FILTERS_ACTION_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/config.h"
#include "core/status.h"
#include "filters/category.h"

namespace moisson::filters {

enum class Action : std::uint8_t { kKeep, kFlag, kPseudonymise, kRedact, kDrop };
const char* ActionName(Action a);  // "keep", "flag", "pseudonymise", "redact", "drop"
std::optional<Action> ParseAction(std::string_view name);

// The action of every category: SPEC §3's defaults, then [filters.actions].
struct ActionTable {
  std::array<Action, kCategoryCount> by_category;
  static ActionTable Defaults();
  // Applies config overrides; an unknown category names the config file and line.
  static Result<ActionTable> FromConfig(const Config& config);
  Action operator[](Category c) const { return by_category[static_cast<int>(c)]; }
};

enum class Verdict : std::uint8_t { kKeep, kModify, kDrop };
const char* VerdictName(Verdict v);  // "keep", "modify", "drop"

}  // namespace moisson::filters

#endif  // MOISSON_FILTERS_ACTION_H_
