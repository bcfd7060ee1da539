// The PostgreSQL ledger (libpqxx): the SQLite ledger's tables, columns and
// hash chain (docs/ledger.md), on a server that several crawler or filter
// processes on several machines write at once.
//
// Concurrency. Every write that touches the chain (Append, Purge) and the
// schema set-up take one transaction-scoped advisory lock (kAdvisoryLock, one
// per database): the writers take turns, each reading the chain head under
// the lock and extending it, so that the rows of all processes form one
// chain. Readers never wait for it (MVCC); VerifyChain reads in one
// REPEATABLE READ snapshot.
//
// Text. PostgreSQL's text holds neither NUL nor bytes that are not UTF-8 (in
// a UTF8 database): such a row is refused before anything is sent, naming the
// row and the column, never its value. Every column compared or sorted is
// COLLATE "C", so that ORDER BY and URL prefixes compare bytes, as SQLite does,
// whatever the database's locale.
//
// Errors name the server as "postgresql://user@host:port/db" (DisplayName),
// never a password, and keep only the first line of the server's message:
// its DETAIL and CONTEXT lines can quote a row's values.
#include <libpq-fe.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <pqxx/pqxx>
#include <set>
#include <tuple>

#include "audit/ledger.h"
#include "audit/ledger_internal.h"
#include "core/time_util.h"
#include "core/utf8.h"
#include "core/version.h"

namespace moisson::audit {
namespace {

using internal::ChainedRow;
using internal::IsHex64;
using internal::kGenesis;
using internal::RowHash;
using internal::SplitReasons;

// pg_advisory_xact_lock's key: "moisson" in ASCII.
constexpr const char* kAdvisoryLock = "SELECT pg_advisory_xact_lock(30792366891937646)";

// Schema v4 in one step (PostgreSQL ledgers start at v4; a later version adds
// steps to kPgMigrations, which only add, as on SQLite). Same tables and
// columns as the SQLite ledger (docs/ledger.md), with these differences:
// BIGSERIAL for runs and requests; documents.id is given by Append (the
// chain's next id under the lock), never by a sequence, so that ids have no
// holes left by rolled-back transactions; no index on (site, url) (a btree
// entry is limited to about 2.7 kB, and a URL is not), the reports scan; no
// foreign keys from documents, document_reasons and identifiers: PostgreSQL
// checks one with a trigger per row, which took 40 % of Append's time
// (docs/benchmarks.md), and Append writes all three in one transaction after
// checking the run, while Purge deletes a document's reasons and digests
// with it; a row edited by hand is what the hash chain catches.
constexpr const char* kPgSchemaV4 = R"sql(
CREATE TABLE meta (key TEXT COLLATE "C" PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE runs (
  id BIGSERIAL PRIMARY KEY,
  command TEXT NOT NULL CHECK (command <> ''),
  started_at TEXT COLLATE "C" NOT NULL,
  ended_at TEXT COLLATE "C",
  key_id TEXT NOT NULL,
  moisson_version TEXT NOT NULL,
  summary TEXT
);
CREATE TABLE documents (
  id BIGINT PRIMARY KEY,
  run BIGINT NOT NULL,
  url TEXT COLLATE "C" NOT NULL,
  site TEXT COLLATE "C" NOT NULL,
  source_file TEXT COLLATE "C" NOT NULL,
  source_offset BIGINT NOT NULL CHECK (source_offset >= 0),
  considered_at TEXT COLLATE "C" NOT NULL,
  decision TEXT NOT NULL CHECK (decision IN ('keep', 'modify', 'drop')),
  reasons TEXT COLLATE "C" NOT NULL,
  content_sha256 TEXT NOT NULL CHECK (length(content_sha256) IN (0, 64)),
  output_file TEXT COLLATE "C" NOT NULL,
  output_id TEXT COLLATE "C" NOT NULL,
  http_status INTEGER NOT NULL DEFAULT 0 CHECK (http_status BETWEEN 0 AND 999),
  fetched SMALLINT NOT NULL DEFAULT 0 CHECK (fetched IN (0, 1)),
  signal TEXT NOT NULL DEFAULT '',
  prev_hash TEXT NOT NULL DEFAULT '',
  row_hash TEXT NOT NULL DEFAULT ''
);
CREATE TABLE document_reasons (
  document BIGINT NOT NULL,
  reason TEXT COLLATE "C" NOT NULL CHECK (reason <> '' AND strpos(reason, ',') = 0),
  PRIMARY KEY (document, reason)
);
CREATE TABLE identifiers (
  digest TEXT COLLATE "C" NOT NULL CHECK (length(digest) = 64),
  type TEXT COLLATE "C" NOT NULL CHECK (type <> ''),
  document BIGINT NOT NULL,
  PRIMARY KEY (digest, document)
);
CREATE INDEX documents_run ON documents(run);
CREATE INDEX identifiers_document ON identifiers(document);
CREATE TABLE requests (
  id BIGSERIAL PRIMARY KEY,
  ref TEXT COLLATE "C" NOT NULL UNIQUE CHECK (ref <> ''),
  kind TEXT NOT NULL CHECK (kind IN ('export', 'erase')),
  subject_type TEXT NOT NULL CHECK (subject_type <> ''),
  subject_digest TEXT NOT NULL CHECK (length(subject_digest) = 64),
  received_at TEXT COLLATE "C" NOT NULL,
  completed_at TEXT COLLATE "C"
);
CREATE TABLE request_rows (
  request BIGINT NOT NULL REFERENCES requests(id),
  document BIGINT NOT NULL,
  PRIMARY KEY (request, document)
);
CREATE INDEX request_rows_document ON request_rows(document);
CREATE TABLE chain_checkpoints (
  first_id BIGINT PRIMARY KEY,
  last_id BIGINT NOT NULL CHECK (last_id >= first_id),
  prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
  last_hash TEXT NOT NULL CHECK (length(last_hash) = 64),
  rows BIGINT NOT NULL CHECK (rows > 0),
  purged_at TEXT NOT NULL,
  cutoff TEXT NOT NULL
);
)sql";

// v5: the document's own date, as on SQLite (ledger.cc, kSchemaV5).
constexpr const char* kPgSchemaV5 = R"sql(
ALTER TABLE documents ADD COLUMN captured_at TEXT COLLATE "C" NOT NULL DEFAULT '';
)sql";

// v6: the inputs a sharded `filter` run finished, as on SQLite (ledger.cc, kSchemaV6).
constexpr const char* kPgSchemaV6 = R"sql(
CREATE TABLE inputs (
  id BIGSERIAL PRIMARY KEY,
  run BIGINT NOT NULL REFERENCES runs(id),
  output TEXT COLLATE "C" NOT NULL CHECK (output <> ''),
  input TEXT COLLATE "C" NOT NULL CHECK (input <> ''),
  documents BIGINT NOT NULL CHECK (documents >= 0),
  written BIGINT NOT NULL CHECK (written >= 0),
  skipped BIGINT NOT NULL CHECK (skipped >= 0),
  position TEXT NOT NULL,
  finished_at TEXT NOT NULL
);
CREATE INDEX inputs_output ON inputs(output, id);
)sql";

