// moisson purge: retention (CNIL fiche 7; docs/ledger.md, "Retention").
// Output records and ledger rows considered more than N days ago are
// removed; the ledger keeps, for each stretch of rows removed, a checkpoint
// of the hash chain so that `audit verify` still proves the rows that remain,
// and records the purge itself as a run with its counts.
//
// Order: outputs first, then the ledger. A purge interrupted in between is
// finished by running it again (the ledger still lists the rows; records
// already gone from the outputs are simply not found again).
#include <unistd.h>

#include <ctime>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <unordered_set>

#include "audit/ledger.h"
#include "cli/commands.h"
#include "report/facts.h"
#include "core/json.h"
#include "rights/outputs.h"

namespace moisson::cli {
namespace {

struct PurgeOptions {
  const GlobalOptions* global = nullptr;
  int older_than = 0;
  std::string ledger, root;
  bool dry_run = false;
};

int Fail(const std::string& msg, int code) {
  std::cerr << "moisson purge: " << msg << "\n";
  return code;
}

std::string IsoUtc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int Purge(const PurgeOptions& o) {
  Config config;
  if (!LoadConfigOrReport(*o.global, &config)) return kExitUsage;
  const int days = o.older_than > 0 ? o.older_than : config.project.retention_days;
  if (days <= 0) return Fail("how old is too old? give --older-than DAYS or set [project] retention_days", kExitUsage);
  const std::string before = IsoUtc(std::time(nullptr) - static_cast<std::time_t>(days) * 86400);
  const std::string ledger_path = !o.ledger.empty() ? o.ledger : config.project.ledger;
  auto ledger = report::OpenExistingLedger(ledger_path);
  if (!ledger.ok()) return Fail(ledger.status().message(), LedgerOpenExitCode(ledger.status()));
  auto rows = (*ledger)->RowsBefore(before);
  if (!rows.ok()) return Fail(rows.status().message(), kExitFailed);
  if (auto n = report::ForgetUncommittedOutputs(**ledger, &*rows); !n.ok()) return Fail(n.status().message(), kExitFailed);

  std::set<std::string> sites;
  for (const auto& h : *rows) sites.insert(h.site);

  // Outputs first (JSONL records by id and text digest, the crawl's WARC
  // records by URL), then the ledger: nothing of the ledger goes while an
  // output still holds its records.
  rights::RemovalOptions ro;
  ro.dry_run = o.dry_run;
  ro.delete_emptied = true;
  auto report = rights::RemoveFromOutputs(*rows, rights::OutputLocator(o.root), ro);
  if (!report.ok()) {
    return Fail(report.status().message() + " (nothing was purged from the ledger: run the purge again)", kExitFailed);
  }
  if (!report->still_written.empty() && !o.dry_run) {
    for (const auto& f : report->still_written) std::cerr << "moisson purge: a crawl is still writing " << f << "\n";
    return Fail("finish (crawl --resume) or abandon that crawl, then run the purge again (nothing was purged from the "
                "ledger)",
                kExitFailed);
  }
  for (const auto& f : report->outputs) {
    if (o.dry_run) {
      std::cout << "would remove " << f.removed << " record" << (f.removed == 1 ? "" : "s") << " from " << f.file << "\n";
    } else {
      std::cout << "removed " << f.removed << " record" << (f.removed == 1 ? "" : "s") << " from " << f.file
                << (f.deleted ? " (now empty: deleted)" : "") << "\n";
    }
  }
  for (const auto& f : report->warcs) {
    if (o.dry_run) {
      std::cout << "would remove the records of up to " << f.removed << " page" << (f.removed == 1 ? "" : "s")
                << " from " << f.file << "\n";
    } else if (f.removed > 0) {
      std::cout << "removed " << f.removed << " WARC record" << (f.removed == 1 ? "" : "s") << " from " << f.file << "\n";
    }
  }
  const std::uint64_t removed = report->removed, other_content = report->other_content;
  const std::uint64_t warc_removed = report->warc_removed;
  const std::size_t missing = report->missing.size();
  std::size_t rewritten = 0, deleted = 0;
  for (const auto& f : report->outputs) {
    rewritten += f.removed > 0;
    deleted += f.deleted;
  }
  const std::size_t files = report->outputs.size() + missing;

  if (other_content > 0) {
    std::cout << "left in place: " << other_content << " output record" << (other_content == 1 ? "" : "s")
              << " under an id of these rows but with another text (records are matched by id and text digest, "
                 "never by id alone)\n";
  }
  const std::int64_t n_rows = static_cast<std::int64_t>(rows->size());
  if (o.dry_run) {
    std::cout << "dry run: " << n_rows << " ledger row" << (n_rows == 1 ? "" : "s") << " from " << sites.size()
              << " site" << (sites.size() == 1 ? "" : "s") << " considered before " << before << " (" << days
              << " days), " << removed << " output record" << (removed == 1 ? "" : "s") << " in " << files
              << " file" << (files == 1 ? "" : "s")
              << (missing ? " (" + std::to_string(missing) + " already gone)" : std::string()) << "; nothing changed\n";
    return kExitOk;
  }
  // The purge is itself logged in the ledger: a run with its counts.
  auto run = (*ledger)->BeginRun("purge", "-");
  if (!run.ok()) return Fail(run.status().message(), kExitFailed);
  auto purged = (*ledger)->Purge(before);
  if (!purged.ok()) return Fail(purged.status().message(), kExitFailed);
  JsonWriter w;
  w.BeginObject()
      .Key("before").String(before)
      .Key("retention_days").Int(days)
      .Key("ledger_rows").Int(*purged)
      .Key("output_records").Int(static_cast<std::int64_t>(removed))
      .Key("files_rewritten").Int(static_cast<std::int64_t>(rewritten))
      .Key("files_deleted").Int(static_cast<std::int64_t>(deleted))
      .Key("files_already_gone").Int(static_cast<std::int64_t>(missing))
      .Key("other_records_left").Int(static_cast<std::int64_t>(other_content))
      .Key("warc_records").Int(static_cast<std::int64_t>(warc_removed))
      .EndObject();
  const std::string summary = w.Take();
  if (Status st = (*ledger)->EndRun(*run, summary); !st.ok()) return Fail(st.message(), kExitFailed);
  std::cout << "purged " << *purged << " ledger row" << (*purged == 1 ? "" : "s") << " considered before " << before
            << " (" << days << " days) and " << removed << " output record" << (removed == 1 ? "" : "s") << " ("
            << rewritten << " file" << (rewritten == 1 ? "" : "s") << " rewritten, " << deleted << " deleted"
            << (missing ? ", " + std::to_string(missing) + " already gone" : std::string()) << ")"
            << (report->warcs.empty() ? std::string() : " and " + std::to_string(warc_removed) + " WARC records")
            << "; the hash chain keeps checkpoints for them: run 'moisson audit verify'\n";
  return kExitOk;
}

}  // namespace

void AddPurgeCommand(CLI::App* app, const GlobalOptions* global, Runner* run) {
  auto o = std::make_shared<PurgeOptions>();
  o->global = global;
  CLI::App* c = app->add_subcommand(
      "purge", "Delete output records and ledger rows past the retention period, keeping the chain's checkpoints");
  c->add_option("--older-than", o->older_than, "days (default: [project] retention_days)")->check(CLI::Range(1, 36500));
  c->add_flag("--dry-run", o->dry_run, "say what would go, change nothing");
  c->add_option("--ledger", o->ledger, "provenance ledger (default: [project] ledger)");
  c->add_option("--root", o->root, "directory the ledger's relative output paths are under (default: here)");
  c->callback([o, run] { *run = [o] { return Purge(*o); }; });
}

}  // namespace moisson::cli
