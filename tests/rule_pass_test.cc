// The rule detectors' one pass (filters/rule_pass.h): the folded view, the
// scan database's per-thread scratch, and the one scan shared by both rule
// detectors finding what each finds alone — including where folding moves
// what a pattern shape reads (an accent next to an IBAN, a no-break space
// after a map link).
#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "filters/detector.h"
#include "filters/fold.h"
#include "filters/patterns.h"
#include "filters/personal.h"
#include "filters/rule_pass.h"
#include "filters/scan_database.h"

using namespace moisson::filters;

namespace {

const Detector& Chain() {
  static const Detector* d = [] {
    auto r = Detector::Create();
    REQUIRE(r.ok());
    return new Detector(std::move(r).value());
  }();
  return *d;
}

const PatternDetector& Patterns() {
  static const PatternDetector* d = [] {
    auto r = PatternDetector::Create();
    REQUIRE(r.ok());
    return new PatternDetector(std::move(r).value());
  }();
  return *d;
}

const PersonalDetector& Personal() {
  static const PersonalDetector* d = [] {
    auto r = PersonalDetector::Load();
    REQUIRE(r.ok());
    return new PersonalDetector(std::move(r).value());
  }();
  return *d;
}

using Found = std::vector<std::tuple<Category, std::string>>;

Found Spans(const std::string& text, const std::vector<Detection>& ds) {
  Found f;
  for (const auto& d : ds) {
    REQUIRE(d.end <= text.size());
    f.emplace_back(d.category, text.substr(d.start, d.end - d.start));
  }
  std::sort(f.begin(), f.end());
  f.erase(std::unique(f.begin(), f.end()), f.end());
  return f;
}

// What the one pass finds, and what the two detectors find each alone.
Found OnePass(const std::string& text) { return Spans(text, Chain().Detect(text, {})); }
Found Alone(const std::string& text) {
  std::vector<Detection> out;
  Patterns().Detect(text, {}, &out);
  Personal().Detect(text, {}, &out);
  return Spans(text, out);
}

}  // namespace

TEST_CASE("fold: accents, blanks, apostrophes and dashes folded, case kept in one view, offsets mapped back") {
  FoldedText f;
  const std::string text = "J\xE2\x80\x99" "ai  \xC3\xA9t\xC3\xA9\t op\xC3\xA9r\xC3\xA9" "e \xE2\x80\x93 C\xC5\x92UR\xC2\xA0" "OK";
  Fold(text, &f);
  CHECK(f.kept == "J'ai ete operee - CoeUR OK");
  CHECK(f.lower == "j'ai ete operee - coeur ok");
  REQUIRE(f.map.size() == f.kept.size() + 1);
  CHECK(f.map.back() == text.size());
  // Each folded byte maps to the start of the character it came from.
  CHECK(f.map[1] == 1);   // ' from the three bytes of ’
  CHECK(f.map[2] == 4);   // a
  CHECK(f.map[5] == 8);   // e from é
  CHECK(text.substr(f.map[f.kept.find("OK")]) == "OK");
  for (std::size_t i = 1; i < f.map.size(); ++i) CHECK(f.map[i - 1] <= f.map[i]);  // "oe": two bytes, one œ
  // Long plain ASCII (the sixteen-at-a-time path) and an empty text.
  const std::string plain = "The Quick Brown Fox Jumps Over The Lazy Dog, Twice Over Again.";
  Fold(plain, &f);
  CHECK(f.kept == plain);
  CHECK(f.lower == "the quick brown fox jumps over the lazy dog, twice over again.");
  CHECK(f.map[40] == 40);
  Fold("", &f);
  CHECK(f.kept.empty());
  CHECK(f.map.size() == 1);
  CHECK(FoldLower("Dépressi") == "depressi");
  // Cyrillic capitals: kept in one view, lowered in the other, one map entry a byte.
  Fold("ПОРНО Ёж Яя", &f);
  CHECK(f.kept == "ПОРНО Ёж Яя");
  CHECK(f.lower == "порно ёж яя");
  CHECK(f.map[2] == 2);
  CHECK(f.map[3] == 3);
}

