// moisson audit verify | sites | url: the provenance ledger checked and reported
// (docs/ledger.md). Reports name registrable domains, never identifiers.
#include <unistd.h>

#include <iostream>
#include <memory>

#include "audit/ledger.h"
#include "cli/commands.h"
#include "report/facts.h"
#include "core/json.h"

namespace moisson::cli {
namespace {

struct AuditOptions {
  const GlobalOptions* global = nullptr;
  std::string ledger;
  std::string format = "csv";
  std::string url;
  bool json = false;
};

// Opens the ledger named by --ledger or [project] ledger; prints why not.
std::unique_ptr<audit::Ledger> OpenLedger(const AuditOptions& o, const char* cmd, int* code, std::string* path = nullptr) {
  Config config;
  if (!LoadConfigOrReport(*o.global, &config)) {
    *code = kExitUsage;
    return nullptr;
  }
  const std::string p = !o.ledger.empty() ? o.ledger : config.project.ledger;
  if (path != nullptr) *path = audit::Ledger::DisplayName(p);
  auto l = report::OpenExistingLedger(p);
  if (!l.ok()) {
    std::cerr << "moisson audit " << cmd << ": " << l.status().message() << "\n";
    *code = LedgerOpenExitCode(l.status());
    return nullptr;
  }
  return std::move(l).value();
}

std::string Join(const std::vector<std::string>& v, char sep) {
  std::string out;
  for (const auto& x : v) {
    if (!out.empty()) out.push_back(sep);
    out += x;
  }
  return out;
}

// Registrable domains only, never a URL: the list the CNIL asks to publish (R9).
int Sites(const AuditOptions& o) {
  int code = kExitOk;
  auto l = OpenLedger(o, "sites", &code);
  if (!l) return code;
  auto sites = l->Sites();
  if (!sites.ok()) {
    std::cerr << "moisson audit sites: " << sites.status().message() << "\n";
    return kExitFailed;
  }
  if (o.format == "json") {
    for (const auto& x : sites.value()) {
      JsonWriter w;
      w.BeginObject().Key("site").String(x.site).Key("categories").BeginArray();
      for (const auto& c : x.categories) w.String(c);
      w.EndArray()
          .Key("first").String(x.first).Key("last").String(x.last)
          .Key("considered").Int(x.considered).Key("fetched").Int(x.fetched)
          .Key("kept").Int(x.kept).Key("modified").Int(x.modified).Key("dropped").Int(x.dropped)
          .Key("objections").Int(x.objections)
          .EndObject();
      std::cout << w.str() << "\n";
    }
  } else if (o.format == "md") {
    std::cout << "| site | categories | first | last | considered | fetched | kept | modified | dropped | "
                 "objections |\n|---|---|---|---|---:|---:|---:|---:|---:|---:|\n";
    for (const auto& x : sites.value()) {
      std::cout << "| " << (x.site.empty() ? "(no URL)" : x.site) << " | " << Join(x.categories, ' ') << " | "
                << x.first << " | " << x.last << " | " << x.considered << " | " << x.fetched << " | " << x.kept
                << " | " << x.modified << " | " << x.dropped << " | " << x.objections << " |\n";
    }
  } else {
    std::cout << "site,categories,first,last,considered,fetched,kept,modified,dropped,objections\n";
    for (const auto& x : sites.value()) {
      std::cout << report::CsvField(x.site) << "," << report::CsvField(Join(x.categories, ' ')) << "," << x.first << "," << x.last
                << "," << x.considered << "," << x.fetched << "," << x.kept << "," << x.modified << "," << x.dropped
                << "," << x.objections << "\n";
    }
  }
  return kExitOk;
}

// Every row of one URL: when, what was decided, why, the fetch.
int Url(const AuditOptions& o) {
  int code = kExitOk;
  auto l = OpenLedger(o, "url", &code);
  if (!l) return code;
  auto hits = l->FindUrlPrefix(o.url);
  if (!hits.ok()) {
    std::cerr << "moisson audit url: " << hits.status().message() << "\n";
    return kExitFailed;
  }
  int n = 0;
  for (const auto& h : hits.value()) {
    if (h.url != o.url) continue;
    ++n;
    if (o.json) {
      std::cout << report::HitJson(h) << "\n";
    } else {
      std::cout << h.row << "\t" << h.considered_at << "\t" << h.decision << "\t"
                << (h.reasons.empty() ? "-" : Join(h.reasons, ',')) << "\t"
                << (h.fetched ? "HTTP " + std::to_string(h.http_status) : std::string("not fetched")) << "\t"
                << (h.signal.empty() ? "-" : h.signal) << "\n";
    }
  }
  if (n == 0) {
    std::cerr << "moisson audit url: no row for this URL\n";
    return kExitFailed;
  }
  return kExitOk;
}

int Verify(const AuditOptions& o) {
  int code = kExitOk;
  std::string path;
  auto l = OpenLedger(o, "verify", &code, &path);
  if (!l) return code;
  auto rep = l->VerifyChain();
  if (!rep.ok()) {
    std::cerr << "moisson audit verify: " << rep.status().message() << "\n";
    return kExitFailed;
  }
  if (!rep->ok) {
    std::cout << path << ": chain broken after checking " << rep->rows << " rows: " << rep->problem << "\n";
    return kExitFailed;
  }
  std::cout << path << ": " << rep->rows << " rows, hash chain intact";
  if (rep->purged > 0) std::cout << " (and " << rep->purged << " purged rows, linked through their checkpoints)";
  if (!rep->head.empty()) std::cout << "; head " << rep->head;
  std::cout << "\n";
  return kExitOk;
}

}  // namespace

void AddAuditCommands(CLI::App* app, const GlobalOptions* global, Runner* run) {
  auto o = std::make_shared<AuditOptions>();
  o->global = global;
  CLI::App* audit = app->add_subcommand("audit", "Check and report on the provenance ledger");
  audit->require_subcommand(1);
  CLI::App* v = audit->add_subcommand(
      "verify",
      "Recompute the ledger's hash chain and check the per-reason counts against it: names the first edited, "
      "removed or moved row (exit 1)");
  v->add_option("--ledger", o->ledger, "provenance ledger (default: [project] ledger)");
  v->callback([o, run] { *run = [o] { return Verify(*o); }; });
  CLI::App* s = audit->add_subcommand(
      "sites", "Per registrable domain: list categories, first and last time, counts; never a URL (CNIL R9)");
  s->add_option("--ledger", o->ledger, "provenance ledger (default: [project] ledger)");
  s->add_option("--format", o->format, "csv (default), json (one object per line) or md")
      ->check(CLI::IsMember({"csv", "json", "md"}))
      ->option_text("csv|json|md");
  s->callback([o, run] { *run = [o] { return Sites(*o); }; });
  CLI::App* u = audit->add_subcommand("url", "Every ledger row of one URL: time, decision, reasons, fetch, signal");
  u->add_option("url", o->url, "the URL, as recorded")->required();
  u->add_option("--ledger", o->ledger, "provenance ledger (default: [project] ledger)");
  u->add_flag("--json", o->json, "one JSON object per row");
  u->callback([o, run] { *run = [o] { return Url(*o); }; });
}

}  // namespace moisson::cli
