// The provenance ledger: schema, runs, rows, the identifier index, atomic
// appends, file mode, WAL, version checks and migrations. All data here is
// fictitious.
#include <catch2/catch.hpp>

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdlib>
#include <fstream>
#include <iterator>

#include "audit/ledger.h"
#include "audit/ledger_internal.h"

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

// A 64-hex digest that stands for one fictitious identifier.
std::string Digest(char c) { return std::string(64, c); }

LedgerRow Row(const std::string& url, const std::string& decision,
              std::vector<std::pair<std::string, std::string>> ids = {}) {
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

// First column of the first row of `sql`, through a separate read-only
// connection ("" when there is no row).
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

void Exec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

}  // namespace

TEST_CASE("Ledger: rows are found again by identifier digest with their provenance", "[ledger]") {
  TempLedger t;
  auto l = Ledger::OpenSqlite(t.path);
  REQUIRE(l.ok());
  auto run = (*l)->BeginRun("filter", "e7be12d821c47682");
  REQUIRE(run.ok());
  LedgerRow a = Row("https://example.org/a", "modify", {{"email", Digest('1')}, {"phone", Digest('2')}});
  a.source_offset = 1ull << 40;
  REQUIRE((*l)->Append(*run, {a, Row("https://example.org/b", "drop", {{"email", Digest('1')}}),
                              Row("https://example.org/c", "keep")})
              .ok());
  REQUIRE((*l)->EndRun(*run, "{\"documents\":3}").ok());
  CHECK((*l)->RowCount().value() == 3);

  auto hits = (*l)->FindIdentifier(Digest('1'));
  REQUIRE(hits.ok());
  REQUIRE(hits->size() == 2);
  const IdentifierHit& h = (*hits)[0];
  CHECK(h.url == "https://example.org/a");
  CHECK(h.site == "example.org");
  CHECK(h.source_file == "dump.jsonl");
  CHECK(h.source_offset == (1ull << 40));
  CHECK(h.considered_at == "2026-11-22T09:31:22Z");
  CHECK(h.decision == "modify");
  CHECK(h.output_file == "out.jsonl");
  CHECK(h.output_id == "doc-1");
  CHECK(h.type == "email");
  CHECK(h.run == *run);
  CHECK(h.reasons == std::vector<std::string>{"id.email", "id.phone"});
  CHECK((*hits)[1].url == "https://example.org/b");
  CHECK((*hits)[1].decision == "drop");
  CHECK((*hits)[1].output_file.empty());
  CHECK((*hits)[1].output_id.empty());
  CHECK((*l)->FindIdentifier(Digest('2'))->size() == 1);
  CHECK((*l)->FindIdentifier(Digest('9'))->empty());

  CHECK(Query(t.path, "SELECT summary FROM runs WHERE id = 1") == "{\"documents\":3}");
  CHECK(Query(t.path, "SELECT command || ' ' || key_id FROM runs WHERE id = 1") == "filter e7be12d821c47682");
  CHECK_FALSE(Query(t.path, "SELECT ended_at FROM runs WHERE id = 1").empty());
}

TEST_CASE("Ledger: reasons round-trip as text and as one child row each", "[ledger]") {
  TempLedger t;
  auto l = Ledger::OpenSqlite(t.path);
  REQUIRE(l.ok());
  auto run = (*l)->BeginRun("filter", "k");
  LedgerRow none = Row("https://example.org/n", "keep", {{"email", Digest('3')}});
  none.reasons.clear();
  LedgerRow dup = Row("https://example.org/d", "drop", {{"email", Digest('3')}});
  dup.reasons = {"optout.person", "banking.card", "optout.person"};
  REQUIRE((*l)->Append(*run, {Row("https://example.org/a", "modify", {{"email", Digest('3')}}), none, dup}).ok());
  auto hits = (*l)->FindIdentifier(Digest('3'));
  REQUIRE(hits->size() == 3);
  CHECK((*hits)[0].reasons == std::vector<std::string>{"id.email", "id.phone"});
  CHECK((*hits)[1].reasons.empty());
  CHECK((*hits)[2].reasons == std::vector<std::string>{"optout.person", "banking.card", "optout.person"});
  CHECK(Query(t.path, "SELECT reasons FROM documents WHERE id = 1") == "id.email,id.phone");
  CHECK(Query(t.path, "SELECT count(*) FROM document_reasons WHERE reason = 'id.phone'") == "1");
  CHECK(Query(t.path, "SELECT count(*) FROM document_reasons WHERE document = 3") == "2");  // duplicate absorbed
  CHECK(Query(t.path,
              "SELECT group_concat(reason) FROM (SELECT r.reason FROM document_reasons r JOIN documents d "
              "ON d.id = r.document WHERE d.site = 'example.org' AND d.decision = 'drop' ORDER BY r.reason)") ==
        "banking.card,optout.person");
}

TEST_CASE("Ledger: a digest listed twice for one document is stored once", "[ledger]") {
  TempLedger t;
  auto l = Ledger::OpenSqlite(t.path);
  REQUIRE(l.ok());
  auto run = (*l)->BeginRun("filter", "k");
  REQUIRE((*l)->Append(*run, {Row("https://example.org/a", "modify", {{"email", Digest('4')}, {"email", Digest('4')}})})
              .ok());
  CHECK((*l)->FindIdentifier(Digest('4'))->size() == 1);
}

TEST_CASE("Ledger: an empty considered_at is stamped with the current UTC time", "[ledger]") {
  TempLedger t;
  auto l = Ledger::OpenSqlite(t.path);
  REQUIRE(l.ok());
  auto run = (*l)->BeginRun("filter", "k");
  LedgerRow r = Row("https://example.org/a", "keep", {{"email", Digest('5')}});
  r.considered_at.clear();
  REQUIRE((*l)->Append(*run, {r}).ok());
  const std::string at = (*l)->FindIdentifier(Digest('5'))->at(0).considered_at;
  CHECK(at.size() == 20);
  CHECK(StartsWith(at, "20"));
  CHECK(at.back() == 'Z');
}

