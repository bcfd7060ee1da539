// The crawl's event loop, shared by its parts (crawler.cc: opening,
// admission, scheduling, checkpoints, the run; crawl_origin.cc: an origin's
// policy files, the state machine before its first page; crawl_page.cc: a
// page's fetch and outcome). Not part of the crawler's API (crawler.h).
#ifndef MOISSON_CRAWLER_CRAWL_INTERNAL_H_
#define MOISSON_CRAWLER_CRAWL_INTERNAL_H_

#include <openssl/sha.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cmath>
#include <ctime>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "blocklists/host.h"
#include "crawler/crawler.h"
#include "core/json.h"
#include "core/keyed_hash.h"
#include "core/strings.h"
#include "core/time_util.h"
#include "core/url.h"
#include "crawler/fetcher.h"
#include "crawler/seen_set.h"
#include "crawler/shared_frontier.h"
#include "crawler/sitemap.h"
#include "crawler/state.h"
#include "crawler/url_norm.h"
#include "io/html_text.h"
#include "io/writers.h"
#include "pipeline/stages.h"

namespace moisson::crawler::internal {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;


constexpr int kMaxRedirects = 5;
// UrlRow::kind of a link refused for its credentials (0 a page, 1 a sitemap):
// done from the start, its seen-set key is CredentialLinkKey.
constexpr int kCredentialLink = 2;
inline std::string CredentialLinkKey(const std::string& url) { return "credentials " + url; }
constexpr std::size_t kMaxPolicyFileBytes = 4u << 20;

inline std::string UrlId(std::string_view url) {
  Digest md;
  SHA256(reinterpret_cast<const unsigned char*>(url.data()), url.size(), md.data());
  return "u" + HexPrefix(md, 8);
}

inline double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Cache-Control max-age / no-store of a robots.txt response.
inline void CacheControl(const FetchResult& r, std::optional<std::chrono::seconds>* max_age, bool* no_store) {
  *no_store = false;
  const std::string cc = AsciiLower(r.Header("cache-control"));
  if (cc.find("no-store") != std::string::npos) *no_store = true;
  const std::size_t p = cc.find("max-age=");
  if (p != std::string::npos) {
    long v = 0;
    std::size_t i = p + 8;
    bool any = false;
    while (i < cc.size() && cc[i] >= '0' && cc[i] <= '9' && v < 100000000) {
      v = v * 10 + (cc[i++] - '0');
      any = true;
    }
    if (any) *max_age = std::chrono::seconds(v);
  }
}

inline bool XRobotsNofollow(const FetchResult& r) {
  for (const auto& [n, v] : r.headers) {
    if (!EqualsIgnoreCase(n, "x-robots-tag")) continue;
    const std::string lv = AsciiLower(v);
    // Only the directives for everyone (no "agent:" prefix) or for our token are read by the policy
    // engine; for links a conservative reading: any nofollow/none stops following.
    if (lv.find("nofollow") != std::string::npos || lv.find("none") != std::string::npos) return true;
  }
  return false;
}

// The response head as stored in WARC next to the body we hold: libcurl
// decoded the body (gzip, br...) and de-chunked it, so Content-Encoding,
// Transfer-Encoding and Content-Length no longer describe it; they are kept
// under X-Moisson-Original-* names and a Content-Length of the stored body
// is added.
inline std::string StoredResponseHead(std::string_view head, std::size_t body_size) {
  std::string out;
  out.reserve(head.size() + 64);
  std::size_t start = 0;
  bool first = true;
  while (start < head.size()) {
    std::size_t end = head.find("\r\n", start);
    if (end == std::string_view::npos) end = head.size();
    std::string_view line = head.substr(start, end - start);
    start = end + 2;
    if (line.empty()) break;
    if (!first && (StartsWithIgnoreCase(line, "content-encoding:") || StartsWithIgnoreCase(line, "transfer-encoding:") ||
                   StartsWithIgnoreCase(line, "content-length:"))) {
      out.append("X-Moisson-Original-").append(line).append("\r\n");
      continue;
    }
    first = false;
    out.append(line).append("\r\n");
  }
  out.append("Content-Length: ").append(std::to_string(body_size)).append("\r\n\r\n");
  return out;
}

class Crawl {
 public:
  Crawl(const CrawlParts& parts, CrawlOptions options, std::function<void(const CrawlStats&)> on_status)
      : parts_(parts),
        opts_(std::move(options)),
        on_status_(std::move(on_status)),
        fetcher_(io_, MakeFetcherOptions(parts, opts_)),
        pool_(opts_.threads > 0 ? opts_.threads : std::max(1u, std::thread::hardware_concurrency())),
        pump_timer_(io_),
        checkpoint_timer_(io_),
        status_timer_(io_),
        grace_timer_(io_),
        frontier_timer_(io_),
        signals_(io_, SIGINT, SIGTERM) {}

