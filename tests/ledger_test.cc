// The provenance ledger: schema, runs, rows, the identifier index, atomic
// appends, file mode and version checks.
#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "audit/ledger.h"

using namespace moisson;
using namespace moisson::audit;

namespace {

struct TempLedger {
  std::string dir;
  std::string path;
  TempLedger() {
    char tmpl[] = "/tmp/moisson_ledger_XXXXXX";
    dir = ::mkdtemp(tmpl);
    path = dir + "/ledger.sqlite";
  }
  ~TempLedger() { (void)std::system(("rm -rf '" + dir + "'").c_str()); }
};

LedgerRow Row(const std::string& url, const std::string& decision, std::vector<std::pair<std::string, std::string>> ids = {}) {
  LedgerRow r;
  r.url = url;
  r.site = "example.org";
  r.source_file = "dump.jsonl";
  r.source_offset = 12;
  r.considered_at = "2026-11-22T09:31:22Z";
  r.decision = decision;
  r.reasons = {"id.email", "id.phone"};
  r.content_sha256 = std::string(64, 'a');
  if (decision != "drop") {
    r.output_file = "out.jsonl";
    r.output_id = "doc-1";
  }
  r.identifiers = std::move(ids);
  return r;
}

std::string Query(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* s = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(s, 0);
    out = t ? reinterpret_cast<const char*>(t) : "";
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

}  // namespace

TEST_CASE("Ledger: runs and rows, found again by identifier digest", "[ledger]") {
  TempLedger t;
  auto l = Ledger::OpenSqlite(t.path);
  REQUIRE(l.ok());
  auto run = (*l)->BeginRun("filter", "e7be12d821c47682");
  REQUIRE(run.ok());
  REQUIRE((*l)->Append(*run, {Row("https://example.org/a", "modify", {{"email", "d1"}, {"phone", "d2"}}),
                              Row("https://example.org/b", "drop", {{"email", "d1"}}),
                              Row("https://example.org/c", "keep")})
              .ok());
  REQUIRE((*l)->EndRun(*run, "{\"documents\":3}").ok());
  CHECK((*l)->RowCount().value() == 3);
  auto hits = (*l)->FindIdentifier("d1");
  REQUIRE(hits.ok());
  REQUIRE(hits->size() == 2);
  CHECK((*hits)[0].url == "https://example.org/a");
  CHECK((*hits)[0].output_id == "doc-1");
  CHECK((*hits)[1].decision == "drop");
  CHECK((*hits)[1].output_file.empty());
  CHECK((*l)->FindIdentifier("nope")->empty());
  CHECK(Query(t.path, "SELECT reasons FROM documents WHERE id = 1") == "id.email,id.phone");
  CHECK(Query(t.path, "SELECT count(*) FROM document_reasons WHERE reason = 'id.phone'") == "3");
  CHECK(Query(t.path, "SELECT summary FROM runs WHERE id = 1") == "{\"documents\":3}");
  CHECK_FALSE(Query(t.path, "SELECT ended_at FROM runs WHERE id = 1").empty());
}

TEST_CASE("Ledger: reopened, rows stay - WAL mode - mode 0600 - schema version", "[ledger]") {
  TempLedger t;
  {
    auto l = Ledger::OpenSqlite(t.path);
    REQUIRE(l.ok());
    auto run = (*l)->BeginRun("filter", "k");
    REQUIRE((*l)->Append(*run, {Row("https://example.org/a", "keep")}).ok());
  }
  auto again = Ledger::OpenSqlite(t.path);
  REQUIRE(again.ok());
  CHECK((*again)->RowCount().value() == 1);
  struct stat sb;
  REQUIRE(::stat(t.path.c_str(), &sb) == 0);
  CHECK((sb.st_mode & 0777) == 0600);
  CHECK(Query(t.path, "PRAGMA journal_mode") == "wal");
  CHECK(Query(t.path, "PRAGMA user_version") == "1");
  CHECK(Query(t.path, "SELECT value FROM meta WHERE key = 'schema_version'") == "1");
}

TEST_CASE("Ledger: an append is all or nothing", "[ledger]") {
  TempLedger t;
  auto l = Ledger::OpenSqlite(t.path);
  REQUIRE(l.ok());
  auto run = (*l)->BeginRun("filter", "k");
  auto bad = Row("https://example.org/b", "maybe");  // not a decision
  const Status st = (*l)->Append(*run, {Row("https://example.org/a", "keep"), bad});
  REQUIRE_FALSE(st.ok());
  CHECK(st.message().find(t.path) == 0);
  CHECK((*l)->RowCount().value() == 0);
  REQUIRE((*l)->Append(*run, {Row("https://example.org/a", "keep")}).ok());
  CHECK((*l)->RowCount().value() == 1);
}

TEST_CASE("Ledger: a newer schema or a foreign database is refused, naming the file", "[ledger]") {
  TempLedger t;
  {
    auto l = Ledger::OpenSqlite(t.path);
    REQUIRE(l.ok());
  }
  sqlite3* db = nullptr;
  sqlite3_open(t.path.c_str(), &db);
  sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto newer = Ledger::OpenSqlite(t.path);
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.status().message().find(t.path + ": ledger schema version 99 is newer") == 0);

  const std::string other = t.dir + "/other.sqlite";
  sqlite3_open(other.c_str(), &db);
  sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto foreign = Ledger::OpenSqlite(other);
  REQUIRE_FALSE(foreign.ok());
  CHECK(foreign.status().message() == other + ": not a moisson ledger (it has tables but no ledger schema version)");
  CHECK_FALSE(Ledger::OpenSqlite("/nonexistent/dir/ledger.sqlite").ok());
}

TEST_CASE("Ledger: a second connection sees committed rows", "[ledger]") {
  TempLedger t;
  auto writer = Ledger::OpenSqlite(t.path);
  auto reader = Ledger::OpenSqlite(t.path);
  REQUIRE(writer.ok());
  REQUIRE(reader.ok());
  auto run = (*writer)->BeginRun("filter", "k");
  REQUIRE((*writer)->Append(*run, {Row("https://example.org/a", "keep", {{"email", "dd"}})}).ok());
  CHECK((*reader)->RowCount().value() == 1);
  CHECK((*reader)->FindIdentifier("dd")->size() == 1);
}
