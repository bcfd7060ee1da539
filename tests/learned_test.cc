// The learned stage of the sensitive/minor detectors (filters/learned.h):
// the normalisation it shares with scripts/train_detection_model.py, the
// gates, the page-level rule, and loading errors. All people are fictitious.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "filters/detector.h"
#include "filters/learned.h"
#include "tests/temp_dir.h"

using namespace moisson;
using namespace moisson::filters;

namespace {

const LearnedDetector& Model() {
  static const LearnedDetector* m = [] {
    auto r = LearnedDetector::Load();
    REQUIRE(r.ok());
    return new LearnedDetector(std::move(r).value());
  }();
  return *m;
}

}  // namespace

// The same strings are checked against the Python side by
// scripts/train_detection_model.py --self-test (ctest learned_normalise_python).
TEST_CASE("Learned stage: the text is normalised as the training script does", "[learned]") {
  CHECK(LearnedDetector::Normalise("Ma FILLE, 12 ans.") == "ma fille , 12 ans .");
  CHECK(LearnedDetector::Normalise("  J’ai  «ÉTÉ» opéré\n\tdu CŒUR… ") == "j'ai « été » opéré du cœur …");
  CHECK(LearnedDetector::Normalise("ŁÓDŹ Ÿ İ") == "łódź ÿ İ");
  CHECK(LearnedDetector::Normalise("(x)[y]!?") == "( x ) [ y ] ! ?");
  CHECK(LearnedDetector::Normalise("").empty());
}

TEST_CASE("Learned stage: loads, names its model by SHA-256", "[learned]") {
  CHECK(Model().version().rfind("sensitive.lin sha256:", 0) == 0);
  CHECK(Model().version().size() == std::string("sensitive.lin sha256:").size() + 64);
}

namespace {

using moisson::test::TempDir;

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void Write(const std::string& path, const std::string& data) { std::ofstream(path, std::ios::binary) << data; }

const std::string kModelDir = std::string(MOISSON_SOURCE_DIR) + "/filters/data/model";

}  // namespace

TEST_CASE("Learned stage: a missing or damaged model is an error naming the file", "[learned]") {
  TempDir dir;
  auto missing = LearnedDetector::Load(dir.path);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find(dir.path + "/sensitive.lin") == 0);
  Write(dir.path + "/thresholds.tsv", Slurp(kModelDir + "/thresholds.tsv"));
  Write(dir.path + "/sensitive.lin", "not a model");
  auto damaged = LearnedDetector::Load(dir.path);
  REQUIRE_FALSE(damaged.ok());
  CHECK(damaged.status().message() ==
        dir.path + "/sensitive.lin: not a moisson linear model (no 'moisson-linear 1' header)");
  // Cut short: the weights are counted.
  const std::string model = Slurp(kModelDir + "/sensitive.lin");
  Write(dir.path + "/sensitive.lin", model.substr(0, model.size() - 2));
  auto truncated = LearnedDetector::Load(dir.path);
  REQUIRE_FALSE(truncated.ok());
  CHECK(truncated.status().message().find("bytes of weights, found") != std::string::npos);
  // Trained on other features: refused, with what to do.
  std::string other = model;
  other.replace(other.find("features 2 "), 11, "features 9 ");
  Write(dir.path + "/sensitive.lin", other);
  auto stale = LearnedDetector::Load(dir.path);
  REQUIRE_FALSE(stale.ok());
  CHECK(stale.status().message().find("trained on features version 9, this build reads version 2: retrain") !=
        std::string::npos);
}

TEST_CASE("Learned stage: a malformed thresholds file is an error naming its line", "[learned]") {
  TempDir dir;
  Write(dir.path + "/sensitive.lin", Slurp(kModelDir + "/sensitive.lin"));
  Write(dir.path + "/thresholds.tsv", "# header\nsensitive.health\tnot-a-number\n");
  auto bad_number = LearnedDetector::Load(dir.path);
  REQUIRE_FALSE(bad_number.ok());
  CHECK(bad_number.status().message() == dir.path + "/thresholds.tsv:2: expected: category threshold ...");
  Write(dir.path + "/thresholds.tsv", "id.email\t0.5\n");
  auto not_personal = LearnedDetector::Load(dir.path);
  REQUIRE_FALSE(not_personal.ok());
  CHECK(not_personal.status().message() ==
        dir.path + "/thresholds.tsv:1: not a sensitive.* or minor category: id.email");
  ::unlink((dir.path + "/thresholds.tsv").c_str());
  auto none = LearnedDetector::Load(dir.path);
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().message().find(dir.path + "/thresholds.tsv") != std::string::npos);
}

