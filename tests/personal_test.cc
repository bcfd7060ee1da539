// sensitive.* and minor: disclosures about a person are detected; generic,
// encyclopedic, negated, hypothetical and figurative text is not.
#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <unistd.h>

#include "filters/personal.h"

using namespace moisson;
using namespace moisson::filters;

namespace {

const PersonalDetector& Det() {
  static const PersonalDetector* d = [] {
    auto r = PersonalDetector::Load();
    REQUIRE(r.ok());
    return new PersonalDetector(std::move(r).value());
  }();
  return *d;
}

std::vector<Category> Cats(const std::string& text, std::optional<int> year = std::nullopt) {
  std::vector<Detection> out;
  DocumentContext ctx;
  ctx.year = year;
  Det().Detect(text, ctx, &out);
  std::vector<Category> c;
  for (const auto& d : out) {
    REQUIRE(d.start <= d.end);
    REQUIRE(d.end <= text.size());
    c.push_back(d.category);
  }
  return c;
}

bool Has(const std::string& text, Category c, std::optional<int> year = std::nullopt) {
  const auto v = Cats(text, year);
  return std::find(v.begin(), v.end(), c) != v.end();
}

bool None(const std::string& text, std::optional<int> year = std::nullopt) { return Cats(text, year).empty(); }

}  // namespace

TEST_CASE("Health: first-person and third-person disclosures", "[personal]") {
  CHECK(Has("Je suis diabétique de type 1 depuis l'an dernier.", Category::kSensitiveHealth));
  CHECK(Has("J'ai un cancer du sein, je commence la chimio lundi.", Category::kSensitiveHealth));
  CHECK(Has("Je suis séropositif depuis dix ans et je vais bien.", Category::kSensitiveHealth));
  CHECK(Has("Ma fille de 13 ans est diabétique.", Category::kSensitiveHealth));
  CHECK(Has("Mon diabète est mal équilibré ces temps-ci.", Category::kSensitiveHealth));
  CHECK(Has("I was diagnosed with bipolar disorder last spring.", Category::kSensitiveHealth));
  CHECK(Has("My depression got worse this winter.", Category::kSensitiveHealth));
  CHECK(Has("My brother is HIV positive.", Category::kSensitiveHealth));
  CHECK(Has("I'm pregnant with our second child!", Category::kSensitiveHealth));
}

TEST_CASE("Health: generic, encyclopedic, negated, hypothetical and figurative text is not", "[personal]") {
  CHECK(None("Le diabète de type 2 touche environ 4 millions de Français."));
  CHECK(None("Depression is a common mental disorder that affects millions."));
  CHECK(None("Lecteur de glycémie pour diabétiques, livraison gratuite."));
  CHECK(None("Je ne suis pas diabétique, juste gourmand."));
  CHECK(None("I'm not diabetic, I just like sugar."));
  CHECK(None("I don't have cancer, the test was negative."));
  CHECK(None("Si j'étais enceinte, je le dirais tout de suite."));
  CHECK(None("If I were depressed I would see someone."));
  CHECK(None("Je suis malade de jalousie depuis son départ."));
  CHECK(None("J'ai lu un article sur le diabète hier soir."));
  CHECK(None("Is diabetes hereditary?"));
  CHECK(None("Je suis Cancer ascendant Lion, et toi ?"));
  CHECK(None("I'm a Cancer, my horoscope says it's a good week."));
  CHECK(None("Nous recrutons un infirmier en psychiatrie."));
}

