// The language of a document, for deciding whether the sensitive/minor
// detectors cover it (they read French and English; docs/detection.md).
//
// Order of evidence: what the input declares (a JSONL lang field, WET's
// WARC-Identified-Content-Language, <html lang>), else marker words (three
// distinct French or English function words in a sample of mostly Latin
// letters), else CLD2 (Debian's libcld2) over the first 512 bytes.
// Thread-safe: CLD2 keeps no state between calls.
#ifndef MOISSON_FILTERS_LANGUAGE_H_
#define MOISSON_FILTERS_LANGUAGE_H_

#include <string>
#include <string_view>

namespace moisson::filters {

// The reason code of a document in a language the sensitive/minor detectors
// do not read ([filters] uncovered_languages; the ledger, the datasheet).
inline constexpr std::string_view kUncoveredLanguageReason = "lang.uncovered";

// The language CLD2 reads in `text` (UTF-8), as an ISO 639-1 code ("fr",
// "en", "zh"...) where one exists; "" when the text is too short or mixed for
// a reliable answer.
std::string IdentifyLanguage(std::string_view text);

// "fr-CA" -> "fr", "ENG" -> "en", "fra" / "fre" -> "fr", "eng" -> "en"
// (ISO 639-2/3, as WET files write it: "eng,fra" reads its first code);
// other codes lower-cased, region dropped; "" for "" or for anything that is
// not 1 to 8 ASCII letters.
std::string PrimaryLanguageCode(std::string_view tag);

// The letters of `text` (UTF-8), and how many are Latin (ASCII, Latin-1 and
// Latin Extended-A/B); punctuation, digits and symbols are not letters.
struct LetterCounts {
  std::size_t letters = 0;
  std::size_t latin = 0;
};
LetterCounts CountLetters(std::string_view text);

// Do the sensitive/minor detectors cover this primary language code?
bool CoveredLanguage(std::string_view primary);

}  // namespace moisson::filters

#endif  // MOISSON_FILTERS_LANGUAGE_H_
