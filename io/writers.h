// Size-bounded output files: JSONL(.zst) shards of kept documents and WARC
// 1.1 files of the exchanges that fetched them (the crawler writes both; they
// live in io/ with the other writers, below every module that writes).
//
// Both writers share one file model, built for exactly-once output across
// crashes (kill -9, power loss) together with the crawler's SQLite state:
//
//   * Files are numbered shards DIR/<prefix>-00000<ext>, -00001<ext>, ...
//     (five digits, more past 99999). The shard being written carries a
//     ".partial" suffix; it gets its final name when the writer rotates to
//     the next shard or at Close(). A final-named file only ever holds whole
//     records: it is fsynced before the rename.
//   * Rotation happens at record boundaries, just before a Write() whose
//     shard already reached ShardOptions::max_shard_bytes (compressed size).
//     A shard therefore ends at the first record that brings it to the limit
//     or past it, and never holds a record that did not start below it.
//     Rotation happens lazily, so no empty trailing shard is ever created.
//   * Checkpoint() makes everything written so far durable: zstd ends its
//     frame (the file is a valid multi-frame stream), buffered bytes are
//     written, the file is fsynced, and so is the folder when a file was
//     created or renamed since the last checkpoint. It returns the position
//     {shard, bytes}: the current shard's index and its size. The crawler
//     stores that position in the same transaction that marks the URLs whose
//     records were written before the checkpoint as done.
//   * Resuming at a stored position {s, b} means: shards below s are final
//     and left untouched; shard s (found under its final or its ".partial"
//     name) is truncated to b bytes and reopened as ".partial" for
//     appending; every shard above s, under either name, is deleted. Records
//     written after the checkpoint (pages the state does not have as done,
//     which the crawler will fetch again) are thus dropped, including those
//     that had already been rotated into later shards, and appending goes on
//     with the same numbering. A position must come from Checkpoint() of a
//     writer with the same options (prefix, compression): b is trusted to be
//     a record (and zstd frame) boundary. A shard s shorter than b, or missing
//     while b > 0, is an error (data the state counts as written is gone),
//     found before any file is changed.
//   * Opening without a position (a new crawl) refuses a folder that already
//     holds shards of this prefix and extension, under either name: outputs
//     of an earlier run are never overwritten nor mixed with a new one.
//   * Destroying a writer without Close() is a crash as far as files go:
//     whatever was not checkpointed may be lost; the shard keeps its
//     ".partial" name and resuming from the last stored position repairs it.
//     Close() is Checkpoint() plus the final rename; a crawler that wants to
//     store the final position calls Checkpoint() first (Close() then writes
//     nothing more).
//
// Every error is a Status naming the file it concerns. A failed write(2),
// fsync or rename is reported, never ignored, and makes the writer unusable:
// every later call returns the same error (the files stay as a crash would
// leave them, and resuming from the last stored position repairs them).
// Page content is never logged nor put in a message.
//
// Writers are thread-compatible: one thread at a time.
#ifndef MOISSON_IO_WRITERS_H_
#define MOISSON_IO_WRITERS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace moisson::io {

// Where a writer stands: shard index and byte size of that shard. Positions
// returned by Checkpoint() are durable; see the file comment for what
// resuming at one does.
struct ShardPosition {
  std::uint32_t shard = 0;
  std::uint64_t bytes = 0;
  bool operator==(const ShardPosition&) const = default;
};

struct ShardOptions {
  // Output folder, created (with its parents, mode 0755) when missing.
  std::string dir;
  // File name prefix: letters, digits, '.', '_' and '-', not starting with
  // '.'. Empty means "pages" for ShardWriter and "crawl" for WarcWriter.
  std::string prefix;
  // ShardWriter only: zstd-compress the shards (".jsonl.zst") at this level.
  // WarcWriter always writes gzip (".warc.gz") and ignores both.
  bool zstd = false;
  int zstd_level = 3;
  // Rotate when the file (compressed size) reaches this many bytes; see the
  // file comment. Must be > 0.
  std::uint64_t max_shard_bytes = 256u << 20;
};

