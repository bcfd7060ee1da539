// What `filter` and `crawl` share besides the chain (pipeline/chain.h): the
// ledger a run writes, and a process's share of a run split in ranks.
#ifndef MOISSON_CLI_PARTS_H_
#define MOISSON_CLI_PARTS_H_

#include <cstdint>
#include <memory>
#include <string>

#include "audit/ledger.h"
#include "core/config.h"
#include "core/status.h"

namespace moisson::cli {

// Opens the ledger a `filter` or `crawl` run writes (`--ledger`, else
// [project] ledger). When that creates a SQLite file, says so on standard
// error ("moisson CMD: created the ledger PATH"), with how to keep it
// elsewhere when it is the built-in default name in the current folder: a
// user who configured nothing learns where the provenance of the run went.
Result<std::unique_ptr<audit::Ledger>> OpenRunLedger(const char* cmd, const std::string& flag_path,
                                                     const Config& config);

// A process's share of a run split in ranks: rank `rank` of `world_size`
// (0-based). `from` names where it came from when not from the flags
// ("Slurm").
struct RankShare {
  std::uint32_t rank = 0, world_size = 1;
  std::string from;
};

// The share `--rank` and `--world-size` give (-1: not given): both or
// neither, the rank below the world size; neither gives rank 0 of 1. Errors
// are usage errors whose message names the flags.
Result<RankShare> RankFromFlags(int rank, int world_size);

}  // namespace moisson::cli

#endif  // MOISSON_CLI_PARTS_H_
