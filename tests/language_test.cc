// Language identification and codes (filters/language.h).
#include <catch2/catch.hpp>

#include "filters/language.h"

using namespace moisson::filters;

TEST_CASE("Language: CLD2 names the language of ordinary prose, nothing for a scrap", "[language]") {
  CHECK(IdentifyLanguage("Der schnelle braune Fuchs springt über den faulen Hund, und danach gehen wir alle "
                         "zusammen in den Park, um die Sonne zu genießen.") == "de");
  CHECK(IdentifyLanguage("Le conseil municipal a voté hier soir le budget de la nouvelle médiathèque, qui ouvrira "
                         "au printemps prochain selon le maire.") == "fr");
  CHECK(IdentifyLanguage("The council approved the new cycling lanes after a long debate about parking spaces on "
                         "the high street last night.") == "en");
  CHECK(IdentifyLanguage("今日は天気がとても良いので、公園で散歩をしてから友達と一緒に昼ご飯を食べました。") == "ja");
  CHECK(IdentifyLanguage("ok").empty());
  CHECK(IdentifyLanguage("").empty());
}

TEST_CASE("Language: tags and ISO 639-2/3 codes read as primary ISO 639-1 codes", "[language]") {
  CHECK(PrimaryLanguageCode("fr-CA") == "fr");
  CHECK(PrimaryLanguageCode("EN_us") == "en");
  CHECK(PrimaryLanguageCode("fra") == "fr");
  CHECK(PrimaryLanguageCode("fre") == "fr");
  CHECK(PrimaryLanguageCode("eng,fra") == "en");  // WET's WARC-Identified-Content-Language
  CHECK(PrimaryLanguageCode("deu") == "deu");
  CHECK(PrimaryLanguageCode("").empty());
  CHECK(PrimaryLanguageCode("x1").empty());
  CHECK(PrimaryLanguageCode("averyverylongtag").empty());
  CHECK(CoveredLanguage("fr"));
  CHECK(CoveredLanguage("en"));
  CHECK_FALSE(CoveredLanguage("de"));
  CHECK_FALSE(CoveredLanguage(""));
}