TEST_CASE("Religion, politics, orientation, sex life: about a person only", "[personal]") {
  CHECK(Has("Je suis musulmane et je fais le ramadan chaque année.", Category::kSensitiveReligion));
  CHECK(Has("I'm a practising Catholic and go to mass on Sundays.", Category::kSensitiveReligion));
  CHECK(None("L'islam est la deuxième religion de France."));
  CHECK(Has("J'ai voté Mélenchon au premier tour.", Category::kSensitivePolitics));
  CHECK(Has("I'm a registered Democrat.", Category::kSensitivePolitics));
  CHECK(None("The Labour Party was founded in 1900."));
  CHECK(Has("Je suis lesbienne et fière de l'être.", Category::kSensitiveSexualOrientation));
  CHECK(Has("As a gay man, I found the film moving.", Category::kSensitiveSexualOrientation));
  CHECK(None("The gay rights movement gained momentum in the 1970s."));
  CHECK(Has("J'ai couché avec mon ex samedi dernier.", Category::kSensitiveSexLife));
  CHECK(Has("My sex life has been non-existent since the baby.", Category::kSensitiveSexLife));
}

// Issue 13 §6: "We are evangelical about open data" dropped a government page
// as sensitive.religion. These figurative uses are [idiom] entries of
// filters/data/personal/rules.txt; each was detected before they were added.
TEST_CASE("Figurative uses of sensitive terms are not disclosures", "[personal]") {
  CHECK(None("We are evangelical about open data."));
  CHECK(None("As a department, we are evangelical about open data."));
  CHECK(None("I'm an evangelical about open data."));
  CHECK(None("She is catholic in her tastes."));
  CHECK(None("Je suis plus catholique que le pape sur les horaires."));
  CHECK(None("I'm a devout fan of the club."));
  CHECK(None("I'm a bit OCD about my desk."));
  CHECK(None("I'm a sugar addict, pass the cake."));
  CHECK(None("I went on a blind date last night."));
  CHECK(None("I disabled JavaScript in my browser."));
  CHECK(None("I came out on top in the chess tournament."));
  CHECK(None("I came out of nowhere to win."));
  CHECK(None("I've had a love affair with Italian cooking for years."));
  CHECK(None("I have a few kinks to iron out in the code."));
  CHECK(None("We are an activist investor."));
  CHECK(None("Nous sommes tous des Homo sapiens."));
  CHECK(None("I'm religious about flossing."));  // "religious" is no lexicon term
  // The same terms in their own sense are still disclosures.
  CHECK(Has("I'm an evangelical Christian and go to church every Sunday.", Category::kSensitiveReligion));
  CHECK(Has("I'm a devout Catholic.", Category::kSensitiveReligion));
  CHECK(Has("Je suis catholique pratiquant.", Category::kSensitiveReligion));
  CHECK(Has("I came out to my parents when I was twenty.", Category::kSensitiveSexualOrientation));
  CHECK(Has("I'm a recovering addict.", Category::kSensitiveHealth));
  CHECK(Has("I've been blind since birth.", Category::kSensitiveHealth));
}

TEST_CASE("Ethnicity, union, biometric, genetic", "[personal]") {
  CHECK(Has("Je suis d'origine algérienne, née à Lyon.", Category::kSensitiveEthnicity));
  CHECK(Has("I'm half Nigerian on my father's side.", Category::kSensitiveEthnicity));
  CHECK(None("My black cat sleeps all day."));
  CHECK(Has("Je suis syndiqué à la CGT depuis 2010.", Category::kSensitiveUnion));
  CHECK(Has("I'm a union rep at the warehouse.", Category::kSensitiveUnion));
  CHECK(None("La CGT appelle à la grève jeudi."));
  CHECK(Has("Voici le scan de mes empreintes digitales pour le dossier.", Category::kSensitiveBiometric));
  CHECK(Has("My 23andMe results show a BRCA1 mutation.", Category::kSensitiveGenetic));
  CHECK(Has("Mon test ADN a révélé une maladie génétique rare.", Category::kSensitiveGenetic));
  CHECK(None("Genetic testing is regulated in France."));
}

