// What a manifest says of an output shard, read from the file itself, and
// keeping manifests true when a shard is rewritten after the run.
//
// A sharded `filter` or `scan` run writes DIR/manifest-RRRRR.json beside its
// shards (pipeline/shards.h); each lists its shards with their records,
// bytes and SHA-256. A rights erase or a purge rewrites (or deletes) a shard
// later; RefreshManifests then updates every manifest that lists it, so that
// `merge-summary --verify` checks the dataset as it now is rather than
// report a legitimate erasure as damage. The manifest's per-input counts
// (what the run decided) are left as they were; its "rewritten" list says
// which shards changed since, and when.
#ifndef MOISSON_IO_SHARD_MANIFEST_H_
#define MOISSON_IO_SHARD_MANIFEST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace moisson::io {

struct ShardFacts {
  std::string file;  // name in its folder
  std::uint64_t records = 0, bytes = 0;
  std::string sha256;  // hex SHA-256 of the file's bytes
};

// Bytes and SHA-256 of the file as it is; its JSONL records when `count`
// (plain or zstd). Errors name the file.
Result<ShardFacts> ReadShardFacts(const std::string& path, bool count);

// The names of the manifests (manifest-*.json) in `dir`, in byte order; none
// when it cannot be read.
std::vector<std::string> ManifestsIn(const std::string& dir);

// The dolma attribute file that goes row for row with `shard_path` (a
// manifest beside it lists the shard and names an attributes_dir holding a
// file of the same name), or "" when there is none.
std::string AttributesFileOf(const std::string& shard_path);

// Removes the rows at `rows` (0-based line numbers, ascending) of the JSONL
// file `path`, rewritten aside and renamed (io::JsonlWriter); each removed
// row's "id" must be the matching one of `ids`, else nothing is changed and
// the error says the files are out of step.
Status RemoveRows(const std::string& path, const std::vector<std::uint64_t>& rows,
                  const std::vector<std::string>& ids);

// `shard_path` was rewritten or deleted: every manifest-*.json in its folder
// that lists it (under "shards" or "rejects") gets that entry and its
// totals updated (a deleted shard leaves the list), written atomically.
// Nothing to do when no manifest lists it.
Status RefreshManifests(const std::string& shard_path);

}  // namespace moisson::io

#endif  // MOISSON_IO_SHARD_MANIFEST_H_
