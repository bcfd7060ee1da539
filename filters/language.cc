#include "filters/language.h"

#include <cld2/public/compact_lang_det.h>

#include "core/strings.h"
#include "core/utf8.h"

namespace moisson::filters {

std::string IdentifyLanguage(std::string_view text) {
  const std::string_view sample = Utf8Prefix(text, 16 * 1024);
  if (sample.size() < 20) return {};
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
