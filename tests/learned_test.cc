// The learned stage of the sensitive/minor detectors (filters/learned.h):
// the normalisation it shares with scripts/train_detection_model.py, the
// gates, the page-level rule, and loading errors. All people are fictitious.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "filters/detector.h"
#include "filters/learned.h"

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
  CHECK(Model().version().rfind("sensitive.ftz sha256:", 0) == 0);
  CHECK(Model().version().size() == std::string("sensitive.ftz sha256:").size() + 64);
}

TEST_CASE("Learned stage: a missing or damaged model is an error naming the file", "[learned]") {
  char tmpl[] = "/tmp/moisson_learned_XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  auto missing = LearnedDetector::Load(dir);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find(dir + "/sensitive.ftz") == 0);
  std::ofstream(dir + "/sensitive.ftz") << "not a model";
  auto damaged = LearnedDetector::Load(dir);
  REQUIRE_FALSE(damaged.ok());
  CHECK(damaged.status().message().find(dir + "/sensitive.ftz: not a fastText model") == 0);
  (void)std::system(("rm -rf '" + dir + "'").c_str());
}

TEST_CASE("Learned stage: a malformed thresholds file is an error naming its line", "[learned]") {
  char tmpl[] = "/tmp/moisson_learned_XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  const std::string model = std::string(MOISSON_SOURCE_DIR) + "/filters/data/model/sensitive.ftz";
  REQUIRE(std::system(("cp '" + model + "' '" + dir + "/'").c_str()) == 0);
  std::ofstream(dir + "/cues.txt") << "diabete\n";
  std::ofstream(dir + "/thresholds.tsv") << "# header\nsensitive.health\tnot-a-number\n";
  auto bad_number = LearnedDetector::Load(dir);
  REQUIRE_FALSE(bad_number.ok());
  CHECK(bad_number.status().message() == dir + "/thresholds.tsv:2: expected: category threshold ...");
  std::ofstream(dir + "/thresholds.tsv") << "id.email\t0.5\n";
  auto not_personal = LearnedDetector::Load(dir);
  REQUIRE_FALSE(not_personal.ok());
  CHECK(not_personal.status().message() == dir + "/thresholds.tsv:1: not a sensitive.* or minor category: id.email");
  std::ofstream(dir + "/thresholds.tsv") << "minor\t0.9\n";
  ::unlink((dir + "/cues.txt").c_str());
  auto no_cues = LearnedDetector::Load(dir);
  REQUIRE_FALSE(no_cues.ok());
  CHECK(no_cues.status().message().find(dir + "/cues.txt") == 0);
  (void)std::system(("rm -rf '" + dir + "'").c_str());
}

TEST_CASE("Learned stage: text with no person or no cue is never scored", "[learned]") {
  std::vector<Detection> out;
  // Encyclopedic: no person anchor.
  Model().Detect("Le diabète de type 1 est une maladie auto-immune. L'insuline est découverte en 1921.", {}, &out);
  CHECK(out.empty());
  Model().Detect("Opening hours: Monday to Friday, 9 to 5. Parking at the back.", {}, &out);
  CHECK(out.empty());
}

TEST_CASE("Learned stage: categories the rules found are not searched again", "[learned]") {
  const std::string text = "My brother was diagnosed with schizophrenia last spring and now lives with our parents.";
  std::vector<Detection> out;
  Model().Detect(text, {Detection{Category::kSensitiveHealth, 0, 10}}, &out);
  for (const auto& d : out) CHECK(d.category != Category::kSensitiveHealth);
}

TEST_CASE("Learned stage: findings say they came from the model and span their window", "[learned]") {
  const std::string text = "My brother was diagnosed with schizophrenia last spring and now lives with our parents.";
  std::vector<Detection> out;
  Model().Detect(text, {}, &out);
  for (const auto& d : out) {
    CHECK(d.by == Detection::By::kModel);
    CHECK(d.start == 0);
    CHECK(d.end == text.size());
  }
}

TEST_CASE("Learned stage: the Detector runs it only when asked", "[learned]") {
  auto rules = Detector::Create();
  REQUIRE(rules.ok());
  CHECK(rules->model_version().empty());
  auto both = Detector::Create("", true);
  REQUIRE(both.ok());
  CHECK(both->model_version() == Model().version());
}
