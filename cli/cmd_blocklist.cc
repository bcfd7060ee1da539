// moisson blocklist check | stats
//
// Lists are read straight from their files for now: a UT1 tree (--ut1),
// hosts files (--hosts CATEGORY=FILE) and plain domain lists
// (--domains CATEGORY=FILE), gzip or plain.
#include <iostream>
#include <memory>
#include <sstream>

#include "blocklists/defaults.h"
#include "blocklists/site_list.h"
#include "blocklists/update.h"
#include "cli/commands.h"
#include "cli/stop_signals.h"
#include "pipeline/chain.h"

namespace moisson::cli {
namespace {

using blocklists::ListLoadReport;
using blocklists::SiteListBuilder;

struct Sources {
  std::vector<std::string> ut1_dirs;
  std::string categories;  // comma-separated
  std::vector<std::string> domains;  // CATEGORY=FILE
  std::vector<std::string> hosts;    // CATEGORY=FILE
  std::string snapshot;              // a compiled snapshot, instead of the above
  bool defaults = false;             // the configured categories of the shipped lists
  bool strict = false;
  const GlobalOptions* global = nullptr;
};

void AddSourceOptions(CLI::App* c, Sources* s) {
  c->add_option("--ut1", s->ut1_dirs, "a UT1 tree: one folder per category (domains, urls, expressions, usage)")
      ->check(CLI::ExistingDirectory)
      ->allow_extra_args(false);  // one value per flag, so URLs after it stay URLs
  c->add_option("--categories", s->categories, "comma-separated UT1 categories to load (default: all)");
  c->add_option("--domains", s->domains, "CATEGORY=FILE: a plain list, one domain a line (repeatable)")
      ->allow_extra_args(false);
  c->add_option("--hosts", s->hosts, "CATEGORY=FILE: a hosts file (repeatable)")->allow_extra_args(false);
  c->add_option("--snapshot", s->snapshot, "a snapshot written by 'blocklist compile' (instead of the lists)")
      ->check(CLI::ExistingFile);
  c->add_flag("--defaults", s->defaults,
              "the shipped lists, categories from [blocklists] in the config (the CNIL's list unless configured); "
              "implied when no other list is given");
  c->add_flag("--strict", s->strict, "a malformed entry is an error naming file and line (default: skip and count)");
}

bool SplitCategoryFile(const std::string& spec, std::string* cat, std::string* file) {
  const auto eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) return false;
  *cat = spec.substr(0, eq);
  *file = spec.substr(eq + 1);
  return true;
}

// Loads every source; on error prints it and returns nullopt.
std::optional<blocklists::SiteMatcher> Load(const Sources& s, std::vector<ListLoadReport>* reports,
                                            const char* command) {
  SiteListBuilder b;
  std::vector<std::string> only;
  std::stringstream cats(s.categories);
  for (std::string c; std::getline(cats, c, ',');) {
    if (!c.empty()) only.push_back(c);
  }
  auto fail = [&](const std::string& msg) {
    std::cerr << "moisson " << command << ": " << msg << "\n";
    return std::nullopt;
  };
  const bool lists = !s.ut1_dirs.empty() || !s.domains.empty() || !s.hosts.empty() || s.defaults;
  if (!s.snapshot.empty()) {
    if (lists) return fail("--snapshot replaces --ut1, --domains and --hosts; give one or the other");
    auto m = blocklists::LoadSnapshot(s.snapshot);
    if (!m.ok()) return fail(m.status().message());
    return std::move(m.value());
  }
  // With no list named, the configured default categories are the lists:
  // the configured snapshot, when there is one, as filter, scan and crawl
  // read it.
  if (s.defaults || !lists) {
    Config config;
    if (!LoadConfigOrReport(*s.global, &config)) return std::nullopt;
    if (!lists && !config.blocklists.snapshot.empty()) {
      auto m = pipeline::LoadSiteListSnapshot(config.blocklists.snapshot, config.blocklists.categories);
      if (!m.ok()) return fail(m.status().message());
      return std::move(m.value());
    }
    if (Status st = blocklists::AddConfiguredCategories(config.blocklists, s.strict, &b, reports); !st.ok()) {
      return fail(st.message());
    }
  }
  for (const auto& dir : s.ut1_dirs) {
    if (Status st = b.AddUt1Directory(dir, only, s.strict, reports); !st.ok()) return fail(st.message());
  }
  for (const auto& [specs, hosts] : {std::pair{&s.domains, false}, std::pair{&s.hosts, true}}) {
    for (const auto& spec : *specs) {
      std::string cat, file;
      if (!SplitCategoryFile(spec, &cat, &file)) return fail("expected CATEGORY=FILE, got '" + spec + "'");
      ListLoadReport r;
      const Status st = hosts ? b.AddHostsFile(cat, file, s.strict, &r) : b.AddDomainsFile(cat, file, s.strict, &r);
      if (!st.ok()) return fail(st.message());
      reports->push_back(std::move(r));
    }
  }
  auto m = std::move(b).Build();
  if (!m.ok()) return fail(m.status().message());
  return std::move(m.value());
}

int RunCheck(const Sources& s, const std::vector<std::string>& urls) {
  std::vector<ListLoadReport> reports;
  auto m = Load(s, &reports, "blocklist check");
  if (!m) return kExitUsage;
  bool blocked = false;
  std::string out;
  for (const auto& url : urls) {
    const auto hit = m->Match(url);
    if (!hit) {
      out += "clean\t" + url + "\n";
      continue;
    }
    blocked = true;
    out += "blocked\t" + url + "\t" + hit->category + "\t" + blocklists::EntryKindName(hit->kind) + "\t" + hit->entry +
           "\t" + hit->source + "\n";
  }
  std::cout << out << std::flush;
  return blocked ? kExitFailed : kExitOk;
}

int RunCompile(const Sources& s, const std::string& out) {
  std::vector<ListLoadReport> reports;
  auto m = Load(s, &reports, "blocklist compile");
  if (!m) return kExitUsage;
  if (Status st = blocklists::WriteSnapshot(*m, out); !st.ok()) {
    std::cerr << "moisson blocklist compile: " << st.message() << "\n";
    return kExitFailed;
  }
  std::size_t skipped = 0;
  for (const auto& r : reports) skipped += r.skipped;
  std::cout << "wrote " << out << ": " << m->domain_count() << " domains, " << m->url_count() << " urls, "
            << m->expression_count() << " expressions (" << skipped << " malformed entries skipped)\n";
  return kExitOk;
}

int RunStats(const Sources& s) {
  std::vector<ListLoadReport> reports;
  auto m = Load(s, &reports, "blocklist stats");
  if (!m) return kExitUsage;
  std::size_t skipped = 0;
  for (const auto& r : reports) {
    std::cout << r.category << "\t" << blocklists::EntryKindName(r.kind) << "\t" << r.entries << " entries\t"
              << r.skipped << " skipped\t" << r.file << "\n";
    for (const auto& [line, reason] : r.errors) std::cout << "  " << r.file << ":" << line << ": " << reason << "\n";
    skipped += r.skipped;
  }
  std::cout << "total\t" << m->domain_count() << " blocking domains\t" << m->url_count() << " blocking urls\t"
            << m->expression_count() << " expressions\t" << skipped << " skipped\n";
  return kExitOk;
}

}  // namespace

