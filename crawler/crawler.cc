#include "crawler/crawler.h"

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
#include "core/json.h"
#include "core/keyed_hash.h"
#include "core/strings.h"
#include "core/time_util.h"
#include "core/url.h"
#include "crawler/fetcher.h"
#include "crawler/seen_set.h"
#include "crawler/sitemap.h"
#include "crawler/state.h"
#include "crawler/url_norm.h"
#include "io/html_text.h"
#include "io/writers.h"
#include "pipeline/stages.h"

namespace moisson::crawler {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

// ---- options as text (kept in the state for --resume) -------------------------

std::string CrawlOptions::ToText() const {
  std::ostringstream o;
  for (const auto& s : scope_sites) o << "scope_site " << s << "\n";
  for (const auto& d : allow_domains) o << "allow_domain " << d << "\n";
  o << "allow_private " << allow_private << "\n"
    << "delay " << delay << "\n"
    << "max_crawl_delay " << max_crawl_delay << "\n"
    << "concurrency " << concurrency << "\n"
    << "per_host " << per_host << "\n"
    << "max_depth " << max_depth << "\n"
    << "max_pages " << max_pages << "\n"
    << "max_pages_per_site " << max_pages_per_site << "\n"
    << "max_retries " << max_retries << "\n"
    << "max_retry_after " << max_retry_after << "\n"
    << "max_body_bytes " << max_body_bytes << "\n"
    << "max_decode_ratio " << max_decode_ratio << "\n"
    << "timeout " << timeout << "\n"
    << "low_speed_seconds " << low_speed_seconds << "\n"
    << "sitemaps " << sitemaps << "\n"
    << "warc " << warc << "\n"
    << "zstd " << zstd << "\n"
    << "shard_bytes " << shard_bytes << "\n"
    << "checkpoint_seconds " << checkpoint_seconds << "\n";
  for (const auto& t : content_types) o << "content_type " << t << "\n";
  return o.str();
}

Status CrawlOptions::FromText(std::string_view text, const std::string& source) {
  scope_sites.clear();
  allow_domains.clear();
  content_types.clear();
  std::istringstream in{std::string(text)};
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const std::size_t sp = line.find(' ');
    if (sp == std::string::npos) return Status::AtLine(source, n, "malformed crawl option");
    const std::string k = line.substr(0, sp);
    const std::string v = line.substr(sp + 1);
    try {
      if (k == "scope_site") scope_sites.push_back(v);
      else if (k == "allow_domain") allow_domains.push_back(v);
      else if (k == "content_type") content_types.push_back(v);
      else if (k == "allow_private") allow_private = v == "1";
      else if (k == "warc") warc = v == "1";
      else if (k == "sitemaps") sitemaps = v == "1";
      else if (k == "zstd") zstd = v == "1";
      else if (k == "delay") delay = std::stod(v);
      else if (k == "max_crawl_delay") max_crawl_delay = std::stod(v);
      else if (k == "concurrency") concurrency = std::stoi(v);
      else if (k == "per_host") per_host = std::stoi(v);
      else if (k == "max_depth") max_depth = std::stoi(v);
      else if (k == "max_pages") max_pages = std::stoull(v);
      else if (k == "max_pages_per_site") max_pages_per_site = std::stoull(v);
      else if (k == "max_retries") max_retries = std::stoi(v);
      else if (k == "max_retry_after") max_retry_after = std::stod(v);
      else if (k == "max_body_bytes") max_body_bytes = std::stoull(v);
      else if (k == "max_decode_ratio") max_decode_ratio = std::stod(v);
      else if (k == "timeout") timeout = std::stod(v);
      else if (k == "low_speed_seconds") low_speed_seconds = std::stod(v);
      else if (k == "shard_bytes") shard_bytes = std::stoull(v);
      else if (k == "checkpoint_seconds") checkpoint_seconds = std::stod(v);
      else return Status::AtLine(source, n, "unknown crawl option '" + k + "'");
    } catch (const std::exception&) {
      return Status::AtLine(source, n, "bad value for crawl option '" + k + "'");
    }
  }
  return Status::Ok();
}

std::string CrawlStats::Json() const {
  JsonWriter w;
  auto i = [](std::uint64_t v) { return static_cast<std::int64_t>(v); };
  w.BeginObject()
      .Key("finished").Bool(finished)
      .Key("stopped_by").String(stop_reason)
      .Key("admitted").Int(i(admitted))
      .Key("fetched").Int(i(fetched))
      .Key("kept").Int(i(kept))
      .Key("modified").Int(i(modified))
      .Key("dropped").Int(i(dropped))
      .Key("blocked").Int(i(blocked))
      .Key("errors").Int(i(errors))
      .Key("redirects").Int(i(redirects))
      .Key("links_over_cap").Int(i(links_over_cap))
      .Key("sitemaps").Int(i(sitemaps))
      .Key("retries").Int(i(retries))
      .Key("policy_requests").Int(i(policy_requests))
      .Key("bytes").Int(i(bytes))
      .Key("queued").Int(i(queued))
      .Key("hosts").Int(i(hosts))
      .Key("seconds").Double(seconds)
      .Key("cpu_seconds").Double(cpu_seconds)
      .Key("pages_per_second").Double(seconds > 0 ? fetched / seconds : 0);
  w.Key("by_reason").BeginObject();
  for (const auto& [r, n] : by_reason) w.Key(r).Int(i(n));
  w.EndObject().EndObject();
  return w.Take();
}

