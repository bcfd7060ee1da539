#include "cli/parts.h"

#include <unistd.h>

#include <iostream>
#include <vector>

#include "blocklists/defaults.h"

namespace moisson::cli {

pipeline::ProcessorParts Parts::ProcessorParts() const {
  pipeline::ProcessorParts pp;
  pp.detector = detector ? &*detector : nullptr;
  pp.key = key ? &*key : nullptr;
  pp.registry = registry ? &*registry : nullptr;
  pp.site_lists = site_lists ? &*site_lists : nullptr;
  pp.policy = policy ? &*policy : nullptr;
  return pp;
}

pipeline::ProcessorSettings Parts::ProcessorSettings(const Config& config) const {
  pipeline::ProcessorSettings settings;
  settings.actions = actions;
  settings.phone_region = config.optout.phone_region;
  // The config checked the value: "flag", "drop" or "keep".
  settings.uncovered_languages = pipeline::ParseAction(config.filters.uncovered_languages).value_or(pipeline::Action::kFlag);
  return settings;
}

Status LoadParts(const Config& config, const PartsRequest& request, Parts* parts) {
  auto actions = pipeline::ActionTable::FromConfig(config);
  if (!actions.ok()) return actions.status();
  parts->actions = actions.value();
  auto detector = filters::Detector::Create(config.filters.data_dir, config.filters.learned, config.filters.model_dir);
  if (!detector.ok()) return detector.status();
  parts->detector.emplace(std::move(detector).value());
  if (!request.key_path.empty()) {
    auto key = ProjectKey::Load(request.key_path);
    if (!key.ok()) return key.status();
    parts->key.emplace(std::move(key).value());
  }
  if (request.require_key && !parts->key) {
    return Status::InvalidArgument(
        "a project key is needed to pseudonymise identifiers and index them in the ledger: create one with "
        "`moisson keygen --out FILE` and give it with --key or [project] key");
  }
  if (!request.registry_path.empty()) {
    if (access(request.registry_path.c_str(), F_OK) != 0) {
      return Status::NotFound(request.registry_path +
                              ": opt-out registry not found (a typo here would silently ignore opt-outs)");
    }
    if (!parts->key) return Status::InvalidArgument("the opt-out registry needs the project key (--key or [project] key)");
    auto reg = blocklists::OptOutRegistry::Open(request.registry_path, *parts->key);
    if (!reg.ok()) return reg.status();
    if (reg->foreign_key_entries() > 0) {
      std::cerr << "moisson: warning: " << reg->foreign_key_entries()
                << " opt-out entries were hashed with another key and are not matched\n";
    }
    parts->registry.emplace(std::move(reg).value());
  }
  if (request.site_lists && !config.blocklists.categories.empty()) {
    blocklists::SiteListBuilder b;
    std::vector<blocklists::ListLoadReport> reports;
    if (Status st = blocklists::AddConfiguredCategories(config.blocklists, false, &b, &reports); !st.ok()) return st;
    auto m = std::move(b).Build();
    if (!m.ok()) return m.status();
    parts->site_lists.emplace(std::move(m).value());
  }
  if (request.page_signals) parts->policy.emplace(config);
  return Status::Ok();
}

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

}  // namespace moisson::cli
