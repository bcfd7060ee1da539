// moisson: a compliance guard for collecting web data to train AI systems.
#include <algorithm>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/usage.h"
#include "core/version.h"

namespace moisson::cli {

int LedgerOpenExitCode(const Status& st) { return st.code() == Status::Code::kNotFound ? kExitUsage : kExitFailed; }

bool LoadConfigOrReport(const GlobalOptions& global, Config* out) {
  if (global.config_path.empty()) {
    *out = Config();
    return true;
  }
  auto c = LoadConfig(global.config_path);
  if (!c.ok()) {
    std::cerr << "moisson: " << c.status().message() << "\n";
    return false;
  }
  *out = std::move(c.value());
  return true;
}

}  // namespace moisson::cli

int main(int argc, char** argv) {
  using namespace moisson::cli;
  CLI::App app{"moisson: collect web data for AI training only where sites and people have not objected.\n"
               "Exit codes: 0 ok, 1 the job failed or a checked URL is disallowed, 2 usage or configuration error."};
  app.set_version_flag("--version", std::string("moisson ") + MOISSON_VERSION);
  app.require_subcommand(1);
  GlobalOptions global;
  app.add_option("-c,--config", global.config_path, "TOML configuration file (see examples/moisson.toml)")
      ->check(CLI::ExistingFile);
  Runner run;
  AddRobotsCommands(&app, &global, &run);
  AddPolicyCommands(&app, &global, &run);
  AddBlocklistCommands(&app, &global, &run);
  AddOptoutCommands(&app, &global, &run);
  AddKeygenCommand(&app, &global, &run);
  AddFilterCommands(&app, &global, &run);
  AddCrawlCommand(&app, &global, &run);
  AddAuditCommands(&app, &global, &run);
  AddRightsCommands(&app, &global, &run);
  AddPublishCommand(&app, &global, &run);
  AddDatasheetCommand(&app, &global, &run);
  AddPurgeCommand(&app, &global, &run);
  AddReportCommand(&app, &global, &run);
  AddSitesCommands(&app, &global, &run);
  AddHelpExamples(&app);
  // CLI11 would hand the value of a misspelt option to a positional argument
  // ("inputs: File does not exist: 2"); name the option instead.
  if (auto unknown = UnknownLongOption(app, std::vector<std::string>(argv + std::min(argc, 1), argv + argc))) {
    std::cerr << *unknown << "\n";
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? kExitOk : kExitUsage;
  }
  if (!run) {
    std::cerr << app.help();
    return kExitUsage;
  }
  return run();
}
