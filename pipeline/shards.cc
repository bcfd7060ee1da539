#include "pipeline/shards.h"

#include <simdjson.h>
#include <stdlib.h>
#include <cstdint>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <set>

#include "core/file_util.h"
#include "core/json.h"
#include "core/time_util.h"
#include "core/version.h"
#include "io/shard_manifest.h"

namespace moisson::pipeline {
namespace {

namespace fs = std::filesystem;

std::string Rank5(std::uint32_t rank) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%05u", rank);
  return buf;
}

io::ShardOptions WriterOptions(const ShardedOutputOptions& o, std::string_view kind, const std::string& dir) {
  io::ShardOptions w;
  w.dir = dir;
  w.prefix = ShardPrefix(kind, o.rank);
  w.zstd = true;
  w.max_shard_bytes = o.shard_bytes;
  return w;
}

void CountsJson(const InputCounts& c, JsonWriter* w) {
  w->BeginObject().Key("kept").Int(static_cast<std::int64_t>(c.kept));
  w->Key("modified").Int(static_cast<std::int64_t>(c.modified));
  w->Key("dropped").Int(static_cast<std::int64_t>(c.dropped));
  w->Key("dropped_by_reason").BeginObject();
  for (const auto& [r, n] : c.dropped_by_reason) w->Key(r).Int(static_cast<std::int64_t>(n));
  w->EndObject().EndObject();
}

void AddCounts(const InputCounts& from, InputCounts* to) {
  to->kept += from.kept;
  to->modified += from.modified;
  to->dropped += from.dropped;
  for (const auto& [r, n] : from.dropped_by_reason) to->dropped_by_reason[r] += n;
}

bool ReadCounts(simdjson::dom::element e, InputCounts* c) {
  std::uint64_t v;
  if (e["kept"].get(v)) return false;
  c->kept = v;
  if (e["modified"].get(v)) return false;
  c->modified = v;
  if (e["dropped"].get(v)) return false;
  c->dropped = v;
  simdjson::dom::object reasons;
  if (e["dropped_by_reason"].get(reasons)) return false;
  for (auto [k, val] : reasons) {
    if (val.get(v)) return false;
    c->dropped_by_reason[std::string(k)] = v;
  }
  return true;
}

// The final shards `prefix`-NNNNN.jsonl.zst of `dir`, by number.
std::vector<std::string> FinalShards(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.starts_with(prefix + "-") && name.ends_with(".jsonl.zst")) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void ShardsJson(const std::vector<io::ShardFacts>& shards, JsonWriter* w) {
  w->BeginArray();
  for (const io::ShardFacts& s : shards) {
    w->BeginObject().Key("file").String(s.file).Key("records").Int(static_cast<std::int64_t>(s.records));
    w->Key("bytes").Int(static_cast<std::int64_t>(s.bytes)).Key("sha256").String(s.sha256).EndObject();
  }
  w->EndArray();
}

}  // namespace

std::string ShardPrefix(std::string_view kind, std::uint32_t rank) { return std::string(kind) + "-" + Rank5(rank); }

std::string ManifestName(std::uint32_t rank) { return "manifest-" + Rank5(rank) + ".json"; }

std::string FinishedFileOfRank(const std::string& dir, std::uint32_t rank) {
  for (const char* kind : {"part", "rejects"}) {  // attribute files are named as the records' shards
    std::vector<std::string> shards = FinalShards(dir, ShardPrefix(kind, rank));
    if (!shards.empty()) return shards.front();
  }
  std::error_code ec;
  return fs::exists(fs::path(dir) / ManifestName(rank), ec) ? ManifestName(rank) : std::string();
}

Result<std::string> OutputKey(const std::string& dir, std::uint32_t rank) {
  char* real = ::realpath(dir.c_str(), nullptr);
  if (real == nullptr) return Status::NotFound(dir + ": cannot resolve the output folder");
  std::string key(real);
  std::free(real);
  return key + "#" + std::to_string(rank);
}

