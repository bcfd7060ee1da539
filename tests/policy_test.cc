// The policy engine: every signal, how they combine, and what config changes.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>

#include "pipeline/stages.h"
#include "policy/policy.h"

using namespace moisson;
using namespace moisson::policy;

namespace {

bool HasReason(const Decision& d, const std::string& r) {
  return std::find(d.reasons.begin(), d.reasons.end(), r) != d.reasons.end();
}

const Evidence* FindEvidence(const Decision& d, const std::string& effect) {
  for (const auto& e : d.evidence) {
    if (e.effect == effect) return &e;
  }
  return nullptr;
}

struct Fixture {
  Config config;
  Fixture() { config.crawler.product_token = "moisson"; }
  Decision Run(std::string_view robots, std::string_view url, const PageSignals& page = {},
               std::optional<std::string_view> ai_txt = std::nullopt,
               std::optional<std::string_view> tdmrep = std::nullopt, int status = 200) const {
    const PolicyEngine engine(config);
    RobotsFetch fetch;
    fetch.status = status;
    const SitePolicy site = engine.LoadSite(fetch, robots, ai_txt, tdmrep);
    return engine.Decide(site, url, page);
  }
};

PageSignals Headers(std::initializer_list<std::pair<std::string, std::string>> h) {
  PageSignals p;
  p.headers = h;
  return p;
}

// A page's meta tags as the chain reads them (its one HTML parse).
PageSignals Html(std::string html) {
  PageSignals p;
  p.meta = moisson::pipeline::PolicyMetaTagsOf(html);
  return p;
}

}  // namespace

TEST_CASE("Policy: nothing published means collect, AI training unknown", "[policy]") {
  const Decision d = Fixture().Run("", "https://example.org/a", {}, std::nullopt, std::nullopt, 404);
  CHECK(d.collect);
  CHECK(d.ai_train == Preference::kUnknown);
  CHECK(d.robots.fetch == "allow-all");
  CHECK(HasReason(d, "robots.unavailable"));
}

TEST_CASE("RFC 9309 2.3.1.3-4: fetch outcomes as a pure function", "[policy][fetch]") {
  std::string why;
  CHECK(ClassifyRobotsFetch({200, false, false, 0}, &why) == RobotsFetchVerdict::kParse);
  CHECK(ClassifyRobotsFetch({204, false, false, 2}, &why) == RobotsFetchVerdict::kParse);
  CHECK(ClassifyRobotsFetch({404, false, false, 0}, &why) == RobotsFetchVerdict::kAllowAll);
  CHECK(ClassifyRobotsFetch({401, false, false, 0}, &why) == RobotsFetchVerdict::kAllowAll);
  CHECK(ClassifyRobotsFetch({403, false, false, 0}, &why) == RobotsFetchVerdict::kAllowAll);
  CHECK(ClassifyRobotsFetch({429, false, false, 0}, &why) == RobotsFetchVerdict::kDisallowAll);
  CHECK(ClassifyRobotsFetch({500, false, false, 0}, &why) == RobotsFetchVerdict::kDisallowAll);
  CHECK(ClassifyRobotsFetch({503, false, false, 0}, &why) == RobotsFetchVerdict::kDisallowAll);
  CHECK(ClassifyRobotsFetch({0, true, false, 0}, &why) == RobotsFetchVerdict::kDisallowAll);
  CHECK(ClassifyRobotsFetch({0, false, true, 0}, &why) == RobotsFetchVerdict::kDisallowAll);
  CHECK(ClassifyRobotsFetch({200, false, false, 5}, &why) == RobotsFetchVerdict::kParse);
  CHECK(ClassifyRobotsFetch({200, false, false, 6}, &why) == RobotsFetchVerdict::kDisallowAll);
  CHECK(ClassifyRobotsFetch({301, false, false, 0}, &why) == RobotsFetchVerdict::kDisallowAll);
  CHECK(why.find("301") != std::string::npos);
}

