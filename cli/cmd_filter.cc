// moisson scan | filter: the filter chain over existing dumps (SPEC §3, §6).
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "audit/ledger.h"
#include "blocklists/defaults.h"
#include "blocklists/optout.h"
#include "blocklists/site_list.h"
#include "cli/commands.h"
#include "cli/stop_signals.h"
#include "cli/parts.h"
#include "pipeline/chain.h"
#include "pipeline/provenance.h"
#include "core/file_util.h"
#include "core/json.h"
#include "core/keyed_hash.h"
#include "core/time_util.h"
#include "filters/detector.h"
#include "io/input_list.h"
#include "io/record.h"
#include "pipeline/processor.h"
#include "pipeline/runner.h"
#include "pipeline/shards.h"
#include "policy/policy.h"

namespace moisson::cli {
namespace {

using filters::Action;
using pipeline::ProcessedDocument;
using filters::Verdict;

struct FilterOptions {
  const GlobalOptions* global = nullptr;
  bool scan = false;
  std::vector<std::string> inputs;
  std::string output;
  std::string rejects;
  std::string key;
  std::string registry;
  std::string snapshot;
  std::string sites;
  std::string unknown_sites;
  std::string ledger;
  int threads = 0;
  std::string max_skipped;
  bool allow_empty = false;
  bool dedup = false;
  bool no_dedup = false;
  bool quiet = false;
  bool progress = false;
  bool no_progress = false;
  // JSONL field names; empty = config.
  std::string text_field, id_field, url_field, date_field, lang_field, html_field;
  // Many inputs, many ranks (docs/scaling.md).
  std::string inputs_from, base_url, glob;
  std::string attributes;
  int rank = -1, world_size = -1;
  bool resume = false;
  double shard_mib = 0;
  bool no_metadata = false;
  std::string metadata_fields;
  int http_retries = -1;
};

// Which share of the inputs this process takes: --rank/--world-size, else a
// Slurm array task's (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN of
// SLURM_ARRAY_TASK_COUNT), else the whole list.
// The flags' share, else a Slurm array task's, else rank 0 of 1.
Result<RankShare> ShareFor(const FilterOptions& o) {
  if (o.rank >= 0 || o.world_size >= 0) return RankFromFlags(o.rank, o.world_size);
  RankShare s;
  const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
  const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
  if (id == nullptr || count == nullptr) return s;
  const char* min = std::getenv("SLURM_ARRAY_TASK_MIN");
  char* end = nullptr;
  const long i = std::strtol(id, &end, 10);
  const bool id_ok = *id != '\0' && *end == '\0';
  const long n = std::strtol(count, &end, 10);
  const bool n_ok = *count != '\0' && *end == '\0';
  const long m = min != nullptr ? std::strtol(min, &end, 10) : 0;
  if (!id_ok || !n_ok || n < 1 || i - m < 0 || i - m >= n) {
    return Status::InvalidArgument("SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_MIN/SLURM_ARRAY_TASK_COUNT do not name a "
                                   "task of a contiguous array (--array=0-N); give --rank and --world-size");
  }
  s.rank = static_cast<std::uint32_t>(i - m);
  s.world_size = static_cast<std::uint32_t>(n);
  s.from = "Slurm";
  return s;
}

// "-o DIR/": a folder of shards rather than one file.
bool IsShardFolder(const FilterOptions& o) {
  if (o.output.empty() || o.output == "-") return false;
  if (o.output.back() == '/' || o.shard_mib > 0) return true;
  struct stat sb;
  return ::stat(o.output.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode);
}

// An input as the ledger and the manifest name it, one name per input: a
// file by its resolved path (data/x.jsonl and ./x.jsonl are one file); a URL
// as shown (no credentials, no query), followed by "#q" and a digest of the
// whole URL when it had more (two URLs differing by their query are two
// inputs, and no token is kept).
std::string InputName(const std::string& input) {
  if (io::IsHttpUrl(input)) {
    std::string shown = io::DisplayUrl(input);
    if (shown.size() != input.size()) shown += "#q" + Sha256Hex(input).substr(0, 16);
    return shown;
  }
  if (input == "-") return input;
  char* real = ::realpath(input.c_str(), nullptr);
  if (real == nullptr) return input;
  std::string r(real);
  std::free(real);
  return r;
}

std::string HumanBytes(double b) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB"};
  int u = 0;
  while (b >= 1000 && u < 4) {
    b /= 1000;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, u == 0 ? "%.0f %s" : "%.1f %s", b, units[u]);
  return buf;
}

// The progress bar on a terminal: bytes, documents/s, ETA.
void DrawProgress(const char* cmd, const pipeline::Progress& p) {
  const double frac = p.bytes_total > 0 ? std::min(1.0, double(p.bytes_read) / double(p.bytes_total)) : 0.0;
  const int width = 24;
  const int filled = static_cast<int>(frac * width);
  std::string bar(filled, '#');
  bar.append(width - filled, '.');
  const double rate = p.seconds > 0 ? p.documents / p.seconds : 0;
  const double bps = p.seconds > 0 ? p.bytes_read / p.seconds : 0;
  std::string eta = "--:--";
  if (bps > 0 && p.bytes_total > p.bytes_read) {
    const long s = std::lround((p.bytes_total - p.bytes_read) / bps);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
    eta = buf;
  } else if (frac >= 1.0) {
    eta = "0:00";
  }
  std::fprintf(stderr, "\r%s [%s] %3.0f%%  %s / %s  %.0f docs/s  ETA %s ", cmd, bar.c_str(), frac * 100,
               HumanBytes(p.bytes_read).c_str(), HumanBytes(p.bytes_total).c_str(), rate, eta.c_str());
  std::fflush(stderr);
}

// Progress where it cannot be redrawn (not a terminal): one plain line.
void ProgressLine(const char* cmd, const pipeline::Progress& p) {
  if (p.seconds < 10) return;  // a short run: the summary says it all
  const double frac = p.bytes_total > 0 ? std::min(1.0, double(p.bytes_read) / double(p.bytes_total)) : 0.0;
  std::fprintf(stderr, "moisson %s: %.0f%%, %s of %s, %llu documents in %.0f s\n", cmd, frac * 100,
               HumanBytes(p.bytes_read).c_str(), HumanBytes(p.bytes_total).c_str(),
               static_cast<unsigned long long>(p.documents), p.seconds);
  std::fflush(stderr);
}

void PrintSummary(std::ostream& os, const char* cmd, const pipeline::RunSummary& s) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s: %llu documents, %s in %.2f s (%s/s)\n", cmd,
                static_cast<unsigned long long>(s.documents), HumanBytes(s.input_bytes).c_str(), s.seconds,
                HumanBytes(s.seconds > 0 ? s.input_bytes / s.seconds : 0).c_str());
  os << buf;
  auto row = [&](const std::string& label, std::uint64_t n, int indent) {
    std::snprintf(buf, sizeof buf, "%*s%-*s %10llu\n", indent, "", 34 - indent, label.c_str(),
                  static_cast<unsigned long long>(n));
    os << buf;
  };
  row("in", s.documents, 2);
  row("kept", s.kept, 2);
  row("modified", s.modified, 2);
  row("dropped", s.dropped, 2);
  for (const auto& [reason, n] : s.dropped_by_reason) row(reason, n, 4);
  if (s.skipped_records > 0) row("unreadable records (skipped)", s.skipped_records, 2);
  if (s.repeated_ids > 0) row("repeated input ids (new ids given)", s.repeated_ids, 2);
  if (s.uncovered_language > 0) row("not French or English (lang.uncovered)", s.uncovered_language, 2);
  if (s.metadata_withheld > 0) row("metadata fields withheld (a finding)", s.metadata_withheld, 2);
  if (s.sites_origins >= 0) {
    row("judged by their site's files", s.sites_judged - s.sites_unknown, 2);
    row("site unknown (sites.unknown)", s.sites_unknown, 2);
  }
  if (!s.detections_by_category.empty()) {
    os << "  detections\n";
    for (const auto& [cat, n] : s.detections_by_category) row(cat, n, 4);
  }
}

