#include "pipeline/chain.h"

#include <unistd.h>

#include <set>
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
  req.snapshot_path = config.blocklists.snapshot;
  req.page_signals = config.filters.page_signals;
  req.sites_path = config.sites.store;
  return req;
}

Result<blocklists::SiteMatcher> LoadSiteListSnapshot(const std::string& path,
                                                     const std::vector<std::string>& categories) {
  auto m = blocklists::LoadSnapshot(path);
  if (!m.ok()) return m.status();
  // The snapshot replaces the lists, so it must exclude exactly what the
  // config says is excluded: a category missing from it would be let
  // through, one it adds would drop what the config keeps.
  std::set<std::string> held;
  for (std::uint16_t i = 0; i < m->category_count(); ++i) held.insert(m->category_name(i));
  const std::set<std::string> wanted(categories.begin(), categories.end());
  std::string missing, extra;
  for (const auto& c : wanted) {
    if (!held.count(c)) missing += (missing.empty() ? "" : ", ") + c;
  }
  for (const auto& c : held) {
    if (!wanted.count(c)) extra += (extra.empty() ? "" : ", ") + c;
  }
  if (!missing.empty()) {
    return Status::InvalidArgument(path + ": the snapshot holds no list for " + missing +
                                   " of [blocklists] categories; compile it with them (moisson blocklist compile "
                                   "--defaults ...) or remove them from the categories");
  }
  if (!extra.empty()) {
    return Status::InvalidArgument(path + ": the snapshot also holds " + extra +
                                   ", which [blocklists] categories does not name; compile it with --categories "
                                   "or add them to the categories");
  }
  return std::move(m).value();
}

Result<std::unique_ptr<Chain>> Chain::Load(const Config& config, const ChainRequest& request) {
  std::unique_ptr<Chain> chain(new Chain());
  auto actions = ActionTable::FromConfig(config);
  if (!actions.ok()) return actions.status();
  auto detector = filters::Detector::Create(config.filters.data_dir, config.filters.learned, config.filters.model_dir);
  if (!detector.ok()) return detector.status();
  chain->detector_.emplace(std::move(detector).value());
  auto content = filters::ContentClassifier::Load(config.filters.data_dir);
  if (!content.ok()) return content.status();
  chain->content_.emplace(std::move(content).value());
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
  if (request.site_lists && !request.snapshot_path.empty()) {
    auto m = LoadSiteListSnapshot(request.snapshot_path, config.blocklists.categories);
    if (!m.ok()) return m.status();
    chain->site_lists_.emplace(std::move(m).value());
  } else if (request.site_lists && !config.blocklists.categories.empty()) {
    blocklists::SiteListBuilder b;
    std::vector<blocklists::ListLoadReport> reports;
    if (Status st = blocklists::AddConfiguredCategories(config.blocklists, false, &b, &reports); !st.ok()) return st;
    auto m = std::move(b).Build();
    if (!m.ok()) return m.status();
    chain->site_lists_.emplace(std::move(m).value());
  }
  if (request.page_signals) chain->policy_.emplace(config);
  if (!request.sites_path.empty()) {
    // The store's files are judged by the policy engine of the page signals.
    if (!request.page_signals) {
      return Status::InvalidArgument(request.sites_path +
                                     ": a site-policy store is read with the page signals, and [filters] page_signals "
                                     "is false");
    }
    auto store = sites::SiteStore::Open(request.sites_path, sites::SiteStore::kReadOnly);
    if (!store.ok()) return store.status();
    auto compiled = sites::SitePolicies::Load(std::shared_ptr<sites::SiteStore>(std::move(*store)), *chain->policy_);
    if (!compiled.ok()) return compiled.status();
    chain->sites_.emplace(std::move(compiled).value());
    if (chain->sites_->origins() == 0) {
      chain->warnings_.push_back(request.sites_path + ": the site-policy store holds no robots.txt capture: every URL is " +
                                 "of an unknown site");
    }
  }

  ProcessorSettings& settings = chain->settings_;
  settings.actions = actions.value();
  settings.phone_region = config.optout.phone_region;
  // The config checked the value: "flag", "drop" or "keep".
  settings.uncovered_languages = ParseAction(config.filters.uncovered_languages).value_or(Action::kFlag);
  settings.sources_judged = request.sources_judged;
  settings.unknown_sites = ParseAction(config.sites.unknown).value_or(Action::kFlag);
  ProcessorParts parts;
  parts.detector = &*chain->detector_;
  parts.key = chain->key();
  parts.registry = chain->registry();
  parts.site_lists = chain->site_lists();
  parts.policy = chain->policy();
  parts.sites = chain->sites();
  parts.content = &*chain->content_;
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
  ro.keep_metadata = config.input.metadata;
  ro.metadata_fields = config.input.metadata_fields;
  return ro;
}

}  // namespace moisson::pipeline
