// moisson report -o report.html: one self-contained HTML page (inline CSS and
// SVG, no script, no external asset) that shows what the provenance ledger
// holds: runs, the hash chain, decisions by reason, the largest sites, the
// opt-out signals met, throughput over time, rights requests and purges
// (docs/report.md). Counts, registrable domains, reason ids and times only:
// the ledger's URLs, identifier digests and request references are read by
// nothing here but the reductions below, and never reach the page.
#include <sys/stat.h>

#include <iostream>
#include <memory>

#include "audit/ledger.h"
#include "cli/commands.h"
#include "report/facts.h"
#include "report/html.h"
#include "core/file_util.h"
#include "core/time_util.h"
#include "core/version.h"
#include "pipeline/processor.h"

namespace moisson::cli {
namespace {

struct ReportOptions {
  const GlobalOptions* global = nullptr;
  std::string output;
  std::string ledger;
  std::string title = "moisson report";
  int top = 20;
};

int Fail(const std::string& msg, int code) {
  std::cerr << "moisson report: " << msg << "\n";
  return code;
}

// True when both names are the same existing file (writing the report over
// the ledger would destroy it).
bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev &&
         sa.st_ino == sb.st_ino;
}

int Run(const ReportOptions& o) {
  Config config;
  if (!LoadConfigOrReport(*o.global, &config)) return kExitUsage;
  auto actions = filters::ActionTable::FromConfig(config);
  if (!actions.ok()) return Fail(actions.status().message(), kExitUsage);
  const std::string path = !o.ledger.empty() ? o.ledger : config.project.ledger;
  auto opened = report::OpenExistingLedger(path);
  if (!opened.ok()) return Fail(opened.status().message(), LedgerOpenExitCode(opened.status()));
  if (SameFile(o.output, path)) return Fail(o.output + ": is the ledger itself; choose another output", kExitUsage);
  const audit::Ledger& l = *opened.value();

  report::ReportInput in;
  in.title = o.title.empty() ? std::string("moisson report") : o.title;
  in.generated_at = UtcNowIso8601();
  in.version = MOISSON_VERSION;
  in.top = o.top;
  auto rows = l.RowCount();
  if (!rows.ok()) return Fail(rows.status().message(), kExitFailed);
  in.rows = rows.value();
  auto chain = l.VerifyChain();
  if (!chain.ok()) return Fail(chain.status().message(), kExitFailed);
  in.chain_ok = chain->ok;
  in.chain_rows = chain->rows;
  in.chain_purged = chain->purged;
  in.chain_problem = chain->problem;
  in.chain_head = chain->head;
  auto runs = l.Runs();
  if (!runs.ok()) return Fail(runs.status().message(), kExitFailed);
  for (const auto& r : runs.value()) in.runs.push_back({r.id, r.command, r.started_at, r.ended_at, r.moisson_version});
  auto sites = l.Sites();
  if (!sites.ok()) return Fail(sites.status().message(), kExitFailed);
  in.sites = std::move(sites).value();
  auto reasons = l.ReasonDecisionCounts();
  if (!reasons.ok()) return Fail(reasons.status().message(), kExitFailed);
  for (const auto& r : reasons.value()) {
    in.reasons.push_back({r.reason, r.kept + r.modified + r.dropped, report::ReasonEffect(r.reason, actions.value()),
                          true, r.kept, r.modified, r.dropped});
  }
  auto timeline = l.Timeline();
  if (!timeline.ok()) return Fail(timeline.status().message(), kExitFailed);
  in.timeline = std::move(timeline).value();
  // Requests: their kind and whether they are done, nothing else.
  auto requests = l.Requests();
  if (!requests.ok()) return Fail(requests.status().message(), kExitFailed);
  for (const auto& r : requests.value()) {
    auto& c = in.requests[r.kind];
    ++c.received;
    if (!r.completed_at.empty()) ++c.completed;
  }
  auto checkpoints = l.Checkpoints();
  if (!checkpoints.ok()) return Fail(checkpoints.status().message(), kExitFailed);
  for (const auto& c : checkpoints.value()) {
    ++in.checkpoints;
    in.purged_rows += c.rows;
    if (c.purged_at > in.last_purge) in.last_purge = c.purged_at;
  }

  const std::string html = report::RenderReport(in);
  if (Status st = WriteFileAtomically(o.output, html); !st.ok()) return Fail(st.message(), kExitFailed);
  std::cout << "report: " << in.rows << " rows, " << in.sites.size() << " sites, " << in.runs.size()
            << " runs; wrote " << o.output << "\n";
  return kExitOk;
}

}  // namespace

void AddReportCommand(CLI::App* app, const GlobalOptions* global, Runner* run) {
  auto o = std::make_shared<ReportOptions>();
  o->global = global;
  CLI::App* r = app->add_subcommand(
      "report", "Write a self-contained HTML report of the ledger: runs, hash chain, charts of decisions, sites, "
                "opt-out signals and throughput, rights requests, purges (no URL, no identifier)");
  r->add_option("-o,--output", o->output, "HTML file to write (atomically)")->required();
  r->add_option("--ledger", o->ledger, "provenance ledger (default: [project] ledger)");
  r->add_option("--title", o->title, "the page's title (default: \"moisson report\")");
  r->add_option("--top", o->top, "sites drawn before the rest are summed (default 20)")->check(CLI::Range(1, 1000));
  r->callback([o, run] { *run = [o] { return Run(*o); }; });
}

}  // namespace moisson::cli
