// The records of a WARC file (ours: `crawl --warc`, OUT/warc/crawl-NNNNN.warc.gz)
// removed by their WARC-Target-URI: a person's pages for an erase
// (docs/rights.md), as io/jsonl_records.h does for the JSONL outputs.
//
// Files are gzip with one record per gzip member (what WarcWriter writes, and
// what the WARC 1.1 annex recommends), or uncompressed WARC. A gzip file is
// rewritten member by member: the kept members' compressed bytes are copied
// verbatim, so their digests, compression and offsets relative to each other
// stay what they were (only the removed members are gone). Nothing is
// decompressed into memory beyond one record's header block; files of any
// size are streamed.
//
// A rewrite goes to a temporary file next to the original ("<path>.tmp.XXXXXX",
// the original's permissions, fsync, rename, then the folder is synced), so a
// reader or a crash sees the old file or the whole new one, never half of one.
// The whole file is checked before anything is written: a file this cannot
// rewrite exactly is refused and left as it is.
//
// Messages name the file and a byte offset, never a URI nor anything else read
// from the file (the URIs are a person's pages).
#ifndef MOISSON_IO_WARC_RECORDS_H_
#define MOISSON_IO_WARC_RECORDS_H_

#include <cstdint>
#include <string>
#include <unordered_set>

#include "core/status.h"

namespace moisson::io {

// Rewrites `path` without every record (any WARC-Type: request, response,
// metadata, revisit, resource, ...) whose WARC-Target-URI is in `target_uris`.
// The header value is compared with surrounding whitespace trimmed and, in the
// "<uri>" form some WARC 1.0 writers use, without the angle brackets. Records
// with no WARC-Target-URI (warcinfo) are kept. Returns how many records went.
//
// When none matches, the file is not touched at all (same inode, same mtime):
// running an erase twice rewrites nothing the second time. An empty file holds
// no record (0).
//
// Refused (InvalidArgument, file untouched, no temporary file left), with the
// file's name and the byte offset of the offending gzip member or record:
//   * a file neither gzip nor starting with "WARC/" (zstd WARC files included);
//   * a gzip member that does not hold exactly one whole WARC record (a WARC
//     compressed as one member, a record split over members, data after the
//     record): such a file cannot be rewritten without recompressing it;
//   * a truncated or corrupt gzip member, bytes that are not gzip between or
//     after members;
//   * a record that does not start with "WARC/", whose header block (up to the
//     blank line) is longer than 64 KiB, that has no valid Content-Length, is
//     cut short, or does not end with CRLF CRLF after its block.
// A missing file is NotFound; failed reads, writes, fsync or rename are Io.
// The file must not be written to while this runs (a crawl still appending);
// a change of its size or mtime during the rewrite is detected and refused.
Result<std::uint64_t> RemoveWarcRecords(const std::string& path, const std::unordered_set<std::string>& target_uris);

}  // namespace moisson::io

#endif  // MOISSON_IO_WARC_RECORDS_H_