int Fail(const char* cmd, const std::string& msg, int code) {
  std::cerr << "moisson " << cmd << ": " << msg << "\n";
  return code;
}

// SIGINT and SIGTERM stop the run at the next record (cli/stop_signals.h):
// outputs are not committed (their temporary files go), the ledger run is
// marked "interrupted", and the exit code is 128 + the signal.

// Before anything is read or created: every input exists and is a file (or
// "-"), none is given twice, and no output is one of the inputs.
int CheckPaths(const char* cmd, const FilterOptions& o) {
  std::vector<std::pair<dev_t, ino_t>> seen;
  bool stdin_seen = false;
  for (std::size_t i = 0; i < o.inputs.size(); ++i) {
    const std::string& in = o.inputs[i];
    if (in == "-") {
      if (stdin_seen) return Fail(cmd, "standard input ('-') is given twice", kExitUsage);
      stdin_seen = true;
      continue;
    }
    if (io::IsHttpUrl(in)) {
      for (std::size_t j = 0; j < i; ++j) {
        if (o.inputs[j] == in) return Fail(cmd, io::DisplayUrl(in) + ": given twice: give each input once", kExitUsage);
      }
      continue;
    }
    struct stat sb;
    if (::stat(in.c_str(), &sb) != 0) return Fail(cmd, in + ": no such file", kExitUsage);
    if (S_ISDIR(sb.st_mode)) return Fail(cmd, in + ": is a directory", kExitUsage);
    for (std::size_t j = 0; j < seen.size(); ++j) {
      if (seen[j] == std::make_pair(sb.st_dev, sb.st_ino)) {
        return Fail(cmd, in + ": given twice (the same file as an earlier input): give each input once", kExitUsage);
      }
    }
    seen.emplace_back(sb.st_dev, sb.st_ino);
  }
  if (IsShardFolder(o)) {
    // A folder of shards: no input may be read from inside it (a second run
    // over a parent folder would take the first run's shards for dumps).
    for (const std::string* dir : {&o.output, &o.rejects}) {
      if (dir->empty()) continue;
      struct stat sb;
      if (::stat(dir->c_str(), &sb) == 0 && !S_ISDIR(sb.st_mode)) {
        return Fail(cmd, *dir + ": is a file; with -o DIR/, --rejects is a folder too (it may be the same)", kExitUsage);
      }
      char* real_dir = ::realpath(dir->c_str(), nullptr);
      if (real_dir == nullptr) continue;  // created later: nothing is in it yet
      const std::string d = std::string(real_dir) + "/";
      std::free(real_dir);
      for (const std::string& in : o.inputs) {
        if (in == "-" || io::IsHttpUrl(in)) continue;
        char* real_in = ::realpath(in.c_str(), nullptr);
        if (real_in == nullptr) continue;
        const bool inside = std::string(real_in).starts_with(d);
        std::free(real_in);
        if (inside) return Fail(cmd, in + ": is inside the output folder " + *dir + ": read outputs from elsewhere", kExitUsage);
      }
    }
    return kExitOk;
  }
  for (const std::string* out : {&o.output, &o.rejects}) {
    if (out->empty() || *out == "-") continue;
    if (auto target = ResolveOutput(*out); !target.ok()) return Fail(cmd, target.status().message(), kExitUsage);
    for (const std::string& in : o.inputs) {
      if (in != "-" && SameFile(in, *out)) {
        return Fail(cmd, *out + ": is also an input: writing it would destroy what is being read", kExitUsage);
      }
    }
  }
  if (o.output == "-" && o.rejects == "-") {
    return Fail(cmd, "-o and --rejects cannot both be standard output", kExitUsage);
  }
  if (!o.output.empty() && o.output == o.rejects) {
    return Fail(cmd, "-o and --rejects name the same file", kExitUsage);
  }
  return kExitOk;
}

