// Input records from dumps (JSONL, WARC/WET) and JSONL output files.
//
// Readers stream: memory is bounded by the largest record (capped by
// ReaderOptions::max_record_bytes) whatever the file size. A malformed or
// truncated record is skipped; the reader counts it and reports it through
// ReaderOptions::on_skip with the file and byte offset, then goes on with the
// next record when it can find one. Messages never quote record content.
//
// Compression is recognised by magic bytes, not names: gzip (all members of a
// multi-member file), zstd (all frames), else plain. A truncated or corrupt
// gzip/zstd stream ends the file with one issue naming the compressed offset
// of the member; records before it are kept.
//
// JSONL: one JSON object per line (simdjson on-demand). Skipped and reported:
// invalid JSON, anything but an object, content after the object, no text (or
// html) field, a non-string text, an id that is neither string nor number
// (a number is kept as written: 42 -> "42"), lines over max_record_bytes, and
// lines that are not valid UTF-8 (RFC 8259 §8.1: JSON exchanged between
// systems is UTF-8; a line with invalid bytes is rejected whole rather than
// repaired, since its other fields are then suspect too). Blank lines are
// skipped silently. Metadata fields (url, date, lang) that are not strings are
// ignored. Values of fields that are not read are only checked for structure.
//
// WARC 1.0/1.1 (and the 0.17/0.18 drafts, same layout), CRLF or bare LF:
// response records whose HTTP status is 2xx and Content-Type text/html or
// application/xhtml+xml (kHtml) or text/plain (kText), with chunked transfer
// coding and gzip/deflate/br content coding decoded (a decoded size over
// max_record_bytes is reported, never allocated); conversion records (WET) as
// kText. Not read: warcinfo, request, metadata, revisit, continuation, and
// resource records (crawler logs and files fetched outside HTTP, without the
// HTTP headers that carry robots/TDM signals). A bad header (no version line,
// no or non-numeric Content-Length, a line without ':') is reported at the
// record's offset (its gzip member's compressed offset when compressed) and
// the reader resumes at the next line starting with "WARC/<digit>". ARC files
// are refused when opened.
#ifndef MOISSON_IO_RECORD_H_
#define MOISSON_IO_RECORD_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "io/http_source.h"

