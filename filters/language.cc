#include "filters/language.h"

#include <cstdio>  // compact_lang_det.h uses FILE without including it

#include <cld2/public/compact_lang_det.h>

#include <cctype>
#include <cstdint>

#include "core/strings.h"
#include "core/utf8.h"

namespace moisson::filters {

namespace {

// Words frequent in French or English prose and rare in the languages that
// share their script: three distinct ones of one language in a sample of
// Latin letters settle it without CLD2 (which costs about 30 us per KB here).
constexpr std::string_view kFrench[] = {"est", "une", "dans", "avec", "c'est", "sont", "nous", "aux", "cette", "été",
                                        "je", "mais", "très", "était", "vous", "être", "ils", "elle", "aussi", "leur"};
constexpr std::string_view kEnglish[] = {"the", "and", "with", "that", "was", "this", "have", "you", "are", "from",
                                         "after", "about", "which", "they", "were", "been", "would", "there", "their",
                                         "what"};

// Sets the bit of `word` (lower case already) in *fr or *en when it is a
// marker. Only words of 2 to 6 bytes can be one.
void Mark(std::string_view word, std::uint32_t* fr, std::uint32_t* en) {
  // The first byte and the length rule out nearly every marker before any
  // comparison of bytes.
  for (std::size_t k = 0; k < std::size(kFrench); ++k) {
    if (kFrench[k][0] == word[0] && kFrench[k].size() == word.size() && kFrench[k] == word) *fr |= 1u << k;
  }
  for (std::size_t k = 0; k < std::size(kEnglish); ++k) {
    if (kEnglish[k][0] == word[0] && kEnglish[k].size() == word.size() && kEnglish[k] == word) *en |= 1u << k;
  }
}

// ASCII letters, whatever the locale (std::isalpha is a call through it).
bool IsAsciiLetter(unsigned char c) { return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

// "fr", "en" or "" from the distinct marker words of `sample`.
std::string_view ByMarkers(std::string_view sample) {
  std::uint32_t fr = 0, en = 0;  // bit i: marker i seen
  std::size_t i = 0;
  char lower[8];
  while (i < sample.size()) {
    while (i < sample.size() && !IsAsciiLetter(static_cast<unsigned char>(sample[i])) &&
           static_cast<unsigned char>(sample[i]) < 0x80) {
      ++i;
    }
    std::size_t j = i;
    while (j < sample.size() && (IsAsciiLetter(static_cast<unsigned char>(sample[j])) || sample[j] == '\'' ||
                                 static_cast<unsigned char>(sample[j]) >= 0x80)) {
      ++j;
    }
    if (j == i) {
      ++i;
      continue;
    }
    if (j - i >= 2 && j - i <= 6) {
      for (std::size_t k = i; k < j; ++k) {
        const char c = sample[k];
        lower[k - i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
      }
      Mark(std::string_view(lower, j - i), &fr, &en);
    }
    i = j;
  }
  const int nfr = __builtin_popcount(fr), nen = __builtin_popcount(en);
  if (nfr < 3 && nen < 3) return "";
  // A page in another script with a few English words (a menu) is not English.
  const LetterCounts n = CountLetters(sample);
  if (n.latin * 10 < n.letters * 9) return "";
  return nfr >= nen ? "fr" : "en";  // a page in both (a bilingual forum) is covered either way
}

}  // namespace

LetterCounts CountLetters(std::string_view text) {
  LetterCounts n;
  for (std::size_t i = 0; i < text.size();) {
    if (const auto b = static_cast<unsigned char>(text[i]); b < 0x80) {
      const bool latin = IsAsciiLetter(b);
      n.letters += latin;
      n.latin += latin;
      ++i;
      continue;
    }
    const char32_t c = NextCodePoint(text, &i);
    const bool latin = (c < 0x80 && IsAsciiLetter(static_cast<unsigned char>(c))) || (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
    const bool other = c >= 0x370 && c != 0xFFFD && !(c >= 0x2000 && c <= 0x2BFF) && !(c >= 0x3000 && c <= 0x303F);
    n.letters += latin || other;
    n.latin += latin;
  }
  return n;
}

std::string IdentifyLanguage(std::string_view text) {
  // 512 bytes: CLD2 costs about 30 us per KB here, and prose needs no more.
  const std::string_view sample = Utf8Prefix(text, 512);
  if (sample.size() < 20) return {};
  if (const std::string_view by_markers = ByMarkers(sample); !by_markers.empty()) return std::string(by_markers);
  bool reliable = false;
  const CLD2::Language lang =
      CLD2::DetectLanguage(sample.data(), static_cast<int>(sample.size()), /*is_plain_text=*/true, &reliable);
  if (!reliable || lang == CLD2::UNKNOWN_LANGUAGE) return {};
  return PrimaryLanguageCode(CLD2::LanguageCode(lang));
}

std::string PrimaryLanguageCode(std::string_view tag) {
  std::string code;
  for (char c : tag.substr(0, tag.find_first_of("-_,; "))) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) || code.size() >= 8) return "";
    code.push_back(AsciiLowerChar(c));
  }
  if (code == "fra" || code == "fre") return "fr";
  if (code == "eng") return "en";
  return code;
}

bool CoveredLanguage(std::string_view primary) { return primary == "fr" || primary == "en"; }

}  // namespace moisson::filters