int Run(const FilterOptions& given) {
  FilterOptions o = given;
  const char* cmd = o.scan ? "scan" : "filter";
  Config config;
  if (!LoadConfigOrReport(*o.global, &config)) return kExitUsage;

  // The inputs: files, folders, URLs, lists; then this rank's share.
  io::InputListOptions lo;
  lo.args = o.inputs;
  lo.inputs_from = o.inputs_from;
  lo.base_url = o.base_url;
  lo.glob = o.glob;
  if (!o.base_url.empty() && o.inputs_from.empty()) return Fail(cmd, "--base-url: it applies to --inputs-from's lines; give the list", kExitUsage);
  if (o.inputs_from == "-" && std::find(o.inputs.begin(), o.inputs.end(), "-") != o.inputs.end()) {
    return Fail(cmd, "standard input cannot be both an input and --inputs-from", kExitUsage);
  }
  auto all_inputs = io::ExpandInputs(lo);
  if (!all_inputs.ok()) return Fail(cmd, all_inputs.status().message(), kExitUsage);
  auto share = ShareFor(o);
  if (!share.ok()) return Fail(cmd, share.status().message(), kExitUsage);
  const bool sharded = IsShardFolder(o);
  if (share->world_size > 1 && !sharded) {
    return Fail(cmd, "a run split in ranks writes a folder of shards: give -o DIR/", kExitUsage);
  }
  if (!o.attributes.empty() && (!sharded || o.scan)) {
    return Fail(cmd, "--attributes: give -o DIR/ (attribute files go row for row with its shards)", kExitUsage);
  }
  if (o.resume && (!sharded || o.scan)) {
    return Fail(cmd, o.scan ? "--resume: scan keeps no ledger to resume from; use filter"
                            : "--resume: give -o DIR/ (a folder of shards) to resume",
                kExitUsage);
  }
  if (share->world_size > 1 && std::find(all_inputs->begin(), all_inputs->end(), "-") != all_inputs->end()) {
    return Fail(cmd, "standard input cannot be shared between ranks", kExitUsage);
  }
  const std::size_t listed = all_inputs->size();
  o.inputs = io::ShareOf(*all_inputs, share->rank, share->world_size);
  if (int code = CheckPaths(cmd, o); code != kExitOk) return code;
  pipeline::LossLimit loss;
  if (!o.max_skipped.empty()) {
    auto l = pipeline::ParseLossLimit(o.max_skipped);
    if (!l.ok()) return Fail(cmd, l.status().message(), kExitUsage);
    loss = *l;
  }
  loss.allow_empty = o.allow_empty;

  pipeline::ChainRequest req = pipeline::ChainRequestFor(config, o.key, o.registry);
  req.require_key = !o.scan;
  if (!o.snapshot.empty()) {
    if (!req.site_lists) {
      return Fail(cmd, "--snapshot: [filters] site_lists is false in the config, so no site list would be applied",
                  kExitUsage);
    }
    req.snapshot_path = o.snapshot;
  }
  if (!o.sites.empty()) req.sites_path = o.sites;
  if (!o.unknown_sites.empty()) {
    if (req.sites_path.empty()) {
      return Fail(cmd, "--unknown-sites: no site-policy store is given (--sites, or [sites] store in the config)",
                  kExitUsage);
    }
    config.sites.unknown = o.unknown_sites;
  }
  auto chain = pipeline::Chain::Load(config, req);
  if (!chain.ok()) return Fail(cmd, chain.status().message(), kExitUsage);
  for (const std::string& w : (*chain)->warnings()) std::cerr << "moisson: warning: " << w << "\n";
  const pipeline::Processor& processor = (*chain)->processor();

  io::ReaderOptions ro = pipeline::ReaderOptionsFrom(config);
  for (auto [flag, field] : {std::pair{&o.text_field, &ro.text_field}, {&o.id_field, &ro.id_field},
                             {&o.url_field, &ro.url_field}, {&o.date_field, &ro.date_field},
                             {&o.lang_field, &ro.lang_field}, {&o.html_field, &ro.html_field}}) {
    if (!flag->empty()) *field = *flag;
  }
  if (o.no_metadata) ro.keep_metadata = false;
  if (!o.metadata_fields.empty()) {
    ro.keep_metadata = true;
    ro.metadata_fields.clear();
    std::stringstream names(o.metadata_fields);
    for (std::string f; std::getline(names, f, ',');) {
      if (!f.empty()) ro.metadata_fields.push_back(f);
    }
  }
  if (o.http_retries >= 0) ro.http.retries = o.http_retries;
  ro.http.cancel = &StopFlag();  // Ctrl-C is not kept waiting by a stalled download

  std::unique_ptr<audit::Ledger> ledger;
  std::int64_t run_id = 0;
  const std::string ledger_path = !o.ledger.empty() ? o.ledger : config.project.ledger;
  if (!o.scan) {
    auto l = OpenRunLedger(cmd, o.ledger, config);
    if (!l.ok()) return Fail(cmd, l.status().message(), kExitFailed);
    ledger = std::move(l).value();
  }

  // Outputs. One file: written aside and renamed only when the whole run
  // succeeded. A folder: shards, made durable input by input.
  std::unique_ptr<io::JsonlWriter> out, rejects;
  std::unique_ptr<pipeline::ShardedOutput> shards;
  pipeline::ShardedOutputOptions so;
  std::string output_key;
  std::vector<audit::FinishedInput> finished_here;  // scan: what this run finished (no ledger)
  std::size_t already_finished = 0;
  std::uint64_t docs_before = 0, skipped_before = 0;  // of the inputs finished by earlier runs (--max-skipped)
  if (sharded) {
    so.dir = o.output;
    while (so.dir.size() > 1 && so.dir.back() == '/') so.dir.pop_back();
    so.rejects_dir = o.rejects;
    while (so.rejects_dir.size() > 1 && so.rejects_dir.back() == '/') so.rejects_dir.pop_back();
    so.attributes_dir = o.attributes;
    while (so.attributes_dir.size() > 1 && so.attributes_dir.back() == '/') so.attributes_dir.pop_back();
    so.rank = share->rank;
    so.world_size = share->world_size;
    if (o.shard_mib > 0) so.shard_bytes = static_cast<std::uint64_t>(o.shard_mib * 1024 * 1024);
    for (const std::string* d : {&so.dir, &so.rejects_dir, &so.attributes_dir}) {
      if (d->empty()) continue;
      std::error_code ec;
      std::filesystem::create_directories(*d, ec);
      if (ec) return Fail(cmd, *d + ": cannot create the folder (" + ec.message() + ")", kExitFailed);
    }
    if (!so.attributes_dir.empty() && SameFile(so.attributes_dir, so.dir)) {
      return Fail(cmd, "--attributes: give a folder of its own (dolma keeps attributes/NAME/ beside documents/)",
                  kExitUsage);
    }
    auto key = pipeline::OutputKey(so.dir, so.rank);
    if (!key.ok()) return Fail(cmd, key.status().message(), kExitFailed);
    output_key = *key;
    std::optional<pipeline::OutputPosition> resume_at;
    if (o.resume) {
      auto done = ledger->FinishedInputs(output_key);
      if (!done.ok()) return Fail(cmd, done.status().message(), kExitFailed);
      resume_at = pipeline::OutputPosition();  // nothing finished yet: cut whatever was written
      resume_at->world_size = so.world_size;
      resume_at->with_rejects = !so.rejects_dir.empty();
      resume_at->with_attributes = !so.attributes_dir.empty();
      if (!done->empty()) {
        auto pos = pipeline::ParsePosition(done->back().position);
        if (!pos.ok()) return Fail(cmd, pos.status().message(), kExitFailed);
        if (pos->world_size != so.world_size) {
          return Fail(cmd, "--resume: " + so.dir + " was written by a run of " + std::to_string(pos->world_size) +
                               " ranks, not " + std::to_string(so.world_size) + ": resume with the same world size",
                      kExitUsage);
        }
        if (pos->with_rejects != !so.rejects_dir.empty() || pos->with_attributes != !so.attributes_dir.empty()) {
          return Fail(cmd, "--resume: " + so.dir + " was written " +
                               (pos->with_rejects ? "with" : "without") + " --rejects and " +
                               (pos->with_attributes ? "with" : "without") +
                               " --attributes: resume with the same outputs (their rows must stay aligned)",
                      kExitUsage);
        }
        resume_at = *pos;
      }
      if (done->empty()) {
        // Nothing finished according to this ledger: refuse rather than cut
        // complete shards or a manifest that another ledger (or another path
        // to the folder) vouches for. Only an unfinished first run is cut.
        for (const std::string& d : {so.dir, so.rejects_dir, so.attributes_dir}) {
          if (d.empty()) continue;
          if (const std::string name = pipeline::FinishedFileOfRank(d, so.rank); !name.empty()) {
            return Fail(cmd, "--resume: " + d + " holds " + name + " of rank " + std::to_string(so.rank) +
                                 ", but the ledger " + audit::Ledger::DisplayName(ledger_path) +
                                 " records no input finished there: give the ledger that run wrote (--ledger), "
                                 "or another folder",
                        kExitUsage);
          }
        }
      }
      std::set<std::string> names;
      for (const auto& f : *done) {
        names.insert(f.input);
        docs_before += f.documents;
        skipped_before += f.skipped;
      }
      std::vector<std::string> left;
      for (const std::string& in : o.inputs) {
        if (names.count(InputName(in))) ++already_finished;
        else left.push_back(in);
      }
      o.inputs = std::move(left);
    }
    auto w = pipeline::ShardedOutput::Open(so, resume_at);
    if (!w.ok()) {
      std::string msg = w.status().message();
      if (!o.resume && msg.find("already holds") != std::string::npos) {
        msg = so.dir + ": already holds the shards of rank " + std::to_string(so.rank) +
              " of an earlier run: --resume goes on with it, or choose another folder";
      }
      return Fail(cmd, msg, kExitFailed);
    }
    shards = std::move(w).value();
  } else {
    if (!o.output.empty()) {
      auto w = io::JsonlWriter::Create(o.output);
      if (!w.ok()) return Fail(cmd, w.status().message(), kExitFailed);
      out = std::move(w).value();
    }
    if (!o.rejects.empty()) {
      auto w = io::JsonlWriter::Create(o.rejects);
      if (!w.ok()) return Fail(cmd, w.status().message(), kExitFailed);
      rejects = std::move(w).value();
    }
  }
  if (ledger) {
    auto r = ledger->BeginRun("filter", (*chain)->key()->id());
    if (!r.ok()) return Fail(cmd, r.status().message(), kExitFailed);
    run_id = r.value();
  }
  if (!o.quiet && (share->world_size > 1 || already_finished > 0)) {
    std::cerr << "moisson " << cmd << ": rank " << share->rank << " of " << share->world_size
              << (share->from.empty() ? "" : " (from " + share->from + ")") << ": " << (o.inputs.size() + already_finished)
              << " of " << listed << " inputs";
    if (already_finished > 0) std::cerr << ", " << already_finished << " already finished (--resume)";
    std::cerr << "\n";
  }

  std::vector<audit::LedgerRow> rows;
  auto flush_rows = [&]() -> Status {
    if (!ledger || rows.empty()) return Status::Ok();
    Status st = ledger->Append(run_id, rows);
    rows.clear();
    return st;
  };
  std::string stdout_buf;
  pipeline::InputCounts input_counts;  // the current input's, for its FinishedInput
  std::uint64_t skipped_so_far = 0, docs_so_far = 0;
  pipeline::RunOptions ro_run;
  ro_run.cancel = &StopFlag();
  ro_run.threads = o.threads;
  ro_run.dedup = o.dedup || (config.filters.dedup && !o.no_dedup);
  ro_run.on_document = [&](const ProcessedDocument& doc) -> Status {
    const bool kept = doc.verdict != Verdict::kDrop;
    std::string output_file = o.scan ? std::string() : o.output;
    switch (doc.verdict) {
      case Verdict::kKeep: ++input_counts.kept; break;
      case Verdict::kModify: ++input_counts.modified; break;
      case Verdict::kDrop:
        ++input_counts.dropped;
        for (const auto& r : doc.reasons) ++input_counts.dropped_by_reason[r];
        break;
    }
    if (shards) {
      if (o.scan || kept) {
        if (Status st = shards->Write(o.scan ? pipeline::ScanJson(doc) : pipeline::OutputJson(doc)); !st.ok()) return st;
        output_file = shards->CurrentPath();
        if (Status st = shards->WriteAttributes(pipeline::AttributesJson(doc)); !st.ok()) return st;
      }
      if (!kept) {
        if (Status st = shards->WriteReject(pipeline::RejectJson(doc)); !st.ok()) return st;
      }
    } else if (o.scan) {
      const std::string line = pipeline::ScanJson(doc);
      if (out) {
        if (Status st = out->Write(line); !st.ok()) return st;
      } else {
        stdout_buf.append(line).push_back('\n');
        if (stdout_buf.size() >= (1u << 16)) {
          std::fwrite(stdout_buf.data(), 1, stdout_buf.size(), stdout);
          stdout_buf.clear();
        }
      }
    } else if (kept && out) {
      if (Status st = out->Write(pipeline::OutputJson(doc)); !st.ok()) return st;
    }
    if (!kept && rejects) {
      if (Status st = rejects->Write(pipeline::RejectJson(doc)); !st.ok()) return st;
    }
    if (ledger) {
      rows.push_back(pipeline::LedgerRowOf(doc, output_file));
      // Big batches (docs/ledger.md). With shards, an input's rows wait for
      // the input's end: they land with the mark that it is finished.
      if (!shards && rows.size() >= 16384) return flush_rows();
    }
    return Status::Ok();
  };
  if (shards) {
    ro_run.on_input_done = [&](const pipeline::InputStats& in) -> Status {
      // An input past the loss limit fails here, before it is marked finished.
      // The input's own share against P%; the whole rank's (earlier runs'
      // finished inputs too) against N and P%.
      pipeline::RunSummary one;
      one.inputs = {in};
      docs_so_far += in.documents;
      skipped_so_far += in.skipped;
      one.documents = docs_before + docs_so_far;
      one.skipped_records = skipped_before + skipped_so_far;
      if (Status st = pipeline::CheckLoss(one, loss, ro.text_field); !st.ok()) return st;
      auto pos = shards->Checkpoint();
      if (!pos.ok()) return pos.status();
      pos->counts = input_counts;
      audit::FinishedInput f;
      f.output = output_key;
      f.input = InputName(in.path);
      f.documents = in.documents;
      f.written = o.scan ? in.documents : input_counts.kept + input_counts.modified;
      f.skipped = in.skipped;
      f.position = pipeline::PositionJson(*pos);
      input_counts = pipeline::InputCounts();
      if (ledger) {
        Status st = ledger->Append(run_id, rows, &f);
        rows.clear();
        return st;
      }
      f.finished_at = UtcNowIso8601();
      finished_here.push_back(std::move(f));
      return Status::Ok();
    };
  }
  // Progress: a bar redrawn in place on a terminal; elsewhere (a log file, a
  // batch job) one plain line every 10 seconds.
  const bool show_progress = !o.quiet && !o.no_progress;
  const bool redraws = show_progress && (o.progress || isatty(STDERR_FILENO));
  if (redraws) {
    ro_run.on_progress = [cmd](const pipeline::Progress& p) { DrawProgress(cmd, p); };
  } else if (show_progress) {
    ro_run.progress_interval_ms = 10000;
    ro_run.on_progress = [cmd](const pipeline::Progress& p) { ProgressLine(cmd, p); };
  }

  StopSignals stop_signals;
  auto summary = pipeline::RunPipeline(processor, o.inputs, ro, ro_run);
  if (summary.ok() && (*chain)->sites()) summary->sites_origins = static_cast<std::int64_t>((*chain)->sites()->origins());
  if (redraws) std::fputc('\n', stderr);
  if (!stdout_buf.empty()) std::fwrite(stdout_buf.data(), 1, stdout_buf.size(), stdout);
  std::fflush(stdout);
  if (summary.ok()) {
    // What could not be read, then whether that loss is acceptable.
    const pipeline::RunSummary& s = summary.value();
    for (const auto& m : s.skip_messages) std::cerr << "moisson " << cmd << ": skipped " << m << "\n";
    if (s.skipped_records > s.skip_messages.size()) {
      std::cerr << "moisson " << cmd << ": ... " << (s.skipped_records - s.skip_messages.size())
                << " more unreadable records skipped\n";
    }
    for (const auto& m : s.repeated_id_messages) std::cerr << "moisson " << cmd << ": repeated id: " << m << "\n";
    if (s.repeated_ids > s.repeated_id_messages.size()) {
      std::cerr << "moisson " << cmd << ": ... " << (s.repeated_ids - s.repeated_id_messages.size())
                << " more repeated ids given new ones\n";
    }
  }
  // A resumed rank with every input already finished has nothing to read.
  if (summary.ok() && already_finished > 0) loss.allow_empty = true;
  Status final_status = summary.ok() ? pipeline::CheckLoss(summary.value(), loss, ro.text_field) : summary.status();
  if (summary.ok() && o.inputs.empty() && already_finished > 0) final_status = Status::Ok();
  if (final_status.ok()) final_status = flush_rows();
  if (final_status.ok() && out) final_status = out->Commit();
  if (final_status.ok() && rejects) final_status = rejects->Commit();
  if (final_status.ok() && shards) final_status = shards->Close();
  std::vector<audit::FinishedInput> manifest_inputs;
  if (final_status.ok() && shards) {
    if (ledger) {
      auto done = ledger->FinishedInputs(output_key);
      if (done.ok()) manifest_inputs = std::move(done).value();
      else final_status = done.status();
    } else {
      manifest_inputs = finished_here;
    }
    if (final_status.ok()) final_status = pipeline::WriteManifest(so, cmd, manifest_inputs);
  }
  const bool interrupted = final_status.code() == Status::Code::kInterrupted;
  if (ledger) {
    const pipeline::RunSummary empty;
    Status ended = ledger->EndRun(run_id, pipeline::RunSummaryJson(summary.ok() ? summary.value() : empty,
                                                      final_status.ok() ? "ok"
                                                      : interrupted     ? "interrupted"
                                                                        : "failed",
                                                      (*chain)->detector().model_version()));
    if (final_status.ok()) final_status = ended;
  }
  const std::string kept_note =
      shards ? "; the inputs finished are in " + so.dir + " and the ledger" + (ledger ? ": run again with --resume to go on" : "")
             : (out || rejects ? "; no output file was written" : "");
  if (interrupted) {
    const int sig = StopSignalNumber();
    Fail(cmd, std::string("stopped by ") + (sig == SIGTERM ? "SIGTERM" : "SIGINT") + kept_note +
                  (ledger ? "; the ledger run " + std::to_string(run_id) + " is marked interrupted" : ""),
         0);
    return 128 + (sig == SIGTERM ? SIGTERM : SIGINT);
  }
  if (!final_status.ok()) {
    return Fail(cmd, final_status.message() + (shards ? kept_note
                                                      : ((out || rejects) && o.output != "-" ? " (no output file was written)" : "")),
                kExitFailed);
  }
  const pipeline::RunSummary& s = summary.value();
  if (!o.quiet) {
    // Always on standard error: standard output may carry the data (-o -, scan).
    std::ostream& os = std::cerr;
    PrintSummary(os, cmd, s);
    if (shards) {
      std::uint64_t written = 0;
      for (const auto& f : manifest_inputs) written += f.written;
      os << "output: " << so.dir << "/ rank " << so.rank << " of " << so.world_size << ": " << manifest_inputs.size()
         << " inputs, " << written << " records in all runs; manifest: " << so.dir << "/"
         << pipeline::ManifestName(so.rank);
      if (ledger) os << "; ledger: " << audit::Ledger::DisplayName(ledger_path) << " (run " << run_id << ")";
      os << "\n";
    } else if (!o.scan) {
      os << "output: " << (o.output == "-" ? std::string("standard output") : o.output) << " ("
         << (s.kept + s.modified) << " records)";
      if (rejects) os << "; rejects: " << o.rejects;
      os << "; ledger: " << audit::Ledger::DisplayName(ledger_path) << " (run " << run_id << ")\n";
    }
  }
  return kExitOk;
}

