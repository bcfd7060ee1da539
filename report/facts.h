// What the ledger's readers (audit, rights, publish, datasheet, the HTML
// report) share: opening an existing ledger, CSV cells, one ledger row as
// JSON, and what publish and datasheet may say about the collection.
#ifndef MOISSON_REPORT_FACTS_H_
#define MOISSON_REPORT_FACTS_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "audit/ledger.h"
#include "core/config.h"
#include "core/status.h"

namespace moisson::report {

// Opens the ledger at `path`, which must exist (a report never creates one):
// NotFound "PATH: no such ledger" otherwise, or the open error.
Result<std::unique_ptr<audit::Ledger>> OpenExistingLedger(const std::string& path);

// A CSV cell (RFC 4180 quoting when needed).
std::string CsvField(std::string_view v);

// One ledger row as a JSON object: row, run, url, site, considered_at,
// decision, reasons, fetched, http_status, signal, output_file, output_id,
// erased_at when an erase removed it, and source_file/source_offset for dump
// records.
std::string HitJson(const audit::IdentifierHit& h);

// A string field of the JSON summary a run ended with ("status",
// "detector_model"); "" when there is no summary or no such string field.
std::string RunSummaryField(const audit::RunInfo& run, std::string_view key);
// An integer of an object of that summary ("sites", "judged"); nullopt when
// there is none.
std::optional<std::int64_t> RunSummaryInt(const audit::RunInfo& run, std::string_view object, std::string_view key);

// A `filter` run that ended "failed" or "interrupted" committed no output:
// its rows name output records that were never written (a run writes its
// outputs aside and renames them only at its end, but appends ledger rows as
// it goes). Clears output_file and output_id of such hits, so that rights
// requests and purges count them as never written instead of looking for
// files that do not exist. Returns how many hits it cleared.
Result<std::size_t> ForgetUncommittedOutputs(const audit::Ledger& ledger, std::vector<audit::IdentifierHit>* hits);

// What the ledger says was collected, for the documents `publish` and
// `datasheet` make: counts that follow erasures (and purges, whose rows are
// gone), the capture and processing periods apart, and the rows per kind of
// run, so that each statement says only what was done.
struct CollectionFacts {
  std::int64_t considered = 0, kept = 0, modified = 0, dropped = 0, fetched = 0;
  std::int64_t erased = 0;      // kept or modified, then removed from the outputs on request
  std::int64_t in_dataset = 0;  // kept + modified - erased
  std::int64_t crawled = 0;     // rows of `crawl` runs
  std::int64_t from_dumps = 0;  // rows of the other runs (`filter` over existing dumps)
  // Dump runs with a site-policy store (`filter --sites`): their rows, and
  // what their summaries counted (documents judged by their site's captured
  // files, and of those, documents whose site the store did not hold).
  std::int64_t from_dumps_with_sites = 0, sites_judged = 0, sites_unknown = 0;
  std::string processed_first, processed_last;  // considered_at
  std::string captured_first, captured_last;    // captured_at, "" when no row has one
  // Sites ("" excluded) with documents in the dataset, most first, then by
  // name. Points into the `sites` given to SummariseCollection.
  std::vector<const audit::SiteSummary*> collected;
};

// Documents of `s` still in the dataset: kept + modified - erased.
std::int64_t InDataset(const audit::SiteSummary& s);

CollectionFacts SummariseCollection(const std::vector<audit::SiteSummary>& sites,
                                    const std::vector<audit::RunInfo>& runs);

// "2023-06-01 to 2024-03-05" (the dates of ISO 8601 times, other text as
// written), or "not recorded" when `first` is empty.
std::string PeriodText(const std::string& first, const std::string& last);

// Labels of the two periods, the same in every published document.
inline constexpr const char* kCapturePeriodLabel = "Capture period (dates of the pages, from the dumps or the fetch)";
inline constexpr const char* kProcessingPeriodLabel = "Processing period (when moisson considered them)";

// One sentence per kind of run the ledger holds (crawl, dumps): which
// objection signals were checked for those documents and which were not. A
// dump run read no robots.txt, ai.txt or TDMRep, and says so. The crawler's
// signals are those `config` honours.
std::vector<std::string> CheckedStatements(const CollectionFacts& facts, const Config& config);

}  // namespace moisson::report

#endif  // MOISSON_REPORT_FACTS_H_