TEST_CASE("RFC 9309 2.4: a cached robots.txt lives at most 24 hours", "[policy][fetch]") {
  using std::chrono::hours;
  using std::chrono::seconds;
  CHECK(RobotsCacheLifetime(std::nullopt, false) == hours(24));
  CHECK(RobotsCacheLifetime(seconds(3600), false) == hours(1));
  CHECK(RobotsCacheLifetime(hours(24 * 7), false) == hours(24));
  CHECK(RobotsCacheLifetime(seconds(3600), true) == seconds(0));
  const auto t0 = std::chrono::system_clock::time_point(hours(1000));
  CHECK(RobotsCacheFresh(t0, t0 + hours(23), hours(24)));
  CHECK_FALSE(RobotsCacheFresh(t0, t0 + hours(24), hours(24)));
  CHECK_FALSE(RobotsCacheFresh(t0, t0 + hours(25), hours(48)));  // never past 24 h
  CHECK_FALSE(RobotsCacheFresh(t0, t0 - hours(1), hours(24)));   // clock went back
}

TEST_CASE("Policy: 5xx robots.txt means complete disallow", "[policy]") {
  const Decision d = Fixture().Run("User-agent: *\nAllow: /\n", "https://example.org/a", {}, std::nullopt,
                                   std::nullopt, 503);
  CHECK_FALSE(d.collect);
  CHECK_FALSE(d.robots.allowed);
  CHECK(d.reasons.front() == "robots.unreachable");
}

TEST_CASE("Policy: robots.txt disallow for moisson's token, with line and rule", "[policy]") {
  const Decision d = Fixture().Run("User-agent: *\nDisallow: /private/\n", "https://example.org/private/x");
  CHECK_FALSE(d.collect);
  CHECK(d.robots.line == 2);
  CHECK(d.robots.rule == "Disallow: /private/");
  CHECK(HasReason(d, "robots.disallow"));
}

TEST_CASE("Policy: the URL is normalised once before matching", "[policy]") {
  const Decision d = Fixture().Run("User-agent: *\nDisallow: /caf\xC3\xA9/\n", "https://example.org/caf%c3%a9/menu");
  CHECK_FALSE(d.collect);
  const Decision d2 = Fixture().Run("User-agent: *\nDisallow: /~user/\n", "https://example.org/%7Euser/x");
  CHECK_FALSE(d2.collect);
}

TEST_CASE("Policy: a site that disallows a known AI crawler objects to AI training", "[policy][ai]") {
  const std::string robots =
      "User-agent: *\n"
      "Allow: /\n"
      "\n"
      "User-agent: GPTBot\n"
      "User-agent: CCBot\n"
      "Disallow: /\n";
  const Decision d = Fixture().Run(robots, "https://example.org/article");
  CHECK(d.robots.allowed);
  CHECK(d.ai_train == Preference::kDisallow);
  CHECK_FALSE(d.collect);
  CHECK(HasReason(d, "ai_agent.disallow"));
  REQUIRE(d.ai_agents.size() == 2);
  CHECK_FALSE(d.ai_agents[0].allowed);
  CHECK(d.ai_agents[0].line == 6);
}

TEST_CASE("Policy: a site naming AI crawlers only to allow them is no objection", "[policy][ai]") {
  const Decision d = Fixture().Run("User-agent: GPTBot\nAllow: /\nUser-agent: *\nDisallow: /admin\n",
                                   "https://example.org/article");
  CHECK(d.collect);
  CHECK(d.ai_train == Preference::kUnknown);
  REQUIRE(d.ai_agents.size() == 1);
  CHECK(d.ai_agents[0].allowed);
}

TEST_CASE("Policy: AI crawler names that are not RFC tokens still match their groups", "[policy][ai]") {
  for (const char* name : {"AI2Bot", "img2dataset", "Brightbot 1.0"}) {
    const std::string robots = std::string("User-agent: ") + name + "\nDisallow: /\n";
    const Decision d = Fixture().Run(robots, "https://example.org/x");
    CHECK(d.ai_train == Preference::kDisallow);
  }
}

TEST_CASE("Policy: the AI crawler list is configuration", "[policy][ai]") {
  Fixture f;
  f.config.policy.ai_agents = std::vector<std::string>{"OnlyThisBot"};
  const std::string robots = "User-agent: GPTBot\nDisallow: /\nUser-agent: OnlyThisBot\nDisallow: /x\n";
  CHECK(f.Run(robots, "https://example.org/y").ai_train == Preference::kUnknown);
  CHECK(f.Run(robots, "https://example.org/x").ai_train == Preference::kDisallow);
  f.config.policy.extra_ai_agents = {"GPTBot"};
  CHECK(f.Run(robots, "https://example.org/y").ai_train == Preference::kDisallow);
}

