// PLACEHOLDER while the PostgreSQL backend is written in its own worktree.
#include "audit/ledger.h"

namespace moisson::audit {

Result<std::unique_ptr<Ledger>> Ledger::OpenPostgres(const std::string& conninfo) {
  return Status::Internal("PostgreSQL ledger not built yet");
}

}  // namespace moisson::audit
