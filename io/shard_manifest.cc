#include "io/shard_manifest.h"

#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <vector>

#include "core/file_util.h"
#include "core/json.h"
#include "core/keyed_hash.h"
#include "core/time_util.h"
#include "io/jsonl_records.h"
#include "io/record.h"

namespace moisson::io {

Result<ShardFacts> ReadShardFacts(const std::string& path, bool count) {
  ShardFacts f;
  f.file = std::filesystem::path(path).filename().string();
  std::FILE* in = std::fopen(path.c_str(), "rb");
  if (in == nullptr) return Status::NotFound(path + ": cannot open the shard");
  Sha256Stream sha;
  std::string buf(1u << 20, '\0');
  std::size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), in)) > 0) {
    sha.Update(std::string_view(buf.data(), n));
    f.bytes += n;
  }
  const bool failed = std::ferror(in) != 0;
  std::fclose(in);
  if (failed) return Status::Io(path + ": read error");
  f.sha256 = sha.FinishHex();
  if (count) {
    Status st = ForEachJsonlRecord(path, [&f](std::string_view, const RecordKey&) {
      ++f.records;
      return Status::Ok();
    });
    if (!st.ok()) return st;
  }
  return f;
}

std::vector<std::string> ManifestsIn(const std::string& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::string m = e.path().filename().string();
    if (m.starts_with("manifest-") && m.ends_with(".json")) names.push_back(std::move(m));
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string AttributesFileOf(const std::string& shard_path) {
  namespace fs = std::filesystem;
  const fs::path p(shard_path);
  const std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
  const std::string name = p.filename().string();
  simdjson::dom::parser parser;
  for (const std::string& m : ManifestsIn(dir)) {
    simdjson::dom::element doc;
    std::string_view attr;
    simdjson::dom::array shards;
    if (parser.load(dir + "/" + m).get(doc) || doc["attributes_dir"].get(attr) || attr.empty() ||
        doc["shards"].get(shards)) {
      continue;
    }
    for (simdjson::dom::element sh : shards) {
      std::string_view f;
      if (!sh["file"].get(f) && f == name) {
        const std::string candidate = std::string(attr) + "/" + name;
        if (::access(candidate.c_str(), F_OK) == 0) return candidate;
      }
    }
  }
  return std::string();
}

Status RemoveRows(const std::string& path, const std::vector<std::uint64_t>& rows,
                  const std::vector<std::string>& ids) {
  std::vector<std::string> keep;
  std::uint64_t row = 0;
  std::size_t next = 0;
  Status st = ForEachJsonlRecord(path, [&](std::string_view line, const RecordKey& key) -> Status {
    if (next < rows.size() && rows[next] == row) {
      if (key.id != ids[next]) {
        return Status::InvalidArgument(path + ": row " + std::to_string(row + 1) +
                                       " is not the record it goes with: the attribute file is out of step with "
                                       "its shard (left as it was)");
      }
      ++next;
    } else {
      keep.emplace_back(line);
    }
    ++row;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  if (next != rows.size()) {
    return Status::InvalidArgument(path + ": fewer rows than its shard's records (left as it was)");
  }
  auto w = JsonlWriter::Create(path);
  if (!w.ok()) return w.status();
  for (const std::string& line : keep) {
    if (Status ws = (*w)->Write(line); !ws.ok()) return ws;
  }
  return (*w)->Commit();
}

namespace {

void FactsJson(const ShardFacts& s, JsonWriter* w) {
  w->BeginObject().Key("file").String(s.file).Key("records").Int(static_cast<std::int64_t>(s.records));
  w->Key("bytes").Int(static_cast<std::int64_t>(s.bytes)).Key("sha256").String(s.sha256).EndObject();
}

}  // namespace

Status RefreshManifests(const std::string& shard_path) {
  namespace fs = std::filesystem;
  const fs::path p(shard_path);
  const std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
  const std::string name = p.filename().string();
  const bool exists = ::access(shard_path.c_str(), F_OK) == 0;
  simdjson::dom::parser parser;
  for (const std::string& manifest : ManifestsIn(dir)) {
    const std::string path = dir + "/" + manifest;
    simdjson::dom::object m;
    if (parser.load(path).get(m)) return Status::InvalidArgument(path + ": not a manifest moisson wrote");
    bool listed = false;
    std::string_view attr_dir;
    std::optional<ShardFacts> attr_now;  // the aligned attribute file as it is now
    if (!m["attributes_dir"].get(attr_dir) && !attr_dir.empty()) {
      const std::string attr_path = std::string(attr_dir) + "/" + name;
      if (::access(attr_path.c_str(), F_OK) == 0) {
        auto facts = ReadShardFacts(attr_path, true);
        if (!facts.ok()) return facts.status();
        attr_now = std::move(facts).value();
      }
    }
    for (const char* list : {"shards", "rejects"}) {
      simdjson::dom::array a;
      if (m[list].get(a)) continue;
      for (simdjson::dom::element s : a) {
        std::string_view f;
        if (!s["file"].get(f) && f == name) listed = true;
      }
    }
    if (!listed) continue;
    std::optional<ShardFacts> now;
    if (exists) {
      auto facts = ReadShardFacts(shard_path, true);
      if (!facts.ok()) return facts.status();
      now = std::move(facts).value();
    }
    // The manifest again, with that entry (and the totals) as the file is now.
    std::int64_t d_records = 0, d_bytes = 0;
    bool in_parts = false;
    JsonWriter w;
    w.BeginObject();
    for (auto [key, value] : m) {
      if (key == "totals" || key == "rewritten") continue;  // written last
      w.Key(key);
      simdjson::dom::array list;
      if (key == "attributes" && !value.get(list)) {
        w.BeginArray();
        for (simdjson::dom::element s : list) {
          std::string_view f;
          if (!s["file"].get(f) && f == name) {
            if (attr_now) FactsJson(*attr_now, &w);
          } else {
            w.Raw(simdjson::minify(s));
          }
        }
        w.EndArray();
      } else if ((key == "shards" || key == "rejects") && !value.get(list)) {
        w.BeginArray();
        for (simdjson::dom::element s : list) {
          std::string_view f;
          if (!s["file"].get(f) && f == name) {
            std::int64_t r = 0, b = 0;
            if (s["records"].get(r) || s["bytes"].get(b)) {
              return Status::InvalidArgument(path + ": not a manifest moisson wrote (" + name + " has no size)");
            }
            if (key == "shards") {
              in_parts = true;
              d_records = (now ? static_cast<std::int64_t>(now->records) : 0) - r;
              d_bytes = (now ? static_cast<std::int64_t>(now->bytes) : 0) - b;
            }
            if (now) FactsJson(*now, &w);
          } else {
            w.Raw(simdjson::minify(s));
          }
        }
        w.EndArray();
      } else {
        w.Raw(simdjson::minify(value));
      }
    }
    w.Key("rewritten").BeginArray();
    simdjson::dom::array before;
    if (!m["rewritten"].get(before)) {
      for (simdjson::dom::element e : before) w.Raw(simdjson::minify(e));
    }
    w.BeginObject().Key("file").String(name).Key("at").String(UtcNowIso8601()).Key("deleted").Bool(!now).EndObject();
    w.EndArray();
    simdjson::dom::object totals;
    if (!m["totals"].get(totals)) {
      w.Key("totals").BeginObject();
      for (auto [key, value] : totals) {
        std::int64_t v = 0;
        if (in_parts && (key == "records" || key == "bytes") && !value.get(v)) {
          w.Key(key).Int(v + (key == "records" ? d_records : d_bytes));
        } else {
          w.Key(key).Raw(simdjson::minify(value));
        }
      }
      w.EndObject();
    }
    w.EndObject();
    std::string text = w.Take();
    text.push_back('\n');
    if (Status st = WriteFileAtomically(path, text); !st.ok()) return st;
  }
  return Status::Ok();
}

}  // namespace moisson::io