TEST_CASE("Policy: the default AI list comes from ai_robots.json", "[policy][ai]") {
  const auto& list = DefaultAiAgents();
  CHECK(list.size() >= 150);
  for (const char* must : {"GPTBot", "CCBot", "Google-Extended", "ClaudeBot", "anthropic-ai", "Applebot-Extended",
                           "Bytespider", "meta-externalagent", "AI2Bot", "Brightbot 1.0"}) {
    CHECK(std::find(list.begin(), list.end(), must) != list.end());
  }
}

TEST_CASE("Policy: switching a signal off records it without letting it decide", "[policy][config]") {
  Fixture f;
  f.config.policy.honour.ai_agents = false;
  const Decision d = f.Run("User-agent: GPTBot\nDisallow: /\n", "https://example.org/x");
  CHECK(d.collect);
  CHECK(d.ai_train == Preference::kUnknown);
  const Evidence* e = FindEvidence(d, "ai_agent.disallow");
  REQUIRE(e);
  CHECK_FALSE(e->honoured);
  CHECK_FALSE(HasReason(d, "ai_agent.disallow"));
}

TEST_CASE("Policy: ai_objection_blocks_collection=false keeps collection, not the verdict", "[policy][config]") {
  Fixture f;
  f.config.policy.ai_objection_blocks_collection = false;
  const Decision d = f.Run("User-agent: GPTBot\nDisallow: /\n", "https://example.org/x");
  CHECK(d.collect);
  CHECK(d.ai_train == Preference::kDisallow);
}

TEST_CASE("Policy: ai.txt disallow objects to training", "[policy][ai-txt]") {
  const std::string ai_txt = "User-Agent: *\nDisallow: *.jpg\nDisallow: /gallery/\n";
  const Decision img = Fixture().Run("", "https://example.org/img/cat.jpg", {}, ai_txt);
  CHECK(img.ai_train == Preference::kDisallow);
  CHECK(img.ai_txt.published);
  CHECK(img.ai_txt.line == 2);
  const Decision text = Fixture().Run("", "https://example.org/blog/post", {}, ai_txt);
  CHECK(text.ai_train == Preference::kUnknown);
  CHECK(text.collect);
}

TEST_CASE("TDMRep 3: well-known < header < meta - a missing value never clears", "[policy][tdmrep]") {
  const std::string wk = R"([{"location": "/", "tdm-reservation": 1, "tdm-policy": "https://a.b/p.json"}])";
  const Decision only_file = Fixture().Run("", "https://example.org/x", {}, std::nullopt, wk);
  CHECK(only_file.tdm.reservation == 1);
  CHECK(only_file.tdm.policy == "https://a.b/p.json");
  CHECK(only_file.ai_train == Preference::kDisallow);
  CHECK(only_file.tdm.source.find("rule 1") != std::string::npos);

  const Decision header0 = Fixture().Run("", "https://example.org/x", Headers({{"TDM-Reservation", "0"}}),
                                         std::nullopt, wk);
  CHECK(header0.tdm.reservation == 0);
  CHECK_FALSE(header0.tdm.policy);  // a policy means nothing once the reservation is 0
  CHECK(header0.ai_train == Preference::kAllow);

  PageSignals both = Headers({{"tdm-reservation", "0"}});
  both.meta = moisson::pipeline::PolicyMetaTagsOf("<html><head><meta name=\"tdm-reservation\" content=\"1\"></head></html>");
  CHECK(Fixture().Run("", "https://example.org/x", both).tdm.reservation == 1);

  // Invalid values are unset and do not clear the file's value.
  const Decision invalid = Fixture().Run("", "https://example.org/x", Headers({{"tdm-reservation", "maybe"}}),
                                         std::nullopt, wk);
  CHECK(invalid.tdm.reservation == 1);
  const Decision meta_missing = Fixture().Run(
      "", "https://example.org/x", Html("<meta name=\"tdm-policy\" content=\"https://c.d/p\">"), std::nullopt, wk);
  CHECK(meta_missing.tdm.reservation == 1);
  CHECK(meta_missing.tdm.policy == "https://c.d/p");
}

