// An origin's policy files (robots.txt, ai.txt, tdmrep.json): fetched before
// its first page, through their redirects, then compiled into the origin's
// SitePolicy (docs/crawling.md, the state machine of a host's phases).
#include "crawler/crawl_internal.h"

namespace moisson::crawler::internal {

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

}  // namespace moisson::crawler::internal