namespace {

constexpr int kMaxRedirects = 5;
// UrlRow::kind of a link refused for its credentials (0 a page, 1 a sitemap):
// done from the start, its seen-set key is CredentialLinkKey.
constexpr int kCredentialLink = 2;
std::string CredentialLinkKey(const std::string& url) { return "credentials " + url; }
constexpr std::size_t kMaxPolicyFileBytes = 4u << 20;

std::string UrlId(std::string_view url) {
  Digest md;
  SHA256(reinterpret_cast<const unsigned char*>(url.data()), url.size(), md.data());
  return "u" + HexPrefix(md, 8);
}

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// Cache-Control max-age / no-store of a robots.txt response.
void CacheControl(const FetchResult& r, std::optional<std::chrono::seconds>* max_age, bool* no_store) {
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

bool XRobotsNofollow(const FetchResult& r) {
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
std::string StoredResponseHead(std::string_view head, std::size_t body_size) {
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
  Admission Admit(const std::string& url, int depth, int hops, bool seed, std::int64_t resume_id = 0,
                  int kind = 0);
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
  void MarkDone(std::int64_t id) { pending_.done.push_back(id); }
  void RecordCredentialLink(const std::string& url, int depth);
  struct CheckpointJob {
    std::vector<audit::LedgerRow> rows;
    CheckpointData data;
  };
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
  asio::steady_timer pump_timer_, checkpoint_timer_, status_timer_, grace_timer_;
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

Status Crawl::Open() {
  if (::mkdir(opts_.out_dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::Io(opts_.out_dir + ": cannot create the output folder");
  }
  const std::string state_path = opts_.out_dir + "/crawl-state.sqlite";
  auto st = CrawlState::Open(state_path, !opts_.resume);
  if (!st.ok()) return st.status();
  state_ = std::move(st).value();
  if (!opts_.resume) {
    // The seeds' sites are the crawl's scope, kept with its options.
    std::unordered_set<std::string> sites;
    for (const auto& s : opts_.seeds) {
      auto n = NormaliseUrl(s);
      if (!n.ok()) return Status::InvalidArgument("seed " + s + ": " + n.status().message());
      auto u = ParseHttpUrl(n.value());
      if (!u.ok()) return u.status();
      auto h = blocklists::NormaliseHost(u->host);
      if (!h.ok()) return Status::InvalidArgument("seed " + s + ": " + h.status().message());
      std::string site = blocklists::SiteOf(h.value());
      if (sites.insert(site.empty() ? h.value() : site).second) {
        opts_.scope_sites.push_back(site.empty() ? h.value() : std::move(site));
      }
    }
    pending_.meta.emplace_back("options", opts_.ToText());
  }
  // Recorded at every start (a state from before they were kept gets them on its first resume).
  pending_.meta.emplace_back("ledger", parts_.ledger_name);
  pending_.meta.emplace_back("key_id", parts_.key_id);
  scope_sites_.insert(opts_.scope_sites.begin(), opts_.scope_sites.end());
  for (const auto& d : opts_.allow_domains) {
    auto h = blocklists::NormaliseHost(d);
    if (!h.ok()) return Status::InvalidArgument("--allow-domain " + d + ": " + h.status().message());
    scope_sites_.insert(h.value());
  }
  // Outputs, at the positions the last checkpoint recorded.
  auto position = [&](const char* key) -> Result<std::optional<io::ShardPosition>> {
    auto v = state_->Meta(key);
    if (!v.ok()) return v.status();
    if (!v.value()) return std::optional<io::ShardPosition>();
    io::ShardPosition p;
    unsigned long long bytes = 0;
    unsigned shard = 0;
    if (std::sscanf(v.value()->c_str(), "%u %llu", &shard, &bytes) != 2) {
      return Status::InvalidArgument(state_->path() + ": bad output position '" + *v.value() + "'");
    }
    p.shard = shard;
    p.bytes = bytes;
    return std::optional<io::ShardPosition>(p);
  };
  io::ShardOptions so;
  so.dir = opts_.out_dir;
  so.prefix = "pages";
  so.zstd = opts_.zstd;
  so.max_shard_bytes = opts_.shard_bytes;
  auto pos = position("shards");
  if (!pos.ok()) return pos.status();
  auto sw = io::ShardWriter::Open(so, pos.value());
  if (!sw.ok()) return sw.status();
  shards_ = std::move(sw).value();
  if (opts_.warc) {
    io::ShardOptions wo = so;
    wo.dir = opts_.out_dir + "/warc";
    wo.prefix = "crawl";
    wo.zstd = false;
    auto wpos = position("warc");
    if (!wpos.ok()) return wpos.status();
    auto ww = io::WarcWriter::Open(wo, wpos.value(), parts_.user_agent);
    if (!ww.ok()) return ww.status();
    warc_ = std::move(ww).value();
  }
  auto r = parts_.ledger->BeginRun(opts_.resume ? "crawl --resume" : "crawl", parts_.key_id);
  if (!r.ok()) return r.status();
  run_ = r.value();
  return LoadState();
}

Status Crawl::LoadState() {
  // A new crawl starts from its seeds (checked in Open); a resumed one from its state.
  if (!opts_.resume) {
    for (const auto& s : opts_.seeds) Admit(NormaliseUrl(s).value(), 0, 0, true);
    std::vector<std::string>().swap(opts_.seeds);  // in the frontier and the state now
    return Status::Ok();
  }
  auto hosts = state_->Hosts();
  if (!hosts.ok()) return hosts.status();
  const std::int64_t now = std::time(nullptr);
  std::vector<HostRow> fresh;
  for (auto& row : hosts.value()) {
    if (row.fetched_at + row.lifetime > now) fresh.push_back(std::move(row));
  }
  std::vector<UrlRow> todo;
  Status st = state_->ForEachUrl([&](UrlRow&& r) {
    next_id_ = std::max(next_id_, r.id + 1);
    seen_.Insert(r.kind == kCredentialLink ? CredentialLinkKey(r.url) : r.url);
    if (r.kind == 1) {
      if (!r.done) todo.push_back(std::move(r));
      return;
    }
    ++stats_.admitted;
    if (auto u = ParseHttpUrl(r.url); u.ok()) {
      if (auto h = blocklists::NormaliseHost(u->host); h.ok()) ++site_admitted_[blocklists::SiteOf(h.value())];
    }
    if (!r.done) todo.push_back(std::move(r));
  });
  if (!st.ok()) return st;
  for (auto& r : todo) Admit(r.url, r.depth, r.hops, true, r.id, r.kind);
  // Policy files still fresh are reused, not fetched again.
  for (auto& row : fresh) {
    auto it = hosts_.find(row.origin);
    if (it == hosts_.end()) continue;
    it->second->row = std::move(row);
    ApplyPolicy(it->second.get());
    Reschedule(it->second.get());
  }
  return Status::Ok();
}

bool Crawl::InScope(const std::string& host, const std::string& site) const {
  if (scope_sites_.count(site) || scope_sites_.count(host)) return true;
  for (const auto& d : scope_sites_) {
    if (host.size() > d.size() && host.compare(host.size() - d.size(), d.size(), d) == 0 &&
        host[host.size() - d.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

Crawl::Admission Crawl::Admit(const std::string& url, int depth, int hops, bool seed, std::int64_t resume_id,
                              int kind) {
  if (kind == 0 && depth > opts_.max_depth) return Admission::kTooDeep;
  if (resume_id == 0 && seen_.Contains(url)) return Admission::kSeen;  // most links: cheap way out
  auto u = ParseHttpUrl(url);
  std::string host_name, site;
  if (!u.ok() || !HostAndSite(u.value(), &host_name, &site)) return Admission::kInvalid;
  Item item;
  item.url = url;
  item.depth = depth;
  item.hops = hops;
  item.kind = kind;
  if (resume_id == 0) {
    if (!seed && !InScope(host_name, site)) return Admission::kOutOfScope;
    // Sitemaps are not pages: they do not use the budget.
    if (kind == 0 && !WithinBudget(site)) return Admission::kBudget;
    if (!seen_.Insert(url)) return Admission::kSeen;
    item.id = next_id_++;
    pending_.new_urls.push_back({item.id, url, depth, hops, false, kind});
    if (kind == 0) {
      ++stats_.admitted;
      ++site_admitted_[site];
    }
  } else {
    item.id = resume_id;
  }
  // Before any DNS lookup: the site lists, then the opt-out registry.
  if (auto refusal = ListRefusal(url)) {
    Record(item, site, "drop", {std::move(refusal->reason)}, 0, false, std::move(refusal->signal));
    MarkDone(item.id);
    return Admission::kBlocked;
  }
  Host* host = HostFor(u.value(), site);
  host->queue.push_back(std::move(item));
  ++queued_;
  Reschedule(host);
  return Admission::kAdmitted;
}

bool Crawl::HostAndSite(const HttpUrl& u, std::string* host, std::string* site) {
  auto h = blocklists::NormaliseHost(u.host);
  if (!h.ok()) return false;
  *host = std::move(h).value();
  *site = blocklists::SiteOf(*host);
  if (site->empty()) *site = *host;
  return true;
}

bool Crawl::WithinBudget(const std::string& site) {
  if (opts_.max_pages > 0 && stats_.admitted >= opts_.max_pages) return false;
  return opts_.max_pages_per_site == 0 || site_admitted_[site] < opts_.max_pages_per_site;
}

// The site lists, then the registry's site-owner and person URL opt-outs:
// what refuses a URL before any DNS lookup, for pages, redirect targets and
// the redirects of an origin's policy files alike.
// The chain's own source judgements (pipeline/stages.h): the crawl's chain
// leaves them out (ChainRequest::sources_judged), so each URL is asked once.
std::optional<Crawl::Refusal> Crawl::ListRefusal(const std::string& url) const {
  auto parsed = blocklists::ParseSiteUrl(url);
  if (!parsed.ok()) {  // what a guard cannot read, it does not wave through
    if (parts_.site_lists) return Refusal{"blocklist.invalid-url", " "};
    return std::nullopt;
  }
  std::optional<pipeline::SourceRefusal> r;
  if (parts_.site_lists) r = pipeline::SiteListRefusal(*parts_.site_lists, parsed.value());
  if (!r && parts_.registry) r = pipeline::UrlOptOutRefusal(*parts_.registry, parsed.value());
  if (!r) return std::nullopt;
  return Refusal{std::move(r->reason), std::move(r->signal)};
}

// Why the redirect of a robots.txt, ai.txt or tdmrep.json to `target` (a
// normalised URL) may not be followed, or "" when it may: the scope, the
// lists and the opt-outs of a page redirect (Admit), checked before any DNS
// lookup; the connect address is then checked by the Fetcher as for any
// request. The answer is a ledger signal: "redirect.blocked Location: URL
// (list entry)".
std::string Crawl::PolicyRedirectRefusal(const std::string& target) const {
  const std::string where = " Location: " + target;
  auto u = ParseHttpUrl(target);
  std::string host, site;
  if (!u.ok() || !HostAndSite(u.value(), &host, &site)) return "redirect.invalid" + where;
  if (!InScope(host, site)) return "redirect.out_of_scope" + where;
  if (auto refusal = ListRefusal(target)) {
    return "redirect.blocked" + where + " (" + refusal->reason + ": " + refusal->signal + ")";
  }
  return "";
}

// A policy phase starts at the origin's own file, with no redirect yet.
void Crawl::EnterPhase(Host* h, Phase phase) {
  h->phase = phase;
  h->policy_hops = 0;
  switch (phase) {
    case Phase::kRobots: h->policy_url = h->origin_url + "/robots.txt"; break;
    case Phase::kAiTxt: h->policy_url = h->origin_url + "/ai.txt"; break;
    case Phase::kTdmrep: h->policy_url = h->origin_url + "/.well-known/tdmrep.json"; break;
    case Phase::kReady: h->policy_url.clear(); break;
  }
}

Crawl::Host* Crawl::HostFor(const HttpUrl& u, const std::string& site) {
  std::string origin = u.scheme + "://" + u.host + ":" + std::to_string(u.port);
  auto it = hosts_.find(origin);
  if (it != hosts_.end()) return it->second.get();
  auto h = std::make_unique<Host>();
  h->origin = origin;
  h->site = site;
  h->delay = h->base_delay = opts_.delay;
  h->origin_url = u.Origin();
  h->robots_url = h->origin_url + "/robots.txt";
  EnterPhase(h.get(), Phase::kRobots);
  h->row.origin = origin;
  Host* p = h.get();
  hosts_.emplace(std::move(origin), std::move(h));
  ++stats_.hosts;
  return p;
}

void Crawl::Reschedule(Host* h) {
  if (h->scheduled) {
    ready_.erase({h->scheduled_at, h});
    h->scheduled = false;
  }
  if (stopping_ || done_ || h->queue.empty() || h->in_flight >= opts_.per_host || h->policy_in_flight) return;
  if (h->phase != Phase::kReady && h->in_flight > 0) return;  // policy files first, one at a time
  h->scheduled = true;
  h->scheduled_at = h->next;
  ready_.insert({h->next, h});
  ArmPump();
}

// One pending Pump at a time: a posted one when a host is due now, else one
// timer for the earliest host (re-armed only when an earlier host appears).
void Crawl::ArmPump() {
  if (ready_.empty() || done_) return;
  const auto when = ready_.begin()->first;
  if (when <= Clock::now()) {
    if (!pump_posted_) {
      pump_posted_ = true;
      asio::post(io_, [this] { Pump(); });
    }
    return;
  }
  if (pump_armed_ && pump_armed_at_ <= when) return;
  pump_armed_ = true;
  pump_armed_at_ = when;
  pump_timer_.expires_at(when);
  pump_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // re-armed or cancelled
    pump_armed_ = false;
    Pump();
  });
}

void Crawl::Pump() {
  pump_posted_ = false;
  if (stopping_ || done_) return;
  const auto now = Clock::now();
  while (!ready_.empty() && in_flight_ < opts_.concurrency) {
    auto first = ready_.begin();
    if (first->first > now) break;
    Host* h = first->second;
    ready_.erase(first);
    h->scheduled = false;
    Dispatch(h);
    Reschedule(h);
  }
  if (in_flight_ < opts_.concurrency) ArmPump();
  MaybeFinish();
}

bool Crawl::Dispatch(Host* h) {
  const std::int64_t now = std::time(nullptr);
  if (h->phase == Phase::kReady && h->row.fetched_at + h->row.lifetime <= now) {  // the cache entry expired
    EnterPhase(h, Phase::kRobots);
  }
  if (h->phase != Phase::kReady) {
    StartPolicyFetch(h);
    return true;
  }
  // Politeness is per request sent: URLs the policy refuses cost nothing.
  while (!h->queue.empty()) {
    Item item = std::move(h->queue.front());
    h->queue.pop_front();
    --queued_;
    const policy::Decision d = parts_.policy->Decide(*h->site_policy, item.url, policy::PageSignals{});
    if (!d.collect) {
      std::vector<std::string> reasons;
      for (const auto& r : d.reasons) {
        if (policy::IsObjection(r)) reasons.push_back("policy." + r);
      }
      if (reasons.empty()) reasons.push_back("policy.refused");
      std::string signal = policy::BlockingSignal(d);
      // robots.txt was not read because a check refused it (its connect address, a redirect's
      // target): the signal says which, where the policy engine only knows "network error".
      if (!h->row.robots_refusal.empty() &&
          h->site_policy->robots_verdict == policy::RobotsFetchVerdict::kDisallowAll) {
        signal = "robots.txt " + h->row.robots_refusal + ": unreachable, complete disallow";
      }
      Record(item, h->site, "drop", std::move(reasons), 0, false, std::move(signal));
      MarkDone(item.id);
      continue;
    }
    StartPageFetch(h, std::move(item));
    return true;
  }
  return false;
}

void Crawl::StartPolicyFetch(Host* h) {
  if (h->phase == Phase::kReady) return;
  FetchRequest req;
  req.url = h->policy_url;
  req.max_body_bytes = kMaxPolicyFileBytes;
  ++h->in_flight;
  ++in_flight_;
  h->policy_in_flight = true;
  ++stats_.policy_requests;
  fetcher_.Start(std::move(req), [this, h](FetchResult r) { OnPolicyFetched(h, std::move(r)); });
}

void Crawl::OnPolicyFetched(Host* h, FetchResult r) {
  --h->in_flight;
  --in_flight_;
  ArmPump();  // a slot is free for the other hosts
  h->policy_in_flight = false;
  h->next = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(h->delay));
  stats_.bytes += r.received_bytes;
  if (r.error == FetchError::kCancelled) {
    MaybeFinish();
    return;
  }
  const bool ok = r.error == FetchError::kNone;
  if (h->phase == Phase::kRobots) {
    // 429, 503, timeouts and network errors are retried like pages before robots.txt is judged
    // unreachable (which disallows the whole origin).
    const bool transient = r.error == FetchError::kTimeout || r.error == FetchError::kNetwork ||
                           (ok && (r.status == 429 || r.status == 503));
    if (transient && h->robots_tries < opts_.max_retries && !stopping_) {
      ++h->robots_tries;
      ++stats_.retries;
      double wait = h->base_delay * std::pow(2.0, h->robots_tries);
      const double ra = ParseRetryAfter(r.Header("retry-after"));
      if (ra >= 0) wait = std::max(wait, std::min(ra, opts_.max_retry_after));
      h->next = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(wait));
      Reschedule(h);
      MaybeFinish();
      return;
    }
    h->robots_tries = 0;
  }
  // A redirect of a policy file is followed (up to 5 hops) only where a page
  // redirect could go: in scope, on no list, under no opt-out — checked here,
  // before its host is looked up. A refused one makes robots.txt unreachable
  // (the origin is refused whole) and ai.txt or tdmrep.json not published.
  std::string refusal;
  if (r.error == FetchError::kAddressRefused) refusal = std::string("fetch.address_refused: ") + r.error_detail;
  const std::string location = r.Header("location");
  if (ok && r.status >= 300 && r.status < 400 && !location.empty() && h->policy_hops < kMaxRedirects) {
    auto target = ResolveUrl(r.url, location);
    refusal = target.ok() ? PolicyRedirectRefusal(target.value()) : "redirect.invalid " + LocationSignal(location);
    if (refusal.empty()) {
      ++h->policy_hops;
      h->policy_url = std::move(target).value();
      Reschedule(h);
      MaybeFinish();
      return;
    }
  }
  switch (h->phase) {
    case Phase::kRobots: {
      h->robots_url = r.url;
      HostRow& row = h->row;
      row.robots_status = r.status;
      // A refused redirect is read as a network error: robots.txt could not be read.
      row.robots_network_error = (!ok && r.error != FetchError::kTimeout) || !refusal.empty();
      row.robots_timed_out = r.error == FetchError::kTimeout;
      row.robots_redirects = h->policy_hops + (r.status >= 300 && r.status < 400 ? 1 : 0);
      row.robots_refusal = std::move(refusal);
      row.robots_body = ok && r.status >= 200 && r.status < 300 ? std::move(r.body) : std::string();
      std::optional<std::chrono::seconds> max_age;
      bool no_store = false;
      CacheControl(r, &max_age, &no_store);
      std::string why;
      const policy::RobotsFetch f{row.robots_status, row.robots_network_error, row.robots_timed_out,
                                  row.robots_redirects};
      const auto verdict = policy::ClassifyRobotsFetch(f, &why);
      auto life = policy::RobotsCacheLifetime(max_age, no_store).count();
      // Used at least a minute within a crawl (no-store would mean three requests per page); an
      // unreachable robots.txt is asked again after ten minutes rather than a day.
      life = std::max<std::int64_t>(life, 60);
      if (verdict == policy::RobotsFetchVerdict::kDisallowAll) life = std::min<std::int64_t>(life, 600);
      row.lifetime = life;
      h->row.ai_txt.reset();
      h->row.tdmrep.reset();
      if (verdict != policy::RobotsFetchVerdict::kParse) {
        // Unreachable: the origin is refused whole (nothing else is asked); not published: nothing
        // forbids reading ai.txt and tdmrep.json.
        if (verdict == policy::RobotsFetchVerdict::kDisallowAll) {
          FinishPolicy(h);
          break;
        }
        h->robots_only.reset();
      } else {
        h->robots_only = std::make_shared<const policy::SitePolicy>(
            parts_.policy->LoadSite(f, row.robots_body, std::nullopt, std::nullopt));
      }
      EnterPhase(h, Phase::kAiTxt);
      SkipRefusedPolicyFiles(h);
      break;
    }
    case Phase::kAiTxt:
      if (ok && r.status >= 200 && r.status < 300) h->row.ai_txt = std::move(r.body);
      EnterPhase(h, Phase::kTdmrep);
      SkipRefusedPolicyFiles(h);
      break;
    case Phase::kTdmrep:
      if (ok && r.status >= 200 && r.status < 300) h->row.tdmrep = std::move(r.body);
      FinishPolicy(h);
      break;
    case Phase::kReady:
      break;
  }
  Reschedule(h);
  MaybeFinish();
}

// ai.txt and tdmrep.json are URLs of the origin like any other: when its
// robots.txt refuses them (a "Disallow: /"), they are not requested and
// count as not published.
void Crawl::SkipRefusedPolicyFiles(Host* h) {
  while (h->phase == Phase::kAiTxt || h->phase == Phase::kTdmrep) {
    if (!h->robots_only || parts_.policy->Decide(*h->robots_only, h->policy_url, policy::PageSignals{}).collect) {
      return;
    }
    if (h->phase == Phase::kAiTxt) {
      EnterPhase(h, Phase::kTdmrep);
    } else {
      FinishPolicy(h);
    }
  }
}

void Crawl::FinishPolicy(Host* h) {
  h->robots_only.reset();
  h->row.fetched_at = std::time(nullptr);
  ApplyPolicy(h);
  dirty_hosts_.insert(h);
  if (opts_.sitemaps && h->site_policy->robots_verdict == policy::RobotsFetchVerdict::kParse) {
    for (const auto& rec : h->site_policy->robots.sitemaps()) {
      if (auto u = ResolveUrl(h->robots_url, rec.value); u.ok()) Admit(u.value(), 0, 0, false, 0, 1);
    }
  }
}

void Crawl::ApplyPolicy(Host* h) {
  const HostRow& row = h->row;
  const policy::RobotsFetch f{row.robots_status, row.robots_network_error, row.robots_timed_out,
                              row.robots_redirects};
  std::optional<std::string_view> ai, tdm;
  if (row.ai_txt) ai = *row.ai_txt;
  if (row.tdmrep) tdm = *row.tdmrep;
  h->site_policy =
      std::make_shared<const policy::SitePolicy>(parts_.policy->LoadSite(f, row.robots_body, ai, tdm));
  EnterPhase(h, Phase::kReady);
  double delay = opts_.delay;
  if (h->site_policy->robots_verdict == policy::RobotsFetchVerdict::kParse) {
    const auto hints = policy::CrawlHintsFor(h->site_policy->robots, parts_.policy->product_token());
    if (auto mi = hints.MinInterval()) delay = std::max(delay, std::min(*mi, opts_.max_crawl_delay));
  }
  h->delay = h->base_delay = delay;
}

void Crawl::StartPageFetch(Host* h, Item item) {
  FetchRequest req;
  req.url = item.url;
  if (item.kind == 1) {
    req.max_body_bytes = kMaxSitemapBytes;  // any type: sitemaps come as XML, gzip or text
  } else {
    req.content_types = opts_.content_types;
  }
  ++h->in_flight;
  ++in_flight_;
  fetcher_.Start(std::move(req), [this, h, item = std::move(item)](FetchResult r) mutable {
    OnPageFetched(h, std::move(item), std::move(r));
  });
}

void Crawl::OnPageFetched(Host* h, Item item, FetchResult r) {
  --h->in_flight;
  --in_flight_;
  ArmPump();  // a slot is free for the other hosts
  const auto now = Clock::now();
  auto after = [now](double s) {
    return now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  };
  h->next = after(h->delay);
  stats_.bytes += r.received_bytes;
  if (r.error == FetchError::kCancelled) {  // stopping: it stays queued in the state and is fetched on resume
    MaybeFinish();
    return;
  }
  const bool transient = r.error == FetchError::kTimeout || r.error == FetchError::kNetwork ||
                         (r.error == FetchError::kNone && (r.status == 429 || r.status == 503));
  if (transient && item.tries < opts_.max_retries && !stopping_) {
    ++item.tries;
    ++stats_.retries;
    double wait = h->base_delay * std::pow(2.0, item.tries);
    if (r.status == 429 || r.status == 503) {
      const double ra = ParseRetryAfter(r.Header("retry-after"));
      if (ra >= 0) wait = std::max(wait, std::min(ra, opts_.max_retry_after));
      // The host asked us to slow down: the delay doubles (up to the Crawl-delay cap) for the rest of the crawl.
      h->delay = std::min(std::max(h->delay * 2, 0.001), std::max(opts_.max_crawl_delay, h->base_delay));
    }
    h->next = after(std::max(wait, h->delay));
    h->queue.push_front(std::move(item));
    ++queued_;
    Reschedule(h);
    return;
  }
  if (r.error == FetchError::kNone) ++stats_.fetched;
  auto finish = [&](std::vector<std::string> reasons, std::string signal, bool fetched) {
    Record(item, h->site, "drop", std::move(reasons), r.status, fetched, std::move(signal));
    MarkDone(item.id);
    Reschedule(h);
    MaybeFinish();
  };
  if (r.error != FetchError::kNone) {
    ++stats_.errors;
    finish({std::string("fetch.") + FetchErrorCode(r.error)}, r.error_detail,
           r.error != FetchError::kAddressRefused);
    return;
  }
  if (r.status >= 300 && r.status < 400 && r.status != 304) {
    ++stats_.redirects;
    const std::string location = r.Header("location");
    auto target = ResolveUrl(item.url, location);
    if (location.empty() || !target.ok()) {
      finish({"redirect.invalid"}, LocationSignal(location), true);  // never the credentials
      return;
    }
    std::string reason = "redirect";
    if (item.hops + 1 > kMaxRedirects) {
      reason = "redirect.too_many";
    } else {
      switch (Admit(target.value(), item.depth, item.hops + 1, false)) {
        case Admission::kAdmitted: break;
        case Admission::kBlocked: reason = "redirect.blocked"; break;
        case Admission::kSeen: reason = "redirect.seen"; break;
        case Admission::kOutOfScope: reason = "redirect.out_of_scope"; break;
        default: reason = "redirect.refused"; break;
      }
    }
    finish({reason}, "Location: " + target.value(), true);
    return;
  }
  if (r.status == 401 || r.status == 403 || r.status == 407 || r.status == 451) {
    finish({"access.denied"}, "HTTP " + std::to_string(r.status), true);  // R7: never retried
    return;
  }
  if (r.status < 200 || r.status >= 300) {
    finish({"http." + std::to_string(r.status)}, "", true);
    return;
  }
  if (item.kind == 1) {  // a sitemap: parsed off the loop, its locations admitted
    ++processing_;
    Reschedule(h);
    asio::post(pool_, [this, h, item = std::move(item), r = std::move(r)]() mutable {
      Result<Sitemap> map = ParseSitemap(r.body, item.url);
      r.body.clear();
      asio::post(io_, [this, h, item = std::move(item), r = std::move(r), map = std::move(map)]() mutable {
        OnSitemap(h, item, r, std::move(map));
      });
    });
    return;
  }
  // The filter chain, off the loop.
  ++processing_;
  Reschedule(h);
  asio::post(pool_, [this, h, item = std::move(item), r = std::move(r)]() mutable {
    io::InputRecord rec;
    rec.id = UrlId(item.url);
    rec.url = item.url;
    rec.date = UtcNowIso8601();
    rec.kind = (r.content_type == "text/plain") ? io::ContentKind::kText : io::ContentKind::kHtml;
    rec.content = std::move(r.body);
    rec.charset = r.charset;
    rec.headers = r.headers;
    pipeline::CrawlHints hints;
    pipeline::ProcessedDocument doc = parts_.processor->Process(rec, &hints);
    if (doc.date.empty()) doc.date = rec.date;
    // Links are resolved here, off the loop (the loop only admits them): a
    // page we do not keep can still lead to pages we may keep.
    std::vector<std::string> links, credential_links;
    const bool follow = !hints.nofollow && !XRobotsNofollow(r);
    if (follow) {
      std::string base = item.url;
      if (!hints.base_href.empty()) {
        if (auto b = ResolveUrl(item.url, hints.base_href); b.ok()) base = std::move(b).value();
      }
      const UrlResolver resolver(base);
      links.reserve(hints.links.size());
      for (const auto& href : hints.links) {
        if (auto target = resolver.Resolve(href); target.ok()) {
          links.push_back(std::move(target).value());
        } else if (const std::string bare = WithoutCredentials(href); !bare.empty()) {
          // Refused for its user:password@; what it pointed to gets a ledger row.
          if (auto t = resolver.Resolve(bare); t.ok()) credential_links.push_back(std::move(t).value());
        }
      }
    }
    const std::size_t over_cap = follow ? hints.links_over_cap : 0;  // nothing followed: none left out by the cap
    std::string body = opts_.warc ? std::move(rec.content) : std::string();
    asio::post(io_, [this, h, item = std::move(item), r = std::move(r), doc = std::move(doc),
                     body = std::move(body), links = std::move(links),
                     credential_links = std::move(credential_links), over_cap]() mutable {
      for (const auto& link : links) Admit(link, item.depth + 1, 0, false);
      for (const auto& link : credential_links) RecordCredentialLink(link, item.depth + 1);
      OnProcessed(h, item, r, std::move(doc), over_cap, std::move(body));
    });
  });
}

void Crawl::OnProcessed(Host* h, const Item& item, const FetchResult& meta, pipeline::ProcessedDocument doc,
                        std::size_t links_over_cap,
                        std::string body) {
  --processing_;
  audit::LedgerRow row;
  row.url = item.url;
  row.site = doc.site.empty() ? h->site : doc.site;
  row.considered_at = doc.date;
  row.captured_at = doc.date;
  row.decision = filters::VerdictName(doc.verdict);
  row.reasons = doc.reasons;
  row.content_sha256 = doc.text_sha256;
  for (const auto& id : doc.identifiers) row.identifiers.emplace_back(id.type, id.hex_digest);
  row.http_status = meta.status;
  row.fetched = true;
  row.signal = doc.policy_signal;
  if (links_over_cap > 0) {  // the page's links past the per-page cap were not followed
    stats_.links_over_cap += links_over_cap;
    row.signal += (row.signal.empty() ? "" : "; ") + std::to_string(links_over_cap) +
                  " links past the cap of " + std::to_string(io::kMaxPageLinks) +
                  " per page not followed";
  }
  if (doc.verdict != filters::Verdict::kDrop) {
    JsonWriter f;
    f.BeginObject()
        .Key("status").Int(meta.status)
        .Key("content_type").String(meta.content_type)
        .Key("ip").String(meta.ip)
        .Key("bytes").Int(static_cast<std::int64_t>(meta.received_bytes))
        .Key("depth").Int(item.depth)
        .EndObject();
    if (Status st = shards_->Write(pipeline::OutputJson(doc, f.str())); !st.ok()) return Fail(st);
    row.output_file = shards_->CurrentPath();
    row.output_id = doc.id;
    if (warc_ && doc.verdict == filters::Verdict::kKeep) {
      io::WarcExchange x;
      x.target_uri = item.url;
      x.date = doc.date;
      x.ip_address = meta.ip;
      x.request_head = meta.request_head;
      x.response_head = StoredResponseHead(meta.response_head, body.size());
      x.payload = body;
      if (Status st = warc_->Write(x); !st.ok()) {
        // A record the WARC writer refuses (a head it cannot store) is left
        // out of the WARC, not the crawl; a write error stops the crawl.
        if (st.code() != Status::Code::kInvalidArgument) return Fail(st);
        ++stats_.by_reason["warc.skipped"];
      }
    }
    (doc.verdict == filters::Verdict::kKeep ? stats_.kept : stats_.modified)++;
  } else {
    ++stats_.dropped;
    for (const auto& r : row.reasons) ++stats_.by_reason[r];
  }
  pending_rows_.push_back(std::move(row));
  MarkDone(item.id);
  MaybeFinish();
}

void Crawl::OnSitemap(Host* h, const Item& item, const FetchResult& meta, Result<Sitemap> map) {
  --processing_;
  if (!map.ok()) {
    Record(item, h->site, "drop", {"sitemap.invalid"}, meta.status, true, map.status().message());
  } else {
    ++stats_.sitemaps;
    std::size_t admitted = 0;
    for (const auto& loc : map->locs) {
      auto u = ResolveUrl(item.url, loc);
      if (!u.ok()) continue;
      // An index lists sitemaps (followed two levels deep); a urlset lists pages, one link from a seed.
      const Admission a = map->index ? (item.depth < 2 ? Admit(u.value(), item.depth + 1, 0, false, 0, 1)
                                                        : Admission::kTooDeep)
                                     : Admit(u.value(), 1, 0, false);
      if (a == Admission::kAdmitted || a == Admission::kBlocked) ++admitted;
    }
    Record(item, h->site, "drop", {map->index ? "sitemap.index" : "sitemap"}, meta.status, true,
           std::to_string(map->locs.size()) + " locations, " + std::to_string(admitted) + " admitted" +
               (map->truncated ? " (truncated)" : ""));
  }
  MarkDone(item.id);
  Reschedule(h);
  MaybeFinish();
}

void Crawl::Record(const Item& item, const std::string& site, const char* decision, std::vector<std::string> reasons,
                   int status, bool fetched, std::string signal) {
  if (!fetched) ++stats_.blocked;
  for (const auto& r : reasons) ++stats_.by_reason[r];
  audit::LedgerRow row;
  row.url = item.url;
  row.site = site;
  row.decision = decision;
  row.reasons = std::move(reasons);
  row.http_status = status;
  row.fetched = fetched;
  // The ledger refuses commas in reasons, not in signals; keep signals short and on one line.
  for (char& c : signal) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (signal.size() > 512) signal.resize(512);
  row.signal = std::move(signal);
  pending_rows_.push_back(std::move(row));
}

// A link that carried user:password@ is never followed (NormaliseUrl refuses
// it); `url` is what it pointed to, without the credentials. In scope and
// within the budget, it is admitted as a URL refused before any lookup: one
// ledger row (link.credentials, fetched = 0), once per URL. Its seen-set key
// is not the URL itself, so the same URL linked without credentials is still
// admitted (and has a second row, for that link).
void Crawl::RecordCredentialLink(const std::string& url, int depth) {
  if (depth > opts_.max_depth) return;
  auto u = ParseHttpUrl(url);
  std::string host, site;
  if (!u.ok() || !HostAndSite(u.value(), &host, &site) || !InScope(host, site) || !WithinBudget(site)) return;
  if (!seen_.Insert(CredentialLinkKey(url))) return;
  Item item;
  item.id = next_id_++;
  item.url = url;
  item.depth = depth;
  pending_.new_urls.push_back({item.id, url, depth, 0, true, kCredentialLink});
  ++stats_.admitted;
  ++site_admitted_[site];
  Record(item, site, "drop", {"link.credentials"}, 0, false,
         "linked with user:password@ (credentials are never sent, nor stored here)");
}

// A checkpoint in three steps: 1. the outputs made durable up to here (on the
// loop: the writers are the loop's); 2. the ledger rows of the pages finished
// since the last one; 3. the state transaction that records those pages as
// done and the output positions. 2 and 3 run on the commit thread so that
// the loop keeps fetching while SQLite writes; one checkpoint at a time.
Result<std::shared_ptr<Crawl::CheckpointJob>> Crawl::PrepareCheckpoint() {
  auto job = std::make_shared<CheckpointJob>();
  auto pos = shards_->Checkpoint();
  if (!pos.ok()) return pos.status();
  pending_.meta.emplace_back("shards", std::to_string(pos->shard) + " " + std::to_string(pos->bytes));
  if (warc_) {
    auto wpos = warc_->Checkpoint();
    if (!wpos.ok()) return wpos.status();
    pending_.meta.emplace_back("warc", std::to_string(wpos->shard) + " " + std::to_string(wpos->bytes));
  }
  for (Host* h : dirty_hosts_) pending_.hosts.push_back(h->row);
  dirty_hosts_.clear();
  pending_.meta.emplace_back("stats", Snapshot().Json());
  job->rows = std::move(pending_rows_);
  job->data = std::move(pending_);
  pending_rows_.clear();
  pending_ = CheckpointData();
  return job;
}

Status Crawl::CommitCheckpoint(const CheckpointJob& job) {
  if (!job.rows.empty()) {
    if (Status st = parts_.ledger->Append(run_, job.rows); !st.ok()) return st;
  }
  return state_->Commit(job.data);
}

void Crawl::OnCheckpointTimer() {
  if (done_) return;
  if (!checkpointing_) {
    auto job = PrepareCheckpoint();
    if (!job.ok()) return Fail(job.status());
    checkpointing_ = true;
    asio::post(commit_pool_, [this, job = std::move(job).value()] {
      Status st = CommitCheckpoint(*job);
      asio::post(io_, [this, st = std::move(st)] {
        checkpointing_ = false;
        if (!st.ok()) return Fail(st);
        if (finish_waiting_) {
          finish_waiting_ = false;
          MaybeFinish();
        }
      });
    });
  }
  checkpoint_timer_.expires_after(std::chrono::milliseconds(static_cast<long>(opts_.checkpoint_seconds * 1000)));
  checkpoint_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) OnCheckpointTimer();
  });
}

CrawlStats Crawl::Snapshot() {
  stats_.queued = queued_;
  stats_.zstd = opts_.zstd;
  stats_.warc = opts_.warc;
  stats_.in_flight = static_cast<std::uint64_t>(in_flight_);
  stats_.seconds = std::chrono::duration<double>(Clock::now() - started_).count();
  stats_.cpu_seconds = CpuSeconds() - cpu_at_start_;
  return stats_;
}

void Crawl::OnStatusTimer() {
  if (done_) return;
  if (on_status_) on_status_(Snapshot());
  status_timer_.expires_after(std::chrono::seconds(1));
  status_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) OnStatusTimer();
  });
}