TEST_CASE("aipref attach: Content-Usage in robots.txt and in the header", "[policy][aipref]") {
  const std::string robots =
      "User-agent: *\n"
      "Content-Usage: train-ai=y\n"
      "Content-Usage: /private/ train-ai=n\n"
      "Allow: /\n";
  CHECK(Fixture().Run(robots, "https://example.org/public").ai_train == Preference::kAllow);
  const Decision priv = Fixture().Run(robots, "https://example.org/private/x");
  CHECK(priv.ai_train == Preference::kDisallow);
  CHECK(priv.content_usage.train_ai == Preference::kDisallow);
  const Evidence* e = FindEvidence(priv, "content_usage.train-ai=n");
  REQUIRE(e);
  CHECK(e->line == 3);

  const Decision header = Fixture().Run("", "https://example.org/x", Headers({{"Content-Usage", "train-ai=n"}}));
  CHECK(header.ai_train == Preference::kDisallow);
  // Two header lines are one field: "train-ai=y, train-ai=n" -> the last value.
  const Decision two = Fixture().Run("", "https://example.org/x",
                                     Headers({{"Content-Usage", "train-ai=y"}, {"content-usage", "train-ai=n"}}));
  CHECK(two.content_usage.train_ai == Preference::kDisallow);
  // A header that fails to parse is unknown, not an allowance.
  const Decision broken = Fixture().Run("", "https://example.org/x", Headers({{"Content-Usage", "Train-AI=y"}}));
  CHECK(broken.ai_train == Preference::kUnknown);
  CHECK(FindEvidence(broken, "content_usage.parse-error"));
}

TEST_CASE("aipref attach: equally specific Content-Usage rules combine restrictively", "[policy][aipref]") {
  const std::string robots =
      "User-agent: *\n"
      "Content-Usage: /a/ train-ai=y\n"
      "Content-Usage: /a/ train-ai=n\n";
  CHECK(Fixture().Run(robots, "https://example.org/a/x").ai_train == Preference::kDisallow);
}

TEST_CASE("Content-Signal ai-train=no in robots.txt objects to training", "[policy][content-signal]") {
  const std::string robots = "User-agent: *\nContent-Signal: search=yes, ai-train=no\nAllow: /\n";
  const Decision d = Fixture().Run(robots, "https://example.org/x");
  CHECK(d.ai_train == Preference::kDisallow);
  CHECK(d.content_signal.search == Preference::kAllow);
  CHECK(HasReason(d, "content_signal.ai-train=no"));
  // It still applies when moisson has a group of its own.
  const std::string named = robots + "User-agent: moisson\nAllow: /\n";
  CHECK(Fixture().Run(named, "https://example.org/x").ai_train == Preference::kDisallow);
}

TEST_CASE("noai and noindex in headers and meta, scoped and unscoped", "[policy][noai]") {
  CHECK(Fixture().Run("", "https://example.org/x", Headers({{"X-Robots-Tag", "noai"}})).ai_train ==
        Preference::kDisallow);
  CHECK(Fixture().Run("", "https://example.org/x", Headers({{"X-Robots-Tag", "img2dataset: noai"}})).ai_train ==
        Preference::kDisallow);
  // Scoped to another, non-AI crawler: not ours.
  const Decision other = Fixture().Run("", "https://example.org/x", Headers({{"X-Robots-Tag", "googlebot: noindex"}}));
  CHECK(other.collect);
  CHECK_FALSE(other.x_robots.noindex);
  // noindex: not manifestly meant to be public, so not collected.
  const Decision noindex = Fixture().Run("", "https://example.org/x", Html("<meta name=robots content=\"noindex\">"));
  CHECK_FALSE(noindex.collect);
  CHECK(noindex.x_robots.noindex);
  CHECK(noindex.ai_train == Preference::kUnknown);
  const Evidence* e = FindEvidence(noindex, "noindex");
  REQUIRE(e);
  CHECK(e->line == 1);
  CHECK(e->signal == "meta_robots");
  // Scoped to moisson itself.
  CHECK_FALSE(Fixture().Run("", "https://example.org/x", Html("<meta name=MOISSON content=none>")).collect);
  // noimageai is recorded but does not cover text.
  const Decision img = Fixture().Run("", "https://example.org/x", Headers({{"X-Robots-Tag", "noimageai"}}));
  CHECK(img.x_robots.noimageai);
  CHECK(img.ai_train == Preference::kUnknown);
}

