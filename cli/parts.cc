#include "cli/parts.h"

#include <unistd.h>

#include <iostream>

namespace moisson::cli {

Result<std::unique_ptr<audit::Ledger>> OpenRunLedger(const char* cmd, const std::string& flag_path,
                                                     const Config& config) {
  const std::string path = !flag_path.empty() ? flag_path : config.project.ledger;
  const bool created = !audit::Ledger::IsPostgresName(path) && ::access(path.c_str(), F_OK) != 0;
  auto ledger = audit::Ledger::Open(path);
  if (ledger.ok() && created) {
    const bool default_name = flag_path.empty() && config.project.ledger == Config().project.ledger;
    std::cerr << "moisson " << cmd << ": created the ledger " << path
              << (default_name ? " (the default name, in the current folder: set [project] ledger or --ledger to keep "
                                 "it elsewhere)"
                               : "")
              << "\n";
  }
  return ledger;
}

Result<RankShare> RankFromFlags(int rank, int world_size) {
  RankShare s;
  if (rank < 0 && world_size < 0) return s;
  if (rank < 0 || world_size < 1) return Status::InvalidArgument("--rank and --world-size go together");
  if (rank >= world_size) {
    return Status::InvalidArgument("--rank " + std::to_string(rank) + " is not below --world-size " +
                                   std::to_string(world_size) + " (ranks count from 0)");
  }
  s.rank = static_cast<std::uint32_t>(rank);
  s.world_size = static_cast<std::uint32_t>(world_size);
  return s;
}

}  // namespace moisson::cli
