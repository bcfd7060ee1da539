// What the filter chain needs, loaded from the config and command-line
// overrides: shared by `filter`, `scan` and `crawl`.
#ifndef MOISSON_CLI_PARTS_H_
#define MOISSON_CLI_PARTS_H_

#include <memory>
#include <optional>
#include <string>

#include "audit/ledger.h"
#include "blocklists/optout.h"
#include "blocklists/site_list.h"
#include "core/config.h"
#include "core/keyed_hash.h"
#include "core/status.h"
#include "filters/detector.h"
#include "pipeline/processor.h"
#include "policy/policy.h"

namespace moisson::cli {

// Everything the Processor points at, owned here for the run.
struct Parts {
  std::optional<filters::Detector> detector;
  std::optional<ProjectKey> key;
  std::optional<blocklists::OptOutRegistry> registry;
  std::optional<blocklists::SiteMatcher> site_lists;
  std::optional<policy::PolicyEngine> policy;
  pipeline::ActionTable actions = pipeline::ActionTable::Defaults();

  pipeline::ProcessorParts ProcessorParts() const;
  // The chain's settings from the config: actions, phone region, what to do
  // with a language the detectors do not read.
  pipeline::ProcessorSettings ProcessorSettings(const Config& config) const;
};

struct PartsRequest {
  std::string key_path;       // "" = none
  std::string registry_path;  // "" = none
  bool require_key = false;
  bool site_lists = true;     // load [blocklists] categories
  bool page_signals = true;   // a policy engine for the pages' own signals
};

// Loads the parts; on error the Status says what and where (usage errors).
Status LoadParts(const Config& config, const PartsRequest& request, Parts* parts);

// Opens the ledger a `filter` or `crawl` run writes (`--ledger`, else
// [project] ledger). When that creates a SQLite file, says so on standard
// error ("moisson CMD: created the ledger PATH"), with how to keep it
// elsewhere when it is the built-in default name in the current folder: a
// user who configured nothing learns where the provenance of the run went.
Result<std::unique_ptr<audit::Ledger>> OpenRunLedger(const char* cmd, const std::string& flag_path,
                                                     const Config& config);

}  // namespace moisson::cli

#endif  // MOISSON_CLI_PARTS_H_
