// moisson crawl: the polite, fail-closed crawler (crawler/crawler.h).
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "audit/ledger.h"
#include "cli/commands.h"
#include "cli/parts.h"
#include "pipeline/chain.h"
#include "core/file_util.h"
#include "core/status.h"
#include "crawler/crawler.h"
#include "crawler/url_norm.h"
#include "pipeline/processor.h"

namespace moisson::cli {
namespace {

struct CrawlCliOptions {
  const GlobalOptions* global = nullptr;
  crawler::CrawlOptions crawl;
  std::vector<std::string> urls;
  std::string seeds_file;
  std::string resume_dir;
  int rank = -1, world_size = -1;
  std::string key, registry, ledger, stats_json, snapshot;
  double max_body_mib = 10;
  double shard_mib = 256;
  bool quiet = false, progress = false, no_progress = false;
};

int Fail(const std::string& msg, int code) {
  std::cerr << "moisson crawl: " << msg << "\n";
  return code;
}

// One URL per line; '#' starts a comment; blank lines skipped. A line that is
// not an http(s) URL is an error naming the file and line.
Status ReadSeeds(const std::string& path, std::vector<std::string>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io(path + ": cannot read the seed file");
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.pop_back();
    std::size_t b = 0;
    while (b < line.size() && (line[b] == ' ' || line[b] == '\t')) ++b;
    line.erase(0, b);
    if (line.empty()) continue;
    if (auto n = crawler::NormaliseUrl(line); !n.ok()) {
      return Status::AtLine(path, line_no, "not a seed URL: " + n.status().message());
    }
    out->push_back(line);
  }
  if (in.bad()) return Status::Io(path + ": read error");
  return Status::Ok();
}

void DrawStatus(const crawler::CrawlStats& s) {
  std::fprintf(stderr,
               "\rcrawl %6.0fs  %llu fetched  %.1f pages/s  %llu queued  %llu hosts  %llu kept  %llu modified  "
               "%llu dropped  %llu blocked  %llu errors ",
               s.seconds, static_cast<unsigned long long>(s.fetched), s.seconds > 0 ? s.fetched / s.seconds : 0.0,
               static_cast<unsigned long long>(s.queued), static_cast<unsigned long long>(s.hosts),
               static_cast<unsigned long long>(s.kept), static_cast<unsigned long long>(s.modified),
               static_cast<unsigned long long>(s.dropped), static_cast<unsigned long long>(s.blocked),
               static_cast<unsigned long long>(s.errors));
  std::fflush(stderr);
}

void PrintSummary(const crawler::CrawlStats& s, const std::string& dir) {
  std::printf("crawl: %s in %.1f s (%.1f pages/s, %.2f ms CPU per page)\n",
              s.finished ? "finished" : ("stopped by " + s.stop_reason + "; resume with --resume " + dir).c_str(),
              s.seconds, s.seconds > 0 ? s.fetched / s.seconds : 0.0,
              s.fetched > 0 ? 1000.0 * s.cpu_seconds / s.fetched : 0.0);
  auto row = [](const char* label, std::uint64_t n, int indent) {
    std::printf("%*s%-*s %10llu\n", indent, "", 34 - indent, label, static_cast<unsigned long long>(n));
  };
  row("URLs admitted", s.admitted, 2);
  row("pages fetched", s.fetched, 2);
  row("kept", s.kept, 4);
  row("modified", s.modified, 4);
  row("dropped by the filter chain", s.dropped, 4);
  row("not fetched (lists, robots...)", s.blocked, 2);
  row("fetch errors", s.errors, 2);
  row("redirects", s.redirects, 2);
  if (s.links_over_cap > 0) row("links past the 10,000 per page", s.links_over_cap, 2);
  if (s.sitemaps > 0) row("sitemaps read", s.sitemaps, 2);
  row("retries (429, 503, timeouts)", s.retries, 2);
  row("robots.txt, ai.txt, tdmrep.json", s.policy_requests, 2);
  row("still queued", s.queued, 2);
  if (!s.by_reason.empty()) {
    std::printf("  reasons\n");
    for (const auto& [r, n] : s.by_reason) row(r.c_str(), n, 4);
  }
}

int Run(CrawlCliOptions& o) {
  Config config;
  if (!LoadConfigOrReport(*o.global, &config)) return kExitUsage;
  crawler::CrawlOptions& c = o.crawl;
  if (!o.resume_dir.empty()) {
    if (!o.urls.empty() || !o.seeds_file.empty()) return Fail("--resume takes its seeds from the crawl state; give no URL", kExitUsage);
    c.out_dir = o.resume_dir;
    c.resume = true;
  } else {
    c.seeds = o.urls;
    if (!o.seeds_file.empty()) {
      if (Status st = ReadSeeds(o.seeds_file, &c.seeds); !st.ok()) return Fail(st.message(), kExitUsage);
    }
    if (c.seeds.empty()) return Fail("no seed URL: give URLs or --seeds FILE", kExitUsage);
    if (c.out_dir.empty()) return Fail("no output folder: -o DIR", kExitUsage);
  }
  if (o.rank >= 0 || o.world_size >= 0) {
    if (c.frontier.empty()) return Fail("--rank and --world-size share a --frontier: give it", kExitUsage);
    auto share = RankFromFlags(o.rank, o.world_size);
    if (!share.ok()) return Fail(share.status().message(), kExitUsage);
    c.frontier_rank = share->rank;
    c.frontier_world = share->world_size;
  }
  if (!c.frontier.empty() && c.resume) {
    return Fail("--frontier: a crawl on a shared frontier is not resumed with --resume (the other processes take over "
                "its sites after --frontier-lease); start a process with a new -o instead",
                kExitUsage);
  }
  c.max_body_bytes = static_cast<std::size_t>(o.max_body_mib * (1 << 20));
  c.shard_bytes = static_cast<std::uint64_t>(o.shard_mib * (1 << 20));

  pipeline::ChainRequest req = pipeline::ChainRequestFor(config, o.key, o.registry);
  req.require_key = true;
  req.site_lists = true;  // never off for a crawl: R4
  if (!o.snapshot.empty()) req.snapshot_path = o.snapshot;
  req.page_signals = true;
  req.sources_judged = true;  // the crawler asks the same stages of every URL before fetching it
  // [sites] store is for dumps: the crawler reads each origin's files itself, fresh.
  req.sites_path.clear();
  auto chain = pipeline::Chain::Load(config, req);
  if (!chain.ok()) return Fail(chain.status().message(), kExitUsage);
  for (const std::string& w : (*chain)->warnings()) std::cerr << "moisson: warning: " << w << "\n";

  const std::string ledger_path = !o.ledger.empty() ? o.ledger : config.project.ledger;
  // The ledger as the crawl state records it: a file by its absolute name (a resume from another
  // folder names it differently), a server without its password.
  std::string ledger_name = audit::Ledger::DisplayName(ledger_path);
  if (!audit::Ledger::IsPostgresName(ledger_path)) {
    std::error_code ec;
    const auto abs = std::filesystem::weakly_canonical(std::filesystem::absolute(ledger_path, ec), ec);
    if (!ec) ledger_name = abs.string();
  }
  if (c.resume) {  // before the ledger is opened: opening another file would create it
    if (Status st = crawler::CheckResume(c.out_dir, ledger_name, (*chain)->key()->id()); !st.ok()) {
      return Fail(st.message(), kExitUsage);
    }
  }
  auto ledger = OpenRunLedger("crawl", o.ledger, config);
  if (!ledger.ok()) return Fail(ledger.status().message(), kExitFailed);

  crawler::CrawlParts cp;
  cp.processor = &(*chain)->processor();
  cp.policy = (*chain)->policy();
  cp.site_lists = (*chain)->site_lists();
  cp.registry = (*chain)->registry();
  cp.ledger = ledger.value().get();
  cp.ledger_name = ledger_name;
  cp.key_id = (*chain)->key()->id();
  cp.user_agent = config.crawler.user_agent;

  const bool show = !o.quiet && !o.no_progress && (o.progress || isatty(STDERR_FILENO));
  std::function<void(const crawler::CrawlStats&)> on_status;
  if (show) on_status = DrawStatus;
  const std::string out_dir = c.out_dir;
  auto stats = crawler::RunCrawl(cp, std::move(c), on_status);
  if (show) std::fputc('\n', stderr);
  if (!stats.ok()) return Fail(stats.status().message(), kExitFailed);
  if (!o.stats_json.empty()) {
    if (Status st = WriteFileAtomically(o.stats_json, stats->Json() + "\n"); !st.ok()) {
      return Fail(st.message(), kExitFailed);
    }
  }
  if (!o.quiet) {
    PrintSummary(stats.value(), out_dir);
    // The crawl's own output options: after --resume, those it started with (its state's).
    std::printf("output: %s (pages-NNNNN.jsonl%s%s); ledger: %s\n", out_dir.c_str(), stats->zstd ? ".zst" : "",
                stats->warc ? ", warc/" : "", audit::Ledger::DisplayName(ledger_path).c_str());
  }
  if (stats->stop_reason == "SIGINT") return 130;
  if (stats->stop_reason == "SIGTERM") return 143;
  return kExitOk;
}

}  // namespace

