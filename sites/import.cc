// `moisson sites import`: site files from WARC captures and from folders.
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <unordered_set>
#include <vector>

#include "core/file_util.h"
#include "core/strings.h"
#include "core/time_util.h"
#include "core/url.h"
#include "io/record.h"
#include "sites/store.h"

namespace moisson::sites {

namespace {

// Site files are small: robots.txt is read up to 500 KiB (RFC 9309 2.5);
// a larger capture is refused rather than cut.
constexpr std::size_t kMaxSiteFileBytes = 16u << 20;

// Runs `add` inside one transaction: committed when it succeeds, rolled back
// (nothing added) when it fails.
Result<ImportCounts> InTransaction(SiteStore& store, const std::function<Result<ImportCounts>()>& add) {
  if (Status s = store.Begin(); !s.ok()) return s;
  Result<ImportCounts> r = add();
  if (!r.ok()) {
    store.Rollback();
    return r;
  }
  if (Status s = store.Commit(); !s.ok()) {
    store.Rollback();
    return s;
  }
  return r;
}

Status Count(SiteStore& store, const Capture& c, ImportCounts* n) {
  auto added = store.Add(c);
  if (!added.ok()) return added.status();
  ++(*added ? n->added : n->already);
  return Status::Ok();
}

}  // namespace

Result<ImportCounts> ImportWarc(SiteStore& store, const std::string& path,
                                const std::function<void(const std::string&)>& on_issue) {
  return InTransaction(store, [&]() -> Result<ImportCounts> {
    ImportCounts n;
    std::string damage;
    io::ReaderOptions options;
    options.any_response = true;
    options.max_record_bytes = kMaxSiteFileBytes;
    options.on_skip = [&](const io::ReadIssue& issue) {
      if (issue.kind == io::ReadIssue::Kind::kDamaged) {
        if (damage.empty()) damage = io::IssueText(issue);
        return;
      }
      ++n.unreadable;
      if (on_issue) on_issue(io::IssueText(issue));
    };
    auto reader = io::OpenReader(path, options);
    if (!reader.ok()) return reader.status();
    io::InputRecord r;
    std::unordered_set<std::string> redirect_targets;  // origin + path of the redirects read so far
    while (true) {
      auto more = (*reader)->Next(&r);
      if (!more.ok()) return more.status();
      if (!*more) break;
      if (r.http_status == 0) {  // a WET conversion, a JSONL line: no HTTP response
        ++n.ignored;
        continue;
      }
      auto url = ParseHttpUrl(r.url);
      if (!url.ok()) {
        ++n.ignored;
        continue;
      }
      const std::optional<SiteFile> file = SiteFileOfPath(url->path_query);
      std::string origin = url->Origin();
      if (!file && !redirect_targets.contains(origin + url->path_query)) {
        ++n.ignored;
        continue;
      }
      const std::optional<std::int64_t> when = ParseIso8601(r.date);
      if (!when) {
        ++n.unreadable;
        if (on_issue) on_issue(io::RecordPosition(r.source_file, r.offset, 0) + ": no readable WARC-Date");
        continue;
      }
      Capture c;
      c.origin = std::move(origin);
      c.path = url->path_query;
      c.file = file.value_or(SiteFile::kRobots);
      c.fetched_at = *when;
      c.status = r.http_status;
      for (const auto& [name, value] : r.headers) {
        if (EqualsIgnoreCase(name, "Location")) c.location = value;
      }
      c.source = io::RecordPosition(r.source_file, r.offset, 0);
      if (c.status >= 200 && c.status < 300) c.body = std::move(r.content);
      if (c.status >= 300 && c.status < 400) {
        if (auto t = RedirectTarget(c.origin, c.path, c.location)) redirect_targets.insert(t->first + t->second);
      }
      if (Status s = Count(store, c, &n); !s.ok()) return s;
    }
    // A cut or corrupt file may have lost captures, among them a later
    // opt-out: nothing of it is taken.
    if (!damage.empty()) return Status::InvalidArgument(damage + "; nothing imported from this file");
    return n;
  });
}

Result<ImportCounts> ImportFolder(SiteStore& store, const std::string& dir, std::string_view scheme,
                                  std::int64_t fetched_at, const std::function<void(const std::string&)>& on_issue) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return Status::InvalidArgument(dir + ": not a folder of site files");
  std::vector<fs::path> hosts;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory(ec)) hosts.push_back(it->path());
  }
  if (ec) return Status::Io(dir + ": cannot list: " + ec.message());
  std::sort(hosts.begin(), hosts.end());
  return InTransaction(store, [&]() -> Result<ImportCounts> {
    ImportCounts n;
    for (const fs::path& host : hosts) {
      const std::string name = host.filename().string();
      auto url = ParseHttpUrl(std::string(scheme) + "://" + name + "/");
      if (!url.ok()) {
        ++n.unreadable;
        if (on_issue) on_issue(host.string() + ": not a host name (a folder per host: DIR/HOST/robots.txt)");
        continue;
      }
      bool any = false;
      const std::pair<SiteFile, const char*> files[] = {{SiteFile::kRobots, "robots.txt"},
                                                        {SiteFile::kAiTxt, "ai.txt"},
                                                        {SiteFile::kTdmrep, ".well-known/tdmrep.json"},
                                                        {SiteFile::kTdmrep, "tdmrep.json"}};
      bool tdmrep_done = false;
      for (const auto& [file, rel] : files) {
        if (file == SiteFile::kTdmrep && tdmrep_done) continue;
        const fs::path p = host / rel;
        if (!fs::is_regular_file(p, ec)) continue;
        auto body = ReadFileToString(p.string(), kMaxSiteFileBytes);
        if (!body.ok()) return body.status();
        Capture c;
        c.origin = url->Origin();
        c.path = std::string(SiteFilePath(file));
        c.file = file;
        c.fetched_at = fetched_at;
        c.status = 200;
        c.source = p.string();
        c.body = std::move(body).value();
        if (Status s = Count(store, c, &n); !s.ok()) return s;
        any = true;
        if (file == SiteFile::kTdmrep) tdmrep_done = true;
      }
      if (!any) {
        ++n.ignored;
        if (on_issue) on_issue(host.string() + ": no robots.txt, ai.txt nor tdmrep.json");
      }
    }
    return n;
  });
}

}  // namespace moisson::sites
