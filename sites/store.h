// The site-policy store: what sites published about collection (robots.txt,
// ai.txt, /.well-known/tdmrep.json), capture by capture, for documents read
// from dumps. A crawl reads these files before fetching; a dump's records
// come without them, so `moisson sites import` takes them from robots.txt
// captures (Common Crawl's robots.txt subset: WARC response records of
// /robots.txt with their status and date) or from folders of files, and
// `moisson sites fetch` fetches them with the crawler's fetcher. `filter` and
// `scan --sites STORE` then judge every URL as the crawler would
// (sites/policies.h; docs/sites.md).
//
//   auto store = SiteStore::Open("sites.sqlite", SiteStore::kCreate);
//   auto n = ImportWarc(**store, "robotstxt.warc.gz", on_issue);  // captures added
//
// A store is one SQLite file (WAL). A capture is kept once: importing the
// same WARC twice adds nothing the second time. Messages name files and
// offsets, never a body.
#ifndef MOISSON_SITES_STORE_H_
#define MOISSON_SITES_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sqlite.h"
#include "core/status.h"

namespace moisson::sites {

// The three files a site publishes at fixed paths of its origin.
enum class SiteFile : std::uint8_t { kRobots, kAiTxt, kTdmrep };
std::string_view SiteFileName(SiteFile f);        // "robots.txt", "ai.txt", "tdmrep.json"
std::string_view SiteFilePath(SiteFile f);        // "/robots.txt", "/ai.txt", "/.well-known/tdmrep.json"
// The file a URL path names ("/robots.txt" -> kRobots); nullopt for any other
// path, and for a path with a query.
std::optional<SiteFile> SiteFileOfPath(std::string_view path_query);

// Where a redirect of a site file leads (a Location as sent: an absolute
// URL, "//host/path", "/path" or a path relative to the file's folder), as
// origin and path; nullopt when it is none of those.
std::optional<std::pair<std::string, std::string>> RedirectTarget(std::string_view origin, std::string_view path,
                                                                   std::string_view location);

// One fetch of one URL of one origin: a site file, or the target of a site
// file's redirect (a robots.txt moved to another path).
struct Capture {
  std::string origin;          // "scheme://host[:port]" (core/url.h HttpUrl::Origin)
  std::string path;            // "/robots.txt", or a redirect target's path and query
  SiteFile file = SiteFile::kRobots;  // what `path` is (meaningless for a redirect target)
  std::int64_t fetched_at = 0; // seconds since 1970, UTC
  int status = 0;              // HTTP status; 0 when no response (network error, timeout)
  bool network_error = false;
  bool timed_out = false;
  int redirects = 0;           // redirects followed before `status`
  std::string location;        // a 3xx's Location, as sent
  std::string source;          // where it was read: "FILE offset N", a folder file, "fetch"
  std::string body;            // the body (2xx); may be empty
};

class SiteStore {
 public:
  enum Mode { kReadOnly, kCreate };
  // Opens (kCreate: creates when missing) the store at `path`. Errors name the
  // file: not a store, another schema, not readable.
  static Result<std::unique_ptr<SiteStore>> Open(const std::string& path, Mode mode);
  ~SiteStore();
  SiteStore(const SiteStore&) = delete;
  SiteStore& operator=(const SiteStore&) = delete;

  // Adds a capture; false when the same capture (origin, file, date, status,
  // body) is there already.
  Result<bool> Add(const Capture& c);
  // A transaction around many Add() calls (an import commits once, or not at all).
  Status Begin();
  Status Commit();
  void Rollback();

  // Every capture of a site file, ordered by origin, file and date. The
  // callback may stop the walk by returning false.
  Status ForEach(const std::function<bool(Capture&&)>& fn) const;

  // The captures of one URL (origin and path), by date: what a redirect leads to.
  Result<std::vector<Capture>> CapturesAt(std::string_view origin, std::string_view path) const;

  // The origins with a robots.txt capture, in order.
  Status ForEachOrigin(const std::function<bool(std::string_view)>& fn) const;
  // The site-file captures of one origin, by file and date.
  Status ForOrigin(std::string_view origin, const std::function<bool(Capture&&)>& fn) const;

  struct Counts {
    std::int64_t captures = 0, origins = 0;
    std::int64_t by_file[3] = {0, 0, 0};          // captures of each SiteFile
    std::int64_t origins_by_file[3] = {0, 0, 0};  // origins with a capture of each SiteFile
  };
  Result<Counts> Count() const;
  const std::string& path() const { return path_; }

 private:
  SiteStore() = default;
  // All site-file captures (no filter), one URL's (`path` set), or one
  // origin's site files (`path` empty).
  Status Walk(const std::pair<std::string_view, std::string_view>* only,
              const std::function<bool(Capture&&)>& fn) const;
  sqlite3* db_ = nullptr;
  std::string path_;
  SqliteStatement insert_;
};

// What an import did.
struct ImportCounts {
  std::int64_t added = 0;       // new captures
  std::int64_t already = 0;     // captures the store held already
  std::int64_t ignored = 0;     // records that are no site file (other paths, request records...)
  std::int64_t unreadable = 0;  // records skipped: malformed, no date, not an http(s) URL
};

// Reads the response records of a WARC file (plain or gzip; "-" for standard
// input) whose target is /robots.txt, /ai.txt or /.well-known/tdmrep.json,
// with their HTTP status, Location and WARC-Date, whatever their status, and
// the records of the URLs their redirects lead to when those come later in
// the file (as a crawler writes a redirect, then its target). Each
// unreadable record is reported to `on_issue` (file and offset). All or
// nothing: a damaged file (truncated gzip) adds nothing and is an error.
Result<ImportCounts> ImportWarc(SiteStore& store, const std::string& path,
                                const std::function<void(const std::string&)>& on_issue);

// Reads a folder of site files: DIR/HOST/robots.txt, DIR/HOST/ai.txt and
// DIR/HOST/.well-known/tdmrep.json (or DIR/HOST/tdmrep.json), HOST a host
// name with an optional ":port", for the origin `scheme`://HOST, captured at
// `fetched_at` (seconds since 1970) with status 200. A HOST folder with none
// of the three files is reported. All or nothing.
Result<ImportCounts> ImportFolder(SiteStore& store, const std::string& dir, std::string_view scheme,
                                  std::int64_t fetched_at, const std::function<void(const std::string&)>& on_issue);

}  // namespace moisson::sites

#endif  // MOISSON_SITES_STORE_H_
