// Every detector (patterns and sensitive/minor) on arbitrary text: spans
// stay inside the text and are well ordered.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "filters/detector.h"

using namespace moisson::filters;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Detector* detector = [] {
    auto d = Detector::Create();
    if (!d.ok()) __builtin_trap();
    return new Detector(std::move(d).value());
  }();
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  DocumentContext ctx;
  if (data[0] & 1) ctx.year = 2024;
  ctx.lang = (data[0] & 2) ? "fr" : "en";
  for (const Detection& d : detector->Detect(text, ctx)) {
    if (d.start > d.end || d.end > text.size()) __builtin_trap();
  }
  return 0;
}