void Crawl::Fail(Status st) {
  if (!error_.ok()) return;
  error_ = std::move(st);
  stopping_ = true;
  done_ = true;
  fetcher_.CancelAll();
  io_.stop();
}

void Crawl::Stop(const char* why) {
  if (stopping_) return;
  stopping_ = true;
  stats_.stop_reason = why;
  for (auto& [o, h] : hosts_) Reschedule(h.get());  // takes them out of the ready set
  // In-flight requests get a few seconds to finish; then they are cancelled (and fetched on resume).
  grace_timer_.expires_after(std::chrono::seconds(5));
  grace_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) fetcher_.CancelAll();
  });
  MaybeFinish();
}

void Crawl::MaybeFinish() {
  if (done_ || in_flight_ > 0 || processing_ > 0) return;
  if (!stopping_ && queued_ > 0) return;
  if (checkpointing_) {  // the last checkpoint comes after the one being committed
    finish_waiting_ = true;
    return;
  }
  done_ = true;
  stats_.finished = !stopping_;
  pending_.meta.emplace_back("finished", stats_.finished ? "1" : "0");
  auto job = PrepareCheckpoint();
  if (!job.ok()) {
    error_ = job.status();
  } else if (Status st = CommitCheckpoint(*job.value()); !st.ok()) {
    error_ = st;
  } else if (Status c = shards_->Close(); !c.ok()) {
    error_ = c;
  } else if (warc_) {
    if (Status w = warc_->Close(); !w.ok()) error_ = w;
  }
  if (error_.ok()) {
    if (Status e = parts_.ledger->EndRun(run_, Snapshot().Json()); !e.ok()) error_ = e;
  }
  pump_timer_.cancel();
  checkpoint_timer_.cancel();
  status_timer_.cancel();
  grace_timer_.cancel();
  signals_.cancel();
  io_.stop();
}

