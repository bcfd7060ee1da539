// moisson sites import | fetch | stats: the site-policy store
// (sites/store.h, docs/sites.md) that `filter` and `scan --sites` judge dumps
// with.
//
// Never prints a body: messages name files, offsets and counts.
#include <stdlib.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "audit/ledger.h"
#include "cli/commands.h"
#include "core/strings.h"
#include "core/time_util.h"
#include "core/url.h"
#include "crawler/crawler.h"
#include "crawler/state.h"
#include "pipeline/chain.h"
#include "sites/policies.h"
#include "sites/store.h"

namespace moisson::cli {
namespace {

// Says what went wrong ("moisson sites CMD: ...") and gives the exit code.
int Fail(const char* cmd, const std::string& message, int code) {
  std::cerr << "moisson " << cmd << ": " << message << "\n";
  return code;
}

struct SitesOptions {
  const GlobalOptions* global = nullptr;
  std::string store;
  std::vector<std::string> inputs;
  std::string scheme = "https";
  std::string date;
  // fetch
  std::string hosts;
  bool allow_private = false;
  double delay = 1.0;
  double timeout = 30;
  int concurrency = 64;
  std::string ca_file;
};

// The store named by --store, else [sites] store; "" (reported) when neither.
std::string StorePath(const SitesOptions& o, const char* cmd) {
  if (!o.store.empty()) return o.store;
  Config config;
  if (!LoadConfigOrReport(*o.global, &config)) return "";
  if (config.sites.store.empty()) Fail(cmd, "give --store, or set [sites] store in the config", kExitUsage);
  return config.sites.store;
}

int RunImport(const SitesOptions& o) {
  const char* cmd = "sites import";
  const std::string path = StorePath(o, cmd);
  if (path.empty()) return kExitUsage;
  std::int64_t date = static_cast<std::int64_t>(std::time(nullptr));
  if (!o.date.empty()) {
    auto d = ParseIso8601(o.date);
    if (!d) {
      return Fail(cmd, "--date: not an ISO 8601 date (2024-03-01 or 2024-03-01T12:00:00Z)", kExitUsage);
    }
    date = *d;
  }
  // Every input is checked before the store is touched: a typo adds nothing.
  std::error_code ec;
  for (const std::string& in : o.inputs) {
    if (in != "-" && !std::filesystem::exists(in, ec)) {
      return Fail(cmd, in + ": no such file or folder (nothing imported)", kExitUsage);
    }
  }
  auto store = sites::SiteStore::Open(path, sites::SiteStore::kCreate);
  if (!store.ok()) {
    return Fail(cmd, store.status().message(), kExitUsage);
  }
  int code = kExitOk;
  const auto report = [&](const std::string& msg) { std::cerr << "moisson " << cmd << ": skipped " << msg << "\n"; };
  for (const std::string& in : o.inputs) {
    const bool folder = in != "-" && std::filesystem::is_directory(in, ec);
    auto n = folder ? sites::ImportFolder(**store, in, o.scheme, date, report) : sites::ImportWarc(**store, in, report);
    if (!n.ok()) {
      std::cerr << "moisson " << cmd << ": " << n.status().message() << "\n";
      code = kExitFailed;
      continue;
    }
    std::cout << (in == "-" ? std::string("(standard input)") : in) << ": " << n->added << " captures added, "
              << n->already << " already in the store, " << n->ignored << " records not a site file, "
              << n->unreadable << " unreadable\n";
    if (n->added + n->already == 0) {
      std::cerr << "moisson " << cmd << ": warning: " << in
                << ": no robots.txt, ai.txt or tdmrep.json capture in it\n";
    }
  }
  return code;
}

// The origins of a hosts file: a host ("example.org", "example.org:8443",
// with `scheme`) or a URL per line, '#' comments; errors name the line.
Status ReadHosts(const std::string& path, const std::string& scheme, std::vector<std::string>* origins) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) return Status::InvalidArgument(path + ": is a directory, not a hosts file");
    file.open(path, std::ios::binary);
    if (!file) return Status::NotFound(path + ": cannot read the hosts file");
    in = &file;
  }
  std::set<std::string> seen;
  std::string line;
  int n = 0;
  while (std::getline(*in, line)) {
    ++n;
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    const std::string_view v = TrimAsciiSpace(line);
    if (v.empty()) continue;
    const std::string url = v.find("://") == std::string_view::npos ? scheme + "://" + std::string(v) + "/" : std::string(v);
    auto u = ParseHttpUrl(url);
    if (!u.ok()) return Status::AtLine(path == "-" ? "(standard input)" : path, n, "not a host or an http(s) URL");
    if (seen.insert(u->Origin()).second) origins->push_back(u->Origin());
  }
  if (in->bad()) return Status::Io(path + ": read error");
  return Status::Ok();
}

