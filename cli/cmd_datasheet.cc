// moisson datasheet: a Markdown datasheet of the dataset under the headings
// of Gebru et al., "Datasheets for Datasets" (2021): motivation, composition,
// collection process, preprocessing, uses, distribution, maintenance. Filled
// from the config and the ledger (counts, domains, reasons); what only people
// can say is left as an explicit "to be completed" line. No URL, no identifier.
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>
#include <set>
#include <sstream>

#include "audit/ledger.h"
#include "cli/commands.h"
#include "report/datasheet.h"
#include "report/facts.h"
#include "core/file_util.h"
#include "core/time_util.h"
#include "core/version.h"
#include "filters/category.h"
#include "pipeline/processor.h"

namespace moisson::cli {
namespace {

struct DatasheetOptions {
  const GlobalOptions* global = nullptr;
  std::string output;
  std::string ledger;
  std::string name = "the dataset";
};

int Fail(const std::string& msg, int code) {
  std::cerr << "moisson datasheet: " << msg << "\n";
  return code;
}

int Run(const DatasheetOptions& o) {
  Config config;
  if (!LoadConfigOrReport(*o.global, &config)) return kExitUsage;
  auto actions = filters::ActionTable::FromConfig(config);
  if (!actions.ok()) return Fail(actions.status().message(), kExitUsage);
  const std::string path = !o.ledger.empty() ? o.ledger : config.project.ledger;
  auto l = report::OpenExistingLedger(path);
  if (!l.ok()) return Fail(l.status().message(), LedgerOpenExitCode(l.status()));
  auto sites = (*l)->Sites();
  auto runs = (*l)->Runs();
  auto reasons = (*l)->ReasonCounts();
  auto chain = (*l)->VerifyChain();
  if (!sites.ok()) return Fail(sites.status().message(), kExitFailed);
  if (!runs.ok()) return Fail(runs.status().message(), kExitFailed);
  if (!reasons.ok()) return Fail(reasons.status().message(), kExitFailed);
  if (!chain.ok()) return Fail(chain.status().message(), kExitFailed);
  const std::string md = report::Datasheet(o.name, config, *actions, *sites, *runs, *reasons, *chain,
                                          UtcNowIso8601().substr(0, 10));
  if (o.output.empty() || o.output == "-") {
    std::cout << md;
    return kExitOk;
  }
  if (Status st = WriteFileAtomically(o.output, md); !st.ok()) return Fail(st.message(), kExitFailed);
  return kExitOk;
}

}  // namespace

void AddDatasheetCommand(CLI::App* app, const GlobalOptions* global, Runner* run) {
  auto o = std::make_shared<DatasheetOptions>();
  o->global = global;
  CLI::App* d = app->add_subcommand("datasheet", "Write a Markdown datasheet of the dataset (Gebru et al.) from the "
                                                 "config and the ledger");
  d->add_option("-o,--output", o->output, "file to write (default: standard output)");
  d->add_option("--name", o->name, "the dataset's name");
  d->add_option("--ledger", o->ledger, "provenance ledger (default: [project] ledger)");
  d->callback([o, run] { *run = [o] { return Run(*o); }; });
}

}  // namespace moisson::cli
