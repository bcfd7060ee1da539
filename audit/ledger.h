// The provenance ledger (SPEC §5, CNIL fiche 10): one row per document
// considered, so that a person can later ask which pages held their data and
// a reviewer can see what was collected from which site.
//
// SQLite (WAL) for one machine, PostgreSQL for several (OpenPostgres), behind
// one interface; Open picks one from the ledger's name. The schema is versioned and documented in
// docs/ledger.md; a file written by a newer moisson is refused, an older one
// is migrated in place (steps only add, never rewrite rows).
//
// What is never stored: a clear identifier (e-mail, phone, handle, IP, NIR)
// or any document text. Identifiers are indexed by their keyed digest,
// computed by the caller with the project key (the person opt-out registry's
// construction, blocklists/optout.h OptOutDigest); documents by the SHA-256
// of their text. The schema enforces the shape of both (64 lowercase hex
// digits), so a clear value passed by mistake is refused, not stored. Error
// messages name the file and the row number, never a stored value.
//
// Threads: a Ledger is NOT thread-safe. One thread (the writer, which
// receives documents in input order) calls BeginRun, Append and EndRun, and
// reads (FindIdentifier, RowCount) from the same thread. Other processes or
// other Ledger objects on the same file may read at the same time (WAL): they
// see each Append once it has returned, never half of one.
#ifndef MOISSON_AUDIT_LEDGER_H_
#define MOISSON_AUDIT_LEDGER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace moisson::audit {

// The schema version this binary writes (PRAGMA user_version, meta table).
inline constexpr int kLedgerSchemaVersion = 6;

// One document considered by `filter` (and later `crawl`).
struct LedgerRow {
  std::string url;             // "" when the input had none
  std::string site;            // registrable domain (SiteOf), "" when no URL
  std::string source_file;     // dump the document came from
  std::uint64_t source_offset = 0;  // byte offset of the record in source_file (< 2^63)
  std::string considered_at;   // UTC, ISO 8601 ("2026-11-22T09:31:22Z"); "" = now
  // The document's own date (schema v5): the dump's date field or WARC-Date,
  // the crawl's fetch time; as the input wrote it, "" when it had none. The
  // published documents give this capture period apart from considered_at's.
  std::string captured_at;
  std::string decision;        // "keep", "modify" or "drop"
  std::vector<std::string> reasons;  // category ids / reason codes; none empty, none with a comma
  std::string content_sha256;  // hex SHA-256 of the input text (64 lowercase hex), "" when none was read
  std::string output_file;     // "" when dropped
  std::string output_id;       // the output record's id, "" when dropped
  // Hex HMAC digests (64 lowercase hex) of the identifiers seen in the
  // document, with their type ("email", "phone", "handle", "ip", "nir", ...).
  // A digest listed twice for one document is stored once.
  std::vector<std::pair<std::string, std::string>> identifiers;  // (type, hex digest)
  // The crawler's fetch (schema v2): the final HTTP status (0 when no
  // response), whether a request was sent, and the rule that blocked the URL
  // ("robots.txt:4 Disallow: /private/", "header X-Robots-Tag: noai"), "" when none.
  int http_status = 0;
  bool fetched = false;
  std::string signal;
};

// A document that held a given identifier.
struct IdentifierHit {
  std::int64_t row = 0;  // ledger row id (documents.id)
  std::string url;
  std::string considered_at;
  std::string decision;
  std::string output_file;
  std::string output_id;
  // The SHA-256 of the document's text: with output_id, what names its
  // output record (io::RecordSelection), so that another record under the
  // same id is never taken for it.
  std::string content_sha256;
  // Added for rights requests (export): where the document came from.
  std::string site;
  std::string source_file;
  std::uint64_t source_offset = 0;
  std::vector<std::string> reasons;
  std::string type;        // the identifier's type, as appended
  std::int64_t run = 0;    // runs.id
  int http_status = 0;     // the crawl's fetch (schema v2)
  bool fetched = false;
  std::string signal;
  // When an erase request removed the record from the outputs (the earliest
  // completed one naming this row), "" when none did (schema v4).
  std::string erased_at;
};

// One registrable domain in `moisson audit sites`: counts, never URLs.
struct SiteSummary {
  std::string site;
  std::string first, last;        // earliest and latest considered_at
  std::int64_t considered = 0;    // rows
  std::int64_t fetched = 0;       // pages requested (crawl)
  std::int64_t kept = 0, modified = 0, dropped = 0;  // by the decision recorded
  // Kept or modified rows whose record a completed erase request has since
  // removed from the outputs (counted in kept or modified too): what is still
  // in the dataset is kept + modified - erased.
  std::int64_t erased = 0;
  std::int64_t objections = 0;    // rows refused by the site's signals or lists (policy.*, blocklist.*, optout.site)
  std::string captured_first, captured_last;  // earliest and latest captured_at recorded, "" when none
  std::vector<std::string> categories;  // site-list categories its URLs matched (blocklist.<category>)
};

