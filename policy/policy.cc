#include "policy/policy.h"

#include <algorithm>

#include "core/url.h"
#include "core/strings.h"

namespace moisson::policy {
namespace {

// Evidence quotes site-controlled text bounded and printable.
std::string Clip(std::string_view s, std::size_t max = 160) { return ClipForMessage(s, max); }
std::string Trimmed(std::string_view s) { return std::string(TrimAsciiSpace(s)); }

}  // namespace

const std::vector<std::string>& DefaultAiAgents() {
  static const auto* agents = new std::vector<std::string>{
#include "policy/ai_agents_default.inc"
  };
  return *agents;
}

RobotsFetchVerdict ClassifyRobotsFetch(const RobotsFetch& f, std::string* why) {
  auto say = [&](std::string s) {
    if (why) *why = std::move(s);
  };
  if (f.timed_out) {
    say("timeout: unreachable, complete disallow");
    return RobotsFetchVerdict::kDisallowAll;
  }
  if (f.network_error) {
    say("network error: unreachable, complete disallow");
    return RobotsFetchVerdict::kDisallowAll;
  }
  if (f.redirects > kMaxRobotsRedirects) {
    say("more than 5 redirects: complete disallow");
    return RobotsFetchVerdict::kDisallowAll;
  }
  const std::string code = "HTTP " + std::to_string(f.status);
  if (f.status >= 200 && f.status <= 299) {
    say(code + ": parsed");
    return RobotsFetchVerdict::kParse;
  }
  if (f.status == 429) {
    say(code + ": rate limited, complete disallow");
    return RobotsFetchVerdict::kDisallowAll;
  }
  if (f.status >= 400 && f.status <= 499) {
    say(code + ": unavailable, allow all");
    return RobotsFetchVerdict::kAllowAll;
  }
  if (f.status >= 500 && f.status <= 599) {
    say(code + ": unreachable, complete disallow");
    return RobotsFetchVerdict::kDisallowAll;
  }
  say(code + ": unexpected status, complete disallow");
  return RobotsFetchVerdict::kDisallowAll;
}

std::chrono::seconds RobotsCacheLifetime(std::optional<std::chrono::seconds> max_age, bool no_store) {
  if (no_store) return std::chrono::seconds(0);
  if (!max_age) return kMaxRobotsCacheAge;
  if (max_age->count() < 0) return std::chrono::seconds(0);
  return std::min(*max_age, kMaxRobotsCacheAge);
}

bool RobotsCacheFresh(std::chrono::system_clock::time_point fetched_at, std::chrono::system_clock::time_point now,
                      std::chrono::seconds lifetime) {
  if (now < fetched_at) return false;  // clock went back: refetch rather than trust
  return now - fetched_at < std::min(lifetime, kMaxRobotsCacheAge);
}

std::optional<double> CrawlHints::MinInterval() const {
  if (crawl_delay && request_interval) return std::max(*crawl_delay, *request_interval);
  return crawl_delay ? crawl_delay : request_interval;
}

CrawlHints CrawlHintsFor(const RobotsTxt& robots, std::string_view agent) {
  CrawlHints h;
  for (const RobotsGroup* g : robots.GroupsFor(agent)) {
    for (const RobotsRecord& r : g->records) {
      if (r.key == "crawl-delay") {
        if (auto v = ParseCrawlDelay(r.value); v && (!h.crawl_delay || *v > *h.crawl_delay)) {
          h.crawl_delay = v;
          h.crawl_delay_line = r.line;
        }
      } else if (r.key == "request-rate") {
        if (auto v = ParseRequestRate(r.value); v && (!h.request_interval || *v > *h.request_interval)) {
          h.request_interval = v;
          h.request_rate_line = r.line;
        }
      }
    }
  }
  return h;
}

PolicyEngine::PolicyEngine(const Config& config)
    : token_(config.crawler.product_token), mode_(config.policy.robots_mode), policy_(config.policy) {
  std::vector<std::string> names = config.policy.ai_agents ? *config.policy.ai_agents : DefaultAiAgents();
  names.insert(names.end(), config.policy.extra_ai_agents.begin(), config.policy.extra_ai_agents.end());
  std::vector<std::string> seen;
  const std::string own = AsciiLower(token_);
  for (auto& n : names) {
    const std::string key = AsciiLower(n);
    if (key == own || std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    ai_agents_lower_.insert(key);
    ai_agents_.push_back(std::move(n));
  }
}

SitePolicy PolicyEngine::LoadSite(const RobotsFetch& robots_fetch, std::string_view robots_body,
                                  std::optional<std::string_view> ai_txt,
                                  std::optional<std::string_view> tdmrep_json) const {
  SitePolicy site;
  site.robots_verdict = ClassifyRobotsFetch(robots_fetch, &site.robots_fetch_reason);
  if (site.robots_verdict == RobotsFetchVerdict::kParse) {
    site.robots = RobotsTxt::Parse(robots_body, mode_);
    for (const std::string& agent : ai_agents_) {
      if (site.robots.NamesAgent(agent, AgentMatching::kLenient)) site.named_ai_agents.push_back(agent);
    }
  }
  if (ai_txt) site.ai_txt = RobotsTxt::Parse(*ai_txt, mode_);
  if (tdmrep_json) site.tdmrep = ParseTdmRepJson(*tdmrep_json);
  return site;
}

std::string BlockingSignal(const Decision& d) {
  for (const auto& e : d.evidence) {
    if (!e.honoured || !IsObjection(e.effect)) continue;
    return e.source + (e.line > 0 ? ":" + std::to_string(e.line) : std::string()) + " " + e.text;
  }
  if (!d.robots.fetch_reason.empty() && d.robots.fetch != "parse") return d.robots.source + " " + d.robots.fetch_reason;
  return "";
}

bool IsObjection(std::string_view x) {
  return x == "robots.disallow" || x == "robots.unreachable" || x == "ai_agent.disallow" || x == "ai_txt.disallow" ||
         x == "tdm.reservation" || x == "content_usage.train-ai=n" || x == "content_signal.ai-train=no" ||
         x == "noai" || x == "noindex";
}

Decision PolicyEngine::Decide(const SitePolicy& site, std::string_view url, const PageSignals& page) const {
  auto parsed = ParseHttpUrl(url);
  if (!parsed.ok()) {
    Decision d;
    d.url = std::string(url);
    d.agent = token_;
    d.collect = false;
    d.robots.allowed = false;
    // Not the URL itself: its query may carry an identifier.
    d.evidence.push_back({"url", "url", 0, "not an absolute http(s) URL", "url.invalid", true});
    d.reasons = {"url.invalid"};
    return d;
  }
  return Decide(site, parsed.value(), url, page);
}

namespace {

// One Decision built signal by signal: each evaluator reads one signal and
// appends its evidence (PolicyEngine::Decide calls them in this order, which
// is the order of the evidence); Finish combines them.
class DecisionBuilder {
 public:
  DecisionBuilder(const std::string& token, RobotsMode mode, const HonouredSignals& honour,
                  const std::unordered_set<std::string>& ai_agents_lower, const HttpUrl& url, std::string_view url_text)
      : token_(token), mode_(mode), honour_(honour), ai_agents_lower_(ai_agents_lower), own_(AsciiLower(token)) {
    d_.url = std::string(url_text);
    d_.agent = token;
    // Rules are matched against the path as libcurl encodes it and against its
    // RFC 3986 normal form, and the stricter answer is kept: a rule written
    // "/%62az" must catch "/%62az" (as Google reads it) and "/baz" alike.
    raw_path_ = url.path_query;
    path_ = NormalisePercentEncoding(raw_path_);
    paths_.push_back(path_);
    if (raw_path_ != path_) paths_.push_back(raw_path_);
  }

  void Robots(const SitePolicy& site);             // 1. robots.txt for moisson's own token
  void AiAgents(const SitePolicy& site);           // 2. AI crawlers the site names
  void AiTxt(const SitePolicy& site);              // 3. ai.txt
  void RobotsPreferences(const SitePolicy& site);  // 4. Content-Signal, Content-Usage in robots.txt
  void Headers(const PageSignals& page);           // 5. response headers
  void Meta(const PageSignals& page);              // 6. the page's meta tags
  void Directives();                               // 7. noai / noindex of 5 and 6
  void Tdm(const SitePolicy& site, const PageSignals& page);  // 8. TDMRep
  Decision Finish(bool ai_objection_blocks_collection);       // 9. combined

 private:
  struct ScopedDirectives {
    RobotsDirectives dir;
    std::size_t source;  // index into directive_sources_
    int line;
  };

  void Add(std::string signal, std::string source, int line, std::string text, std::string effect, bool honoured) {
    d_.evidence.push_back({std::move(signal), std::move(source), line, std::move(text), std::move(effect), honoured});
  }
  RobotsMatch Strictest(const RobotsTxt& txt, std::string_view agent, std::initializer_list<AgentMatching> ms) const {
    RobotsMatch best;
    bool first = true;
    for (const std::string_view p : paths_) {
      for (const AgentMatching m : ms) {
        const RobotsMatch r = txt.Match(agent, p, m);
        if (first || (!r.allowed && best.allowed)) best = r;
        first = false;
      }
    }
    return best;
  }
  bool MatchesAny(const PathPattern& pattern) const {
    return std::any_of(paths_.begin(), paths_.end(), [&](std::string_view p) { return pattern.Matches(p); });
  }
  // Which directive scopes concern moisson: 0 not ours, 1 ours (unscoped or
  // its own token), 2 a configured AI crawler's (for noai).
  int ScopeKind(const std::string& agent) const {
    if (agent.empty() || agent == own_) return 1;
    return ai_agents_lower_.count(agent) ? 2 : 0;
  }

  const std::string& token_;
  RobotsMode mode_;
  const HonouredSignals& honour_;
  const std::unordered_set<std::string>& ai_agents_lower_;
  const std::string own_;
  std::string raw_path_, path_;
  std::vector<std::string_view> paths_;
  Decision d_;
  std::vector<ScopedDirectives> directives_;
  std::vector<std::string> directive_sources_;
  std::optional<int> header_reservation_, meta_reservation_;
  std::optional<std::string> header_policy_, meta_policy_;
  int meta_line_ = 0;
};

void DecisionBuilder::Robots(const SitePolicy& site) {
  // 1. robots.txt for moisson's own token.
  d_.robots.source = site.robots_source;
  d_.robots.fetch_reason = site.robots_fetch_reason;
  switch (site.robots_verdict) {
    case RobotsFetchVerdict::kDisallowAll:
      d_.robots.fetch = "disallow-all";
      d_.robots.allowed = false;
      Add("robots", site.robots_source, 0, site.robots_fetch_reason, "robots.unreachable", true);
      break;
    case RobotsFetchVerdict::kAllowAll:
      d_.robots.fetch = "allow-all";
      Add("robots", site.robots_source, 0, site.robots_fetch_reason, "robots.unavailable", true);
      break;
    case RobotsFetchVerdict::kParse: {
      d_.robots.fetch = "parse";
      // Groups aimed at moisson by either mode's reading count (kLenient).
      const RobotsMatch m = Strictest(site.robots, token_, {AgentMatching::kStandard, AgentMatching::kLenient});
      d_.robots.allowed = m.allowed;
      d_.robots.line = m.line;
      if (m.rule) d_.robots.rule = Clip(RuleText(*m.rule), 300);
      d_.robots.hints = CrawlHintsFor(site.robots, token_);
      for (const RobotsRecord& s : site.robots.sitemaps()) d_.robots.sitemaps.emplace_back(s.value);
      Add("robots", site.robots_source, m.line, d_.robots.rule, m.allowed ? "robots.allow" : "robots.disallow", true);
      break;
    }
  }
}

void DecisionBuilder::AiAgents(const SitePolicy& site) {
  // 2. AI crawlers the site names: a disallow for one of them is an objection.
  if (site.robots_verdict != RobotsFetchVerdict::kParse) return;
  for (const std::string& agent : site.named_ai_agents) {
    const RobotsMatch m = Strictest(site.robots, agent, {AgentMatching::kLenient});
    Decision::AiAgent a{agent, m.allowed, m.line, m.rule ? Clip(RuleText(*m.rule), 300) : std::string()};
    if (!m.allowed) {
      Add("ai_agent", site.robots_source, m.line, "User-agent: " + agent + " / " + a.rule, "ai_agent.disallow",
          honour_.ai_agents);
    }
    d_.ai_agents.push_back(std::move(a));
  }
}

void DecisionBuilder::AiTxt(const SitePolicy& site) {
  // 3. ai.txt.
  if (site.ai_txt) {
    const RobotsMatch m = Strictest(*site.ai_txt, token_, {AgentMatching::kStandard, AgentMatching::kLenient});
    d_.ai_txt.published = true;
    d_.ai_txt.allowed = m.allowed;
    d_.ai_txt.line = m.line;
    d_.ai_txt.source = site.ai_txt_source;
    if (m.rule) d_.ai_txt.rule = Clip(RuleText(*m.rule), 300);
    if (!m.allowed) Add("ai_txt", site.ai_txt_source, m.line, d_.ai_txt.rule, "ai_txt.disallow", honour_.ai_txt);
  }
}

void DecisionBuilder::RobotsPreferences(const SitePolicy& site) {
  // 4. Content-Signal and Content-Usage lines of robots.txt, with lines
  // outside any group applying to every crawler. Content-Usage is read from
  // moisson's own groups only (draft-ietf-aipref-attach-05: a crawler obeys its
  // group). Content-Signal has no scoping rule of its own and states the site's
  // preferences, so the '*' groups count too even when moisson is named.
  if (site.robots_verdict != RobotsFetchVerdict::kParse) return;
  const std::vector<const RobotsGroup*> own_groups = site.robots.GroupsFor(token_);
  std::vector<const RobotsGroup*> groups = own_groups;
  for (const RobotsGroup* g : site.robots.GroupsFor("*")) {
    if (std::find(groups.begin(), groups.end(), g) == groups.end()) groups.push_back(g);
  }
  std::vector<std::pair<const RobotsRecord*, bool>> records;  // record, from moisson's own scope
  for (const RobotsRecord& r : site.robots.orphan_records()) records.emplace_back(&r, true);
  for (const RobotsGroup* g : groups) {
    const bool own = std::find(own_groups.begin(), own_groups.end(), g) != own_groups.end();
    for (const RobotsRecord& r : g->records) records.emplace_back(&r, own);
  }
  std::sort(records.begin(), records.end(), [](const auto& a, const auto& b) { return a.first->line < b.first->line; });
  std::vector<ContentUsageRule> usage_rules;
  for (const auto& [r, own] : records) {
    if (r->key == "content-signal") {
      const ContentSignal cs = ParseContentSignal(r->value);
      MergeContentSignal(&d_.content_signal, cs);
      if (cs.ai_train != Preference::kUnknown) {
        const bool no = cs.ai_train == Preference::kDisallow;
        Add("content_signal", site.robots_source, r->line, "Content-Signal: " + Clip(r->value),
            no ? "content_signal.ai-train=no" : "content_signal.ai-train=yes", honour_.content_signal);
      }
    } else if (r->key == "content-usage" && own && d_.robots.allowed) {
      usage_rules.push_back(ParseContentUsageRule(r->line, r->value, mode_));
    }
  }
  // Longest matching path wins; equally long ones combine restrictively. A
  // rule that does not parse is reported but cannot shadow a shorter one.
  int best = -1;
  for (const auto& u : usage_rules) {
    if (u.usage.parse_error) {
      if (MatchesAny(u.pattern)) {
        Add("content_usage", site.robots_source, u.line,
            "Content-Usage: " + Clip(u.path) + " (unparsable: " + u.usage.error + ")", "content_usage.parse-error",
            honour_.content_usage);
      }
      continue;
    }
    if (MatchesAny(u.pattern)) best = std::max(best, u.pattern.length());
  }
  for (const auto& u : usage_rules) {
    if (best < 0 || u.usage.parse_error || !MatchesAny(u.pattern) || u.pattern.length() != best) continue;
    const std::string text = "Content-Usage: " + (u.path == "/" ? std::string() : Clip(u.path) + " ");
    MergeContentUsage(&d_.content_usage, u.usage);
    if (u.usage.train_ai != Preference::kUnknown) {
      const bool no = u.usage.train_ai == Preference::kDisallow;
      Add("content_usage", site.robots_source, u.line, text + (no ? "train-ai=n" : "train-ai=y"),
          no ? "content_usage.train-ai=n" : "content_usage.train-ai=y", honour_.content_usage);
    }
  }
}

void DecisionBuilder::Headers(const PageSignals& page) {
  // 5. Response headers.
  for (const auto& [name, value] : page.headers) {
    const std::string n = AsciiLower(name);
    if (n == "content-usage") {
      // Each field line is read as its own statement and statements combine
      // restrictively, so a later line can neither undo nor (by failing to
      // parse) erase an earlier train-ai=n. Stricter than joining the lines
      // into one RFC 9651 dictionary, where the last value would win.
      const ContentUsage cu = ParseContentUsage(value);
      const std::string text = "Content-Usage: " + Clip(Trimmed(value));
      if (cu.parse_error) {
        Add("content_usage", "header", 0, text + " (unparsable: " + cu.error + ")", "content_usage.parse-error",
            honour_.content_usage);
        continue;
      }
      MergeContentUsage(&d_.content_usage, cu);
      if (cu.train_ai != Preference::kUnknown) {
        const bool no = cu.train_ai == Preference::kDisallow;
        Add("content_usage", "header", 0, text, no ? "content_usage.train-ai=n" : "content_usage.train-ai=y",
            honour_.content_usage);
      }
    } else if (n == "x-robots-tag") {
      bool kept = false;
      for (auto& dir : ParseXRobotsTag(value)) {
        if (ScopeKind(dir.agent) == 0) continue;
        directives_.push_back({std::move(dir), directive_sources_.size(), 0});
        kept = true;
      }
      if (kept) directive_sources_.push_back("header X-Robots-Tag: " + Clip(Trimmed(value)));
    } else if (n == "tdm-reservation") {
      if (auto r = ParseTdmReservation(value)) header_reservation_ = std::max(header_reservation_.value_or(0), *r);
    } else if (n == "tdm-policy") {
      header_policy_ = Clip(Trimmed(value), 2000);
    }
  }
}

void DecisionBuilder::Meta(const PageSignals& page) {
  // 6. The page's <meta> tags (from the caller's parse of the page).
  if (page.meta) {
    for (const MetaTag& tag : *page.meta) {
      if (tag.name == "tdm-reservation") {
        if (auto r = ParseTdmReservation(tag.content)) {
          meta_reservation_ = std::max(meta_reservation_.value_or(0), *r);
          meta_line_ = tag.line;
        }
      } else if (tag.name == "tdm-policy") {
        meta_policy_ = Clip(Trimmed(tag.content), 2000);
      } else {
        RobotsDirectives dir = ParseMetaRobots(tag.name, tag.content);
        if ((dir.noai || dir.noimageai || dir.noindex || dir.nofollow) && ScopeKind(dir.agent) != 0) {
          if (directive_sources_.empty() || directive_sources_.back() != page.html_source) {
            directive_sources_.push_back(page.html_source);
          }
          directives_.push_back({std::move(dir), directive_sources_.size() - 1, tag.line});
        }
      }
    }
  }
}

void DecisionBuilder::Directives() {
  // 7. noai / noindex.
  for (const ScopedDirectives& sd : directives_) {
    const RobotsDirectives& dir = sd.dir;
    const bool ours = ScopeKind(dir.agent) == 1;
    const bool ai_scope = ScopeKind(dir.agent) == 2;
    const std::string& source = directive_sources_[sd.source];
    const std::string signal = sd.line > 0 ? "meta_robots" : "x_robots";
    const std::string scope = dir.agent.empty() ? "" : Clip(dir.agent) + ": ";
    if (dir.noai || (ai_scope && dir.noindex)) {
      d_.x_robots.noai = true;
      Add(signal, source, sd.line, scope + (dir.noai ? "noai" : "noindex"), "noai", honour_.noai);
    }
    if (dir.noimageai) d_.x_robots.noimageai = true;
    if (ours && dir.noindex) {
      d_.x_robots.noindex = true;
      Add(signal, source, sd.line, scope + "noindex", "noindex", honour_.noindex);
    }
  }
}

void DecisionBuilder::Tdm(const SitePolicy& site, const PageSignals& page) {
  // 8. TDMRep: well-known file < header < meta; a missing value never clears.
  if (site.tdmrep) {
    // The stricter of the two path readings: a reservation on either counts.
    const TdmRepRule* rule = nullptr;
    for (const std::string_view p : paths_) {
      const TdmRepRule* r = MatchTdmRep(*site.tdmrep, p);
      if (r != nullptr && (rule == nullptr || (r->reservation == 1 && rule->reservation != 1))) rule = r;
    }
    if (rule != nullptr && rule->reservation) {
      d_.tdm.reservation = rule->reservation;
      d_.tdm.policy = rule->policy;
      d_.tdm.source = site.tdmrep_source + " rule " + std::to_string(rule->index) + " (location \"" +
                     Clip(rule->location) + "\")";
    }
  }
  int tdm_line = 0;
  if (header_reservation_) {
    d_.tdm.reservation = header_reservation_;
    d_.tdm.source = "header tdm-reservation";
  }
  if (header_policy_) d_.tdm.policy = header_policy_;
  if (meta_reservation_) {
    d_.tdm.reservation = meta_reservation_;
    d_.tdm.source = page.html_source;
    tdm_line = meta_line_;
  }
  if (meta_policy_) d_.tdm.policy = meta_policy_;
  if (d_.tdm.reservation == 0) d_.tdm.policy.reset();  // a policy means nothing without a reservation
  if (d_.tdm.reservation) {
    const bool reserved = *d_.tdm.reservation == 1;
    Add("tdm", d_.tdm.source, tdm_line, "tdm-reservation: " + std::to_string(*d_.tdm.reservation),
        reserved ? "tdm.reservation" : "tdm.no-reservation", honour_.tdmrep);
  }
}

Decision DecisionBuilder::Finish(bool ai_objection_blocks_collection) {
  // 9. Combine: any honoured objection disallows training; otherwise an
  // explicit honoured permission allows it; otherwise unknown.
  for (const Evidence& e : d_.evidence) {
    if (!e.honoured) continue;
    const std::string& x = e.effect;
    if (x == "ai_agent.disallow" || x == "ai_txt.disallow" || x == "tdm.reservation" ||
        x == "content_usage.train-ai=n" || x == "content_signal.ai-train=no" || x == "noai") {
      d_.ai_train = CombinePreferences(d_.ai_train, Preference::kDisallow);
    } else if (x == "tdm.no-reservation" || x == "content_usage.train-ai=y" || x == "content_signal.ai-train=yes") {
      d_.ai_train = CombinePreferences(d_.ai_train, Preference::kAllow);
    }
  }
  const bool noindex = d_.x_robots.noindex && honour_.noindex;
  d_.collect = d_.robots.allowed && !noindex &&
              !(d_.ai_train == Preference::kDisallow && ai_objection_blocks_collection);

  // Reasons: the honoured effects, first occurrence each, objections first.
  for (int pass = 0; pass < 2; ++pass) {
    for (const Evidence& e : d_.evidence) {
      if (!e.honoured || IsObjection(e.effect) != (pass == 0)) continue;
      if (e.effect == "content_usage.parse-error") continue;
      if (std::find(d_.reasons.begin(), d_.reasons.end(), e.effect) == d_.reasons.end()) d_.reasons.push_back(e.effect);
    }
  }
  return std::move(d_);
}

}  // namespace

Decision PolicyEngine::Decide(const SitePolicy& site, const HttpUrl& parsed_url, std::string_view url,
                              const PageSignals& page) const {
  DecisionBuilder b(token_, mode_, policy_.honour, ai_agents_lower_, parsed_url, url);
  b.Robots(site);
  b.AiAgents(site);
  b.AiTxt(site);
  b.RobotsPreferences(site);
  b.Headers(page);
  b.Meta(page);
  b.Directives();
  b.Tdm(site, page);
  return b.Finish(policy_.ai_objection_blocks_collection);
}

}  // namespace moisson::policy
