// The page-level content judgements (filters/content.h) on arbitrary bytes:
// the input cut in three at its first two NUL bytes (URL, title, text). They
// never crash, and judge a page the same way twice.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "filters/content.h"

using namespace moisson::filters;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const ContentClassifier classifier = std::move(ContentClassifier::Load("")).value();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::string_view parts[3];
  for (int i = 0; i < 2; ++i) {
    const std::size_t nul = in.find('\0');
    parts[i] = in.substr(0, nul);
    in = nul == std::string_view::npos ? std::string_view() : in.substr(nul + 1);
  }
  parts[2] = in;
  const auto a = classifier.Classify({parts[0], parts[1], parts[2]});
  const auto b = classifier.Classify({parts[0], parts[1], parts[2]});
  if (a.size() != b.size()) __builtin_trap();
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].category != b[i].category || a[i].evidence != b[i].evidence) __builtin_trap();
  }
  return 0;
}
