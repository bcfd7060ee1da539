// The records of a JSONL output file (ours: `filter -o`, the crawler's
// shards) read and rewritten by their identity: a person's copy for an
// access request, their removal for an erase or a retention purge
// (docs/rights.md).
//
// A record is named by two things that must both agree: its "id" and the
// SHA-256 of its text as the ledger recorded it (the record's
// "moisson"."text_sha256"). An id alone is not enough: files written before
// ids were unique per run, or by other runs into the same path, can hold
// another document under the same id, and removing it would erase the wrong
// person. A line whose id is listed but whose digest differs (or is absent)
// is never touched: it is counted as `other_content`, so the caller can say
// so rather than guess.
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
#include <unordered_map>

#include "core/status.h"

namespace moisson::io {

// What names one output line: the top-level "id" (a string's value, a
// number as written: "42") and "moisson"."text_sha256" (64 hex digits).
// Either is "" when the line is not a JSON object or does not have it.
struct RecordKey {
  std::string id;
  std::string text_sha256;
};

// The key of one JSONL line (one parse).
RecordKey JsonlRecordKey(std::string_view line);
// The id alone.
inline std::string JsonlRecordId(std::string_view line) { return JsonlRecordKey(line).id; }

// The records to act on: id -> the text digest the ledger recorded for it.
class RecordSelection {
 public:
  enum class Match : std::uint8_t { kNone, kMatch, kOtherContent };
  // Adds a record. A digest that is not 64 hex digits never matches (a
  // ledger row without one cannot be told apart from another record with
  // the same id).
  void Add(std::string id, std::string text_sha256) { want_[std::move(id)] = std::move(text_sha256); }
  bool empty() const { return want_.empty(); }
  std::size_t size() const { return want_.size(); }
  // kMatch: the id is listed and the digests agree; kOtherContent: the id is
  // listed but the line holds another text (or no digest); kNone: not listed.
  Match Classify(const RecordKey& key) const;

 private:
  std::unordered_map<std::string, std::string> want_;
};

// Calls `fn(line, key)` for each non-blank line of `path`, in order; stops at
// the first error `fn` returns. Errors name the file (and the byte offset of
// a corrupt compressed stream).
Status ForEachJsonlRecord(const std::string& path,
                          const std::function<Status(std::string_view line, const RecordKey& key)>& fn);

struct RemovalCount {
  std::uint64_t removed = 0;        // lines that matched and went
  std::uint64_t other_content = 0;  // lines with a listed id but another text: left in place
};

// Counts what RemoveJsonlRecords would do, without writing (purge --dry-run).
Result<RemovalCount> CountJsonlRecords(const std::string& path, const RecordSelection& records);

// Rewrites `path` without the lines that match `records`. When none does
// the file is not touched (nothing to write: running an erase twice rewrites
// nothing the second time). A gzip file cannot be written back (moisson
// writes none) and is refused when it holds one.
Result<RemovalCount> RemoveJsonlRecords(const std::string& path, const RecordSelection& records);

}  // namespace moisson::io

#endif  // MOISSON_IO_JSONL_RECORDS_H_
