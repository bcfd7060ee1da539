// What the ledger commands (audit, rights, publish, datasheet) share: opening
// an existing ledger, CSV cells, one ledger row as JSON.
#ifndef MOISSON_CLI_LEDGER_REPORTS_H_
#define MOISSON_CLI_LEDGER_REPORTS_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "audit/ledger.h"
#include "core/status.h"

namespace moisson::cli {

// Opens the ledger at `path`, which must exist (a report never creates one):
// NotFound "PATH: no such ledger" otherwise, or the open error.
Result<std::unique_ptr<audit::Ledger>> OpenExistingLedger(const std::string& path);
// The exit code for a failed OpenExistingLedger: usage for a missing file.
int LedgerOpenExitCode(const Status& st);

// A CSV cell (RFC 4180 quoting when needed).
std::string CsvField(std::string_view v);

// One ledger row as a JSON object: row, run, url, site, considered_at,
// decision, reasons, fetched, http_status, signal, output_file, output_id,
// erased_at when an erase removed it, and source_file/source_offset for dump
// records.
std::string HitJson(const audit::IdentifierHit& h);

// Where an output the ledger names is now: a relative `file` under `root`
// (`--root`, when the outputs were moved), otherwise `file` as stored.
std::string UnderRoot(const std::string& root, const std::string& file);

// The WARC files `crawl --warc` wrote beside the outputs of `hits`
// (DIR/warc/*.warc.gz and *.warc for each output file DIR/pages-NNNNN.jsonl,
// `resolve` mapping a stored output name to where it is now), each with the
// URLs of the crawled hits whose output is in DIR: what an erase or a purge
// removes from them (io/warc_records.h). A file still being written
// (".partial") is not listed: `partial` gets it, for the caller to report.
std::map<std::string, std::unordered_set<std::string>> WarcTargets(
    const std::vector<audit::IdentifierHit>& hits, const std::function<std::string(const std::string&)>& resolve,
    std::vector<std::string>* partial);

}  // namespace moisson::cli

#endif  // MOISSON_CLI_LEDGER_REPORTS_H_