// The documents carrying one reason, by their decision (the report's chart 1:
// a reason's documents were not all dropped or all kept).
struct ReasonDecisions {
  std::string reason;
  std::int64_t kept = 0, modified = 0, dropped = 0;
};

// A run: one `filter` or `crawl` invocation (BeginRun, EndRun).
struct RunInfo {
  std::int64_t id = 0;
  std::string command, started_at, ended_at;  // ended_at "" while running (or killed)
  std::string key_id, moisson_version;
  std::string summary;  // the JSON object EndRun recorded, "" when none
  std::int64_t rows = 0;  // its documents still in the ledger (purged ones are gone)
};

// Documents considered in one minute (the report's throughput chart).
struct TimelinePoint {
  std::string minute;  // the first 16 characters of considered_at: "2026-11-22T09:31"
  std::int64_t kept = 0, modified = 0, dropped = 0;
};

// A person's request (schema v4; docs/rights.md). The subject is stored as
// its keyed digest only, like the identifier index.
struct RightsRequest {
  std::string ref;             // the request's reference (`--ref`, or generated): unique in the ledger
  std::string kind;            // "export" or "erase"
  std::string subject_type;    // "email", "phone", "handle", "ip", "nir" or "url-prefix"
  std::string subject_digest;  // 64 lowercase hex: the identifier's keyed digest (the prefix's, for url-prefix)
  std::string received_at;     // UTC ISO 8601; "" = now (RecordRequest)
  std::string completed_at;    // "" until CompleteRequest
  std::vector<std::int64_t> rows;  // the ledger rows (documents.id) it concerns, ascending
};

// Rows removed by Purge, summed up so that the chain still links what
// remains: one checkpoint per stretch of consecutive chained rows.
struct ChainCheckpoint {
  std::int64_t first_id = 0, last_id = 0;  // the stretch's first and last row ids
  std::string prev_hash;                   // prev_hash of its first row
  std::string last_hash;                   // row_hash of its last row
  std::int64_t rows = 0;                   // rows removed in it
  std::string purged_at;                   // when (the latest purge that extended it)
  std::string before;                      // that purge's cut-off: rows considered before it went
};

// What `moisson audit verify` reports: the hash chain from the first row to
// the head recorded in `meta`, and where it breaks.
struct ChainReport {
  std::int64_t rows = 0;       // rows checked
  std::int64_t purged = 0;     // rows removed by purge, linked through their checkpoints
  bool ok = true;
  std::int64_t bad_row = 0;    // id of the first row that breaks the chain (0 when ok, or at the end)
  std::string problem;         // what is wrong, naming rows by id; never a stored value
  std::string head;            // "<id> <row_hash>" of the last row: keep it elsewhere to anchor the chain
};

// An input that a `filter` run writing shards finished (schema v6): its
// documents are in the ledger and in the outputs, made durable at
// `position`. What `filter --resume` skips (docs/scaling.md).
struct FinishedInput {
  std::string output;      // the shard folder and rank: "<absolute folder>#<rank>"
  std::string input;       // the input as the run named it (a URL without its query)
  std::uint64_t documents = 0, written = 0, skipped = 0;  // read, written to the outputs, unreadable
  std::string position;    // where the outputs stood once it was written (JSON text)
  std::int64_t run = 0;    // the run that finished it (set when read back)
  std::string finished_at; // UTC ISO 8601 (set when read back)
};

class Ledger {
 public:
  virtual ~Ledger() = default;

  // Opens or creates a SQLite ledger at `path`: WAL journal, synchronous =
  // NORMAL, foreign keys on, a busy timeout so that readers and the writer
  // can overlap. A new file is created with mode 0600 before SQLite opens it
  // (it lists every URL considered); an existing file keeps its mode. A file
  // with a newer schema version, a SQLite file that is not a ledger, or one
  // whose meta table disagrees with its version is an error naming the file;
  // an older ledger is migrated in one transaction.
  static Result<std::unique_ptr<Ledger>> OpenSqlite(const std::string& path);
  // Connects to a PostgreSQL ledger ("postgresql://user@host:port/db?...",
  // libpq's URI or key=value connection string) and creates or migrates its
  // tables in one transaction. Several processes on several machines may
  // write it at once: Append takes a transaction-scoped lock so that each
  // call extends the one chain. Errors name the server (host:port/db),
  // never the password.
  static Result<std::unique_ptr<Ledger>> OpenPostgres(const std::string& conninfo);
  // OpenPostgres for a name starting with "postgresql://" or "postgres://",
  // OpenSqlite for anything else (a file name).
  static Result<std::unique_ptr<Ledger>> Open(const std::string& name);
  static bool IsPostgresName(std::string_view name);
  // The ledger's name as messages show it: a file name as given; a
  // PostgreSQL connection string as "postgresql://user@host:port/db",
  // without its password or any other parameter.
  static std::string DisplayName(const std::string& name);