TEST_CASE("Minors: stated ages, school grades, birth years against the document date", "[personal]") {
  CHECK(Has("Salut, j'ai 14 ans et je cherche une team.", Category::kMinor));
  CHECK(Has("I'm 15 and my maths exam is on Monday.", Category::kMinor));
  CHECK(Has("I am a 16-year-old from Leeds.", Category::kMinor));
  CHECK(Has("Ma fille de 12 ans adore le piano.", Category::kMinor));
  CHECK(Has("My son (10) loves football.", Category::kMinor));
  CHECK(Has("Je suis en 4e au collège Jean Moulin.", Category::kMinor));
  CHECK(Has("I'm in 8th grade and I hate homework.", Category::kMinor));
  CHECK(Has("Je suis née en 2011 et j'adore le dessin.", Category::kMinor, 2024));
  CHECK_FALSE(Has("Je suis née en 2011 et j'adore le dessin.", Category::kMinor));  // no document date
  CHECK_FALSE(Has("Je suis née en 1990 et j'adore le dessin.", Category::kMinor, 2024));
  CHECK(Has("Je suis mineure, je ne peux pas signer.", Category::kMinor));
}

TEST_CASE("Minors: adults' ages, durations and age ratings are not", "[personal]") {
  CHECK(None("J'ai 34 ans et deux enfants."));
  CHECK(None("J'ai 18 ans depuis hier !"));
  CHECK(None("Interdit aux moins de 18 ans."));
  CHECK(None("J'ai 15 ans d'expérience dans la vente."));
  CHECK(None("Il y a 15 ans, j'habitais à Lyon."));
  CHECK(None("I'm 15 minutes late, sorry."));
  CHECK(None("I've been doing this for 16 years."));
  CHECK(None("Jeu de société dès 8 ans, pour 2 à 4 joueurs."));
  CHECK(None("Recommended for ages 12 and up."));
  CHECK(None("Je suis en première année de médecine."));
}

TEST_CASE("Spans cover the sentence of the disclosure", "[personal]") {
  const std::string text = "Bonjour à tous. Je suis diabétique depuis l'an dernier. Merci !";
  std::vector<Detection> out;
  Det().Detect(text, {}, &out);
  REQUIRE(out.size() == 1);
  CHECK(text.substr(out[0].start, out[0].end - out[0].start) == "Je suis diabétique depuis l'an dernier.");
}

// Folding reads plain ASCII sixteen bytes at a time: a disclosure found at
// every alignment, in any case, with blank runs, tabs and accents on either
// side of a block edge, keeps its exact span.
TEST_CASE("Spans are exact at every alignment of the folded text", "[personal]") {
  const std::string sentences[] = {"JE SUIS DIABETIQUE depuis 2019.", "Je  suis\tdiabétique  depuis 2019.",
                                   "I  have  been  HIV positive since 2019.", "Mon fils   de 12 ans est  en 5e."};
  for (const std::string& sentence : sentences) {
    for (std::size_t pad = 0; pad < 40; ++pad) {
      std::string prefix = "Bonjour. ";
      for (std::size_t k = 0; k < pad; ++k) prefix += (k % 7 == 3) ? ' ' : (k % 5 == 1 ? 'E' : 'x');
      prefix += ". ";
      const std::string text = prefix + sentence + " Merci  beaucoup, a bientot !";
      std::vector<Detection> out;
      Det().Detect(text, {}, &out);
      INFO("sentence " << &sentence - sentences << ", pad " << pad);
      REQUIRE(out.size() == 1);
      CHECK(out[0].start == prefix.size());
      CHECK(out[0].end == prefix.size() + sentence.size());
    }
  }
}

TEST_CASE("A malformed data file is an error naming FILE:LINE", "[personal]") {
  const std::string dir = "/tmp/moisson_personal_" + std::to_string(::getpid());
  REQUIRE(std::system(("mkdir -p " + dir + "/personal").c_str()) == 0);
  {
    std::ofstream(dir + "/personal/lexicon.txt") << "# ok\n[sensitive.health fr]\ndiabete\n[sensitive.nope fr]\nx\n";
    std::ofstream(dir + "/personal/rules.txt") << "[subject fr]\nje suis\n";
  }
  auto r = PersonalDetector::Load(dir);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == dir + "/personal/lexicon.txt:5: unknown category 'sensitive.nope'");
  {
    std::ofstream(dir + "/personal/lexicon.txt") << "[sensitive.health fr]\ndiabete\n";
    std::ofstream(dir + "/personal/rules.txt") << "je suis\n";
  }
  r = PersonalDetector::Load(dir);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == dir + "/personal/rules.txt:1: an entry before any [section]");
  (void)std::system(("rm -rf " + dir).c_str());
}

