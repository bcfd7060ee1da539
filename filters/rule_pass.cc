#include "filters/rule_pass.h"

#include <algorithm>

namespace moisson::filters {

Result<RulePass> RulePass::Create(const ScanPart* patterns, const ScanPart* personal) {
  std::vector<std::string> expressions;
  std::vector<unsigned> flags, ids;
  for (const ScanPart* part : {patterns, personal}) {
    if (part == nullptr) continue;
    if (part->flags.size() != part->expressions.size() ||
        (!part->merge_within.empty() && part->merge_within.size() != part->expressions.size())) {
      return Status::Internal("a scan part needs one flag (and one merge distance, if any) per expression");
    }
    for (std::size_t i = 0; i < part->expressions.size(); ++i) {
      ids.push_back(static_cast<unsigned>(expressions.size()));
      expressions.push_back(part->expressions[i]);
      flags.push_back(part->flags[i]);
    }
  }
  if (personal && !personal->merge_within.empty()) return Status::Internal("the personal part's hits are not merged");
  const unsigned personal_base = patterns ? static_cast<unsigned>(patterns->expressions.size()) : 0;
  int bad = -1;
  auto db = ScanDatabase::Compile(expressions, flags, ids, &bad);
  if (!db.ok()) {
    const char* which = bad < 0                                    ? ""
                        : static_cast<unsigned>(bad) < personal_base ? " (a pattern shape)"
                                                                     : " (a lexicon term or minor trigger)";
    return Status::Internal("the rule pass does not compile: " + db.status().message() + which);
  }
  return RulePass(std::move(db).value(), personal_base, patterns ? patterns->merge_within : std::vector<unsigned>());
}

void RulePass::Run(std::string_view text, FoldedText* view, ScanHits* hits) const {
  hits->patterns.clear();
  hits->personal.clear();
  // Offsets are 32-bit, and so is Vectorscan's length.
  constexpr std::size_t kMaxText = ScanDatabase::kMaxScanBytes;
  if (text.size() > kMaxText) text = text.substr(0, kMaxText);
  Fold(text, view);
  if (view->kept.empty()) return;
  // Patterns ids whose ends merge: an open run per id, closed when an end
  // falls farther than merge_within from it, and at the end of the scan.
  // (A closed entry has the id kClosed.)
  constexpr unsigned kClosed = ~0u;
  hits->open.assign(merge_within_.size(), ScanHit{kClosed, 0, 0});
  struct Context {
    const RulePass* pass;
    ScanHits* hits;
  } context{this, hits};
  db_.ScanInPlace(
      &view->kept,
      [](unsigned id, unsigned long long, unsigned long long to, unsigned, void* p) -> int {
        auto* c = static_cast<Context*>(p);
        const auto end = static_cast<std::uint32_t>(to);
        if (id >= c->pass->personal_base_) {
          if (c->hits->personal.size() < ScanHits::kMaxRuns) {
            c->hits->personal.push_back({id - c->pass->personal_base_, end, end});
          }
          return 0;
        }
        if (c->pass->merge_within_.empty()) {
          if (c->hits->patterns.size() < ScanHits::kMaxRuns) c->hits->patterns.push_back({id, end, end});
          return 0;
        }
        ScanHit& run = c->hits->open[id];
        const bool open = run.id != kClosed;
        if (open && end <= run.last + c->pass->merge_within_[id]) {
          run.last = std::max(run.last, end);
          return 0;
        }
        if (open && c->hits->patterns.size() < ScanHits::kMaxRuns) c->hits->patterns.push_back(run);
        run = ScanHit{id, end, end};
        return 0;
      },
      &context);
  for (const ScanHit& run : hits->open) {
    if (run.id != kClosed && hits->patterns.size() < ScanHits::kMaxRuns) hits->patterns.push_back(run);
  }
}

}  // namespace moisson::filters