constexpr internal::Migration kPgMigrations[] = {{4, kPgSchemaV4}, {5, kPgSchemaV5}, {6, kPgSchemaV6}};
static_assert(kPgMigrations[sizeof kPgMigrations / sizeof kPgMigrations[0] - 1].to_version == kLedgerSchemaVersion);

// The tables of a ledger: one of them without `meta` means the database
// holds something else, which Setup refuses to touch.
constexpr const char* kTables[] = {"meta",     "runs",         "documents",   "document_reasons",
                                   "identifiers", "requests", "request_rows", "chain_checkpoints", "inputs"};

std::string Str(const pqxx::field& f) { return f.is_null() ? std::string() : f.c_str(); }
std::int64_t Int(const pqxx::field& f) { return f.is_null() ? 0 : f.as<std::int64_t>(); }

// One IdentifierHit from a row of internal::SelectHits' columns.
IdentifierHit ReadHit(const pqxx::row& r) {
  IdentifierHit h;
  h.row = Int(r[0]);
  h.url = Str(r[1]);
  h.considered_at = Str(r[2]);
  h.decision = Str(r[3]);
  h.output_file = Str(r[4]);
  h.output_id = Str(r[5]);
  h.site = Str(r[6]);
  h.source_file = Str(r[7]);
  h.source_offset = static_cast<std::uint64_t>(Int(r[8]));
  h.reasons = SplitReasons(Str(r[9]));
  h.type = Str(r[10]);
  h.run = Int(r[11]);
  h.http_status = static_cast<int>(Int(r[12]));
  h.fetched = Int(r[13]) != 0;
  h.signal = Str(r[14]);
  h.erased_at = Str(r[15]);
  h.content_sha256 = Str(r[16]);
  return h;
}