// ---- labelled snippets (tests/data/personal/snippets.tsv) ----------------------

namespace {

struct Snippet {
  int line;
  std::set<Category> expected;
  std::optional<int> year;
  std::string text;
  bool known_miss = false;  // label written "~label": counted in the report, not asserted
};

std::optional<Category> ShortName(std::string_view s) {
  static const std::map<std::string_view, Category> kNames = {
      {"health", Category::kSensitiveHealth},       {"religion", Category::kSensitiveReligion},
      {"politics", Category::kSensitivePolitics},   {"orientation", Category::kSensitiveSexualOrientation},
      {"sexlife", Category::kSensitiveSexLife},     {"ethnicity", Category::kSensitiveEthnicity},
      {"union", Category::kSensitiveUnion},         {"biometric", Category::kSensitiveBiometric},
      {"genetic", Category::kSensitiveGenetic},     {"minor", Category::kMinor}};
  auto it = kNames.find(s);
  if (it == kNames.end()) return std::nullopt;
  return it->second;
}

std::vector<Snippet> LoadSnippets() {
  const std::string path = std::string(MOISSON_PERSONAL_TEST_DATA) + "/snippets.tsv";
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<Snippet> v;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    const std::size_t t1 = line.find('\t');
    const std::size_t t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    INFO("snippets.tsv:" << n);
    REQUIRE(t2 != std::string::npos);
    Snippet s;
    s.line = n;
    std::string labels = line.substr(0, t1);
    if (!labels.empty() && labels[0] == '~') {
      s.known_miss = true;
      labels.erase(0, 1);
    }
    if (labels != "-") {
      std::size_t b = 0;
      while (b <= labels.size()) {
        std::size_t e = labels.find(',', b);
        if (e == std::string::npos) e = labels.size();
        const auto c = ShortName(std::string_view(labels).substr(b, e - b));
        REQUIRE(c.has_value());
        s.expected.insert(*c);
        b = e + 1;
      }
    }
    const std::string year = line.substr(t1 + 1, t2 - t1 - 1);
    if (year != "-") s.year = std::atoi(year.c_str());
    s.text = line.substr(t2 + 1);
    v.push_back(std::move(s));
  }
  return v;
}

std::set<Category> Found(const Snippet& s) {
  std::vector<Detection> out;
  DocumentContext ctx;
  ctx.year = s.year;
  Det().Detect(s.text, ctx, &out);
  std::set<Category> c;
  for (const auto& d : out) c.insert(d.category);
  return c;
}

std::string Names(const std::set<Category>& c) {
  std::string s;
  for (Category x : c) s += std::string(CategoryId(x)) + " ";
  return s.empty() ? "none" : s;
}

}  // namespace

TEST_CASE("Each labelled snippet gets exactly its expected categories", "[personal][snippets]") {
  const auto snippets = LoadSnippets();
  REQUIRE(snippets.size() >= 200);
  for (const Snippet& s : snippets) {
    if (s.known_miss) continue;
    INFO("snippets.tsv:" << s.line << ": " << s.text);
    CHECK(Names(Found(s)) == Names(s.expected));
  }
}