int RunFetch(const SitesOptions& o) {
  const char* cmd = "sites fetch";
  const std::string path = StorePath(o, cmd);
  if (path.empty()) return kExitUsage;
  std::vector<std::string> origins;
  if (Status st = ReadHosts(o.hosts, o.scheme, &origins); !st.ok()) {
    return Fail(cmd, st.message(), kExitUsage);
  }
  if (origins.empty()) {
    return Fail(cmd, o.hosts + ": no host in it", kExitUsage);
  }
  Config config;
  if (!LoadConfigOrReport(*o.global, &config)) return kExitUsage;
  auto store = sites::SiteStore::Open(path, sites::SiteStore::kCreate);
  if (!store.ok()) {
    return Fail(cmd, store.status().message(), kExitUsage);
  }
  // The crawler's own machinery, told to read the origins' files and fetch
  // no page: site lists and opt-outs before any DNS lookup, the address
  // guard, politeness, redirects and the RFC 9309 outcomes are the crawl's.
  pipeline::ChainRequest req = pipeline::ChainRequestFor(config, "", "");
  req.require_key = false;
  req.site_lists = true;
  req.page_signals = true;
  req.sources_judged = true;
  req.sites_path.clear();
  auto chain = pipeline::Chain::Load(config, req);
  if (!chain.ok()) {
    return Fail(cmd, chain.status().message(), kExitUsage);
  }
  // A working folder beside the store (the crawl's state and its own ledger
  // of refusals), removed at the end.
  const std::filesystem::path parent = std::filesystem::absolute(path).parent_path();
  std::string tmpl = (parent / ".sites-fetch.XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return Fail(cmd, "cannot make a working folder in " + parent.string(), kExitFailed);
  }
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{tmpl};
  auto ledger = audit::Ledger::Open(tmpl + "/refusals.sqlite");
  if (!ledger.ok()) {
    return Fail(cmd, ledger.status().message(), kExitFailed);
  }
  crawler::CrawlParts cp;
  cp.processor = &(*chain)->processor();
  cp.policy = (*chain)->policy();
  cp.site_lists = (*chain)->site_lists();
  cp.registry = (*chain)->registry();
  cp.ledger = ledger->get();
  cp.ledger_name = tmpl + "/refusals.sqlite";
  cp.user_agent = config.crawler.user_agent;
  crawler::CrawlOptions c;
  for (const std::string& origin : origins) c.seeds.push_back(origin + "/");
  c.out_dir = tmpl + "/crawl";
  c.policy_only = true;
  c.allow_private = o.allow_private;
  c.delay = o.delay;
  c.timeout = o.timeout;
  c.concurrency = o.concurrency;
  c.max_depth = 0;
  c.ca_file = o.ca_file;
  c.progress = false;
  auto stats = crawler::RunCrawl(cp, std::move(c), nullptr);
  if (!stats.ok()) {
    return Fail(cmd, stats.status().message(), kExitFailed);
  }
  auto state = crawler::CrawlState::Open(tmpl + "/crawl/crawl-state.sqlite", false);
  if (!state.ok()) {
    return Fail(cmd, state.status().message(), kExitFailed);
  }
  auto rows = (*state)->Hosts();
  if (!rows.ok()) {
    return Fail(cmd, rows.status().message(), kExitFailed);
  }
  // Each origin's files as one capture each: robots.txt with its outcome
  // (status, network error, timeout, redirects followed), ai.txt and
  // tdmrep.json when they answered 2xx (else not published).
  sites::ImportCounts n;
  std::int64_t unreachable = 0;
  if (Status st = (*store)->Begin(); !st.ok()) {
    return Fail(cmd, st.message(), kExitFailed);
  }
  for (crawler::HostRow& row : *rows) {
    if (row.fetched_at == 0) continue;  // stopped before its files were read
    sites::Capture robots;
    robots.origin = row.origin;
    robots.path = "/robots.txt";
    robots.fetched_at = row.fetched_at;
    robots.status = row.robots_status;
    robots.network_error = row.robots_network_error;
    robots.timed_out = row.robots_timed_out;
    robots.redirects = row.robots_redirects;
    robots.source = "fetched " + row.origin + "/robots.txt";
    robots.body = std::move(row.robots_body);
    std::string why;
    unreachable += policy::ClassifyRobotsFetch({robots.status, robots.network_error, robots.timed_out,
                                                robots.redirects}, &why) == policy::RobotsFetchVerdict::kDisallowAll;
    std::vector<sites::Capture> captures;
    captures.push_back(std::move(robots));
    for (auto [file, body] : {std::pair{sites::SiteFile::kAiTxt, &row.ai_txt}, {sites::SiteFile::kTdmrep, &row.tdmrep}}) {
      if (!*body) continue;
      sites::Capture c;
      c.origin = row.origin;
      c.path = std::string(sites::SiteFilePath(file));
      c.file = file;
      c.fetched_at = row.fetched_at;
      c.status = 200;
      c.source = "fetched " + row.origin + c.path;
      c.body = std::move(**body);
      captures.push_back(std::move(c));
    }
    for (const sites::Capture& c : captures) {
      auto added = (*store)->Add(c);
      if (!added.ok()) {
        (*store)->Rollback();
        return Fail(cmd, added.status().message(), kExitFailed);
      }
      ++(*added ? n.added : n.already);
    }
  }
  if (Status st = (*store)->Commit(); !st.ok()) {
    return Fail(cmd, st.message(), kExitFailed);
  }
  std::uint64_t refused = 0;
  for (const auto& [reason, count] : stats->by_reason) {
    if (reason.starts_with("blocklist.") || reason.starts_with("optout.")) refused += count;
  }
  std::cout << origins.size() << " origins: " << rows->size() << " read (" << unreachable
            << " with robots.txt unreachable: refused whole), " << refused
            << " not asked (on a site list or opted out); " << n.added << " captures added, " << n.already
            << " already in the store\n";
  if (stats->stop_reason == "SIGINT") return 130;
  if (stats->stop_reason == "SIGTERM") return 143;
  return kExitOk;
}

