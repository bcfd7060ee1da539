// Opt-out signal parsers: aipref Content-Usage, Content-Signal, X-Robots-Tag,
// meta robots, TDMRep, crawl-delay.
#include <catch2/catch.hpp>

#include "policy/signals.h"

using namespace moisson::policy;

namespace {
// The rule matching `path`; a clean failure (not a null dereference) when none does.
const TdmRepRule& RuleOf(const TdmRepFile& f, std::string_view path) {
  const TdmRepRule* r = MatchTdmRep(f, path);
  INFO("expected a tdmrep rule for " << path);
  REQUIRE(r != nullptr);
  return *r;
}
}  // namespace

TEST_CASE("aipref vocab: train-ai and search take y or n", "[aipref]") {
  const ContentUsage cu = ParseContentUsage("train-ai=n, search=y");
  CHECK(cu.train_ai == Preference::kDisallow);
  CHECK(cu.search == Preference::kAllow);
  CHECK_FALSE(cu.parse_error);
}

TEST_CASE("aipref vocab: other value types are unknown, unknown labels ignored", "[aipref]") {
  const ContentUsage cu = ParseContentUsage("train-ai=\"n\", search, train-genai=n, ai-use=n, bots=n");
  CHECK(cu.train_ai == Preference::kUnknown);
  CHECK(cu.search == Preference::kUnknown);
  CHECK_FALSE(cu.parse_error);
  CHECK(ParseContentUsage("train-ai=yes").train_ai == Preference::kUnknown);
}

TEST_CASE("aipref vocab: a field that fails to parse makes every category unknown", "[aipref]") {
  for (const char* bad : {"Train-AI=n", "train-ai=n,", "train-ai=n;", "train-ai=n search=n"}) {
    const ContentUsage cu = ParseContentUsage(bad);
    CHECK(cu.parse_error);
    CHECK(cu.train_ai == Preference::kUnknown);
    CHECK(cu.search == Preference::kUnknown);
  }
}

TEST_CASE("aipref vocab: a repeated label takes its last value - parameters are ignored", "[aipref]") {
  CHECK(ParseContentUsage("train-ai=n, train-ai=y").train_ai == Preference::kAllow);
  CHECK(ParseContentUsage("train-ai=n;exp=1").train_ai == Preference::kDisallow);
}

TEST_CASE("aipref vocab: across statements any disallow wins, then any allow", "[aipref]") {
  CHECK(CombinePreferences(Preference::kAllow, Preference::kDisallow) == Preference::kDisallow);
  CHECK(CombinePreferences(Preference::kUnknown, Preference::kAllow) == Preference::kAllow);
  CHECK(CombinePreferences(Preference::kUnknown, Preference::kUnknown) == Preference::kUnknown);
  ContentUsage a = ParseContentUsage("train-ai=y");
  MergeContentUsage(&a, ParseContentUsage("train-ai=n"));
  CHECK(a.train_ai == Preference::kDisallow);
  ContentUsage b = ParseContentUsage("search=y");
  MergeContentUsage(&b, ParseContentUsage("Broken=1"));  // a parse error adds nothing
  CHECK(b.search == Preference::kAllow);
}

TEST_CASE("aipref attach: robots.txt Content-Usage rule with and without a path", "[aipref]") {
  const auto with_path = ParseContentUsageRule(7, "/photos/ train-ai=n", moisson::RobotsMode::kGoogle);
  CHECK(with_path.path == "/photos/");
  CHECK(with_path.usage.train_ai == Preference::kDisallow);
  CHECK(with_path.pattern.Matches("/photos/cat.jpg"));
  CHECK_FALSE(with_path.pattern.Matches("/text/"));
  const auto no_path = ParseContentUsageRule(8, "train-ai=n, search=y", moisson::RobotsMode::kRfc);
  CHECK(no_path.path == "/");
  CHECK(no_path.usage.search == Preference::kAllow);
  CHECK(no_path.pattern.Matches("/anything"));
}

TEST_CASE("Content-Signal: keys and values, with or without spaces", "[content-signal]") {
  const ContentSignal cs = ParseContentSignal("search=yes,ai-input=no, AI-Train = NO, use=reference");
  CHECK(cs.search == Preference::kAllow);
  CHECK(cs.ai_input == Preference::kDisallow);
  CHECK(cs.ai_train == Preference::kDisallow);
  REQUIRE(cs.ignored.size() == 1);
  CHECK(cs.ignored[0] == "use=reference");
  const ContentSignal absent = ParseContentSignal("search=yes");
  CHECK(absent.ai_train == Preference::kUnknown);  // an absent signal is no preference
  const ContentSignal junk = ParseContentSignal("ai-train=maybe, ai-train");
  CHECK(junk.ai_train == Preference::kUnknown);
  CHECK(junk.ignored.size() == 2);
}

TEST_CASE("X-Robots-Tag: unscoped and agent-scoped rules", "[noai]") {
  auto d = ParseXRobotsTag("noai, noimageai");
  REQUIRE(d.size() == 1);
  CHECK(d[0].agent.empty());
  CHECK(d[0].noai);
  CHECK(d[0].noimageai);
  CHECK_FALSE(d[0].noindex);

  d = ParseXRobotsTag("img2dataset: noai");
  REQUIRE(d.size() == 2);
  CHECK_FALSE(d[0].noai);
  CHECK(d[1].agent == "img2dataset");
  CHECK(d[1].noai);

  // A scope lasts until the next one.
  d = ParseXRobotsTag("googlebot: noindex, nofollow, GPTBot: noai, none");
  REQUIRE(d.size() == 3);
  CHECK(d[1].agent == "googlebot");
  CHECK(d[1].noindex);
  CHECK(d[1].nofollow);
  CHECK(d[2].agent == "gptbot");
  CHECK(d[2].noai);
  CHECK(d[2].noindex);  // none = noindex, nofollow
}

