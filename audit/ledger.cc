#include "core/sqlite.h"
#include "audit/ledger.h"

#include <fcntl.h>
#include <openssl/sha.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>
#include <map>

#include "audit/ledger_internal.h"
#include "core/time_util.h"
#include "core/version.h"

namespace moisson::audit {
namespace {

using internal::ChainedRow;
using internal::IsHex64;
using internal::kGenesis;
using internal::RowHash;
using internal::SplitReasons;

// Schema v1 (docs/ledger.md). One index on (site, url) serves both "the
// documents of a site" and "the rows of a URL" (whose site the caller derives
// with SiteOf): each random index costs about one page write per row once the
// file outgrows the cache, and two separate ones made Append 1.6 times slower
// on a 1,000,000-row file.
//
// The documents row is self-contained (its `reasons` text included) so that a
// later hash chain (v2: row_hash over the row, linked to the previous row's)
// covers everything about a document; document_reasons and identifiers are
// indexes derived from the same Append call.
//
// Digests and content hashes must be 64 lowercase hex digits (the lengths
// here, the digits in Append): a clear e-mail passed by mistake is refused
// rather than stored. Duplicates within a document are absorbed by the
// primary keys (ON CONFLICT DO NOTHING, which, unlike INSERT OR IGNORE, still
// enforces CHECKs).
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  command TEXT NOT NULL CHECK (command <> ''),
  started_at TEXT NOT NULL,
  ended_at TEXT,
  key_id TEXT NOT NULL,
  moisson_version TEXT NOT NULL,
  summary TEXT
);
CREATE TABLE documents (
  id INTEGER PRIMARY KEY,
  run INTEGER NOT NULL REFERENCES runs(id),
  url TEXT NOT NULL,
  site TEXT NOT NULL,
  source_file TEXT NOT NULL,
  source_offset INTEGER NOT NULL CHECK (source_offset >= 0),
  considered_at TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('keep', 'modify', 'drop')),
  reasons TEXT NOT NULL,
  content_sha256 TEXT NOT NULL CHECK (length(content_sha256) IN (0, 64)),
  output_file TEXT NOT NULL,
  output_id TEXT NOT NULL
);
CREATE TABLE document_reasons (
  document INTEGER NOT NULL REFERENCES documents(id),
  reason TEXT NOT NULL CHECK (reason <> '' AND instr(reason, ',') = 0),
  PRIMARY KEY (document, reason)
) WITHOUT ROWID;
CREATE TABLE identifiers (
  digest TEXT NOT NULL CHECK (length(digest) = 64),
  type TEXT NOT NULL CHECK (type <> ''),
  document INTEGER NOT NULL REFERENCES documents(id),
  PRIMARY KEY (digest, document)
) WITHOUT ROWID;
CREATE INDEX documents_site_url ON documents(site, url);
CREATE INDEX documents_run ON documents(run);
CREATE INDEX identifiers_document ON identifiers(document);
)sql";

// v2 (the crawler): what happened on the wire. http_status 0 and fetched 0
// for a URL that was never requested (blocked before the fetch, or a dump
// record); `signal` is the rule that blocked it ("robots.txt:4 Disallow:
// /private/"), '' when none. Rows written by v1 read as not fetched.
constexpr const char* kSchemaV2 = R"sql(
ALTER TABLE documents ADD COLUMN http_status INTEGER NOT NULL DEFAULT 0 CHECK (http_status BETWEEN 0 AND 999);
ALTER TABLE documents ADD COLUMN fetched INTEGER NOT NULL DEFAULT 0 CHECK (fetched IN (0, 1));
ALTER TABLE documents ADD COLUMN signal TEXT NOT NULL DEFAULT '';
)sql";

// v3: the hash chain (docs/ledger.md, "Integrity"). Rows of older files get
// their hashes once, in id order, in the migration's transaction
// (ChainUnhashedRows); `meta` keeps the head of the chain so that rows cut
// from the end are noticed too.
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE documents ADD COLUMN prev_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE documents ADD COLUMN row_hash TEXT NOT NULL DEFAULT '';
)sql";

// v4: rights requests and retention (docs/ledger.md, "Requests" and
// "Retention"). Outside the chain: a request or a checkpoint changes nothing
// that a row's hash covers. request_rows.document has no foreign key, so that
// Purge can remove a document whose request stays.
constexpr const char* kSchemaV4 = R"sql(
CREATE TABLE requests (
  id INTEGER PRIMARY KEY,
  ref TEXT NOT NULL UNIQUE CHECK (ref <> ''),
  kind TEXT NOT NULL CHECK (kind IN ('export', 'erase')),
  subject_type TEXT NOT NULL CHECK (subject_type <> ''),
  subject_digest TEXT NOT NULL CHECK (length(subject_digest) = 64),
  received_at TEXT NOT NULL,
  completed_at TEXT
);
CREATE TABLE request_rows (
  request INTEGER NOT NULL REFERENCES requests(id),
  document INTEGER NOT NULL,
  PRIMARY KEY (request, document)
) WITHOUT ROWID;
CREATE INDEX request_rows_document ON request_rows(document);
CREATE TABLE chain_checkpoints (
  first_id INTEGER PRIMARY KEY,
  last_id INTEGER NOT NULL CHECK (last_id >= first_id),
  prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
  last_hash TEXT NOT NULL CHECK (length(last_hash) = 64),
  rows INTEGER NOT NULL CHECK (rows > 0),
  purged_at TEXT NOT NULL,
  cutoff TEXT NOT NULL
);
)sql";

