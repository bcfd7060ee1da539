// Subcommand registration. Each cli/cmd_*.cc adds its subcommands to the app
// and sets `*run` to the function the parsed command line selects. Exit codes
// (README.md): 0 ok, 1 the job failed or found what it checks for, 2 usage or
// configuration error.
#ifndef MOISSON_CLI_COMMANDS_H_
#define MOISSON_CLI_COMMANDS_H_

#include <functional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/config.h"
#include "core/status.h"

namespace moisson::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

// Options every subcommand can read.
struct GlobalOptions {
  std::string config_path;  // --config; empty: built-in defaults
};

using Runner = std::function<int()>;

void AddRobotsCommands(CLI::App* app, const GlobalOptions* global, Runner* run);
void AddPolicyCommands(CLI::App* app, const GlobalOptions* global, Runner* run);
void AddBlocklistCommands(CLI::App* app, const GlobalOptions* global, Runner* run);
void AddOptoutCommands(CLI::App* app, const GlobalOptions* global, Runner* run);
void AddKeygenCommand(CLI::App* app, const GlobalOptions* global, Runner* run);
void AddFilterCommands(CLI::App* app, const GlobalOptions* global, Runner* run);
void AddCrawlCommand(CLI::App* app, const GlobalOptions* global, Runner* run);
void AddAuditCommands(CLI::App* app, const GlobalOptions* global, Runner* run);
void AddRightsCommands(CLI::App* app, const GlobalOptions* global, Runner* run);
void AddPublishCommand(CLI::App* app, const GlobalOptions* global, Runner* run);
void AddDatasheetCommand(CLI::App* app, const GlobalOptions* global, Runner* run);
void AddPurgeCommand(CLI::App* app, const GlobalOptions* global, Runner* run);
void AddReportCommand(CLI::App* app, const GlobalOptions* global, Runner* run);
void AddSitesCommands(CLI::App* app, const GlobalOptions* global, Runner* run);

// The exit code for a ledger that could not be opened: usage for a missing
// file (a typo), failure otherwise.
int LedgerOpenExitCode(const Status& st);

// Loads --config (or defaults); on error prints it and returns false.
bool LoadConfigOrReport(const GlobalOptions& global, Config* out);

}  // namespace moisson::cli

#endif  // MOISSON_CLI_COMMANDS_H_
