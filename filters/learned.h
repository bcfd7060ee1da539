// The learned stage of the sensitive/minor detectors: a linear classifier
// (logistic regression trained with Debian's liblinear) over short windows
// of text, unioned with the rules of filters/personal.h. The rules are
// precise on the phrasings their authors wrote for; the model carries the
// long tail of how people write about themselves and others
// (docs/detection.md, "The learned stage", which also gives the comparison
// with fastText that chose this shape).
//
// What the model reads (Features(); the training script gets the same
// features from this code through moisson_learned_tool, so the two cannot
// drift): the text normalised (Normalise()), cut into sentences, and per
// sentence hashed counts of
//   - each token, and each pair of adjacent tokens;
//   - the first five and the last four letters of a token longer than five
//     (diabète/diabétique, syndiqué/syndicat: shared stems);
//   - who the sentence is about, crossed with its content words: a word's
//     first five letters again, marked "first person" when the sentence has
//     a first-person anchor (je, j', mon, my, I'm...) and "someone else's"
//     when it has a relation, a third-person pronoun or a title (ma fille,
//     son, his, voisin, Mme...). This is how the rules' anchors reach the
//     model: "diabète" beside "j'ai" weighs otherwise than in an article.
// A window's features are the sum of its sentences' features, so each
// sentence is scored once however many windows hold it.
//
// How a text is read:
//  1. Sentences. A text of at most kShortWindows sentences (a post, a
//     comment: what the model was trained on) is one window. A longer text
//     has one window per paragraph (a line) of at most kParagraphSentences
//     sentences, and a window of kWindowSentences sentences starting at each
//     sentence of a longer paragraph.
//  2. Gates: a window is scored only when it holds a person anchor (first
//     person, relation, pronoun, title); in a long text it must also hold at
//     least kMinWindowWords words (a menu entry, a heading or a caption is
//     not what the model learned) and be mostly Latin letters (the model
//     knows French and English).
//  3. The model gives a probability per category (one logistic regression per
//     category); a category fires at that category's threshold
//     (thresholds.tsv, chosen for precision on training text scored by
//     models that had not read its writer; a category without one stays
//     off).
//  4. A category found in any window is found in the text. (A page-level rule
//     asking two windows or one strong one was tried: with windows that
//     follow paragraphs it cost a fifth of the recall on snippets buried in
//     real pages and spared no page; docs/detection.md.)
// A finding spans the first window that fired, and says it came from the model (by = kModel).
//
// The model is loaded once and immutable; Detect() is thread-safe.
#ifndef MOISSON_FILTERS_LEARNED_H_
#define MOISSON_FILTERS_LEARNED_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "filters/category.h"

namespace moisson::filters {

class LearnedDetector {
 public:
  // A text of at most this many sentences is one window.
  static constexpr std::size_t kShortWindows = 4;
  static constexpr std::size_t kParagraphSentences = 6;
  static constexpr std::size_t kWindowSentences = 3;
  static constexpr std::size_t kMinWindowWords = 8;
  // The featuriser's version: a model records the one it was trained with,
  // and Load refuses another.
  static constexpr int kFeaturesVersion = 2;

  // Loads sensitive.lin and thresholds.tsv from `model_dir` ("": the folder
  // built into this binary, filters/data/model). Errors name the file (a
  // missing model, a malformed header or size, a malformed line).
  static Result<LearnedDetector> Load(const std::string& model_dir = "");
  // The same from the files' bytes; errors name `model_name` or
  // `thresholds_name` (tests, fuzzers).
  static Result<LearnedDetector> FromBytes(std::string_view model, std::string_view thresholds,
                                           const std::string& model_name = "sensitive.lin",
                                           const std::string& thresholds_name = "thresholds.tsv");

  // Appends the model's findings in `text` for categories that `skip` does
  // not already hold (the rules found them: nothing to add).
  void Detect(std::string_view text, const std::vector<Detection>& skip, std::vector<Detection>* out) const;

  // Per category, the highest probability among the windows of `text` that
  // pass the gates (0 when none does), before thresholds and the page rule:
  // what the training script chooses thresholds on.
  std::array<float, kCategoryCount> Scores(std::string_view text) const;

  // "sensitive.lin sha256:…", for the ledger and the datasheet.
  const std::string& version() const;

  // The text as the model reads it: lower case (ASCII, Latin-1 and Latin
  // Extended-A capitals), typographic apostrophes made ASCII, punctuation set
  // apart by spaces, white space folded.
  static std::string Normalise(std::string_view text);

  // The hashed features of `text` read as one window (the sum over its
  // sentences), as (index in [1, 2^bits], count) sorted by index: the
  // training script's input (liblinear's sparse format).
  static std::vector<std::pair<std::uint32_t, float>> Features(std::string_view text, unsigned bits);

 private:
  struct Impl;
  explicit LearnedDetector(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace moisson::filters

#endif  // MOISSON_FILTERS_LEARNED_H_
