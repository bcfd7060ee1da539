// The shipped lists (blocklists/data) and the configured default categories.
#ifndef MOISSON_BLOCKLISTS_DEFAULTS_H_
#define MOISSON_BLOCKLISTS_DEFAULTS_H_

#include <string>
#include <vector>

#include "blocklists/site_list.h"
#include "core/config.h"

namespace moisson::blocklists {

// The folder of the shipped lists this binary was built with.
std::string BuiltInDataDir();

// Adds the categories of `config` from its data dir (or BuiltInDataDir()).
// Every category named there blocks, even one UT1 marks white (child,
// educational_games): naming it is the decision to exclude it. An unknown
// category is an error that lists the known ones.
Status AddConfiguredCategories(const BlocklistConfig& config, bool strict, SiteListBuilder* builder,
                               std::vector<ListLoadReport>* reports);

}  // namespace moisson::blocklists

#endif  // MOISSON_BLOCKLISTS_DEFAULTS_H_
