#include "io/record.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

#include "core/strings.h"
#include "io/reader_internal.h"
#include "io/stream.h"

namespace moisson::io {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// ---- format detection ------------------------------------------------------------

// ARC (the Internet Archive's format before WARC) has one-line headers and no
// record types; it is refused by name and by content rather than read as junk.
constexpr const char* kArcMessage = "ARC files are not read (convert them to WARC first)";

std::optional<InputFormat> FormatFromName(std::string_view path) {
  std::string p = AsciiLower(path);
  for (const char* z : {".gz", ".zst", ".zstd"}) {
    if (EndsWith(p, z)) {
      p.resize(p.size() - std::strlen(z));
      break;
    }
  }
  if (EndsWith(p, ".jsonl") || EndsWith(p, ".json") || EndsWith(p, ".ndjson")) return InputFormat::kJsonl;
  if (EndsWith(p, ".warc") || EndsWith(p, ".wet")) return InputFormat::kWarc;
  return std::nullopt;
}

}  // namespace

std::string RecordPosition(const std::string& file, std::uint64_t offset, std::uint64_t line) {
  std::string m = file + ": offset " + std::to_string(offset);
  if (line > 0) m += " (line " + std::to_string(line) + ")";
  return m;
}

Result<std::unique_ptr<RecordReader>> OpenReaderFromStream(std::unique_ptr<ByteStream> stream,
                                                           const std::string& name, std::optional<InputFormat> format,
                                                           const ReaderOptions& options) {
  if (!format) {
    // Sniff: the first non-blank byte of the decompressed data.
    std::string head;
    stream->Read(&head, 64);
    if (!stream->error().empty() && head.empty()) return Status::InvalidArgument(name + ": " + stream->error());
    std::string_view h = TrimAsciiSpace(head);
    if (h.substr(0, 5) == "WARC/") format = InputFormat::kWarc;
    else if (h.substr(0, 11) == "filedesc://") return Status::InvalidArgument(name + ": " + kArcMessage);
    else if (!h.empty() && h.front() == '{') format = InputFormat::kJsonl;
    else if (h.empty()) format = InputFormat::kJsonl;  // an empty file: no records either way
    else return Status::InvalidArgument(name + ": neither JSONL nor WARC (name it .jsonl or .warc)");
    // Put the sniffed bytes back in front of the stream.
    stream = PrependBytes(std::move(head), std::move(stream));
  }
  if (*format == InputFormat::kJsonl) return NewJsonlReader(std::move(stream), name, options);
  return NewWarcReader(std::move(stream), name, options);
}

Result<std::unique_ptr<RecordReader>> OpenReader(const std::string& path, const ReaderOptions& options) {
  struct stat sb;
  if (!IsHttpUrl(path) && ::stat(path.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode)) return Status::InvalidArgument(path + ": is a directory");
  const std::string lower = AsciiLower(path);
  if (EndsWith(lower, ".arc") || EndsWith(lower, ".arc.gz")) return Status::InvalidArgument(path + ": " + kArcMessage);
  auto s = OpenByteStream(path, options.http);
  if (!s.ok()) return s.status();
  // A URL is named without its query (which may carry a token): in messages,
  // in position ids and in the ledger.
  const std::string name = IsHttpUrl(path) ? DisplayUrl(path) : path;
  return OpenReaderFromStream(std::move(s).value(), name, FormatFromName(name), options);
}

}  // namespace moisson::io
