// The learned stage (LearnedDetector: sentence cutting, normalisation, gates,
// the linear model) on arbitrary bytes: it never crashes, every span lies inside the
// text, every finding is a sensitive.* or minor one from the model, and the
// normalised text is never longer than four times the input.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "filters/learned.h"

using namespace moisson::filters;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const LearnedDetector* detector = [] {
    auto d = LearnedDetector::Load();
    if (!d.ok()) __builtin_trap();
    return new LearnedDetector(std::move(d).value());
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (LearnedDetector::Normalise(text).size() > 4 * size + 4) __builtin_trap();
  std::vector<Detection> out;
  detector->Detect(text, {}, &out);
  for (const Detection& d : out) {
    if (d.start > d.end || d.end > text.size()) __builtin_trap();
    if (d.by != Detection::By::kModel || !(IsSensitive(d.category) || d.category == Category::kMinor)) __builtin_trap();
  }
  return 0;
}