  ~Crawl() {
    pool_.join();
    commit_pool_.join();
  }

  Result<CrawlStats> Run();

 private:
  enum class Phase : std::uint8_t { kRobots, kAiTxt, kTdmrep, kReady };
  struct Item {
    std::int64_t id = 0;
    std::string url;
    int depth = 0;  // links from a seed; for a sitemap, its nesting in sitemap indexes
    int hops = 0;
    int tries = 0;
    int kind = 0;  // 0 a page, 1 a sitemap
  };
  struct Host {
    std::string origin;
    std::string site;
    std::deque<Item> queue;
    int in_flight = 0;
    Clock::time_point next = Clock::now();
    double delay = 1;
    double base_delay = 1;
    bool scheduled = false;
    Clock::time_point scheduled_at;
    Phase phase = Phase::kRobots;
    bool policy_in_flight = false;
    std::string origin_url;  // "https://example.org" (the port when not the default)
    std::string robots_url;  // where robots.txt was read (the last hop), for its Sitemap: lines
    std::string policy_url;  // the policy file being asked for: the phase's path, or a redirect's target
    int policy_hops = 0;     // redirects followed for it
    int robots_tries = 0;  // retries of a robots.txt answered 429/503 or not at all
    HostRow row;  // what was fetched
    std::shared_ptr<const policy::SitePolicy> site_policy;
    std::shared_ptr<const policy::SitePolicy> robots_only;  // while ai.txt and tdmrep.json are asked
  };
  enum class Admission { kAdmitted, kBlocked, kSeen, kOutOfScope, kTooDeep, kBudget, kInvalid };
  // A list or opt-out that refuses a URL: its reason code and the entry that matched.
  struct Refusal {
    std::string reason;
    std::string signal;
  };

  static FetcherOptions MakeFetcherOptions(const CrawlParts& parts, const CrawlOptions& o) {
    FetcherOptions f;
    f.user_agent = parts.user_agent;
    f.allow_private = o.allow_private;
    f.max_body_bytes = o.max_body_bytes;
    f.max_decode_ratio = o.max_decode_ratio;
    f.timeout_ms = static_cast<long>(o.timeout * 1000);
    f.connect_timeout_ms = std::min<long>(f.timeout_ms, 10000);
    f.low_speed_seconds = std::max<long>(1, static_cast<long>(o.low_speed_seconds));
    f.keep_raw_heads = o.warc;
    f.ca_file = o.ca_file;
    return f;
  }

