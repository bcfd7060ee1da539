#include "filters/detector.h"

#include <algorithm>
#include <tuple>

namespace moisson::filters {

Result<Detector> Detector::Create(const std::string& data_dir, bool learned, const std::string& model_dir) {
  Result<PatternDetector> patterns = PatternDetector::Create(data_dir);
  if (!patterns.ok()) return patterns.status();
  Result<PersonalDetector> personal = PersonalDetector::Load(data_dir);
  if (!personal.ok()) return personal.status();
  Result<RulePass> pass = RulePass::Create(&patterns->scan_part(), &personal->scan_part());
  if (!pass.ok()) return pass.status();
  std::optional<LearnedDetector> model;
  if (learned) {
    auto m = LearnedDetector::Load(!model_dir.empty() ? model_dir : data_dir.empty() ? "" : data_dir + "/model");
    if (!m.ok()) return m.status();
    model.emplace(std::move(m).value());
  }
  return Detector(std::move(patterns).value(), std::move(personal).value(), std::move(pass).value(), std::move(model));
}

std::vector<Detection> Detector::Detect(std::string_view text, const DocumentContext& ctx) const {
  std::vector<Detection> out;
  // One fold and one scan for both rule detectors.
  thread_local FoldedText view;
  thread_local ScanHits hits;
  pass_.Run(text, &view, &hits);
  patterns_.DetectScanned(text, view, hits.patterns, &out);
  const std::size_t before_personal = out.size();
  personal_.DetectScanned(text, view, hits.personal, ctx, &out);
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
