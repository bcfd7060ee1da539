#include "pipeline/chain.h"

#include <unistd.h>

#include <utility>

#include "blocklists/defaults.h"

namespace moisson::pipeline {

using filters::Action;
using filters::ActionTable;
using filters::ParseAction;
using filters::Verdict;

ChainRequest ChainRequestFor(const Config& config, std::string_view key_path, std::string_view registry_path) {
  ChainRequest req;
  req.key_path = !key_path.empty() ? std::string(key_path) : config.project.key;
  req.registry_path = !registry_path.empty() ? std::string(registry_path) : config.project.optout_registry;
  req.site_lists = config.filters.site_lists;
  req.page_signals = config.filters.page_signals;
  return req;
}

Result<std::unique_ptr<Chain>> Chain::Load(const Config& config, const ChainRequest& request) {
  std::unique_ptr<Chain> chain(new Chain());
  auto actions = ActionTable::FromConfig(config);
  if (!actions.ok()) return actions.status();
  auto detector = filters::Detector::Create(config.filters.data_dir, config.filters.learned, config.filters.model_dir);
  if (!detector.ok()) return detector.status();
  chain->detector_.emplace(std::move(detector).value());
  if (!request.key_path.empty()) {
    auto key = ProjectKey::Load(request.key_path);
    if (!key.ok()) return key.status();
    chain->key_.emplace(std::move(key).value());
  }
  if (request.require_key && !chain->key_) {
    return Status::InvalidArgument(
        "a project key is needed to pseudonymise identifiers and index them in the ledger: create one with "
        "`moisson keygen --out FILE` and give it with --key or [project] key");
  }
  if (!request.registry_path.empty()) {
    if (::access(request.registry_path.c_str(), F_OK) != 0) {
      return Status::NotFound(request.registry_path +
                              ": opt-out registry not found (a typo here would silently ignore opt-outs)");
    }
    if (!chain->key_) return Status::InvalidArgument("the opt-out registry needs the project key (--key or [project] key)");
    auto reg = blocklists::OptOutRegistry::Open(request.registry_path, *chain->key_);
    if (!reg.ok()) return reg.status();
    if (reg->foreign_key_entries() > 0) {
      chain->warnings_.push_back(std::to_string(reg->foreign_key_entries()) +
                                 " opt-out entries were hashed with another key and are not matched");
    }
    chain->registry_.emplace(std::move(reg).value());
  }
  if (request.site_lists && !config.blocklists.categories.empty()) {
    blocklists::SiteListBuilder b;
    std::vector<blocklists::ListLoadReport> reports;
    if (Status st = blocklists::AddConfiguredCategories(config.blocklists, false, &b, &reports); !st.ok()) return st;
    auto m = std::move(b).Build();
    if (!m.ok()) return m.status();
    chain->site_lists_.emplace(std::move(m).value());
  }
  if (request.page_signals) chain->policy_.emplace(config);

  ProcessorSettings& settings = chain->settings_;
  settings.actions = actions.value();
  settings.phone_region = config.optout.phone_region;
  // The config checked the value: "flag", "drop" or "keep".
  settings.uncovered_languages = ParseAction(config.filters.uncovered_languages).value_or(Action::kFlag);
  settings.sources_judged = request.sources_judged;
  ProcessorParts parts;
  parts.detector = &*chain->detector_;
  parts.key = chain->key();
  parts.registry = chain->registry();
  parts.site_lists = chain->site_lists();
  parts.policy = chain->policy();
  chain->processor_.emplace(parts, settings);
  return chain;
}

io::ReaderOptions ReaderOptionsFrom(const Config& config) {
  io::ReaderOptions ro;
  ro.text_field = config.input.text_field;
  ro.id_field = config.input.id_field;
  ro.url_field = config.input.url_field;
  ro.date_field = config.input.date_field;
  ro.lang_field = config.input.lang_field;
  ro.html_field = config.input.html_field;
  return ro;
}

}  // namespace moisson::pipeline