std::string PositionJson(const OutputPosition& p) {
  JsonWriter w;
  w.BeginObject();
  w.Key("part").BeginArray().Int(p.part.shard).Int(static_cast<std::int64_t>(p.part.bytes)).EndArray();
  w.Key("rejects").BeginArray().Int(p.rejects.shard).Int(static_cast<std::int64_t>(p.rejects.bytes)).EndArray();
  w.Key("attributes").BeginArray().Int(p.attributes.shard).Int(static_cast<std::int64_t>(p.attributes.bytes)).EndArray();
  w.Key("with_rejects").Bool(p.with_rejects).Key("with_attributes").Bool(p.with_attributes);
  w.Key("world_size").Int(p.world_size);
  w.Key("counts");
  CountsJson(p.counts, &w);
  w.EndObject();
  return w.Take();
}

Result<OutputPosition> ParsePosition(std::string_view json) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  const Status bad = Status::InvalidArgument("a finished input's position in the ledger is not one moisson wrote");
  if (parser.parse(json.data(), json.size()).get(doc)) return bad;
  OutputPosition p;
  for (auto [key, pos] : {std::pair{"part", &p.part}, {"rejects", &p.rejects}, {"attributes", &p.attributes}}) {
    simdjson::dom::array a;
    std::uint64_t shard, bytes;
    if (doc[key].get(a) || a.size() != 2 || a.at(0).get(shard) || a.at(1).get(bytes) || shard > UINT32_MAX) return bad;
    pos->shard = static_cast<std::uint32_t>(shard);
    pos->bytes = bytes;
  }
  if (doc["with_rejects"].get(p.with_rejects) || doc["with_attributes"].get(p.with_attributes)) return bad;
  std::uint64_t world;
  if (doc["world_size"].get(world) || world == 0 || world > UINT32_MAX) return bad;
  p.world_size = static_cast<std::uint32_t>(world);
  simdjson::dom::element counts;
  if (doc["counts"].get(counts) || !ReadCounts(counts, &p.counts)) return bad;
  return p;
}

Result<std::unique_ptr<ShardedOutput>> ShardedOutput::Open(const ShardedOutputOptions& options,
                                                           const std::optional<OutputPosition>& resume_at) {
  auto out = std::unique_ptr<ShardedOutput>(new ShardedOutput());
  out->options_ = options;
  auto part = io::ShardWriter::Open(WriterOptions(options, "part", options.dir),
                                    resume_at ? std::optional(resume_at->part) : std::nullopt);
  if (!part.ok()) return part.status();
  out->part_ = std::move(part).value();
  if (!options.rejects_dir.empty()) {
    auto rej = io::ShardWriter::Open(WriterOptions(options, "rejects", options.rejects_dir),
                                     resume_at ? std::optional(resume_at->rejects) : std::nullopt);
    if (!rej.ok()) return rej.status();
    out->rejects_ = std::move(rej).value();
  }
  if (!options.attributes_dir.empty()) {
    io::ShardOptions a = WriterOptions(options, "part", options.attributes_dir);
    a.max_shard_bytes = UINT64_MAX;  // follows the records' shards (WriteInShard), never its own size
    auto attr = io::ShardWriter::Open(a, resume_at ? std::optional(resume_at->attributes) : std::nullopt);
    if (!attr.ok()) return attr.status();
    out->attributes_ = std::move(attr).value();
  }
  return out;
}

Status ShardedOutput::Write(std::string_view json_line) { return part_->Write(json_line); }

Status ShardedOutput::WriteAttributes(std::string_view json_line) {
  return attributes_ ? attributes_->WriteInShard(part_->CurrentShard(), json_line) : Status::Ok();
}

Status ShardedOutput::WriteReject(std::string_view json_line) {
  return rejects_ ? rejects_->Write(json_line) : Status::Ok();
}

Result<OutputPosition> ShardedOutput::Checkpoint() {
  OutputPosition p;
  p.world_size = options_.world_size;
  p.with_rejects = rejects_ != nullptr;
  p.with_attributes = attributes_ != nullptr;
  auto a = part_->Checkpoint();
  if (!a.ok()) return a.status();
  p.part = *a;
  if (rejects_) {
    auto b = rejects_->Checkpoint();
    if (!b.ok()) return b.status();
    p.rejects = *b;
  }
  if (attributes_) {
    auto c = attributes_->Checkpoint();
    if (!c.ok()) return c.status();
    p.attributes = *c;
  }
  return p;
}

