// The filter chain as one value: everything the Processor points at (the
// detectors, the project key, the opt-out registry, the site lists, the page
// signals' policy engine), loaded from a Config, owned together with the
// Processor built over them. `filter`, `scan`, `crawl` and the Python module
// (python/) build their chain here, so they judge a document alike.
//
//   auto chain = Chain::Load(config, ChainRequest{.key_path = "project.key"});
//   if (!chain.ok()) ...;                    // says what and where
//   ProcessedDocument d = (*chain)->processor().Process(record);  // any thread
//
// A Chain is immutable once loaded and shared by threads. It does not move
// (the Processor points into it): Load returns it on the heap.
#ifndef MOISSON_PIPELINE_CHAIN_H_
#define MOISSON_PIPELINE_CHAIN_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "blocklists/optout.h"
#include "blocklists/site_list.h"
#include "core/config.h"
#include "core/keyed_hash.h"
#include "core/status.h"
#include "filters/detector.h"
#include "io/record.h"
#include "pipeline/processor.h"
#include "policy/policy.h"
#include "sites/policies.h"

namespace moisson::pipeline {

struct ChainRequest {
  std::string key_path;       // "" = none
  std::string registry_path;  // "" = none
  bool require_key = false;   // fail without a key (what pseudonymises and indexes identifiers)
  bool site_lists = true;     // load the [blocklists] categories
  std::string snapshot_path;  // ... from this compiled snapshot ("" = build them from the lists)
  bool page_signals = true;   // judge the pages' own signals (headers, meta)
  // A site-policy store (`--sites`, [sites] store): judge each URL against
  // its site's captured robots.txt, ai.txt and tdmrep.json ("" = none).
  std::string sites_path;
  bool sources_judged = false; // ProcessorSettings::sources_judged (the crawler)
};

// The request of a run as the config sets it: the key and registry given
// (empty: [project] key, optout_registry), the site lists and page signals as
// [filters] says. Callers then set what their command decides
// (require_key, and for the crawl sources_judged and both judgements always on).
ChainRequest ChainRequestFor(const Config& config, std::string_view key_path, std::string_view registry_path);

class Chain {
 public:
  // Loads every part; a failure names what and where (the config file and
  // line, the missing key or registry, the list that does not load).
  static Result<std::unique_ptr<Chain>> Load(const Config& config, const ChainRequest& request);

  Chain(const Chain&) = delete;
  Chain& operator=(const Chain&) = delete;

  const Processor& processor() const { return *processor_; }
  const filters::Detector& detector() const { return *detector_; }
  const ProjectKey* key() const { return key_ ? &*key_ : nullptr; }
  const blocklists::OptOutRegistry* registry() const { return registry_ ? &*registry_ : nullptr; }
  const blocklists::SiteMatcher* site_lists() const { return site_lists_ ? &*site_lists_ : nullptr; }
  const policy::PolicyEngine* policy() const { return policy_ ? &*policy_ : nullptr; }
  const sites::SitePolicies* sites() const { return sites_ ? &*sites_ : nullptr; }
  const ProcessorSettings& settings() const { return settings_; }
  // What the caller should tell the user once ("12 opt-out entries were
  // hashed with another key and are not matched"); never an identifier.
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  Chain() = default;

  std::optional<filters::Detector> detector_;
  std::optional<filters::ContentClassifier> content_;
  std::optional<ProjectKey> key_;
  std::optional<blocklists::OptOutRegistry> registry_;
  std::optional<blocklists::SiteMatcher> site_lists_;
  std::optional<policy::PolicyEngine> policy_;
  std::optional<sites::SitePolicies> sites_;
  ProcessorSettings settings_;
  std::optional<Processor> processor_;
  std::vector<std::string> warnings_;
};

// A compiled site-list snapshot (`moisson blocklist compile`) for a chain
// whose [blocklists] categories are `categories`: an error names the file
// when it does not load, or when it does not hold exactly those categories.
Result<blocklists::SiteMatcher> LoadSiteListSnapshot(const std::string& path, const std::vector<std::string>& categories);

// The input field names of [input] (text, id, url, date, lang, html), for the
// dump readers.
io::ReaderOptions ReaderOptionsFrom(const Config& config);

}  // namespace moisson::pipeline

#endif  // MOISSON_PIPELINE_CHAIN_H_
