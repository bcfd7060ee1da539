#include "report/facts.h"

#include <unistd.h>

#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <system_error>

#include "core/json.h"

namespace moisson::report {

Result<std::unique_ptr<audit::Ledger>> OpenExistingLedger(const std::string& path) {
  // A PostgreSQL ledger is a server's database: Open connects (and creates
  // the tables in an empty database, which then reads as an empty ledger).
  if (audit::Ledger::IsPostgresName(path)) return audit::Ledger::Open(path);
  if (access(path.c_str(), F_OK) != 0) return Status::NotFound(path + ": no such ledger");
  return audit::Ledger::OpenSqlite(path);
}

std::string CsvField(std::string_view v) {
  if (v.find_first_of(",\"\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string HitJson(const audit::IdentifierHit& h) {
  JsonWriter w;
  w.BeginObject()
      .Key("row").Int(h.row)
      .Key("run").Int(h.run)
      .Key("url").String(h.url)
      .Key("site").String(h.site)
      .Key("considered_at").String(h.considered_at)
      .Key("decision").String(h.decision)
      .Key("reasons").BeginArray();
  for (const auto& r : h.reasons) w.String(r);
  w.EndArray()
      .Key("fetched").Bool(h.fetched)
      .Key("http_status").Int(h.http_status)
      .Key("signal").String(h.signal)
      .Key("output_file").String(h.output_file)
      .Key("output_id").String(h.output_id);
  if (!h.erased_at.empty()) w.Key("erased_at").String(h.erased_at);
  if (!h.source_file.empty()) {
    w.Key("source_file").String(h.source_file).Key("source_offset").Int(static_cast<std::int64_t>(h.source_offset));
  }
  w.EndObject();
  return w.Take();
}

std::string RunSummaryField(const audit::RunInfo& run, std::string_view key) {
  if (run.summary.empty()) return {};
  simdjson::ondemand::parser parser;
  simdjson::padded_string json(run.summary);
  auto doc = parser.iterate(json);
  std::string_view value;
  if (doc.error() != simdjson::SUCCESS || doc[key].get_string().get(value) != simdjson::SUCCESS) return {};
  return std::string(value);
}

std::optional<std::int64_t> RunSummaryInt(const audit::RunInfo& run, std::string_view object, std::string_view key) {
  if (run.summary.empty()) return std::nullopt;
  simdjson::ondemand::parser parser;
  simdjson::padded_string json(run.summary);
  auto doc = parser.iterate(json);
  std::int64_t value = 0;
  if (doc.error() != simdjson::SUCCESS || doc[object][key].get_int64().get(value) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return value;
}

Result<std::size_t> ForgetUncommittedOutputs(const audit::Ledger& ledger, std::vector<audit::IdentifierHit>* hits) {
  if (hits->empty()) return std::size_t{0};
  auto runs = ledger.Runs();
  if (!runs.ok()) return runs.status();
  std::set<std::int64_t> uncommitted;
  for (const auto& r : *runs) {
    if (r.command != "filter") continue;
    const std::string status = RunSummaryField(r, "status");
    if (status == "failed" || status == "interrupted") uncommitted.insert(r.id);
  }
  std::size_t cleared = 0;
  for (auto& h : *hits) {
    if (h.output_file.empty() || !uncommitted.count(h.run)) continue;
    h.output_file.clear();
    h.output_id.clear();
    ++cleared;
  }
  return cleared;
}

std::int64_t InDataset(const audit::SiteSummary& s) { return s.kept + s.modified - s.erased; }

CollectionFacts SummariseCollection(const std::vector<audit::SiteSummary>& sites,
                                    const std::vector<audit::RunInfo>& runs) {
  CollectionFacts f;
  auto widen = [](const std::string& v, std::string* first, std::string* last) {
    if (v.empty()) return;
    if (first->empty() || v < *first) *first = v;
    if (v > *last) *last = v;
  };
  for (const auto& x : sites) {
    f.considered += x.considered;
    f.kept += x.kept;
    f.modified += x.modified;
    f.dropped += x.dropped;
    f.erased += x.erased;
    f.fetched += x.fetched;
    widen(x.first, &f.processed_first, &f.processed_last);
    widen(x.last, &f.processed_first, &f.processed_last);
    widen(x.captured_first, &f.captured_first, &f.captured_last);
    widen(x.captured_last, &f.captured_first, &f.captured_last);
    if (InDataset(x) > 0 && !x.site.empty()) f.collected.push_back(&x);
  }
  f.in_dataset = f.kept + f.modified - f.erased;
  std::sort(f.collected.begin(), f.collected.end(), [](const auto* a, const auto* b) {
    return InDataset(*a) != InDataset(*b) ? InDataset(*a) > InDataset(*b) : a->site < b->site;
  });
  for (const auto& r : runs) {
    (r.command.starts_with("crawl") ? f.crawled : f.from_dumps) += r.rows;
    if (r.command.starts_with("crawl")) continue;
    if (const auto judged = RunSummaryInt(r, "sites", "judged")) {
      f.from_dumps_with_sites += r.rows;
      f.sites_judged += *judged;
      f.sites_unknown += RunSummaryInt(r, "sites", "unknown").value_or(0);
    }
  }
  return f;
}

std::string PeriodText(const std::string& first, const std::string& last) {
  if (first.empty()) return "not recorded";
  auto day = [](const std::string& t) {
    const bool iso = t.size() >= 10 && t[4] == '-' && t[7] == '-' &&
                     std::all_of(t.begin(), t.begin() + 4, [](char c) { return c >= '0' && c <= '9'; });
    return iso ? t.substr(0, 10) : t;
  };
  return day(first) + " to " + day(last);
}

std::vector<std::string> CheckedStatements(const CollectionFacts& facts, const Config& config) {
  std::vector<std::string> out;
  const HonouredSignals& h = config.policy.honour;
  std::string before = "robots.txt (moisson's own token";
  before += h.ai_agents ? ", and the groups of known AI crawlers)" : ")";
  if (h.ai_txt) before += ", ai.txt";
  if (h.tdmrep) before += ", TDMRep (tdmrep.json and its headers and page tags)";
  if (facts.crawled > 0) {
    std::string after;
    for (const auto& [on, name] : {std::pair{h.noai, "noai"}, std::pair{h.noindex, "noindex"},
                                   std::pair{h.content_usage, "Content-Usage"},
                                   std::pair{h.content_signal, "Content-Signal"}}) {
      if (on) after += (after.empty() ? "" : ", ") + std::string(name);
    }
    std::string off;
    if (!h.ai_txt) off += "ai.txt";
    if (!h.tdmrep) off += std::string(off.empty() ? "" : " and ") + "TDMRep";
    out.push_back("Pages fetched by moisson's crawler (" + std::to_string(facts.crawled) +
                  " documents): before each fetch, " + before + " were read and a refusal respected; after it, " +
                  (after.empty() ? std::string("no page signal") : after) +
                  " in the response headers and the page; pages behind a login or a paywall were dropped" +
                  (off.empty() ? std::string() : "; " + off + " not checked (turned off in the configuration)") + ".");
  }
  if (facts.from_dumps > 0) {
    const std::int64_t with = facts.from_dumps_with_sites, without = facts.from_dumps - with;
    std::string s = "Records read from existing dumps (" + std::to_string(facts.from_dumps) +
                    " documents, moisson filter): moisson fetched nothing for them";
    if (with > 0) {
      s += ". " + std::string(without > 0 ? std::to_string(with) + " of them (runs with a site-policy store) had their URLs"
                                          : "Each (a site-policy store, moisson filter --sites) had its URL") +
           " judged against the site's " + before +
           " as captured, as the crawler judges a URL before fetching it (with the capture nearest the page's "
           "date and with the latest, the stricter winning); for " +
           std::to_string(facts.sites_unknown) + " of them the store held no capture of the site (sites.unknown)";
      if (without > 0) {
        s += ". For the other " + std::to_string(without) +
             ", robots.txt, ai.txt and TDMRep were not checked; whether the dumps' collectors respected them is not "
             "known here";
      }
      s += ". Each record";
    } else {
      s += ", so robots.txt, ai.txt and TDMRep were not checked; whether the dumps' collectors respected them is not "
           "known here. Each record";
    }
    out.push_back(s +
                  " was checked against the excluded site lists, the site owners' and persons' opt-outs and the "
                  "filters" +
                  std::string(config.filters.page_signals
                                  ? "; the signals a captured page carries itself (noai and noindex in its meta tags "
                                    "or X-Robots-Tag header, a TDM reservation in its headers or tags) were applied "
                                    "where the capture kept them."
                                  : "; the signals a captured page carries itself (meta robots, X-Robots-Tag) were "
                                    "not checked (turned off in the configuration)."));
  }
  if (out.empty()) out.push_back("Nothing was collected: no signal was checked.");
  return out;
}

}  // namespace moisson::report