namespace moisson::io {

enum class ContentKind : std::uint8_t { kText, kHtml };

// One document read from a dump.
struct InputRecord {
  std::string id;            // the id field (JSONL), else WARC-Record-ID, else "" (caller numbers it)
  std::string url;           // url field / WARC-Target-URI; "" when absent
  std::string date;          // date field / WARC-Date as written; "" when absent
  std::string lang;          // lang field (JSONL), WARC-Identified-Content-Language (WET); "" otherwise
  ContentKind kind = ContentKind::kText;
  std::string content;       // the text (kText) or the HTTP body (kHtml), as bytes
  std::string charset;       // charset from the HTTP Content-Type, lower case; "" when none
  // The HTTP status of a WARC response record; 0 otherwise.
  int http_status = 0;
  // HTTP response headers of a WARC response record (name, value); empty otherwise.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string source_file;   // the path given to OpenReader
  std::uint64_t offset = 0;  // WARC: byte offset of the record (of its gzip member when gzip-compressed;
                             // decompressed offset for zstd). JSONL: decompressed offset of the line.
  std::uint64_t line = 0;    // JSONL: 1-based line number; WARC: 0
  // JSONL with ReaderOptions::keep_metadata: the fields the reader does not
  // map (and the members of an input "metadata" object), as one object
  // "{...}" with the values as written (see keep_metadata: not yet checked
  // token by token); "" when there are none.
  std::string metadata_json;
};

// A record that could not be read.
struct ReadIssue {
  enum class Kind : std::uint8_t {
    kMalformed,  // the record itself is bad (JSON, WARC or HTTP headers, size, encoding)
    kNoText,     // a JSONL line without the text (or html) field
    kDamaged,    // the compressed stream is corrupt or truncated here
  };
  Kind kind = Kind::kMalformed;
  std::string file;
  std::uint64_t offset = 0;  // byte offset in the file (compressed offset for WARC .gz members,
                             // uncompressed offset for JSONL)
  std::uint64_t line = 0;    // JSONL line, 0 for WARC
  std::string message;       // what is wrong, never the record's content
};

// Where a record sits, as messages name it: "FILE: offset N" and, for JSONL,
// " (line L)". Never the record's content.
std::string RecordPosition(const std::string& file, std::uint64_t offset, std::uint64_t line);
// A skipped record for the user: its position, then what is wrong.
inline std::string IssueText(const ReadIssue& issue) {
  return RecordPosition(issue.file, issue.offset, issue.line) + ": " + issue.message;
}

struct ReaderOptions {
  // JSONL field names.
  std::string text_field = "text";
  std::string id_field = "id";
  std::string url_field = "url";
  std::string date_field = "date";
  std::string lang_field = "lang";
  // JSONL: a record whose text field holds HTML rather than text (e.g. "html").
  // When set and present, the record is ContentKind::kHtml from that field.
  std::string html_field;
  // WARC: every response record is a record, whatever its HTTP status and
  // Content-Type (a 404, a redirect, a robots.txt served as
  // application/octet-stream): kText unless HTML, the body decoded as
  // usual. What `moisson sites import` reads robots.txt captures with.
  bool any_response = false;
  // JSONL: keep the fields not mapped above (InputRecord::metadata_json), so
  // that an output record carries them on (datatrove's and dolma's shape:
  // `id`, `text`, `metadata`). The members of an input field named
  // "metadata" that is an object are taken one by one (of two fields of one
  // name, the first met stays). `metadata_fields`, when not empty, keeps
  // only those names. Values are copied as written, their brackets and
  // strings checked by the on-demand parse but not every token in them
  // ("n\0l", [1, tru]): the chain parses the object whole, once, when it
  // screens it, and keeps none of an invalid one
  // (pipeline::ProcessedDocument::metadata_json).
  bool keep_metadata = false;
  std::vector<std::string> metadata_fields;
  // "http://" and "https://" inputs: retries and time limits (io/http_source.h).
  HttpOptions http;
  // Records larger than this (decompressed) are skipped and reported.
  std::size_t max_record_bytes = 64u << 20;
  // Called for every skipped record (may be null).
  std::function<void(const ReadIssue&)> on_skip;
};

enum class InputFormat : std::uint8_t { kJsonl, kWarc };

class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // Reads the next usable record into *out. Returns false at the end of the
  // input. A non-ok Result is an I/O error reading the file ("PATH: read
  // error"); malformed records do not stop it, they go to on_skip.
  virtual Result<bool> Next(InputRecord* out) = 0;
  // Compressed bytes consumed so far (for progress), and records skipped.
  virtual std::uint64_t bytes_read() const = 0;
  virtual std::uint64_t skipped() const = 0;
};

// Splits an HTTP Content-Type value: "text/html; charset=ISO-8859-1" ->
// media type "text/html", charset "iso-8859-1" (both lower case; "" when absent).
void ParseContentType(std::string_view value, std::string* media, std::string* charset);

// Opens a dump ("-": standard input). The format comes from the name (.jsonl/.json/.ndjson, .warc,
// .wet, each optionally .gz or .zst) and, when the name says nothing, from the
// first decompressed bytes ("WARC/" or '{'). Compression is recognised by its
// magic bytes. Errors name the path (missing file, directory, ARC, unknown format).
Result<std::unique_ptr<RecordReader>> OpenReader(const std::string& path, const ReaderOptions& options);

// A JSONL output file written to PATH.tmp.XXXXXX (mode `mode`, same directory)
// and renamed over PATH by Commit() after fsync, so readers of PATH see the
// old file or the whole new one. "-", a device or a FIFO is written in place
// and a symlink's target is replaced (core ResolveOutput); a directory is refused. ".zst" at the end of the path compresses with
// zstd at `zstd_level` (one frame, with checksum). Writes are buffered (1 MiB).
// Destroying an uncommitted writer removes the temporary file. Errors are
// Status naming PATH; after one, every call returns it.
class JsonlWriter {
 public:
  static Result<std::unique_ptr<JsonlWriter>> Create(const std::string& path, int zstd_level = 3, int mode = 0644);
  virtual ~JsonlWriter() = default;
  // Appends one line; `line` must not contain '\n' (the writer adds it).
  virtual Status Write(std::string_view line) = 0;
  virtual Status Commit() = 0;
  virtual std::uint64_t lines() const = 0;
};

}  // namespace moisson::io

#endif  // MOISSON_IO_RECORD_H_
