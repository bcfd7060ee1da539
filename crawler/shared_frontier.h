// A crawl frontier shared by several crawler processes through PostgreSQL
// (`crawl --frontier postgresql://...`, docs/scaling.md).
//
// Two tables, created when missing, in the connection's database (one
// database or schema per crawl):
//
//   moisson_frontier_sites (site, share, owner, lease_until, added_at)
//   moisson_frontier_urls  (url, site, depth, hops, kind, state, owner)
//
// Every URL a process admits (after its own list, opt-out, scope and depth
// checks) is inserted once, whoever found it: the table is the seen-set of
// all processes. A site (registrable domain) is crawled by one process at a
// time, its owner, so per-host politeness and the robots.txt cache stay in
// one process. A process takes the sites of its share (the SHA-256 of the
// site, mod the world size) as they appear, any site never taken after one
// lease, and any site whose owner's lease ran out (a process that died): it
// renews its own leases while it lives. It claims the queued URLs of the sites
// it owns (FOR UPDATE SKIP LOCKED) and the URLs a dead owner had claimed
// but not finished, and marks URLs done once its own checkpoint made their
// records durable. A URL is therefore fetched once, except those a process
// had fetched but not checkpointed when it died, which the new owner fetches
// again (at least once, never lost).
//
// The crawl is over when no URL is left that is not done: every page's links
// are inserted before the page is marked done, so nothing can appear after.
//
// A transaction PostgreSQL aborts to break a deadlock between processes (or
// on a serialisation conflict) is run again, a few times, as its manual asks.
//
// Not thread-safe: the crawl's event-loop thread alone calls it. Errors name
// the server (host:port/db), never a password.
#ifndef MOISSON_CRAWLER_SHARED_FRONTIER_H_
#define MOISSON_CRAWLER_SHARED_FRONTIER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace moisson::crawler {

struct FrontierUrl {
  std::string url;
  std::string site;
  int depth = 0;
  int hops = 0;
  int kind = 0;  // 0 a page, 1 a sitemap
};

struct SharedFrontierOptions {
  std::string conninfo;       // postgresql://...
  std::uint32_t rank = 0;     // this process's share
  std::uint32_t world_size = 1;
  double lease_seconds = 60;  // a site's owner must renew within this
};

class SharedFrontier {
 public:
  static Result<std::unique_ptr<SharedFrontier>> Open(const SharedFrontierOptions& options);
  virtual ~SharedFrontier() = default;

  // Inserts URLs not yet known (and their sites); known ones are left as they are.
  virtual Status Add(const std::vector<FrontierUrl>& urls) = 0;
  // Marks URLs this process finished (their records are durable).
  virtual Status Done(const std::vector<std::string>& urls) = 0;
  // Renews this process's leases, takes sites (see the file comment) and
  // claims up to `max_urls` URLs of the sites it owns.
  virtual Result<std::vector<FrontierUrl>> Claim(std::size_t max_urls) = 0;
  // URLs not done, in all processes: 0 when the crawl is over.
  virtual Result<std::int64_t> Remaining() = 0;
  // This process's name in the tables ("host:pid:random").
  virtual const std::string& owner() const = 0;
};

// The share of `site`: the first 8 bytes of its SHA-256, mod `world_size`.
std::uint32_t ShareOfSite(const std::string& site, std::uint32_t world_size);

}  // namespace moisson::crawler

#endif  // MOISSON_CRAWLER_SHARED_FRONTIER_H_
