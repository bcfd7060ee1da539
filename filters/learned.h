// The learned stage of the sensitive/minor detectors: a fastText classifier
// (Debian's libfasttext) over short windows of text, unioned with the rules
// of filters/personal.h. The rules are precise on the phrasings their
// authors wrote for; the model carries the long tail of how people write
// about themselves and others (docs/detection.md, "The learned stage").
//
// How a text is read:
//  1. It is cut into sentences. A text of at most kShortWindows sentences (a
//     post, a comment: what the model was trained on) is one window; a
//     longer one has a window of three sentences starting at each sentence.
//  2. Gates, cheap first: a window is scored only when it holds a person
//     anchor (a pronoun, a kinship or social role, a title: "je", "ma",
//     "my", "his", "voisin", "colleague", "Mme"...) and one of the model's
//     cue words (words the training data ties to a category, cues.txt).
//     Most sentences of ordinary prose pass neither and cost one word scan.
//     A window of a long page must also read as prose: at least
//     kMinWindowWords words and a first sentence ending in . ! or ? (menus,
//     lists of names and headings are not what the model learned). A window
//     whose letters are mostly not Latin is skipped (the model knows French
//     and English).
//  3. The model gives a probability per category (one-vs-all); a category
//     fires in a window when it reaches that category's threshold
//     (thresholds.tsv, chosen on a development split for precision >= 0.92;
//     a category without one stays off).
//  4. Page level: a short text takes its window's verdict. A longer page needs, per
//     category, one strong window (probability >= halfway from the
//     threshold to 1) or two windows that fire: one weak line in a long page
//     of boilerplate does not drop it.
// A finding spans its window, and says it came from the model (by = kModel).
//
// The model is loaded once and immutable; Detect() is thread-safe (fastText's
// predict is const and keeps its state on the caller's stack).
#ifndef MOISSON_FILTERS_LEARNED_H_
#define MOISSON_FILTERS_LEARNED_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "filters/category.h"

namespace moisson::filters {

class LearnedDetector {
 public:
  // Windows of a text short enough to be judged window by window.
  static constexpr std::size_t kShortWindows = 4;

  // Loads sensitive.ftz, thresholds.tsv and cues.txt from `model_dir` ("":
  // the folder built into this binary, filters/data/model). Errors name the
  // file (a missing model, a malformed line).
  static Result<LearnedDetector> Load(const std::string& model_dir = "");

  // Appends the model's findings in `text` for categories that `skip` does
  // not already hold (the rules found them: nothing to add).
  void Detect(std::string_view text, const std::vector<Detection>& skip, std::vector<Detection>* out) const;

  // "sensitive.ftz sha256:…", for the ledger and the datasheet.
  const std::string& version() const;

  // The text as the model reads it: lower case (ASCII, Latin-1 and Latin
  // Extended-A capitals), typographic apostrophes made ASCII, punctuation set
  // apart by spaces, white space folded. scripts/train_detection_model.py
  // applies the same function to the training data.
  static std::string Normalise(std::string_view text);

 private:
  struct Impl;
  explicit LearnedDetector(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace moisson::filters

#endif  // MOISSON_FILTERS_LEARNED_H_
