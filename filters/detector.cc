#include "filters/detector.h"

#include <algorithm>
#include <tuple>

namespace moisson::filters {

Result<Detector> Detector::Create(const std::string& data_dir) {
  Result<PatternDetector> patterns = PatternDetector::Create(data_dir);
  if (!patterns.ok()) return patterns.status();
  Result<PersonalDetector> personal = PersonalDetector::Load(data_dir);
  if (!personal.ok()) return personal.status();
  return Detector(std::move(patterns).value(), std::move(personal).value());
}

std::vector<Detection> Detector::Detect(std::string_view text, const DocumentContext& ctx) const {
  std::vector<Detection> out;
  patterns_.Detect(text, ctx, &out);
  personal_.Detect(text, ctx, &out);
  auto key = [](const Detection& d) { return std::tuple(d.start, d.end, d.category); };
  std::sort(out.begin(), out.end(), [&](const Detection& a, const Detection& b) { return key(a) < key(b); });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace moisson::filters
