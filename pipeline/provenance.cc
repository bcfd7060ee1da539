#include "pipeline/provenance.h"

#include "core/json.h"
#include "core/time_util.h"

namespace moisson::pipeline {

audit::LedgerRow LedgerRowOf(const ProcessedDocument& doc, std::string_view output_file) {
  audit::LedgerRow row;
  row.url = doc.url;
  row.site = doc.site;
  row.source_file = doc.source_file;
  row.source_offset = doc.offset;
  row.considered_at = UtcNowIso8601();
  row.captured_at = doc.date;
  row.decision = filters::VerdictName(doc.verdict);
  row.reasons = doc.reasons;
  row.content_sha256 = doc.text_sha256;
  // The rule that refused it: a page tag or header, or its site's file with
  // the capture's date and the line ("robots.txt [2024-11-15T06:00:00Z]:3 Disallow: /").
  row.signal = doc.policy_signal;
  if (doc.verdict != filters::Verdict::kDrop && !output_file.empty()) {
    row.output_file = std::string(output_file);
    row.output_id = doc.id;
  }
  for (const auto& id : doc.identifiers) row.identifiers.emplace_back(id.type, id.hex_digest);
  return row;
}

std::string RunSummaryJson(const RunSummary& s, std::string_view status, std::string_view model) {
  JsonWriter w;
  w.BeginObject().Key("status").String(status);
  // The learned stage's model, when it ran: the datasheet names it.
  if (!model.empty()) w.Key("detector_model").String(model);
  w.Key("documents").Int(static_cast<std::int64_t>(s.documents))
      .Key("kept").Int(static_cast<std::int64_t>(s.kept))
      .Key("modified").Int(static_cast<std::int64_t>(s.modified))
      .Key("dropped").Int(static_cast<std::int64_t>(s.dropped))
      .Key("skipped_records").Int(static_cast<std::int64_t>(s.skipped_records))
      .Key("repeated_ids").Int(static_cast<std::int64_t>(s.repeated_ids))
      .Key("uncovered_language").Int(static_cast<std::int64_t>(s.uncovered_language))
      .Key("metadata_withheld").Int(static_cast<std::int64_t>(s.metadata_withheld))
;
  // Which site signals were applied: the datasheet and publish say it.
  if (s.sites_origins >= 0) {
    w.Key("sites").BeginObject()
        .Key("origins").Int(s.sites_origins)
        .Key("judged").Int(static_cast<std::int64_t>(s.sites_judged))
        .Key("unknown").Int(static_cast<std::int64_t>(s.sites_unknown))
        .EndObject();
  }
  w.Key("dropped_by_reason").BeginObject();
  for (const auto& [r, n] : s.dropped_by_reason) w.Key(r).Int(static_cast<std::int64_t>(n));
  w.EndObject().EndObject();
  return w.Take();
}

}  // namespace moisson::pipeline
