// blocklist_bench: host lookups per second against N synthetic domains, bytes
// per domain and build time, against a plain std::unordered_set<std::string>
// of registrable domains (libpsl) measured in the same run.
//
//   blocklist_bench [--domains N] [--lookups M]
//
// Lists: N random domains of 2-4 labels under common TLDs, written to a
// temporary file and loaded through the same reader as real lists. Queries:
// M hosts, half of them subdomains of listed domains, half unlisted.
#include <libpsl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <span>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "blocklists/site_list.h"
#include "core/file_util.h"

namespace {

double Now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

long MaxRssKb() {
  rusage u;
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

std::string Label(std::mt19937_64& rng) {
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  const int n = 4 + static_cast<int>(rng() % 9);
  for (int i = 0; i < n; ++i) s.push_back(kChars[rng() % 36]);
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t n = 5'000'000, lookups = 5'000'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--domains") n = std::strtoull(argv[i + 1], nullptr, 10);
    if (a == "--lookups") lookups = std::strtoull(argv[i + 1], nullptr, 10);
  }
  static const char* kTlds[] = {"com", "fr", "org", "net", "de", "co.uk", "com.br", "io"};
  std::mt19937_64 rng(42);
  std::vector<std::string> domains;
  domains.reserve(n);
  std::string file;
  for (std::size_t i = 0; i < n; ++i) {
    std::string d = Label(rng) + "." + kTlds[rng() % 8];
    if (rng() % 4 == 0) d = Label(rng) + "." + d;  // some entries are subdomains
    file += d + "\n";
    domains.push_back(std::move(d));
  }
  char tmpl[] = "/tmp/blocklist_bench_XXXXXX";
  const int fd = mkstemp(tmpl);
  close(fd);
  if (!moisson::WriteFileAtomically(tmpl, file).ok()) return 1;
  file.clear();
  file.shrink_to_fit();
  std::vector<std::string> queries;
  queries.reserve(lookups);
  for (std::size_t i = 0; i < lookups; ++i) {
    if (i % 2 == 0) {
      queries.push_back("www." + domains[rng() % n]);
    } else {
      queries.push_back("www." + Label(rng) + "." + kTlds[rng() % 8]);
    }
  }
  std::printf("%zu domains, %zu lookups (half listed), single thread\n\n", n, lookups);

  const long rss0 = MaxRssKb();
  double t = Now();
  moisson::blocklists::SiteListBuilder b;
  if (!b.AddDomainsFile("bench", tmpl, false, nullptr).ok()) return 1;
  auto built = std::move(b).Build();
  ::unlink(tmpl);
  if (!built.ok()) return 1;
  const moisson::blocklists::SiteMatcher& m = built.value();
  const double build_s = Now() - t;
  const double bytes_per_domain = static_cast<double>(m.domain_table_bytes()) / m.domain_count();
  t = Now();
  std::size_t hits = 0;
  for (const auto& q : queries) hits += m.MatchHost(q).has_value();
  const double ours_s = Now() - t;
  std::printf("moisson SiteMatcher     %12.0f lookups/s  %6.1f bytes/domain (table)  build+load %.2f s  hits %zu\n",
              lookups / ours_s, bytes_per_domain, build_s, hits);
  (void)rss0;
  // Snapshot: write once, then time what a crawler pays at start-up.
  const std::string snap = std::string(tmpl) + ".snap";
  if (!moisson::blocklists::WriteSnapshot(m, snap).ok()) return 1;
  t = Now();
  auto loaded = moisson::blocklists::LoadSnapshot(snap);
  const double load_s = Now() - t;
  if (!loaded.ok()) return 1;
  t = Now();
  std::size_t snap_hits = 0;
  for (const auto& q : queries) snap_hits += loaded->MatchHost(q).has_value();
  const double snap_s = Now() - t;
  ::unlink(snap.c_str());
  std::printf("  from snapshot          %12.0f lookups/s  snapshot load %.3f s (mmap + CRC-32 + checks)  hits %zu\n",
              lookups / snap_s, load_s, snap_hits);
  // The batch API, as a crawler frontier or a dump reader would call it.
  std::vector<std::string_view> views(queries.begin(), queries.end());
  std::vector<std::uint16_t> verdicts;
  constexpr std::size_t kBatch = 4096;
  std::vector<std::uint16_t> out(views.size());
  t = Now();
  std::size_t batch_hits = 0;
  for (std::size_t i = 0; i < views.size(); i += kBatch) {
    const std::size_t len = std::min(kBatch, views.size() - i);
    loaded->MatchHosts(std::span<const std::string_view>(views).subspan(i, len),
                       std::span<std::uint16_t>(out).subspan(i, len));
  }
  for (const auto v : out) batch_hits += v != 0;
  const double batch_s = Now() - t;
  std::printf("  batch MatchHosts       %12.0f lookups/s  (4096 hosts a call)  hits %zu\n", lookups / batch_s,
              batch_hits);

  // Baseline: registrable domains in a std::unordered_set, looked up with the
  // query's registrable domain from libpsl (what datatrove's URL filter does).
  const psl_ctx_t* psl = psl_builtin();
  t = Now();
  const long before = MaxRssKb();
  std::unordered_set<std::string> set;
  set.reserve(n);
  for (const auto& d : domains) {
    const char* reg = psl_registrable_domain(psl, d.c_str());
    set.insert(reg ? reg : d);
  }
  const double set_build_s = Now() - t;
  const long after = MaxRssKb();
  t = Now();
  std::size_t set_hits = 0;
  for (const auto& q : queries) {
    const char* reg = psl_registrable_domain(psl, q.c_str());
    set_hits += reg != nullptr && set.count(reg);
  }
  const double set_s = Now() - t;
  std::printf("unordered_set + libpsl  %12.0f lookups/s  %6.1f bytes/domain (RSS growth)  build %.2f s  hits %zu\n",
              lookups / set_s, (after - before) * 1024.0 / n, set_build_s, set_hits);
  std::printf("\nratio lookups/s moisson / baseline: %.1fx (one at a time), %.1fx (batch)\n", set_s / ours_s,
              set_s / batch_s);
  return 0;
}
