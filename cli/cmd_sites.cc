// moisson sites import | stats: the site-policy store (sites/store.h,
// docs/sites.md) that `filter` and `scan --sites` judge dumps with.
//
// Never prints a body: messages name files, offsets and counts.
#include <ctime>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "core/time_util.h"
#include "sites/policies.h"
#include "sites/store.h"

namespace moisson::cli {
namespace {

struct SitesOptions {
  const GlobalOptions* global = nullptr;
  std::string store;
  std::vector<std::string> inputs;
  std::string scheme = "https";
  std::string date;
};

// The store named by --store, else [sites] store; "" (reported) when neither.
std::string StorePath(const SitesOptions& o, const char* cmd) {
  if (!o.store.empty()) return o.store;
  Config config;
  if (!LoadConfigOrReport(*o.global, &config)) return "";
  if (config.sites.store.empty()) std::cerr << "moisson " << cmd << ": give --store, or set [sites] store in the config\n";
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
      std::cerr << "moisson " << cmd << ": --date: not an ISO 8601 date (2024-03-01 or 2024-03-01T12:00:00Z)\n";
      return kExitUsage;
    }
    date = *d;
  }
  // Every input is checked before the store is touched: a typo adds nothing.
  std::error_code ec;
  for (const std::string& in : o.inputs) {
    if (in != "-" && !std::filesystem::exists(in, ec)) {
      std::cerr << "moisson " << cmd << ": " << in << ": no such file or folder (nothing imported)\n";
      return kExitUsage;
    }
  }
  auto store = sites::SiteStore::Open(path, sites::SiteStore::kCreate);
  if (!store.ok()) {
    std::cerr << "moisson " << cmd << ": " << store.status().message() << "\n";
    return kExitUsage;
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

int RunStats(const SitesOptions& o) {
  const char* cmd = "sites stats";
  const std::string path = StorePath(o, cmd);
  if (path.empty()) return kExitUsage;
  auto store = sites::SiteStore::Open(path, sites::SiteStore::kReadOnly);
  if (!store.ok()) {
    std::cerr << "moisson " << cmd << ": " << store.status().message() << "\n";
    return store.status().code() == Status::Code::kNotFound ? kExitUsage : kExitFailed;
  }
  auto n = (*store)->Count();
  if (!n.ok()) {
    std::cerr << "moisson " << cmd << ": " << n.status().message() << "\n";
    return kExitFailed;
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
  CLI::App* stats = sites->add_subcommand("stats", "what the store holds: origins and captures per file");
  stats->add_option("--store", o->store, "the store (default: [sites] store)");
  stats->callback([run, o] { *run = [o] { return RunStats(*o); }; });
}

}  // namespace moisson::cli
