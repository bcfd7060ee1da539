// moisson_learned_tool: the learned stage's own code, for the training
// script (scripts/train_detection_model.py), so that the features a model is
// trained on and the scores its thresholds are chosen on come from the very
// code that runs in `moisson` (filters/learned.h). Not installed.
//
//   moisson_learned_tool features BITS < texts.jsonl
//       one line per input line: the text's features, "index:count ..."
//       (liblinear's sparse format, without the label)
//   moisson_learned_tool scores MODEL_DIR < texts.jsonl
//       one line per input line: "category=probability ..." for the
//       sensitive.* and minor categories (LearnedDetector::Scores)
//
// Input: JSONL with a "text" string per line. Nothing of the text is printed.
#include <simdjson.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include "filters/category.h"
#include "filters/learned.h"

using moisson::filters::LearnedDetector;

namespace {

int Usage() {
  std::cerr << "usage: moisson_learned_tool features BITS < texts.jsonl\n"
               "       moisson_learned_tool scores MODEL_DIR < texts.jsonl\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) return Usage();
  const std::string mode = argv[1];
  if (mode != "features" && mode != "scores") return Usage();
  unsigned bits = 0;
  std::optional<LearnedDetector> model;
  if (mode == "features") {
    bits = static_cast<unsigned>(std::atoi(argv[2]));
    if (bits < 8 || bits > 24) {
      std::cerr << "moisson_learned_tool: BITS must be 8 to 24\n";
      return 2;
    }
  } else {
    auto m = LearnedDetector::Load(argv[2]);
    if (!m.ok()) {
      std::cerr << "moisson_learned_tool: " << m.status().message() << "\n";
      return 2;
    }
    model.emplace(std::move(m).value());
  }
  simdjson::ondemand::parser parser;
  std::string line, out;
  long line_no = 0;
  while (std::getline(std::cin, line)) {
    ++line_no;
    simdjson::padded_string padded(line);
    std::string_view text;
    auto doc = parser.iterate(padded);
    if (doc.error() || doc["text"].get_string().get(text)) {
      std::cerr << "moisson_learned_tool: line " << line_no << ": expected a JSON object with a \"text\" string\n";
      return 1;
    }
    out.clear();
    if (mode == "features") {
      for (const auto& [index, count] : LearnedDetector::Features(text, bits)) {
        if (!out.empty()) out.push_back(' ');
        out += std::to_string(index) + ":" + std::to_string(static_cast<int>(count));
      }
    } else {
      const auto scores = model->Scores(text);
      for (int c = 0; c < moisson::filters::kCategoryCount; ++c) {
        const auto cat = static_cast<moisson::filters::Category>(c);
        if (!(moisson::filters::IsSensitive(cat) || cat == moisson::filters::Category::kMinor)) continue;
        char buf[32];
        std::snprintf(buf, sizeof buf, "=%.6f", scores[c]);
        if (!out.empty()) out.push_back(' ');
        out += std::string(moisson::filters::CategoryId(cat)) + buf;
      }
    }
    out.push_back('\n');
    std::fwrite(out.data(), 1, out.size(), stdout);
  }
  return 0;
}