// Per-category precision and recall over the snippets; run on demand:
//   moisson_personal_tests "[.report]"
TEST_CASE("Precision and recall per category over the labelled snippets", "[.report]") {
  const auto snippets = LoadSnippets();
  std::map<Category, std::array<int, 3>> m;  // tp, fp, fn
  for (const Snippet& s : snippets) {
    const auto found = Found(s);
    for (Category c : found) ++m[c][s.expected.count(c) ? 0 : 1];
    for (Category c : s.expected) {
      if (!found.count(c)) ++m[c][2];
    }
  }
  std::printf("%-32s %4s %4s %4s %9s %7s\n", "category", "tp", "fp", "fn", "precision", "recall");
  for (const auto& [c, v] : m) {
    const double p = v[0] + v[1] ? double(v[0]) / (v[0] + v[1]) : 1.0;
    const double r = v[0] + v[2] ? double(v[0]) / (v[0] + v[2]) : 1.0;
    std::printf("%-32s %4d %4d %4d %9.3f %7.3f\n", std::string(CategoryId(c)).c_str(), v[0], v[1], v[2], p, r);
  }
  std::printf("snippets: %zu\n", snippets.size());
}

TEST_CASE("Arbitrary bytes and degenerate text never crash and spans stay inside the text", "[personal]") {
  std::uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1664525u + 1013904223u; };
  const std::string alphabet[] = {"je suis ", "diab\xC3\xA9tique", "\xC3", "\xE2\x80", "'", "-", " ", ".", "?", "\n",
                                  "ma fille de ", "13", " ans", "I'm ", "gay", "\xFF", "n'", "Mme ", "Dupont ", "est "};
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const int parts = static_cast<int>(next() % 60);
    for (int i = 0; i < parts; ++i) text += alphabet[next() % std::size(alphabet)];
    std::vector<Detection> out;
    DocumentContext ctx;
    ctx.year = 2024;
    Det().Detect(text, ctx, &out);
    for (const auto& d : out) {
      REQUIRE(d.start <= d.end);
      REQUIRE(d.end <= text.size());
    }
  }
  // One long run of hits with no sentence end.
  std::string run;
  for (int i = 0; i < 20000; ++i) run += "je suis diabétique ";
  std::vector<Detection> out;
  Det().Detect(run, {}, &out);
  CHECK_FALSE(out.empty());
  CHECK(std::all_of(out.begin(), out.end(), [&](const Detection& d) { return d.end <= run.size(); }));
}

// Issue 14 §3: the minor long tail (each failed before these rules).
TEST_CASE("Minors: apposition, ages as nouns, just turned, birthdays, school years of a relation", "[personal]") {
  CHECK(Has("Ma nièce Léa, 16 ans, commence le lycée en septembre.", Category::kMinor));
  CHECK(Has("Mes jumeaux de 6 ans adorent la piscine municipale.", Category::kMinor));
  CHECK(Has("My 9-year-old asked me what a mortgage is.", Category::kMinor));
  CHECK(Has("Our son just turned 10 and wants a bike.", Category::kMinor));
  CHECK(Has("Ma fille vient d'avoir 12 ans hier, on a fêté ça au parc.", Category::kMinor));
  CHECK(Has("Our eldest is a high school junior this fall.", Category::kMinor));
  CHECK(Has("Mon petit frère fête ses 8 ans samedi.", Category::kMinor));
  CHECK(Has("Happy 13th birthday to my little sister Maya!", Category::kMinor));
  CHECK(Has("Notre aîné entre en CP à la rentrée.", Category::kMinor));
  CHECK(Has("My niece Lea, 15, plays the cello.", Category::kMinor));
  // Adults, places and ratings stay quiet.
  CHECK_FALSE(Has("Ma nièce Léa, 26 ans, s'installe à Nantes.", Category::kMinor));
  CHECK_FALSE(Has("Our son just turned 30 and moved to Leeds.", Category::kMinor));
  CHECK_FALSE(Has("Le musée est ouvert aux enfants de 6 à 12 ans accompagnés.", Category::kMinor));
  CHECK_FALSE(Has("The film is rated 12A and runs for two hours.", Category::kMinor));
  CHECK_FALSE(Has("Happy 40th birthday to my big brother!", Category::kMinor));
}
