// The records of a JSONL output file (ours: `filter -o`, the crawler's
// shards) read and rewritten by their "id": a person's copy for an access
// request, their removal for an erase or a retention purge (docs/rights.md).
//
// Files may be plain, gzip or zstd (recognised by magic bytes, as the dump
// readers do). A rewrite goes to a temporary file next to the original
// (io::JsonlWriter: ".zst" names are written zstd-compressed, fsync, rename),
// so a reader or a crash sees the old file or the whole new one, never half
// of one. Lines that are not a JSON object with an "id" are kept as they are
// and never quoted in a message.
#ifndef MOISSON_IO_JSONL_RECORDS_H_
#define MOISSON_IO_JSONL_RECORDS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "core/status.h"

namespace moisson::io {

// The top-level "id" of one JSONL line: a string's value, a number as
// written ("42"); "" when the line is not a JSON object or has no string or
// number id.
std::string JsonlRecordId(std::string_view line);

// Calls `fn(line, id)` for each non-blank line of `path`, in order; stops at
// the first error `fn` returns. Errors name the file (and the byte offset of
// a corrupt compressed stream).
Status ForEachJsonlRecord(const std::string& path,
                          const std::function<Status(std::string_view line, std::string_view id)>& fn);

// Rewrites `path` without the lines whose id is in `ids`. When none is there
// the file is not touched (nothing to write: running an erase twice rewrites
// nothing the second time). Returns how many lines went. A gzip file cannot
// be written back (moisson writes none) and is refused when it holds one.
Result<std::uint64_t> RemoveJsonlRecords(const std::string& path, const std::unordered_set<std::string>& ids);

}  // namespace moisson::io

#endif  // MOISSON_IO_JSONL_RECORDS_H_
