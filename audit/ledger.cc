#include "audit/ledger.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include "core/version.h"

namespace moisson::audit {
namespace {

constexpr int kSchemaVersion = 1;

// Schema v1 (docs/ledger.md). Later versions add columns and tables through
// the migrations below; they never rewrite existing rows.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  command TEXT NOT NULL,
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
  source_offset INTEGER NOT NULL,
  considered_at TEXT NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('keep', 'modify', 'drop')),
  reasons TEXT NOT NULL,
  content_sha256 TEXT NOT NULL,
  output_file TEXT NOT NULL,
  output_id TEXT NOT NULL
);
CREATE TABLE document_reasons (
  document INTEGER NOT NULL REFERENCES documents(id),
  reason TEXT NOT NULL
);
CREATE TABLE identifiers (
  digest TEXT NOT NULL,
  type TEXT NOT NULL,
  document INTEGER NOT NULL REFERENCES documents(id)
);
CREATE INDEX documents_site ON documents(site);
CREATE INDEX documents_url ON documents(url);
CREATE INDEX documents_run ON documents(run);
CREATE INDEX document_reasons_reason ON document_reasons(reason);
CREATE INDEX identifiers_digest ON identifiers(digest);
)sql";

std::string NowIso() {
  const std::time_t t = std::time(nullptr);
  std::tm tm;
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

class Stmt {
 public:
  Stmt() = default;
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  ~Stmt() { sqlite3_finalize(s_); }
  bool Prepare(sqlite3* db, const char* sql) { return sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) == SQLITE_OK; }
  sqlite3_stmt* get() const { return s_; }
  void Text(int i, std::string_view v) { sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT); }
  void Int(int i, std::int64_t v) { sqlite3_bind_int64(s_, i, v); }
  int Step() { return sqlite3_step(s_); }
  void Reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }
  std::string Col(int i) const {
    const unsigned char* t = sqlite3_column_text(s_, i);
    return t ? reinterpret_cast<const char*>(t) : "";
  }

 private:
  sqlite3_stmt* s_ = nullptr;
};

class SqliteLedger : public Ledger {
 public:
  ~SqliteLedger() override { sqlite3_close_v2(db_); }  // closes once the statements are finalised