TEST_CASE("X-Robots-Tag: rules carrying their own colon are not agent scopes", "[noai]") {
  auto d = ParseXRobotsTag("unavailable_after: 25 Jun 2010 15:00:00 PST, NOINDEX");
  REQUIRE(d.size() == 1);
  CHECK(d[0].noindex);
  d = ParseXRobotsTag("googlebot: max-snippet: 20, noai");
  REQUIRE(d.size() == 2);
  CHECK(d[1].noai);
  CHECK_FALSE(d[0].noai);
}

TEST_CASE("meta robots: name robots is unscoped, other names scope to an agent", "[noai]") {
  const RobotsDirectives all = ParseMetaRobots("ROBOTS", "noai, noimageai");
  CHECK(all.agent.empty());
  CHECK(all.noai);
  const RobotsDirectives gpt = ParseMetaRobots("GPTBot", "noindex");
  CHECK(gpt.agent == "gptbot");
  CHECK(gpt.noindex);
}

TEST_CASE("TDMRep 3.3: tdm-reservation is 0 or 1, anything else is unset", "[tdmrep]") {
  CHECK(ParseTdmReservation("1") == 1);
  CHECK(ParseTdmReservation(" 0 ") == 0);
  CHECK_FALSE(ParseTdmReservation("2"));
  CHECK_FALSE(ParseTdmReservation("yes"));
  CHECK_FALSE(ParseTdmReservation(""));
}

TEST_CASE("TDMRep 3.2: tdmrep.json first matching rule wins", "[tdmrep]") {
  const TdmRepFile f = ParseTdmRepJson(R"([
    {"location": "/public/*", "tdm-reservation": 0},
    {"location": "/images/*.jpg$", "tdm-reservation": 1, "tdm-policy": "https://a.b/policy.json"},
    {"location": "/", "tdm-reservation": 1}
  ])");
  REQUIRE(f.valid);
  REQUIRE(f.rules.size() == 3);
  CHECK(RuleOf(f, "/public/x").reservation == 0);
  const TdmRepRule* img = MatchTdmRep(f, "/images/cat.jpg");
  REQUIRE(img);
  CHECK(img->index == 2);
  CHECK(img->policy == "https://a.b/policy.json");
  CHECK(RuleOf(f, "/images/cat.jpg?x").index == 3);
  CHECK(RuleOf(f, "/other").index == 3);
}

TEST_CASE("TDMRep 3.2: location matching is case-sensitive - no match is unset", "[tdmrep]") {
  const TdmRepFile f = ParseTdmRepJson(R"([{"location": "/Docs/", "tdm-reservation": 1}])");
  CHECK(MatchTdmRep(f, "/Docs/a"));
  CHECK_FALSE(MatchTdmRep(f, "/docs/a"));
}

TEST_CASE("TDMRep: malformed files and rules never crash and grant nothing", "[tdmrep]") {
  CHECK_FALSE(ParseTdmRepJson("{").valid);
  CHECK_FALSE(ParseTdmRepJson(R"({"location": "/"})").valid);
  const TdmRepFile f = ParseTdmRepJson(R"([1, {"tdm-reservation": 1}, {"location": 5},
      {"location": "/a", "tdm-reservation": 7}, {"location": "/b", "tdm-reservation": "1"}])");
  REQUIRE(f.valid);
  CHECK(f.error.find("rule 4 skipped") != std::string::npos);
  REQUIRE(f.rules.size() == 1);  // 7 is a protocol error: that rule is skipped
  CHECK(f.rules[0].location == "/b");
  CHECK(f.rules[0].reservation == 1);  // "1" as a string still reserves
}

TEST_CASE("TDMRep: an invalid rule cannot shadow a later reservation - \"0\" as a string grants nothing", "[tdmrep]") {
  const TdmRepFile f = ParseTdmRepJson(R"([{"location": "/*"}, {"location": "/x", "tdm-reservation": 2},
      {"location": "/y", "tdm-reservation": "0"}, {"location": "/*", "tdm-reservation": 1}])");
  REQUIRE(f.rules.size() == 1);
  CHECK(RuleOf(f, "/x").reservation == 1);
  CHECK(RuleOf(f, "/y").reservation == 1);
}

TEST_CASE("Crawl-delay and Request-rate as protego reads them", "[robots-extras]") {
  CHECK(ParseCrawlDelay("2.5") == 2.5);
  CHECK(ParseCrawlDelay(" 10 ") == 10.0);
  CHECK_FALSE(ParseCrawlDelay("-1"));
  CHECK_FALSE(ParseCrawlDelay("ten"));
  CHECK_FALSE(ParseCrawlDelay("5s"));
  CHECK(ParseRequestRate("1/5") == 5.0);
  CHECK(ParseRequestRate("3/1m 0900-1700") == 20.0);
  CHECK(ParseRequestRate("2/1h") == 1800.0);
  CHECK_FALSE(ParseRequestRate("0/5"));
  CHECK_FALSE(ParseRequestRate("fast"));
}

TEST_CASE("Request-rate that overflows is malformed, not an endless wait", "[robots-extras]") {
  CHECK_FALSE(ParseRequestRate("1/1e308d"));
}