// The first line of a libpq / server message: the DETAIL and CONTEXT lines
// that follow can quote the values of a row ("Failing row contains ...").
std::string FirstLine(std::string_view msg) {
  std::size_t n = msg.find('\n');
  std::string s(msg.substr(0, n));
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

// Text that PostgreSQL cannot store as it is; nullptr when fine.
const char* BadText(std::string_view s) {
  if (s.find('\0') != std::string_view::npos) return "holds a NUL byte";
  if (!IsValidUtf8(s)) return "is not valid UTF-8";
  return nullptr;
}

class PgLedger : public Ledger {
 public:
  static Result<std::unique_ptr<Ledger>> Open(const std::string& conninfo, std::span<const internal::Migration> steps) {
    // Always reduced, whatever the form (a key=value string holds its password in clear).
    const std::string name = internal::PostgresServerName(conninfo);
    std::unique_ptr<PgLedger> l(new PgLedger());
    l->name_ = name;
    try {
      l->conn_ = std::make_unique<pqxx::connection>(conninfo);
    } catch (const std::exception& e) {
      return Status::Io(name + ": cannot connect to the ledger: " + FirstLine(e.what()));
    }
    if (Status st = l->Setup(steps); !st.ok()) return st;
    return std::unique_ptr<Ledger>(std::move(l));
  }

  Result<std::int64_t> BeginRun(std::string_view command, std::string_view key_id) override {
    return Guard<std::int64_t>("begin run", [&]() -> Result<std::int64_t> {
      pqxx::work w(*conn_);
      const pqxx::row r = w.exec_params1(
          "INSERT INTO runs(command, started_at, key_id, moisson_version) VALUES ($1, $2, $3, $4) RETURNING id",
          std::string(command), UtcNowIso8601(), std::string(key_id), std::string(MOISSON_VERSION));
      const std::int64_t id = r[0].as<std::int64_t>();
      w.commit();
      return id;
    });
  }

  Status Append(std::int64_t run, const std::vector<LedgerRow>& rows, const FinishedInput* finished) override {
    if (rows.empty() && finished == nullptr) return Status::Ok();
    if (finished != nullptr) {
      for (std::string_view t : {std::string_view(finished->output), std::string_view(finished->input),
                                 std::string_view(finished->position)}) {
        if (BadText(t)) return Status::InvalidArgument(name_ + ": ledger append failed: an input name is not text");
      }
    }
    const std::size_t n = rows.size();
    // Everything PostgreSQL would refuse is refused here first, naming the
    // row: the server's own message could quote the value.
    std::vector<std::string> reasons(n);
    for (std::size_t i = 0; i < n; ++i) {
      const LedgerRow& r = rows[i];
      if (r.decision != "keep" && r.decision != "modify" && r.decision != "drop") {
        return RefuseAt(i, n, "the decision is not keep, modify or drop");
      }
      if (!r.content_sha256.empty() && !IsHex64(r.content_sha256)) {
        return RefuseAt(i, n, "content_sha256 is not 64 lowercase hex digits");
      }
      if (r.source_offset > static_cast<std::uint64_t>(INT64_MAX)) return RefuseAt(i, n, "source_offset is too large");
      if (r.http_status < 0 || r.http_status > 999) return RefuseAt(i, n, "http_status is not between 0 and 999");
      for (const auto& [type, digest] : r.identifiers) {
        if (!IsHex64(digest)) {
          return RefuseAt(i, n, "an identifier digest is not 64 lowercase hex digits (never pass a clear "
                                "identifier: pass its keyed digest)");
        }
        if (type.empty()) return RefuseAt(i, n, "an identifier has no type");
        if (const char* bad = BadText(type)) return RefuseAt(i, n, std::string("an identifier type ") + bad);
      }
      for (const std::string& x : r.reasons) {
        if (x.empty() || x.find(',') != std::string::npos) {
          return RefuseAt(i, n, "a reason is empty or holds a comma");
        }
        if (!reasons[i].empty()) reasons[i].push_back(',');
        reasons[i] += x;
      }
      const std::pair<const char*, std::string_view> texts[] = {
          {"url", r.url},           {"site", r.site},       {"source_file", r.source_file},
          {"considered_at", r.considered_at}, {"reasons", reasons[i]}, {"output_file", r.output_file},
          {"output_id", r.output_id}, {"signal", r.signal}, {"captured_at", r.captured_at}};
      for (const auto& [column, value] : texts) {
        if (const char* bad = BadText(value)) {
          return RefuseAt(i, n, std::string("its ") + column + " " + bad +
                                    " (a PostgreSQL ledger stores text; a SQLite ledger takes any bytes)");
        }
      }
    }
    try {
      pqxx::work w(*conn_);
      w.exec(kAdvisoryLock);
      if (w.exec_params("SELECT 1 FROM runs WHERE id = $1", run).empty()) {
        return RefuseAt(0, n, ("there is no run " + std::to_string(run)).c_str());
      }
      // The chain continues from the head recorded in meta, read under the
      // lock (purged rows leave no row behind to read it from).
      std::int64_t id = 0;
      std::string prev(kGenesis);
      if (const pqxx::result h = w.exec("SELECT value FROM meta WHERE key = 'chain_head'"); !h.empty()) {
        if (!internal::ParseChainHead(Str(h[0][0]), &id, &prev)) {
          return Status::InvalidArgument(name_ + ": damaged ledger (meta.chain_head is not \"<row> <hash>\")");
        }
      }
      const std::string now = UtcNowIso8601();
      // The digests as the chain covers them (one type per digest, by
      // digest), kept for the identifiers COPY after the documents'.
      std::vector<std::tuple<std::string, std::string, std::int64_t>> digests;
      {
        pqxx::stream_to docs(w, "documents",
                             std::vector<std::string>{"id", "run", "url", "site", "source_file", "source_offset",
                                                      "considered_at", "decision", "reasons", "content_sha256",
                                                      "output_file", "output_id", "http_status", "fetched", "signal",
                                                      "prev_hash", "row_hash", "captured_at"});
        for (std::size_t i = 0; i < n; ++i) {
          const LedgerRow& r = rows[i];
          ChainedRow c = internal::ChainedFromRow(
              r, ++id, run, r.considered_at.empty() ? std::string_view(now) : std::string_view(r.considered_at), reasons[i]);
          std::string hash = RowHash(prev, c);
          docs << std::make_tuple(c.id, run, r.url, r.site, r.source_file, c.source_offset,
                                  std::string(c.considered_at), r.decision, reasons[i], r.content_sha256,
                                  r.output_file, r.output_id, r.http_status, c.fetched, r.signal, prev, hash,
                                  r.captured_at);
          prev = std::move(hash);
          for (auto& [digest, type] : c.identifiers) digests.emplace_back(std::move(digest), std::move(type), c.id);
        }
        docs.complete();
      }
      {
        pqxx::stream_to rs(w, "document_reasons", std::vector<std::string>{"document", "reason"});
        std::int64_t doc = id - static_cast<std::int64_t>(n);
        for (const LedgerRow& r : rows) {
          ++doc;
          std::set<std::string_view> seen;
          for (const std::string& x : r.reasons) {
            if (seen.insert(x).second) rs << std::make_tuple(doc, x);
          }
        }
        rs.complete();
      }
      {
        pqxx::stream_to is(w, "identifiers", std::vector<std::string>{"digest", "type", "document"});
        for (const auto& d : digests) is << d;
        is.complete();
      }
      if (n > 0) {
        w.exec_params(
            "INSERT INTO meta(key, value) VALUES ('chain_head', $1) ON CONFLICT (key) DO UPDATE SET value = $1",
            std::to_string(id) + " " + prev);
      }
      if (finished != nullptr) {
        w.exec_params("INSERT INTO inputs(run, output, input, documents, written, skipped, position, finished_at) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                      run, finished->output, finished->input, static_cast<std::int64_t>(finished->documents),
                      static_cast<std::int64_t>(finished->written), static_cast<std::int64_t>(finished->skipped),
                      finished->position, UtcNowIso8601());
      }
      w.commit();
      return Status::Ok();
    } catch (const std::exception& e) {
      return Status::InvalidArgument(name_ + ": ledger append failed, none of the " + std::to_string(n) +
                                     " rows was written: " + FirstLine(e.what()));
    }
  }

  Status EndRun(std::int64_t run, std::string_view summary_json) override {
    return GuardStatus("end run", [&]() -> Status {
      pqxx::work w(*conn_);
      const pqxx::result r = w.exec_params("UPDATE runs SET ended_at = $1, summary = $2 WHERE id = $3",
                                           UtcNowIso8601(), std::string(summary_json), run);
      if (r.affected_rows() != 1) {
        return Status::InvalidArgument(name_ + ": ledger end run failed: no run " + std::to_string(run));
      }
      w.commit();
      return Status::Ok();
    });
  }

  Result<std::vector<IdentifierHit>> FindIdentifier(std::string_view hex_digest) const override {
    return Hits("find", internal::SelectHits("i.type") +
                            "FROM identifiers i JOIN documents d ON d.id = i.document WHERE i.digest = $1 ORDER BY d.id",
                std::string(hex_digest));
  }

  Result<std::vector<FinishedInput>> FinishedInputs(std::string_view output) const override {
    return Guard<std::vector<FinishedInput>>("inputs", [&]() -> Result<std::vector<FinishedInput>> {
      pqxx::read_transaction t(*conn_);
      std::vector<FinishedInput> out;
      for (const auto& row : t.exec_params("SELECT output, input, documents, written, skipped, position, run, "
                                           "finished_at FROM inputs WHERE output = $1 ORDER BY id",
                                           std::string(output))) {
        FinishedInput f;
        f.output = Str(row[0]);
        f.input = Str(row[1]);
        f.documents = static_cast<std::uint64_t>(Int(row[2]));
        f.written = static_cast<std::uint64_t>(Int(row[3]));
        f.skipped = static_cast<std::uint64_t>(Int(row[4]));
        f.position = Str(row[5]);
        f.run = Int(row[6]);
        f.finished_at = Str(row[7]);
        out.push_back(std::move(f));
      }
      return out;
    });
  }

  Result<std::vector<IdentifierHit>> FindUrlPrefix(std::string_view prefix) const override {
    // Every string that starts with `prefix` sorts (bytes, COLLATE "C")
    // between it and prefix + U+10FFFF. A prefix that is not UTF-8 matches
    // nothing stored (all of it is).
    if (BadText(prefix)) return std::vector<IdentifierHit>();
    return Hits("find", internal::SelectHits("''") + "FROM documents d WHERE d.url >= $1 AND d.url < $2 ORDER BY d.id",
                std::string(prefix), std::string(prefix) + "\xF4\x8F\xBF\xBF");
  }

  Result<std::vector<SiteSummary>> Sites() const override {
    return Guard<std::vector<SiteSummary>>("sites", [&]() -> Result<std::vector<SiteSummary>> {
      pqxx::read_transaction t(*conn_);
      std::vector<SiteSummary> out;
      for (const pqxx::row& q : t.exec(
               "WITH erased AS (SELECT DISTINCT rr.document AS doc FROM request_rows rr JOIN requests q "
               "ON q.id = rr.request WHERE q.kind = 'erase' AND q.completed_at IS NOT NULL) "
               "SELECT site, min(considered_at), max(considered_at), count(*), sum(fetched), "
               "count(*) FILTER (WHERE decision = 'keep'), count(*) FILTER (WHERE decision = 'modify'), "
               "count(*) FILTER (WHERE decision = 'drop'), "
               "count(*) FILTER (WHERE reasons LIKE 'policy.%' OR reasons LIKE '%,policy.%' OR "
               "reasons LIKE 'blocklist.%' OR reasons LIKE '%,blocklist.%' OR reasons LIKE '%optout.site%'), "
               "count(*) FILTER (WHERE decision <> 'drop' AND e.doc IS NOT NULL), min(nullif(captured_at, '')), "
               "max(nullif(captured_at, '')) "
               "FROM documents d LEFT JOIN erased e ON e.doc = d.id GROUP BY site ORDER BY site")) {
        SiteSummary x;
        x.site = Str(q[0]);
        x.first = Str(q[1]);
        x.last = Str(q[2]);
        x.considered = Int(q[3]);
        x.fetched = Int(q[4]);
        x.kept = Int(q[5]);
        x.modified = Int(q[6]);
        x.dropped = Int(q[7]);
        x.objections = Int(q[8]);
        x.erased = Int(q[9]);
        x.captured_first = Str(q[10]);
        x.captured_last = Str(q[11]);
        out.push_back(std::move(x));
      }
      std::size_t i = 0;
      for (const pqxx::row& c : t.exec("SELECT DISTINCT d.site, substr(r.reason, 11) FROM document_reasons r "
                                       "JOIN documents d ON d.id = r.document WHERE r.reason LIKE 'blocklist.%' "
                                       "ORDER BY 1, 2")) {
        const std::string site = Str(c[0]);
        while (i < out.size() && out[i].site < site) ++i;
        if (i < out.size() && out[i].site == site) out[i].categories.push_back(Str(c[1]));
      }
      return out;
    });
  }

  Result<std::vector<std::pair<std::string, std::int64_t>>> ReasonCounts() const override {
    using Out = std::vector<std::pair<std::string, std::int64_t>>;
    return Guard<Out>("reasons", [&]() -> Result<Out> {
      pqxx::read_transaction t(*conn_);
      Out out;
      for (const pqxx::row& r : t.exec("SELECT reason, count(*) FROM document_reasons GROUP BY reason ORDER BY reason")) {
        out.emplace_back(Str(r[0]), Int(r[1]));
      }
      return out;
    });
  }

  Result<std::vector<ReasonDecisions>> ReasonDecisionCounts() const override {
    return Guard<std::vector<ReasonDecisions>>("reasons", [&]() -> Result<std::vector<ReasonDecisions>> {
      pqxx::read_transaction t(*conn_);
      std::vector<ReasonDecisions> out;
      for (const pqxx::row& r :
           t.exec("SELECT r.reason, count(*) FILTER (WHERE d.decision = 'keep'), "
                  "count(*) FILTER (WHERE d.decision = 'modify'), count(*) FILTER (WHERE d.decision = 'drop') "
                  "FROM document_reasons r JOIN documents d ON d.id = r.document GROUP BY r.reason ORDER BY r.reason")) {
        out.push_back({Str(r[0]), Int(r[1]), Int(r[2]), Int(r[3])});
      }
      return out;
    });
  }

  Result<std::int64_t> RowCount() const override {
    return Guard<std::int64_t>("count", [&]() -> Result<std::int64_t> {
      pqxx::read_transaction t(*conn_);
      return Int(t.exec1("SELECT count(*) FROM documents")[0]);
    });
  }

  Result<ChainReport> VerifyChain() const override {
    return Guard<ChainReport>("verify", [&]() -> Result<ChainReport> {
      // One snapshot: the rows, their identifiers, the checkpoints and the head agree.
      pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> t(*conn_);
      std::string head;
      if (const pqxx::result h = t.exec("SELECT value FROM meta WHERE key = 'chain_head'"); !h.empty()) {
        head = Str(h[0][0]);
      }
      internal::ChainWalk walk(ReadCheckpoints(t));
      // Keyset pages of rows, each with its identifiers: memory stays bounded
      // on a ledger of any size.
      constexpr int kPage = 10000;
      std::int64_t after = -1;
      for (;;) {
        const pqxx::result rows = t.exec_params(
            "SELECT id, run, url, site, source_file, source_offset, considered_at, decision, reasons, "
            "content_sha256, output_file, output_id, http_status, fetched, signal, prev_hash, row_hash, captured_at "
            "FROM documents WHERE id > $1 ORDER BY id LIMIT $2",
            after, kPage);
        if (rows.empty()) break;
        const std::int64_t last = Int(rows.back()[0]);
        std::map<std::int64_t, std::vector<std::pair<std::string, std::string>>> ids;
        for (const pqxx::row& r : t.exec_params("SELECT document, digest, type FROM identifiers "
                                                "WHERE document > $1 AND document <= $2 ORDER BY document, digest",
                                                after, last)) {
          ids[Int(r[0])].emplace_back(Str(r[1]), Str(r[2]));
        }
        std::map<std::int64_t, std::vector<std::string>> indexed;
        for (const pqxx::row& r : t.exec_params("SELECT document, reason FROM document_reasons "
                                                "WHERE document > $1 AND document <= $2",
                                                after, last)) {
          indexed[Int(r[0])].push_back(Str(r[1]));
        }
        for (const pqxx::row& r : rows) {
          std::array<std::string, 13> f = {Str(r[2]),  Str(r[3]),  Str(r[4]),  Str(r[6]),  Str(r[7]),
                                           Str(r[8]),  Str(r[9]),  Str(r[10]), Str(r[11]), Str(r[14]),
                                           Str(r[15]), Str(r[16]), Str(r[17])};
          ChainedRow c;
          c.id = Int(r[0]);
          c.run = Int(r[1]);
          c.url = f[0];
          c.site = f[1];
          c.source_file = f[2];
          c.source_offset = Int(r[5]);
          c.considered_at = f[3];
          c.decision = f[4];
          c.reasons = f[5];
          c.content_sha256 = f[6];
          c.output_file = f[7];
          c.output_id = f[8];
          c.http_status = Int(r[12]);
          c.fetched = Int(r[13]);
          c.signal = f[9];
          c.captured_at = f[12];
          if (auto it = ids.find(c.id); it != ids.end()) c.identifiers = std::move(it->second);
          std::vector<std::string> reasons;
          if (auto it = indexed.find(c.id); it != indexed.end()) reasons = std::move(it->second);
          if (!walk.Row(c, f[10], f[11], std::move(reasons))) return walk.report;
        }
        after = last;
      }
      walk.Finish(head, Int(t.exec1("SELECT count(*) FROM document_reasons")[0]));
      return walk.report;
    });
  }

  Result<std::vector<RunInfo>> Runs() const override {
    return Guard<std::vector<RunInfo>>("runs", [&]() -> Result<std::vector<RunInfo>> {
      pqxx::read_transaction t(*conn_);
      std::vector<RunInfo> out;
      for (const pqxx::row& q : t.exec("SELECT id, command, started_at, coalesce(ended_at, ''), key_id, "
                                       "moisson_version, coalesce(summary, ''), "
                                       "(SELECT count(*) FROM documents d WHERE d.run = runs.id) FROM runs ORDER BY id")) {
        out.push_back({Int(q[0]), Str(q[1]), Str(q[2]), Str(q[3]), Str(q[4]), Str(q[5]), Str(q[6]), Int(q[7])});
      }
      return out;
    });
  }

  Result<std::vector<TimelinePoint>> Timeline() const override {
    return Guard<std::vector<TimelinePoint>>("timeline", [&]() -> Result<std::vector<TimelinePoint>> {
      pqxx::read_transaction t(*conn_);
      std::vector<TimelinePoint> out;
      for (const pqxx::row& q :
           t.exec("SELECT substr(considered_at, 1, 16) AS m, count(*) FILTER (WHERE decision = 'keep'), "
                  "count(*) FILTER (WHERE decision = 'modify'), count(*) FILTER (WHERE decision = 'drop') "
                  "FROM documents GROUP BY m ORDER BY m")) {
        out.push_back({Str(q[0]), Int(q[1]), Int(q[2]), Int(q[3])});
      }
      return out;
    });
  }

  Status RecordRequest(const RightsRequest& r) override {
    if (r.ref.empty()) return Status::InvalidArgument(name_ + ": a rights request needs a reference");
    if (r.kind != "export" && r.kind != "erase") {
      return Status::InvalidArgument(name_ + ": unknown rights request kind (export or erase)");
    }
    if (!IsHex64(r.subject_digest)) {
      return Status::InvalidArgument(name_ + ": a request's subject must be its keyed digest (64 lowercase hex "
                                             "digits), never the clear identifier");
    }
    if (BadText(r.ref) || BadText(r.subject_type) || BadText(r.received_at) || BadText(r.completed_at)) {
      return Status::InvalidArgument(name_ + ": a request's reference, type or times are not UTF-8 text");
    }
    return GuardStatus("request", [&]() -> Status {
      pqxx::work w(*conn_);
      // Two processes recording the same ref at once: the lock makes the
      // second one see the first and answer as for a retry.
      w.exec(kAdvisoryLock);
      if (const pqxx::result s = w.exec_params("SELECT kind, subject_type, subject_digest FROM requests WHERE ref = $1",
                                               r.ref);
          !s.empty()) {
        const bool same = Str(s[0][0]) == r.kind && Str(s[0][1]) == r.subject_type && Str(s[0][2]) == r.subject_digest;
        if (same) return Status::Ok();
        return Status::InvalidArgument(name_ + ": request " + r.ref +
                                       " is already recorded for another kind or subject: choose another --ref");
      }
      const std::string received = r.received_at.empty() ? UtcNowIso8601() : r.received_at;
      const std::int64_t id =
          Int(w.exec_params1("INSERT INTO requests(ref, kind, subject_type, subject_digest, received_at, completed_at) "
                             "VALUES ($1, $2, $3, $4, $5, NULLIF($6, '')) RETURNING id",
                             r.ref, r.kind, r.subject_type, r.subject_digest, received, r.completed_at)[0]);
      if (!r.rows.empty()) {
        pqxx::stream_to links(w, "request_rows", std::vector<std::string>{"request", "document"});
        std::set<std::int64_t> seen;
        for (const std::int64_t doc : r.rows) {
          if (seen.insert(doc).second) links << std::make_tuple(id, doc);
        }
        links.complete();
      }
      w.commit();
      return Status::Ok();
    });
  }

  Status CompleteRequest(std::string_view ref, std::string_view completed_at) override {
    return GuardStatus("request", [&]() -> Status {
      pqxx::work w(*conn_);
      const std::string when = completed_at.empty() ? UtcNowIso8601() : std::string(completed_at);
      const pqxx::result r = w.exec_params(
          "UPDATE requests SET completed_at = coalesce(completed_at, $1) WHERE ref = $2", when, std::string(ref));
      if (r.affected_rows() != 1) return Status::NotFound(name_ + ": no request " + std::string(ref));
      w.commit();
      return Status::Ok();
    });
  }

  Result<std::optional<RightsRequest>> FindRequest(std::string_view ref) const override {
    auto all = ReadRequests("WHERE ref = $1", std::string(ref));
    if (!all.ok()) return all.status();
    if (all->empty()) return std::optional<RightsRequest>();
    return std::optional<RightsRequest>(std::move(all->front()));
  }

  Result<std::vector<RightsRequest>> Requests() const override { return ReadRequests("", ""); }

  Result<std::vector<IdentifierHit>> RowsBefore(std::string_view before) const override {
    return Hits("purge", internal::SelectHits("''") + "FROM documents d WHERE d.considered_at < $1 ORDER BY d.id",
                std::string(before));
  }

  Result<std::int64_t> Purge(std::string_view before) override {
    return Guard<std::int64_t>("purge", [&]() -> Result<std::int64_t> {
      pqxx::work w(*conn_);
      w.exec(kAdvisoryLock);
      const std::string cut(before);
      std::vector<internal::PurgedRow> gone;
      for (const pqxx::row& r :
           w.exec_params("SELECT id, prev_hash, row_hash FROM documents WHERE considered_at < $1 ORDER BY id", cut)) {
        gone.push_back({Int(r[0]), Str(r[1]), Str(r[2])});
      }
      if (gone.empty()) return std::int64_t{0};
      std::vector<ChainCheckpoint> merged =
          internal::MergeCheckpoints(ReadCheckpoints(w), gone, UtcNowIso8601(), before);
      for (const char* sql :
           {"DELETE FROM identifiers WHERE document IN (SELECT id FROM documents WHERE considered_at < $1)",
            "DELETE FROM document_reasons WHERE document IN (SELECT id FROM documents WHERE considered_at < $1)",
            "DELETE FROM request_rows WHERE document IN (SELECT id FROM documents WHERE considered_at < $1)",
            "DELETE FROM documents WHERE considered_at < $1"}) {
        w.exec_params(sql, cut);
      }
      w.exec("DELETE FROM chain_checkpoints");
      for (const ChainCheckpoint& cp : merged) {
        w.exec_params("INSERT INTO chain_checkpoints(first_id, last_id, prev_hash, last_hash, rows, purged_at, cutoff) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                      cp.first_id, cp.last_id, cp.prev_hash, cp.last_hash, cp.rows, cp.purged_at, cp.before);
      }
      w.commit();
      return static_cast<std::int64_t>(gone.size());
    });
  }

  Result<std::vector<ChainCheckpoint>> Checkpoints() const override {
    return Guard<std::vector<ChainCheckpoint>>("checkpoints", [&]() -> Result<std::vector<ChainCheckpoint>> {
      pqxx::read_transaction t(*conn_);
      return ReadCheckpoints(t);
    });
  }

 private:
  PgLedger() = default;

  static std::vector<ChainCheckpoint> ReadCheckpoints(pqxx::transaction_base& t) {
    std::vector<ChainCheckpoint> out;
    for (const pqxx::row& q : t.exec("SELECT first_id, last_id, prev_hash, last_hash, rows, purged_at, cutoff "
                                     "FROM chain_checkpoints ORDER BY first_id")) {
      out.push_back({Int(q[0]), Int(q[1]), Str(q[2]), Str(q[3]), Int(q[4]), Str(q[5]), Str(q[6])});
    }
    return out;
  }

  template <typename... Args>
  Result<std::vector<IdentifierHit>> Hits(const char* what, const std::string& sql, Args&&... args) const {
    return Guard<std::vector<IdentifierHit>>(what, [&]() -> Result<std::vector<IdentifierHit>> {
      pqxx::read_transaction t(*conn_);
      std::vector<IdentifierHit> out;
      for (const pqxx::row& r : t.exec_params(sql, std::forward<Args>(args)...)) out.push_back(ReadHit(r));
      return out;
    });
  }

  Result<std::vector<RightsRequest>> ReadRequests(const char* where, const std::string& arg) const {
    return Guard<std::vector<RightsRequest>>("requests", [&]() -> Result<std::vector<RightsRequest>> {
      pqxx::read_transaction t(*conn_);
      const std::string sql = std::string("SELECT id, ref, kind, subject_type, subject_digest, received_at, "
                                          "coalesce(completed_at, '') FROM requests ") +
                              where + " ORDER BY received_at, ref";
      const pqxx::result q = *where ? t.exec_params(sql, arg) : t.exec(sql);
      std::vector<RightsRequest> out;
      for (const pqxx::row& r : q) {
        RightsRequest x{Str(r[1]), Str(r[2]), Str(r[3]), Str(r[4]), Str(r[5]), Str(r[6]), {}};
        for (const pqxx::row& d :
             t.exec_params("SELECT document FROM request_rows WHERE request = $1 ORDER BY document", Int(r[0]))) {
          x.rows.push_back(Int(d[0]));
        }
        out.push_back(std::move(x));
      }
      return out;
    });
  }

  // Runs `f`, turning a libpqxx exception into an error that names the
  // server and keeps the first line of the message.
  template <typename T, typename F>
  Result<T> Guard(const char* what, F&& f) const {
    try {
      return f();
    } catch (const std::exception& e) {
      return Status::Io(name_ + ": ledger " + what + " failed: " + FirstLine(e.what()));
    }
  }
  template <typename F>
  Status GuardStatus(const char* what, F&& f) const {
    try {
      return f();
    } catch (const std::exception& e) {
      return Status::Io(name_ + ": ledger " + what + " failed: " + FirstLine(e.what()));
    }
  }

  Status RefuseAt(std::size_t i, std::size_t n, const std::string& why) const {
    return Status::InvalidArgument(name_ + ": ledger append failed at row " + std::to_string(i + 1) + " of " +
                                   std::to_string(n) + ", none of the " + std::to_string(n) +
                                   " rows was written: " + why);
  }

  // Creates the schema in a new database, migrates an older one, refuses a
  // newer one or a database that holds other tables of the same names; in
  // one transaction under the advisory lock, so that processes starting
  // together create it once.
  Status Setup(std::span<const internal::Migration> steps) {
    const int target = steps.empty() ? 0 : steps.back().to_version;
    return GuardStatus("setup", [&]() -> Status {
      pqxx::work w(*conn_);
      w.exec(kAdvisoryLock);
      int version = 0;
      if (Int(w.exec1("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'meta'")[0]) !=
          0) {
        const pqxx::result v = w.exec("SELECT value FROM meta WHERE key = 'schema_version'");
        if (v.empty()) return Status::InvalidArgument(name_ + ": damaged moisson ledger (meta has no schema_version)");
        try {
          version = std::stoi(Str(v[0][0]));
        } catch (const std::exception&) {
          return Status::InvalidArgument(name_ + ": damaged moisson ledger (meta.schema_version is not a number)");
        }
        if (version <= 0) return Status::InvalidArgument(name_ + ": damaged moisson ledger (schema version <= 0)");
      } else {
        std::string tables;
        for (const char* t : kTables) tables += std::string(tables.empty() ? "'" : ", '") + t + "'";
        if (Int(w.exec1("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema() AND tablename IN (" +
                        tables + ")")[0]) != 0) {
          return Status::InvalidArgument(name_ + ": not a moisson ledger (its schema has a ledger's table names but "
                                                 "no meta table): give the ledger a database or schema of its own");
        }
      }
      if (version > target) {
        return Status::InvalidArgument(name_ + ": ledger schema version " + std::to_string(version) +
                                       " is newer than this moisson knows (" + std::to_string(target) +
                                       "): use a newer moisson");
      }
      if (version == target) return Status::Ok();  // the transaction rolls back: nothing was written
      const std::string now = UtcNowIso8601();
      const std::string by = std::string("moisson ") + MOISSON_VERSION;
      const bool created = version == 0;
      for (const internal::Migration& m : steps) {
        if (m.to_version <= version) continue;
        w.exec(m.sql);
        version = m.to_version;
      }
      w.exec_params(created ? "INSERT INTO meta(key, value) VALUES ('schema_version', $1), ('created_at', $2), "
                              "('created_by', $3)"
                            : "INSERT INTO meta(key, value) VALUES ('schema_version', $1), ('migrated_at', $2), "
                              "('migrated_by', $3) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    std::to_string(version), now, by);
      w.commit();
      return Status::Ok();
    });
  }

  std::string name_;
  // Reads are const for callers; the connection is not.
  mutable std::unique_ptr<pqxx::connection> conn_;
};

}  // namespace

Result<std::unique_ptr<Ledger>> Ledger::OpenPostgres(const std::string& conninfo) {
  return PgLedger::Open(conninfo, kPgMigrations);
}

namespace internal {

std::string PostgresServerName(const std::string& conninfo) {
  // libpq's own parser: the URI's user, host, port and database, never its
  // password (nor any other parameter: they may hold secrets too).
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(conninfo.c_str(), &err);
  if (!opts) {
    if (err) PQfreemem(err);
    return "postgresql://(unparsable connection string)";
  }
  std::string user, host, port, db;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (!o->val) continue;
    if (std::strcmp(o->keyword, "user") == 0) user = o->val;
    if (std::strcmp(o->keyword, "host") == 0) host = o->val;
    if (std::strcmp(o->keyword, "hostaddr") == 0 && host.empty()) host = o->val;
    if (std::strcmp(o->keyword, "port") == 0) port = o->val;
    if (std::strcmp(o->keyword, "dbname") == 0) db = o->val;
  }
  PQconninfoFree(opts);
  std::string out = "postgresql://";
  if (!user.empty()) out += user + "@";
  out += host.find(':') != std::string::npos && host.find(',') == std::string::npos ? "[" + host + "]" : host;
  if (!port.empty()) out += ":" + port;
  out += "/" + db;
  return out;
}

}  // namespace internal

}  // namespace moisson::audit