Result<CrawlStats> Crawl::Run() {
  if (Status st = Open(); !st.ok()) return st;
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    Stop(sig == SIGINT ? "SIGINT" : "SIGTERM");
    // A second signal does not wait for the requests in flight.
    signals_.async_wait([this](const boost::system::error_code& ec2, int) {
      if (!ec2) fetcher_.CancelAll();
    });
  });
  checkpoint_timer_.expires_after(std::chrono::milliseconds(static_cast<long>(opts_.checkpoint_seconds * 1000)));
  checkpoint_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) OnCheckpointTimer();
  });
  if (on_status_) {
    status_timer_.expires_after(std::chrono::seconds(1));
    status_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) OnStatusTimer();
    });
  }
  asio::post(io_, [this] { Pump(); });
  io_.run();
  pool_.join();
  commit_pool_.join();
  if (!error_.ok()) return error_;
  return Snapshot();
}

}  // namespace

Status CheckResume(const std::string& out_dir, const std::string& ledger_name, const std::string& key_id) {
  const std::string path = out_dir + "/crawl-state.sqlite";
  auto st = CrawlState::Open(path, false);
  if (!st.ok()) return st.status();
  auto ledger = (*st)->Meta("ledger");
  if (!ledger.ok()) return ledger.status();
  if (ledger.value() && !ledger.value()->empty() && **ledger != ledger_name) {
    return Status::InvalidArgument(path + ": this crawl writes the ledger " + **ledger + ", not " + ledger_name +
                                   ": resume it with --ledger " + **ledger +
                                   " (a second ledger would hold part of its rows)");
  }
  auto key = (*st)->Meta("key_id");
  if (!key.ok()) return key.status();
  if (key.value() && !key.value()->empty() && **key != key_id) {
    return Status::InvalidArgument(path + ": this crawl was started with the project key " + **key +
                                   ", not with the key " + key_id +
                                   ": resume it with its own key (--key), or its records would be "
                                   "pseudonymised with two keys");
  }
  return Status::Ok();
}

