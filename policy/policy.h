// The policy engine: may moisson collect this URL, and may it be used to
// train AI? One Decision per URL, with every signal that contributed, the file
// and line (or header) it came from, and the rule text.
//
// Usage (build once, decide many):
//   PolicyEngine engine(config);                          // immutable, thread-safe
//   SitePolicy site = engine.LoadSite(robots, ai_txt, tdmrep);  // once per origin
//   Decision d = engine.Decide(site, url, page);         // per URL, const
// The engine does no I/O: the crawler fetches and passes bytes and statuses.
#ifndef MOISSON_POLICY_POLICY_H_
#define MOISSON_POLICY_POLICY_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/url.h"
#include "policy/robots.h"
#include "policy/signals.h"

namespace moisson::policy {

// ---- robots.txt fetch outcome (RFC 9309 2.3.1), a pure function ------------

struct RobotsFetch {
  int status = 0;              // final HTTP status; 0 when no response
  bool network_error = false;  // DNS, connect, TLS, reset...
  bool timed_out = false;
  int redirects = 0;           // redirects followed to reach `status`
};

enum class RobotsFetchVerdict : std::uint8_t {
  kParse,        // 2xx: parse the body and obey it
  kAllowAll,     // 4xx (but 429): "unavailable", crawl everything
  kDisallowAll,  // 5xx, 429, timeout, network error, > 5 redirects: "unreachable"
};

// Classifies a fetch; `*why` gets a short reason ("HTTP 503: unreachable").
RobotsFetchVerdict ClassifyRobotsFetch(const RobotsFetch& fetch, std::string* why);

// RFC 9309 2.4: a cached robots.txt lives at most 24 hours; a shorter HTTP
// max-age shortens it, no-store makes it zero.
inline constexpr std::chrono::seconds kMaxRobotsCacheAge{24 * 3600};
std::chrono::seconds RobotsCacheLifetime(std::optional<std::chrono::seconds> max_age, bool no_store);
// True while an entry fetched at `fetched_at` may still be used at `now`.
bool RobotsCacheFresh(std::chrono::system_clock::time_point fetched_at,
                      std::chrono::system_clock::time_point now, std::chrono::seconds lifetime);

// Follows at most this many redirects for robots.txt (RFC 9309: at least five).
inline constexpr int kMaxRobotsRedirects = 5;

// ---- politeness hints from robots.txt (not RFC 9309; as protego reads them) ----

struct CrawlHints {
  std::optional<double> crawl_delay;       // seconds, the largest Crawl-delay of the agent's groups
  int crawl_delay_line = 0;
  std::optional<double> request_interval;  // seconds between requests from Request-rate
  int request_rate_line = 0;
  // What a polite crawler waits between two requests to this origin: the
  // larger of the two, or nullopt when the file says neither.
  std::optional<double> MinInterval() const;
};
// Reads the Crawl-delay and Request-rate lines of the groups that apply to
// `agent` (its own, else '*'); malformed values are ignored.
CrawlHints CrawlHintsFor(const RobotsTxt& robots, std::string_view agent);

// ---- inputs -------------------------------------------------------------------

// What one origin publishes, compiled once and shared by every Decide() call
// for its URLs. Absent files mean "not published".
struct SitePolicy {
  RobotsFetchVerdict robots_verdict = RobotsFetchVerdict::kAllowAll;
  std::string robots_fetch_reason = "not published";
  std::string robots_source = "robots.txt";
  RobotsTxt robots;  // meaningful when robots_verdict == kParse
  // The configured AI crawler names that some group of `robots` names,
  // found once here so that Decide() looks at only these.
  std::vector<std::string> named_ai_agents;

  std::optional<RobotsTxt> ai_txt;
  std::string ai_txt_source = "ai.txt";