TEST_CASE("scan database: each database scans with its own thread scratch, however many come and go") {
  // Databases of very different sizes created and freed in turn: a scratch
  // kept for a freed database must never serve the next one at its address.
  auto count = [](const ScanDatabase& db, const std::string& text) {
    std::size_t n = 0;
    REQUIRE(db.Scan(
        text.data(), text.size(),
        [](unsigned, unsigned long long, unsigned long long, unsigned, void* p) -> int {
          ++*static_cast<std::size_t*>(p);
          return 0;
        },
        &n));
    return n;
  };
  const std::string text = "alpha beta gamma 12345 delta alpha";
  for (int round = 0; round < 12; ++round) {
    std::vector<std::string> exprs;
    std::vector<unsigned> flags, ids;
    const int size = round % 2 ? 400 : 1;
    for (int i = 0; i < size; ++i) {
      exprs.push_back(i == 0 ? "alpha" : "w" + std::to_string(i) + "[a-z]{2,}\\d{1,3}x");
      flags.push_back(0);
      ids.push_back(static_cast<unsigned>(i));
    }
    exprs.push_back("\\d{5}");
    flags.push_back(0);
    ids.push_back(static_cast<unsigned>(size));
    auto db = ScanDatabase::Compile(exprs, flags, ids);
    REQUIRE(db.ok());
    CHECK(count(*db, text) == 3);
    std::size_t other = 0;
    std::thread([&] { other = count(*db, text); }).join();
    CHECK(other == 3);
  }
  // The bytes given are all that is read: what follows them in memory (a
  // digit window's text) neither matches nor is reported.
  {
    auto db = ScanDatabase::Compile({"alph", "alphabet"}, {0, 0}, {0, 1});
    REQUIRE(db.ok());
    const std::string text = "alphabet";
    std::vector<unsigned long long> ends;
    REQUIRE(db->Scan(
        text.data(), 5,
        [](unsigned, unsigned long long, unsigned long long to, unsigned, void* p) -> int {
          static_cast<std::vector<unsigned long long>*>(p)->push_back(to);
          return 0;
        },
        &ends));
    CHECK(ends == std::vector<unsigned long long>{4});
  }
  int bad = -1;
  auto broken = ScanDatabase::Compile({"ok", "(unclosed"}, {0, 0}, {0, 1}, &bad);
  CHECK_FALSE(broken.ok());
  CHECK(bad == 1);
}

TEST_CASE("rule pass: shapes next to what folding changes are found as in the text itself") {
  // Each of these was lost when the shapes were first scanned over the
  // folded view with their own expressions: "é" becomes a word letter (so
  // \b moves), a no-break space becomes a space (so a link's path ends).
  const std::string iban = "Virement sur FR76 3000 6000 0112 3456 7890 189\xC3\xA9t\xC3\xA9 re\xC3\xA7u.";
  CHECK(OnePass(iban) == Found{{Category::kBankingIban, "FR76 3000 6000 0112 3456 7890 189"}});
  const std::string bic = "Mon BIC BNPAFRPPXXX\xC3\xA9 pour le virement";
  const Found bic_found = OnePass(bic);
  CHECK(std::count(bic_found.begin(), bic_found.end(), std::tuple(Category::kBankingBic, std::string("BNPAFRPPXXX"))) == 1);
  const std::string coords = "RDV \xC3\xA9lat: 48.85, lon: 2.35 ce soir";
  CHECK(OnePass(coords) == Found{{Category::kGeoCoordinates, "48.85, lon: 2.35"}});
  const std::string link = "chez moi https://www.google.com/maps/@48.8584,2.2945,17z\xC2\xA0\xC3\xA0 bient\xC3\xB4t";
  // (The link's path runs on through the no-break space, as the shape reads
  // the text: any byte but an ASCII blank, a quote or a bracket.)
  const Found link_found = OnePass(link);
  REQUIRE(link_found.size() == 1);
  CHECK(std::get<0>(link_found[0]) == Category::kGeoUri);
  CHECK(std::get<1>(link_found[0]).rfind("https://www.google.com/maps/@48.8584,2.2945,17z\xC2\xA0", 0) == 0);
  for (const std::string& t : {iban, bic, coords, link}) CHECK(OnePass(t) == Alone(t));
}

