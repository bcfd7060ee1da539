// `moisson crawl`: the collection stage (SPEC §1-2, R4-R8).
//
// One thread runs an Asio io_context: the frontier, politeness, the robots
// cache and libcurl (Fetcher). Pages are parsed and filtered on a worker
// pool (pipeline::Processor), and come back to the loop to be written. What
// happens to each URL, in order:
//   1. admitted: normalised (RFC 3986), never seen, in scope (the seeds'
//      sites plus allow-listed domains, depth, page budget);
//   2. before any DNS lookup: site lists and site-owner / person URL opt-outs;
//   3. its origin's robots.txt, ai.txt and /.well-known/tdmrep.json, fetched
//      once per origin and cached (RFC 9309 outcome rules, at most 24 h), and
//      the policy engine's decision for the URL;
//   4. fetched politely (one request in flight per host, a delay between two,
//      Crawl-delay up to a cap, 429/503 back-off with Retry-After), with the
//      Fetcher's safety limits; each redirect hop is a new URL that goes
//      through 1-3 again (at most 5 hops);
//   5. after the fetch: access refused (401/403/407/451), then the filter
//      chain, which reads X-Robots-Tag, TDMRep and Content-Usage headers and
//      the page's meta tags and drops login walls and paywalls as `filter`
//      does (the crawler does not edit its verdicts);
//   6. every URL of 2-5 gets a ledger row; kept and modified pages go to the
//      JSONL shards (and, kept unmodified, to WARC when asked).
// State is checkpointed to OUT/crawl-state.sqlite so that a crawl stopped by
// a signal or killed resumes without refetching finished URLs or writing a
// record twice (docs/crawling.md).
#ifndef MOISSON_CRAWLER_CRAWLER_H_
#define MOISSON_CRAWLER_CRAWLER_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "audit/ledger.h"
#include "blocklists/optout.h"
#include "blocklists/site_list.h"
#include "core/status.h"
#include "pipeline/processor.h"
#include "policy/policy.h"

