// The pattern pass (PatternDetector::Detect) on arbitrary bytes: it never
// crashes, and every span lies inside the text with start <= end. The first
// byte picks the document context; the rest is the text.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "filters/patterns.h"

using namespace moisson::filters;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const PatternDetector* detector = [] {
    auto d = PatternDetector::Create();
    if (!d.ok()) __builtin_trap();
    return new PatternDetector(std::move(d).value());
  }();
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  DocumentContext ctx;
  if (data[0] & 1) ctx.year = 2024;
  ctx.lang = (data[0] & 2) ? "fr" : "en";
  std::vector<Detection> out;
  // Something already in the vector is left alone.
  out.push_back(Detection{Category::kMinor, 0, 0});
  detector->Detect(text, ctx, &out);
  if (out.empty() || !(out[0] == Detection{Category::kMinor, 0, 0})) __builtin_trap();
  for (std::size_t i = 1; i < out.size(); ++i) {
    const Detection& d = out[i];
    if (d.start > d.end || d.end > text.size()) __builtin_trap();
  }
  return 0;
}