TEST_CASE("Ledger: rows stay after reopening; WAL mode; files mode 0600; schema version in pragma and meta", "[ledger]") {
  TempLedger t;
  {
    auto l = Ledger::OpenSqlite(t.path);
    REQUIRE(l.ok());
    auto run = (*l)->BeginRun("filter", "k");
    REQUIRE((*l)->Append(*run, {Row("https://example.org/a", "keep")}).ok());
    struct stat wal;
    REQUIRE(::stat((t.path + "-wal").c_str(), &wal) == 0);  // open while the ledger is
    CHECK((wal.st_mode & 0777) == 0600);
  }
  auto again = Ledger::OpenSqlite(t.path);
  REQUIRE(again.ok());
  CHECK((*again)->RowCount().value() == 1);
  auto run2 = (*again)->BeginRun("filter", "k");
  REQUIRE(run2.ok());
  CHECK(*run2 == 2);
  REQUIRE((*again)->Append(*run2, {Row("https://example.org/b", "keep")}).ok());
  CHECK((*again)->RowCount().value() == 2);
  struct stat sb;
  REQUIRE(::stat(t.path.c_str(), &sb) == 0);
  CHECK((sb.st_mode & 0777) == 0600);
  CHECK(Query(t.path, "PRAGMA journal_mode") == "wal");
  CHECK(Query(t.path, "PRAGMA user_version") == std::to_string(kLedgerSchemaVersion));
  CHECK(Query(t.path, "SELECT value FROM meta WHERE key = 'schema_version'") == std::to_string(kLedgerSchemaVersion));
  CHECK(StartsWith(Query(t.path, "SELECT value FROM meta WHERE key = 'created_by'"), "moisson "));
  CHECK_FALSE(Query(t.path, "SELECT value FROM meta WHERE key = 'created_at'").empty());
  CHECK(Query(t.path, "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                      "('documents_site_url', 'documents_run', 'identifiers_document')") == "3");
}

TEST_CASE("Ledger: an append is all or nothing", "[ledger]") {
  TempLedger t;
  auto l = Ledger::OpenSqlite(t.path);
  REQUIRE(l.ok());
  auto run = (*l)->BeginRun("filter", "k");
  auto bad = Row("https://example.org/b", "maybe");  // not a decision
  const Status st = (*l)->Append(*run, {Row("https://example.org/a", "keep", {{"email", Digest('6')}}), bad});
  REQUIRE_FALSE(st.ok());
  CHECK(StartsWith(st.message(), t.path + ": ledger append failed at row 2 of 2"));
  CHECK(st.message().find("decision") != std::string::npos);
  CHECK((*l)->RowCount().value() == 0);
  CHECK((*l)->FindIdentifier(Digest('6'))->empty());
  CHECK(Query(t.path, "SELECT count(*) FROM document_reasons") == "0");
  // The ledger stays usable.
  REQUIRE((*l)->Append(*run, {Row("https://example.org/a", "keep")}).ok());
  CHECK((*l)->RowCount().value() == 1);

  // An unknown run breaks the foreign key.
  const Status no_run = (*l)->Append(*run + 100, {Row("https://example.org/c", "keep")});
  CHECK_FALSE(no_run.ok());
  CHECK(no_run.message().find("FOREIGN KEY") != std::string::npos);
  // A reason with a comma would not round-trip.
  LedgerRow comma = Row("https://example.org/c", "drop");
  comma.reasons = {"a,b"};
  CHECK_FALSE((*l)->Append(*run, {comma}).ok());
  LedgerRow hash = Row("https://example.org/c", "keep");
  hash.content_sha256 = "abc";
  CHECK_FALSE((*l)->Append(*run, {hash}).ok());
  CHECK((*l)->RowCount().value() == 1);
}

TEST_CASE("Ledger: a clear identifier passed as a digest is refused and never written or echoed", "[ledger]") {
  TempLedger t;
  auto l = Ledger::OpenSqlite(t.path);
  REQUIRE(l.ok());
  auto run = (*l)->BeginRun("filter", "k");
  // Fictitious address, padded to the digest length so that only the digits check can catch it.
  std::string clear = "jeanne.fictive@example.org";
  clear.resize(64, 'z');
  const Status st = (*l)->Append(*run, {Row("https://example.org/a", "keep", {{"email", clear}})});
  REQUIRE_FALSE(st.ok());
  CHECK(StartsWith(st.message(), t.path + ": ledger append failed at row 1 of 1"));
  CHECK(st.message().find("jeanne") == std::string::npos);
  CHECK((*l)->RowCount().value() == 0);
  CHECK(Slurp(t.path).find("jeanne") == std::string::npos);
  CHECK(Slurp(t.path + "-wal").find("jeanne") == std::string::npos);
  CHECK_FALSE((*l)->Append(*run, {Row("https://example.org/a", "keep", {{"email", "jeanne@example.org"}})}).ok());
  CHECK_FALSE((*l)->Append(*run, {Row("https://example.org/a", "keep", {{"email", std::string(64, 'A')}})}).ok());
}

TEST_CASE("Ledger: ending an unknown run is an error", "[ledger]") {
  TempLedger t;
  auto l = Ledger::OpenSqlite(t.path);
  REQUIRE(l.ok());
  const Status st = (*l)->EndRun(42, "{}");
  REQUIRE_FALSE(st.ok());
  CHECK(st.message() == t.path + ": ledger end run failed: no run 42");
}

TEST_CASE("Ledger: a newer schema or a foreign or damaged database is refused naming the file", "[ledger]") {
  TempLedger t;
  {
    auto l = Ledger::OpenSqlite(t.path);
    REQUIRE(l.ok());
  }
  Exec(t.path, "PRAGMA user_version = 99");
  auto newer = Ledger::OpenSqlite(t.path);
  REQUIRE_FALSE(newer.ok());
  CHECK(StartsWith(newer.status().message(), t.path + ": ledger schema version 99 is newer than this moisson knows"));

  const std::string other = t.dir + "/other.sqlite";
  Exec(other, "CREATE TABLE t(x)");
  auto foreign = Ledger::OpenSqlite(other);
  REQUIRE_FALSE(foreign.ok());
  CHECK(foreign.status().message() == other + ": not a moisson ledger (it has tables but no ledger schema version)");
  CHECK(Query(other, "SELECT count(*) FROM sqlite_master") == "1");  // left untouched

  const std::string damaged = t.dir + "/damaged.sqlite";
  {
    auto l = Ledger::OpenSqlite(damaged);
    REQUIRE(l.ok());
  }
  Exec(damaged, "DELETE FROM meta");
  auto d = Ledger::OpenSqlite(damaged);
  REQUIRE_FALSE(d.ok());
  CHECK(StartsWith(d.status().message(), damaged + ": damaged moisson ledger"));

  const std::string text = t.dir + "/notes.txt";
  std::ofstream(text) << "not a database at all, just some text that is long enough to fill a header\n";
  auto txt = Ledger::OpenSqlite(text);
  REQUIRE_FALSE(txt.ok());
  CHECK(StartsWith(txt.status().message(), text + ": "));

  auto missing = Ledger::OpenSqlite("/nonexistent/dir/ledger.sqlite");
  REQUIRE_FALSE(missing.ok());
  CHECK(StartsWith(missing.status().message(), "/nonexistent/dir/ledger.sqlite: cannot open the ledger"));
  CHECK_FALSE(Ledger::OpenSqlite("").ok());
}

TEST_CASE("Ledger: an older schema is migrated step by step keeping its rows", "[ledger]") {
  TempLedger t;
  const auto v1 = internal::LedgerMigrations();
  REQUIRE(v1.size() == static_cast<std::size_t>(kLedgerSchemaVersion));
  {
    auto l = Ledger::OpenSqlite(t.path);
    REQUIRE(l.ok());
    auto run = (*l)->BeginRun("filter", "k");
    REQUIRE((*l)->Append(*run, {Row("https://example.org/a", "keep", {{"email", Digest('7')}})}).ok());
  }
  // A later moisson with one more step.
  std::vector<internal::Migration> steps(v1.begin(), v1.end());
  steps.push_back({kLedgerSchemaVersion + 1,
                   "ALTER TABLE documents ADD COLUMN future_column INTEGER; "
                   "CREATE TABLE future_table (id INTEGER PRIMARY KEY, kind TEXT NOT NULL);"});
  {
    auto l = internal::OpenSqliteWithMigrations(t.path, steps);
    REQUIRE(l.ok());
    CHECK((*l)->RowCount().value() == 1);
    CHECK((*l)->FindIdentifier(Digest('7'))->size() == 1);
    auto run = (*l)->BeginRun("filter", "k");
    REQUIRE((*l)->Append(*run, {Row("https://example.org/b", "keep", {{"email", Digest('7')}})}).ok());
    CHECK((*l)->FindIdentifier(Digest('7'))->size() == 2);
  }
  const std::string v2 = std::to_string(kLedgerSchemaVersion + 1);
  CHECK(Query(t.path, "PRAGMA user_version") == v2);
  CHECK(Query(t.path, "SELECT value FROM meta WHERE key = 'schema_version'") == v2);
  CHECK(StartsWith(Query(t.path, "SELECT value FROM meta WHERE key = 'migrated_by'"), "moisson "));
  CHECK_FALSE(Query(t.path, "SELECT value FROM meta WHERE key = 'created_at'").empty());  // kept
  CHECK(Query(t.path, "SELECT count(*) FROM documents WHERE future_column IS NULL") == "2");
  // This binary now refuses the file.
  auto old = Ledger::OpenSqlite(t.path);
  REQUIRE_FALSE(old.ok());
  CHECK(StartsWith(old.status().message(), t.path + ": ledger schema version " + v2 + " is newer"));
}

TEST_CASE("Ledger: a failing migration leaves the file at its old version", "[ledger]") {
  TempLedger t;
  {
    auto l = Ledger::OpenSqlite(t.path);
    REQUIRE(l.ok());
  }
  const auto v1 = internal::LedgerMigrations();
  std::vector<internal::Migration> steps(v1.begin(), v1.end());
  steps.push_back({kLedgerSchemaVersion + 1, "CREATE TABLE fine (x); ALTER TABLE no_such_table ADD COLUMN y;"});
  auto l = internal::OpenSqliteWithMigrations(t.path, steps);
  REQUIRE_FALSE(l.ok());
  CHECK(StartsWith(l.status().message(), t.path + ": ledger migrate to schema " + std::to_string(kLedgerSchemaVersion + 1) + " failed"));
  CHECK(Query(t.path, "PRAGMA user_version") == std::to_string(kLedgerSchemaVersion));
  CHECK(Query(t.path, "SELECT count(*) FROM sqlite_master WHERE name = 'fine'") == "0");
  CHECK(Ledger::OpenSqlite(t.path).ok());
}

TEST_CASE("Ledger: a second connection sees committed rows", "[ledger]") {
  TempLedger t;
  auto writer = Ledger::OpenSqlite(t.path);
  auto reader = Ledger::OpenSqlite(t.path);
  REQUIRE(writer.ok());
  REQUIRE(reader.ok());
  CHECK((*reader)->RowCount().value() == 0);
  auto run = (*writer)->BeginRun("filter", "k");
  REQUIRE((*writer)->Append(*run, {Row("https://example.org/a", "keep", {{"email", Digest('8')}})}).ok());
  CHECK((*reader)->RowCount().value() == 1);
  CHECK((*reader)->FindIdentifier(Digest('8'))->size() == 1);
  REQUIRE((*writer)->Append(*run, {Row("https://example.org/b", "keep", {{"email", Digest('8')}})}).ok());
  CHECK((*reader)->RowCount().value() == 2);
  CHECK((*reader)->FindIdentifier(Digest('8'))->size() == 2);
  CHECK(Query(t.path, "SELECT count(*) FROM identifiers") == "2");
}

TEST_CASE("Ledger: lookups by digest and by site and URL use an index", "[ledger]") {
  TempLedger t;
  {
    auto l = Ledger::OpenSqlite(t.path);
    REQUIRE(l.ok());
  }
  // EXPLAIN QUERY PLAN's detail column: "SEARCH ... USING INDEX ..." vs "SCAN ...".
  auto plan = [&](const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(t.path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* s = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db, ("EXPLAIN QUERY PLAN " + sql).c_str(), -1, &s, nullptr) == SQLITE_OK) {
      while (sqlite3_step(s) == SQLITE_ROW) {
        out += std::string(reinterpret_cast<const char*>(sqlite3_column_text(s, 3))) + ";";
      }
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
  };
  CHECK(StartsWith(plan("SELECT document FROM identifiers WHERE digest = 'x'"), "SEARCH identifiers USING PRIMARY KEY"));
  CHECK(StartsWith(plan("SELECT id FROM documents WHERE site = 'a.example' AND url = 'https://a.example/'"),
                   "SEARCH documents USING COVERING INDEX documents_site_url"));
  CHECK(StartsWith(plan("SELECT url FROM documents WHERE site = 'a.example'"),
                   "SEARCH documents USING COVERING INDEX documents_site_url"));
  CHECK(StartsWith(plan("SELECT digest FROM identifiers WHERE document = 3"),
                   "SEARCH identifiers USING COVERING INDEX identifiers_document"));
}

TEST_CASE("Ledger: a v1 file gains the crawl columns and its rows read as not fetched", "[ledger]") {
  TempLedger t;
  {
    auto l = Ledger::OpenSqlite(t.path);
    REQUIRE(l.ok());
    auto run = (*l)->BeginRun("filter", "k");
    REQUIRE((*l)->Append(*run, {Row("https://example.org/a", "keep", {{"email", Digest('7')}})}).ok());
  }
  // Turn it into the file a v1 moisson wrote: no crawl columns, version 1.
  Exec(t.path,
       "ALTER TABLE documents DROP COLUMN http_status; ALTER TABLE documents DROP COLUMN fetched; "
       "ALTER TABLE documents DROP COLUMN signal; ALTER TABLE documents DROP COLUMN prev_hash; "
       "ALTER TABLE documents DROP COLUMN row_hash; ALTER TABLE documents DROP COLUMN captured_at; "
       "DELETE FROM meta WHERE key = 'chain_head'; "
       "DROP TABLE request_rows; DROP TABLE requests; DROP TABLE chain_checkpoints; DROP TABLE inputs; "
       "PRAGMA user_version = 1; UPDATE meta SET value = '1' WHERE key = 'schema_version';");
  CHECK(Query(t.path, "PRAGMA user_version") == "1");
  auto l = Ledger::OpenSqlite(t.path);
  REQUIRE(l.ok());
  CHECK(Query(t.path, "PRAGMA user_version") == std::to_string(kLedgerSchemaVersion));
  CHECK(Query(t.path, "SELECT http_status || ',' || fetched || ',' || signal FROM documents") == "0,0,");
  auto run = (*l)->BeginRun("crawl", "k");
  LedgerRow r = Row("https://example.org/b", "drop", {});
  r.http_status = 200;
  r.fetched = true;
  r.signal = "header X-Robots-Tag: noai";
  REQUIRE((*l)->Append(*run, {r}).ok());
  CHECK(Query(t.path, "SELECT http_status || ',' || fetched || ',' || signal FROM documents WHERE url LIKE '%/b'") ==
        "200,1,header X-Robots-Tag: noai");
  r.http_status = 1000;
  CHECK_FALSE((*l)->Append(*run, {r}).ok());
  // The old row was chained by the migration; the new one continues the chain.
  auto rep = (*l)->VerifyChain();
  REQUIRE(rep.ok());
  CHECK(rep->ok);
  CHECK(rep->rows == 2);
}

namespace {

// A ledger of five rows (two with identifiers) for the tamper tests.
std::unique_ptr<Ledger> FiveRows(const std::string& path) {
  auto l = Ledger::OpenSqlite(path);
  REQUIRE(l.ok());
  auto run = (*l)->BeginRun("filter", "k");
  std::vector<LedgerRow> rows;
  for (int i = 1; i <= 5; ++i) {
    rows.push_back(Row("https://example.org/" + std::to_string(i), i == 3 ? "drop" : "keep",
                       i % 2 == 0 ? std::vector<std::pair<std::string, std::string>>{{"email", Digest('a' + i)}}
                                  : std::vector<std::pair<std::string, std::string>>{}));
  }
  REQUIRE((*l)->Append(*run, {rows[0], rows[1]}).ok());
  REQUIRE((*l)->Append(*run, {rows[2], rows[3], rows[4]}).ok());
  return std::move(l).value();
}

ChainReport Verify(const std::string& path) {
  auto l = Ledger::OpenSqlite(path);
  REQUIRE(l.ok());
  auto rep = (*l)->VerifyChain();
  REQUIRE(rep.ok());
  return rep.value();
}

}  // namespace

TEST_CASE("Ledger chain: an untouched ledger verifies and names its head", "[ledger][chain]") {
  TempLedger t;
  FiveRows(t.path);
  const ChainReport rep = Verify(t.path);
  CHECK(rep.ok);
  CHECK(rep.rows == 5);
  CHECK(rep.problem.empty());
  CHECK(rep.head.substr(0, 2) == "5 ");
  CHECK(rep.head.size() == 2 + 64);
  CHECK(Query(t.path, "SELECT value FROM meta WHERE key = 'chain_head'") == rep.head);
}

TEST_CASE("Ledger chain: an edited row is found and named", "[ledger][chain]") {
  TempLedger t;
  FiveRows(t.path);
  Exec(t.path.c_str(), "UPDATE documents SET decision = 'keep' WHERE id = 3");
  ChainReport rep = Verify(t.path);
  CHECK_FALSE(rep.ok);
  CHECK(rep.bad_row == 3);
  CHECK(rep.problem == "row 3 was changed: its content does not match its hash");
}

TEST_CASE("Ledger chain: an identifier changed or removed is an edit of its row", "[ledger][chain]") {
  TempLedger t;
  FiveRows(t.path);
  Exec(t.path, ("UPDATE identifiers SET digest = '" + Digest('z') + "' WHERE document = 4").c_str());
  CHECK(Verify(t.path).bad_row == 4);
  TempLedger u;
  FiveRows(u.path);
  Exec(u.path, "DELETE FROM identifiers WHERE document = 2");
  CHECK(Verify(u.path).bad_row == 2);
}

TEST_CASE("Ledger chain: removed rows are found in the middle at the start and at the end", "[ledger][chain]") {
  TempLedger mid;
  FiveRows(mid.path);
  Exec(mid.path, "DELETE FROM document_reasons WHERE document = 3; DELETE FROM documents WHERE id = 3");
  ChainReport rep = Verify(mid.path);
  CHECK_FALSE(rep.ok);
  CHECK(rep.bad_row == 4);
  CHECK(rep.problem == "row 4 does not follow row 2: rows were removed, inserted or moved between them");

  TempLedger first;
  FiveRows(first.path);
  Exec(first.path, "DELETE FROM document_reasons WHERE document = 1; DELETE FROM documents WHERE id = 1");
  rep = Verify(first.path);
  CHECK(rep.bad_row == 2);
  CHECK(rep.problem == "row 2 is first but does not start the chain: rows were removed before it");

  TempLedger last;
  FiveRows(last.path);
  Exec(last.path, "DELETE FROM document_reasons WHERE document = 5; DELETE FROM documents WHERE id = 5");
  rep = Verify(last.path);
  CHECK_FALSE(rep.ok);
  CHECK(rep.problem.find("the chain ends at row 4 but the ledger's head names row 5") == 0);
}

TEST_CASE("Ledger chain: rows swapped or renumbered are found", "[ledger][chain]") {
  TempLedger t;
  FiveRows(t.path);
  // Swap the URLs of rows 1 and 2 (a reordering of their content).
  Exec(t.path,
       "UPDATE documents SET url = CASE id WHEN 1 THEN 'https://example.org/2' ELSE 'https://example.org/1' END "
       "WHERE id IN (1, 2)");
  CHECK(Verify(t.path).bad_row == 1);
  TempLedger u;
  FiveRows(u.path);
  Exec(u.path, "PRAGMA foreign_keys = OFF; UPDATE documents SET id = 9 WHERE id = 2");
  const ChainReport rep = Verify(u.path);
  CHECK_FALSE(rep.ok);
  CHECK(rep.bad_row == 3);  // row 3 no longer follows row 1
}

namespace {

// VerifyChain on a fresh FiveRows ledger after `sql`, run by hand.
ChainReport VerifyTampered(const char* sql) {
  TempLedger t;
  FiveRows(t.path);
  Exec(t.path, sql);
  return Verify(t.path);
}

}  // namespace

TEST_CASE("Ledger chain: the per-reason index must agree with the chained rows", "[ledger][chain]") {
  // document_reasons is derived from each row's chained `reasons`; the
  // reports count from it, so a row of it removed, added or edited is a
  // broken ledger, not an intact one.
  ChainReport rep = VerifyTampered("DELETE FROM document_reasons WHERE document = 3");
  CHECK_FALSE(rep.ok);
  CHECK(rep.bad_row == 3);
  CHECK(rep.problem ==
        "row 3's reasons in the per-reason index (document_reasons) differ from the reasons its hash covers: "
        "the index was edited");
  CHECK(VerifyTampered("INSERT INTO document_reasons(document, reason) VALUES (2, 'minor')").bad_row == 2);
  CHECK(VerifyTampered("UPDATE document_reasons SET reason = 'minor' WHERE document = 4 AND reason = 'id.phone'")
            .bad_row == 4);
  rep = VerifyTampered("PRAGMA foreign_keys = OFF; INSERT INTO document_reasons(document, reason) VALUES (99, 'minor')");
  CHECK_FALSE(rep.ok);
  CHECK(rep.problem == "the per-reason index (document_reasons) holds 11 rows, the chained rows give 10: "
                       "rows were added to it");
}

TEST_CASE("Ledger chain: two ledger objects appending in turn extend one chain", "[ledger][chain]") {
  TempLedger t;
  auto a = Ledger::OpenSqlite(t.path);
  auto b = Ledger::OpenSqlite(t.path);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  auto ra = (*a)->BeginRun("crawl", "k");
  auto rb = (*b)->BeginRun("crawl", "k");
  for (int i = 0; i < 6; ++i) {
    Ledger& l = i % 2 == 0 ? **a : **b;
    REQUIRE(l.Append(i % 2 == 0 ? *ra : *rb, {Row("https://example.org/x" + std::to_string(i), "keep", {})}).ok());
  }
  const ChainReport rep = Verify(t.path);
  CHECK(rep.ok);
  CHECK(rep.rows == 6);
}

TEST_CASE("Ledger: records are found by URL prefix byte-wise", "[ledger][rights]") {
  TempLedger t;
  auto l = Ledger::OpenSqlite(t.path);
  REQUIRE(l.ok());
  auto run = (*l)->BeginRun("crawl", "k");
  REQUIRE((*l)->Append(*run, {Row("https://example.org/people/ana", "keep", {}),
                              Row("https://example.org/people/anabel", "drop", {}),
                              Row("https://example.org/peoplex", "keep", {}),
                              Row("https://example.org/people/\xC3\xA9lodie", "keep", {}),
                              Row("https://other.example/people/ana", "keep", {})})
              .ok());
  auto hits = (*l)->FindUrlPrefix("https://example.org/people/");
  REQUIRE(hits.ok());
  REQUIRE(hits->size() == 3);
  CHECK(hits->at(0).url == "https://example.org/people/ana");
  CHECK(hits->at(2).url == "https://example.org/people/\xC3\xA9lodie");
  CHECK((*l)->FindUrlPrefix("https://example.org/people/ana")->size() == 2);
  CHECK((*l)->FindUrlPrefix("https://nowhere.example/")->empty());
}

TEST_CASE("Ledger: sites are summarised by registrable domain with their list categories", "[ledger][audit]") {
  TempLedger t;
  auto l = Ledger::OpenSqlite(t.path);
  REQUIRE(l.ok());
  auto run = (*l)->BeginRun("crawl", "k");
  LedgerRow a = Row("https://www.example.org/a", "keep", {});
  a.site = "example.org";
  a.fetched = true;
  a.http_status = 200;
  a.considered_at = "2026-01-02T00:00:00Z";
  LedgerRow b = Row("https://www.example.org/b", "drop", {});
  b.site = "example.org";
  b.reasons = {"policy.robots.disallow"};
  b.considered_at = "2026-01-01T00:00:00Z";
  LedgerRow c = Row("https://adult.example/x", "drop", {});
  c.site = "adult.example";
  c.reasons = {"blocklist.adult"};
  LedgerRow d = Row("https://www.example.org/c", "modify", {});
  d.site = "example.org";
  d.fetched = true;
  d.reasons = {"id.email"};
  d.considered_at = "2026-01-03T00:00:00Z";
  REQUIRE((*l)->Append(*run, {a, b, c, d}).ok());
  auto sites = (*l)->Sites();
  REQUIRE(sites.ok());
  REQUIRE(sites->size() == 2);
  const SiteSummary& adult = sites->at(0);
  CHECK(adult.site == "adult.example");
  CHECK(adult.categories == std::vector<std::string>{"adult"});
  CHECK(adult.objections == 1);
  const SiteSummary& ex = sites->at(1);
  CHECK(ex.site == "example.org");
  CHECK(ex.first == "2026-01-01T00:00:00Z");
  CHECK(ex.last == "2026-01-03T00:00:00Z");
  CHECK(ex.considered == 3);
  CHECK(ex.fetched == 2);
  CHECK(ex.kept == 1);
  CHECK(ex.modified == 1);
  CHECK(ex.dropped == 1);
  CHECK(ex.objections == 1);
  CHECK(ex.categories.empty());
}

TEST_CASE("Ledger: documents are counted per reason", "[ledger][audit]") {
  TempLedger t;
  auto l = Ledger::OpenSqlite(t.path);
  REQUIRE(l.ok());
  auto run = (*l)->BeginRun("filter", "k");
  LedgerRow a = Row("https://example.org/a", "drop", {});
  a.reasons = {"sensitive.health", "minor"};
  LedgerRow b = Row("https://example.org/b", "drop", {});
  b.reasons = {"sensitive.health"};
  REQUIRE((*l)->Append(*run, {a, b, Row("https://example.org/c", "keep", {})}).ok());
  auto counts = (*l)->ReasonCounts();
  REQUIRE(counts.ok());
  const std::vector<std::pair<std::string, std::int64_t>> want = {
      {"id.email", 1}, {"id.phone", 1}, {"minor", 1}, {"sensitive.health", 2}};
  CHECK(counts.value() == want);
  // The same, split by decision: the kept row carries the two id.* reasons.
  auto split = (*l)->ReasonDecisionCounts();
  REQUIRE(split.ok());
  REQUIRE(split->size() == 4);
  CHECK((split->at(0).reason == "id.email" && split->at(0).kept == 1 && split->at(0).dropped == 0));
  CHECK((split->at(2).reason == "minor" && split->at(2).kept == 0 && split->at(2).dropped == 1));
  CHECK((split->at(3).reason == "sensitive.health" && split->at(3).dropped == 2 && split->at(3).modified == 0));
}

namespace {

// Rows considered on days 1..n of November 2026, one per day, row i holding
// identifier Digest('0' + i % 10).
void DailyRows(const std::string& path, int n) {
  auto l = Ledger::OpenSqlite(path);
  REQUIRE(l.ok());
  auto run = (*l)->BeginRun("filter", "k");
  for (int i = 1; i <= n; ++i) {
    LedgerRow r = Row("https://example.org/" + std::to_string(i), i % 3 == 0 ? "drop" : "keep",
                      {{"email", Digest(static_cast<char>('0' + i % 10))}});
    r.considered_at = "2026-11-" + std::string(i < 10 ? "0" : "") + std::to_string(i) + "T10:00:00Z";
    REQUIRE((*l)->Append(*run, {r}).ok());
  }
}

}  // namespace

TEST_CASE("Ledger purge: old rows go with their index entries and the chain still verifies", "[ledger][purge]") {
  TempLedger t;
  DailyRows(t.path, 6);
  auto l = Ledger::OpenSqlite(t.path);
  REQUIRE(l.ok());
  auto before = (*l)->RowsBefore("2026-11-04");
  REQUIRE(before.ok());
  REQUIRE(before->size() == 3);
  CHECK(before->front().row == 1);
  CHECK(before->back().url == "https://example.org/3");
  auto n = (*l)->Purge("2026-11-04");
  REQUIRE(n.ok());
  CHECK(*n == 3);
  CHECK((*l)->RowCount().value() == 3);
  CHECK((*l)->FindIdentifier(Digest('2'))->empty());   // row 2's digest went with it
  CHECK((*l)->FindIdentifier(Digest('5'))->size() == 1);
  CHECK(Query(t.path, "SELECT count(*) FROM document_reasons WHERE document <= 3") == "0");
  auto cps = (*l)->Checkpoints();
  REQUIRE(cps->size() == 1);
  CHECK(cps->front().first_id == 1);
  CHECK(cps->front().last_id == 3);
  CHECK(cps->front().rows == 3);
  CHECK(cps->front().prev_hash == std::string(internal::kGenesis));
  CHECK(cps->front().before == "2026-11-04");
  const ChainReport rep = (*l)->VerifyChain().value();
  CHECK(rep.ok);
  CHECK(rep.rows == 3);
  CHECK(rep.purged == 3);
  CHECK(rep.head.substr(0, 2) == "6 ");
  // Nothing left to purge: a second run is harmless.
  CHECK((*l)->Purge("2026-11-04").value() == 0);
  // Appending after a purge continues the chain.
  auto run = (*l)->BeginRun("filter", "k");
  REQUIRE((*l)->Append(*run, {Row("https://example.org/7", "keep")}).ok());
  CHECK((*l)->VerifyChain()->ok);
}

TEST_CASE("Ledger purge: stretches merge and a purge of everything keeps the head", "[ledger][purge]") {
  TempLedger t;
  DailyRows(t.path, 5);
  // Rows 2 and 4 are made older than the rest: two separate stretches.
  Exec(t.path, "UPDATE documents SET considered_at = '2026-10-01T00:00:00Z' WHERE id IN (2, 4)");
  // (That edit breaks their hashes; purging them removes exactly what was edited.)
  auto l = Ledger::OpenSqlite(t.path);
  REQUIRE(l.ok());
  REQUIRE((*l)->Purge("2026-11-01").value() == 2);
  auto cps = (*l)->Checkpoints().value();
  REQUIRE(cps.size() == 2);
  CHECK(cps[0].first_id == 2);
  CHECK(cps[1].first_id == 4);
  CHECK((*l)->VerifyChain()->ok);
  // Row 3 goes next: the three stretches become one.
  REQUIRE((*l)->Purge("2026-11-04").value() == 2);  // rows 1 and 3
  cps = (*l)->Checkpoints().value();
  REQUIRE(cps.size() == 1);
  CHECK(cps[0].first_id == 1);
  CHECK(cps[0].last_id == 4);
  CHECK(cps[0].rows == 4);
  CHECK((*l)->VerifyChain()->ok);
  REQUIRE((*l)->Purge("2027").value() == 1);
  CHECK((*l)->RowCount().value() == 0);
  const ChainReport rep = (*l)->VerifyChain().value();
  CHECK(rep.ok);
  CHECK(rep.purged == 5);
  CHECK(rep.head.substr(0, 2) == "5 ");
}

TEST_CASE("Ledger purge: an edited or removed checkpoint is found", "[ledger][purge][chain]") {
  TempLedger t;
  DailyRows(t.path, 5);
  {
    auto l = Ledger::OpenSqlite(t.path);
    REQUIRE((*l)->Purge("2026-11-03").value() == 2);
  }
  Exec(t.path, ("UPDATE chain_checkpoints SET last_hash = '" + Digest('e') + "'").c_str());
  ChainReport rep = Verify(t.path);
  CHECK_FALSE(rep.ok);
  CHECK(rep.bad_row == 3);
  TempLedger u;
  DailyRows(u.path, 5);
  {
    auto l = Ledger::OpenSqlite(u.path);
    REQUIRE((*l)->Purge("2026-11-03").value() == 2);
  }
  Exec(u.path, "DELETE FROM chain_checkpoints");
  rep = Verify(u.path);
  CHECK_FALSE(rep.ok);
  CHECK(rep.problem == "row 3 is first but does not start the chain: rows were removed before it");
  // Rows removed by hand next to a checkpoint are still found.
  TempLedger w;
  DailyRows(w.path, 5);
  {
    auto l = Ledger::OpenSqlite(w.path);
    REQUIRE((*l)->Purge("2026-11-03").value() == 2);
  }
  Exec(w.path, "DELETE FROM document_reasons WHERE document = 3; DELETE FROM identifiers WHERE document = 3; "
               "DELETE FROM documents WHERE id = 3");
  rep = Verify(w.path);
  CHECK_FALSE(rep.ok);
  CHECK(rep.bad_row == 4);
  CHECK(rep.problem == "row 4 does not follow row 2: rows were removed, inserted or moved between them");
}

TEST_CASE("Ledger requests: recorded once, retried harmlessly, completed, and marking erased rows", "[ledger][rights]") {
  TempLedger t;
  DailyRows(t.path, 4);
  auto l = Ledger::OpenSqlite(t.path);
  REQUIRE(l.ok());
  RightsRequest r{"REQ-1", "erase", "email", Digest('2'), "2026-12-01T08:00:00Z", "", {2}};
  REQUIRE((*l)->RecordRequest(r).ok());
  REQUIRE((*l)->RecordRequest(r).ok());  // a retry changes nothing
  CHECK((*l)->Requests()->size() == 1);
  RightsRequest other = r;
  other.subject_digest = Digest('3');
  auto st = (*l)->RecordRequest(other);
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("REQ-1 is already recorded for another kind or subject") != std::string::npos);
  CHECK(st.message().find(Digest('3')) == std::string::npos);
  RightsRequest clear = r;
  clear.ref = "REQ-2";
  clear.subject_digest = "someone@example.org";
  st = (*l)->RecordRequest(clear);
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("someone") == std::string::npos);
  CHECK(Query(t.path, "SELECT count(*) FROM requests") == "1");

  CHECK((*l)->FindIdentifier(Digest('2'))->front().erased_at.empty());
  REQUIRE((*l)->CompleteRequest("REQ-1", "2026-12-01T08:05:00Z").ok());
  REQUIRE((*l)->CompleteRequest("REQ-1", "2026-12-09T00:00:00Z").ok());  // keeps the first time
  auto found = (*l)->FindRequest("REQ-1");
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  CHECK((*found)->completed_at == "2026-12-01T08:05:00Z");
  CHECK((*found)->rows == std::vector<std::int64_t>{2});
  CHECK((*l)->FindIdentifier(Digest('2'))->front().erased_at == "2026-12-01T08:05:00Z");
  CHECK((*l)->FindIdentifier(Digest('3'))->front().erased_at.empty());
  CHECK((*l)->CompleteRequest("NOPE", "").code() == Status::Code::kNotFound);
  CHECK_FALSE((*l)->FindRequest("NOPE")->has_value());
  // An export request marks nothing erased.
  REQUIRE((*l)->RecordRequest({"REQ-3", "export", "email", Digest('3'), "", "", {3}}).ok());
  REQUIRE((*l)->CompleteRequest("REQ-3", "").ok());
  CHECK((*l)->FindIdentifier(Digest('3'))->front().erased_at.empty());
  // Requests are outside the chain, and purge unlinks their rows but keeps them.
  CHECK((*l)->VerifyChain()->ok);
  REQUIRE((*l)->Purge("2026-11-03").value() == 2);
  CHECK((*l)->FindRequest("REQ-1")->value().rows.empty());
  CHECK((*l)->Requests()->size() == 2);
}

