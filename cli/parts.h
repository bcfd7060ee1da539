// What `filter` and `crawl` share besides the chain (pipeline/chain.h): the
// ledger a run writes.
#ifndef MOISSON_CLI_PARTS_H_
#define MOISSON_CLI_PARTS_H_

#include <memory>
#include <string>

#include "audit/ledger.h"
#include "core/config.h"
#include "core/status.h"

namespace moisson::cli {

// Opens the ledger a `filter` or `crawl` run writes (`--ledger`, else
// [project] ledger). When that creates a SQLite file, says so on standard
// error ("moisson CMD: created the ledger PATH"), with how to keep it
// elsewhere when it is the built-in default name in the current folder: a
// user who configured nothing learns where the provenance of the run went.
Result<std::unique_ptr<audit::Ledger>> OpenRunLedger(const char* cmd, const std::string& flag_path,
                                                     const Config& config);

}  // namespace moisson::cli

#endif  // MOISSON_CLI_PARTS_H_
