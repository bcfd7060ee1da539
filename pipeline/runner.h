// The parallel runner of `scan` and `filter`: one reader thread streams
// records from the inputs in batches, worker threads run the Processor, and
// the calling thread receives the documents back in input order.
//
// Memory is bounded: at most a few batches per worker are in flight (plus
// 8 bytes per document for the id check below).
//
// Record ids are unique in a run and stable across re-runs of the same
// inputs in the same order. A document keeps its input's id (JSONL id field,
// WARC-Record-ID) the first time the run sees it. A document without one,
// or whose id the run has already given out, gets an id from its source
// file's name and its position: "forum.jsonl:12" (JSONL line 12),
// "pages.warc.gz@4711" (the WARC record at byte 4711), with "~2", "~3"...
// appended in the rare case that is taken too (the same file name in two
// folders). A repeated input id is counted (RunSummary::repeated_ids) and
// reported by file and offset, never merged: rights requests find records
// by id and text digest, so two documents must never share an id.
#ifndef MOISSON_PIPELINE_RUNNER_H_
#define MOISSON_PIPELINE_RUNNER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/status.h"
#include "io/record.h"
#include "pipeline/processor.h"

namespace moisson::pipeline {

struct Progress {
  std::uint64_t bytes_read = 0;   // compressed bytes consumed
  std::uint64_t bytes_total = 0;  // sum of the input file sizes
  std::uint64_t documents = 0;    // documents delivered so far
  double seconds = 0;
};

// What one input gave.
struct InputStats {
  std::string path;
  std::uint64_t documents = 0;   // records read and processed
  std::uint64_t skipped = 0;     // records that could not be read (any reason)
  std::uint64_t no_text = 0;     // of which: a JSONL line without the text field
  std::uint64_t damaged = 0;     // of which: a corrupt or truncated compressed stream
};

struct RunOptions {
  int threads = 0;     // worker threads; 0 = one per core
  // When set and true (a signal handler sets it), the run stops at the next
  // record and RunPipeline returns Status::Interrupted.
  const std::atomic<bool>* cancel = nullptr;
  bool dedup = false;  // later copies of an already kept text are dropped ("duplicate")
  // Called on the calling thread, in input order. A non-ok Status stops the run.
  std::function<Status(const ProcessedDocument&)> on_document;
  // Called on the calling thread once the last document of an input has gone
  // to on_document (an input without documents too), with what that input
  // gave: where a run that writes shards makes them durable and records the
  // input as finished (`filter --resume`). A non-ok Status stops the run.
  std::function<Status(const InputStats&)> on_input_done;
  // Called on the calling thread about every `progress_interval_ms`, and once at the end.
  std::function<void(const Progress&)> on_progress;
  int progress_interval_ms = 200;
  std::size_t batch_records = 256;
  std::size_t batch_bytes = 4u << 20;
};

struct RunSummary {
  std::uint64_t documents = 0;
  std::uint64_t kept = 0;
  std::uint64_t modified = 0;
  std::uint64_t dropped = 0;
  std::uint64_t input_bytes = 0;   // compressed bytes of the inputs
  std::uint64_t skipped_records = 0;
  std::vector<std::string> skip_messages;  // the first few, "FILE: offset N: what"
  std::vector<InputStats> inputs;          // one per input, in order
  std::uint64_t repeated_ids = 0;          // documents whose input id the run had already given out
  std::uint64_t uncovered_language = 0;    // documents in a language the sensitive/minor detectors do not read
  std::uint64_t metadata_withheld = 0;     // input fields not carried into metadata for a finding in them
  // With a site-policy store (`--sites`): the origins it knows (-1: no
  // store), the documents judged against it, those of an unknown origin.
  std::int64_t sites_origins = -1;
  std::uint64_t sites_judged = 0;
  std::uint64_t sites_unknown = 0;
  std::vector<std::string> repeated_id_messages;  // the first few, "FILE: offset N: ..."
  std::map<std::string, std::uint64_t> dropped_by_reason;  // a document counts once per reason
  std::map<std::string, std::uint64_t> detections_by_category;
  double seconds = 0;
};
inline constexpr std::size_t kMaxSkipMessages = 20;

// What a run does to each document after the Processor, in input order:
// makes its id unique in the run (see the top of this file), drops a later
// copy of an already kept text when `dedup` ("duplicate"), and counts it in
// the summary. RunPipeline uses one; so does anything else that hands
// documents out in order (the Python module's Chain.filter), so both give
// the same ids and the same drops.
class RunSequencer {
 public:
  explicit RunSequencer(bool dedup) : dedup_(dedup) {}
  void Admit(ProcessedDocument* doc, RunSummary* summary);

 private:
  bool dedup_;
  std::unordered_set<std::string> seen_;  // SHA-256 of kept texts
  // Ids given out in this run, by a 64-bit hash (8 bytes a document). A
  // collision only makes a fresh id look taken: the document then gets its
  // position id, which is still unique.
  std::unordered_set<std::uint64_t> ids_;
};

// Reads every input in order ("-" is standard input). An input that cannot
// be opened or read stops the run with its error (records already delivered
// stay delivered; the caller must not commit its outputs). Malformed records
// are skipped and counted in the summary, per input: whether that loss is
// acceptable is the caller's decision (CheckLoss). A run stopped through
// RunOptions::cancel returns Status::Interrupted.
Result<RunSummary> RunPipeline(const Processor& processor, const std::vector<std::string>& inputs,
                               const io::ReaderOptions& reader_options, const RunOptions& options);

// How much loss a run accepts (`--max-skipped`, `--allow-empty`). Default:
// none. `max_count` bounds the skipped records of the whole run; `max_rate`
// (0..1, when >= 0) bounds the share of skipped records of each input and of
// the run. An input that yields no document fails unless `allow_empty`.
struct LossLimit {
  std::uint64_t max_count = 0;
  double max_rate = -1;
  bool allow_empty = false;
};

// Parses `--max-skipped`: "N" (records) or "P%" (a rate, 0 to 100).
Result<LossLimit> ParseLossLimit(std::string_view text);

// Ok when the run's losses are within `limit`; otherwise an error naming
// the first input over it and what to do (the field and --text-field when
// no line had the text field).
Status CheckLoss(const RunSummary& summary, const LossLimit& limit, std::string_view text_field);

}  // namespace moisson::pipeline

#endif  // MOISSON_PIPELINE_RUNNER_H_