  std::optional<TdmRepFile> tdmrep;
  std::string tdmrep_source = "tdmrep.json";
};

// A <meta name=... content=...> of the page, as the one HTML parse found it
// (io/html_text.h; pipeline/stages.h PolicyMetaTags converts).
struct MetaTag {
  int line = 0;         // 1-based line of the <meta> tag in the page
  std::string name;     // the name attribute, lower-cased
  std::string content;  // the content attribute, as written
};

// What one response carries.
struct PageSignals {
  std::vector<std::pair<std::string, std::string>> headers;  // name, value (names case-insensitive)
  // The page's <meta> tags when it is HTML (absent: not an HTML page). The
  // engine parses no HTML: the caller's one parse gives them.
  std::optional<std::vector<MetaTag>> meta;
  std::string html_source = "page";  // how the evidence names the page
};

// ---- the decision ---------------------------------------------------------------

// One signal that said something about this URL.
struct Evidence {
  std::string signal;  // "robots", "ai_agent", "ai_txt", "tdm", "content_usage", "content_signal", "x_robots", "meta_robots"
  std::string source;  // file name, "header X-Robots-Tag", "page"...
  int line = 0;        // line in `source`, 0 when not line-based
  std::string text;    // the rule or value as written
  std::string effect;  // reason code (docs/reasons.md), e.g. "robots.disallow"
  bool honoured = true;  // false when config switches this signal off
};

struct Decision {
  std::string url;
  std::string agent;
  bool collect = true;
  Preference ai_train = Preference::kUnknown;
  // Reason codes that decided `collect` and `ai_train`, in a stable order
  // (docs/reasons.md lists them all).
  std::vector<std::string> reasons;
  std::vector<Evidence> evidence;

  // Per-signal detail, as `policy explain --json` prints it.
  struct Robots {
    std::string fetch = "parse";  // "parse", "allow-all", "disallow-all"
    std::string fetch_reason;
    bool allowed = true;
    int line = 0;
    std::string rule;
    std::string source;
    CrawlHints hints;
    std::vector<std::string> sitemaps;
  } robots;
  struct AiAgent {
    std::string agent;
    bool allowed = true;
    int line = 0;
    std::string rule;
  };
  std::vector<AiAgent> ai_agents;  // AI crawlers named by robots.txt
  struct AiTxt {
    bool published = false;
    bool allowed = true;
    int line = 0;
    std::string rule;
    std::string source;
  } ai_txt;
  struct Tdm {
    std::optional<int> reservation;
    std::optional<std::string> policy;
    std::string source;  // where the value in force came from
  } tdm;
  ContentUsage content_usage;
  ContentSignal content_signal;
  struct XRobots {
    bool noai = false;
    bool noimageai = false;
    bool noindex = false;
  } x_robots;
};

// True for the reason codes that object to collection or to AI training
// (robots.disallow, robots.unreachable, ai_agent.disallow, ai_txt.disallow,
// tdm.reservation, content_usage.train-ai=n, content_signal.ai-train=no, noai,
// noindex); false for permissions and neutral outcomes (docs/reasons.md).
bool IsObjection(std::string_view reason);

// The rule that refused collection, as the ledger's `signal` column records
// it: "source:line text" of the first honoured objection ("robots.txt:4
// Disallow: /private/", "page:2 noindex"), else the robots.txt fetch outcome
// when it decided ("robots.txt HTTP 503: unreachable"), else "".
std::string BlockingSignal(const Decision& d);

class PolicyEngine {
 public:
  // Copies what it needs from `config`; the config may go away afterwards.
  explicit PolicyEngine(const Config& config);

  // Compiles what an origin publishes. `robots_body` is read only when the
  // fetch verdict is kParse. Absent optional bodies mean "not published".
  SitePolicy LoadSite(const RobotsFetch& robots_fetch, std::string_view robots_body,
                      std::optional<std::string_view> ai_txt,
                      std::optional<std::string_view> tdmrep_json) const;

  // Decides for `url` (absolute; its path is normalised here). Never throws.
  Decision Decide(const SitePolicy& site, std::string_view url, const PageSignals& page) const;
  // The same for a URL the caller parsed already (`url` is its text).
  Decision Decide(const SitePolicy& site, const HttpUrl& parsed, std::string_view url, const PageSignals& page) const;

  const std::vector<std::string>& ai_agents() const { return ai_agents_; }
  const std::string& product_token() const { return token_; }
  RobotsMode mode() const { return mode_; }

 private:
  std::string token_;
  RobotsMode mode_;
  PolicyConfig policy_;
  std::vector<std::string> ai_agents_;
  std::unordered_set<std::string> ai_agents_lower_;  // for scoped noai lookups
};

// The default AI crawler names (policy/data/ai_robots.json).
const std::vector<std::string>& DefaultAiAgents();

}  // namespace moisson::policy

#endif  // MOISSON_POLICY_POLICY_H_
