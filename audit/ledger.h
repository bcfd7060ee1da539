// The provenance ledger (SPEC §5, CNIL fiche 10): one row per document
// considered, so that a person can later ask which pages held their data.
// SQLite (WAL) now; the interface is abstract so that PostgreSQL can sit
// behind it (a later issue). The schema is versioned (docs/ledger.md).
//
// The ledger never holds a clear identifier: identifiers are indexed by
// their HMAC digest (computed by the caller with the project key).
#ifndef MOISSON_AUDIT_LEDGER_H_
#define MOISSON_AUDIT_LEDGER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace moisson::audit {

// One document considered by `filter` (and later `crawl`).
struct LedgerRow {
  std::string url;             // "" when the input had none
  std::string site;            // registrable domain (SiteOf), "" when no URL
  std::string source_file;     // dump the document came from
  std::uint64_t source_offset = 0;
  std::string considered_at;   // UTC, ISO 8601 ("2026-11-22T09:31:22Z")
  std::string decision;        // "keep", "modify" or "drop"
  std::vector<std::string> reasons;  // category ids / reason codes
  std::string content_sha256;  // hex SHA-256 of the input text
  std::string output_file;     // "" when dropped
  std::string output_id;       // the output record's id, "" when dropped
  // Hex HMAC digests of the identifiers seen in the document, with their
  // type ("email", "phone", "handle", "ip", "nir", ...).
  std::vector<std::pair<std::string, std::string>> identifiers;  // (type, hex digest)
};

struct IdentifierHit {
  std::int64_t row = 0;  // ledger row id
  std::string url;
  std::string considered_at;
  std::string decision;
  std::string output_file;
  std::string output_id;
};

class Ledger {
 public:
  virtual ~Ledger() = default;

  // Opens or creates a SQLite ledger (WAL mode, file mode 0600). A file with
  // a newer schema version is an error; an older one is migrated.
  static Result<std::unique_ptr<Ledger>> OpenSqlite(const std::string& path);

  // Starts a run (one `filter` or `crawl` invocation); returns its id.
  virtual Result<std::int64_t> BeginRun(std::string_view command, std::string_view key_id) = 0;
  // Appends rows in one transaction; all or nothing.
  virtual Status Append(std::int64_t run, const std::vector<LedgerRow>& rows) = 0;
  // Marks the run finished with its counts (JSON object text).
  virtual Status EndRun(std::int64_t run, std::string_view summary_json) = 0;

  // Rows whose document held the identifier with this hex digest.
  virtual Result<std::vector<IdentifierHit>> FindIdentifier(std::string_view hex_digest) const = 0;
  virtual Result<std::int64_t> RowCount() const = 0;
};

}  // namespace moisson::audit

#endif  // MOISSON_AUDIT_LEDGER_H_