int RunStats(const SitesOptions& o) {
  const char* cmd = "sites stats";
  const std::string path = StorePath(o, cmd);
  if (path.empty()) return kExitUsage;
  auto store = sites::SiteStore::Open(path, sites::SiteStore::kReadOnly);
  if (!store.ok()) {
    return Fail(cmd, store.status().message(), store.status().code() == Status::Code::kNotFound ? kExitUsage : kExitFailed);
  }
  auto n = (*store)->Count();
  if (!n.ok()) {
    return Fail(cmd, n.status().message(), kExitFailed);
  }
  std::cout << path << ": " << n->origins << " origins, " << n->captures << " captures (robots.txt "
            << n->by_file[0] << ", ai.txt " << n->by_file[1] << ", tdmrep.json " << n->by_file[2] << ")\n";
  return kExitOk;
}

}  // namespace

void AddSitesCommands(CLI::App* app, const GlobalOptions* global, Runner* run) {
  auto o = std::make_shared<SitesOptions>();
  o->global = global;
  CLI::App* sites = app->add_subcommand("sites", "the site-policy store: what sites published (robots.txt, ai.txt, "
                                                 "tdmrep.json), for judging dumps (filter/scan --sites)");
  sites->require_subcommand(1);
  CLI::App* imp = sites->add_subcommand(
      "import", "add site files from WARC captures (response records of /robots.txt, /ai.txt, "
                "/.well-known/tdmrep.json, any status) or from folders (DIR/HOST/robots.txt ...)");
  imp->add_option("--store", o->store, "the store (SQLite; created when missing; default: [sites] store)");
  imp->add_option("inputs", o->inputs, "WARC files (plain or .gz; - for standard input) or folders")->required();
  imp->add_option("--scheme", o->scheme, "folders: the scheme of their hosts' origins (default https)")
      ->check(CLI::IsMember({"http", "https"}));
  imp->add_option("--date", o->date, "folders: when the files were captured, ISO 8601 (default: now)");
  imp->callback([run, o] { *run = [o] { return RunImport(*o); }; });
  CLI::App* fetch = sites->add_subcommand(
      "fetch", "fetch robots.txt, ai.txt and tdmrep.json of the hosts of a dump with the crawler's fetcher "
               "(lists and opt-outs first, address guard, politeness, RFC 9309 outcomes) into the store");
  fetch->add_option("--store", o->store, "the store (SQLite; created when missing; default: [sites] store)");
  fetch->add_option("--hosts", o->hosts, "one host (example.org, example.org:8443) or URL per line; - for standard input")
      ->required();
  fetch->add_option("--scheme", o->scheme, "the scheme of bare host names (default https)")
      ->check(CLI::IsMember({"http", "https"}));
  fetch->add_flag("--allow-private", o->allow_private, "allow loopback, private and link-local addresses (tests, intranets)");
  fetch->add_option("--delay", o->delay, "seconds between two requests to a host (default 1)")->check(CLI::Range(0.0, 3600.0));
  fetch->add_option("--timeout", o->timeout, "seconds per request (default 30)")->check(CLI::Range(0.1, 3600.0));
  fetch->add_option("--concurrency", o->concurrency, "requests in flight, all hosts (default 64)")->check(CLI::Range(1, 4096));
  fetch->add_option("--ca-file", o->ca_file, "trust these CA certificates (PEM) instead of the system's");
  fetch->callback([run, o] { *run = [o] { return RunFetch(*o); }; });
  CLI::App* stats = sites->add_subcommand("stats", "what the store holds: origins and captures per file");
  stats->add_option("--store", o->store, "the store (default: [sites] store)");
  stats->callback([run, o] { *run = [o] { return RunStats(*o); }; });
}

}  // namespace moisson::cli
