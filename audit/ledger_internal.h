// Private to audit/ and its tests: the hash chain that every ledger backend
// computes alike (SQLite, PostgreSQL), and the schema migrations of the
// SQLite ledger, exposed so that a test can play a newer binary (one more
// migration) against a file written by this one, and check that rows survive.
#ifndef MOISSON_AUDIT_LEDGER_INTERNAL_H_
#define MOISSON_AUDIT_LEDGER_INTERNAL_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "audit/ledger.h"
#include "core/status.h"

namespace moisson::audit::internal {

// 64 lowercase hex digits (an SHA-256 or HMAC-SHA-256 in hex). Checked in
// code rather than with a GLOB constraint, which took about 6% of Append's time.
bool IsHex64(std::string_view s);

// The chain's first prev_hash.
inline constexpr std::string_view kGenesis = "0000000000000000000000000000000000000000000000000000000000000000";

// What a row's hash covers (docs/ledger.md, "Integrity"), field by field,
// each as "<length>:<bytes>," so that no two rows serialise alike: its id and
// run, every column of documents but the hashes, and its identifier digests
// (sorted by digest, with the type stored for each) — the content the ledger
// vouches for. captured_at (schema v5) follows as "captured_at,<field>" only
// when not empty, so that rows written before v5 keep their hashes.
struct ChainedRow {
  std::int64_t id = 0, run = 0;
  std::string_view url, site, source_file, considered_at, decision, reasons, content_sha256, output_file, output_id,
      signal, captured_at;
  std::int64_t source_offset = 0, http_status = 0, fetched = 0;
  std::vector<std::pair<std::string, std::string>> identifiers;  // (digest, type), sorted by digest
};

// What Append chains for `r` as row `id` of run `run`, with its considered_at
// and joined reasons as stored; identifiers as stored: one type per digest
// (the first given), sorted by digest. Views point into `r` and the arguments.
ChainedRow ChainedFromRow(const LedgerRow& r, std::int64_t id, std::int64_t run, std::string_view considered_at,
                          std::string_view reasons);

// The row's hash (64 lowercase hex) given the previous row's.
std::string RowHash(std::string_view prev_hash, const ChainedRow& r);

// "SELECT <the columns of an IdentifierHit> " from `documents d`, the SQL
// both backends share; `type` is the identifier type column ("i.type"), or
// "''" for hits not found through an identifier. Column order: id, url,
// considered_at, decision, output_file, output_id, site, source_file,
// source_offset, reasons, type, run, http_status, fetched, signal, erased_at,
// content_sha256.
std::string SelectHits(std::string_view type);

// "a,b,c" -> {"a", "b", "c"} (the stored form of LedgerRow::reasons).
std::vector<std::string> SplitReasons(const std::string& joined);

// "<row id> <row_hash>", the chain head kept in meta.chain_head; false when
// the text is not that.
bool ParseChainHead(const std::string& head, std::int64_t* id, std::string* hash);

// VerifyChain's walk, shared by every backend so that they judge and word a
// broken chain alike: the rows in id order (Row), then the head recorded in
// meta (Finish). Purged stretches (the checkpoints) take their place between
// rows. Once `report.ok` is false the walk is over.
class ChainWalk {
 public:
  explicit ChainWalk(std::vector<ChainCheckpoint> checkpoints) : checkpoints_(std::move(checkpoints)) {}
  // One row with its stored prev_hash and row_hash, and its entries in the
  // per-reason index (document_reasons, in any order); false when it breaks
  // the chain or the index disagrees with the reasons the row's hash covers.
  bool Row(const ChainedRow& c, std::string_view stored_prev, std::string_view stored_hash,
           std::vector<std::string> indexed_reasons);
  // After the last row: the checkpoints left, then the head `meta` records,
  // then `index_rows`, the per-reason index's row count, which must be what
  // the rows gave (more means rows added for documents that are not there).
  void Finish(const std::string& recorded_head, std::int64_t index_rows);
  ChainReport report;

 private:
  bool PassCheckpoints(std::int64_t before_id);
  std::vector<ChainCheckpoint> checkpoints_;
  std::size_t next_cp_ = 0;
  std::string prev_{kGenesis};
  std::int64_t prev_id_ = 0;
  std::int64_t indexed_ = 0;  // per-reason index rows matched so far
};

// A row that Purge removes: its place in the chain.
struct PurgedRow {
  std::int64_t id = 0;
  std::string prev_hash, row_hash;
};

// The checkpoints after a purge: `existing` (by first_id) and the stretches of
// `gone` (by id; consecutive when a row's prev_hash is the previous one's
// row_hash), merged wherever one stretch's last hash is the next one's
// prev_hash. New and extended checkpoints get `purged_at` and `before`.
std::vector<ChainCheckpoint> MergeCheckpoints(std::vector<ChainCheckpoint> existing,
                                              const std::vector<PurgedRow>& gone, const std::string& purged_at,
                                              std::string_view before);


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

// A PostgreSQL connection string (URI or key=value) as
// "postgresql://user@host:port/db": never its password nor any other
// parameter (they may hold secrets). Ledger::DisplayName's server form.
std::string PostgresServerName(const std::string& conninfo);

// Ledger::OpenSqlite with another list of steps (tests only).
Result<std::unique_ptr<Ledger>> OpenSqliteWithMigrations(const std::string& path,
                                                         std::span<const Migration> migrations);

}  // namespace moisson::audit::internal

#endif  // MOISSON_AUDIT_LEDGER_INTERNAL_H_