  // Starts a run (one `filter` or `crawl` invocation) made with the project
  // key `key_id` (ProjectKey::id(), not the secret); returns its id.
  virtual Result<std::int64_t> BeginRun(std::string_view command, std::string_view key_id) = 0;
  // Appends rows to run `run` in one transaction: all or nothing. A row that
  // breaks the schema (unknown decision or run, digest not 64 lowercase hex,
  // empty reason...) fails the whole call with a message naming the file and
  // the row number; nothing of the call is then in the ledger. Each call is
  // one commit whose cost grows with the file (random index pages), so batch:
  // 65,536 rows per call append about 1.6 times faster than 4,096 on a file
  // of a million rows (docs/ledger.md, "Throughput").
  //
  // With `finished`, the same transaction records that input as finished
  // (rows may then be empty): the rows of an input and the mark that it is
  // whole land together or not at all.
  virtual Status Append(std::int64_t run, const std::vector<LedgerRow>& rows,
                        const FinishedInput* finished = nullptr) = 0;
  // The inputs finished for `output` ("<folder>#<rank>"), by all runs, oldest first.
  virtual Result<std::vector<FinishedInput>> FinishedInputs(std::string_view output) const = 0;
  // Marks run `run` finished with its counts (JSON object text). An unknown
  // run is an error.
  virtual Status EndRun(std::int64_t run, std::string_view summary_json) = 0;

  // Documents that held the identifier with this hex digest, oldest first.
  virtual Result<std::vector<IdentifierHit>> FindIdentifier(std::string_view hex_digest) const = 0;
  // Documents whose URL starts with `prefix` (byte-wise), oldest first; `type`
  // is empty in the hits. A full scan (no index serves a bare URL prefix).
  virtual Result<std::vector<IdentifierHit>> FindUrlPrefix(std::string_view prefix) const = 0;
  // One summary per registrable domain ("" for documents without a URL), by site.
  virtual Result<std::vector<SiteSummary>> Sites() const = 0;
  // How many documents carry each reason (category ids and reason codes), by reason.
  virtual Result<std::vector<std::pair<std::string, std::int64_t>>> ReasonCounts() const = 0;
  // The same documents split by decision, by reason.
  virtual Result<std::vector<ReasonDecisions>> ReasonDecisionCounts() const = 0;
  // Number of documents in the ledger, all runs.
  virtual Result<std::int64_t> RowCount() const = 0;
  // Recomputes every row's hash in id order (docs/ledger.md, "Integrity"):
  // an edited row, a row removed, inserted or moved, and rows cut from the
  // end are each found and named. Purged stretches are checked through their
  // checkpoints (their prev_hash must be the running hash, then the running
  // hash becomes their last_hash). Reads in one snapshot.
  virtual Result<ChainReport> VerifyChain() const = 0;

  // Every run, by id.
  virtual Result<std::vector<RunInfo>> Runs() const = 0;
  // Documents per minute of considered_at, by minute (minutes without any
  // are absent).
  virtual Result<std::vector<TimelinePoint>> Timeline() const = 0;

  // Records a rights request. The same ref recorded again with the same kind
  // and subject is accepted and changes nothing (a retried request); with a
  // different kind or subject it is InvalidArgument. `rows` are linked to the
  // request (schema v4 tables requests and request_rows, outside the chain:
  // they do not change what a row's hash covers).
  virtual Status RecordRequest(const RightsRequest& request) = 0;
  // Marks request `ref` done at `completed_at` ("" = now); a second call
  // keeps the first time. For an erase, its rows now read with erased_at.
  // NotFound for an unknown ref.
  virtual Status CompleteRequest(std::string_view ref, std::string_view completed_at) = 0;
  // The request with this ref, or nullopt.
  virtual Result<std::optional<RightsRequest>> FindRequest(std::string_view ref) const = 0;
  // Every request, by received_at then ref.
  virtual Result<std::vector<RightsRequest>> Requests() const = 0;

  // Retention (docs/ledger.md, "Retention"). The rows considered before
  // `before` (UTC ISO 8601, compared as text), oldest first: what Purge
  // would remove, with their outputs so that the caller deletes those first.
  virtual Result<std::vector<IdentifierHit>> RowsBefore(std::string_view before) const = 0;
  // Removes, in one transaction, the rows considered before `before` with
  // their reasons, identifier digests and request links, and records a
  // checkpoint for each stretch of consecutive chained rows removed (merged
  // with an existing checkpoint that it touches), so that VerifyChain still
  // proves the rows that remain. Returns how many rows went. Runs and
  // requests stay (they hold no URL and no identifier).
  virtual Result<std::int64_t> Purge(std::string_view before) = 0;
  // The checkpoints, by first_id.
  virtual Result<std::vector<ChainCheckpoint>> Checkpoints() const = 0;
};

}  // namespace moisson::audit

#endif  // MOISSON_AUDIT_LEDGER_H_
