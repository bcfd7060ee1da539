// A step of the filter chain, in the shape of Envoy's HTTP filters and
// datatrove's pipeline steps: built once (from the config, by Chain::Load;
// building may fail), then run on every document on any thread (running
// cannot fail: whatever the bytes, the stage decides).
//
// A stage reads and fills the document's working state (DocumentState) and
// says whether the document goes on (kContinue) or is dropped (kDrop, with
// its reasons in `drop_reasons`). The chain (Processor) does the
// bookkeeping: it runs the stages in order, stops at the first drop (the
// first drop wins: its reasons are the document's), and makes the exclusion
// record — a dropped document keeps its id, URL, reasons, text digest and
// identifier digests, never its text.
//
// The standard chain, in order (pipeline/stages.h):
//   site lists -> opt-outs (site owner, URL prefix) -> page signals (headers,
//   meta; with a site-policy store, the site's files) -> access (login wall,
//   paywall) -> language -> content (what the whole page is) -> detect (rules and
//   the learned model) -> identify (normal form + digest, person opt-out) ->
//   act (the category actions: drop, or redact/pseudonymise/flag)
#ifndef MOISSON_PIPELINE_STAGE_H_
#define MOISSON_PIPELINE_STAGE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "blocklists/host.h"
#include "filters/category.h"
#include "io/html_text.h"
#include "io/record.h"
#include "pipeline/processor.h"

namespace moisson::pipeline {

// One document on its way through the stages. Made by the chain from the
// input record (the HTML parsed once, the URL parsed once); the stages add
// to it.
struct DocumentState {
  DocumentState(const io::InputRecord& r, ProcessedDocument& d) : record(r), doc(d) {}

  const io::InputRecord& record;
  ProcessedDocument& doc;      // the outcome being built (id, url, site, lang, title, ...)
  bool html = false;
  io::ExtractedPage page;      // HTML: the text, title, meta tags, geo tags, access markers
  std::string_view text;       // what the detectors read: page.text or the record's text
  // The URL parsed once (its host in the lists' normal form); absent when
  // the document has none or it is not an absolute http(s) URL.
  std::optional<blocklists::SiteUrl> url;

  // Filled by the stages for those after them.
  std::string declared_language;   // primary subtag of the declared language ("fr"), "" when none
  bool uncovered_language = false;  // neither French nor English (declared, else identified)
  filters::DocumentContext context; // what the detectors know besides the text
  std::vector<AppliedDetection> title_detections;  // the title's findings (not listed in the output)
  std::vector<std::string> tokens, title_tokens;   // pseudonymisation tokens, by detection
  bool opted_out_person = false;    // an identifier of the text is on the person opt-out registry

  // Reasons of a kept document ("lang.uncovered", flagged categories...),
  // and of a drop (set by the stage that returns kDrop).
  std::vector<std::string> keep_reasons;
  std::vector<std::string> drop_reasons;
};

class Stage {
 public:
  enum class Outcome { kContinue, kDrop };
  virtual ~Stage() = default;
  // A short name for reports and debugging ("site_lists", "detect").
  virtual std::string_view name() const = 0;
  // Never throws; const: one stage serves every thread.
  virtual Outcome Run(DocumentState& state) const = 0;
};

// Adds `reason` to `reasons` unless it is there already.
void AddReason(std::vector<std::string>* reasons, std::string reason);

}  // namespace moisson::pipeline

#endif  // MOISSON_PIPELINE_STAGE_H_