struct MergeOptions {
  std::string dir;
  bool verify = false;
  bool quiet = false;
};

// `moisson merge-summary DIR`: 0 when every rank is there and holds together.
int RunMerge(const MergeOptions& o) {
  auto merged = pipeline::MergeSummaries(o.dir, o.verify);
  if (!merged.ok()) return Fail("merge-summary", merged.status().message(), kExitFailed);
  if (!o.quiet) std::cout << *merged;
  return kExitOk;
}

void AddCommon(CLI::App* c, FilterOptions* o) {
  c->add_option("inputs", o->inputs,
                "dumps: JSONL (.gz, .zst) or WARC/WET (.gz) files, folders (walked for them), http(s):// URLs; "
                "- reads standard input");
  c->add_option("--inputs-from", o->inputs_from,
                "a list of inputs, one path or URL per line (.gz allowed, e.g. Common Crawl's warc.paths.gz); - reads "
                "standard input");
  c->add_option("--base-url", o->base_url, "joined to the relative lines of --inputs-from (https://data.commoncrawl.org/)");
  c->add_option("--glob", o->glob, "inside folders, take the files whose name matches (default: the dump names)")
      ->option_text("PATTERN");
  c->add_option("--rank", o->rank, "take this share of the inputs (0-based; default: SLURM_ARRAY_TASK_ID in an array job)")
      ->check(CLI::NonNegativeNumber);
  c->add_option("--world-size", o->world_size, "how many shares the inputs are split into (default: SLURM_ARRAY_TASK_COUNT)")
      ->check(CLI::PositiveNumber);
  c->add_option("--shard-mib", o->shard_mib,
                "with -o DIR/: start a new shard past this many MiB, compressed (default 256); implies -o is a folder")
      ->check(CLI::PositiveNumber);
  c->add_flag("--no-metadata", o->no_metadata, "do not carry the inputs' other fields into the output's metadata");
  c->add_option("--metadata-fields", o->metadata_fields, "carry only these input fields into metadata (comma-separated)")
      ->option_text("A,B,...");
  c->add_option("--http-retries", o->http_retries, "attempts after the first for an http(s) input (default 5)")
      ->check(CLI::Range(0, 100));
  c->add_option("--rejects", o->rejects, "write id, URL and reasons of dropped documents here (never their text); - for standard output");
  c->add_option("--max-skipped", o->max_skipped,
                "accept this many unreadable records (N), or this share of each input and of the run (P%); "
                "default 0: any unreadable record, truncated or corrupt file fails the run")
      ->option_text("N|P%");
  c->add_flag("--allow-empty", o->allow_empty, "accept an input that yields no document (default: the run fails)");
  c->add_option("--threads", o->threads, "worker threads (default: one per core)")
      ->check(CLI::Range(1, 256))
      ->option_text("N (1-256)");
  c->add_option("--key", o->key, "project key file (default: [project] key)");
  c->add_option("--registry", o->registry, "person opt-out registry (default: [project] optout_registry)");
  c->add_option("--snapshot", o->snapshot,
                "site lists compiled by 'blocklist compile', holding exactly the [blocklists] categories "
                "(default: [blocklists] snapshot, else the lists are built at start-up)");
  c->add_option("--sites", o->sites,
                "site-policy store ('sites import', 'sites fetch'): judge each URL by its site's robots.txt, ai.txt and "
                "tdmrep.json as captured (default: [sites] store)");
  c->add_option("--unknown-sites", o->unknown_sites,
                "a URL whose site the store does not hold: flag it (sites.unknown), drop it, or keep it "
                "(default: [sites] unknown, \"flag\")")
      ->check(CLI::IsMember({"flag", "drop", "keep"}))
      ->option_text("flag|drop|keep");
  c->add_flag("--dedup", o->dedup, "drop exact duplicates (same extracted text)");
  c->add_flag("--no-dedup", o->no_dedup, "keep duplicates even if [filters] dedup = true");
  c->add_flag("-q,--quiet", o->quiet, "no progress bar and no summary");
  c->add_flag("--progress", o->progress, "redraw the progress bar even when stderr is not a terminal (default there: a line every 10 s)");
  c->add_flag("--no-progress", o->no_progress, "no progress bar or lines");
  c->add_option("--text-field", o->text_field, "JSONL field holding the text (default: [input] text_field, \"text\")");
  c->add_option("--id-field", o->id_field, "JSONL field holding the id (default \"id\")");
  c->add_option("--url-field", o->url_field, "JSONL field holding the URL (default \"url\")");
  c->add_option("--date-field", o->date_field, "JSONL field holding the date (default \"date\")");
  c->add_option("--lang-field", o->lang_field, "JSONL field holding the language (default \"lang\")");
  c->add_option("--html-field", o->html_field, "JSONL field holding HTML to extract text from");
}

}  // namespace

