// Detectors for data about a natural person: sensitive.* (GDPR art. 9) and
// minor (SPEC §3).
//
// A detection needs a person: a first-person disclosure ("je suis
// diabétique", "my depression", "as a gay man") or a statement about an
// identifiable person ("ma fille de 13 ans", "my brother is HIV positive").
// Generic or encyclopedic text on the same topics is not a detection;
// negation and hypotheticals are handled where they matter. French and
// English. Lexicons and context rules are reviewable data files under
// filters/data/. Immutable once loaded; Detect() is thread-safe.
#ifndef MOISSON_FILTERS_PERSONAL_H_
#define MOISSON_FILTERS_PERSONAL_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "filters/category.h"
#include "filters/rule_pass.h"

namespace moisson::filters {

class PersonalDetector {
 public:
  // Loads the lexicons from `data_dir`; "" means the folder built into this
  // binary (filters/data). A malformed data file is an error naming FILE:LINE.
  static Result<PersonalDetector> Load(const std::string& data_dir = "");

  // Appends every sensitive.* and minor finding in `text` to *out. The span
  // covers the disclosure (the clause or sentence that says it).
  void Detect(std::string_view text, const DocumentContext& ctx, std::vector<Detection>* out) const;

  // The one-pass path (Detector): what this detector looks for in the rule
  // pass, and its findings from that pass's hits over `view` (the folded
  // `text`). Detect() is this with a rule pass of its own.
  const ScanPart& scan_part() const;
  void DetectScanned(std::string_view text, const FoldedText& view, const std::vector<ScanHit>& hits,
                     const DocumentContext& ctx, std::vector<Detection>* out) const;

 private:
  struct Impl;
  explicit PersonalDetector(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace moisson::filters

#endif  // MOISSON_FILTERS_PERSONAL_H_
