// ledger_bench: rows appended per second to the PostgreSQL ledger, against
// the SQLite ledger (the baseline) fed the same rows in the same run, and the
// same on PostgreSQL with several writer processes at once (the multi-machine
// case: one chain, writers taking turns under the advisory lock).
//
//   ledger_bench --pg postgresql://... [--rows N] [--batch B] [--writers W]
//
// The database given must be empty or a ledger (its rows are kept; the figures
// count only the rows this run appends). Rows are realistic: ~70-byte URLs over
// 5,000 sites in shuffled order, two reasons on two thirds of them, 0.7
// identifier digests per row (docs/ledger.md, "Throughput"), all fictitious.
// Each figure is wall time of the Append calls, and rows per CPU second of
// this process (the server's CPU is not counted: see docs/benchmarks.md).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "audit/ledger.h"

namespace {

using moisson::audit::Ledger;
using moisson::audit::LedgerRow;

double Now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

double CpuSeconds() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

std::string Hex64(std::mt19937_64& rng) {
  static const char kHex[] = "0123456789abcdef";
  std::string s(64, '0');
  for (char& c : s) c = kHex[rng() % 16];
  return s;
}

std::vector<LedgerRow> MakeRows(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<LedgerRow> rows(n);
  for (std::size_t i = 0; i < n; ++i) {
    LedgerRow& r = rows[i];
    const unsigned site = static_cast<unsigned>(rng() % 5000);
    r.site = "site" + std::to_string(site) + ".example";
    r.url = "https://www." + r.site + "/articles/2026/" + std::to_string(rng() % 1000000) + "-some-title-words";
    r.source_file = "dump-00042.warc.gz";
    r.source_offset = i * 4096;
    r.considered_at = "2026-12-03T08:00:00Z";
    const unsigned k = static_cast<unsigned>(rng() % 3);
    r.decision = k == 0 ? "keep" : k == 1 ? "modify" : "drop";
    if (k != 0) r.reasons = {"email", k == 1 ? "phone" : "health"};
    r.content_sha256 = Hex64(rng);
    if (k != 2) {
      r.output_file = "out-00001.jsonl.zst";
      r.output_id = std::to_string(i);
    }
    if (rng() % 10 < 7) r.identifiers.emplace_back("email", Hex64(rng));
  }
  return rows;
}

struct Figure {
  double rows_per_s = 0, rows_per_cpu_s = 0;
};

// Appends `rows` in batches of `batch` to `name` in one run.
bool Run(const std::string& name, const std::vector<LedgerRow>& rows, std::size_t batch, Figure* f) {
  auto l = Ledger::Open(name);
  if (!l.ok()) {
    std::fprintf(stderr, "ledger_bench: %s\n", l.status().message().c_str());
    return false;
  }
  auto run = (*l)->BeginRun("bench", "bench-key");
  if (!run.ok()) {
    std::fprintf(stderr, "ledger_bench: %s\n", run.status().message().c_str());
    return false;
  }
  const double t0 = Now(), c0 = CpuSeconds();
  for (std::size_t i = 0; i < rows.size(); i += batch) {
    std::vector<LedgerRow> part(rows.begin() + static_cast<std::ptrdiff_t>(i),
                                rows.begin() + static_cast<std::ptrdiff_t>(std::min(rows.size(), i + batch)));
    if (auto st = (*l)->Append(*run, part); !st.ok()) {
      std::fprintf(stderr, "ledger_bench: %s\n", st.message().c_str());
      return false;
    }
  }
  const double dt = Now() - t0, dc = CpuSeconds() - c0;
  f->rows_per_s = static_cast<double>(rows.size()) / dt;
  f->rows_per_cpu_s = static_cast<double>(rows.size()) / (dc > 0 ? dc : 1e-9);
  return (*l)->EndRun(*run, "{}").ok();
}

}  // namespace

int main(int argc, char** argv) {
  std::string pg;
  std::size_t n = 200000, batch = 16384, writers = 4;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--pg") pg = argv[i + 1];
    if (a == "--rows") n = std::strtoull(argv[i + 1], nullptr, 10);
    if (a == "--batch") batch = std::strtoull(argv[i + 1], nullptr, 10);
    if (a == "--writers") writers = std::strtoull(argv[i + 1], nullptr, 10);
  }
  if (pg.empty() || batch == 0 || writers == 0) {
    std::fprintf(stderr, "usage: ledger_bench --pg postgresql://... [--rows N] [--batch B] [--writers W]\n");
    return 2;
  }
  const std::vector<LedgerRow> rows = MakeRows(n, 42);
  char dir[] = "/tmp/ledger_bench_XXXXXX";
  if (!mkdtemp(dir)) return 1;
  const std::string sqlite = std::string(dir) + "/ledger.sqlite";

  Figure base, one;
  if (!Run(sqlite, rows, batch, &base)) return 1;
  if (!Run(pg, rows, batch, &one)) return 1;
  std::printf("rows %zu, %zu per Append\n", n, batch);
  std::printf("SQLite (baseline), 1 writer:   %9.0f rows/s  %9.0f rows per CPU s\n", base.rows_per_s,
              base.rows_per_cpu_s);
  std::printf("PostgreSQL, 1 writer:          %9.0f rows/s  %9.0f rows per CPU s  (%.2fx the baseline's rows/s)\n",
              one.rows_per_s, one.rows_per_cpu_s, one.rows_per_s / base.rows_per_s);

  // W processes, each appending n / W rows in its own run, all at once.
  const std::size_t each = n / writers;
  const double t0 = Now();
  std::vector<pid_t> kids;
  for (std::size_t w = 0; w < writers; ++w) {
    const pid_t pid = fork();
    if (pid == 0) {
      const std::vector<LedgerRow> mine = MakeRows(each, 1000 + w);
      Figure f;
      _exit(Run(pg, mine, batch, &f) ? 0 : 1);
    }
    kids.push_back(pid);
  }
  bool ok = true;
  for (pid_t k : kids) {
    int status = 0;
    waitpid(k, &status, 0);
    ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  const double dt = Now() - t0;
  if (!ok) return 1;
  const double total = static_cast<double>(each * writers) / dt;
  std::printf("PostgreSQL, %zu writers at once: %9.0f rows/s in all (%.2fx the baseline's rows/s; includes "
              "generating the rows)\n",
              writers, total, total / base.rows_per_s);
  std::system(("rm -rf '" + std::string(dir) + "'").c_str());
  return 0;
}
