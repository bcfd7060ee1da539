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
#include "cli/ledger_reports.h"
#include "core/json.h"
#include "io/jsonl_records.h"
#include "io/warc_records.h"

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

// Does the JSONL file hold at least one record?
Result<bool> HasRecords(const std::string& path) {
  bool any = false;
  // The first record is enough: the callback stops the read there.
  Status st = io::ForEachJsonlRecord(path, [&](std::string_view, const io::RecordKey&) {
    any = true;
    return Status::Internal("stop");
  });
  if (!st.ok() && !any) return st;
  return any;
}

int Purge(const PurgeOptions& o) {
  Config config;
  if (!LoadConfigOrReport(*o.global, &config)) return kExitUsage;
  const int days = o.older_than > 0 ? o.older_than : config.project.retention_days;
  if (days <= 0) return Fail("how old is too old? give --older-than DAYS or set [project] retention_days", kExitUsage);
  const std::string before = IsoUtc(std::time(nullptr) - static_cast<std::time_t>(days) * 86400);
  const std::string ledger_path = !o.ledger.empty() ? o.ledger : config.project.ledger;
  auto ledger = OpenExistingLedger(ledger_path);
  if (!ledger.ok()) return Fail(ledger.status().message(), LedgerOpenExitCode(ledger.status()));
  auto rows = (*ledger)->RowsBefore(before);
  if (!rows.ok()) return Fail(rows.status().message(), kExitFailed);
  if (auto n = ForgetUncommittedOutputs(**ledger, &*rows); !n.ok()) return Fail(n.status().message(), kExitFailed);

  std::map<std::string, io::RecordSelection> by_file;
  std::set<std::string> sites;
  for (const auto& h : *rows) {
    sites.insert(h.site);
    if (h.output_file.empty() || h.output_id.empty()) continue;
    by_file[UnderRoot(o.root, h.output_file)].Add(h.output_id, h.content_sha256);
  }

  std::uint64_t removed = 0, other_content = 0;
  std::size_t rewritten = 0, deleted = 0, missing = 0;
  for (const auto& entry : by_file) {
    const std::string& file = entry.first;
    const io::RecordSelection& records = entry.second;
    if (access(file.c_str(), F_OK) != 0) {
      ++missing;
      continue;
    }
    if (o.dry_run) {
      auto n = io::CountJsonlRecords(file, records);
      if (!n.ok()) return Fail(n.status().message(), kExitFailed);
      std::cout << "would remove " << n->removed << " record" << (n->removed == 1 ? "" : "s") << " from " << file
                << "\n";
      removed += n->removed;
      other_content += n->other_content;
      continue;
    }
    auto counted = io::RemoveJsonlRecords(file, records);
    if (!counted.ok()) {
      return Fail(counted.status().message() + " (nothing was purged from the ledger: run the purge again)", kExitFailed);
    }
    const std::uint64_t n = counted->removed;
    other_content += counted->other_content;
    removed += n;
    rewritten += n > 0;
    auto any = HasRecords(file);
    if (!any.ok()) return Fail(any.status().message(), kExitFailed);
    if (!*any) {
      if (::unlink(file.c_str()) != 0) return Fail(file + ": cannot delete the emptied output", kExitFailed);
      ++deleted;
    }
    std::cout << "removed " << n << " record" << (n == 1 ? "" : "s") << " from " << file
              << (*any ? "" : " (now empty: deleted)") << "\n";
  }

  // The WARC files of a `crawl --warc` beside those outputs: the old pages'
  // request and response records go too, by URL. One a crawl may still
  // append to (".partial") is refused before the ledger is touched.
  std::vector<std::string> partial;
  const auto warcs = WarcTargets(*rows, [&](const std::string& f) { return UnderRoot(o.root, f); }, &partial);
  if (!partial.empty() && !o.dry_run) {
    for (const auto& f : partial) std::cerr << "moisson purge: a crawl is still writing " << f << "\n";
    return Fail("finish (crawl --resume) or abandon that crawl, then run the purge again (nothing was purged from the "
                "ledger)",
                kExitFailed);
  }
  std::uint64_t warc_removed = 0;
  for (const auto& [file, urls] : warcs) {
    if (o.dry_run) {
      std::cout << "would remove the records of up to " << urls.size() << " page" << (urls.size() == 1 ? "" : "s")
                << " from " << file << "\n";
      continue;
    }
    auto n = io::RemoveWarcRecords(file, urls);
    if (!n.ok()) return Fail(n.status().message() + " (nothing was purged from the ledger: run the purge again)", kExitFailed);
    warc_removed += *n;
    if (*n > 0) std::cout << "removed " << *n << " WARC record" << (*n == 1 ? "" : "s") << " from " << file << "\n";
  }

  if (other_content > 0) {
    std::cout << "left in place: " << other_content << " output record" << (other_content == 1 ? "" : "s")
              << " under an id of these rows but with another text (records are matched by id and text digest, "
                 "never by id alone)\n";
  }
  const std::int64_t n_rows = static_cast<std::int64_t>(rows->size());
  if (o.dry_run) {
    std::cout << "dry run: " << n_rows << " ledger row" << (n_rows == 1 ? "" : "s") << " from " << sites.size()
              << " site" << (sites.size() == 1 ? "" : "s") << " considered before " << before << " (" << days
              << " days), " << removed << " output record" << (removed == 1 ? "" : "s") << " in " << by_file.size()
              << " file" << (by_file.size() == 1 ? "" : "s")
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
            << (warcs.empty() ? std::string() : " and " + std::to_string(warc_removed) + " WARC records")
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
