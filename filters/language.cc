#include "filters/language.h"

#include <cstdio>  // compact_lang_det.h uses FILE without including it

#include <cld2/public/compact_lang_det.h>

#include <array>
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

// The markers by their bytes packed into 64 bits (all are 2 to 6 bytes):
// an open-addressing table of 64 slots, so that each word of a sample costs
// one multiplication and a probe or two.
class MarkerTable {
 public:
  static const MarkerTable& Get() {
    static const MarkerTable t;
    return t;
  }
  static std::uint64_t Key(std::string_view word) {
    std::uint64_t k = 0;
    for (std::size_t i = 0; i < word.size(); ++i) k |= std::uint64_t{static_cast<unsigned char>(word[i])} << (8 * i);
    return k;
  }
  // Sets the bit of the marker `key` in *fr or *en.
  void Mark(std::uint64_t key, std::uint32_t* fr, std::uint32_t* en) const {
    for (std::size_t i = Slot(key);; i = (i + 1) % kSlots) {
      if (slots_[i].key == key) {
        *(slots_[i].french ? fr : en) |= 1u << slots_[i].bit;
        return;
      }
      if (slots_[i].key == 0) return;
    }
  }

 private:
  static constexpr std::size_t kSlots = 64;
  struct Entry {
    std::uint64_t key = 0;
    bool french = false;
    unsigned bit = 0;
  };
  static std::size_t Slot(std::uint64_t key) { return (key * 0x9E3779B97F4A7C15ull) >> 58; }
  MarkerTable() {
    auto insert = [&](std::string_view w, bool french, unsigned bit) {
      std::size_t i = Slot(Key(w));
      while (slots_[i].key != 0) i = (i + 1) % kSlots;
      slots_[i] = {Key(w), french, bit};
    };
    for (unsigned k = 0; k < std::size(kFrench); ++k) insert(kFrench[k], true, k);
    for (unsigned k = 0; k < std::size(kEnglish); ++k) insert(kEnglish[k], false, k);
  }
  std::array<Entry, kSlots> slots_{};
};

// ASCII letters, whatever the locale (std::isalpha is a call through it).
bool IsAsciiLetter(unsigned char c) { return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

// "fr", "en" or "" from the distinct marker words of `sample`.
std::string_view ByMarkers(std::string_view sample) {
  std::uint32_t fr = 0, en = 0;  // bit i: marker i seen
  const MarkerTable& markers = MarkerTable::Get();
  std::size_t i = 0;
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
      std::uint64_t key = 0;
      for (std::size_t k = i; k < j; ++k) {
        const auto c = static_cast<unsigned char>(sample[k]);
        key |= std::uint64_t{(c >= 'A' && c <= 'Z') ? c + 32u : c} << (8 * (k - i));
      }
      markers.Mark(key, &fr, &en);
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
