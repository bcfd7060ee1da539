// The folded view of a text: what the rule detectors scan (filters/rule_pass.h)
// and what the sensitive/minor rules read (filters/personal.h).
//
// Folding removes what does not change meaning for a lexicon: Latin accents
// ("é" -> "e", "œ" -> "oe"), runs of blanks (space, tab, carriage return,
// no-break space: one space), typographic apostrophes and dashes (’ -> ',
// – -> -). It never lengthens the text, and it keeps a map back to the
// original offsets, so a hit in the view is a span of the text.
//
//   text  "J’ai  été  opérée"       kept   "J'ai ete operee"
//                                   lower  "j'ai ete operee"
//
// `kept` keeps the case of ASCII letters (the pattern shapes read capitals:
// IBAN, BIC, street names); `lower` is the same bytes with A-Z and the
// Cyrillic capitals lowered (the lexicons, the sentence rules, the content
// word lists: "Порно" is "порно"). Both have the same length, so one map
// serves both: map[i] is the offset in the text of folded byte i, and
// map[size] is the text's length. Other bytes, newlines included, are kept.
#ifndef MOISSON_FILTERS_FOLD_H_
#define MOISSON_FILTERS_FOLD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace moisson::filters {

struct FoldedText {
  std::string kept;
  std::string lower;
  std::vector<std::uint32_t> map;  // kept.size() + 1 entries
};

// Folds `text` (at most 4 GiB - 1 bytes: the map's offsets are 32-bit) into
// *out, reusing its buffers.
void Fold(std::string_view text, FoldedText* out);

// The lower-case folded form of a lexicon term or a rule phrase.
std::string FoldLower(std::string_view text);

}  // namespace moisson::filters

#endif  // MOISSON_FILTERS_FOLD_H_
