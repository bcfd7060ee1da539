// One document through the filter chain (SPEC §3, §6): text extraction,
// page signals, site lists and opt-outs, detection, actions.
//
//   Processor p(parts, settings);           // once; immutable, shared by threads
//   ProcessedDocument d = p.Process(record);  // any thread
//   CrawlHints hints;  d = p.Process(page, &hints);  // the crawler: links too
//
// A dropped document keeps no text: ProcessedDocument::text is empty and
// nothing derived from the text but its SHA-256 and identifier digests
// leaves Process().
#ifndef MOISSON_PIPELINE_PROCESSOR_H_
#define MOISSON_PIPELINE_PROCESSOR_H_

#include <array>
#include <memory>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "blocklists/optout.h"
#include "blocklists/site_list.h"
#include "core/config.h"
#include "core/keyed_hash.h"
#include "core/status.h"
#include "filters/action.h"
#include "filters/category.h"
#include "filters/content.h"
#include "filters/detector.h"
#include "io/record.h"
#include "pipeline/identifiers.h"
#include "policy/policy.h"
#include "sites/policies.h"

namespace moisson::pipeline {

class Stage;  // pipeline/stage.h

struct AppliedDetection {
  filters::Detection detection;  // offsets into the input (extracted) text
  filters::Action action;
  // The same span in the output text of a kept document (after redaction and
  // pseudonymisation): a replaced span is its replacement's; one inside a
  // replaced span is that replacement's. Set by the act stage.
  std::uint32_t out_start = 0, out_end = 0;
};

struct ProcessedDocument {
  std::string id;
  std::string url;
  std::string site;        // registrable domain of url, "" when none
  std::string date;        // input date as written
  std::string lang;        // language tag (input field, else <html lang>), as written
  std::string source_file;
  std::uint64_t offset = 0;
  std::uint64_t line = 0;  // JSONL line (1-based), 0 for WARC
  // The input's other fields (io::InputRecord::metadata_json) that go on:
  // valid JSON, and no string in them holds a finding of the detectors.
  std::string metadata_json;
  std::uint32_t metadata_withheld = 0;  // fields left out for a finding (or the whole object, invalid)
  filters::Verdict verdict = filters::Verdict::kKeep;
  // Why: category ids acted upon (dropping ones only when dropped), and
  // reason codes of page signals / site lists / opt-outs / access
  // ("policy.noai", "blocklist.adult", "optout.person", "optout.site",
  // "access.login_wall", "access.paywall", "duplicate"), sorted.
  std::vector<std::string> reasons;
  std::vector<AppliedDetection> detections;  // offsets into the input (extracted) text
  std::string text;        // output text: kept or modified; empty when dropped
  std::string title;       // HTML title (kept documents only)
  std::string text_sha256; // hex SHA-256 of the input (extracted) text
  std::vector<SeenIdentifier> identifiers;
  // Page-signal decision when the record carried headers or HTML.
  bool policy_checked = false;
  bool policy_collect = true;
  std::vector<std::string> policy_reasons;
  // The first honoured objection when the page's signals blocked it:
  // "header X-Robots-Tag: noai", "page:12 <meta name=robots content=noai>"...;
  // or the content judgement that dropped it ("content.adult title: 3 terms ...").
  std::string policy_signal;
  // With a site-policy store (`--sites`): whether the store held the URL's
  // origin ("sites.unknown" otherwise, as [sites] unknown says).
  bool sites_checked = false;
  bool sites_known = false;
};

// What a crawler reads in a page besides the judgement: where it leads. Its
// own value, filled from the one HTML parse when Process() is given one; the
// document's verdict never depends on it.
struct CrawlHints {
  std::vector<std::string> links;  // hrefs as written, without rel=nofollow ones, at most 10,000
  std::size_t links_over_cap = 0;  // hrefs past those 10,000, counted only
  std::string base_href;           // the first <base href>, as written
  bool nofollow = false;           // meta robots nofollow/none
};

struct ProcessorParts {
  const filters::Detector* detector = nullptr;             // required
  const ProjectKey* key = nullptr;                         // required when something is pseudonymised
  const blocklists::OptOutRegistry* registry = nullptr;    // optional
  const blocklists::SiteMatcher* site_lists = nullptr;     // optional
  const policy::PolicyEngine* policy = nullptr;            // optional: page signals
  // Optional, with `policy`: the sites' robots.txt, ai.txt and tdmrep.json as
  // captured (`filter --sites`); the page-signal stage then judges each URL
  // as the crawler would.
  const sites::SitePolicies* sites = nullptr;
  // Optional: what the whole page is (content.adult, ...: filters/content.h).
  const filters::ContentClassifier* content = nullptr;
};

// An HTML page with a password input and less extracted text than this is a
// login wall ("access.login_wall"); with more, the form is a login box beside
// content anyone can read. Chosen on the real captures of the project's test
// corpus (../shared/corpus/warc): 39 of 133 HTML pages hold a password input;
// the one sign-in page has 1,269 bytes of text, the 38 content pages (shops,
// forums, statistics with a login box in the header) 2,152 and more.
inline constexpr std::size_t kLoginWallMaxTextBytes = 1500;


// Does `doc` carry `reason`? (ProcessedDocument::reasons is sorted.)
bool HasReason(const ProcessedDocument& doc, std::string_view reason);

struct ProcessorSettings {
  filters::ActionTable actions = filters::ActionTable::Defaults();
  // A document whose language (declared, else identified) is neither French
  // nor English: kFlag (kept, reason "lang.uncovered", counted), kDrop, or
  // kKeep (nothing recorded). [filters] uncovered_languages.
  filters::Action uncovered_languages = filters::Action::kFlag;
  std::string phone_region = "FR";
  // With a site-policy store, a URL whose origin it does not hold: kFlag
  // (kept, reason "sites.unknown", counted), kDrop, or kKeep (counted only).
  // [sites] unknown.
  filters::Action unknown_sites = filters::Action::kFlag;
  // The caller judged every URL's source (site lists, URL opt-outs) with the
  // same parts before handing its page over (the crawler, before any DNS
  // lookup): the chain leaves those two stages out rather than ask twice.
  bool sources_judged = false;
};

class Processor {
 public:
  Processor(ProcessorParts parts, ProcessorSettings settings);

