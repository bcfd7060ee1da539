// The learned stage's model files (LearnedDetector::FromBytes: the
// sensitive.lin header and weights, thresholds.tsv) on arbitrary bytes: a
// malformed file is an error with a message, never a crash, and a model that
// loads can read text. The first byte chooses which file the input is; the
// other is a small valid one (2^8 rows, two classes), so that each run is
// quick.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "filters/learned.h"

using namespace moisson::filters;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string* model = [] {
    auto* m = new std::string(
        "moisson-linear 1\nfeatures " + std::to_string(LearnedDetector::kFeaturesVersion) +
        " bits 8\nlabels minor sensitive.health\nscale 0.001 0.002\nbias -1.5 -0.5\nweights\n");
    for (int i = 0; i < 256 * 2; ++i) {
      const auto w = static_cast<std::uint16_t>(static_cast<std::int16_t>((i * 37) % 2000 - 1000));
      m->push_back(static_cast<char>(w & 0xFF));
      m->push_back(static_cast<char>(w >> 8));
    }
    return m;
  }();
  static const std::string thresholds = "minor\t0.5\nsensitive.health\t0.6\n";
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto loaded = (data[0] & 1) ? LearnedDetector::FromBytes(*model, input) : LearnedDetector::FromBytes(input, thresholds);
  if (!loaded.ok()) {
    if (loaded.status().message().empty()) __builtin_trap();
    return 0;
  }
  std::vector<Detection> out;
  loaded->Detect("My brother was diagnosed with schizophrenia last spring and lives with our parents.", {}, &out);
  for (const Detection& d : out) {
    if (d.by != Detection::By::kModel) __builtin_trap();
  }
  return 0;
}
