// The provenance ledger on PostgreSQL (Ledger::OpenPostgres): the same
// interface as the SQLite ledger (tests/ledger_test.cc), against a real
// server. Run through tests/pg/with_postgres.sh (ctest -R ledger_pg), which
// starts a throwaway server and sets MOISSON_TEST_PG to a maintenance
// database's URI; each test case creates its own database from it and drops
// it afterwards, so that the cases are independent. The tests also read and
// tamper with the tables through their own libpqxx connection.
//
// All data here is fictitious. Failure messages never show a clear
// identifier or a password: a message under test is shown through Redact().
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <pqxx/pqxx>
#include <random>
#include <regex>
#include <set>

#include "audit/ledger.h"
#include "audit/ledger_internal.h"
#include "core/version.h"

using namespace moisson;
using namespace moisson::audit;

namespace {

bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

// `s` with every occurrence of each of `secrets` masked, for INFO().
std::string Redact(std::string s, std::initializer_list<std::string> secrets) {
  for (const std::string& x : secrets) {
    if (x.empty()) continue;
    for (std::size_t at; (at = s.find(x)) != std::string::npos;) s.replace(at, x.size(), "<redacted>");
  }
  return s;
}

// "row N" in `msg`, N not followed by another digit.
bool NamesRow(const std::string& msg, int n) {
  return std::regex_search(msg, std::regex("row " + std::to_string(n) + "([^0-9]|$)"));
}

// The maintenance database's URI (MOISSON_TEST_PG), in the form
// with_postgres.sh exports: postgresql://user@host:port/db.
const std::string& BaseUri() {
  static const std::string uri = [] {
    const char* v = std::getenv("MOISSON_TEST_PG");
    return std::string(v ? v : "");
  }();
  if (uri.empty()) {
    FAIL("MOISSON_TEST_PG is not set: these tests need a PostgreSQL server. Run them through "
         "tests/pg/with_postgres.sh (ctest -R ledger_pg does), e.g. "
         "bash tests/pg/with_postgres.sh build/tests/moisson_ledger_pg_tests");
  }
  if (!StartsWith(uri, "postgresql://") && !StartsWith(uri, "postgres://")) {
    FAIL("MOISSON_TEST_PG must be a postgresql:// URI (tests/pg/with_postgres.sh sets one)");
  }
  return uri;
}

// "host:port" of the base URI.
std::string HostPort() {
  const std::string& u = BaseUri();
  std::size_t start = u.find("://") + 3;
  const std::size_t slash = u.find('/', start);
  const std::size_t at = u.rfind('@', slash);
  if (at != std::string::npos && at > start) start = at + 1;
  return u.substr(start, slash - start);
}

// The base URI pointing at database `db` instead.
std::string UriFor(const std::string& db) {
  const std::string& u = BaseUri();
  const std::size_t slash = u.find('/', u.find("://") + 3);
  REQUIRE(slash != std::string::npos);
  const std::size_t query = u.find('?', slash);
  return u.substr(0, slash + 1) + db + (query == std::string::npos ? "" : u.substr(query));
}

// A database of its own for one test case: created on construction, dropped
// (connections and all) on destruction.
struct PgDb {
  std::string name;
  std::string uri;
  PgDb() {
    std::random_device rd;
    std::mt19937_64 gen((static_cast<std::uint64_t>(rd()) << 32) ^ rd() ^ static_cast<std::uint64_t>(::getpid()));
    static const char* hex = "0123456789abcdef";
    name = "t_";
    for (int i = 0; i < 16; ++i) name += hex[gen() % 16];
    try {
      pqxx::connection c{BaseUri()};
      pqxx::nontransaction n{c};
      n.exec("CREATE DATABASE " + name);
    } catch (const std::exception& e) {
      FAIL("cannot create a test database on " << HostPort() << ": " << e.what());
    }
    uri = UriFor(name);
  }
  ~PgDb() {
    try {
      pqxx::connection c{BaseUri()};
      pqxx::nontransaction n{c};
      n.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (...) {
      // The server goes away with its temporary directory anyway.
    }
  }
};

// First column of the first row of `sql` ("" when there is no row or it is NULL).
std::string Query(const std::string& uri, const std::string& sql) {
  pqxx::connection c{uri};
  pqxx::nontransaction n{c};
  const pqxx::result r = n.exec(sql);
  if (r.empty() || r[0][0].is_null()) return "";
  return r[0][0].c_str();
}

// Runs `sql` (several statements allowed) in one transaction.
void Exec(const std::string& uri, const std::string& sql) {
  pqxx::connection c{uri};
  pqxx::work w{c};
  w.exec(sql);
  w.commit();
}

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

std::unique_ptr<Ledger> Open(const std::string& uri) {
  auto l = Ledger::OpenPostgres(uri);
  if (!l.ok()) FAIL("OpenPostgres failed: " << l.status().message());
  return std::move(l).value();
}

// A ledger of five rows (rows 2 and 4 with an identifier) for the tamper
// tests, appended in two calls.
void FiveRows(const std::string& uri) {
  auto l = Open(uri);
  auto run = l->BeginRun("filter", "k");
  REQUIRE(run.ok());
  std::vector<LedgerRow> rows;
  for (int i = 1; i <= 5; ++i) {
    rows.push_back(Row("https://example.org/" + std::to_string(i), i == 3 ? "drop" : "keep",
                       i % 2 == 0 ? std::vector<std::pair<std::string, std::string>>{{"email", Digest('a' + i)}}
                                  : std::vector<std::pair<std::string, std::string>>{}));
  }
  REQUIRE(l->Append(*run, {rows[0], rows[1]}).ok());
  REQUIRE(l->Append(*run, {rows[2], rows[3], rows[4]}).ok());
}

// VerifyChain through a new ledger object (as `audit verify` does).
ChainReport Verify(const std::string& uri) {
  auto l = Open(uri);
  auto rep = l->VerifyChain();
  if (!rep.ok()) FAIL("VerifyChain failed: " << rep.status().message());
  return rep.value();
}

// Rows considered on days 1..n of November 2026, one per day and per
// Append, row i holding identifier Digest('0' + i % 10).
void DailyRows(const std::string& uri, int n) {
  auto l = Open(uri);
  auto run = l->BeginRun("filter", "k");
  REQUIRE(run.ok());
  for (int i = 1; i <= n; ++i) {
    LedgerRow r = Row("https://example.org/" + std::to_string(i), i % 3 == 0 ? "drop" : "keep",
                      {{"email", Digest(static_cast<char>('0' + i % 10))}});
    r.considered_at = "2026-11-" + std::string(i < 10 ? "0" : "") + std::to_string(i) + "T10:00:00Z";
    REQUIRE(l->Append(*run, {r}).ok());
  }
}

const std::regex kIsoUtc("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$");

}  // namespace

// --- schema -------------------------------------------------------------------

TEST_CASE("PG ledger: the first open creates the schema, a second open reuses it and rows persist", "[ledger_pg]") {
  PgDb db;
  {
    auto l = Open(db.uri);
    auto run = l->BeginRun("filter", "k");
    REQUIRE(run.ok());
    CHECK(*run == 1);
    REQUIRE(l->Append(*run, {Row("https://example.org/a", "keep", {{"email", Digest('1')}})}).ok());
    CHECK(l->RowCount().value() == 1);
  }
  const std::string tables =
      Query(db.uri, "SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables "
                    "WHERE table_schema = current_schema()");
  INFO("tables: " << tables);
  for (const char* t : {"meta", "runs", "documents", "document_reasons", "identifiers", "requests", "request_rows",
                        "chain_checkpoints"}) {
    CHECK(Contains("," + tables + ",", std::string(",") + t + ","));
  }
  // The documents table has the SQLite ledger's columns (docs/ledger.md).
  const std::string cols =
      Query(db.uri, "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = 'documents'");
  CHECK(cols ==
        "captured_at,considered_at,content_sha256,decision,fetched,http_status,id,output_file,output_id,prev_hash,"
        "reasons,row_hash,run,signal,site,source_file,source_offset,url");
  CHECK(Query(db.uri, "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns "
                      "WHERE table_schema = current_schema() AND table_name = 'identifiers'") == "digest,document,type");
  CHECK(Query(db.uri, "SELECT string_agg(column_name, ',' ORDER BY column_name) FROM information_schema.columns "
                      "WHERE table_schema = current_schema() AND table_name = 'chain_checkpoints'") ==
        "cutoff,first_id,last_hash,last_id,prev_hash,purged_at,rows");
  CHECK(Query(db.uri, "SELECT value FROM meta WHERE key = 'schema_version'") == std::to_string(kLedgerSchemaVersion));
  CHECK(StartsWith(Query(db.uri, "SELECT value FROM meta WHERE key = 'created_by'"), "moisson "));
  const std::string created = Query(db.uri, "SELECT value FROM meta WHERE key = 'created_at'");
  CHECK(std::regex_match(created, kIsoUtc));
  const std::string meta_rows = Query(db.uri, "SELECT count(*) FROM meta");

  auto again = Open(db.uri);
  CHECK(again->RowCount().value() == 1);
  CHECK(again->FindIdentifier(Digest('1'))->size() == 1);
  auto run2 = again->BeginRun("filter", "k");
  REQUIRE(run2.ok());
  CHECK(*run2 == 2);
  REQUIRE(again->Append(*run2, {Row("https://example.org/b", "keep", {{"email", Digest('1')}})}).ok());
  CHECK(again->RowCount().value() == 2);
  CHECK(again->FindIdentifier(Digest('1'))->size() == 2);
  // Reopening changed nothing in meta but the chain head.
  CHECK(Query(db.uri, "SELECT count(*) FROM meta") == meta_rows);
  CHECK(Query(db.uri, "SELECT value FROM meta WHERE key = 'created_at'") == created);
  CHECK(Query(db.uri, "SELECT count(*) FROM documents") == "2");
  CHECK(Verify(db.uri).ok);
}

TEST_CASE("PG ledger: a newer schema version is refused, naming the server", "[ledger_pg]") {
  PgDb db;
  Open(db.uri);
  Exec(db.uri, "UPDATE meta SET value = '99' WHERE key = 'schema_version'");
  auto newer = Ledger::OpenPostgres(db.uri);
  REQUIRE_FALSE(newer.ok());
  const std::string msg = newer.status().message();
  INFO("message: " << msg);
  CHECK(Contains(msg, "newer"));
  CHECK(Contains(msg, "99"));
  CHECK(Contains(msg, HostPort()));
  CHECK(Query(db.uri, "SELECT value FROM meta WHERE key = 'schema_version'") == "99");  // left as it was
  // Open (by name) picks the PostgreSQL ledger and refuses it too.
  REQUIRE(Ledger::IsPostgresName(db.uri));
  CHECK_FALSE(Ledger::Open(db.uri).ok());
}

TEST_CASE("PG ledger: a database that is not a ledger, a damaged meta, an unknown run are refused by name",
          "[ledger_pg]") {
  {
    // Someone else's table named like a ledger table, and no meta: not touched.
    PgDb db;
    Exec(db.uri, "CREATE TABLE documents (id integer)");
    auto l = Ledger::OpenPostgres(db.uri);
    REQUIRE_FALSE(l.ok());
    INFO("message: " << l.status().message());
    CHECK(Contains(l.status().message(), "not a moisson ledger"));
    CHECK(Contains(l.status().message(), HostPort()));
    CHECK(Query(db.uri, "SELECT count(*) FROM pg_tables WHERE tablename = 'meta'") == "0");
  }
  {
    PgDb db;
    Open(db.uri);
    Exec(db.uri, "UPDATE meta SET value = 'four' WHERE key = 'schema_version'");
    auto l = Ledger::OpenPostgres(db.uri);
    REQUIRE_FALSE(l.ok());
    INFO("message: " << l.status().message());
    CHECK(Contains(l.status().message(), "damaged moisson ledger (meta.schema_version is not a number)"));
    Exec(db.uri, "DELETE FROM meta WHERE key = 'schema_version'");
    auto gone = Ledger::OpenPostgres(db.uri);
    REQUIRE_FALSE(gone.ok());
    CHECK(Contains(gone.status().message(), "meta has no schema_version"));
  }
  {
    PgDb db;
    auto l = Open(db.uri);
    auto run = l->BeginRun("filter", "k");
    REQUIRE(run.ok());
    auto no_run = l->Append(*run + 7, {Row("https://example.org/a", "keep")});
    REQUIRE_FALSE(no_run.ok());
    INFO("message: " << no_run.message());
    CHECK(Contains(no_run.message(), "at row 1 of 1"));
    CHECK(Contains(no_run.message(), "there is no run " + std::to_string(*run + 7)));
    CHECK(l->EndRun(*run + 7, "{}").code() == Status::Code::kInvalidArgument);
    // A head that is not "<row> <hash>": nothing is appended to a chain it cannot extend.
    REQUIRE(l->Append(*run, {Row("https://example.org/a", "keep")}).ok());
    Exec(db.uri, "UPDATE meta SET value = 'not a head' WHERE key = 'chain_head'");
    auto bad_head = l->Append(*run, {Row("https://example.org/b", "keep")});
    REQUIRE_FALSE(bad_head.ok());
    CHECK(Contains(bad_head.message(), "damaged ledger (meta.chain_head is not"));
    CHECK(l->RowCount().value() == 1);
  }
}

TEST_CASE("PG ledger: an unreachable server is named by host and port, never with the password", "[ledger_pg]") {
  const std::string password = "s3cret";  // fictitious
  for (const std::string& conninfo :
       {std::string("postgresql://u:") + password + "@127.0.0.1:1/db",
        std::string("postgres://u:") + password + "@127.0.0.1:1/db?connect_timeout=5",
        std::string("postgresql://u@127.0.0.1:1/db?password=") + password,
        std::string("host=127.0.0.1 port=1 dbname=db user=u password=") + password}) {
    // OpenPostgres itself: Open would take the key=value form for a file name.
    auto l = Ledger::OpenPostgres(conninfo);
    REQUIRE_FALSE(l.ok());
    const std::string msg = l.status().message();
    INFO("connection string: " << Redact(conninfo, {password}) << "\nmessage: " << Redact(msg, {password}));
    CHECK(Contains(msg, "127.0.0.1:1"));
    CHECK_FALSE(Contains(msg, password));
  }
  // Open picks the PostgreSQL ledger for both URI schemes.
  for (const std::string& uri : {std::string("postgresql://u:") + password + "@127.0.0.1:1/db",
                                 std::string("postgres://u:") + password + "@127.0.0.1:1/db"}) {
    auto l = Ledger::Open(uri);
    REQUIRE_FALSE(l.ok());
    INFO("message: " << Redact(l.status().message(), {password}));
    CHECK(Contains(l.status().message(), "127.0.0.1:1"));
    CHECK_FALSE(Contains(l.status().message(), password));
  }
}

// --- runs and rows --------------------------------------------------------------

TEST_CASE("PG ledger: rows are found again by identifier digest with all their fields", "[ledger_pg]") {
  PgDb db;
  auto l = Open(db.uri);
  auto run = l->BeginRun("crawl", "e7be12d821c47682");
  REQUIRE(run.ok());
  LedgerRow a = Row("https://example.org/a", "modify", {{"email", Digest('1')}, {"phone", Digest('2')}});
  a.source_offset = 1ull << 40;
  a.http_status = 200;
  a.fetched = true;
  LedgerRow b = Row("https://example.org/b", "drop", {{"email", Digest('1')}});
  b.reasons = {"policy.noai"};
  b.http_status = 451;
  b.fetched = true;
  b.signal = "header X-Robots-Tag: noai";
  b.content_sha256.clear();
  b.site = "example.org";
  REQUIRE(l->Append(*run, {a, b, Row("https://example.org/c", "keep")}).ok());
  REQUIRE(l->EndRun(*run, "{\"documents\":3}").ok());
  CHECK(l->RowCount().value() == 3);

  auto hits = l->FindIdentifier(Digest('1'));
  REQUIRE(hits.ok());
  REQUIRE(hits->size() == 2);
  const IdentifierHit& h = (*hits)[0];
  CHECK(h.row == 1);
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
  CHECK(h.http_status == 200);
  CHECK(h.fetched);
  CHECK(h.signal.empty());
  CHECK(h.erased_at.empty());
  const IdentifierHit& h2 = (*hits)[1];
  CHECK(h2.row == 2);
  CHECK(h2.url == "https://example.org/b");
  CHECK(h2.decision == "drop");
  CHECK(h2.output_file.empty());
  CHECK(h2.output_id.empty());
  CHECK(h2.reasons == std::vector<std::string>{"policy.noai"});
  CHECK(h2.http_status == 451);
  CHECK(h2.fetched);
  CHECK(h2.signal == "header X-Robots-Tag: noai");
  auto phone = l->FindIdentifier(Digest('2'));
  REQUIRE(phone->size() == 1);
  CHECK(phone->at(0).type == "phone");
  CHECK(phone->at(0).row == 1);
  CHECK(l->FindIdentifier(Digest('9'))->empty());
  // A row without a fetch reads as not fetched.
  auto all = l->FindUrlPrefix("https://example.org/c");
  REQUIRE(all->size() == 1);
  CHECK(all->at(0).http_status == 0);
  CHECK_FALSE(all->at(0).fetched);

  // What the tables hold.
  CHECK(Query(db.uri, "SELECT content_sha256 FROM documents WHERE id = 2") == "");
  CHECK(Query(db.uri, "SELECT reasons FROM documents WHERE id = 1") == "id.email,id.phone");
  CHECK(Query(db.uri, "SELECT count(*) FROM identifiers") == "3");
  CHECK(Query(db.uri, "SELECT count(*) FROM document_reasons") == "5");
}

TEST_CASE("PG ledger: runs begin, end and are listed with their summary", "[ledger_pg]") {
  PgDb db;
  auto l = Open(db.uri);
  auto r1 = l->BeginRun("filter", "k1");
  auto r2 = l->BeginRun("crawl", "k2");
  REQUIRE(r1.ok());
  REQUIRE(r2.ok());
  CHECK(*r2 == *r1 + 1);
  REQUIRE(l->Append(*r2, {Row("https://example.org/m", "modify")}).ok());
  REQUIRE(l->EndRun(*r2, "{\"kept\":0}").ok());
  auto runs = l->Runs();
  REQUIRE(runs.ok());
  REQUIRE(runs->size() == 2);
  const RunInfo& a = runs->at(0);
  const RunInfo& b = runs->at(1);
  CHECK(a.id == *r1);
  CHECK(a.command == "filter");
  CHECK(a.key_id == "k1");
  CHECK(a.ended_at.empty());
  CHECK(a.summary.empty());
  CHECK(std::regex_match(a.started_at, kIsoUtc));
  CHECK(a.moisson_version == MOISSON_VERSION);
  CHECK(b.id == *r2);
  CHECK(b.command == "crawl");
  CHECK(b.key_id == "k2");
  CHECK(b.summary == "{\"kept\":0}");
  CHECK(std::regex_match(b.ended_at, kIsoUtc));
  CHECK(b.ended_at >= b.started_at);

  const Status st = l->EndRun(42, "{}");
  REQUIRE_FALSE(st.ok());
  INFO("message: " << st.message());
  CHECK(Contains(st.message(), "42"));
  CHECK(l->Runs()->size() == 2);
}

TEST_CASE("PG ledger: an empty considered_at is stamped with the current UTC time", "[ledger_pg]") {
  PgDb db;
  auto l = Open(db.uri);
  auto run = l->BeginRun("filter", "k");
  LedgerRow r = Row("https://example.org/a", "keep", {{"email", Digest('5')}});
  r.considered_at.clear();
  REQUIRE(l->Append(*run, {r, r}).ok());
  auto hits = l->FindIdentifier(Digest('5'));
  REQUIRE(hits->size() == 2);
  const std::string at = hits->at(0).considered_at;
  INFO("considered_at: " << at);
  CHECK(std::regex_match(at, kIsoUtc));
  CHECK(StartsWith(at, "20"));
  CHECK(hits->at(1).considered_at == at);  // one time per call
  CHECK(Verify(db.uri).ok);
}

TEST_CASE("PG ledger: reasons round-trip; duplicates are absorbed in the index, digests stored once", "[ledger_pg]") {
  PgDb db;
  auto l = Open(db.uri);
  auto run = l->BeginRun("filter", "k");
  LedgerRow none = Row("https://example.org/n", "keep", {{"email", Digest('3')}});
  none.reasons.clear();
  LedgerRow dup = Row("https://example.org/d", "drop", {{"email", Digest('3')}, {"email", Digest('3')}});
  dup.reasons = {"optout.person", "banking.card", "optout.person"};
  REQUIRE(l->Append(*run, {Row("https://example.org/a", "modify", {{"email", Digest('3')}}), none, dup}).ok());
  auto hits = l->FindIdentifier(Digest('3'));
  REQUIRE(hits->size() == 3);
  CHECK((*hits)[0].reasons == std::vector<std::string>{"id.email", "id.phone"});
  CHECK((*hits)[1].reasons.empty());
  CHECK((*hits)[2].reasons == std::vector<std::string>{"optout.person", "banking.card", "optout.person"});
  CHECK(Query(db.uri, "SELECT count(*) FROM document_reasons WHERE document = 3") == "2");
  CHECK(Query(db.uri, "SELECT count(*) FROM identifiers WHERE document = 3") == "1");
  CHECK(Verify(db.uri).ok);
}

TEST_CASE("PG ledger: a bad row fails the whole append, names the row number and never the value", "[ledger_pg]") {
  PgDb db;
  auto l = Open(db.uri);
  auto run = l->BeginRun("filter", "k");
  REQUIRE(run.ok());
  // Markers that must never be echoed (fictitious).
  const std::string url_marker = "zq-marker-url";
  const std::string clear_local = "jeanne.fictive";
  const LedgerRow good = Row("https://example.org/ok", "keep", {{"email", Digest('6')}});

  SECTION("a clear identifier where a digest belongs") {
    std::string clear = clear_local + "@example.org";
    clear.resize(64, 'z');  // the digest's length, so that only the digits check catches it
    LedgerRow bad = Row("https://example.org/" + url_marker, "keep", {{"email", clear}});
    const Status st = l->Append(*run, {good, bad, good});
    REQUIRE_FALSE(st.ok());
    INFO("message: " << Redact(st.message(), {clear_local, url_marker}));
    CHECK(NamesRow(st.message(), 2));
    CHECK_FALSE(Contains(st.message(), clear_local));
    CHECK_FALSE(Contains(st.message(), url_marker));
    CHECK(Contains(st.message(), HostPort()));
    CHECK(Query(db.uri, "SELECT count(*) FROM identifiers WHERE digest LIKE '%" + clear_local + "%'") == "0");
    // Upper-case hex and a short digest are refused as well.
    CHECK_FALSE(l->Append(*run, {Row("https://example.org/u", "keep", {{"email", std::string(64, 'A')}})}).ok());
    CHECK_FALSE(l->Append(*run, {Row("https://example.org/s", "keep", {{"email", std::string(63, 'a')}})}).ok());
    LedgerRow hash = Row("https://example.org/h", "keep");
    hash.content_sha256 = "abc";
    CHECK_FALSE(l->Append(*run, {hash}).ok());
  }
  SECTION("an unknown decision") {
    const std::string decision = "maybe-zq";
    LedgerRow bad = Row("https://example.org/" + url_marker, decision);
    const Status st = l->Append(*run, {good, bad});
    REQUIRE_FALSE(st.ok());
    INFO("message: " << Redact(st.message(), {url_marker, decision}));
    CHECK(NamesRow(st.message(), 2));
    CHECK_FALSE(Contains(st.message(), decision));
    CHECK_FALSE(Contains(st.message(), url_marker));
    CHECK_FALSE(Contains(st.message(), "dump.jsonl"));  // nor any other value of the row (a DETAIL line)
    CHECK(Contains(st.message(), HostPort()));
  }
  SECTION("an empty reason, and a reason with a comma") {
    LedgerRow bad = Row("https://example.org/" + url_marker, "drop");
    bad.reasons = {"id.email", ""};
    const Status st = l->Append(*run, {good, good, bad});
    REQUIRE_FALSE(st.ok());
    INFO("message: " << Redact(st.message(), {url_marker}));
    CHECK(NamesRow(st.message(), 3));
    CHECK_FALSE(Contains(st.message(), url_marker));
    CHECK_FALSE(Contains(st.message(), "dump.jsonl"));
    LedgerRow comma = Row("https://example.org/c", "drop");
    comma.reasons = {"a,b"};
    CHECK_FALSE(l->Append(*run, {comma}).ok());
  }
  SECTION("an out-of-range number, an identifier without a type") {
    LedgerRow status = Row("https://example.org/" + url_marker, "keep");
    status.http_status = 1000;
    Status st = l->Append(*run, {good, status});
    REQUIRE_FALSE(st.ok());
    CHECK(NamesRow(st.message(), 2));
    LedgerRow offset = Row("https://example.org/" + url_marker, "keep");
    offset.source_offset = (1ull << 63) + 5;
    st = l->Append(*run, {good, good, offset});
    REQUIRE_FALSE(st.ok());
    CHECK(NamesRow(st.message(), 3));
    LedgerRow untyped = Row("https://example.org/" + url_marker, "keep", {{"", Digest('7')}});
    st = l->Append(*run, {untyped});
    REQUIRE_FALSE(st.ok());
    CHECK(NamesRow(st.message(), 1));
    CHECK_FALSE(Contains(st.message(), url_marker));
  }
  SECTION("an unknown run") {
    const Status st = l->Append(*run + 100, {good});
    CHECK_FALSE(st.ok());
  }
  // Nothing of any failed call is in the ledger...
  CHECK(l->RowCount().value() == 0);
  CHECK(l->FindIdentifier(Digest('6'))->empty());
  CHECK(Query(db.uri, "SELECT count(*) FROM documents") == "0");
  CHECK(Query(db.uri, "SELECT count(*) FROM document_reasons") == "0");
  CHECK(Query(db.uri, "SELECT count(*) FROM identifiers") == "0");
  // ...and the ledger object stays usable: the next append goes in and chains.
  REQUIRE(l->Append(*run, {good}).ok());
  CHECK(l->RowCount().value() == 1);
  CHECK(l->FindIdentifier(Digest('6'))->size() == 1);
  CHECK(Query(db.uri, "SELECT id FROM documents") == "1");
  const ChainReport rep = Verify(db.uri);
  CHECK(rep.ok);
  CHECK(rep.rows == 1);
}

TEST_CASE("PG ledger: text PostgreSQL cannot hold (a NUL byte, invalid UTF-8) is refused by row or stored exactly",
          "[ledger_pg]") {
  const std::string url_marker = "zq-marker-url";
  for (const std::string& url : {"https://example.org/" + url_marker + std::string("\0x", 2),
                                 "https://example.org/" + url_marker + "\xC3\x28"}) {
    PgDb db;
    auto l = Open(db.uri);
    auto run = l->BeginRun("filter", "k");
    const Status st = l->Append(*run, {Row("https://example.org/ok", "keep"), Row(url, "keep")});
    if (st.ok()) {
      auto hits = l->FindUrlPrefix("https://example.org/" + url_marker);
      REQUIRE(hits.ok());
      REQUIRE(hits->size() == 1);
      CHECK(hits->at(0).url == url);
      CHECK(l->VerifyChain()->ok);
    } else {
      INFO("message: " << Redact(st.message(), {url_marker}));
      CHECK(NamesRow(st.message(), 2));
      CHECK_FALSE(Contains(st.message(), url_marker));
      CHECK(l->RowCount().value() == 0);
      REQUIRE(l->Append(*run, {Row("https://example.org/ok", "keep")}).ok());
    }
  }
}

TEST_CASE("PG ledger: a second ledger object sees each committed append", "[ledger_pg]") {
  PgDb db;
  auto writer = Open(db.uri);
  auto reader = Open(db.uri);
  CHECK(reader->RowCount().value() == 0);
  auto run = writer->BeginRun("filter", "k");
  REQUIRE(writer->Append(*run, {Row("https://example.org/a", "keep", {{"email", Digest('8')}})}).ok());
  CHECK(reader->RowCount().value() == 1);
  CHECK(reader->FindIdentifier(Digest('8'))->size() == 1);
  REQUIRE(writer->Append(*run, {Row("https://example.org/b", "keep", {{"email", Digest('8')}})}).ok());
  CHECK(reader->RowCount().value() == 2);
  CHECK(reader->FindIdentifier(Digest('8'))->size() == 2);
  CHECK(reader->Runs()->size() == 1);
}

TEST_CASE("PG ledger: records are found by URL prefix byte-wise, in id order", "[ledger_pg]") {
  PgDb db;
  auto l = Open(db.uri);
  auto run = l->BeginRun("crawl", "k");
  REQUIRE(l->Append(*run, {Row("https://example.org/people/ana", "keep"),
                           Row("https://example.org/people/anabel", "drop"),
                           Row("https://example.org/peoplex", "keep"),
                           Row("https://example.org/people/\xC3\xA9lodie", "keep"),
                           Row("https://other.example/people/ana", "keep"),
                           Row("https://example.org/a_b/1", "keep"),
                           Row("https://example.org/aXb/2", "keep"),
                           Row("https://example.org/50%25/x", "keep"),
                           Row("https://example.org/50%2/x", "keep"),
                           Row("https://example.org/PEOPLE/ana", "keep")})
              .ok());
  REQUIRE(l->Append(*run, {Row("https://example.org/people/zoe", "modify")}).ok());
  auto hits = l->FindUrlPrefix("https://example.org/people/");
  REQUIRE(hits.ok());
  REQUIRE(hits->size() == 4);
  CHECK(hits->at(0).url == "https://example.org/people/ana");
  CHECK(hits->at(0).row == 1);
  CHECK(hits->at(1).row == 2);
  CHECK(hits->at(2).url == "https://example.org/people/\xC3\xA9lodie");
  CHECK(hits->at(3).url == "https://example.org/people/zoe");
  CHECK(hits->at(3).row == 11);
  CHECK(hits->at(3).decision == "modify");
  CHECK(hits->at(3).type.empty());
  CHECK(hits->at(3).source_file == "dump.jsonl");
  CHECK(l->FindUrlPrefix("https://example.org/people/ana")->size() == 2);
  CHECK(l->FindUrlPrefix("https://nowhere.example/")->empty());
  // LIKE's wildcards in a prefix are plain characters.
  CHECK(l->FindUrlPrefix("https://example.org/a_b/")->size() == 1);
  CHECK(l->FindUrlPrefix("https://example.org/50%2")->size() == 2);
  CHECK(l->FindUrlPrefix("https://example.org/50%25")->size() == 1);
  CHECK(l->FindUrlPrefix("https://example.org/50_")->empty());
  CHECK(l->FindUrlPrefix("")->size() == 11);
}

// --- audit ------------------------------------------------------------------------

TEST_CASE("PG ledger: sites, reason counts and the per-minute timeline", "[ledger_pg]") {
  PgDb db;
  auto l = Open(db.uri);
  auto run = l->BeginRun("crawl", "k");
  LedgerRow a = Row("https://www.example.org/a", "keep");
  a.fetched = true;
  a.http_status = 200;
  a.considered_at = "2026-01-02T00:00:00Z";
  a.reasons.clear();
  LedgerRow b = Row("https://www.example.org/b", "drop");
  b.reasons = {"policy.robots.disallow"};
  b.considered_at = "2026-01-01T00:00:00Z";
  LedgerRow c = Row("https://adult.example/x", "drop");
  c.site = "adult.example";
  c.reasons = {"blocklist.adult"};
  c.considered_at = "2026-01-01T00:00:30Z";
  LedgerRow d = Row("https://www.example.org/c", "modify");
  d.fetched = true;
  d.reasons = {"id.email", "sensitive.health"};
  d.considered_at = "2026-01-03T00:00:00Z";
  LedgerRow e = Row("", "drop");
  e.site = "";
  e.reasons = {"sensitive.health"};
  e.considered_at = "2026-01-03T00:00:59Z";
  REQUIRE(l->Append(*run, {a, b, c, d, e}).ok());

  auto sites = l->Sites();
  REQUIRE(sites.ok());
  REQUIRE(sites->size() == 3);
  CHECK(sites->at(0).site == "");
  CHECK(sites->at(0).considered == 1);
  CHECK(sites->at(0).dropped == 1);
  const SiteSummary& adult = sites->at(1);
  CHECK(adult.site == "adult.example");
  CHECK(adult.categories == std::vector<std::string>{"adult"});
  CHECK(adult.objections == 1);
  CHECK(adult.considered == 1);
  const SiteSummary& ex = sites->at(2);
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

  auto counts = l->ReasonCounts();
  REQUIRE(counts.ok());
  const std::vector<std::pair<std::string, std::int64_t>> want = {
      {"blocklist.adult", 1}, {"id.email", 1}, {"policy.robots.disallow", 1}, {"sensitive.health", 2}};
  CHECK(counts.value() == want);
  // By decision: sensitive.health is on one modified and one dropped row.
  auto split = l->ReasonDecisionCounts();
  REQUIRE(split.ok());
  REQUIRE(split->size() == 4);
  CHECK((split->at(1).reason == "id.email" && split->at(1).modified == 1 && split->at(1).dropped == 0));
  CHECK((split->at(3).reason == "sensitive.health" && split->at(3).kept == 0 && split->at(3).modified == 1 &&
         split->at(3).dropped == 1));

  auto tl = l->Timeline();
  REQUIRE(tl.ok());
  REQUIRE(tl->size() == 3);
  CHECK(tl->at(0).minute == "2026-01-01T00:00");
  CHECK(tl->at(0).dropped == 2);
  CHECK(tl->at(0).kept == 0);
  CHECK(tl->at(1).minute == "2026-01-02T00:00");
  CHECK(tl->at(1).kept == 1);
  CHECK(tl->at(2).minute == "2026-01-03T00:00");
  CHECK(tl->at(2).modified == 1);
  CHECK(tl->at(2).dropped == 1);
}

TEST_CASE("PG ledger: a v4 database gains the capture date, keeps its hashes; sites count erasures apart",
          "[ledger_pg][rights]") {
  PgDb db;
  {
    auto old = Open(db.uri);
    auto run = old->BeginRun("filter", "k");
    REQUIRE(old->Append(*run, {Row("https://example.org/1", "keep", {{"email", Digest('1')}}),
                               Row("https://example.org/2", "drop")}).ok());
  }
  // Turn it into the database a v4 moisson wrote: no capture date, version 4.
  Exec(db.uri, "ALTER TABLE documents DROP COLUMN captured_at; DROP TABLE inputs; "
               "UPDATE meta SET value = '4' WHERE key = 'schema_version'");
  CHECK(Query(db.uri, "SELECT value FROM meta WHERE key = 'schema_version'") == "4");
  const std::string head_v4 = Query(db.uri, "SELECT value FROM meta WHERE key = 'chain_head'");
  auto l = Open(db.uri);
  CHECK(Query(db.uri, "SELECT value FROM meta WHERE key = 'schema_version'") == std::to_string(kLedgerSchemaVersion));
  CHECK(Query(db.uri, "SELECT count(*) FROM documents WHERE captured_at = ''") == "2");
  CHECK(Verify(db.uri).head == head_v4);
  auto run = l->BeginRun("filter", "k");
  LedgerRow r = Row("https://other.example/3", "modify", {{"email", Digest('1')}});
  r.site = "other.example";
  r.captured_at = "2024-01-02T03:04:05Z";
  REQUIRE(l->Append(*run, {r}).ok());
  CHECK(Verify(db.uri).ok);
  CHECK(l->Runs()->back().rows == 1);
  REQUIRE(l->RecordRequest({"E-1", "erase", "email", Digest('1'), "", "", {1, 3}}).ok());
  REQUIRE(l->CompleteRequest("E-1", "").ok());
  auto sites = l->Sites().value();
  REQUIRE(sites.size() == 2);
  CHECK((sites[0].site == "example.org" && sites[0].kept == 1 && sites[0].erased == 1));
  CHECK(sites[0].captured_first.empty());
  CHECK((sites[1].site == "other.example" && sites[1].modified == 1 && sites[1].erased == 1));
  CHECK(sites[1].captured_first == "2024-01-02T03:04:05Z");
  Exec(db.uri, "UPDATE documents SET captured_at = '' WHERE id = 3");
  CHECK(Verify(db.uri).bad_row == 3);
}

// --- the hash chain -------------------------------------------------------------

TEST_CASE("PG ledger chain: an untouched ledger verifies and names its head", "[ledger_pg][chain]") {
  PgDb db;
  FiveRows(db.uri);
  const ChainReport rep = Verify(db.uri);
  CHECK(rep.ok);
  CHECK(rep.rows == 5);
  CHECK(rep.purged == 0);
  CHECK(rep.bad_row == 0);
  CHECK(rep.problem.empty());
  CHECK(std::regex_match(rep.head, std::regex("^5 [0-9a-f]{64}$")));
  CHECK(Query(db.uri, "SELECT id || ' ' || row_hash FROM documents ORDER BY id DESC LIMIT 1") == rep.head);
  CHECK(Query(db.uri, "SELECT value FROM meta WHERE key = 'chain_head'") == rep.head);
  CHECK(Query(db.uri, "SELECT prev_hash FROM documents WHERE id = 1") == std::string(internal::kGenesis));
  CHECK(Query(db.uri, "SELECT count(*) FROM documents d JOIN documents p ON p.id = d.id - 1 "
                      "WHERE d.prev_hash = p.row_hash") == "4");
  // The same hashes the SQLite ledger computes for the same rows (one chain
  // format for both backends: docs/ledger.md, "Integrity").
  const std::string path = "/tmp/moisson_pg_cmp_" + std::to_string(::getpid()) + ".sqlite";
  ::unlink(path.c_str());
  {
    auto s = Ledger::OpenSqlite(path);
    REQUIRE(s.ok());
    auto run = (*s)->BeginRun("filter", "k");
    std::vector<LedgerRow> rows;
    for (int i = 1; i <= 5; ++i) {
      rows.push_back(Row("https://example.org/" + std::to_string(i), i == 3 ? "drop" : "keep",
                         i % 2 == 0 ? std::vector<std::pair<std::string, std::string>>{{"email", Digest('a' + i)}}
                                    : std::vector<std::pair<std::string, std::string>>{}));
    }
    REQUIRE((*s)->Append(*run, rows).ok());
    CHECK((*s)->VerifyChain()->head == rep.head);
  }
  for (const char* ext : {"", "-wal", "-shm"}) ::unlink((path + ext).c_str());
}

TEST_CASE("PG ledger chain: an edited row is found and named", "[ledger_pg][chain]") {
  PgDb db;
  FiveRows(db.uri);
  Exec(db.uri, "UPDATE documents SET url = 'https://example.org/elsewhere' WHERE id = 2");
  const ChainReport rep = Verify(db.uri);
  CHECK_FALSE(rep.ok);
  CHECK(rep.bad_row == 2);
  CHECK(rep.problem == "row 2 was changed: its content does not match its hash");
}

TEST_CASE("PG ledger chain: an identifier changed or removed is an edit of its row", "[ledger_pg][chain]") {
  PgDb db;
  FiveRows(db.uri);
  Exec(db.uri, "UPDATE identifiers SET digest = '" + Digest('f') + "' WHERE document = 4");
  ChainReport rep = Verify(db.uri);
  CHECK_FALSE(rep.ok);
  CHECK(rep.bad_row == 4);
  PgDb other;
  FiveRows(other.uri);
  Exec(other.uri, "DELETE FROM identifiers WHERE document = 2");
  rep = Verify(other.uri);
  CHECK_FALSE(rep.ok);
  CHECK(rep.bad_row == 2);
}

TEST_CASE("PG ledger chain: the per-reason index must agree with the chained rows", "[ledger_pg][chain]") {
  PgDb db;
  FiveRows(db.uri);
  Exec(db.uri, "DELETE FROM document_reasons WHERE document = 3");
  ChainReport rep = Verify(db.uri);
  CHECK_FALSE(rep.ok);
  CHECK(rep.bad_row == 3);
  CHECK(rep.problem ==
        "row 3's reasons in the per-reason index (document_reasons) differ from the reasons its hash covers: "
        "the index was edited");
  PgDb orphan;
  FiveRows(orphan.uri);
  Exec(orphan.uri, "INSERT INTO document_reasons(document, reason) VALUES (99, 'minor')");
  rep = Verify(orphan.uri);
  CHECK_FALSE(rep.ok);
  CHECK(rep.problem.find("the per-reason index (document_reasons) holds 11 rows") == 0);
}

TEST_CASE("PG ledger chain: removed rows are found in the middle, at the start and at the end", "[ledger_pg][chain]") {
  auto remove = [](const std::string& uri, int id) {
    const std::string n = std::to_string(id);
    Exec(uri, "DELETE FROM document_reasons WHERE document = " + n + "; DELETE FROM identifiers WHERE document = " +
                  n + "; DELETE FROM documents WHERE id = " + n);
  };
  {
    PgDb db;
    FiveRows(db.uri);
    remove(db.uri, 3);
    const ChainReport rep = Verify(db.uri);
    CHECK_FALSE(rep.ok);
    CHECK(rep.bad_row == 4);
    CHECK(rep.problem == "row 4 does not follow row 2: rows were removed, inserted or moved between them");
  }
  {
    PgDb db;
    FiveRows(db.uri);
    remove(db.uri, 1);
    const ChainReport rep = Verify(db.uri);
    CHECK_FALSE(rep.ok);
    CHECK(rep.bad_row == 2);
    CHECK(rep.problem == "row 2 is first but does not start the chain: rows were removed before it");
  }
  {
    PgDb db;
    FiveRows(db.uri);
    remove(db.uri, 5);
    const ChainReport rep = Verify(db.uri);
    CHECK_FALSE(rep.ok);
    CHECK(StartsWith(rep.problem, "the chain ends at row 4 but the ledger's head names row 5"));
  }
}

TEST_CASE("PG ledger chain: two ledger objects appending in turn extend one chain", "[ledger_pg][chain]") {
  PgDb db;
  auto a = Open(db.uri);
  auto b = Open(db.uri);
  auto ra = a->BeginRun("crawl", "k");
  auto rb = b->BeginRun("crawl", "k");
  for (int i = 0; i < 6; ++i) {
    Ledger& l = i % 2 == 0 ? *a : *b;
    REQUIRE(l.Append(i % 2 == 0 ? *ra : *rb, {Row("https://example.org/x" + std::to_string(i), "keep")}).ok());
  }
  const ChainReport rep = Verify(db.uri);
  CHECK(rep.ok);
  CHECK(rep.rows == 6);
  CHECK(StartsWith(rep.head, "6 "));
}

// --- rights requests and retention -------------------------------------------

TEST_CASE("PG ledger requests: recorded once, retried harmlessly, completed, marking erased rows", "[ledger_pg][rights]") {
  PgDb db;
  DailyRows(db.uri, 4);
  auto l = Open(db.uri);
  RightsRequest r{"REQ-1", "erase", "email", Digest('2'), "2026-12-01T08:00:00Z", "", {2}};
  REQUIRE(l->RecordRequest(r).ok());
  REQUIRE(l->RecordRequest(r).ok());  // a retry changes nothing
  CHECK(l->Requests()->size() == 1);
  CHECK(Query(db.uri, "SELECT count(*) FROM request_rows") == "1");
  RightsRequest other = r;
  other.subject_digest = Digest('3');
  Status st = l->RecordRequest(other);
  CHECK_FALSE(st.ok());
  CHECK(st.code() == Status::Code::kInvalidArgument);
  CHECK(Contains(st.message(), "REQ-1"));
  CHECK_FALSE(Contains(st.message(), Digest('3')));
  RightsRequest kind = r;
  kind.kind = "export";
  CHECK(l->RecordRequest(kind).code() == Status::Code::kInvalidArgument);
  RightsRequest clear = r;
  clear.ref = "REQ-2";
  const std::string clear_local = "someone.fictive";
  clear.subject_digest = clear_local + "@example.org";
  st = l->RecordRequest(clear);
  CHECK_FALSE(st.ok());
  CHECK_FALSE(Contains(st.message(), clear_local));
  CHECK(Query(db.uri, "SELECT count(*) FROM requests") == "1");

  CHECK(l->FindIdentifier(Digest('2'))->front().erased_at.empty());
  REQUIRE(l->CompleteRequest("REQ-1", "2026-12-01T08:05:00Z").ok());
  REQUIRE(l->CompleteRequest("REQ-1", "2026-12-09T00:00:00Z").ok());  // keeps the first time
  auto found = l->FindRequest("REQ-1");
  REQUIRE(found.ok());
  REQUIRE(found->has_value());
  const RightsRequest& f = **found;
  CHECK(f.ref == "REQ-1");
  CHECK(f.kind == "erase");
  CHECK(f.subject_type == "email");
  CHECK(f.subject_digest == Digest('2'));
  CHECK(f.received_at == "2026-12-01T08:00:00Z");
  CHECK(f.completed_at == "2026-12-01T08:05:00Z");
  CHECK(f.rows == std::vector<std::int64_t>{2});
  CHECK(l->FindIdentifier(Digest('2'))->front().erased_at == "2026-12-01T08:05:00Z");
  CHECK(l->FindUrlPrefix("https://example.org/2")->front().erased_at == "2026-12-01T08:05:00Z");
  CHECK(l->FindIdentifier(Digest('3'))->front().erased_at.empty());
  CHECK(l->CompleteRequest("NOPE", "").code() == Status::Code::kNotFound);
  auto nope = l->FindRequest("NOPE");
  REQUIRE(nope.ok());
  CHECK_FALSE(nope->has_value());
  // An export request (received now, rows 3 and 1 given out of order) marks nothing erased.
  REQUIRE(l->RecordRequest({"REQ-3", "export", "email", Digest('3'), "", "", {3, 1}}).ok());
  REQUIRE(l->CompleteRequest("REQ-3", "").ok());
  CHECK(l->FindIdentifier(Digest('3'))->front().erased_at.empty());
  auto three = l->FindRequest("REQ-3");
  REQUIRE(three->has_value());
  CHECK((*three)->rows == std::vector<std::int64_t>{1, 3});
  CHECK(std::regex_match((*three)->received_at, kIsoUtc));
  CHECK(std::regex_match((*three)->completed_at, kIsoUtc));
  auto all = l->Requests();
  REQUIRE(all->size() == 2);
  CHECK(all->at(0).ref == "REQ-1");  // by received_at
  CHECK(all->at(1).ref == "REQ-3");
  // Requests are outside the chain; purge unlinks their rows but keeps them.
  CHECK(l->VerifyChain()->ok);
  REQUIRE(l->Purge("2026-11-03").value() == 2);
  CHECK(l->FindRequest("REQ-1")->value().rows.empty());
  CHECK(l->FindRequest("REQ-3")->value().rows == std::vector<std::int64_t>{3});
  CHECK(l->Requests()->size() == 2);
  CHECK(l->VerifyChain()->ok);
}

TEST_CASE("PG ledger purge: old rows go with their index entries and the chain still verifies", "[ledger_pg][purge]") {
  PgDb db;
  DailyRows(db.uri, 6);
  auto l = Open(db.uri);
  auto before = l->RowsBefore("2026-11-04");
  REQUIRE(before.ok());
  REQUIRE(before->size() == 3);
  CHECK(before->front().row == 1);
  CHECK(before->at(1).row == 2);
  CHECK(before->back().url == "https://example.org/3");
  CHECK(before->back().output_file.empty());  // row 3 was dropped
  CHECK(before->front().output_file == "out.jsonl");
  auto n = l->Purge("2026-11-04");
  REQUIRE(n.ok());
  CHECK(*n == 3);
  CHECK(l->RowCount().value() == 3);
  CHECK(l->FindIdentifier(Digest('2'))->empty());  // row 2's digest went with it
  CHECK(l->FindIdentifier(Digest('5'))->size() == 1);
  CHECK(Query(db.uri, "SELECT count(*) FROM document_reasons WHERE document <= 3") == "0");
  CHECK(Query(db.uri, "SELECT count(*) FROM identifiers WHERE document <= 3") == "0");
  auto cps = l->Checkpoints();
  REQUIRE(cps.ok());
  REQUIRE(cps->size() == 1);
  CHECK(cps->front().first_id == 1);
  CHECK(cps->front().last_id == 3);
  CHECK(cps->front().rows == 3);
  CHECK(cps->front().prev_hash == std::string(internal::kGenesis));
  CHECK(cps->front().before == "2026-11-04");
  CHECK(std::regex_match(cps->front().purged_at, kIsoUtc));
  CHECK(Query(db.uri, "SELECT prev_hash FROM documents WHERE id = 4") == cps->front().last_hash);
  ChainReport rep = l->VerifyChain().value();
  CHECK(rep.ok);
  CHECK(rep.rows == 3);
  CHECK(rep.purged == 3);
  CHECK(StartsWith(rep.head, "6 "));
  CHECK(l->Purge("2026-11-04").value() == 0);  // nothing left to purge
  // Appending after a purge continues the chain.
  auto run = l->BeginRun("filter", "k");
  REQUIRE(l->Append(*run, {Row("https://example.org/7", "keep")}).ok());
  rep = Verify(db.uri);
  CHECK(rep.ok);
  CHECK(rep.purged == 3);
  CHECK(StartsWith(rep.head, "7 "));
}

TEST_CASE("PG ledger purge: stretches merge and a purge of everything keeps the head", "[ledger_pg][purge]") {
  PgDb db;
  DailyRows(db.uri, 5);
  // Rows 2 and 4 made older than the rest: two separate stretches (the edit
  // breaks their hashes; purging them removes exactly what was edited).
  Exec(db.uri, "UPDATE documents SET considered_at = '2026-10-01T00:00:00Z' WHERE id IN (2, 4)");
  auto l = Open(db.uri);
  REQUIRE(l->Purge("2026-11-01").value() == 2);
  auto cps = l->Checkpoints().value();
  REQUIRE(cps.size() == 2);
  CHECK(cps[0].first_id == 2);
  CHECK(cps[1].first_id == 4);
  CHECK(l->VerifyChain()->ok);
  REQUIRE(l->Purge("2026-11-04").value() == 2);  // rows 1 and 3: one stretch
  cps = l->Checkpoints().value();
  REQUIRE(cps.size() == 1);
  CHECK(cps[0].first_id == 1);
  CHECK(cps[0].last_id == 4);
  CHECK(cps[0].rows == 4);
  CHECK(l->VerifyChain()->ok);
  REQUIRE(l->Purge("2027").value() == 1);
  CHECK(l->RowCount().value() == 0);
  const ChainReport rep = l->VerifyChain().value();
  CHECK(rep.ok);
  CHECK(rep.purged == 5);
  CHECK(StartsWith(rep.head, "5 "));
}

TEST_CASE("PG ledger purge: an edited or removed checkpoint is found", "[ledger_pg][purge][chain]") {
  auto purged = [](const std::string& uri) {
    DailyRows(uri, 5);
    auto l = Open(uri);
    REQUIRE(l->Purge("2026-11-03").value() == 2);
    REQUIRE(l->VerifyChain()->ok);
  };
  {
    PgDb db;
    purged(db.uri);
    Exec(db.uri, "UPDATE chain_checkpoints SET last_hash = '" + Digest('e') + "'");
    const ChainReport rep = Verify(db.uri);
    CHECK_FALSE(rep.ok);
    CHECK(rep.bad_row == 3);
  }
  {
    PgDb db;
    purged(db.uri);
    Exec(db.uri, "UPDATE chain_checkpoints SET prev_hash = '" + Digest('e') + "'");
    const ChainReport rep = Verify(db.uri);
    CHECK_FALSE(rep.ok);
    CHECK(rep.bad_row == 1);
    CHECK(Contains(rep.problem, "checkpoint"));
  }
  {
    PgDb db;
    purged(db.uri);
    Exec(db.uri, "DELETE FROM chain_checkpoints");
    const ChainReport rep = Verify(db.uri);
    CHECK_FALSE(rep.ok);
    CHECK(rep.problem == "row 3 is first but does not start the chain: rows were removed before it");
  }
  {
    PgDb db;
    purged(db.uri);
    Exec(db.uri, "DELETE FROM document_reasons WHERE document = 3; DELETE FROM identifiers WHERE document = 3; "
                 "DELETE FROM documents WHERE id = 3");
    const ChainReport rep = Verify(db.uri);
    CHECK_FALSE(rep.ok);
    CHECK(rep.bad_row == 4);
    CHECK(rep.problem == "row 4 does not follow row 2: rows were removed, inserted or moved between them");
  }
}

// --- several processes at once -----------------------------------------------

namespace {

constexpr int kWriters = 4;
constexpr int kBatches = 50;
constexpr int kRowsPerBatch = 20;

std::string WriterUrl(int writer, int batch, int i) {
  return "https://w" + std::to_string(writer) + ".example/" + std::to_string(batch) + "/" + std::to_string(i);
}

// One writer process: waits on `go` (EOF when the parent closes it), opens
// the ledger, appends its batches in one run. Its exit code says how far it
// got (0: all done); never returns.
[[noreturn]] void WriterProcess(const std::string& uri, int writer, int go_fd, int batches) {
  int code = 0;
  try {
    char c;
    while (::read(go_fd, &c, 1) > 0) {
    }
    ::close(go_fd);
    auto l = Ledger::OpenPostgres(uri);
    if (!l.ok()) {
      std::fprintf(stderr, "writer %d: open: %s\n", writer, l.status().message().c_str());
      std::_Exit(10);
    }
    auto run = (*l)->BeginRun("crawl", "k");
    if (!run.ok()) {
      std::fprintf(stderr, "writer %d: begin run: %s\n", writer, run.status().message().c_str());
      std::_Exit(11);
    }
    for (int b = 0; b < batches && code == 0; ++b) {
      std::vector<LedgerRow> rows;
      for (int i = 0; i < kRowsPerBatch; ++i) {
        LedgerRow r = Row(WriterUrl(writer, b, i), i % 4 == 0 ? "drop" : "keep",
                          {{"email", Digest(static_cast<char>('0' + writer))}});
        r.site = "w" + std::to_string(writer) + ".example";
        r.considered_at.clear();
        rows.push_back(std::move(r));
      }
      const Status st = (*l)->Append(*run, rows);
      if (!st.ok()) {
        std::fprintf(stderr, "writer %d: append %d: %s\n", writer, b, st.message().c_str());
        code = 12;
      }
    }
    if (code == 0 && !(*l)->EndRun(*run, "{\"status\":\"ok\"}").ok()) code = 13;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "writer %d: exception: %s\n", writer, e.what());
    code = 14;
  } catch (...) {
    code = 15;
  }
  std::fflush(stderr);
  std::_Exit(code);
}

// Forks kWriters writers that start together; returns their pids.
std::vector<pid_t> StartWriters(const std::string& uri, int batches, int* go_write) {
  int go[2];
  REQUIRE(::pipe(go) == 0);
  std::fflush(nullptr);
  std::vector<pid_t> pids;
  for (int w = 1; w <= kWriters; ++w) {
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(go[1]);
      WriterProcess(uri, w, go[0], batches);
    }
    pids.push_back(pid);
  }
  ::close(go[0]);
  *go_write = go[1];
  return pids;
}

