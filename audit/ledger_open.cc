// The ledger factory: which backend a name opens. The backends (ledger.cc,
// SQLite; ledger_pg.cc, PostgreSQL) do not know about each other.
#include "audit/ledger.h"
#include "audit/ledger_internal.h"

namespace moisson::audit {

bool Ledger::IsPostgresName(std::string_view name) {
  return name.starts_with("postgresql://") || name.starts_with("postgres://");
}

Result<std::unique_ptr<Ledger>> Ledger::Open(const std::string& name) {
  return IsPostgresName(name) ? OpenPostgres(name) : OpenSqlite(name);
}

std::string Ledger::DisplayName(const std::string& name) {
  return IsPostgresName(name) ? internal::PostgresServerName(name) : name;
}

}  // namespace moisson::audit