  Status Open();
  Status LoadState();
  // `claimed`: a URL this process claimed from the shared frontier (it
  // goes to the local queue); without it, with a shared frontier, an
  // admitted URL goes to the shared frontier instead.
  Admission Admit(const std::string& url, int depth, int hops, bool seed, std::int64_t resume_id = 0,
                  int kind = 0, bool claimed = false);
  void OnSitemap(Host* h, const Item& item, const FetchResult& meta, Result<Sitemap> map);
  Host* HostFor(const HttpUrl& u, const std::string& site);
  void Reschedule(Host* h);
  void Pump();
  void ArmPump();
  bool Dispatch(Host* h);  // false when no request was sent
  std::optional<Refusal> ListRefusal(const std::string& url) const;
  // The URL's normalised host and its site (registrable domain, or the host
  // when it has none); false when it has no usable host.
  static bool HostAndSite(const HttpUrl& u, std::string* host, std::string* site);
  bool WithinBudget(const std::string& site);
  std::string PolicyRedirectRefusal(const std::string& target) const;
  void EnterPhase(Host* h, Phase phase);
  void StartPolicyFetch(Host* h);
  void OnPolicyFetched(Host* h, FetchResult r);
  void FinishPolicy(Host* h);
  void SkipRefusedPolicyFiles(Host* h);
  void ApplyPolicy(Host* h);
  void StartPageFetch(Host* h, Item item);
  void OnPageFetched(Host* h, Item item, FetchResult r);
  void OnProcessed(Host* h, const Item& item, const FetchResult& meta, pipeline::ProcessedDocument doc,
                   std::size_t links_over_cap,
                   std::string body);
  void Record(const Item& item, const std::string& site, const char* decision, std::vector<std::string> reasons,
              int status, bool fetched, std::string signal);
  void MarkDone(std::int64_t id);
  void RecordCredentialLink(const std::string& url, int depth);
  struct CheckpointJob {
    std::vector<audit::LedgerRow> rows;
    CheckpointData data;
    std::vector<std::string> frontier_done;  // shared frontier URLs whose records this commit makes durable
  };
  // The shared frontier's tick (every 200 ms): hand over found URLs, mark
  // checkpointed ones done, renew leases, claim work, and see whether the
  // whole crawl is over.
  void OnFrontierTimer();
  Status FrontierTick();
  Status FinishFrontier(const std::vector<std::string>& last_done);
  Result<std::shared_ptr<CheckpointJob>> PrepareCheckpoint();
  Status CommitCheckpoint(const CheckpointJob& job);
  void OnCheckpointTimer();
  void OnStatusTimer();
  void MaybeFinish();
  void Fail(Status st);
  void Stop(const char* why);
  CrawlStats Snapshot();
  bool InScope(const std::string& host, const std::string& site) const;

  const CrawlParts& parts_;
  CrawlOptions opts_;
  std::function<void(const CrawlStats&)> on_status_;
  asio::io_context io_;
  Fetcher fetcher_;
  asio::thread_pool pool_;
  asio::thread_pool commit_pool_{1};  // the ledger and state writes of checkpoints
  asio::steady_timer pump_timer_, checkpoint_timer_, status_timer_, grace_timer_, frontier_timer_;
  asio::signal_set signals_;

  std::unique_ptr<CrawlState> state_;
  std::unique_ptr<io::ShardWriter> shards_;
  std::unique_ptr<io::WarcWriter> warc_;
  std::int64_t run_ = 0;
  SeenSet seen_;
  std::unordered_map<std::string, std::unique_ptr<Host>> hosts_;
  std::set<std::pair<Clock::time_point, Host*>> ready_;
  std::unordered_set<std::string> scope_sites_;
  std::unordered_map<std::string, std::uint64_t> site_admitted_;
  // Sites a fetched page of which was judged pornographic (content.adult):
  // site -> the evidence, "page URL (content.adult ...)". Their other URLs
  // are refused before any fetch, as a listed site's are; kept in the state
  // ("adult_sites") for a resume.
  std::map<std::string, std::string> adult_sites_;
  // The site verdict of a URL of `site`, if any (reason content.adult_site).
  std::optional<Refusal> SiteVerdict(const std::string& site) const;
  // The shared frontier (opts_.frontier), and what goes to it.
  std::unique_ptr<SharedFrontier> frontier_;
  std::vector<FrontierUrl> frontier_out_;            // found here, not yet handed over
  std::unordered_set<std::string> frontier_pushed_;  // handed over (or about to be) by this process
  std::unordered_map<std::int64_t, std::string> claimed_;  // local id -> URL claimed from it
  std::vector<std::string> pending_frontier_done_;   // done, in the pending checkpoint
  std::vector<std::string> frontier_done_;           // done and checkpointed: to mark
  bool frontier_drained_ = false;                    // no URL left anywhere
  std::int64_t next_id_ = 1;
  int in_flight_ = 0;
  int processing_ = 0;
  std::uint64_t queued_ = 0;
  CheckpointData pending_;
  std::vector<audit::LedgerRow> pending_rows_;
  std::unordered_set<Host*> dirty_hosts_;
  CrawlStats stats_;
  Clock::time_point started_ = Clock::now();
  double cpu_at_start_ = CpuSeconds();
  bool stopping_ = false;
  bool done_ = false;
  bool checkpointing_ = false;   // a checkpoint is being committed
  bool finish_waiting_ = false;  // the crawl ended while it was
  bool pump_posted_ = false;
  bool pump_armed_ = false;
  Clock::time_point pump_armed_at_;
  Status error_;
};

}  // namespace moisson::crawler::internal

#endif  // MOISSON_CRAWLER_CRAWL_INTERNAL_H_
