#include "sites/policies.h"

#include <algorithm>
#include <functional>

#include "core/time_util.h"
#include "core/url.h"

namespace moisson::sites {

// A capture as it counts once its redirects are followed.
struct SitePolicies::Effective {
  std::int64_t at = 0;  // the date of the capture that was judged (the redirect's own)
  policy::RobotsFetch fetch;
  std::string body;
};

namespace {

using Effective = SitePolicies::Effective;
constexpr int kMaxHops = policy::kMaxRobotsRedirects;

// The capture of `list` nearest to `t` (ties: the later one). `list` is by date.
template <typename T>
const T& Nearest(const std::vector<T>& list, std::int64_t t) {
  std::size_t best = 0;
  for (std::size_t i = 1; i < list.size(); ++i) {
    // t is at least as near to list[i] as to list[i - 1].
    if (t >= list[i - 1].at + (list[i].at - list[i - 1].at + 1) / 2) best = i;
  }
  return list[best];
}

class Compiler {
 public:
  explicit Compiler(const SiteStore& store) : store_(store) {}

  // The capture `c` after its redirects; nullopt when one cannot be followed.
  Result<std::optional<Effective>> Follow(Capture c) {
    Effective e;
    e.at = c.fetched_at;
    int hops = 0;
    while (c.status >= 300 && c.status < 400) {
      const auto target = RedirectTarget(c.origin, c.path, c.location);
      if (!target) {
        // No Location, or none a client could follow: the crawler reads this
        // 3xx as it is (an unexpected status, complete disallow).
        e.fetch = policy::RobotsFetch{c.status, false, false, hops + 1};
        return std::optional<Effective>(std::move(e));
      }
      if (++hops > kMaxHops) {
        e.fetch = policy::RobotsFetch{c.status, false, false, hops};
        return std::optional<Effective>(std::move(e));
      }
      auto next = store_.CapturesAt(target->first, target->second);
      if (!next.ok()) return next.status();
      std::vector<Capture> list = std::move(next).value();
      if (list.empty()) return std::optional<Effective>();
      std::vector<Effective> dated(list.size());
      for (std::size_t i = 0; i < list.size(); ++i) dated[i].at = list[i].fetched_at;
      const std::size_t pick = static_cast<std::size_t>(&Nearest(dated, e.at) - dated.data());
      c = std::move(list[pick]);
    }
    e.fetch = policy::RobotsFetch{c.status, c.network_error, c.timed_out, c.redirects + hops};
    e.body = std::move(c.body);
    return std::optional<Effective>(std::move(e));
  }