void AddCrawlCommand(CLI::App* app, const GlobalOptions* global, Runner* run) {
  auto o = std::make_shared<CrawlCliOptions>();
  o->global = global;
  crawler::CrawlOptions& c = o->crawl;
  CLI::App* s = app->add_subcommand(
      "crawl", "Crawl from seed URLs, politely and only where sites and people allow it; filter every page");
  s->add_option("urls", o->urls, "seed URLs (http or https)");
  s->add_option("--seeds", o->seeds_file, "file of seed URLs, one per line ('#' comments)")->check(CLI::ExistingFile);
  s->add_option("-o,--output", c.out_dir, "output folder: pages-NNNNN.jsonl shards, crawl-state.sqlite, warc/");
  s->add_option("--resume", o->resume_dir, "continue the crawl whose output folder is DIR")->check(CLI::ExistingDirectory);
  s->add_flag("--allow-private", c.allow_private, "allow loopback, private and link-local addresses (tests, intranets)");
  s->add_option("--delay", c.delay, "seconds between two requests to one host (default 1)")->check(CLI::Range(0.0, 3600.0));
  s->add_option("--max-crawl-delay", c.max_crawl_delay, "honour robots.txt Crawl-delay up to this many seconds (default 30)")
      ->check(CLI::Range(0.0, 86400.0));
  s->add_option("--concurrency", c.concurrency, "requests in flight in all (default 64)")->check(CLI::Range(1, 4096));
  s->add_option("--per-host", c.per_host, "requests in flight per host (default 1)")->check(CLI::Range(1, 64));
  s->add_option("--max-depth", c.max_depth, "links followed from a seed (default 20)")->check(CLI::Range(0, 100000000));
  s->add_option("--max-pages", c.max_pages, "URLs admitted in all (default: no limit)");
  s->add_option("--max-pages-per-site", c.max_pages_per_site, "URLs admitted per registrable domain (default: no limit)");
  s->add_option("--allow-domain", c.allow_domains, "also crawl this domain and its subdomains (repeatable)");
  s->add_option("--max-retries", c.max_retries, "retries after 429, 503, timeouts (default 3)")->check(CLI::Range(0, 20));
  s->add_option("--timeout", c.timeout, "seconds per request (default 30)")->check(CLI::Range(0.1, 3600.0));
  s->add_option("--max-body-mib", o->max_body_mib, "largest body kept, MiB after decoding (default 10)")->check(CLI::Range(0.001, 1024.0));
  s->add_option("--shard-mib", o->shard_mib, "rotate output shards at this size (default 256)")->check(CLI::Range(0.001, 65536.0));
  s->add_flag("--zstd", c.zstd, "compress the shards (pages-NNNNN.jsonl.zst)");
  s->add_flag("--sitemaps", c.sitemaps, "also read the sitemaps robots.txt lists (sitemaps.org; indexes two levels deep)");
  s->add_flag("--warc", c.warc, "also write WARC 1.1 request/response records of kept, unmodified pages");
  s->add_option("--threads", c.threads, "filter worker threads (default: one per core)")->check(CLI::Range(1, 256));
  s->add_option("--checkpoint-seconds", c.checkpoint_seconds, "seconds between two checkpoints (default 5)")
      ->check(CLI::Range(0.05, 3600.0));
  s->add_option("--key", o->key, "project key file (default: [project] key)");
  s->add_option("--registry", o->registry, "person opt-out registry (default: [project] optout_registry)");
  s->add_option("--snapshot", o->snapshot,
                "site lists compiled by 'blocklist compile', holding exactly the [blocklists] categories "
                "(default: [blocklists] snapshot, else the lists are built at start-up)");
  s->add_option("--ledger", o->ledger, "provenance ledger (default: [project] ledger)");
  s->add_option("--stats-json", o->stats_json, "write the final counters here (JSON)");
  s->add_option("--ca-file", c.ca_file, "trust these CA certificates (PEM) instead of the system's (tests, private PKI)")
      ->check(CLI::ExistingFile);
  s->add_option("--frontier", c.frontier,
                "share the frontier with other crawler processes through this PostgreSQL database "
                "(postgresql://...; docs/scaling.md)");
  s->add_option("--rank", o->rank, "with --frontier: this process's share of the sites (0-based)")
      ->check(CLI::NonNegativeNumber);
  s->add_option("--world-size", o->world_size, "with --frontier: how many shares the sites are split into")
      ->check(CLI::PositiveNumber);
  s->add_option("--frontier-lease", c.frontier_lease,
                "with --frontier: seconds after which a silent process's sites go to the others (default 60)")
      ->check(CLI::Range(1.0, 86400.0));
  s->add_flag("-q,--quiet", o->quiet, "no status line and no summary");
  s->add_flag("--progress", o->progress, "show the status line even when stderr is not a terminal");
  s->add_flag("--no-progress", o->no_progress, "never show the status line");
  s->callback([o, run] { *run = [o] { return Run(*o); }; });
}

}  // namespace moisson::cli