TEST_CASE("Conflicting signals: any objection beats any permission", "[policy]") {
  const std::string robots = "User-agent: *\nContent-Signal: ai-train=yes\nContent-Usage: train-ai=y\n";
  const Decision d = Fixture().Run(robots, "https://example.org/x", Headers({{"tdm-reservation", "1"}}));
  CHECK(d.ai_train == Preference::kDisallow);
  CHECK(d.reasons.front() == "tdm.reservation");
  CHECK(HasReason(d, "content_signal.ai-train=yes"));
}

TEST_CASE("Policy: an invalid URL is never collected", "[policy]") {
  const Decision d = Fixture().Run("", "ftp://example.org/x");
  CHECK_FALSE(d.collect);
  CHECK(d.reasons == std::vector<std::string>{"url.invalid"});
  CHECK_FALSE(Fixture().Run("", "not a url").collect);
}

TEST_CASE("Policy: rfc mode is used when configured", "[policy][config]") {
  Fixture f;
  f.config.policy.robots_mode = RobotsMode::kRfc;
  CHECK(f.Run("User-agent: *\nDissallow: /\n", "https://example.org/x").collect);
  f.config.policy.robots_mode = RobotsMode::kGoogle;
  CHECK_FALSE(f.Run("User-agent: *\nDissallow: /\n", "https://example.org/x").collect);
}

TEST_CASE("Crawl-delay and Request-rate of the agent's groups give the politeness interval", "[policy][robots-extras]") {
  const std::string robots =
      "User-agent: *\n"
      "Crawl-delay: 2\n"
      "Request-rate: 1/10s\n"
      "Disallow: /private\n"  // a rule closes the group; without it moisson would share it
      "User-agent: moisson\n"
      "Crawl-delay: oops\n"
      "Crawl-delay: 4\n"
      "Disallow: /x\n"
      "Sitemap: https://example.org/s.xml\n";
  const RobotsTxt txt = RobotsTxt::Parse(robots, RobotsMode::kGoogle);
  const CrawlHints own = CrawlHintsFor(txt, "moisson");
  CHECK(own.crawl_delay == 4.0);
  CHECK(own.crawl_delay_line == 7);
  CHECK_FALSE(own.request_interval);
  CHECK(own.MinInterval() == 4.0);
  const CrawlHints other = CrawlHintsFor(txt, "FooBot");
  CHECK(other.MinInterval() == 10.0);
  CHECK(other.request_rate_line == 3);
  CHECK_FALSE(CrawlHintsFor(RobotsTxt::Parse("", RobotsMode::kGoogle), "x").MinInterval());
  const Decision d = Fixture().Run(robots, "https://example.org/y");
  CHECK(d.robots.hints.MinInterval() == 4.0);
  CHECK(d.robots.sitemaps == std::vector<std::string>{"https://example.org/s.xml"});
}

