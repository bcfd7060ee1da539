#include "crawler/state.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/sqlite.h"

namespace moisson::crawler {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE urls (
  id INTEGER PRIMARY KEY,
  url TEXT NOT NULL,
  depth INTEGER NOT NULL,
  hops INTEGER NOT NULL,
  done INTEGER NOT NULL DEFAULT 0,
  kind INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE hosts (
  origin TEXT PRIMARY KEY,
  fetched_at INTEGER NOT NULL,
  lifetime INTEGER NOT NULL,
  robots_status INTEGER NOT NULL,
  robots_network_error INTEGER NOT NULL,
  robots_timed_out INTEGER NOT NULL,
  robots_redirects INTEGER NOT NULL,
  robots_body BLOB NOT NULL,
  ai_txt BLOB,
  tdmrep BLOB,
  robots_refusal TEXT NOT NULL DEFAULT ''
);
PRAGMA user_version = 2;
)sql";

using Stmt = SqliteStatement;

}  // namespace

CrawlState::~CrawlState() { sqlite3_close(db_); }

Status CrawlState::Error(const char* what) const {
  return Status::Io(path_ + ": crawl state: " + what + ": " + sqlite3_errmsg(db_));
}

Result<std::unique_ptr<CrawlState>> CrawlState::Open(const std::string& path, bool create) {
  struct stat sb;
  const bool exists = ::stat(path.c_str(), &sb) == 0;
  if (create && exists) {
    return Status::InvalidArgument(path + ": a crawl state already exists here: resume it with --resume, or use "
                                          "another output folder");
  }
  if (!create && !exists) return Status::NotFound(path + ": no crawl state to resume");
  if (create) {  // it lists every URL of the crawl: private to its owner
    const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) return Status::Io(path + ": cannot create the crawl state");
    ::close(fd);
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return Status::Io(path + ": cannot open the crawl state");
  }
  std::unique_ptr<CrawlState> st(new CrawlState(path, db));
  sqlite3_busy_timeout(db, 5000);
  if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", nullptr, nullptr, nullptr) !=
      SQLITE_OK) {
    return st->Error("open");
  }
  Stmt v(db, "PRAGMA user_version");
  if (!v.ok() || v.Step() != SQLITE_ROW) return Status::InvalidArgument(path + ": not a moisson crawl state");
  const std::int64_t version = v.ColInt(0);
  if (create) {
    if (sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK) return st->Error("create");
  } else if (version == 1) {  // version 2 added why robots.txt was refused
    if (sqlite3_exec(db,
                     "BEGIN; ALTER TABLE hosts ADD COLUMN robots_refusal TEXT NOT NULL DEFAULT ''; "
                     "PRAGMA user_version = 2; COMMIT;",
                     nullptr, nullptr, nullptr) != SQLITE_OK) {
      return st->Error("migrate to version 2");
    }
  } else if (version != kCrawlStateVersion) {
    return Status::InvalidArgument(path + ": not a moisson crawl state of version " +
                                   std::to_string(kCrawlStateVersion) + " (found " + std::to_string(version) + ")");
  }
  return st;
}

Result<std::optional<std::string>> CrawlState::Meta(std::string_view key) const {
  Stmt s(db_, "SELECT value FROM meta WHERE key = ?");
  if (!s.ok()) return Error("read");
  s.Text(1, key);
  const int rc = s.Step();
  if (rc == SQLITE_ROW) return std::optional<std::string>(s.Col(0));
  if (rc != SQLITE_DONE) return Error("read");
  return std::optional<std::string>();
}

Status CrawlState::ForEachUrl(const std::function<void(UrlRow&&)>& f) const {
  Stmt s(db_, "SELECT id, url, depth, hops, done, kind FROM urls ORDER BY id");
  if (!s.ok()) return Error("read");
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    UrlRow r;
    r.id = s.ColInt(0);
    r.url = s.Col(1);
    r.depth = static_cast<int>(s.ColInt(2));
    r.hops = static_cast<int>(s.ColInt(3));
    r.done = s.ColInt(4) != 0;
    r.kind = static_cast<int>(s.ColInt(5));
    f(std::move(r));
  }
  return rc == SQLITE_DONE ? Status::Ok() : Error("read");
}

