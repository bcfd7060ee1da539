#include "filters/action.h"

#include "core/strings.h"

namespace moisson::filters {
namespace {

constexpr const char* kActionNames[] = {"keep", "flag", "pseudonymise", "redact", "drop"};
constexpr const char* kVerdictNames[] = {"keep", "modify", "drop"};

}  // namespace

const char* ActionName(Action a) { return kActionNames[static_cast<int>(a)]; }

std::optional<Action> ParseAction(std::string_view name) {
  for (int i = 0; i < 5; ++i) {
    if (name == kActionNames[i]) return static_cast<Action>(i);
  }
  return std::nullopt;
}

const char* VerdictName(Verdict v) { return kVerdictNames[static_cast<int>(v)]; }

ActionTable ActionTable::Defaults() {
  ActionTable t;
  for (int i = 0; i < kCategoryCount; ++i) {
    const auto c = static_cast<Category>(i);
    Action a = Action::kRedact;  // banking.*, geo.*, id.nir
    if (IsSensitive(c) || c == Category::kMinor || c == Category::kOptOutPerson) a = Action::kDrop;
    if (c == Category::kIdEmail || c == Category::kIdPhone || c == Category::kIdIp || c == Category::kIdHandle) {
      a = Action::kPseudonymise;
    }
    // Pornography is excluded by default (CNIL fiche 8.2); a page judged a
    // health forum or a minors' network is flagged for review: the site
    // can then be added to a list.
    if (c == Category::kContentAdult) a = Action::kDrop;
    if (c == Category::kContentHealthForum || c == Category::kContentMinorsNetwork) a = Action::kFlag;
    t.by_category[i] = a;
  }
  return t;
}

Result<ActionTable> ActionTable::FromConfig(const Config& config) {
  ActionTable t = Defaults();
  for (const auto& s : config.filters.actions) {
    const auto c = ParseCategory(s.category);
    if (!c) {
      return Status::AtLine(config.source, s.line,
                            "unknown category '" + ClipForMessage(s.category) + "' in [filters.actions] (SPEC §3 lists them)");
    }
    const auto a = ParseAction(s.action);
    if (!a) return Status::AtLine(config.source, s.line, "unknown action '" + ClipForMessage(s.action) + "'");
    if (*c == Category::kOptOutPerson && *a != Action::kDrop) {
      return Status::AtLine(config.source, s.line, "optout.person can only be \"drop\": the person objected");
    }
    if (IsContent(*c) && *a != Action::kDrop && *a != Action::kFlag && *a != Action::kKeep) {
      return Status::AtLine(config.source, s.line,
                            s.category + " is about the whole page: \"drop\", \"flag\" or \"keep\", not a span action");
    }
    t.by_category[static_cast<int>(*c)] = *a;
  }
  return t;
}

}  // namespace moisson::filters
