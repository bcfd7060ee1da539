// The whole filter chain on arbitrary bytes: HTML extraction, every detector,
// identifier normalisation, actions. Checks what every caller relies on:
// spans inside the text (and, mapped, inside the output text), a dropped
// document keeps no text, metadata that goes on is one valid JSON object
// (the input as metadata when the first byte says so), and the output, scan
// and attribute lines are built without crashing.
#include <cstddef>
#include <cstdint>
#include <string>

#include <simdjson.h>

#include "filters/detector.h"
#include "io/record.h"
#include "pipeline/processor.h"

using namespace moisson;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const filters::Detector* detector = [] {
    auto d = filters::Detector::Create();
    if (!d.ok()) __builtin_trap();
    return new filters::Detector(std::move(d).value());
  }();
  static const ProjectKey key = ProjectKey::FromBytes({});
  static const pipeline::Processor processor = [] {
    pipeline::ProcessorParts parts;
    parts.detector = detector;
    parts.key = &key;
    return pipeline::Processor(parts, {});
  }();
  if (size == 0) return 0;
  io::InputRecord rec;
  // The first byte picks the kind and the date, so both paths are explored.
  rec.kind = (data[0] & 1) ? io::ContentKind::kHtml : io::ContentKind::kText;
  rec.date = (data[0] & 2) ? "2024-05-01" : "";
  rec.lang = (data[0] & 4) ? "fr" : "en";
  rec.url = "https://forum.example.org/t/1";
  rec.content.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] & 8) rec.metadata_json = rec.content;  // what a reader could hand over: any bytes
  const pipeline::ProcessedDocument doc = processor.Process(rec);
  for (const auto& ad : doc.detections) {
    if (ad.detection.start > ad.detection.end) __builtin_trap();
    if (doc.verdict != filters::Verdict::kDrop && (ad.out_start > ad.out_end || ad.out_end > doc.text.size())) {
      __builtin_trap();
    }
  }
  if (doc.verdict == filters::Verdict::kDrop && !doc.text.empty()) __builtin_trap();
  if (!doc.metadata_json.empty()) {
    static simdjson::dom::parser parser;
    simdjson::dom::object obj;
    if (parser.parse(doc.metadata_json).get(obj) != simdjson::SUCCESS) __builtin_trap();
  }
  (void)pipeline::OutputJson(doc);
  (void)pipeline::ScanJson(doc);
  (void)pipeline::AttributesJson(doc);
  return 0;
}