void AddFilterCommands(CLI::App* app, const GlobalOptions* global, Runner* run) {
  auto scan = std::make_shared<FilterOptions>();
  scan->global = global;
  scan->scan = true;
  CLI::App* s = app->add_subcommand("scan", "Print one verdict line per input document (JSON, no text)");
  AddCommon(s, scan.get());
  s->add_option("-o,--output", scan->output,
                "write the verdicts here instead of standard output (.zst compresses; - is standard output), or into "
                "a folder (DIR/) of shards with a manifest");
  s->callback([scan, run] { *run = [scan] { return Run(*scan); }; });

  auto filter = std::make_shared<FilterOptions>();
  filter->global = global;
  CLI::App* f = app->add_subcommand("filter", "Write kept and modified documents as JSONL (id, url, text and what was done to it), drop the rest, log to the ledger");
  AddCommon(f, filter.get());
  f->add_option("-o,--output", filter->output,
                "output JSONL (.zst compresses; written aside, renamed at the end; - is standard output), or a folder "
                "(DIR/) of shards part-RANK-NNNNN.jsonl.zst with a manifest")
      ->required();
  f->add_option("--ledger", filter->ledger, "provenance ledger (default: [project] ledger)");
  f->add_option("--attributes", filter->attributes,
                "with -o DIR/: dolma attribute files in this folder, one per shard under its name, row for row: "
                "the spans found, [start, end, score] in the output text, per category");
  f->add_flag("--resume", filter->resume,
              "with -o DIR/: skip the inputs the ledger records as finished for this folder and rank, cut what an "
              "unfinished one wrote, go on");
  f->callback([filter, run] { *run = [filter] { return Run(*filter); }; });

  auto merge = std::make_shared<MergeOptions>();
  CLI::App* m = app->add_subcommand(
      "merge-summary", "Check the manifests of every rank of a sharded filter or scan run and sum them into DIR/summary.json");
  m->add_option("dir", merge->dir, "the folder the ranks wrote (-o DIR/)")->required();
  m->add_flag("--verify", merge->verify, "read every shard back: its SHA-256 and record count must match its manifest");
  m->add_flag("-q,--quiet", merge->quiet, "print nothing; the exit code says");
  m->callback([merge, run] { *run = [merge] { return RunMerge(*merge); }; });
}

}  // namespace moisson::cli
