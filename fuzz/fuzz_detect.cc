// The rule detectors on arbitrary bytes: the pattern pass
// (PatternDetector::Detect) never crashes, and every span lies inside the
// text with start <= end; the one rule pass both detectors share (Detector,
// filters/rule_pass.h) finds exactly what the two find each alone. The first
// byte picks the document context; the rest is the text.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <tuple>
#include <vector>

#include "filters/detector.h"
#include "filters/patterns.h"
#include "filters/personal.h"

using namespace moisson::filters;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const PatternDetector* detector = [] {
    auto d = PatternDetector::Create();
    if (!d.ok()) __builtin_trap();
    return new PatternDetector(std::move(d).value());
  }();
  static const PersonalDetector* personal = [] {
    auto d = PersonalDetector::Load();
    if (!d.ok()) __builtin_trap();
    return new PersonalDetector(std::move(d).value());
  }();
  static const Detector* chain = [] {
    auto d = Detector::Create();
    if (!d.ok()) __builtin_trap();
    return new Detector(std::move(d).value());
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
  out.erase(out.begin());
  personal->Detect(text, ctx, &out);
  auto key = [](const Detection& d) { return std::tuple(d.start, d.end, d.category); };
  std::sort(out.begin(), out.end(), [&](const Detection& a, const Detection& b) { return key(a) < key(b); });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  if (chain->Detect(text, ctx) != out) __builtin_trap();
  return 0;
}