// JSONL shards: DIR/<prefix>-00000.jsonl or .jsonl.zst, one record per line.
class ShardWriter {
 public:
  // A new crawl (`resume_at` empty) or a resumed one (see the file comment).
  static Result<std::unique_ptr<ShardWriter>> Open(const ShardOptions& options,
                                                   std::optional<ShardPosition> resume_at);
  virtual ~ShardWriter() = default;

  // Appends one record: `json_line` is a JSON object without the newline
  // (the writer adds it). An empty line or one containing '\n' or '\r' is
  // refused (InvalidArgument) and nothing is written.
  virtual Status Write(std::string_view json_line) = 0;
  // Write, into shard `shard`: the current shard is ended first (final
  // name) when `shard` is past it; an earlier shard is refused. For files
  // that must follow another writer's numbering row for row (dolma attribute
  // files beside a run's shards), with a max_shard_bytes no record reaches.
  virtual Status WriteInShard(std::uint32_t shard, std::string_view json_line) = 0;
  // Makes everything written so far durable and returns the position to
  // store. With zstd, each checkpoint ends a frame (a few bytes and a fresh
  // compression window): checkpoint every few seconds or pages, not per page.
  virtual Result<ShardPosition> Checkpoint() = 0;
  // Checkpoint, then the current shard gets its final name. Later calls to
  // Write or Checkpoint fail; Close again returns Ok.
  virtual Status Close() = 0;
  // The final name of the shard the last Write() went to (the shard the next
  // one goes to before any Write): what a ledger row cites.
  virtual std::string CurrentPath() const = 0;
  // The index of that shard (CurrentPath's NNNNN).
  virtual std::uint32_t CurrentShard() const = 0;
  // Records written by this object since Open().
  virtual std::uint64_t records() const = 0;
};

// One HTTP exchange as the crawler stores it.
struct WarcExchange {
  std::string target_uri;     // WARC-Target-URI (written without angle brackets, as WARC 1.1 says)
  std::string date;           // WARC-Date: "2026-12-02T15:00:00Z" (fraction of a second allowed;
                              // "" = now)
  std::string ip_address;     // WARC-IP-Address; "" = omitted
  std::string request_head;   // "GET /p HTTP/1.1\r\nHost: h\r\n...\r\n\r\n" (a GET: no body)
  std::string response_head;  // status line + headers + "\r\n\r\n", as they are to be stored
  // The entity body (the WARC payload). The heads must describe it as it is
  // stored: when the crawler decoded a chunked or compressed transfer, it
  // passes the decoded body and heads without Transfer-Encoding/Content-Encoding.
  std::string_view payload;
};

// WARC 1.1 files DIR/<prefix>-00000.warc.gz, ... with the same rotation,
// checkpoint and resume semantics as ShardWriter. Each file starts with a
// 'warcinfo' record; each record is its own gzip member.
class WarcWriter {
 public:
  // `software` ("moisson/0.1.0") goes into each warcinfo record.
  static Result<std::unique_ptr<WarcWriter>> Open(const ShardOptions& options,
                                                  std::optional<ShardPosition> resume_at,
                                                  std::string_view software);
  virtual ~WarcWriter() = default;

  // Writes a 'request' record (block: request_head) and a 'response' record
  // (block: response_head + payload), in that order and in the same file,
  // linked both ways by WARC-Concurrent-To. Both carry WARC-Block-Digest;
  // the response also WARC-Payload-Digest (SHA-1 of the payload). A target
  // URI with whitespace or control characters, a malformed date or IP
  // address, or a head not ending in "\r\n\r\n" is refused (InvalidArgument)
  // and nothing is written.
  virtual Status Write(const WarcExchange& exchange) = 0;
  virtual Result<ShardPosition> Checkpoint() = 0;
  virtual Status Close() = 0;
  virtual std::string CurrentPath() const = 0;
  // Exchanges written by this object since Open().
  virtual std::uint64_t records() const = 0;
};

// "sha1:" + RFC 4648 base32 (uppercase, 32 characters) of SHA-1(data): the
// labelled digest WARC-Block-Digest and WARC-Payload-Digest carry.
std::string WarcSha1Digest(std::string_view data);

}  // namespace moisson::io

#endif  // MOISSON_IO_WRITERS_H_