  // Never fails: whatever the bytes, the document gets a verdict. With
  // `hints`, an HTML page's links and nofollow go there too (the crawler).
  ProcessedDocument Process(const io::InputRecord& record, CrawlHints* hints = nullptr) const;

 private:
  std::string ScreenMetadata(std::string_view json, std::uint32_t* withheld) const;

  ProcessorParts parts_;
  ProcessorSettings settings_;
  std::vector<std::shared_ptr<const Stage>> stages_;  // pipeline/stages.h StandardStages
};

// The SPEC §6 output record of a kept or modified document (one JSON line).
// `fetch_json`, when not empty, is a JSON object (the crawler's fetch
// metadata) written as "fetch" in place of "source".
std::string OutputJson(const ProcessedDocument& doc, std::string_view fetch_json = {});
// A dolma attribute line for a kept document (the --attributes files, row
// for row with the output shards): {"id", "attributes": {"moisson__moisson__<category>":
// [[start, end, 1.0], ...]}}, spans in the output text counted in characters
// (code points, as dolma's Python taggers count), one key per category found.
std::string AttributesJson(const ProcessedDocument& doc);
// `moisson scan`'s line: id, decision, reasons, detections; never text.
std::string ScanJson(const ProcessedDocument& doc);
// A --rejects line: id, url, reasons; never text.
std::string RejectJson(const ProcessedDocument& doc);

}  // namespace moisson::pipeline

#endif  // MOISSON_PIPELINE_PROCESSOR_H_
