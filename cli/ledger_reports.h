// What the ledger commands (audit, rights, publish, datasheet) share: opening
// an existing ledger, CSV cells, one ledger row as JSON.
#ifndef MOISSON_CLI_LEDGER_REPORTS_H_
#define MOISSON_CLI_LEDGER_REPORTS_H_

#include <memory>
#include <string>
#include <string_view>

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

}  // namespace moisson::cli

#endif  // MOISSON_CLI_LEDGER_REPORTS_H_
