#include "report/publish.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "blocklists/defaults.h"
#include "core/version.h"
#include "report/facts.h"

namespace moisson::report {
namespace {

std::string Md(std::string_view v) {  // a table cell: no pipes or line breaks
  std::string out;
  for (char c : v) out += (c == '|' ? std::string("\\|") : c == '\n' ? std::string(" ") : std::string(1, c));
  return out;
}

std::string OrUnset(const std::string& v) { return v.empty() ? "(not set in the configuration)" : v; }

// The shipped lists' manifest lines for the configured categories.
std::string ListVersions(const Config& config) {
  const std::string dir = config.blocklists.data_dir.empty() ? blocklists::BuiltInDataDir() : config.blocklists.data_dir;
  std::ifstream in(dir + "/MANIFEST.md");
  std::string out, line;
  while (std::getline(in, line)) {
    if (line.rfind("| ", 0) != 0 || line.rfind("| file", 0) == 0) continue;
    for (const auto& c : config.blocklists.categories) {
      if (line.find("/" + c + "/") != std::string::npos || line.find("/" + c + ".") != std::string::npos ||
          (c == "adult" && line.find("pornography") != std::string::npos)) {
        out += line + "\n";
        break;
      }
    }
  }
  return out;
}

}  // namespace

Publication Publish(const Config& config, const std::vector<audit::SiteSummary>& sites,
                    const std::vector<audit::RunInfo>& runs, const audit::ChainReport& chain, const std::string& today,
                    int top) {
  // Sites with documents still in the dataset (erased records left out), by volume.
  const CollectionFacts facts = SummariseCollection(sites, runs);
  const std::vector<const audit::SiteSummary*>& collected = facts.collected;
  const std::int64_t total_docs = facts.in_dataset;
  const std::string capture = PeriodText(facts.captured_first, facts.captured_last);
  const std::string processing = PeriodText(facts.processed_first, facts.processed_last);
  std::string checked;
  for (const std::string& s : CheckedStatements(facts, config)) checked += (checked.empty() ? "" : " ") + s;

  std::ostringstream sites_csv;
  // first_seen, last_seen: when moisson considered the site's pages;
  // first_captured, last_captured: the pages' own dates, when recorded.
  sites_csv << "site,first_seen,last_seen,documents_collected,documents_considered,first_captured,last_captured\n";
  for (const auto* x : collected) {
    sites_csv << CsvField(x->site) << "," << x->first << "," << x->last << "," << InDataset(*x) << ","
              << x->considered << "," << CsvField(x->captured_first) << "," << CsvField(x->captured_last) << "\n";
  }

  // The same sites as scraped_sites.csv, by name, with their list categories;
  // the others considered are only counted.
  std::vector<const audit::SiteSummary*> by_name = collected;
  std::sort(by_name.begin(), by_name.end(), [](const auto* a, const auto* b) { return a->site < b->site; });
  std::map<std::string, std::int64_t> by_category, left_out;
  std::ostringstream cats;
  cats << "# Categories of the sites collected from\n\n"
       << "The " << collected.size() << " registrable domains of scraped_sites.csv, with the site-list categories "
       << "their pages matched (the categories excluded are in exclusion_policy.md); \"(none)\" for a site on no list.\n\n"
       << "| site | categories |\n|---|---|\n";
  for (const auto* x : by_name) {
    std::string c;
    for (const auto& k : x->categories) c += (c.empty() ? "" : ", ") + k;
    cats << "| " << Md(x->site) << " | " << Md(c.empty() ? "(none)" : c) << " |\n";
    if (x->categories.empty()) ++by_category["(none)"];
    for (const auto& k : x->categories) ++by_category[k];
  }
  std::int64_t not_collected = 0;
  for (const auto& x : sites) {
    if (x.site.empty() || InDataset(x) > 0) continue;
    ++not_collected;
    if (x.categories.empty()) ++left_out["(none)"];
    for (const auto& k : x.categories) ++left_out[k];
  }
  cats << "\n## Sites collected from, by category\n\n| category | sites |\n|---|---:|\n";
  for (const auto& [c, n] : by_category) cats << "| " << Md(c) << " | " << n << " |\n";
  cats << "\n## Sites considered, nothing collected\n\n" << not_collected
       << " more registrable domains were considered, with nothing of theirs in the dataset (refused by their "
          "signals or the lists, dropped by the filters, or erased on request); not named here.\n";
  if (!left_out.empty()) cats << "\n| category | sites |\n|---|---:|\n";
  for (const auto& [c, n] : left_out) cats << "| " << Md(c) << " | " << n << " |\n";

  std::string sources;
  if (facts.crawled > 0) sources = "public web pages fetched by moisson's crawler (" + std::to_string(facts.crawled) + " documents considered)";
  if (facts.from_dumps > 0) {
    sources += (sources.empty() ? "" : "; ") + std::string("records of existing web dumps filtered by moisson (") +
               std::to_string(facts.from_dumps) + " documents considered)";
  }
  std::ostringstream sheet;
  sheet << "# Processing registry sheet: collection of web data to train AI systems\n\n"
        << "Produced by moisson " << MOISSON_VERSION << " on " << today << ", after the CNIL's recommendations "
        << "on web scraping (fiche 8.2).\n\n"
        << "| item | |\n|---|---|\n"
        << "| Controller | " << Md(OrUnset(config.controller.name)) << " |\n"
        << "| Contact for rights requests | " << Md(OrUnset(config.controller.contact)) << " |\n"
        << "| Privacy policy | " << Md(OrUnset(config.controller.privacy_policy_url)) << " |\n"
        << "| Purpose | building training data for AI systems |\n"
        << "| Sources | " << (sources.empty() ? std::string("none yet") : sources) << " |\n"
        << "| Sites collected from | " << collected.size() << " registrable domains (scraped_sites.csv) |\n"
        << "| " << kCapturePeriodLabel << " | " << Md(capture) << " |\n"
        << "| " << kProcessingPeriodLabel << " | " << processing << " |\n"
        << "| Categories excluded | " << Md([&] {
             std::string s;
             for (const auto& c : config.blocklists.categories) s += (s.empty() ? "" : ", ") + c;
             return s.empty() ? std::string("none") : s;
           }()) << " |\n"
        << "| Data excluded or transformed | sensitive data (GDPR art. 9) and data about minors dropped; banking and "
           "geolocation data redacted; e-mails, phone numbers, handles and IP addresses pseudonymised |\n"
        << "| Objections checked | " << Md(checked) << " |\n\n"
        << "## How to exercise your rights\n\n"
        << "Write to " << Md(OrUnset(config.controller.contact))
        << " giving the identifier you want us to look for (an e-mail address, a phone number, a social-network "
           "handle) or the address of your pages. We look it up without having stored it (only keyed hashes are "
           "kept), tell you which pages held it and when, and on request remove those records from the dataset and "
           "add you to our opt-out list so that future collection drops them.\n";

  std::ostringstream summary;
  summary << "# Training data summary\n\n"
          << "In the spirit of the EU AI Act's template for the public summary of training content.\n\n"
          << "- Documents in the dataset: " << total_docs << " (of " << facts.considered << " considered: "
          << facts.dropped << " dropped by the filters, the excluded lists, the opt-outs or, for fetched pages, the "
             "sites' signals; "
          << facts.erased << " removed since on request)\n"
          << "- Registrable domains contributing: " << collected.size() << "\n"
          << "- " << kCapturePeriodLabel << ": " << capture << "\n"
          << "- " << kProcessingPeriodLabel << ": " << processing << "\n"
          << "- Ledger: " << chain.rows << " rows, hash chain " << (chain.ok ? "intact" : "BROKEN")
          << (chain.head.empty() ? "" : ", head " + chain.head) << "\n\n"
          << "## Top domains by volume\n\n| domain | documents | share |\n|---|---:|---:|\n";
  for (int i = 0; i < top && i < static_cast<int>(collected.size()); ++i) {
    const auto* x = collected[i];
    const double share = total_docs > 0 ? 100.0 * static_cast<double>(InDataset(*x)) / total_docs : 0.0;
    char pct[32];
    std::snprintf(pct, sizeof pct, "%.1f %%", share);
    summary << "| " << Md(x->site) << " | " << InDataset(*x) << " | " << pct << " |\n";
  }

  std::ostringstream policy;
  policy << "# Exclusion policy\n\n"
         << "What moisson refuses to collect, and the lists it uses (as of " << today << ").\n\n"
         << "## What was checked, by kind of run\n\n";
  for (const std::string& s : CheckedStatements(facts, config)) policy << "- " << s << "\n";
  policy << "\n## The crawler's signals (configuration)\n\n"
         << "What moisson's crawler checks for each page it fetches"
         << (facts.crawled > 0 ? "" : " (no page in this ledger was fetched by it)") << ":\n\n"
         << "- robots.txt for moisson's token (always), with RFC 9309's outcome rules (unreachable: nothing "
            "collected)\n"
         << "- robots.txt groups of known AI crawlers: " << (config.policy.honour.ai_agents ? "yes" : "no") << "\n"
         << "- ai.txt: " << (config.policy.honour.ai_txt ? "yes" : "no") << "; TDMRep: "
         << (config.policy.honour.tdmrep ? "yes" : "no") << "; IETF Content-Usage: "
         << (config.policy.honour.content_usage ? "yes" : "no") << "; Content-Signal: "
         << (config.policy.honour.content_signal ? "yes" : "no") << "; noai: " << (config.policy.honour.noai ? "yes" : "no")
         << "; noindex (not manifestly public): " << (config.policy.honour.noindex ? "yes" : "no") << "\n"
         << "- pages behind a login, a paywall, or answering 401/403/407/451 are never collected\n\n"
         << "## Site categories excluded\n\n";
  for (const auto& c : config.blocklists.categories) policy << "- " << c << "\n";
  policy << "\n## List files (entries, SHA-256)\n\n| file | entries | sha256 |\n|---|---:|---|\n"
         << ListVersions(config)
         << "\n## Licences\n\n"
         << "- UT1 blacklists, Université Toulouse 1 Capitole (Fabrice Prigent): CC BY-SA 4.0\n"
         << "- Sinfonietta hostfiles: MIT, Copyright (c) 2016 Sinfonietta\n"
         << "- health forums and minors' social networks: curated by the moisson project\n";

  Publication out;
  out.sites = collected.size();
  out.documents = total_docs;
  out.files = {{"scraped_sites.csv", sites_csv.str()},
               {"site_categories.md", cats.str()},
               {"registry_sheet.md", sheet.str()},
               {"training_data_summary.md", summary.str()},
               {"exclusion_policy.md", policy.str()}};
  return out;
}

}  // namespace moisson::report