TEST_CASE("rule pass: an English street named by an ordinal is still a candidate") {
  // The address shape is scanned as a number and the start of a name: a
  // capital or an ordinal, not any digit (phone and card groups).
  const std::string text = "I live at 350 5th Avenue, New York, NY 10118";
  const Found found = OnePass(text);
  REQUIRE(found.size() == 1);
  CHECK(std::get<0>(found[0]) == Category::kGeoAddress);
  CHECK(std::get<1>(found[0]).rfind("350 5th Avenue", 0) == 0);
}

TEST_CASE("rule pass: one scan finds what each rule detector finds alone") {
  const std::vector<std::string> texts = {
      "JE SUIS DIAB\xC3\x89TIQUE depuis 2010, \xC3\xA9" "crivez-moi \xC3\xA0 claire.morel@example.fr",
      "Ma fille, 12 ans, est en 6e. Appelez le 06 12 34 56 78.",
      "My daughter is 9 and in KINDERGARTEN; call +44 7700 900123.",
      "Il est en terminale et je suis s\xC3\xA9ropositif. IBAN FR7630006000011234567890189",
      "Le coll\xC3\xA8ge ferme. Mineure? non. Under 18 only. year 10 students.",
      "I live at 221B Baker Street, London NW1 6XE and I am gay.",
      "Nothing here but prose about the weather and a 2026 budget.",
      "",
  };
  for (const std::string& t : texts) {
    INFO("text " << &t - texts.data());
    CHECK(OnePass(t) == Alone(t));
  }
  // Case does not matter for the lexicon and the minor words, and
  // a minor word inside a longer word is none.
  CHECK(OnePass("JE SUIS DIAB\xC3\x89TIQUE.") == Found{{Category::kSensitiveHealth, "JE SUIS DIAB\xC3\x89TIQUE."}});
  CHECK(!OnePass("Ma fille de 12 ans est en CM2.").empty());
  CHECK(OnePass("Le cp1234 du 6eme arrondissement, les lyceens.") == Alone("Le cp1234 du 6eme arrondissement, les lyceens."));
}

TEST_CASE("rule pass: a match at the very end of the text is found whatever the text's length") {
  // Debian 12's Vectorscan (5.4.9) can miss a match in the last bytes of a
  // buffer on AVX-512 machines for some expressions (its nvermicelli tail
  // bug, fixed upstream in 2026: VectorCamp/vectorscan pull request 378).
  // This expression meets it; every scan reads padding after its bytes
  // (filters/scan_database.h), so the text's last bytes are never the buffer's.
  ScanPart part;
  part.expressions = {R"(@[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24})"};
  part.flags = {0};
  part.merge_within = {0};
  auto pass = RulePass::Create(&part, nullptr);
  REQUIRE(pass.ok());
  const std::string prose =
      "Les travaux de la ligne de tramway devraient se terminer en 2026 selon la metropole. "
      "The council approved the new cycling lanes after a long debate about parking spaces. ";
  FoldedText view;
  ScanHits hits;
  int missed = 0;
  for (std::size_t n = 0; n < 700; ++n) {
    std::string text;
    while (text.size() < n) text += prose;
    text.resize(n);
    text += " ecrivez a claire.morel@example.fr. ";
    pass->Run(text, &view, &hits);
    bool found = false;
    for (const ScanHit& h : hits.patterns) found |= view.map[h.last] == text.size() - 2;
    missed += !found;
  }
  CHECK(missed == 0);
}
