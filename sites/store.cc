#include "sites/store.h"

#include <sqlite3.h>

#include <filesystem>

#include "core/keyed_hash.h"
#include "core/sqlite.h"
#include "core/url.h"

namespace moisson::sites {

namespace {

constexpr std::string_view kFileNames[] = {"robots.txt", "ai.txt", "tdmrep.json"};
constexpr std::string_view kFilePaths[] = {"/robots.txt", "/ai.txt", "/.well-known/tdmrep.json"};

// Written in the file's application_id, so that a ledger or a crawl state
// given as a store is refused by name ("MSIT").
constexpr int kApplicationId = 0x4d534954;
constexpr int kSchemaVersion = 1;

constexpr char kSchema[] =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS captures("
    "  origin TEXT NOT NULL, path TEXT NOT NULL, file INTEGER NOT NULL, fetched_at INTEGER NOT NULL, status INTEGER NOT NULL,"
    "  network_error INTEGER NOT NULL, timed_out INTEGER NOT NULL, redirects INTEGER NOT NULL,"
    "  location TEXT NOT NULL, source TEXT NOT NULL, body BLOB NOT NULL, body_sha256 TEXT NOT NULL,"
    "  UNIQUE(origin, path, fetched_at, status, body_sha256));"
    "CREATE INDEX IF NOT EXISTS captures_file ON captures(file, origin, fetched_at);";


Result<std::int64_t> Pragma(sqlite3* db, const char* sql, const std::string& path) {
  SqliteStatement s(db, sql);
  if (!s.ok() || s.Step() != SQLITE_ROW) {
    return Status::InvalidArgument(path + ": not a site-policy store (" + sqlite3_errmsg(db) + ")");
  }
  return s.ColInt(0);
}

}  // namespace

std::string_view SiteFileName(SiteFile f) { return kFileNames[static_cast<int>(f)]; }
std::string_view SiteFilePath(SiteFile f) { return kFilePaths[static_cast<int>(f)]; }

std::optional<SiteFile> SiteFileOfPath(std::string_view p) {
  for (int i = 0; i < 3; ++i) {
    if (p == kFilePaths[i]) return static_cast<SiteFile>(i);
  }
  return std::nullopt;
}

std::optional<std::pair<std::string, std::string>> RedirectTarget(std::string_view origin, std::string_view path,
                                                                   std::string_view location) {
  std::string target;
  if (location.starts_with("http://") || location.starts_with("https://") || location.starts_with("HTTP")) {
    target = std::string(location);
  } else if (location.starts_with("//")) {
    target = std::string(origin.substr(0, origin.find("//"))) + std::string(location);
  } else if (location.starts_with("/")) {
    target = std::string(origin) + std::string(location);
  } else if (!location.empty() && location.find(':') == std::string_view::npos) {
    const std::size_t slash = path.rfind('/');
    target = std::string(origin) + std::string(path.substr(0, slash == std::string_view::npos ? 0 : slash + 1)) +
             std::string(location);
  } else {
    return std::nullopt;
  }
  auto u = ParseHttpUrl(target);
  if (!u.ok()) return std::nullopt;
  return std::pair{u->Origin(), u->path_query};
}

Result<std::unique_ptr<SiteStore>> SiteStore::Open(const std::string& path, Mode mode) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Status::InvalidArgument(path + ": is a directory, not a site-policy store");
  const bool exists = std::filesystem::exists(path, ec);
  if (!exists && mode == kReadOnly) {
    return Status::NotFound(path + ": no such site-policy store (make one with `moisson sites import`)");
  }
  std::unique_ptr<SiteStore> s(new SiteStore());
  s->path_ = path;
  const int flags = mode == kCreate ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
  if (sqlite3_open_v2(path.c_str(), &s->db_, flags | SQLITE_OPEN_FULLMUTEX, nullptr) != SQLITE_OK) {
    return Status::Io(path + ": cannot open site-policy store: " + (s->db_ ? sqlite3_errmsg(s->db_) : "out of memory"));
  }
  sqlite3_busy_timeout(s->db_, 5000);
  auto app = Pragma(s->db_, "PRAGMA application_id", path);
  if (!app.ok()) return app.status();
  auto tables = Pragma(s->db_, "SELECT count(*) FROM sqlite_master", path);
  if (!tables.ok()) return tables.status();
  if (*app != kApplicationId && (*app != 0 || *tables != 0)) {
    return Status::InvalidArgument(path + ": not a site-policy store (another SQLite database)");
  }
  if (*app == 0) {
    if (mode == kReadOnly) return Status::InvalidArgument(path + ": not a site-policy store (an empty database)");
    const std::string init = std::string(kSchema) + "PRAGMA application_id=" + std::to_string(kApplicationId) +
                             ";PRAGMA user_version=" + std::to_string(kSchemaVersion) + ";";
    if (Status st = SqliteExec(s->db_, init.c_str(), path); !st.ok()) return st;
  }
  auto version = Pragma(s->db_, "PRAGMA user_version", path);
  if (!version.ok()) return version.status();
  if (*version != kSchemaVersion) {
    return Status::InvalidArgument(path + ": site-policy store of schema " + std::to_string(*version) +
                                   ", this moisson reads schema " + std::to_string(kSchemaVersion));
  }
  return s;
}

SiteStore::~SiteStore() {
  insert_.Finalize();
  sqlite3_close(db_);
}

Status SiteStore::Begin() { return SqliteExec(db_, "BEGIN IMMEDIATE", path_); }
Status SiteStore::Commit() { return SqliteExec(db_, "COMMIT", path_); }
void SiteStore::Rollback() { sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr); }