TEST_CASE("Ledger: sites count erased records apart and give the capture period", "[ledger][audit][rights]") {
  TempLedger t;
  auto l = Ledger::OpenSqlite(t.path);
  REQUIRE(l.ok());
  auto run = (*l)->BeginRun("filter", "k");
  LedgerRow a = Row("https://solo.example/a", "modify", {{"email", Digest('1')}});
  a.site = "solo.example";
  a.captured_at = "2024-03-05T10:00:00Z";
  LedgerRow b = Row("https://club.example/1", "keep");
  b.site = "club.example";
  b.captured_at = "2023-06-01T08:00:00Z";
  LedgerRow c = Row("https://club.example/2", "drop", {{"email", Digest('1')}});
  c.site = "club.example";
  c.captured_at = "2023-07-14T08:00:00Z";
  LedgerRow d = Row("https://club.example/3", "keep");  // no capture date
  d.site = "club.example";
  d.considered_at = "2026-12-01T00:00:00Z";
  REQUIRE((*l)->Append(*run, {a, b, c, d}).ok());
  auto site = [&](const std::string& name) {
    auto all = (*l)->Sites();
    INFO((all.ok() ? std::string() : all.status().message()));
    REQUIRE(all.ok());
    for (const SiteSummary& x : all.value()) {
      if (x.site == name) return x;
    }
    FAIL("no site " << name);
    return SiteSummary{};
  };
  CHECK(site("club.example").captured_first == "2023-06-01T08:00:00Z");
  CHECK(site("club.example").captured_last == "2023-07-14T08:00:00Z");
  CHECK(site("club.example").last == "2026-12-01T00:00:00Z");
  // An erase of rows 1 (modified) and 3 (dropped): pending, it changes nothing.
  REQUIRE((*l)->RecordRequest({"E-1", "erase", "email", Digest('1'), "", "", {1, 3}}).ok());
  CHECK(site("solo.example").erased == 0);
  // An export marks nothing erased.
  REQUIRE((*l)->RecordRequest({"X-1", "export", "email", Digest('1'), "", "", {1, 2}}).ok());
  REQUIRE((*l)->CompleteRequest("X-1", "").ok());
  CHECK(site("club.example").erased == 0);
  REQUIRE((*l)->CompleteRequest("E-1", "").ok());
  const SiteSummary solo = site("solo.example");
  CHECK(solo.modified == 1);
  CHECK(solo.erased == 1);  // nothing of the site is left in the dataset
  const SiteSummary club = site("club.example");
  CHECK(club.erased == 0);  // its erased row had been dropped: never in the dataset
  CHECK(club.kept == 2);
  // Runs count their rows still in the ledger.
  CHECK((*l)->Runs()->front().rows == 4);
  REQUIRE((*l)->Purge("2026-11-30").value() == 3);
  CHECK((*l)->Runs()->front().rows == 1);
  CHECK((*l)->VerifyChain()->ok);
}