// v5: the document's own date (WARC-Date, the dump's date field, the fetch
// time), so that the published documents give the capture period apart from
// the processing period (considered_at). Chained only when not empty: rows
// written before keep their hashes (docs/ledger.md, "Integrity").
constexpr const char* kSchemaV5 = R"sql(
ALTER TABLE documents ADD COLUMN captured_at TEXT NOT NULL DEFAULT '';
)sql";

// v6: the inputs a sharded `filter` run finished (FinishedInput), for
// `--resume`. Outside the chain, like requests: a row here says what was
// read, and the documents it gave are chained rows of their own.
constexpr const char* kSchemaV6 = R"sql(
CREATE TABLE inputs (
  id INTEGER PRIMARY KEY,
  run INTEGER NOT NULL REFERENCES runs(id),
  output TEXT NOT NULL CHECK (output <> ''),
  input TEXT NOT NULL CHECK (input <> ''),
  documents INTEGER NOT NULL CHECK (documents >= 0),
  written INTEGER NOT NULL CHECK (written >= 0),
  skipped INTEGER NOT NULL CHECK (skipped >= 0),
  position TEXT NOT NULL,
  finished_at TEXT NOT NULL
);
CREATE INDEX inputs_output ON inputs(output, id);
)sql";

constexpr internal::Migration kMigrations[] = {
    {1, kSchemaV1}, {2, kSchemaV2}, {3, kSchemaV3}, {4, kSchemaV4}, {5, kSchemaV5}, {6, kSchemaV6}};
static_assert(sizeof kMigrations / sizeof kMigrations[0] == kLedgerSchemaVersion);

using Stmt = SqliteStatement;

// The columns the chain covers, in the order of kChainedColumns, read from
// the current row of `rows` into `f` (which `c` then points into), and the
// row's identifiers from `ids` (digest, type; by digest).
constexpr const char* kChainedColumns =
    "id, run, url, site, source_file, source_offset, considered_at, decision, reasons, content_sha256, "
    "output_file, output_id, http_status, fetched, signal, captured_at";

void ReadChainedRow(Stmt& rows, Stmt& ids, std::array<std::string, 11>* f, ChainedRow* c) {
  *f = {rows.Col(2), rows.Col(3), rows.Col(4), rows.Col(6), rows.Col(7), rows.Col(8), rows.Col(9), rows.Col(10),
        rows.Col(11), rows.Col(14), rows.Col(15)};
  c->id = rows.ColInt(0);
  c->run = rows.ColInt(1);
  c->url = (*f)[0];
  c->site = (*f)[1];
  c->source_file = (*f)[2];
  c->source_offset = rows.ColInt(5);
  c->considered_at = (*f)[3];
  c->decision = (*f)[4];
  c->reasons = (*f)[5];
  c->content_sha256 = (*f)[6];
  c->output_file = (*f)[7];
  c->output_id = (*f)[8];
  c->http_status = rows.ColInt(12);
  c->fetched = rows.ColInt(13);
  c->signal = (*f)[9];
  c->captured_at = (*f)[10];
  ids.Int(1, c->id);
  while (ids.Step() == SQLITE_ROW) c->identifiers.emplace_back(ids.Col(0), ids.Col(1));
  ids.Reset();
}

// One IdentifierHit from a row of internal::SelectHits' columns.
IdentifierHit ReadHit(const Stmt& q) {
  IdentifierHit h;
  h.row = q.ColInt(0);
  h.url = q.Col(1);
  h.considered_at = q.Col(2);
  h.decision = q.Col(3);
  h.output_file = q.Col(4);
  h.output_id = q.Col(5);
  h.site = q.Col(6);
  h.source_file = q.Col(7);
  h.source_offset = static_cast<std::uint64_t>(q.ColInt(8));
  h.reasons = SplitReasons(q.Col(9));
  h.type = q.Col(10);
  h.run = q.ColInt(11);
  h.http_status = static_cast<int>(q.ColInt(12));
  h.fetched = q.ColInt(13) != 0;
  h.signal = q.Col(14);
  h.erased_at = q.Col(15);
  h.content_sha256 = q.Col(16);
  return h;
}

// "SELECT <hit columns> " with the identifier type column `type`.

class SqliteLedger : public Ledger {
 public:
  ~SqliteLedger() override {
    for (Stmt* s : {&insert_doc_, &insert_reason_, &insert_id_, &find_, &count_, &begin_run_, &end_run_, &last_row_,
                    &set_head_}) {
      s->Finalize();
    }
    sqlite3_close_v2(db_);
  }