Result<CrawlStats> RunCrawl(const CrawlParts& parts, CrawlOptions options,
                            const std::function<void(const CrawlStats&)>& on_status) {
  if (parts.processor == nullptr || parts.policy == nullptr || parts.ledger == nullptr) {
    return Status::Internal("RunCrawl: processor, policy and ledger are required");
  }
  if (options.seeds.empty() && !options.resume) return Status::InvalidArgument("no seed URL to crawl");
  if (options.out_dir.empty()) return Status::InvalidArgument("no output folder (-o DIR)");
  CrawlOptions o = std::move(options);
  if (o.resume) {
    if (Status s = CheckResume(o.out_dir, parts.ledger_name, parts.key_id); !s.ok()) return s;
    // The crawl's own options (scope, limits, --allow-private...) come
    // from its state, before anything is built from them.
    const std::string path = o.out_dir + "/crawl-state.sqlite";
    auto st = CrawlState::Open(path, false);
    if (!st.ok()) return st.status();
    auto text = (*st)->Meta("options");
    if (!text.ok()) return text.status();
    if (!text.value()) return Status::InvalidArgument(path + ": no crawl options recorded");
    const CrawlOptions run = o;
    if (Status s = o.FromText(**text, path + " (options)"); !s.ok()) return s;
    // What belongs to this run, not to the crawl.
    o.progress = run.progress;
    o.threads = run.threads;
    o.ca_file = run.ca_file;
    o.resume = true;
    o.out_dir = run.out_dir;
  }
  Crawl c(parts, std::move(o), on_status);
  return c.Run();
}

}  // namespace moisson::crawler
