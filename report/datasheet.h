// The dataset's datasheet (headings after Gebru et al., *Datasheets for
// Datasets*, 2021), built from the configuration and the ledger: what is in
// the dataset, how it was collected and filtered, who to contact. Counts and
// registrable domains only. `moisson datasheet` writes it.
#ifndef MOISSON_REPORT_DATASHEET_H_
#define MOISSON_REPORT_DATASHEET_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "audit/ledger.h"
#include "core/config.h"
#include "filters/action.h"

namespace moisson::report {

// Markdown. `reasons` are the ledger's documents per reason; `today` the date
// it carries.
std::string Datasheet(const std::string& name, const Config& config, const filters::ActionTable& actions,
                      const std::vector<audit::SiteSummary>& sites, const std::vector<audit::RunInfo>& runs,
                      const std::vector<std::pair<std::string, std::int64_t>>& reasons,
                      const audit::ChainReport& chain, const std::string& today);

}  // namespace moisson::report

#endif  // MOISSON_REPORT_DATASHEET_H_
