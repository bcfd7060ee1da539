#include "sites/policies.h"

#include <algorithm>

#include "core/time_util.h"
#include "core/url.h"

namespace moisson::sites {

namespace {

constexpr int kMaxHops = policy::kMaxRobotsRedirects;

// A capture as it counts once its redirects are followed.
struct Effective {
  std::int64_t at = 0;  // the date of the capture that was judged (the redirect's own)
  policy::RobotsFetch fetch;
  std::string body;
};

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

std::string Dated(SiteFile f, std::int64_t at) {
  return std::string(SiteFileName(f)) + " [" + Iso8601FromUnix(at) + "]";
}

bool Ok2xx(const Effective& e) { return e.fetch.status >= 200 && e.fetch.status < 300; }

}  // namespace

Result<SitePolicies> SitePolicies::Load(const SiteStore& store, const policy::PolicyEngine& engine) {
  SitePolicies out;
  Compiler compiler(store);
  std::string origin;
  std::vector<Effective> files[3];
  Status failed = Status::Ok();

  const auto finish = [&]() {
    if (origin.empty()) return;
    for (int f = 0; f < 3; ++f) {
      if (!files[f].empty()) ++out.with_file_[f];
    }
    std::vector<Effective>& robots = files[0];
    if (robots.empty()) {
      for (auto& l : files) l.clear();
      return;  // no robots.txt: the origin is not known
    }
    Origin o;
    for (const auto& list : files) {
      for (std::size_t i = 1; i < list.size(); ++i) {
        o.cuts.push_back(list[i - 1].at + (list[i].at - list[i - 1].at + 1) / 2);
      }
    }
    std::sort(o.cuts.begin(), o.cuts.end());
    o.cuts.erase(std::unique(o.cuts.begin(), o.cuts.end()), o.cuts.end());
    for (std::size_t k = 0; k <= o.cuts.size(); ++k) {
      const std::int64_t t = k == 0 ? (o.cuts.empty() ? 0 : o.cuts[0] - 1) : o.cuts[k - 1];
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
      o.policies.push_back(std::move(p));
    }
    out.origins_.emplace(origin, std::move(o));
    for (auto& l : files) l.clear();
  };

  Status walked = store.ForEach([&](Capture&& c) {
    if (c.origin != origin) {
      finish();
      origin = c.origin;
    }
    const SiteFile file = c.file;
    auto e = compiler.Follow(std::move(c));
    if (!e.ok()) {
      failed = e.status();
      return false;
    }
    if (!*e) {
      ++out.unresolved_redirects_;
      return true;
    }
    files[static_cast<int>(file)].push_back(std::move(**e));
    return true;
  });
  if (!walked.ok()) return walked;
  if (!failed.ok()) return failed;
  finish();
  return out;
}

SitePolicies::Choice SitePolicies::For(std::string_view origin, std::optional<std::int64_t> page_time) const {
  Choice c;
  const auto it = origins_.find(std::string(origin));
  if (it == origins_.end()) return c;
  const Origin& o = it->second;
  c.known = true;
  c.latest = &o.policies.back();
  c.nearest = c.latest;
  if (page_time) {
    const auto k = static_cast<std::size_t>(std::upper_bound(o.cuts.begin(), o.cuts.end(), *page_time) - o.cuts.begin());
    c.nearest = &o.policies[k];
  }
  return c;
}

}  // namespace moisson::sites