  static Result<std::unique_ptr<Ledger>> Open(const std::string& path, std::span<const internal::Migration> steps) {
    if (path.empty()) return Status::InvalidArgument("ledger: no file name given");
    // Created 0600 before SQLite opens it, so it is never readable by others,
    // not even for a moment (the opt-out registry chmods after creation; the
    // ledger lists every URL considered). SQLite gives its -wal and -shm
    // files the database file's mode.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Status::Io(path + ": cannot open the ledger (" + std::strerror(errno) + ")");
    ::close(fd);
    std::unique_ptr<SqliteLedger> l(new SqliteLedger());
    l->path_ = path;
    if (sqlite3_open_v2(path.c_str(), &l->db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      return Status::Io(path + ": cannot open the ledger: " + (l->db_ ? sqlite3_errmsg(l->db_) : "out of memory"));
    }
    if (Status st = l->Setup(steps); !st.ok()) return st;
    return std::unique_ptr<Ledger>(std::move(l));
  }

  Result<std::int64_t> BeginRun(std::string_view command, std::string_view key_id) override {
    ResetOnExit r(begin_run_);
    const std::string now = UtcNowIso8601();
    begin_run_.Text(1, command);
    begin_run_.Text(2, now);
    begin_run_.Text(3, key_id);
    begin_run_.Text(4, MOISSON_VERSION);
    if (begin_run_.Step() != SQLITE_DONE) return Error("begin run");
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
  }

  Status Append(std::int64_t run, const std::vector<LedgerRow>& rows, const FinishedInput* finished) override {
    if (rows.empty() && finished == nullptr) return Status::Ok();
    // A transaction left open by a failure we could not roll back would
    // swallow this one: end it first.
    if (!sqlite3_get_autocommit(db_)) Exec("ROLLBACK");
    if (!Exec("BEGIN IMMEDIATE")) return Error("append");
    // The chain continues from the last row, read under the write lock: several
    // writers (processes) take turns, each extending the same line.
    // The head in meta, not the last row: purged rows leave no row behind.
    std::int64_t id = 0;
    std::string prev(kGenesis);
    {
      ResetOnExit reset(last_row_);
      const int rc = last_row_.Step();
      if (rc == SQLITE_ROW) {
        if (!internal::ParseChainHead(last_row_.Col(0), &id, &prev)) {
          Exec("ROLLBACK");
          return Status::InvalidArgument(path_ + ": damaged ledger (meta.chain_head is not \"<row> <hash>\")");
        }
      } else if (rc != SQLITE_DONE) {
        return Rollback("append (chain)");
      }
    }
    std::string now;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const LedgerRow& r = rows[i];
      if (!r.content_sha256.empty() && !IsHex64(r.content_sha256)) {
        return RollbackAt(i, rows.size(), "content_sha256 is not 64 lowercase hex digits");
      }
      for (const auto& id : r.identifiers) {
        if (!IsHex64(id.second)) {
          return RollbackAt(i, rows.size(), "an identifier digest is not 64 lowercase hex digits (never pass a clear "
                                            "identifier: pass its keyed digest)");
        }
      }
      reasons_buf_.clear();
      for (const std::string& x : r.reasons) {
        if (!reasons_buf_.empty()) reasons_buf_.push_back(',');
        reasons_buf_ += x;
      }
      if (r.considered_at.empty() && now.empty()) now = UtcNowIso8601();
      const ChainedRow c = internal::ChainedFromRow(
          r, ++id, run, r.considered_at.empty() ? std::string_view(now) : std::string_view(r.considered_at), reasons_buf_);
      std::string hash = RowHash(prev, c);
      {
        ResetOnExit reset(insert_doc_);
        Stmt& d = insert_doc_;
        d.Int(1, run);
        d.Text(2, r.url);
        d.Text(3, r.site);
        d.Text(4, r.source_file);
        d.Int(5, static_cast<std::int64_t>(r.source_offset));
        d.Text(6, r.considered_at.empty() ? now : r.considered_at);
        d.Text(7, r.decision);
        d.Text(8, reasons_buf_);
        d.Text(9, r.content_sha256);
        d.Text(10, r.output_file);
        d.Text(11, r.output_id);
        d.Int(12, r.http_status);
        d.Int(13, r.fetched ? 1 : 0);
        d.Text(14, r.signal);
        d.Int(15, c.id);
        d.Text(16, prev);
        d.Text(17, hash);
        d.Text(18, r.captured_at);
        if (d.Step() != SQLITE_DONE) return RollbackAt(i, rows.size());
      }
      const std::int64_t doc = c.id;
      prev = std::move(hash);
      for (const std::string& x : r.reasons) {
        ResetOnExit reset(insert_reason_);
        insert_reason_.Int(1, doc);
        insert_reason_.Text(2, x);
        if (insert_reason_.Step() != SQLITE_DONE) return RollbackAt(i, rows.size());
      }
      for (const auto& [type, digest] : r.identifiers) {
        ResetOnExit reset(insert_id_);
        insert_id_.Text(1, digest);
        insert_id_.Text(2, type);
        insert_id_.Int(3, doc);
        if (insert_id_.Step() != SQLITE_DONE) return RollbackAt(i, rows.size());
      }
    }
    if (!rows.empty()) {
      ResetOnExit reset(set_head_);
      const std::string head = std::to_string(id) + " " + prev;
      set_head_.Text(1, head);
      if (set_head_.Step() != SQLITE_DONE) return Rollback("append (chain head)");
    }
    if (finished != nullptr) {
      Stmt f;
      if (!f.Prepare(db_, "INSERT INTO inputs(run, output, input, documents, written, skipped, position, finished_at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        return Rollback("append (input)");
      }
      f.Int(1, run);
      f.Text(2, finished->output);
      f.Text(3, finished->input);
      f.Int(4, static_cast<std::int64_t>(finished->documents));
      f.Int(5, static_cast<std::int64_t>(finished->written));
      f.Int(6, static_cast<std::int64_t>(finished->skipped));
      const std::string finished_at = UtcNowIso8601();  // bound by reference: must outlive Step
      f.Text(7, finished->position);
      f.Text(8, finished_at);
      if (f.Step() != SQLITE_DONE) return Rollback("append (input)");
    }
    if (!Exec("COMMIT")) return Rollback("append (commit)");
    return Status::Ok();
  }

  Result<std::vector<FinishedInput>> FinishedInputs(std::string_view output) const override {
    Stmt q;
    if (!q.Prepare(db_, "SELECT output, input, documents, written, skipped, position, run, finished_at FROM inputs "
                        "WHERE output = ? ORDER BY id")) {
      return Error("inputs");
    }
    q.Text(1, output);
    std::vector<FinishedInput> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      FinishedInput f;
      f.output = q.Col(0);
      f.input = q.Col(1);
      f.documents = static_cast<std::uint64_t>(q.ColInt(2));
      f.written = static_cast<std::uint64_t>(q.ColInt(3));
      f.skipped = static_cast<std::uint64_t>(q.ColInt(4));
      f.position = q.Col(5);
      f.run = q.ColInt(6);
      f.finished_at = q.Col(7);
      out.push_back(std::move(f));
    }
    if (rc != SQLITE_DONE) return Error("inputs");
    return out;
  }