Result<bool> SiteStore::Add(const Capture& c) {
  if (!insert_.ok() &&
      !insert_.Prepare(db_, "INSERT OR IGNORE INTO captures(origin, file, fetched_at, status, network_error, timed_out,"
                            " redirects, location, source, body, body_sha256, path)"
                            " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)")) {
    return Status::Io(path_ + ": SQLite: " + sqlite3_errmsg(db_));
  }
  SqliteStatement& s = insert_;
  ResetOnExit reset(s);
  const std::string digest = Sha256Hex(c.body);
  const std::optional<SiteFile> file = SiteFileOfPath(c.path);
  s.Text(1, c.origin).Int(2, file ? static_cast<int>(*file) : -1).Int(3, c.fetched_at).Int(4, c.status);
  s.Int(5, c.network_error).Int(6, c.timed_out).Int(7, c.redirects).Text(8, c.location).Text(9, c.source);
  s.Blob(10, std::string_view(c.body)).Text(11, digest).Text(12, c.path);
  if (s.Step() != SQLITE_DONE) return Status::Io(path_ + ": cannot add a capture: " + sqlite3_errmsg(db_));
  return sqlite3_changes(db_) > 0;
}

namespace {
constexpr char kColumns[] =
    "SELECT origin, file, fetched_at, status, network_error, timed_out, redirects, location, source, body, path"
    " FROM captures ";
}  // namespace

Status SiteStore::ForEach(const std::function<bool(Capture&&)>& fn) const {
  return Walk(nullptr, fn);
}

Result<std::vector<Capture>> SiteStore::CapturesAt(std::string_view origin, std::string_view path) const {
  std::vector<Capture> out;
  const std::pair<std::string_view, std::string_view> key{origin, path};
  Status s = Walk(&key, [&](Capture&& c) {
    out.push_back(std::move(c));
    return true;
  });
  if (!s.ok()) return s;
  return out;
}

Status SiteStore::Walk(const std::pair<std::string_view, std::string_view>* only,
                       const std::function<bool(Capture&&)>& fn) const {
  const std::string sql =
      std::string(kColumns) +
      (!only                   ? "WHERE file >= 0 ORDER BY origin, file, fetched_at, rowid"
       : only->second.empty() ? "WHERE origin = ?1 AND file >= 0 ORDER BY file, fetched_at, rowid"
                              : "WHERE origin = ?1 AND path = ?2 ORDER BY fetched_at, rowid");
  SqliteStatement s(db_, sql.c_str());
  if (!s.ok()) return Status::Io(path_ + ": SQLite: " + sqlite3_errmsg(db_));
  if (only) {
    s.Text(1, only->first);
    if (!only->second.empty()) s.Text(2, only->second);
  }
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    Capture c;
    c.origin = s.Col(0);
    const std::int64_t file = s.ColInt(1);
    if (file < -1 || file > 2) return Status::InvalidArgument(path_ + ": a capture of an unknown file kind");
    c.file = file < 0 ? SiteFile::kRobots : static_cast<SiteFile>(file);
    c.fetched_at = s.ColInt(2);
    c.status = static_cast<int>(s.ColInt(3));
    c.network_error = s.ColInt(4) != 0;
    c.timed_out = s.ColInt(5) != 0;
    c.redirects = static_cast<int>(s.ColInt(6));
    c.location = s.Col(7);
    c.source = s.Col(8);
    c.body = s.Col(9);
    c.path = s.Col(10);
    if (!fn(std::move(c))) return Status::Ok();
  }
  if (rc != SQLITE_DONE) return Status::Io(path_ + ": cannot read the captures: " + sqlite3_errmsg(db_));
  return Status::Ok();
}

Status SiteStore::ForOrigin(std::string_view origin, const std::function<bool(Capture&&)>& fn) const {
  const std::pair<std::string_view, std::string_view> key{origin, std::string_view()};
  return Walk(&key, fn);
}

Status SiteStore::ForEachOrigin(const std::function<bool(std::string_view)>& fn) const {
  SqliteStatement s(db_, "SELECT DISTINCT origin FROM captures WHERE file = 0 ORDER BY origin");
  if (!s.ok()) return Status::Io(path_ + ": SQLite: " + sqlite3_errmsg(db_));
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    if (!fn(s.Col(0))) return Status::Ok();
  }
  if (rc != SQLITE_DONE) return Status::Io(path_ + ": cannot read the origins: " + sqlite3_errmsg(db_));
  return Status::Ok();
}

Result<SiteStore::Counts> SiteStore::Count() const {
  Counts n;
  SqliteStatement s(db_, "SELECT file, count(*), count(DISTINCT origin) FROM captures WHERE file >= 0 GROUP BY file");
  if (!s.ok()) return Status::Io(path_ + ": SQLite: " + sqlite3_errmsg(db_));
  while (s.Step() == SQLITE_ROW) {
    const std::int64_t f = s.ColInt(0);
    if (f >= 0 && f <= 2) {
      n.by_file[f] = s.ColInt(1);
      n.origins_by_file[f] = s.ColInt(2);
    }
    n.captures += s.ColInt(1);
  }
  SqliteStatement o(db_, "SELECT count(DISTINCT origin) FROM captures WHERE file >= 0");
  if (o.ok() && o.Step() == SQLITE_ROW) n.origins = o.ColInt(0);
  return n;
}

}  // namespace moisson::sites
