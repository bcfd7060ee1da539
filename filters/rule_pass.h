// The rule detectors' one pass: the text folded once (filters/fold.h) and
// one Vectorscan database over the folded view holding what both rule
// detectors look for — the pattern shapes read over the whole text
// (filters/pattern_set.h) and the sensitive/minor lexicon terms and minor
// triggers (filters/personal.cc). Each detector then reads its own hits
// (PatternDetector::DetectScanned, PersonalDetector::DetectScanned).
//
//   text ─► Fold ─► view.kept ─► one scan ─► hits.patterns ─► twins, validators
//                   view.lower                hits.personal ─► sentence rules
//                   view.map
//
// Why one database over one view (measured, docs/benchmarks.md): two scans
// and a folding pass cost more than one fold and one scan of their union;
// the lexicon is matched case-insensitively on the case-kept view, so the
// pattern shapes keep reading capitals. Shapes scanned over the view must
// report a superset of the ends they have in the text (the twins decide on
// the text itself): pattern_set.h's scan forms drop the word boundaries
// that folding can move ("é" becomes a word letter).
//
// Immutable once created; Run() may be called from any number of threads.
#ifndef MOISSON_FILTERS_RULE_PASS_H_
#define MOISSON_FILTERS_RULE_PASS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "filters/fold.h"
#include "filters/scan_database.h"

namespace moisson::filters {

// What one detector looks for in the pass: expression i, with Vectorscan
// flags[i], is reported to that detector as id i. With merge_within (one
// entry per expression, or empty for none), ends of expression i that lie
// within merge_within[i] bytes of the previous one are reported together,
// as one run [first end, last end].
struct ScanPart {
  std::vector<std::string> expressions;
  std::vector<unsigned> flags;
  std::vector<unsigned> merge_within;
};

// A run of ends of expression `id` of a part, in the folded view (ends are
// exclusive offsets). Without merging, first == last.
struct ScanHit {
  unsigned id;
  std::uint32_t first;
  std::uint32_t last;
};

// The runs of each part, in order of their last end for one expression,
// and of their first end across expressions. A pathological text cannot
// grow them without bound: past kMaxRuns a part's further runs are dropped.
struct ScanHits {
  static constexpr std::size_t kMaxRuns = 4'000'000;
  std::vector<ScanHit> patterns;
  std::vector<ScanHit> personal;
  // Runs still open during a scan, per expression of the merging part.
  std::vector<ScanHit> open;
};

class RulePass {
 public:
  // One database over the parts given (a null part takes no place in it).
  static Result<RulePass> Create(const ScanPart* patterns, const ScanPart* personal);

  // Folds `text` into *view and scans it once, replacing *hits. Nothing past
  // 4 GiB - 65 bytes is examined.
  void Run(std::string_view text, FoldedText* view, ScanHits* hits) const;

 private:
  RulePass(ScanDatabase db, unsigned personal_base, std::vector<unsigned> merge_within)
      : db_(std::move(db)), personal_base_(personal_base), merge_within_(std::move(merge_within)) {}
  ScanDatabase db_;
  unsigned personal_base_;               // ids from here on are the personal part's
  std::vector<unsigned> merge_within_;  // the patterns part's, by id (empty: none)
};

}  // namespace moisson::filters

#endif  // MOISSON_FILTERS_RULE_PASS_H_
