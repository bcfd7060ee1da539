// The transparency documents the CNIL asks a scraper to make public (fiche
// 8.2, R9), built from the configuration and the ledger: scraped_sites.csv,
// site_categories.md, registry_sheet.md, training_data_summary.md and
// exclusion_policy.md. They name registrable domains and counts only: never a
// URL of the dataset, never an identifier. `moisson publish` writes them.
#ifndef MOISSON_REPORT_PUBLISH_H_
#define MOISSON_REPORT_PUBLISH_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "audit/ledger.h"
#include "core/config.h"

namespace moisson::report {

struct Publication {
  std::vector<std::pair<std::string, std::string>> files;  // file name, text
  std::size_t sites = 0;       // registrable domains with documents in the dataset
  std::int64_t documents = 0;  // documents in the dataset
};

// `today` is the date the documents carry ("2026-12-07"); `top` how many
// domains the summary lists by volume.
Publication Publish(const Config& config, const std::vector<audit::SiteSummary>& sites,
                    const std::vector<audit::RunInfo>& runs, const audit::ChainReport& chain, const std::string& today,
                    int top);

}  // namespace moisson::report

#endif  // MOISSON_REPORT_PUBLISH_H_