Status ShardedOutput::Close() {
  if (Status st = part_->Close(); !st.ok()) return st;
  if (rejects_) {
    if (Status st = rejects_->Close(); !st.ok()) return st;
  }
  return attributes_ ? attributes_->Close() : Status::Ok();
}

Status WriteManifest(const ShardedOutputOptions& o, std::string_view command,
                     const std::vector<audit::FinishedInput>& inputs) {
  JsonWriter w;
  w.BeginObject().Key("moisson_version").String(MOISSON_VERSION).Key("command").String(command);
  w.Key("rank").Int(o.rank).Key("world_size").Int(o.world_size).Key("written_at").String(UtcNowIso8601());
  InputCounts total;
  std::uint64_t documents = 0, skipped = 0;
  w.Key("inputs").BeginArray();
  for (const audit::FinishedInput& f : inputs) {
    auto pos = ParsePosition(f.position);
    if (!pos.ok()) return pos.status();
    AddCounts(pos->counts, &total);
    documents += f.documents;
    skipped += f.skipped;
    w.BeginObject().Key("input").String(f.input).Key("documents").Int(static_cast<std::int64_t>(f.documents));
    w.Key("skipped").Int(static_cast<std::int64_t>(f.skipped)).Key("run").Int(f.run);
    w.Key("finished_at").String(f.finished_at).Key("counts");
    CountsJson(pos->counts, &w);
    w.EndObject();
  }
  w.EndArray();
  std::uint64_t records = 0, bytes = 0;
  struct Listed {
    const char* kind;  // the files' prefix
    std::string dir;
    const char* key;   // the manifest's list
  };
  for (const Listed& l : {Listed{"part", o.dir, "shards"}, Listed{"rejects", o.rejects_dir, "rejects"},
                          Listed{"part", o.attributes_dir, "attributes"}}) {
    const char* kind = l.kind;
    const std::string& dir = l.dir;
    std::vector<io::ShardFacts> shards;
    if (!dir.empty()) {
      for (const std::string& name : FinalShards(dir, ShardPrefix(kind, o.rank))) {
        auto f = io::ReadShardFacts(dir + "/" + name, true);
        if (!f.ok()) return f.status();
        if (std::string_view(l.key) == "shards") {
          records += f->records;
          bytes += f->bytes;
        }
        shards.push_back(std::move(f).value());
      }
    }
    w.Key(l.key);
    if (dir.empty()) {
      w.Null();
    } else {
      ShardsJson(shards, &w);
    }
  }
  w.Key("rejects_dir").String(o.rejects_dir.empty() ? std::string() : fs::absolute(o.rejects_dir).string());
  w.Key("attributes_dir").String(o.attributes_dir.empty() ? std::string() : fs::absolute(o.attributes_dir).string());
  w.Key("totals").BeginObject();
  w.Key("inputs").Int(static_cast<std::int64_t>(inputs.size()));
  w.Key("documents").Int(static_cast<std::int64_t>(documents)).Key("skipped").Int(static_cast<std::int64_t>(skipped));
  w.Key("records").Int(static_cast<std::int64_t>(records)).Key("bytes").Int(static_cast<std::int64_t>(bytes));
  w.Key("counts");
  CountsJson(total, &w);
  w.EndObject().EndObject();
  std::string text = w.Take();
  text.push_back('\n');
  return WriteFileAtomically(o.dir + "/" + ManifestName(o.rank), text);
}