TEST_CASE("Ledger: the capture date is chained when given; rows without one hash as before v5", "[ledger][chain]") {
  TempLedger t;
  {
    auto old = Ledger::OpenSqlite(t.path);
    REQUIRE(old.ok());
    auto run = (*old)->BeginRun("filter", "k");
    REQUIRE((*old)->Append(*run, {Row("https://example.org/1", "keep"), Row("https://example.org/2", "drop")}).ok());
  }
  // Turn it into the file a v4 moisson wrote: no capture date, version 4.
  Exec(t.path, "ALTER TABLE documents DROP COLUMN captured_at; PRAGMA user_version = 4; "
               "UPDATE meta SET value = '4' WHERE key = 'schema_version';");
  const std::string head_v4 = Query(t.path, "SELECT value FROM meta WHERE key = 'chain_head'");
  auto l = Ledger::OpenSqlite(t.path);
  REQUIRE(l.ok());
  CHECK(Query(t.path, "PRAGMA user_version") == "5");
  CHECK(Query(t.path, "SELECT value FROM meta WHERE key = 'schema_version'") == "5");
  CHECK(Query(t.path, "SELECT count(*) FROM documents WHERE captured_at = ''") == "2");
  CHECK((*l)->VerifyChain()->head == head_v4);  // the old rows kept their hashes
  auto run = (*l)->BeginRun("filter", "k");
  LedgerRow r = Row("https://example.org/3", "keep");
  r.captured_at = "2024-01-02T03:04:05Z";
  REQUIRE((*l)->Append(*run, {r}).ok());
  CHECK(Query(t.path, "SELECT captured_at FROM documents WHERE id = 3") == "2024-01-02T03:04:05Z");
  CHECK((*l)->VerifyChain()->ok);
  // The same row without its date hashes otherwise: the date is covered.
  const auto c = internal::ChainedFromRow(r, 3, *run, r.considered_at, "id.email,id.phone");
  LedgerRow undated = r;
  undated.captured_at.clear();
  CHECK(internal::RowHash(internal::kGenesis, c) !=
        internal::RowHash(internal::kGenesis,
                          internal::ChainedFromRow(undated, 3, *run, r.considered_at, "id.email,id.phone")));
  Exec(t.path, "UPDATE documents SET captured_at = '2025-01-01T00:00:00Z' WHERE id = 3");
  CHECK((*l)->VerifyChain()->bad_row == 3);
  Exec(t.path, "UPDATE documents SET captured_at = '' WHERE id = 3");
  CHECK((*l)->VerifyChain()->bad_row == 3);
}

