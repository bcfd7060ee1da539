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

namespace {

bool IsHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

RecordKey JsonlRecordKey(std::string_view line) {
  namespace od = simdjson::ondemand;
  RecordKey key;
  // A copy with simdjson's padding: rights requests read few files, once.
  simdjson::padded_string padded(line);
  od::parser parser;
  od::document doc;
  if (parser.iterate(padded).get(doc) != simdjson::SUCCESS) return {};
  od::object obj;
  if (doc.get_object().get(obj) != simdjson::SUCCESS) return {};
  bool have_id = false, have_sha = false;
  for (auto field : obj) {
    std::string_view name;
    if (field.unescaped_key().get(name) != simdjson::SUCCESS) return {};
    if (name == "id" && !have_id) {
      have_id = true;
      od::value v;
      if (field.value().get(v) != simdjson::SUCCESS) return {};
      od::json_type t;
      if (v.type().get(t) != simdjson::SUCCESS) return {};
      if (t == od::json_type::string) {
        std::string_view s;
        if (v.get_string().get(s) != simdjson::SUCCESS) return {};
        key.id = std::string(s);
      } else if (t == od::json_type::number) {
        std::string_view raw = v.raw_json_token();
        while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\r' || raw.back() == '\n')) {
          raw.remove_suffix(1);
        }
        key.id = std::string(raw);
      }
    } else if (name == "moisson" && !have_sha) {
      have_sha = true;
      od::object m;
      if (field.value().get_object().get(m) != simdjson::SUCCESS) continue;
      for (auto mf : m) {
        std::string_view mname;
        if (mf.unescaped_key().get(mname) != simdjson::SUCCESS) break;
        if (mname != "text_sha256") continue;
        std::string_view s;
        if (mf.value().get_string().get(s) == simdjson::SUCCESS && IsHex64(s)) key.text_sha256 = std::string(s);
        break;
      }
    }
    if (have_id && have_sha) break;
  }
  return key;
}

RecordSelection::Match RecordSelection::Classify(const RecordKey& key) const {
  if (key.id.empty()) return Match::kNone;
  const auto it = want_.find(key.id);
  if (it == want_.end()) return Match::kNone;
  if (!IsHex64(it->second) || key.text_sha256 != it->second) return Match::kOtherContent;
  return Match::kMatch;
}

Status ForEachJsonlRecord(const std::string& path,
                          const std::function<Status(std::string_view line, const RecordKey& key)>& fn) {
  auto stream = OpenByteStream(path);
  if (!stream.ok()) return stream.status();
  BufferedReader reader(std::move(stream).value());
  std::string_view line;
  bool too_long = false;
  while (reader.ReadLine(&line, kMaxLine, &too_long)) {
    if (too_long) return Status::InvalidArgument(path + ": a line is longer than 1 GiB");
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (Status st = fn(line, JsonlRecordKey(line)); !st.ok()) return st;
  }
  if (!reader.stream().error().empty()) return Status::InvalidArgument(path + ": " + reader.stream().error());
  return Status::Ok();
}

Result<RemovalCount> CountJsonlRecords(const std::string& path, const RecordSelection& records) {
  RemovalCount n;
  Status st = ForEachJsonlRecord(path, [&](std::string_view, const RecordKey& key) {
    switch (records.Classify(key)) {
      case RecordSelection::Match::kMatch: ++n.removed; break;
      case RecordSelection::Match::kOtherContent: ++n.other_content; break;
      case RecordSelection::Match::kNone: break;
    }
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return n;
}

Result<RemovalCount> RemoveJsonlRecords(const std::string& path, const RecordSelection& records) {
  // First pass: is there anything to remove? (The common case of a retried
  // erase, and of shards that hold none of a person's records.)
  auto counted = CountJsonlRecords(path, records);
  if (!counted.ok()) return counted.status();
  if (counted->removed == 0) return counted;
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
  RemovalCount n;
  Status st = ForEachJsonlRecord(path, [&](std::string_view line, const RecordKey& key) {
    switch (records.Classify(key)) {
      case RecordSelection::Match::kMatch: ++n.removed; return Status::Ok();
      case RecordSelection::Match::kOtherContent: ++n.other_content; break;
      case RecordSelection::Match::kNone: break;
    }
    return (*writer)->Write(line);
  });
  if (!st.ok()) return st;  // the writer's temporary file goes with it
  if (Status c = (*writer)->Commit(); !c.ok()) return c;
  return n;
}

}  // namespace moisson::io