TEST_CASE("Policy: a rule written with escapes catches the URL written the same way (google mode)", "[policy]") {
  CHECK_FALSE(Fixture().Run("User-agent: *\nDisallow: /%62%61%7A\n", "http://example.org/%62%61%7A").collect);
  CHECK_FALSE(Fixture().Run("User-agent: *\nDisallow: /a%2Ab\n", "http://example.org/a%2Ab").collect);
  CHECK_FALSE(Fixture().Run("User-agent: *\nDisallow: /a%2fb\n", "http://example.org/a%2Fb").collect);
  // ... and a plain rule still catches the escaped URL.
  CHECK_FALSE(Fixture().Run("User-agent: *\nDisallow: /baz\n", "http://example.org/%62az").collect);
  const std::string tdm = R"([{"location": "/%7Euser/*", "tdm-reservation": 1}])";
  CHECK(Fixture().Run("", "http://example.org/%7Euser/a", {}, std::nullopt, tdm).tdm.reservation == 1);
}

TEST_CASE("Policy: a group aimed at moisson by either reading counts, the stricter verdict wins", "[policy]") {
  Fixture f;
  f.config.policy.robots_mode = RobotsMode::kRfc;
  // RFC 9309 compares the whole value, but the site plainly means moisson.
  CHECK_FALSE(f.Run("User-agent: moisson/1.0\nDisallow: /\n", "https://example.org/x").collect);
  // Read strictly, '*' applies and disallows; read leniently, moisson's group allows: stricter wins.
  CHECK_FALSE(f.Run("User-agent: *\nDisallow: /\nUser-agent: moisson/1.0\nAllow: /\n", "https://example.org/x").collect);
  f.config.policy.robots_mode = RobotsMode::kGoogle;
  CHECK_FALSE(f.Run("User-agent: moisson/1.0\nDisallow: /\n", "https://example.org/x").collect);
}

TEST_CASE("aipref attach: an unparsable longer Content-Usage rule cannot hide a shorter objection", "[policy][aipref]") {
  const std::string robots =
      "User-agent: *\n"
      "Content-Usage: train-ai=n\n"
      "Content-Usage: /blog/ Train-AI=y\n";
  const Decision d = Fixture().Run(robots, "https://example.org/blog/x");
  CHECK(d.ai_train == Preference::kDisallow);
  CHECK(FindEvidence(d, "content_usage.parse-error"));
}

TEST_CASE("aipref: Content-Usage header lines are statements - any n wins whatever the order", "[policy][aipref]") {
  for (const auto& lines : std::vector<std::vector<std::string>>{
           {"train-ai=n", "train-ai=y"}, {"train-ai=y", "train-ai=n"}, {"train-ai=n", "Broken"}}) {
    PageSignals p;
    for (const auto& l : lines) p.headers.emplace_back("Content-Usage", l);
    CHECK(Fixture().Run("", "https://example.org/x", p).ai_train == Preference::kDisallow);
  }
}

TEST_CASE("Policy: hostile header values cost linear time and bounded evidence", "[policy][hostile]") {
  std::string value = "noai, ";  // unscoped: applies to everyone
  for (int i = 0; i < 20000; ++i) value += "bot" + std::to_string(i) + ": noindex, ";
  const auto start = std::chrono::steady_clock::now();
  const Decision d = Fixture().Run("", "https://example.org/x", Headers({{"X-Robots-Tag", value}}));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(seconds < 2.0);
  CHECK_FALSE(d.x_robots.noindex);  // every noindex was scoped to another crawler
  CHECK(d.x_robots.noai);
  for (const auto& e : d.evidence) CHECK(e.text.size() < 400);
}

TEST_CASE("Policy: an invalid URL's message does not echo its path or query", "[policy]") {
  const Decision d = Fixture().Run("", "mailto:jean.dupont@example.org?subject=x");
  REQUIRE(d.evidence.size() == 1);
  CHECK(d.evidence[0].text.find("dupont") == std::string::npos);
}

TEST_CASE("Policy: pre-parsed meta tags are read instead of the HTML, with their lines", "[policy]") {
  // The HTML says nothing; the pre-parsed tags object, and they are what counts.
  PageSignals page = Html("<html><head><meta name=\"robots\" content=\"all\"></head></html>");
  page.meta = std::vector<MetaTag>{{7, "robots", "noai"}, {9, "tdm-reservation", "1"}};
  const Decision d = Fixture().Run("", "https://example.org/a", page, std::nullopt, std::nullopt, 404);
  CHECK(HasReason(d, "noai"));
  CHECK(HasReason(d, "tdm.reservation"));
  const Evidence* e = FindEvidence(d, "noai");
  REQUIRE(e != nullptr);
  CHECK(e->signal == "meta_robots");
  CHECK(e->line == 7);
}

TEST_CASE("Policy: objections and other reason codes", "[policy]") {
  for (const char* r : {"robots.disallow", "robots.unreachable", "ai_agent.disallow", "ai_txt.disallow",
                        "tdm.reservation", "content_usage.train-ai=n", "content_signal.ai-train=no", "noai", "noindex"}) {
    INFO(r);
    CHECK(IsObjection(r));
  }
  for (const char* r : {"robots.allow", "robots.unavailable", "tdm.no-reservation", "content_usage.train-ai=y",
                        "content_signal.ai-train=yes", "url.invalid", "content_usage.parse-error"}) {
    INFO(r);
    CHECK_FALSE(IsObjection(r));
  }
}