Result<std::string> MergeSummaries(const std::string& dir, bool verify) {
  struct stat sb;
  if (::stat(dir.c_str(), &sb) != 0 || !S_ISDIR(sb.st_mode)) return Status::NotFound(dir + ": not a folder");
  const std::vector<std::string> manifests = io::ManifestsIn(dir);
  if (manifests.empty()) return Status::NotFound(dir + ": no manifest-*.json (did any rank finish?)");
  simdjson::dom::parser parser;
  std::int64_t world = -1;
  std::set<std::int64_t> ranks;
  std::set<std::string> inputs_seen;
  std::string command;
  InputCounts total;
  std::uint64_t inputs = 0, documents = 0, skipped = 0, records = 0, bytes = 0, shard_count = 0;
  for (const std::string& name : manifests) {
    const std::string path = dir + "/" + name;
    simdjson::dom::element m;
    const Status bad = Status::InvalidArgument(path + ": not a manifest moisson wrote");
    if (parser.load(path).get(m)) return bad;
    std::int64_t rank, ws;
    std::string_view cmd;
    if (m["rank"].get(rank) || m["world_size"].get(ws) || m["command"].get(cmd) || ws <= 0 || rank < 0 ||
        rank >= ws) {
      return bad;
    }
    if (world >= 0 && ws != world) {
      return Status::InvalidArgument(path + ": world size " + std::to_string(ws) + ", another manifest says " +
                                     std::to_string(world) + " (two runs of different sizes share the folder)");
    }
    if (!command.empty() && cmd != command) return Status::InvalidArgument(path + ": mixes scan and filter outputs");
    world = ws;
    command = std::string(cmd);
    ranks.insert(rank);
    simdjson::dom::array in;
    if (m["inputs"].get(in)) return bad;
    for (simdjson::dom::element i : in) {
      std::string_view input;
      std::uint64_t d, s;
      simdjson::dom::element c;
      InputCounts counts;
      if (i["input"].get(input) || i["documents"].get(d) || i["skipped"].get(s) || i["counts"].get(c) ||
          !ReadCounts(c, &counts)) {
        return bad;
      }
      if (!inputs_seen.insert(std::string(input)).second) {
        return Status::InvalidArgument(path + ": input " + std::string(input) +
                                       " is also in another rank's manifest: its records are in the outputs twice");
      }
      ++inputs;
      documents += d;
      skipped += s;
      AddCounts(counts, &total);
    }
    simdjson::dom::array shards;
    if (m["shards"].get(shards)) return bad;
    for (simdjson::dom::element s : shards) {
      std::string_view file, sha;
      std::uint64_t r, b;
      if (s["file"].get(file) || s["records"].get(r) || s["bytes"].get(b) || s["sha256"].get(sha)) return bad;
      const std::string shard_path = dir + "/" + std::string(file);
      // Size and digest first: a changed file is named as such, before its
      // records are read (a changed compressed file may not decompress).
      auto f = io::ReadShardFacts(shard_path, false);
      if (!f.ok()) return f.status();
      if (f->bytes != b || (verify && f->sha256 != sha)) {
        return Status::InvalidArgument(shard_path + ": does not match its manifest (" + name + ")");
      }
      if (verify) {
        auto counted = io::ReadShardFacts(shard_path, true);
        if (!counted.ok()) return counted.status();
        if (counted->records != r) {
          return Status::InvalidArgument(shard_path + ": holds " + std::to_string(counted->records) +
                                         " records, its manifest (" + name + ") says " + std::to_string(r));
        }
      }
      records += r;
      bytes += b;
      ++shard_count;
    }
  }
  std::vector<std::int64_t> missing;
  for (std::int64_t r = 0; r < world; ++r) {
    if (!ranks.count(r)) missing.push_back(r);
  }
  if (!missing.empty()) {
    std::string list;
    for (std::int64_t r : missing) list += (list.empty() ? "" : ", ") + std::to_string(r);
    return Status::NotFound(dir + ": no manifest for rank " + list + " of " + std::to_string(world) +
                            " (not finished yet, or failed: run it again with --resume)");
  }
  JsonWriter w;
  w.BeginObject().Key("moisson_version").String(MOISSON_VERSION).Key("command").String(command);
  w.Key("world_size").Int(world).Key("merged_at").String(UtcNowIso8601()).Key("verified").Bool(verify);
  w.Key("inputs").Int(static_cast<std::int64_t>(inputs)).Key("documents").Int(static_cast<std::int64_t>(documents));
  w.Key("skipped").Int(static_cast<std::int64_t>(skipped)).Key("shards").Int(static_cast<std::int64_t>(shard_count));
  w.Key("records").Int(static_cast<std::int64_t>(records)).Key("bytes").Int(static_cast<std::int64_t>(bytes));
  w.Key("counts");
  CountsJson(total, &w);
  w.EndObject();
  std::string text = w.Take();
  text.push_back('\n');
  if (Status st = WriteFileAtomically(dir + "/summary.json", text); !st.ok()) return st;
  return text;
}

}  // namespace moisson::pipeline
