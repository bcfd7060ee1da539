// moisson publish -o DIR: the transparency documents the CNIL asks a scraper
// to make public (fiche 8.2, R9), built from the config and the ledger. They
// name registrable domains and counts only: never a URL of the dataset, never
// an identifier. Each file is written atomically.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>

#include "audit/ledger.h"
#include "blocklists/defaults.h"
#include "cli/commands.h"
#include "report/facts.h"
#include "report/publish.h"
#include "core/file_util.h"
#include "core/time_util.h"
#include "core/version.h"

namespace moisson::cli {
namespace {

struct PublishOptions {
  const GlobalOptions* global = nullptr;
  std::string out_dir;
  std::string ledger;
  int top = 100;
};

int Fail(const std::string& msg, int code) {
  std::cerr << "moisson publish: " << msg << "\n";
  return code;
}

int Run(const PublishOptions& o) {
  Config config;
  if (!LoadConfigOrReport(*o.global, &config)) return kExitUsage;
  const std::string path = !o.ledger.empty() ? o.ledger : config.project.ledger;
  auto l = report::OpenExistingLedger(path);
  if (!l.ok()) return Fail(l.status().message(), LedgerOpenExitCode(l.status()));
  auto sites = (*l)->Sites();
  if (!sites.ok()) return Fail(sites.status().message(), kExitFailed);
  auto runs = (*l)->Runs();
  if (!runs.ok()) return Fail(runs.status().message(), kExitFailed);
  auto chain = (*l)->VerifyChain();
  if (!chain.ok()) return Fail(chain.status().message(), kExitFailed);
  if (::mkdir(o.out_dir.c_str(), 0755) != 0 && errno != EEXIST) return Fail(o.out_dir + ": cannot create", kExitFailed);
  const std::string today = UtcNowIso8601().substr(0, 10);

  const report::Publication pub = report::Publish(config, *sites, *runs, *chain, today, o.top);
  for (const auto& [name, text] : pub.files) {
    if (Status st = WriteFileAtomically(o.out_dir + "/" + name, text); !st.ok()) return Fail(st.message(), kExitFailed);
  }
  std::cout << "publish: " << pub.sites << " sites, " << pub.documents << " documents; wrote";
  for (const auto& [name, text] : pub.files) std::cout << " " << name;
  std::cout << " to " << o.out_dir << "\n";
  return kExitOk;
}

}  // namespace

void AddPublishCommand(CLI::App* app, const GlobalOptions* global, Runner* run) {
  auto o = std::make_shared<PublishOptions>();
  o->global = global;
  CLI::App* p = app->add_subcommand(
      "publish", "Write the transparency documents: scraped sites, categories, registry sheet, training-data "
                 "summary, exclusion policy (no URL, no identifier)");
  p->add_option("-o,--output", o->out_dir, "folder to write them to")->required();
  p->add_option("--ledger", o->ledger, "provenance ledger (default: [project] ledger)");
  p->add_option("--top", o->top, "domains listed in the training-data summary (default 100)")->check(CLI::Range(1, 100000));
  p->callback([o, run] { *run = [o] { return Run(*o); }; });
}

}  // namespace moisson::cli
