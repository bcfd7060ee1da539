// The crawl's own state, for stop and resume (`moisson crawl --resume DIR`):
// DIR/crawl-state.sqlite holds every URL admitted to the frontier (done or
// not), each origin's policy files as fetched (the robots.txt cache), the
// output positions and the options of the crawl.
//
// Writes happen in checkpoints: one transaction holds the URLs discovered
// and finished since the previous one, the hosts whose policy changed, and
// the positions the output writers reached; the crawler commits it only
// after the outputs up to those positions are on disk. A crash loses the
// work since the last checkpoint, which a resume redoes.
#ifndef MOISSON_CRAWLER_STATE_H_
#define MOISSON_CRAWLER_STATE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

struct sqlite3;

namespace moisson::crawler {

inline constexpr int kCrawlStateVersion = 2;

struct UrlRow {
  std::int64_t id = 0;
  std::string url;
  int depth = 0;
  int hops = 0;  // redirects followed to reach it
  bool done = false;
  int kind = 0;  // 0 a page, 1 a sitemap (depth = sitemap index nesting), 2 a link refused for its credentials
};

// What an origin published, as fetched.
struct HostRow {
  std::string origin;           // "https://example.org:8443"
  std::int64_t fetched_at = 0;  // unix seconds
  std::int64_t lifetime = 0;    // seconds the entry may be used
  int robots_status = 0;
  bool robots_network_error = false;
  bool robots_timed_out = false;
  int robots_redirects = 0;
  // Why robots.txt was not read when a check of ours refused it (then
  // robots_network_error is set): "fetch.address_refused: connect address
  // ... is loopback", "redirect.blocked Location: URL (...)"; "" otherwise.
  std::string robots_refusal;
  std::string robots_body;
  std::optional<std::string> ai_txt;
  std::optional<std::string> tdmrep;
};

struct CheckpointData {
  std::vector<UrlRow> new_urls;
  std::vector<std::int64_t> done;
  std::vector<HostRow> hosts;
  std::vector<std::pair<std::string, std::string>> meta;
};

class CrawlState {
 public:
  ~CrawlState();
  // Opens DIR's state file; `create` makes a new one (an existing file is
  // then an error: use --resume). Errors name the file.
  static Result<std::unique_ptr<CrawlState>> Open(const std::string& path, bool create);

  Result<std::optional<std::string>> Meta(std::string_view key) const;
  Status ForEachUrl(const std::function<void(UrlRow&&)>& f) const;
  Result<std::vector<HostRow>> Hosts() const;
  // One transaction: all or nothing.
  Status Commit(const CheckpointData& data);
  const std::string& path() const { return path_; }

 private:
  CrawlState(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  Status Error(const char* what) const;
  std::string path_;
  sqlite3* db_;
};

}  // namespace moisson::crawler

#endif  // MOISSON_CRAWLER_STATE_H_