Result<std::vector<HostRow>> CrawlState::Hosts() const {
  Stmt s(db_,
         "SELECT origin, fetched_at, lifetime, robots_status, robots_network_error, robots_timed_out, "
         "robots_redirects, robots_body, ai_txt, tdmrep, robots_refusal FROM hosts");
  if (!s.ok()) return Error("read");
  std::vector<HostRow> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    HostRow h;
    h.origin = s.Col(0);
    h.fetched_at = s.ColInt(1);
    h.lifetime = s.ColInt(2);
    h.robots_status = static_cast<int>(s.ColInt(3));
    h.robots_network_error = s.ColInt(4) != 0;
    h.robots_timed_out = s.ColInt(5) != 0;
    h.robots_redirects = static_cast<int>(s.ColInt(6));
    h.robots_body = s.Col(7);
    if (!s.IsNull(8)) h.ai_txt = s.Col(8);
    if (!s.IsNull(9)) h.tdmrep = s.Col(9);
    h.robots_refusal = s.Col(10);
    out.push_back(std::move(h));
  }
  if (rc != SQLITE_DONE) return Error("read");
  return out;
}

Status CrawlState::Commit(const CheckpointData& data) {
  if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) return Error("checkpoint");
  auto fail = [this](const char* what) {
    Status st = Error(what);
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return st;
  };
  {
    Stmt ins(db_, "INSERT INTO urls(id, url, depth, hops, done, kind) VALUES (?, ?, ?, ?, ?, ?)");
    if (!ins.ok()) return fail("checkpoint");
    for (const UrlRow& r : data.new_urls) {
      ins.Int(1, r.id);
      ins.Text(2, r.url);
      ins.Int(3, r.depth);
      ins.Int(4, r.hops);
      ins.Int(5, r.done ? 1 : 0);
      ins.Int(6, r.kind);
      if (ins.Step() != SQLITE_DONE) return fail("checkpoint (urls)");
      ins.Reset();
    }
    Stmt done(db_, "UPDATE urls SET done = 1 WHERE id = ?");
    if (!done.ok()) return fail("checkpoint");
    for (std::int64_t id : data.done) {
      done.Int(1, id);
      if (done.Step() != SQLITE_DONE) return fail("checkpoint (done)");
      done.Reset();
    }
    Stmt host(db_,
              "INSERT OR REPLACE INTO hosts(origin, fetched_at, lifetime, robots_status, robots_network_error, "
              "robots_timed_out, robots_redirects, robots_body, ai_txt, tdmrep, robots_refusal) "
              "VALUES (?,?,?,?,?,?,?,?,?,?,?)");
    if (!host.ok()) return fail("checkpoint");
    for (const HostRow& h : data.hosts) {
      host.Text(1, h.origin);
      host.Int(2, h.fetched_at);
      host.Int(3, h.lifetime);
      host.Int(4, h.robots_status);
      host.Int(5, h.robots_network_error);
      host.Int(6, h.robots_timed_out);
      host.Int(7, h.robots_redirects);
      host.Blob(8, std::string_view(h.robots_body));
      host.Blob(9, h.ai_txt);
      host.Blob(10, h.tdmrep);
      host.Text(11, h.robots_refusal);
      if (host.Step() != SQLITE_DONE) return fail("checkpoint (hosts)");
      host.Reset();
    }
    Stmt meta(db_, "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)");
    if (!meta.ok()) return fail("checkpoint");
    for (const auto& [k, v] : data.meta) {
      meta.Text(1, k);
      meta.Text(2, v);
      if (meta.Step() != SQLITE_DONE) return fail("checkpoint (meta)");
      meta.Reset();
    }
  }
  if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return fail("checkpoint (commit)");
  return Status::Ok();
}

}  // namespace moisson::crawler
