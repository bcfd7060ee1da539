// moisson audit verify: the provenance ledger's hash chain (docs/ledger.md).
#include <unistd.h>

#include <iostream>
#include <memory>

#include "audit/ledger.h"
#include "cli/commands.h"

namespace moisson::cli {
namespace {

struct AuditOptions {
  const GlobalOptions* global = nullptr;
  std::string ledger;
};

int Verify(const AuditOptions& o) {
  Config config;
  if (!LoadConfigOrReport(*o.global, &config)) return kExitUsage;
  const std::string path = !o.ledger.empty() ? o.ledger : config.project.ledger;
  if (access(path.c_str(), F_OK) != 0) {
    std::cerr << "moisson audit verify: " << path << ": no such ledger\n";
    return kExitUsage;
  }
  auto l = audit::Ledger::OpenSqlite(path);
  if (!l.ok()) {
    std::cerr << "moisson audit verify: " << l.status().message() << "\n";
    return kExitFailed;
  }
  auto rep = (*l)->VerifyChain();
  if (!rep.ok()) {
    std::cerr << "moisson audit verify: " << rep.status().message() << "\n";
    return kExitFailed;
  }
  if (!rep->ok) {
    std::cout << path << ": chain broken after checking " << rep->rows << " rows: " << rep->problem << "\n";
    return kExitFailed;
  }
  std::cout << path << ": " << rep->rows << " rows, hash chain intact";
  if (!rep->head.empty()) std::cout << "; head " << rep->head;
  std::cout << "\n";
  return kExitOk;
}

}  // namespace

void AddAuditCommands(CLI::App* app, const GlobalOptions* global, Runner* run) {
  auto o = std::make_shared<AuditOptions>();
  o->global = global;
  CLI::App* audit = app->add_subcommand("audit", "Check and report on the provenance ledger");
  audit->require_subcommand(1);
  CLI::App* v = audit->add_subcommand(
      "verify", "Recompute the ledger's hash chain: names the first edited, removed or moved row (exit 1)");
  v->add_option("--ledger", o->ledger, "provenance ledger (default: [project] ledger)");
  v->callback([o, run] { *run = [o] { return Verify(*o); }; });
}

}  // namespace moisson::cli
