// A site-policy store compiled for judging: per origin, the SitePolicy
// (policy/policy.h) of its captured robots.txt, ai.txt and tdmrep.json, as
// the crawler compiles what it fetched. Shared by threads: a small store is
// compiled whole at Load, a large one origin by origin as URLs ask for them
// (Options), into a cache guarded by locks.
//
//   auto sites = SitePolicies::Load(std::move(store), engine);
//   SitePolicies::Choice c = sites->For("https://example.org", ParseIso8601(page_date));
//   if (!c.known) ...;                    // the store holds nothing for the origin
//   engine.Decide(*c.nearest, url, page); // and *c.latest: the strictest wins
//
// Which capture counts. A page was written at its date; its site may have
// published an opt-out since. So a URL gets two judgements, and the stricter
// wins: with the files captured nearest to the page's date (each file its
// own nearest capture; ties go to the later one), and with the latest capture
// of each file. A page without a readable date gets the latest only.
//
// What a capture means, as for the crawler (policy.h ClassifyRobotsFetch):
// a 2xx robots.txt is obeyed, a 4xx means "not published" (allow all), a 5xx,
// 429, timeout or network error means unreachable (refuse all). A 3xx is
// followed inside the store, up to 5 hops, each hop to the target's capture
// nearest in time to the redirect's (sites/store.h keeps the targets of the
// redirects it reads); a 3xx without a usable Location is read as the
// crawler reads it (unexpected status: refuse all); a redirect whose target
// the store never captured is left out, counted in unresolved_redirects(),
// and when it was the only robots.txt capture the origin is unknown. ai.txt and tdmrep.json count
// only when 2xx, and only when the origin's robots.txt lets our agent read
// them (the crawler does not fetch them otherwise); a file never captured
// counts as not published.
//
// The evidence names each file with its capture date ("robots.txt
// [2024-03-01T12:00:00Z]"), so the ledger's signal says which capture refused.
#ifndef MOISSON_SITES_POLICIES_H_
#define MOISSON_SITES_POLICIES_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "policy/policy.h"
#include "sites/store.h"

namespace moisson::sites {

class SitePolicies {
 public:
  struct Options {
    // A store with at most this many origins is compiled whole at Load
    // (about 11 us and 2.2 KB an origin); a larger one origin by origin, the
    // first time a URL asks for it, into a cache of `cache_origins`.
    std::size_t eager_origins = 200'000;
    std::size_t cache_origins = 100'000;
  };
  // Reads `store` (kept open while the result lives: a large store is read
  // again as URLs ask for origins). `engine` must outlive the result. Fails
  // only when the store cannot be read.
  static Result<SitePolicies> Load(std::shared_ptr<SiteStore> store, const policy::PolicyEngine& engine,
                                   const Options& options);
  static Result<SitePolicies> Load(std::shared_ptr<SiteStore> store, const policy::PolicyEngine& engine) {
    return Load(std::move(store), engine, Options{});
  }

  struct Choice {
    bool known = false;                           // the store holds a usable capture for the origin
    const policy::SitePolicy* nearest = nullptr;  // the files nearest the page's date (latest without a date)
    const policy::SitePolicy* latest = nullptr;   // the latest files (may be `nearest`)
    std::shared_ptr<const void> hold;             // keeps both alive while the Choice lives
  };
  // `origin` as core/url.h HttpUrl::Origin writes it. Thread-safe.
  Choice For(std::string_view origin, std::optional<std::int64_t> page_time) const;

  // Origins with a robots.txt capture (a few of them may still be unknown:
  // their only capture is a redirect the store cannot follow).
  std::size_t origins() const { return origin_count_; }
  // Redirects left out so far (in a large store, among the origins compiled).
  std::int64_t unresolved_redirects() const { return unresolved_redirects_->load(); }
  // Origins whose store holds each file (robots.txt, ai.txt, tdmrep.json).
  std::int64_t origins_with(SiteFile f) const { return with_file_[static_cast<int>(f)]; }
  // Whether origins are compiled as URLs ask for them (Options::eager_origins).
  bool lazy() const { return lazy_; }

  struct Effective;  // a capture once its redirects are followed (policies.cc)

 private:
  struct Origin {
    // policies[0] for times before cuts[0], policies[k] for cuts[k-1] <= t <
    // cuts[k]; policies.back() is the latest.
    std::vector<std::int64_t> cuts;
    std::vector<policy::SitePolicy> policies;
  };
  static constexpr std::size_t kShards = 64;
  struct Shard {
    std::mutex mutex;
    std::unordered_map<std::string, std::shared_ptr<const Origin>> map;
  };
  std::shared_ptr<const Origin> Compile(const std::string& origin, std::vector<Effective>* files) const;
  std::shared_ptr<const Origin> Find(std::string_view origin) const;
  static std::uint64_t OriginHash(std::string_view origin);
  static std::size_t ShardOf(std::string_view origin);

  std::shared_ptr<SiteStore> store_;
  const policy::PolicyEngine* engine_ = nullptr;
  std::unique_ptr<std::mutex> store_mutex_;  // one reader of the store at a time
  std::unique_ptr<Shard[]> shards_;          // compiled origins (all of them when not lazy)
  std::size_t shard_capacity_ = 0;
  bool lazy_ = false;
  std::vector<std::uint64_t> known_;         // lazy: sorted hashes of the origins with a robots.txt capture
  std::size_t origin_count_ = 0;
  std::unique_ptr<std::atomic<std::int64_t>> unresolved_redirects_ = std::make_unique<std::atomic<std::int64_t>>(0);
  std::int64_t with_file_[3] = {0, 0, 0};
};

}  // namespace moisson::sites

#endif  // MOISSON_SITES_POLICIES_H_
