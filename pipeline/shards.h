// The outputs of a `filter` or `scan` run written as shards into a folder
// (`-o DIR/`), one rank of many (`--rank`, Slurm arrays), with a manifest
// per rank and a merged summary of all ranks (docs/scaling.md).
//
//   DIR/part-RRRRR-NNNNN.jsonl.zst     kept records (scan: verdict lines) of rank R
//   DIR/rejects-RRRRR-NNNNN.jsonl.zst  with --rejects: id, URL, reasons of dropped ones
//   ATTR/part-RRRRR-NNNNN.jsonl.zst    with --attributes ATTR: dolma attributes, row for row
//   DIR/manifest-RRRRR.json            what rank R covered: inputs, shards, counts
//   DIR/summary.json                   `moisson merge-summary DIR`: every rank together
//
// The shards are io::ShardWriter's (io/writers.h): size-bounded, renamed
// into place when complete (".partial" until then), durable at each
// Checkpoint. A run checkpoints its writers when an input is finished; the
// position goes into the ledger with that input's rows, in one transaction
// (audit::FinishedInput). A run resumed at the last recorded position
// (`--resume`) thus cuts what an unfinished input had written, reads that
// input again, and ends with the records an uninterrupted run would have
// written, in the same shards.
//
// A manifest is rewritten (atomically) when a rank finishes: its inputs with
// their counts, each shard with its records, bytes and SHA-256 read back from
// the file, and the totals. It covers every run of the rank (a resumed one
// too), from the finished inputs the ledger holds.
#ifndef MOISSON_PIPELINE_SHARDS_H_
#define MOISSON_PIPELINE_SHARDS_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/ledger.h"
#include "core/status.h"
#include "io/writers.h"

namespace moisson::pipeline {

struct ShardedOutputOptions {
  std::string dir;          // the kept records' folder (created when missing)
  std::string rejects_dir;  // "" = no rejects; may be `dir`
  // "" = none. dolma attribute files: ATTR/part-RRRRR-NNNNN.jsonl.zst, one per
  // kept-records shard under the same name, one line per record in the same
  // order (pipeline::AttributesJson). Must not be `dir`.
  std::string attributes_dir;
  std::uint32_t rank = 0;
  std::uint32_t world_size = 1;
  std::uint64_t shard_bytes = 256u << 20;  // compressed size at which a shard ends
};

// What one input gave, for its FinishedInput row and the manifest.
struct InputCounts {
  std::uint64_t kept = 0, modified = 0, dropped = 0;
  std::map<std::string, std::uint64_t> dropped_by_reason;
};

// "part-00003" for rank 3.
std::string ShardPrefix(std::string_view kind, std::uint32_t rank);

// "manifest-00003.json" for rank 3.
std::string ManifestName(std::uint32_t rank);

// The name of a file of rank `rank` in `dir` that a finished part of a run
// left: a complete records, rejects or attribute shard, or the manifest; ""
// when there is none (or `dir` cannot be read). A resume that cuts to a
// position must not find one unless its ledger vouches for it.
std::string FinishedFileOfRank(const std::string& dir, std::uint32_t rank);

// The ledger's name for (folder, rank): "<absolute, resolved folder>#<rank>".
Result<std::string> OutputKey(const std::string& dir, std::uint32_t rank);

// Where the writers stood after an input, with that input's counts: the
// FinishedInput::position text, and back.
struct OutputPosition {
  io::ShardPosition part, rejects, attributes;
  // Which optional outputs the rank writes: a resume must write the same.
  bool with_rejects = false, with_attributes = false;
  std::uint32_t world_size = 1;
  InputCounts counts;
};
std::string PositionJson(const OutputPosition& p);
Result<OutputPosition> ParsePosition(std::string_view json);

class ShardedOutput {
 public:
  // A new rank (`resume_at` empty: a folder already holding this rank's
  // shards is refused) or a resumed one (io/writers.h, resuming).
  static Result<std::unique_ptr<ShardedOutput>> Open(const ShardedOutputOptions& options,
                                                     const std::optional<OutputPosition>& resume_at);
  Status Write(std::string_view json_line);
  Status WriteReject(std::string_view json_line);
  // The attribute line of the record the last Write wrote (same shard, same row).
  Status WriteAttributes(std::string_view json_line);
  bool has_attributes() const { return attributes_ != nullptr; }
  // The final name of the shard the last Write went to (a ledger row cites it).
  std::string CurrentPath() const { return part_->CurrentPath(); }
  // Everything written so far made durable; where the writers stand.
  Result<OutputPosition> Checkpoint();
  // The last shards get their final names.
  Status Close();

 private:
  ShardedOutputOptions options_;
  std::unique_ptr<io::ShardWriter> part_, rejects_, attributes_;
};

// Rewrites DIR/manifest-RRRRR.json for `options`' rank from its finished
// inputs (all runs, oldest first). `command`: "filter" or "scan".
Status WriteManifest(const ShardedOutputOptions& options, std::string_view command,
                     const std::vector<audit::FinishedInput>& inputs);

// `moisson merge-summary`: every manifest-*.json of `dir` checked together
// (one world size, every rank 0..N-1 present, no input in two ranks, each
// listed shard there with its size; with `verify`, its SHA-256 and records
// read back too) and summed. Writes DIR/summary.json atomically and returns
// its text; an error names the first rank or shard that does not hold.
Result<std::string> MergeSummaries(const std::string& dir, bool verify);

}  // namespace moisson::pipeline

#endif  // MOISSON_PIPELINE_SHARDS_H_