  static Result<std::unique_ptr<Ledger>> Open(const std::string& path) {
    // Created 0600 before SQLite opens it: it lists every URL considered.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return Status::Io(path + ": cannot open the ledger (" + std::strerror(errno) + ")");
    ::close(fd);
    std::unique_ptr<SqliteLedger> l(new SqliteLedger());
    l->path_ = path;
    if (sqlite3_open_v2(path.c_str(), &l->db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      return Status::Io(path + ": cannot open the ledger: " + sqlite3_errmsg(l->db_));
    }
    if (Status st = l->Setup(); !st.ok()) return st;
    return std::unique_ptr<Ledger>(std::move(l));
  }

  Result<std::int64_t> BeginRun(std::string_view command, std::string_view key_id) override {
    Stmt s;
    if (!s.Prepare(db_, "INSERT INTO runs(command, started_at, key_id, moisson_version) VALUES (?, ?, ?, ?)")) {
      return Error("begin run");
    }
    s.Text(1, command);
    s.Text(2, NowIso());
    s.Text(3, key_id);
    s.Text(4, MOISSON_VERSION);
    if (s.Step() != SQLITE_DONE) return Error("begin run");
    return static_cast<std::int64_t>(sqlite3_last_insert_rowid(db_));
  }

  Status Append(std::int64_t run, const std::vector<LedgerRow>& rows) override {
    if (rows.empty()) return Status::Ok();
    if (!Exec("BEGIN IMMEDIATE")) return Error("append");
    for (const LedgerRow& r : rows) {
      std::string reasons;
      for (const auto& x : r.reasons) {
        if (!reasons.empty()) reasons.push_back(',');
        reasons += x;
      }
      Stmt& d = insert_doc_;
      d.Reset();
      d.Int(1, run);
      d.Text(2, r.url);
      d.Text(3, r.site);
      d.Text(4, r.source_file);
      d.Int(5, static_cast<std::int64_t>(r.source_offset));
      d.Text(6, r.considered_at);
      d.Text(7, r.decision);
      d.Text(8, reasons);
      d.Text(9, r.content_sha256);
      d.Text(10, r.output_file);
      d.Text(11, r.output_id);
      if (d.Step() != SQLITE_DONE) return Rollback("append");
      const std::int64_t doc = sqlite3_last_insert_rowid(db_);
      for (const auto& x : r.reasons) {
        insert_reason_.Reset();
        insert_reason_.Int(1, doc);
        insert_reason_.Text(2, x);
        if (insert_reason_.Step() != SQLITE_DONE) return Rollback("append");
      }
      for (const auto& [type, digest] : r.identifiers) {
        insert_id_.Reset();
        insert_id_.Text(1, digest);
        insert_id_.Text(2, type);
        insert_id_.Int(3, doc);
        if (insert_id_.Step() != SQLITE_DONE) return Rollback("append");
      }
    }
    if (!Exec("COMMIT")) return Rollback("append");
    return Status::Ok();
  }

  Status EndRun(std::int64_t run, std::string_view summary_json) override {
    Stmt s;
    if (!s.Prepare(db_, "UPDATE runs SET ended_at = ?, summary = ? WHERE id = ?")) return Error("end run");
    s.Text(1, NowIso());
    s.Text(2, summary_json);
    s.Int(3, run);
    if (s.Step() != SQLITE_DONE) return Error("end run");
    return Status::Ok();
  }

  Result<std::vector<IdentifierHit>> FindIdentifier(std::string_view hex_digest) const override {
    Stmt s;
    if (!s.Prepare(db_,
                   "SELECT d.id, d.url, d.considered_at, d.decision, d.output_file, d.output_id FROM identifiers i "
                   "JOIN documents d ON d.id = i.document WHERE i.digest = ? ORDER BY d.id")) {
      return Error("find");
    }
    s.Text(1, hex_digest);
    std::vector<IdentifierHit> hits;
    int rc;
    while ((rc = s.Step()) == SQLITE_ROW) {
      hits.push_back({sqlite3_column_int64(s.get(), 0), s.Col(1), s.Col(2), s.Col(3), s.Col(4), s.Col(5)});
    }
    if (rc != SQLITE_DONE) return Error("find");
    return hits;
  }

  Result<std::int64_t> RowCount() const override {
    Stmt s;
    if (!s.Prepare(db_, "SELECT count(*) FROM documents") || s.Step() != SQLITE_ROW) return Error("count");
    return static_cast<std::int64_t>(sqlite3_column_int64(s.get(), 0));
  }

 private:
  SqliteLedger() = default;

  bool Exec(const char* sql) { return sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }
  Status Error(const char* what) const {
    return Status::Io(path_ + ": ledger " + what + " failed: " + sqlite3_errmsg(db_));
  }
  Status Rollback(const char* what) {
    Status st = Error(what);
    Exec("ROLLBACK");
    return st;
  }

  Status Setup() {
    sqlite3_busy_timeout(db_, 10000);
    if (!Exec("PRAGMA journal_mode=WAL") || !Exec("PRAGMA synchronous=NORMAL") || !Exec("PRAGMA foreign_keys=ON")) {
      return Error("setup");
    }
    int version = 0;
    {
      Stmt s;
      if (!s.Prepare(db_, "PRAGMA user_version") || s.Step() != SQLITE_ROW) return Error("setup");
      version = sqlite3_column_int(s.get(), 0);
    }
    if (version > kSchemaVersion) {
      return Status::InvalidArgument(path_ + ": ledger schema version " + std::to_string(version) +
                                     " is newer than this moisson knows (" + std::to_string(kSchemaVersion) +
                                     "): use a newer moisson");
    }
    if (version < kSchemaVersion) {
      if (!Exec("BEGIN IMMEDIATE")) return Error("migrate");
      if (Status st = Migrate(version); !st.ok()) {
        Exec("ROLLBACK");
        return st;
      }
      if (!Exec("COMMIT")) return Rollback("migrate");
    }
    if (!insert_doc_.Prepare(db_,
                             "INSERT INTO documents(run, url, site, source_file, source_offset, considered_at, "
                             "decision, reasons, content_sha256, output_file, output_id) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)") ||
        !insert_reason_.Prepare(db_, "INSERT INTO document_reasons(document, reason) VALUES (?, ?)") ||
        !insert_id_.Prepare(db_, "INSERT INTO identifiers(digest, type, document) VALUES (?, ?, ?)")) {
      return Error("setup");
    }
    return Status::Ok();
  }

  // Brings a schema from `from` to kSchemaVersion, one step at a time, inside
  // the caller's transaction.
  Status Migrate(int from) {
    if (from == 0) {
      // A new file (or a file that is not a ledger: refuse to touch it).
      Stmt s;
      if (!s.Prepare(db_, "SELECT count(*) FROM sqlite_master") || s.Step() != SQLITE_ROW) return Error("migrate");
      if (sqlite3_column_int(s.get(), 0) != 0) {
        return Status::InvalidArgument(path_ + ": not a moisson ledger (it has tables but no ledger schema version)");
      }
      if (!Exec(kSchemaV1)) return Error("create schema");
      Stmt m;
      if (!m.Prepare(db_, "INSERT INTO meta(key, value) VALUES ('schema_version', '1'), ('created_at', ?), "
                          "('created_by', ?)")) {
        return Error("create schema");
      }
      m.Text(1, NowIso());
      m.Text(2, std::string("moisson ") + MOISSON_VERSION);
      if (m.Step() != SQLITE_DONE) return Error("create schema");
      from = 1;
    }
    // Future: if (from == 1) { ALTER TABLE ...; from = 2; }
    if (!Exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str())) return Error("migrate");
    return Status::Ok();
  }

  std::string path_;
  sqlite3* db_ = nullptr;
  Stmt insert_doc_, insert_reason_, insert_id_;
};

}  // namespace

Result<std::unique_ptr<Ledger>> Ledger::OpenSqlite(const std::string& path) { return SqliteLedger::Open(path); }

}  // namespace moisson::audit
