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
  // Languages that share French's and English's words are not taken for them.
  CHECK(IdentifyLanguage("El ayuntamiento aprobó ayer el presupuesto de la nueva biblioteca, que abrirá sus puertas "
                         "la próxima primavera según el alcalde y los concejales.") == "es");
  CHECK(IdentifyLanguage("Il consiglio comunale ha approvato ieri sera il bilancio della nuova biblioteca, che aprirà "
                         "la prossima primavera secondo il sindaco.") == "it");
  CHECK(IdentifyLanguage("De gemeenteraad heeft gisteravond de begroting voor de nieuwe bibliotheek goedgekeurd, die "
                         "volgend voorjaar de deuren opent.") == "nl");
  // A Japanese page with an English menu is Japanese; a bilingual FR/EN post is covered.
  CHECK(IdentifyLanguage("Home | About the shop | Contact us and the news from this week\n"
                         "原宿の小さなお店です。今日は新しい商品が入荷しました。ぜひ遊びに来てください。"
                         "営業時間は午前十一時から午後八時までです。定休日は水曜日です。") != "en");
  const std::string both = IdentifyLanguage("Bonjour, c'est une belle journée dans le parc avec les enfants. "
                                            "Hello, this was a great day and the kids loved it.");
  CHECK((both == "fr" || both == "en"));
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