TEST_CASE("Learned stage: features are counts summed over sentences, the same for the same text", "[learned]") {
  const std::string a = "J'ai un rendez-vous chez le cardiologue mardi.";
  const std::string b = "My sister says hello.";
  const auto fa = LearnedDetector::Features(a, 18);
  const auto fb = LearnedDetector::Features(b, 18);
  const auto fab = LearnedDetector::Features(a + " " + b, 18);
  CHECK(fa == LearnedDetector::Features(a, 18));
  std::map<std::uint32_t, float> sum;
  for (const auto& [i, n] : fa) sum[i] += n;
  for (const auto& [i, n] : fb) sum[i] += n;
  CHECK(std::vector<std::pair<std::uint32_t, float>>(sum.begin(), sum.end()) == fab);
  for (const auto& [i, n] : fab) {
    CHECK(i >= 1);
    CHECK(i <= (1u << 18));
  }
  // Who a sentence is about is part of what is read: "ma" adds a first-person
  // feature for each content word ("toux", "revient"), "sa" one of someone else's.
  const auto none = LearnedDetector::Features("la toux revient", 18);
  CHECK(LearnedDetector::Features("ma toux revient", 18).size() == none.size() + 2);
  CHECK(LearnedDetector::Features("sa toux revient", 18).size() == none.size() + 2);
  CHECK(LearnedDetector::Features("ma toux revient", 18) != LearnedDetector::Features("sa toux revient", 18));
}

TEST_CASE("Learned stage: text about no one is never scored", "[learned]") {
  std::vector<Detection> out;
  // Encyclopedic: no person anchor.
  Model().Detect("Le diabète de type 1 est une maladie auto-immune. L'insuline est découverte en 1921.", {}, &out);
  CHECK(out.empty());
  Model().Detect("Opening hours: Monday to Friday, 9 to 5. Parking at the back.", {}, &out);
  CHECK(out.empty());
  for (float p : Model().Scores("Le diabète de type 1 est une maladie auto-immune.")) CHECK(p == 0.0f);
}

namespace {

const std::string kDisclosure =
    "My brother was diagnosed with schizophrenia last spring and now lives with our parents.";

// Paragraphs of ordinary prose (people in them, nothing sensitive), as a
// forum page or a blog would have them.
std::string OrdinaryPage(const std::string& inserted_paragraph = "") {
  const char* paragraphs[] = {
      "We met at the north car park at nine and the weather held until the very last descent. The views were worth it.",
      "The council approved the new cycling lanes after a long debate about parking spaces on the high street.",
      "Preheat the oven to 180 degrees, then bake the loaf for about forty minutes until golden. Let it cool first.",
      "Does anyone know whether the library is open on bank holidays? The website does not say and I could not call.",
      "Bonjour à tous, je reviens de la sortie de dimanche et le parcours était vraiment magnifique malgré le vent.",
      "Merci pour vos réponses, j'ai finalement choisi le modèle avec la batterie amovible et je ne regrette pas.",
      "Our team won the regional final on penalties after a goalless match in the pouring rain. My sister scored twice.",
      "The museum's new wing displays textiles from the eighteenth century, including rare silk gowns and a loom.",
  };
  std::string page;
  int n = 0;
  for (const char* p : paragraphs) {
    page += p;
    page += "\n";
    if (++n == 4 && !inserted_paragraph.empty()) page += inserted_paragraph + "\n";
  }
  return page;
}

}  // namespace

TEST_CASE("Learned stage: categories the rules found are not searched again", "[learned]") {
  std::vector<Detection> found, skipped;
  Model().Detect(kDisclosure, {}, &found);
  REQUIRE(found.size() == 1);
  CHECK(found[0].category == Category::kSensitiveHealth);
  Model().Detect(kDisclosure, {Detection{Category::kSensitiveHealth, 0, 10}}, &skipped);
  CHECK(skipped.empty());
}

TEST_CASE("Learned stage: findings say they came from the model and span their window", "[learned]") {
  std::vector<Detection> out;
  Model().Detect(kDisclosure, {}, &out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].by == Detection::By::kModel);
  CHECK(out[0].start == 0);
  CHECK(out[0].end == kDisclosure.size());
}

TEST_CASE("Learned stage: in a long page, a disclosure is found in its paragraph and nothing else is", "[learned]") {
  std::vector<Detection> plain;
  Model().Detect(OrdinaryPage(), {}, &plain);
  CHECK(plain.empty());
  const std::string page = OrdinaryPage(kDisclosure);
  std::vector<Detection> out;
  Model().Detect(page, {}, &out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].category == Category::kSensitiveHealth);
  CHECK(page.substr(out[0].start, out[0].end - out[0].start) == kDisclosure);
  // The page's other paragraphs do not change the verdict on the disclosure:
  // each paragraph is its own window.
  CHECK(Model().Scores(page)[static_cast<int>(Category::kSensitiveHealth)] ==
        Model().Scores(kDisclosure)[static_cast<int>(Category::kSensitiveHealth)]);
}

TEST_CASE("Learned stage: fewer than eight words are not scored (captions, menu entries)", "[learned]") {
  for (float p : Model().Scores("Baby nursery (reel 5)")) CHECK(p == 0.0f);
  for (float p : Model().Scores("Ma fille, 12 ans.")) CHECK(p == 0.0f);
}

TEST_CASE("Learned stage: the Detector runs it only when asked", "[learned]") {
  auto rules = Detector::Create();
  REQUIRE(rules.ok());
  CHECK(rules->model_version().empty());
  auto both = Detector::Create("", true);
  REQUIRE(both.ok());
  CHECK(both->model_version() == Model().version());
}