// Waits for every writer; their exit codes, by writer.
std::vector<int> WaitWriters(const std::vector<pid_t>& pids) {
  std::vector<int> codes;
  for (pid_t pid : pids) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    codes.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  }
  return codes;
}

}  // namespace

TEST_CASE("PG ledger concurrency: four processes append at once, nothing is lost, the chain verifies",
          "[ledger_pg][concurrency]") {
  PgDb db;
  Open(db.uri);  // the schema exists before the writers start
  int go = -1;
  const std::vector<pid_t> pids = StartWriters(db.uri, kBatches, &go);
  ::close(go);  // go

  // Meanwhile this process reads: every snapshot it verifies is a whole chain.
  auto reader = Open(db.uri);
  int verified = 0, broken = 0;
  std::int64_t last_count = 0;
  bool count_went_back = false;
  std::string first_problem;
  std::vector<int> codes(pids.size(), -1);
  for (std::size_t done = 0; done < pids.size();) {
    auto rep = reader->VerifyChain();
    if (rep.ok()) {
      ++verified;
      if (!rep->ok) {
        ++broken;
        if (first_problem.empty()) first_problem = rep->problem;
      }
    } else if (first_problem.empty()) {
      first_problem = "VerifyChain failed: " + rep.status().message();
      ++broken;
    }
    auto count = reader->RowCount();
    const std::int64_t n = count.ok() ? *count : -1;
    if (n < last_count) count_went_back = true;
    last_count = std::max(last_count, n);
    for (std::size_t i = 0; i < pids.size(); ++i) {
      if (codes[i] != -1) continue;
      int status = 0;
      if (::waitpid(pids[i], &status, WNOHANG) == pids[i]) {
        codes[i] = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        ++done;
      }
    }
    ::usleep(20000);
  }
  CHECK(codes == std::vector<int>(kWriters, 0));
  INFO("first problem seen while the writers ran: " << first_problem);
  CHECK(broken == 0);
  CHECK(verified > 0);
  CHECK_FALSE(count_went_back);

  auto l = Open(db.uri);
  CHECK(l->RowCount().value() == kWriters * kBatches * kRowsPerBatch);
  auto runs = l->Runs().value();
  REQUIRE(runs.size() == kWriters);
  for (const RunInfo& r : runs) {
    CHECK_FALSE(r.ended_at.empty());
    CHECK(Query(db.uri, "SELECT count(*) FROM documents WHERE run = " + std::to_string(r.id)) ==
          std::to_string(kBatches * kRowsPerBatch));
  }
  // Every writer's rows are all there, in the order it appended them, each
  // batch in one stretch of the chain.
  for (int w = 1; w <= kWriters; ++w) {
    auto hits = l->FindUrlPrefix("https://w" + std::to_string(w) + ".example/");
    REQUIRE(hits.ok());
    REQUIRE(hits->size() == static_cast<std::size_t>(kBatches * kRowsPerBatch));
    bool in_order = true, batches_whole = true;
    std::set<std::int64_t> run_ids;
    for (int b = 0; b < kBatches; ++b) {
      for (int i = 0; i < kRowsPerBatch; ++i) {
        const IdentifierHit& h = hits->at(static_cast<std::size_t>(b * kRowsPerBatch + i));
        if (h.url != WriterUrl(w, b, i)) in_order = false;
        if (i > 0 && h.row != hits->at(static_cast<std::size_t>(b * kRowsPerBatch + i - 1)).row + 1) {
          batches_whole = false;
        }
        run_ids.insert(h.run);
      }
    }
    CHECK(in_order);
    CHECK(batches_whole);
    CHECK(run_ids.size() == 1);
    CHECK(l->FindIdentifier(Digest(static_cast<char>('0' + w)))->size() ==
          static_cast<std::size_t>(kBatches * kRowsPerBatch));
  }
  CHECK(Query(db.uri, "SELECT count(DISTINCT id) FROM documents") == std::to_string(kWriters * kBatches * kRowsPerBatch));
  const ChainReport rep = l->VerifyChain().value();
  INFO("problem: " << rep.problem);
  CHECK(rep.ok);
  CHECK(rep.rows == kWriters * kBatches * kRowsPerBatch);
  CHECK(Query(db.uri, "SELECT value FROM meta WHERE key = 'chain_head'") == rep.head);
}

TEST_CASE("PG ledger concurrency: four processes opening a new database at once all get one schema",
          "[ledger_pg][concurrency]") {
  PgDb db;  // empty: the writers race to create the schema
  int go = -1;
  const std::vector<pid_t> pids = StartWriters(db.uri, 2, &go);
  ::close(go);
  const std::vector<int> codes = WaitWriters(pids);
  CHECK(codes == std::vector<int>(kWriters, 0));
  auto l = Open(db.uri);
  CHECK(l->RowCount().value() == kWriters * 2 * kRowsPerBatch);
  CHECK(l->Runs()->size() == static_cast<std::size_t>(kWriters));
  CHECK(Query(db.uri, "SELECT count(*) FROM meta WHERE key = 'schema_version'") == "1");
  CHECK(l->VerifyChain()->ok);
}
