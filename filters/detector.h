// Every detector of the filter chain behind one call.
#ifndef MOISSON_FILTERS_DETECTOR_H_
#define MOISSON_FILTERS_DETECTOR_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "filters/category.h"
#include "filters/patterns.h"
#include "filters/personal.h"

namespace moisson::filters {

class Detector {
 public:
  // `data_dir` holds patterns/cues.txt and personal/{lexicon,rules}.txt;
  // "" means the folder built into this binary (filters/data).
  static Result<Detector> Create(const std::string& data_dir = "");

  // All findings in `text`, sorted by start, then end, then category;
  // exact duplicates removed. Overlapping spans of different categories are
  // all kept (the caller decides what an overlap means for its action).
  std::vector<Detection> Detect(std::string_view text, const DocumentContext& ctx) const;

 private:
  Detector(PatternDetector patterns, PersonalDetector personal)
      : patterns_(std::move(patterns)), personal_(std::move(personal)) {}
  PatternDetector patterns_;
  PersonalDetector personal_;
};

}  // namespace moisson::filters

#endif  // MOISSON_FILTERS_DETECTOR_H_