namespace moisson::crawler {

struct CrawlOptions {
  std::vector<std::string> seeds;
  std::string out_dir;
  // Registrable domains (or IP addresses) of the seeds, filled by the crawl
  // from `seeds` and kept in its state (the seeds themselves are URLs of the
  // state, not options, so a million seeds do not bloat the options).
  std::vector<std::string> scope_sites;
  bool resume = false;
  bool allow_private = false;
  double delay = 1.0;              // seconds between two requests to a host
  double max_crawl_delay = 30.0;   // robots.txt Crawl-delay honoured up to this
  int concurrency = 64;            // requests in flight, all hosts
  int per_host = 1;                // requests in flight per host
  int max_depth = 20;              // links from a seed
  std::uint64_t max_pages = 0;     // URLs admitted in all; 0 = no limit
  std::uint64_t max_pages_per_site = 0;
  std::vector<std::string> allow_domains;  // in scope besides the seeds' sites
  int max_retries = 3;             // for 429, 503, timeouts and network errors
  double max_retry_after = 3600;   // longest Retry-After honoured (seconds)
  std::size_t max_body_bytes = 10u << 20;
  double max_decode_ratio = 100;
  double timeout = 30;             // seconds per request
  double low_speed_seconds = 15;   // abort below 1 KB/s for this long
  std::vector<std::string> content_types = {"text/html", "application/xhtml+xml", "text/plain"};
  bool sitemaps = false;           // read the Sitemap: files robots.txt lists
  // `moisson sites fetch`: each seed's origin has its robots.txt, ai.txt and
  // tdmrep.json fetched (with every rule of a crawl: lists and opt-outs
  // first, the address guard, politeness, redirects, RFC 9309 outcomes), and
  // no page is fetched nor recorded; the state's host rows hold the files.
  bool policy_only = false;
  bool warc = false;
  bool zstd = false;
  std::uint64_t shard_bytes = 256u << 20;
  double checkpoint_seconds = 5;
  int threads = 0;                 // filter workers; 0 = cores
  bool progress = false;           // live status line on stderr
  std::string ca_file;             // CA bundle used instead of the system's (tests)
  // Several crawler processes, one frontier (crawler/shared_frontier.h):
  // "postgresql://..." (empty: this process's own frontier). Each process
  // crawls the sites it owns: first those of share `frontier_rank` of
  // `frontier_world`, then any whose owner stopped renewing its lease. Not
  // kept in the state: a crawl with a shared frontier is not resumed with
  // --resume (the other processes take over its sites).
  std::string frontier;
  std::uint32_t frontier_rank = 0;
  std::uint32_t frontier_world = 1;
  double frontier_lease = 60;
  // Options a resumed crawl takes from its state: scope and limits.
  std::string ToText() const;
  Status FromText(std::string_view text, const std::string& source);
};

struct CrawlStats {
  std::uint64_t admitted = 0;      // URLs in the frontier (all time)
  std::uint64_t fetched = 0;       // page requests answered (any status)
  std::uint64_t kept = 0, modified = 0, dropped = 0;
  std::uint64_t blocked = 0;       // not fetched: lists, opt-outs, robots & co.
  std::uint64_t errors = 0;        // network, timeouts, limits
  std::uint64_t redirects = 0;
  // Links of fetched pages past the per-page cap (10,000 <a>/<area> hrefs,
  // io::ExtractedPage::links): not followed, counted here and in the page's
  // ledger signal.
  std::uint64_t links_over_cap = 0;
  std::uint64_t sitemaps = 0;      // sitemap files read
  std::uint64_t policy_requests = 0;  // robots.txt, ai.txt, tdmrep.json
  std::uint64_t retries = 0;
  std::uint64_t bytes = 0;         // received on the wire
  std::uint64_t queued = 0, hosts = 0, in_flight = 0;
  double seconds = 0;
  double cpu_seconds = 0;
  std::map<std::string, std::uint64_t> by_reason;  // a URL counts once per reason
  bool finished = false;           // frontier exhausted (not stopped)
  std::string stop_reason;         // "", "SIGINT", "SIGTERM"
  // The crawl's output options, as its state holds them (on --resume, those
  // the crawl started with, whatever the resume command said).
  bool zstd = false;
  bool warc = false;
  std::string Json() const;
};

struct CrawlParts {
  const pipeline::Processor* processor = nullptr;     // required
  const policy::PolicyEngine* policy = nullptr;       // required
  const blocklists::SiteMatcher* site_lists = nullptr;
  const blocklists::OptOutRegistry* registry = nullptr;
  audit::Ledger* ledger = nullptr;                     // required
  // The ledger's name as the crawl state records it (an absolute file name,
  // or "postgresql://user@host:port/db" without password); a resume with
  // another one is refused (CheckResume).
  std::string ledger_name;
  std::string key_id;                                  // project key id (ProjectKey::id()) for the ledger run
  std::string user_agent;
};

// For `crawl --resume DIR`: a crawl goes on with the ledger and the project
// key it started with, which its state records (the ledger's name and the
// key's public id, ProjectKey::id(), never the key). Another ledger would
// split the crawl's rows in two, another key pseudonymise its identifiers
// with digests that match nothing of the first part. InvalidArgument names
// both ledgers, or both key ids; a state from before they were recorded is
// accepted (the resume records them). Opens nothing but the state, so a
// caller can check before it opens, and so creates, the ledger.
Status CheckResume(const std::string& out_dir, const std::string& ledger_name, const std::string& key_id);

// Runs a crawl to its end or until SIGINT/SIGTERM. `on_status` (may be
// empty) gets the live counters about once a second, on the loop's thread.
// `options` is taken by value: a million seeds are moved in, admitted, and
// their strings freed.
Result<CrawlStats> RunCrawl(const CrawlParts& parts, CrawlOptions options,
                            const std::function<void(const CrawlStats&)>& on_status);

}  // namespace moisson::crawler

#endif  // MOISSON_CRAWLER_CRAWLER_H_
