#include "rights/outputs.h"

#include <unistd.h>

#include <filesystem>

#include "io/jsonl_records.h"
#include "io/shard_manifest.h"
#include "io/warc_records.h"

namespace moisson::rights {
namespace {

// Does the JSONL file hold at least one record?
Result<bool> HasRecords(const std::string& path) {
  bool any = false;
  // The first record is enough: the callback stops the read there.
  Status st = io::ForEachJsonlRecord(path, [&](std::string_view, const io::RecordKey&) {
    any = true;
    return Status::Internal("stop");
  });
  if (!st.ok() && !any) return st;
  return any;
}

}  // namespace

std::string OutputLocator::Resolve(const std::string& file) const {
  if (root_.empty() || file.empty() || file.front() == '/') return file;
  return (std::filesystem::path(root_) / file).string();
}

std::map<std::string, std::map<std::string, const audit::IdentifierHit*>> OutputLocator::RowsByOutput(
    const std::vector<audit::IdentifierHit>& rows) const {
  std::map<std::string, std::map<std::string, const audit::IdentifierHit*>> out;
  for (const auto& h : rows) {
    if (!h.output_file.empty() && !h.output_id.empty()) out[Resolve(h.output_file)][h.output_id] = &h;
  }
  return out;
}

io::RecordSelection Selection(const std::map<std::string, const audit::IdentifierHit*>& rows_by_id) {
  io::RecordSelection s;
  for (const auto& [id, hit] : rows_by_id) s.Add(id, hit->content_sha256);
  return s;
}

std::map<std::string, std::unordered_set<std::string>> OutputLocator::WarcTargets(
    const std::vector<audit::IdentifierHit>& rows, std::vector<std::string>* partial) const {
  namespace fs = std::filesystem;
  // Output folder -> the crawled URLs whose records went there.
  std::map<std::string, std::unordered_set<std::string>> by_dir;
  for (const auto& h : rows) {
    if (!h.fetched || h.url.empty() || h.output_file.empty()) continue;
    const fs::path dir = fs::path(Resolve(h.output_file)).parent_path() / "warc";
    by_dir[dir.string()].insert(h.url);
  }
  std::map<std::string, std::unordered_set<std::string>> out;
  for (const auto& [dir, urls] : by_dir) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      const std::string name = e.path().filename().string();
      if (!e.is_regular_file(ec)) continue;
      if (name.ends_with(".warc.gz") || name.ends_with(".warc")) {
        out[e.path().string()].insert(urls.begin(), urls.end());
      } else if (partial != nullptr && (name.ends_with(".warc.gz.partial") || name.ends_with(".warc.partial"))) {
        partial->push_back(e.path().string());
      }
    }
  }
  return out;
}

Result<RemovalReport> RemoveFromOutputs(const std::vector<audit::IdentifierHit>& rows, const OutputLocator& where,
                                        const RemovalOptions& options) {
  RemovalReport report;
  std::vector<std::string> partial;
  const auto warcs = where.WarcTargets(rows, &partial);
  report.still_written = std::move(partial);
  if (!report.still_written.empty() && !options.dry_run) return report;  // nothing changed
  for (const auto& [file, by_id] : where.RowsByOutput(rows)) {
    const io::RecordSelection records = Selection(by_id);
    if (::access(file.c_str(), F_OK) != 0) {
      report.missing.push_back(file);
      continue;
    }
    FileRemoval f{file};
    if (options.dry_run) {
      auto n = io::CountJsonlRecords(file, records);
      if (!n.ok()) return n.status();
      f.removed = n->removed;
      report.other_content += n->other_content;
    } else {
      // A shard with a dolma attribute file beside it: the rows of the
      // records that go, found before they go, go from it too.
      const std::string attributes = io::AttributesFileOf(file);
      std::vector<std::uint64_t> attr_rows;
      std::vector<std::string> attr_ids;
      if (!attributes.empty()) {
        std::uint64_t row = 0;
        Status st = io::ForEachJsonlRecord(file, [&](std::string_view, const io::RecordKey& key) {
          if (records.Classify(key) == io::RecordSelection::Match::kMatch) {
            attr_rows.push_back(row);
            attr_ids.push_back(key.id);
          }
          ++row;
          return Status::Ok();
        });
        if (!st.ok()) return st;
      }
      auto n = io::RemoveJsonlRecords(file, records);
      if (!n.ok()) return n.status();
      if (!attr_rows.empty()) {
        if (Status st = io::RemoveRows(attributes, attr_rows, attr_ids); !st.ok()) return st;
      }
      f.removed = n->removed;
      report.other_content += n->other_content;
      if (options.delete_emptied) {
        auto any = HasRecords(file);
        if (!any.ok()) return any.status();
        if (!*any) {
          if (::unlink(file.c_str()) != 0) return Status::Io(file + ": cannot delete the emptied output");
          f.deleted = true;
        }
      }
      // A shard of a sharded run: its manifest follows (io/shard_manifest.h).
      if (f.removed > 0 || f.deleted) {
        if (Status st = io::RefreshManifests(file); !st.ok()) return st;
      }
    }
    report.removed += f.removed;
    report.outputs.push_back(std::move(f));
  }
  for (const auto& [file, urls] : warcs) {
    if (options.dry_run) {
      report.warcs.push_back({file, urls.size(), false});
      continue;
    }
    auto n = io::RemoveWarcRecords(file, urls);
    if (!n.ok()) return n.status();
    report.warc_removed += *n;
    report.warcs.push_back({file, *n, false});
  }
  return report;
}

}  // namespace moisson::rights