  Result<std::vector<IdentifierHit>> FindUrlPrefix(std::string_view prefix) const override {
    Stmt q;
    if (!q.Prepare(db_, (internal::SelectHits("''") + "FROM documents d WHERE d.url >= ?1 AND d.url < ?2 ORDER BY d.id").c_str())) {
      return Error("find");
    }
    // Every string that starts with `prefix` sorts between it and prefix + U+10FFFF.
    const std::string upper = std::string(prefix) + "\xF4\x8F\xBF\xBF";
    q.Text(1, prefix);
    q.Text(2, upper);
    std::vector<IdentifierHit> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      out.push_back(ReadHit(q));
    }
    if (rc != SQLITE_DONE) return Error("find");
    return out;
  }

  Result<std::vector<SiteSummary>> Sites() const override {
    Stmt q;
    if (!q.Prepare(db_,
                   "WITH erased AS (SELECT DISTINCT rr.document AS doc FROM request_rows rr JOIN requests q "
                   "ON q.id = rr.request WHERE q.kind = 'erase' AND q.completed_at IS NOT NULL) "
                   "SELECT site, min(considered_at), max(considered_at), count(*), sum(fetched), "
                   "sum(decision = 'keep'), sum(decision = 'modify'), sum(decision = 'drop'), "
                   "sum(reasons LIKE 'policy.%' OR reasons LIKE '%,policy.%' OR reasons LIKE 'blocklist.%' OR "
                   "reasons LIKE '%,blocklist.%' OR reasons LIKE '%optout.site%'), "
                   "sum(decision <> 'drop' AND e.doc IS NOT NULL), min(nullif(captured_at, '')), "
                   "max(nullif(captured_at, '')) "
                   "FROM documents d LEFT JOIN erased e ON e.doc = d.id GROUP BY site ORDER BY site")) {
      return Error("sites");
    }
    std::vector<SiteSummary> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      SiteSummary x;
      x.site = q.Col(0);
      x.first = q.Col(1);
      x.last = q.Col(2);
      x.considered = q.ColInt(3);
      x.fetched = q.ColInt(4);
      x.kept = q.ColInt(5);
      x.modified = q.ColInt(6);
      x.dropped = q.ColInt(7);
      x.objections = q.ColInt(8);
      x.erased = q.ColInt(9);
      x.captured_first = q.Col(10);
      x.captured_last = q.Col(11);
      out.push_back(std::move(x));
    }
    if (rc != SQLITE_DONE) return Error("sites");
    Stmt cats;
    if (!cats.Prepare(db_, "SELECT DISTINCT d.site, substr(r.reason, 11) FROM document_reasons r "
                           "JOIN documents d ON d.id = r.document WHERE r.reason LIKE 'blocklist.%' "
                           "ORDER BY 1, 2")) {
      return Error("sites");
    }
    std::size_t i = 0;
    while ((rc = cats.Step()) == SQLITE_ROW) {
      const std::string site = cats.Col(0);
      while (i < out.size() && out[i].site < site) ++i;
      if (i < out.size() && out[i].site == site) out[i].categories.push_back(cats.Col(1));
    }
    if (rc != SQLITE_DONE) return Error("sites");
    return out;
  }

  Result<std::vector<std::pair<std::string, std::int64_t>>> ReasonCounts() const override {
    Stmt q;
    if (!q.Prepare(db_, "SELECT reason, count(*) FROM document_reasons GROUP BY reason ORDER BY reason")) {
      return Error("reasons");
    }
    std::vector<std::pair<std::string, std::int64_t>> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) out.emplace_back(q.Col(0), q.ColInt(1));
    if (rc != SQLITE_DONE) return Error("reasons");
    return out;
  }

  Result<std::vector<ReasonDecisions>> ReasonDecisionCounts() const override {
    Stmt q;
    if (!q.Prepare(db_, "SELECT r.reason, sum(d.decision = 'keep'), sum(d.decision = 'modify'), "
                        "sum(d.decision = 'drop') FROM document_reasons r JOIN documents d ON d.id = r.document "
                        "GROUP BY r.reason ORDER BY r.reason")) {
      return Error("reasons");
    }
    std::vector<ReasonDecisions> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) out.push_back({q.Col(0), q.ColInt(1), q.ColInt(2), q.ColInt(3)});
    if (rc != SQLITE_DONE) return Error("reasons");
    return out;
  }

  Result<ChainReport> VerifyChain() const override {
    // One read transaction: the rows, their identifiers and the head agree.
    if (!const_cast<SqliteLedger*>(this)->Exec("BEGIN")) return Error("verify");
    struct EndRead {
      const SqliteLedger* l;
      ~EndRead() { const_cast<SqliteLedger*>(l)->Exec("COMMIT"); }
    } end{this};
    std::string head;
    {
      Stmt h;
      if (!h.Prepare(db_, "SELECT value FROM meta WHERE key = 'chain_head'")) return Error("verify");
      if (h.Step() == SQLITE_ROW) head = h.Col(0);
    }
    Stmt rows, ids, reasons, reason_rows;
    if (!rows.Prepare(db_, (std::string("SELECT ") + kChainedColumns +
                            ", prev_hash, row_hash FROM documents ORDER BY id").c_str()) ||
        !ids.Prepare(db_, "SELECT digest, type FROM identifiers WHERE document = ? ORDER BY digest") ||
        !reasons.Prepare(db_, "SELECT reason FROM document_reasons WHERE document = ?") ||
        !reason_rows.Prepare(db_, "SELECT count(*) FROM document_reasons") || reason_rows.Step() != SQLITE_ROW) {
      return Error("verify");
    }
    auto checkpoints = Checkpoints();
    if (!checkpoints.ok()) return checkpoints.status();
    internal::ChainWalk walk(std::move(*checkpoints));
    int rc;
    while ((rc = rows.Step()) == SQLITE_ROW) {
      std::array<std::string, 11> f;
      ChainedRow c;
      ReadChainedRow(rows, ids, &f, &c);
      std::vector<std::string> indexed;
      reasons.Int(1, c.id);
      while (reasons.Step() == SQLITE_ROW) indexed.push_back(reasons.Col(0));
      reasons.Reset();
      if (!walk.Row(c, rows.Col(16), rows.Col(17), std::move(indexed))) return walk.report;
    }
    if (rc != SQLITE_DONE) return Error("verify");
    walk.Finish(head, reason_rows.ColInt(0));
    return walk.report;
  }

  Status EndRun(std::int64_t run, std::string_view summary_json) override {
    ResetOnExit r(end_run_);
    const std::string now = UtcNowIso8601();
    end_run_.Text(1, now);
    end_run_.Text(2, summary_json);
    end_run_.Int(3, run);
    if (end_run_.Step() != SQLITE_DONE) return Error("end run");
    if (sqlite3_changes(db_) != 1) {
      return Status::InvalidArgument(path_ + ": ledger end run failed: no run " + std::to_string(run));
    }
    return Status::Ok();
  }

  Result<std::vector<IdentifierHit>> FindIdentifier(std::string_view hex_digest) const override {
    ResetOnExit r(find_);
    find_.Text(1, hex_digest);
    std::vector<IdentifierHit> hits;
    int rc;
    while ((rc = find_.Step()) == SQLITE_ROW) {
      hits.push_back(ReadHit(find_));
    }
    if (rc != SQLITE_DONE) return Error("find");
    return hits;
  }

  Result<std::int64_t> RowCount() const override {
    ResetOnExit r(count_);
    if (count_.Step() != SQLITE_ROW) return Error("count");
    return count_.ColInt(0);
  }

  Result<std::vector<RunInfo>> Runs() const override {
    Stmt q;
    if (!q.Prepare(db_, "SELECT id, command, started_at, coalesce(ended_at, ''), key_id, moisson_version, "
                        "coalesce(summary, ''), (SELECT count(*) FROM documents d WHERE d.run = runs.id) "
                        "FROM runs ORDER BY id")) {
      return Error("runs");
    }
    std::vector<RunInfo> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      out.push_back({q.ColInt(0), q.Col(1), q.Col(2), q.Col(3), q.Col(4), q.Col(5), q.Col(6), q.ColInt(7)});
    }
    if (rc != SQLITE_DONE) return Error("runs");
    return out;
  }

  Result<std::vector<TimelinePoint>> Timeline() const override {
    Stmt q;
    if (!q.Prepare(db_, "SELECT substr(considered_at, 1, 16) AS m, sum(decision = 'keep'), sum(decision = 'modify'), "
                        "sum(decision = 'drop') FROM documents GROUP BY m ORDER BY m")) {
      return Error("timeline");
    }
    std::vector<TimelinePoint> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) out.push_back({q.Col(0), q.ColInt(1), q.ColInt(2), q.ColInt(3)});
    if (rc != SQLITE_DONE) return Error("timeline");
    return out;
  }

  Status RecordRequest(const RightsRequest& r) override {
    if (r.ref.empty()) return Status::InvalidArgument(path_ + ": a rights request needs a reference");
    if (r.kind != "export" && r.kind != "erase") {
      return Status::InvalidArgument(path_ + ": unknown rights request kind (export or erase)");
    }
    if (!IsHex64(r.subject_digest)) {
      return Status::InvalidArgument(path_ + ": a request's subject must be its keyed digest (64 lowercase hex "
                                             "digits), never the clear identifier");
    }
    if (!sqlite3_get_autocommit(db_)) Exec("ROLLBACK");
    if (!Exec("BEGIN IMMEDIATE")) return Error("request");
    {
      Stmt s;
      if (!s.Prepare(db_, "SELECT kind, subject_type, subject_digest FROM requests WHERE ref = ?")) {
        return Rollback("request");
      }
      s.Text(1, r.ref);
      const int rc = s.Step();
      if (rc == SQLITE_ROW) {
        const bool same = s.Col(0) == r.kind && s.Col(1) == r.subject_type && s.Col(2) == r.subject_digest;
        s.Reset();
        Exec("ROLLBACK");
        if (same) return Status::Ok();
        return Status::InvalidArgument(path_ + ": request " + r.ref +
                                       " is already recorded for another kind or subject: choose another --ref");
      }
      if (rc != SQLITE_DONE) return Rollback("request");
    }
    const std::string received = r.received_at.empty() ? UtcNowIso8601() : r.received_at;
    Stmt ins, link;
    if (!ins.Prepare(db_, "INSERT INTO requests(ref, kind, subject_type, subject_digest, received_at, completed_at) "
                          "VALUES (?, ?, ?, ?, ?, NULLIF(?, ''))") ||
        !link.Prepare(db_, "INSERT INTO request_rows(request, document) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      return Rollback("request");
    }
    ins.Text(1, r.ref);
    ins.Text(2, r.kind);
    ins.Text(3, r.subject_type);
    ins.Text(4, r.subject_digest);
    ins.Text(5, received);
    ins.Text(6, r.completed_at);
    if (ins.Step() != SQLITE_DONE) return Rollback("request");
    const std::int64_t id = sqlite3_last_insert_rowid(db_);
    for (const std::int64_t doc : r.rows) {
      link.Int(1, id);
      link.Int(2, doc);
      if (link.Step() != SQLITE_DONE) return Rollback("request");
      link.Reset();
    }
    if (!Exec("COMMIT")) return Rollback("request (commit)");
    return Status::Ok();
  }

  Status CompleteRequest(std::string_view ref, std::string_view completed_at) override {
    Stmt u;
    if (!u.Prepare(db_, "UPDATE requests SET completed_at = coalesce(completed_at, ?) WHERE ref = ?")) {
      return Error("request");
    }
    const std::string when = completed_at.empty() ? UtcNowIso8601() : std::string(completed_at);
    u.Text(1, when);
    u.Text(2, ref);
    if (u.Step() != SQLITE_DONE) return Error("request");
    if (sqlite3_changes(db_) != 1) return Status::NotFound(path_ + ": no request " + std::string(ref));
    return Status::Ok();
  }

  Result<std::optional<RightsRequest>> FindRequest(std::string_view ref) const override {
    auto all = ReadRequests("WHERE ref = ?", ref);
    if (!all.ok()) return all.status();
    if (all->empty()) return std::optional<RightsRequest>();
    return std::optional<RightsRequest>(std::move(all->front()));
  }

  Result<std::vector<RightsRequest>> Requests() const override { return ReadRequests("", {}); }

  Result<std::vector<IdentifierHit>> RowsBefore(std::string_view before) const override {
    Stmt q;
    if (!q.Prepare(db_, (internal::SelectHits("''") + "FROM documents d WHERE d.considered_at < ? ORDER BY d.id").c_str())) {
      return Error("purge");
    }
    q.Text(1, before);
    std::vector<IdentifierHit> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) out.push_back(ReadHit(q));
    if (rc != SQLITE_DONE) return Error("purge");
    return out;
  }

  Result<std::int64_t> Purge(std::string_view before) override {
    if (!sqlite3_get_autocommit(db_)) Exec("ROLLBACK");
    if (!Exec("BEGIN IMMEDIATE")) return Error("purge");
    std::vector<internal::PurgedRow> gone;
    {
      Stmt q;
      if (!q.Prepare(db_, "SELECT id, prev_hash, row_hash FROM documents WHERE considered_at < ? ORDER BY id")) {
        return Rollback("purge");
      }
      q.Text(1, before);
      int rc;
      while ((rc = q.Step()) == SQLITE_ROW) gone.push_back({q.ColInt(0), q.Col(1), q.Col(2)});
      if (rc != SQLITE_DONE) return Rollback("purge");
    }
    if (gone.empty()) {
      Exec("ROLLBACK");
      return std::int64_t{0};
    }
    auto existing = Checkpoints();
    if (!existing.ok()) {
      Exec("ROLLBACK");
      return existing.status();
    }
    const std::string now = UtcNowIso8601();
    std::vector<ChainCheckpoint> merged = internal::MergeCheckpoints(std::move(*existing), gone, now, before);
    for (const char* sql : {"DELETE FROM identifiers WHERE document IN (SELECT id FROM documents WHERE considered_at < ?1)",
                            "DELETE FROM document_reasons WHERE document IN "
                            "(SELECT id FROM documents WHERE considered_at < ?1)",
                            "DELETE FROM request_rows WHERE document IN (SELECT id FROM documents WHERE considered_at < ?1)",
                            "DELETE FROM documents WHERE considered_at < ?1", "DELETE FROM chain_checkpoints"}) {
      Stmt d;
      if (!d.Prepare(db_, sql)) return Rollback("purge");
      if (std::strstr(sql, "?1")) d.Text(1, before);
      if (d.Step() != SQLITE_DONE) return Rollback("purge");
    }
    Stmt ins;
    if (!ins.Prepare(db_, "INSERT INTO chain_checkpoints(first_id, last_id, prev_hash, last_hash, rows, purged_at, cutoff) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      return Rollback("purge");
    }
    for (const ChainCheckpoint& cp : merged) {
      ins.Int(1, cp.first_id);
      ins.Int(2, cp.last_id);
      ins.Text(3, cp.prev_hash);
      ins.Text(4, cp.last_hash);
      ins.Int(5, cp.rows);
      ins.Text(6, cp.purged_at);
      ins.Text(7, cp.before);
      if (ins.Step() != SQLITE_DONE) return Rollback("purge");
      ins.Reset();
    }
    if (!Exec("COMMIT")) return Rollback("purge (commit)");
    return static_cast<std::int64_t>(gone.size());
  }

  Result<std::vector<ChainCheckpoint>> Checkpoints() const override {
    Stmt q;
    if (!q.Prepare(db_, "SELECT first_id, last_id, prev_hash, last_hash, rows, purged_at, cutoff "
                        "FROM chain_checkpoints ORDER BY first_id")) {
      return Error("checkpoints");
    }
    std::vector<ChainCheckpoint> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      out.push_back({q.ColInt(0), q.ColInt(1), q.Col(2), q.Col(3), q.ColInt(4), q.Col(5), q.Col(6)});
    }
    if (rc != SQLITE_DONE) return Error("checkpoints");
    return out;
  }

 private:
  SqliteLedger() = default;

  Result<std::vector<RightsRequest>> ReadRequests(const char* where, std::string_view arg) const {
    Stmt q, rows;
    if (!q.Prepare(db_, (std::string("SELECT id, ref, kind, subject_type, subject_digest, received_at, "
                                     "coalesce(completed_at, '') FROM requests ") +
                         where + " ORDER BY received_at, ref").c_str()) ||
        !rows.Prepare(db_, "SELECT document FROM request_rows WHERE request = ? ORDER BY document")) {
      return Error("requests");
    }
    if (*where) q.Text(1, arg);
    std::vector<RightsRequest> out;
    int rc;
    while ((rc = q.Step()) == SQLITE_ROW) {
      RightsRequest r{q.Col(1), q.Col(2), q.Col(3), q.Col(4), q.Col(5), q.Col(6), {}};
      rows.Int(1, q.ColInt(0));
      while (rows.Step() == SQLITE_ROW) r.rows.push_back(rows.ColInt(0));
      rows.Reset();
      out.push_back(std::move(r));
    }
    if (rc != SQLITE_DONE) return Error("requests");
    return out;
  }


  bool Exec(const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }
  Status Error(const char* what) const {
    return Status::Io(path_ + ": ledger " + what + " failed: " + sqlite3_errmsg(db_));
  }
  // SQLite's constraint messages name the column or expression, never the
  // value, so they are safe to show.
  Status RollbackAt(std::size_t i, std::size_t n, const char* why = nullptr) {
    Status st = Status::InvalidArgument(path_ + ": ledger append failed at row " + std::to_string(i + 1) + " of " +
                                        std::to_string(n) + ", none of the " + std::to_string(n) +
                                        " rows was written: " + (why ? why : sqlite3_errmsg(db_)));
    Exec("ROLLBACK");
    return st;
  }
  Status Rollback(const char* what) {
    Status st = Error(what);
    Exec("ROLLBACK");
    return st;
  }

  Status Setup(std::span<const internal::Migration> steps) {
    sqlite3_busy_timeout(db_, 10000);
    if (!Exec("PRAGMA foreign_keys=ON") || !Exec("PRAGMA synchronous=NORMAL")) return Error("setup");
    {
      // journal_mode answers with the mode it got: a file system without
      // shared memory would silently stay in rollback mode.
      Stmt s;
      if (!s.Prepare(db_, "PRAGMA journal_mode=WAL") || s.Step() != SQLITE_ROW) return Error("setup");
      if (s.Col(0) != "wal") {
        return Status::Io(path_ + ": the ledger cannot use a write-ahead log here (journal mode " + s.Col(0) + ")");
      }
    }
    // The (site, url) and digest indexes take random inserts, so each commit
    // writes (and each checkpoint copies) about one page per row and index:
    // 64 MiB of page cache keeps their inner pages hot, and a 64 MiB WAL
    // between checkpoints copies a page dirtied by several commits once
    // (4 MiB by default, which gave two thirds of the rows per second on a
    // 100,000-row file; docs/ledger.md). The WAL is truncated back to 64 MiB
    // after a checkpoint.
    if (!Exec("PRAGMA cache_size=-65536") || !Exec("PRAGMA wal_autocheckpoint=16384") ||
        !Exec("PRAGMA journal_size_limit=67108864")) {
      return Error("setup");
    }
    const int target = steps.empty() ? 0 : steps.back().to_version;
    int version = 0;
    {
      Stmt s;
      if (!s.Prepare(db_, "PRAGMA user_version") || s.Step() != SQLITE_ROW) return Error("setup");
      version = sqlite3_column_int(s.get(), 0);
    }
    if (version > target) {
      return Status::InvalidArgument(path_ + ": ledger schema version " + std::to_string(version) +
                                     " is newer than this moisson knows (" + std::to_string(target) +
                                     "): use a newer moisson");
    }
    if (version < 0) return Status::InvalidArgument(path_ + ": not a moisson ledger (negative schema version)");
    if (version < target) {
      if (!Exec("BEGIN IMMEDIATE")) return Error("migrate");
      if (Status st = Migrate(version, steps); !st.ok()) {
        Exec("ROLLBACK");
        return st;
      }
      if (version > 0 && version < 3 && target >= 3) {
        if (Status st = ChainOlderRows(); !st.ok()) {
          Exec("ROLLBACK");
          return st;
        }
      }
      if (!Exec("COMMIT")) return Rollback("migrate");
    }
    if (Status st = CheckMeta(target); !st.ok()) return st;
    if (!insert_doc_.Prepare(db_,
                             "INSERT INTO documents(run, url, site, source_file, source_offset, considered_at, "
                             "decision, reasons, content_sha256, output_file, output_id, http_status, fetched, signal, id, "
                             "prev_hash, row_hash, captured_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
                             "?)") ||
        !last_row_.Prepare(db_, "SELECT value FROM meta WHERE key = 'chain_head'") ||
        !set_head_.Prepare(db_, "INSERT OR REPLACE INTO meta(key, value) VALUES ('chain_head', ?)") ||
        !insert_reason_.Prepare(db_,
                                "INSERT INTO document_reasons(document, reason) VALUES (?, ?) "
                                "ON CONFLICT DO NOTHING") ||
        !insert_id_.Prepare(db_,
                            "INSERT INTO identifiers(digest, type, document) VALUES (?, ?, ?) "
                            "ON CONFLICT DO NOTHING") ||
        !find_.Prepare(db_, (internal::SelectHits("i.type") +
                             "FROM identifiers i JOIN documents d ON d.id = i.document WHERE i.digest = ? ORDER BY d.id")
                                .c_str()) ||
        !count_.Prepare(db_, "SELECT count(*) FROM documents") ||
        !begin_run_.Prepare(db_,
                            "INSERT INTO runs(command, started_at, key_id, moisson_version) VALUES (?, ?, ?, ?)") ||
        !end_run_.Prepare(db_, "UPDATE runs SET ended_at = ?, summary = ? WHERE id = ?")) {
      return Error("setup");
    }
    return Status::Ok();
  }

  // Brings the schema from `from` to the last step's version, one step at a
  // time, inside the caller's transaction; records each step in meta.
  Status Migrate(int from, std::span<const internal::Migration> steps) {
    const std::string now = UtcNowIso8601();
    const std::string by = std::string("moisson ") + MOISSON_VERSION;
    if (from == 0) {
      // A new file, or a SQLite file that is not a ledger: refuse to touch it.
      Stmt s;
      if (!s.Prepare(db_, "SELECT count(*) FROM sqlite_master") || s.Step() != SQLITE_ROW) return Error("migrate");
      if (s.ColInt(0) != 0) {
        return Status::InvalidArgument(path_ + ": not a moisson ledger (it has tables but no ledger schema version)");
      }
    }
    for (const internal::Migration& m : steps) {
      if (m.to_version <= from) continue;
      if (m.to_version != from + 1) return Status::Internal(path_ + ": ledger migrations out of order");
      if (!Exec(m.sql)) return Error(("migrate to schema " + std::to_string(m.to_version)).c_str());
      Stmt meta;
      const bool created = from == 0;
      if (!meta.Prepare(db_, created ? "INSERT INTO meta(key, value) VALUES ('schema_version', ?1), "
                                       "('created_at', ?2), ('created_by', ?3)"
                                     : "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?1), "
                                       "('migrated_at', ?2), ('migrated_by', ?3)")) {
        return Error("migrate");
      }
      const std::string v = std::to_string(m.to_version);
      meta.Text(1, v);
      meta.Text(2, now);
      meta.Text(3, by);
      if (meta.Step() != SQLITE_DONE) return Error("migrate");
      if (!Exec(("PRAGMA user_version = " + v).c_str())) return Error("migrate");
      from = m.to_version;
    }
    return Status::Ok();
  }

  // The v3 step: rows written before the chain get their hashes, in id
  // order, inside the migration's transaction.
  Status ChainOlderRows() {
    Stmt rows, ids, upd, head;
    if (!rows.Prepare(db_, (std::string("SELECT ") + kChainedColumns + " FROM documents ORDER BY id").c_str()) ||
        !ids.Prepare(db_, "SELECT digest, type FROM identifiers WHERE document = ? ORDER BY digest") ||
        !upd.Prepare(db_, "UPDATE documents SET prev_hash = ?, row_hash = ? WHERE id = ?") ||
        !head.Prepare(db_, "INSERT OR REPLACE INTO meta(key, value) VALUES ('chain_head', ?)")) {
      return Error("migrate (hash chain)");
    }
    std::string prev(kGenesis);
    std::int64_t last = 0;
    int rc;
    while ((rc = rows.Step()) == SQLITE_ROW) {
      std::array<std::string, 11> f;
      ChainedRow c;
      ReadChainedRow(rows, ids, &f, &c);
      std::string hash = RowHash(prev, c);
      upd.Text(1, prev);
      upd.Text(2, hash);
      upd.Int(3, c.id);
      if (upd.Step() != SQLITE_DONE) return Error("migrate (hash chain)");
      upd.Reset();
      prev = std::move(hash);
      last = c.id;
    }
    if (rc != SQLITE_DONE) return Error("migrate (hash chain)");
    if (last > 0) {
      const std::string h = std::to_string(last) + " " + prev;
      head.Text(1, h);
      if (head.Step() != SQLITE_DONE) return Error("migrate (hash chain)");
    }
    return Status::Ok();
  }

  // user_version and meta say the same thing, and the tables are there: a
  // half-copied or hand-edited file is refused here rather than at the first
  // Append.
  Status CheckMeta(int version) {
    Stmt s;
    if (!s.Prepare(db_, "SELECT value FROM meta WHERE key = 'schema_version'") || s.Step() != SQLITE_ROW ||
        s.Col(0) != std::to_string(version)) {
      return Status::InvalidArgument(path_ + ": damaged moisson ledger (meta.schema_version does not match "
                                             "PRAGMA user_version " + std::to_string(version) + ")");
    }
    return Status::Ok();
  }

  std::string path_;
  sqlite3* db_ = nullptr;
  std::string reasons_buf_;
  Stmt insert_doc_, insert_reason_, insert_id_, begin_run_, end_run_, last_row_, set_head_;
  // Reads are const for callers; the cached statements are not.
  mutable Stmt find_, count_;
};

}  // namespace

namespace internal {

std::span<const Migration> LedgerMigrations() { return kMigrations; }

Result<std::unique_ptr<Ledger>> OpenSqliteWithMigrations(const std::string& path,
                                                         std::span<const Migration> migrations) {
  return SqliteLedger::Open(path, migrations);
}

}  // namespace internal

Result<std::unique_ptr<Ledger>> Ledger::OpenSqlite(const std::string& path) {
  return SqliteLedger::Open(path, kMigrations);
}

}  // namespace moisson::audit
