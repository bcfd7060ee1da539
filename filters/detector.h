// Every detector of the filter chain behind one call.
#ifndef MOISSON_FILTERS_DETECTOR_H_
#define MOISSON_FILTERS_DETECTOR_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "filters/category.h"
#include "filters/learned.h"
#include "filters/patterns.h"
#include "filters/personal.h"
#include "filters/rule_pass.h"

namespace moisson::filters {

class Detector {
 public:
  // `data_dir` holds patterns/cues.txt and personal/{lexicon,rules}.txt;
  // "" means the folder built into this binary (filters/data). With
  // `learned`, the learned stage is loaded too, from `model_dir` ("":
  // data_dir's model/ folder, or the built-in one).
  static Result<Detector> Create(const std::string& data_dir = "", bool learned = false,
                                 const std::string& model_dir = "");

  // All findings in `text`, sorted by start, then end, then category;
  // exact duplicates removed. Overlapping spans of different categories are
  // all kept (the caller decides what an overlap means for its action). The
  // learned stage, when loaded, adds sensitive.* and minor findings the
  // rules did not make (Detection::by == kModel).
  std::vector<Detection> Detect(std::string_view text, const DocumentContext& ctx) const;

  // The learned stage's model ("sensitive.lin sha256:..."), or "" when off.
  std::string model_version() const { return learned_ ? learned_->version() : std::string(); }

 private:
  Detector(PatternDetector patterns, PersonalDetector personal, RulePass pass, std::optional<LearnedDetector> learned)
      : patterns_(std::move(patterns)), personal_(std::move(personal)), pass_(std::move(pass)),
        learned_(std::move(learned)) {}
  PatternDetector patterns_;
  PersonalDetector personal_;
  RulePass pass_;  // both rule detectors' parts in one scan (filters/rule_pass.h)
  std::optional<LearnedDetector> learned_;
};

}  // namespace moisson::filters

#endif  // MOISSON_FILTERS_DETECTOR_H_