TEST_CASE("Ledger: runs and the per-minute timeline", "[ledger][audit]") {
  TempLedger t;
  DailyRows(t.path, 3);
  auto l = Ledger::OpenSqlite(t.path);
  REQUIRE(l.ok());
  auto run2 = (*l)->BeginRun("crawl", "k2");
  LedgerRow a = Row("https://example.org/m", "modify");
  a.considered_at = "2026-11-03T10:00:59Z";
  REQUIRE((*l)->Append(*run2, {a}).ok());
  REQUIRE((*l)->EndRun(*run2, "{\"kept\":0}").ok());
  auto runs = (*l)->Runs().value();
  REQUIRE(runs.size() == 2);
  CHECK(runs[0].command == "filter");
  CHECK(runs[0].ended_at.empty());
  CHECK(runs[1].command == "crawl");
  CHECK(runs[1].key_id == "k2");
  CHECK(runs[1].summary == "{\"kept\":0}");
  CHECK_FALSE(runs[1].ended_at.empty());
  auto tl = (*l)->Timeline().value();
  REQUIRE(tl.size() == 3);
  CHECK(tl[0].minute == "2026-11-01T10:00");
  CHECK(tl[0].kept == 1);
  CHECK(tl[2].minute == "2026-11-03T10:00");
  CHECK(tl[2].dropped == 1);
  CHECK(tl[2].modified == 1);
}

TEST_CASE("Ledger::DisplayName shows a PostgreSQL ledger without its secrets", "[ledger]") {
  CHECK(Ledger::DisplayName("out/ledger.sqlite") == "out/ledger.sqlite");
  CHECK(Ledger::IsPostgresName("postgresql://h/db"));
  CHECK(Ledger::IsPostgresName("postgres://h/db"));
  CHECK_FALSE(Ledger::IsPostgresName("ledger-postgresql://.sqlite"));
  const std::string uri = "postgresql://moisson:s3cret-pw@db.example:6543/ledger?sslmode=require&password=other-pw";
  const std::string shown = Ledger::DisplayName(uri);
  CHECK(shown == "postgresql://moisson@db.example:6543/ledger");
  CHECK(shown.find("s3cret") == std::string::npos);
  CHECK(shown.find("other-pw") == std::string::npos);
  CHECK(Ledger::DisplayName("postgres://[::1]:5432/l") == "postgresql://[::1]:5432/l");
  // Unparsable: no part of it is repeated.
  const std::string bad = Ledger::DisplayName("postgresql://u:pw@host:port-not-a-number/db?nosuchparam=1");
  CHECK(bad.find("pw") == std::string::npos);
}
