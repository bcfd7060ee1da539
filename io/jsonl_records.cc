#include "io/jsonl_records.h"

#include <simdjson.h>
#include <sys/stat.h>

#include <memory>

#include "io/record.h"
#include "io/stream.h"

namespace moisson::io {
namespace {

// A line longer than this is kept whole by the rewrite but has no id (the
// crawler's records are capped far below: 10 MiB bodies).
constexpr std::size_t kMaxLine = std::size_t{1} << 30;

}  // namespace

std::string JsonlRecordId(std::string_view line) {
  namespace od = simdjson::ondemand;
  // A copy with simdjson's padding: rights requests read few files, once.
  simdjson::padded_string padded(line);
  od::parser parser;
  od::document doc;
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS) return {};
  od::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) return {};
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key) != simdjson::SUCCESS) return {};
    if (key != "id") continue;
    od::value v;
    if (field.value().get(v) != simdjson::SUCCESS) return {};
    od::json_type t;
    if (v.type().get(t) != simdjson::SUCCESS) return {};
    if (t == od::json_type::string) {
      std::string_view s;
      if (v.get_string().get(s) != simdjson::SUCCESS) return {};
      return std::string(s);
    }
    if (t == od::json_type::number) {
      std::string_view raw = v.raw_json_token();
      while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\r' || raw.back() == '\n')) {
        raw.remove_suffix(1);
      }
      return std::string(raw);
    }
    return {};
  }
  return {};
}

Status ForEachJsonlRecord(const std::string& path,
                          const std::function<Status(std::string_view line, std::string_view id)>& fn) {
  auto stream = OpenByteStream(path);
  if (!stream.ok()) return stream.status();
  BufferedReader reader(std::move(stream).value());
  std::string_view line;
  bool too_long = false;
  while (reader.ReadLine(&line, kMaxLine, &too_long)) {
    if (too_long) return Status::InvalidArgument(path + ": a line is longer than 1 GiB");
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    const std::string id = JsonlRecordId(line);
    if (Status st = fn(line, id); !st.ok()) return st;
  }
  if (!reader.stream().error().empty()) return Status::InvalidArgument(path + ": " + reader.stream().error());
  return Status::Ok();
}

Result<std::uint64_t> RemoveJsonlRecords(const std::string& path, const std::unordered_set<std::string>& ids) {
  // First pass: is there anything to remove? (The common case of a retried
  // erase, and of shards that hold none of a person's records.)
  std::uint64_t present = 0;
  Status st = ForEachJsonlRecord(path, [&](std::string_view, std::string_view id) {
    if (!id.empty() && ids.count(std::string(id))) ++present;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (present == 0) return std::uint64_t{0};
  {
    auto probe = OpenByteStream(path);
    if (!probe.ok()) return probe.status();
    const bool zst_name = path.size() > 4 && path.compare(path.size() - 4, 4, ".zst") == 0;
    const Compression c = (*probe)->compression();
    if (c == Compression::kGzip || (c == Compression::kZstd) != zst_name) {
      return Status::InvalidArgument(path + ": cannot rewrite this file: its compression does not match its name "
                                            "(moisson writes plain JSONL, or zstd under a .zst name)");
    }
  }
  // The new file keeps the old one's permissions (outputs hold personal data)
  // from its creation on.
  struct stat before {};
  const int mode = ::stat(path.c_str(), &before) == 0 ? static_cast<int>(before.st_mode & 0777) : 0600;
  auto writer = JsonlWriter::Create(path, 3, mode);
  if (!writer.ok()) return writer.status();
  std::uint64_t removed = 0;
  st = ForEachJsonlRecord(path, [&](std::string_view line, std::string_view id) {
    if (!id.empty() && ids.count(std::string(id))) {
      ++removed;
      return Status::Ok();
    }
    return (*writer)->Write(line);
  });
  if (!st.ok()) return st;  // the writer's temporary file goes with it
  if (Status c = (*writer)->Commit(); !c.ok()) return c;
  return removed;
}

}  // namespace moisson::io
