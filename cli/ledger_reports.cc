#include "cli/ledger_reports.h"

#include <unistd.h>

#include <filesystem>
#include <system_error>

#include "cli/commands.h"
#include "core/json.h"

namespace moisson::cli {

Result<std::unique_ptr<audit::Ledger>> OpenExistingLedger(const std::string& path) {
  // A PostgreSQL ledger is a server's database: Open connects (and creates
  // the tables in an empty database, which then reads as an empty ledger).
  if (audit::Ledger::IsPostgresName(path)) return audit::Ledger::Open(path);
  if (access(path.c_str(), F_OK) != 0) return Status::NotFound(path + ": no such ledger");
  return audit::Ledger::OpenSqlite(path);
}

int LedgerOpenExitCode(const Status& st) { return st.code() == Status::Code::kNotFound ? kExitUsage : kExitFailed; }

std::string CsvField(std::string_view v) {
  if (v.find_first_of(",\"\n") == std::string_view::npos) return std::string(v);
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string HitJson(const audit::IdentifierHit& h) {
  JsonWriter w;
  w.BeginObject()
      .Key("row").Int(h.row)
      .Key("run").Int(h.run)
      .Key("url").String(h.url)
      .Key("site").String(h.site)
      .Key("considered_at").String(h.considered_at)
      .Key("decision").String(h.decision)
      .Key("reasons").BeginArray();
  for (const auto& r : h.reasons) w.String(r);
  w.EndArray()
      .Key("fetched").Bool(h.fetched)
      .Key("http_status").Int(h.http_status)
      .Key("signal").String(h.signal)
      .Key("output_file").String(h.output_file)
      .Key("output_id").String(h.output_id);
  if (!h.erased_at.empty()) w.Key("erased_at").String(h.erased_at);
  if (!h.source_file.empty()) {
    w.Key("source_file").String(h.source_file).Key("source_offset").Int(static_cast<std::int64_t>(h.source_offset));
  }
  w.EndObject();
  return w.Take();
}

std::string UnderRoot(const std::string& root, const std::string& file) {
  if (root.empty() || file.empty() || file.front() == '/') return file;
  return (std::filesystem::path(root) / file).string();
}

std::map<std::string, std::unordered_set<std::string>> WarcTargets(
    const std::vector<audit::IdentifierHit>& hits, const std::function<std::string(const std::string&)>& resolve,
    std::vector<std::string>* partial) {
  namespace fs = std::filesystem;
  // Output folder -> the crawled URLs whose records went there.
  std::map<std::string, std::unordered_set<std::string>> by_dir;
  for (const auto& h : hits) {
    if (!h.fetched || h.url.empty() || h.output_file.empty()) continue;
    const fs::path dir = fs::path(resolve(h.output_file)).parent_path() / "warc";
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

}  // namespace moisson::cli