void AddBlocklistCommands(CLI::App* app, const GlobalOptions* global, Runner* run) {
  CLI::App* bl = app->add_subcommand("blocklist", "Site category lists: check URLs against them, count them");
  bl->require_subcommand(1);

  auto check_src = std::make_shared<Sources>();
  check_src->global = global;
  auto urls = std::make_shared<std::vector<std::string>>();
  CLI::App* c = bl->add_subcommand(
      "check", "Print per URL 'blocked', the URL, category, entry kind, matching entry and source file "
               "(tab-separated), or 'clean'. Exit 1 if any URL is blocked.");
  AddSourceOptions(c, check_src.get());
  c->add_option("urls", *urls, "URLs to check")->required();
  c->callback([run, check_src, urls] { *run = [check_src, urls] { return RunCheck(*check_src, *urls); }; });

  auto compile_src = std::make_shared<Sources>();
  compile_src->global = global;
  auto out = std::make_shared<std::string>();
  CLI::App* co = bl->add_subcommand(
      "compile", "Load the lists and write a snapshot that 'check --snapshot' (and the crawler) map in place");
  AddSourceOptions(co, compile_src.get());
  co->add_option("--out", *out, "snapshot file to write (atomically)")->required();
  co->callback([run, compile_src, out] { *run = [compile_src, out] { return RunCompile(*compile_src, *out); }; });

  struct ImportOptions {
    std::string ut1;
    std::string categories;
    std::string to;
    bool replace = false;
    bool strict = false;
  };
  auto imp = std::make_shared<ImportOptions>();
  CLI::App* im = bl->add_subcommand(
      "import", "Validate and normalise a downloaded UT1 tree into a folder (with a MANIFEST of counts and hashes) "
                "that --ut1 and compile can load");
  im->add_option("--ut1", imp->ut1, "the downloaded UT1 tree")->required()->check(CLI::ExistingDirectory);
  im->add_option("--categories", imp->categories, "comma-separated categories (default: all)");
  im->add_option("--to", imp->to, "destination folder (built aside, then renamed into place)")->required();
  im->add_flag("--replace", imp->replace, "replace an existing destination");
  im->add_flag("--strict", imp->strict, "a malformed entry is an error naming file and line");
  im->callback([run, imp] {
    *run = [imp] {
      std::vector<std::string> only;
      std::stringstream cats(imp->categories);
      for (std::string c; std::getline(cats, c, ',');) {
        if (!c.empty()) only.push_back(c);
      }
      std::vector<ListLoadReport> reports;
      const Status s = blocklists::ImportUt1(imp->ut1, only, imp->to, imp->strict, imp->replace, &reports);
      if (!s.ok()) {
        std::cerr << "moisson blocklist import: " << s.message() << "\n";
        return s.code() == Status::Code::kIo ? kExitFailed : kExitUsage;
      }
      std::size_t entries = 0, skipped = 0;
      for (const auto& r : reports) {
        entries += r.entries;
        skipped += r.skipped;
        for (const auto& [line, reason] : r.errors) std::cout << r.file << ":" << line << ": " << reason << "\n";
      }
      std::cout << "imported " << entries << " entries from " << reports.size() << " files into " << imp->to << " ("
                << skipped << " malformed entries skipped)\n";
      return kExitOk;
    };
  });

  struct UpdateOptions {
    const GlobalOptions* global = nullptr;
    std::string source = blocklists::kUt1ArchiveUrl;
    std::string snapshot;
    std::string ca_file;
    std::uint64_t max_mib = 2048;
  };
  auto up = std::make_shared<UpdateOptions>();
  up->global = global;
  CLI::App* u = bl->add_subcommand(
      "update", "Download the UT1 archive, check it, import the configured categories, compile a snapshot and swap "
                "it in atomically (the previous one stays on any failure)");
  u->add_option("--source", up->source, "the archive's URL (http, https) or a downloaded archive (default: UT1's "
                                        "published URL)");
  u->add_option("--snapshot", up->snapshot, "the snapshot to replace (default: [blocklists] snapshot)");
  u->add_option("--ca-file", up->ca_file, "trust these CA certificates (PEM) instead of the system's (tests)");
  u->add_option("--max-mib", up->max_mib, "largest archive accepted, MiB (default 2048)")->check(CLI::Range(1, 1 << 20));
  u->callback([run, up] {
    *run = [up] {
      Config config;
      if (!LoadConfigOrReport(*up->global, &config)) return kExitUsage;
      blocklists::UpdateRequest r;
      r.source = up->source;
      r.lists = config.blocklists;
      r.snapshot = !up->snapshot.empty() ? up->snapshot : config.blocklists.snapshot;
      r.user_agent = config.crawler.user_agent;
      r.ca_file = up->ca_file;
      r.max_bytes = up->max_mib << 20;
      if (r.snapshot.empty()) {
        std::cerr << "moisson blocklist update: give --snapshot FILE or set [blocklists] snapshot\n";
        return kExitUsage;
      }
      StopSignals stop_signals;
      r.stop = &StopFlag();
      auto rep = blocklists::UpdateFromUt1(r);
      if (!rep.ok() && rep.status().code() == Status::Code::kInterrupted) {
        std::cerr << "moisson blocklist update: stopped; nothing changed: " << r.snapshot
                  << " is the previous snapshot\n";
        return 128 + StopSignalNumber();
      }
      if (!rep.ok()) {
        std::cerr << "moisson blocklist update: " << rep.status().message() << "\n"
                  << "moisson blocklist update: nothing changed: " << r.snapshot << " is the previous snapshot\n";
        return rep.status().code() == Status::Code::kNotFound ? kExitUsage : kExitFailed;
      }
      std::size_t skipped = 0;
      for (const auto& l : rep->lists) skipped += l.skipped;
      std::cout << "archive: " << r.source << " (" << rep->archive_bytes << " bytes, sha256 " << rep->archive_sha256
                << ")\nlists: " << rep->data_dir << " (" << skipped << " malformed entries skipped)\nsnapshot: "
                << r.snapshot << ": " << rep->domains << " blocking domains, " << rep->urls << " urls, "
                << rep->expressions << " expressions\n";
      return kExitOk;
    };
  });

  auto stats_src = std::make_shared<Sources>();
  stats_src->global = global;
  CLI::App* st = bl->add_subcommand("stats", "Load the lists and print entries and skipped lines per file");
  AddSourceOptions(st, stats_src.get());
  st->callback([run, stats_src] { *run = [stats_src] { return RunStats(*stats_src); }; });
  (void)global;
}

}  // namespace moisson::cli
