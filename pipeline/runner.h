// The parallel runner of `scan` and `filter`: one reader thread streams
// records from the inputs in batches, worker threads run the Processor, and
// the calling thread receives the documents back in input order.
//
// Memory is bounded: at most a few batches per worker are in flight.
#ifndef MOISSON_PIPELINE_RUNNER_H_
#define MOISSON_PIPELINE_RUNNER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
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

struct RunOptions {
  int threads = 0;     // worker threads; 0 = one per core
  bool dedup = false;  // later copies of an already kept text are dropped ("duplicate")
  // Called on the calling thread, in input order. A non-ok Status stops the run.
  std::function<Status(const ProcessedDocument&)> on_document;
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
  std::map<std::string, std::uint64_t> dropped_by_reason;  // a document counts once per reason
  std::map<std::string, std::uint64_t> detections_by_category;
  double seconds = 0;
};
inline constexpr std::size_t kMaxSkipMessages = 20;

// Reads every input in order. An input that cannot be opened or read stops
// the run with its error (records already delivered stay delivered; the
// caller must not commit its outputs). Malformed records are skipped and
// counted in the summary.
Result<RunSummary> RunPipeline(const Processor& processor, const std::vector<std::string>& inputs,
                               const io::ReaderOptions& reader_options, const RunOptions& options);

}  // namespace moisson::pipeline

#endif  // MOISSON_PIPELINE_RUNNER_H_
