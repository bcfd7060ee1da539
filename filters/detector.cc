#include "filters/detector.h"

#include <algorithm>
#include <tuple>

namespace moisson::filters {

Result<Detector> Detector::Create(const std::string& data_dir, bool learned, const std::string& model_dir) {
  Result<PatternDetector> patterns = PatternDetector::Create(data_dir);
  if (!patterns.ok()) return patterns.status();
  Result<PersonalDetector> personal = PersonalDetector::Load(data_dir);
  if (!personal.ok()) return personal.status();
  std::optional<LearnedDetector> model;
  if (learned) {
    auto m = LearnedDetector::Load(!model_dir.empty() ? model_dir : data_dir.empty() ? "" : data_dir + "/model");
    if (!m.ok()) return m.status();
    model.emplace(std::move(m).value());
  }
  return Detector(std::move(patterns).value(), std::move(personal).value(), std::move(model));
}

std::vector<Detection> Detector::Detect(std::string_view text, const DocumentContext& ctx) const {
  std::vector<Detection> out;
  patterns_.Detect(text, ctx, &out);
  const std::size_t before_personal = out.size();
  personal_.Detect(text, ctx, &out);
  if (learned_) {
    const std::vector<Detection> rules(out.begin() + static_cast<std::ptrdiff_t>(before_personal), out.end());
    learned_->Detect(text, rules, &out);
  }
  auto key = [](const Detection& d) { return std::tuple(d.start, d.end, d.category); };
  std::sort(out.begin(), out.end(), [&](const Detection& a, const Detection& b) { return key(a) < key(b); });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace moisson::filters