 private:
  const SiteStore& store_;
};

// Adds capture `c`, its redirects followed, to files[its file]; a redirect
// the store cannot follow is left out and counted in *unresolved.
Status Collect(Compiler& compiler, Capture&& c, std::vector<Effective>* files, std::atomic<std::int64_t>* unresolved) {
  const SiteFile file = c.file;
  auto e = compiler.Follow(std::move(c));
  if (!e.ok()) return e.status();
  if (*e) {
    files[static_cast<int>(file)].push_back(std::move(**e));
  } else {
    unresolved->fetch_add(1);
  }
  return Status::Ok();
}

std::string Dated(SiteFile f, std::int64_t at) {
  return std::string(SiteFileName(f)) + " [" + Iso8601FromUnix(at) + "]";
}

bool Ok2xx(const Effective& e) { return e.fetch.status >= 200 && e.fetch.status < 300; }

}  // namespace

// The SitePolicy of each span of time of one origin, from its captures
// (redirects followed) by file; null when it has no robots.txt capture.
std::shared_ptr<const SitePolicies::Origin> SitePolicies::Compile(const std::string& origin,
                                                                  std::vector<Effective>* files) const {
  std::vector<Effective>& robots = files[0];
  if (robots.empty()) return nullptr;  // no robots.txt: the origin is not known
  auto o = std::make_shared<Origin>();
  for (int f = 0; f < 3; ++f) {
    const auto& list = files[f];
    for (std::size_t i = 1; i < list.size(); ++i) {
      o->cuts.push_back(list[i - 1].at + (list[i].at - list[i - 1].at + 1) / 2);
    }
  }
  std::sort(o->cuts.begin(), o->cuts.end());
  o->cuts.erase(std::unique(o->cuts.begin(), o->cuts.end()), o->cuts.end());
  const policy::PolicyEngine& engine = *engine_;
  for (std::size_t k = 0; k <= o->cuts.size(); ++k) {
    const std::int64_t t = k == 0 ? (o->cuts.empty() ? 0 : o->cuts[0] - 1) : o->cuts[k - 1];
    const Effective& r = Nearest(robots, t);
    policy::SitePolicy robots_only = engine.LoadSite(r.fetch, r.body, std::nullopt, std::nullopt);
    // As the crawler: a file robots.txt refuses to our agent is not fetched.
    const auto readable = [&](SiteFile f) -> const Effective* {
      const auto& list = files[static_cast<int>(f)];
      if (list.empty()) return nullptr;
      const Effective& e = Nearest(list, t);
      if (!Ok2xx(e)) return nullptr;
      if (robots_only.robots_verdict == policy::RobotsFetchVerdict::kDisallowAll) return nullptr;
      if (!engine.Decide(robots_only, origin + std::string(SiteFilePath(f)), policy::PageSignals{}).collect) {
        return nullptr;
      }
      return &e;
    };
    const Effective* ai = readable(SiteFile::kAiTxt);
    const Effective* tdm = readable(SiteFile::kTdmrep);
    policy::SitePolicy p =
        (ai || tdm) ? engine.LoadSite(r.fetch, r.body, ai ? std::optional<std::string_view>(ai->body) : std::nullopt,
                                      tdm ? std::optional<std::string_view>(tdm->body) : std::nullopt)
                    : std::move(robots_only);
    p.robots_source = Dated(SiteFile::kRobots, r.at);
    if (ai) p.ai_txt_source = Dated(SiteFile::kAiTxt, ai->at);
    if (tdm) p.tdmrep_source = Dated(SiteFile::kTdmrep, tdm->at);
    o->policies.push_back(std::move(p));
  }
  return o;
}

Result<SitePolicies> SitePolicies::Load(std::shared_ptr<SiteStore> store, const policy::PolicyEngine& engine,
                                        const Options& options) {
  SitePolicies out;
  out.store_ = std::move(store);
  out.engine_ = &engine;
  out.store_mutex_ = std::make_unique<std::mutex>();
  auto counts = out.store_->Count();
  if (!counts.ok()) return counts.status();
  for (int f = 0; f < 3; ++f) out.with_file_[f] = counts->origins_by_file[f];
  out.origin_count_ = static_cast<std::size_t>(counts->origins_by_file[0]);
  out.lazy_ = out.origin_count_ > options.eager_origins;
  out.shards_ = std::make_unique<Shard[]>(kShards);
  out.shard_capacity_ = std::max<std::size_t>(1, options.cache_origins / kShards);

  Compiler compiler(*out.store_);
  if (out.lazy_) {
    // Only which origins are known, as sorted hashes (8 bytes an origin); each
    // is compiled when a URL first asks for it.
    Status s = out.store_->ForEachOrigin([&](std::string_view origin) {
      out.known_.push_back(OriginHash(origin));
      return true;
    });
    if (!s.ok()) return s;
    std::sort(out.known_.begin(), out.known_.end());
    return out;
  }
  std::string origin;
  std::vector<Effective> files[3];
  Status failed = Status::Ok();
  const auto finish = [&]() {
    if (origin.empty()) return;
    if (auto o = out.Compile(origin, files)) out.shards_[ShardOf(origin)].map.emplace(origin, std::move(o));
    for (auto& l : files) l.clear();
  };
  Status walked = out.store_->ForEach([&](Capture&& c) {
    if (c.origin != origin) {
      finish();
      origin = c.origin;
    }
    failed = Collect(compiler, std::move(c), files, out.unresolved_redirects_.get());
    return failed.ok();
  });
  if (!walked.ok()) return walked;
  if (!failed.ok()) return failed;
  finish();
  return out;
}

std::shared_ptr<const SitePolicies::Origin> SitePolicies::Find(std::string_view origin) const {
  Shard& shard = shards_[ShardOf(origin)];
  {
    std::lock_guard<std::mutex> lock(shard.mutex);
    const auto it = shard.map.find(std::string(origin));
    if (it != shard.map.end()) return it->second;
  }
  if (!lazy_ || !std::binary_search(known_.begin(), known_.end(), OriginHash(origin))) return nullptr;
  // Compiled now from the store (one reader at a time), then kept.
  std::vector<Effective> files[3];
  {
    std::lock_guard<std::mutex> lock(*store_mutex_);
    Compiler compiler(*store_);
    Status failed = Status::Ok();
    Status s = store_->ForOrigin(origin, [&](Capture&& c) {
      failed = Collect(compiler, std::move(c), files, unresolved_redirects_.get());
      return failed.ok();
    });
    // A store that cannot be read now refuses nothing by itself: the origin
    // reads as unknown, which [sites] unknown then decides.
    if (!s.ok() || !failed.ok()) return nullptr;
  }
  std::shared_ptr<const Origin> o = Compile(std::string(origin), files);
  std::lock_guard<std::mutex> lock(shard.mutex);
  if (shard.map.size() >= shard_capacity_) shard.map.erase(shard.map.begin());  // room for it
  shard.map.emplace(std::string(origin), o);
  return o;
}

SitePolicies::Choice SitePolicies::For(std::string_view origin, std::optional<std::int64_t> page_time) const {
  Choice c;
  std::shared_ptr<const Origin> o = Find(origin);
  if (!o) return c;
  c.known = true;
  c.latest = &o->policies.back();
  c.nearest = c.latest;
  if (page_time) {
    const auto k = static_cast<std::size_t>(std::upper_bound(o->cuts.begin(), o->cuts.end(), *page_time) - o->cuts.begin());
    c.nearest = &o->policies[k];
  }
  c.hold = std::move(o);
  return c;
}

std::uint64_t SitePolicies::OriginHash(std::string_view origin) {
  // Only compared within this process: the standard hash will do.
  return std::hash<std::string_view>{}(origin);
}

std::size_t SitePolicies::ShardOf(std::string_view origin) { return OriginHash(origin) % kShards; }

}  // namespace moisson::sites
