// Private to audit/ and its tests: the schema migrations of the SQLite
// ledger, exposed so that a test can play a newer binary (one more migration)
// against a file written by this one, and check that rows survive.
#ifndef MOISSON_AUDIT_LEDGER_INTERNAL_H_
#define MOISSON_AUDIT_LEDGER_INTERNAL_H_

#include <memory>
#include <span>
#include <string>

#include "audit/ledger.h"
#include "core/status.h"

namespace moisson::audit::internal {

// One step of the schema: `sql` brings a file at version `to_version - 1` to
// `to_version`. Steps only add (tables, nullable columns, indexes); they never
// rewrite or delete a row that was already written.
struct Migration {
  int to_version;
  const char* sql;
};

// The steps this binary knows, in order; the last one's to_version is the
// schema version it writes (kLedgerSchemaVersion).
std::span<const Migration> LedgerMigrations();

// Ledger::OpenSqlite with another list of steps (tests only).
Result<std::unique_ptr<Ledger>> OpenSqliteWithMigrations(const std::string& path,
                                                         std::span<const Migration> migrations);

}  // namespace moisson::audit::internal

#endif  // MOISSON_AUDIT_LEDGER_INTERNAL_H_
