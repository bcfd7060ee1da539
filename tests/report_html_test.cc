// The HTML report's renderer (report/html.h): escaping, labels, time
// buckets, and pages for an empty ledger, one site, thousands of sites and a
// single minute. Data here is fictitious. The page as a browser lays it out
// is checked by tests/report/test_report.py.
#include <catch2/catch.hpp>

#include <regex>

#include "report/html.h"

using namespace moisson;
using namespace moisson::report;

namespace {

int Count(const std::string& hay, const std::string& needle) {
  int n = 0;
  for (std::size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + needle.size())) ++n;
  return n;
}

// The text of the chart with this id ("chart-sites"), "" when absent.
std::string Chart(const std::string& html, const std::string& id) {
  const std::size_t from = html.find("<svg class=\"chart\" id=\"" + id + "\"");
  if (from == std::string::npos) return "";
  return html.substr(from, html.find("</svg>", from) + 6 - from);
}

ReportInput Base() {
  ReportInput in;
  in.title = "Test report";
  in.generated_at = "2026-11-22T10:00:00Z";
  in.version = "0.1.0";
  return in;
}

audit::SiteSummary Site(std::string name, std::int64_t kept, std::int64_t modified, std::int64_t dropped) {
  audit::SiteSummary s;
  s.site = std::move(name);
  s.kept = kept;
  s.modified = modified;
  s.dropped = dropped;
  s.considered = kept + modified + dropped;
  s.first = "2026-11-22T09:31:00Z";
  s.last = "2026-11-22T09:40:00Z";
  return s;
}

// No http:// or https:// anywhere (inline SVG needs no namespace URI).
bool HasUrl(const std::string& html) { return std::regex_search(html, std::regex("https?://")); }

}  // namespace

TEST_CASE("HtmlEscape escapes markup, drops controls and repairs UTF-8", "[report]") {
  CHECK(HtmlEscape("<script>alert(\"x\")</script>&'") ==
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;");
  CHECK(HtmlEscape("a\x01" "b\x7F" "c\nd") == "abc d");
  CHECK(HtmlEscape("caf\xC3\xA9") == "caf\xC3\xA9");
  CHECK(HtmlEscape("bad\xFF" "x") == "bad\xEF\xBF\xBDx");
  CHECK(HtmlEscape("c1\xC2\x85" "x") == "c1x");  // U+0085, a C1 control
}

TEST_CASE("ClipChars cuts at characters, never inside one", "[report]") {
  CHECK(ClipChars("example.org", 34) == "example.org");
  CHECK(ClipChars("abcdef", 4) == "abc\xE2\x80\xA6");
  // "éééé": two bytes each; four characters fit exactly, three do not.
  CHECK(ClipChars("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 4) == "\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9");
  CHECK(ClipChars("\xC3\xA9\xC3\xA9\xC3\xA9\xC3\xA9", 3) == "\xC3\xA9\xC3\xA9\xE2\x80\xA6");
}

TEST_CASE("SiteLabel shows domain names only", "[report]") {
  CHECK(SiteLabel("velo-club.example") == "velo-club.example");
  CHECK(SiteLabel("xn--caf-dma.fr") == "xn--caf-dma.fr");
  CHECK(SiteLabel("") == "(no URL)");
  CHECK(SiteLabel("127.0.0.1") == "127.0.0.1");
  CHECK(SiteLabel("[2001:db8::1]") == "[2001:db8::1]");
  CHECK(SiteLabel("[::1]/x") == "(not a domain name)");
  CHECK(SiteLabel("[http://x]") == "(not a domain name)");
  CHECK(SiteLabel("https://a.example/x") == "(not a domain name)");
  CHECK(SiteLabel("jeanne@example.org") == "(not a domain name)");
  CHECK(SiteLabel("<b>x</b>.example") == "(not a domain name)");
  CHECK(SiteLabel("<b>x<b>.example") == "<b>x<b>.example");  // escaped by the caller
}

TEST_CASE("FormatCount groups thousands", "[report]") {
  CHECK(FormatCount(0) == "0");
  CHECK(FormatCount(999) == "999");
  CHECK(FormatCount(1000) == "1,000");
  CHECK(FormatCount(1234567) == "1,234,567");
  CHECK(FormatCount(-12345) == "-12,345");
}

TEST_CASE("Minutes parse and format back", "[report]") {
  REQUIRE(ParseMinute("1970-01-01T00:00") == 0);
  CHECK(ParseMinute("1970-01-02T01:01") == 1440 + 61);
  const auto m = ParseMinute("2024-02-29T23:59");
  REQUIRE(m);
  CHECK(FormatMinute(*m) == "2024-02-29T23:59");
  CHECK(FormatMinute(*m + 1) == "2024-03-01T00:00");
  CHECK_FALSE(ParseMinute("2023-02-29T10:00"));
  CHECK_FALSE(ParseMinute("2026-11-22T24:00"));
  CHECK_FALSE(ParseMinute("2026-11-22 09:31"));
  CHECK_FALSE(ParseMinute(""));
}

TEST_CASE("BucketTimeline picks the narrowest width that fits", "[report]") {
  SECTION("one minute: one bucket of one minute") {
    const Buckets b = BucketTimeline({{"2026-11-22T09:31", 3, 1, 2}}, 60);
    CHECK(b.width == 1);
    REQUIRE(b.filled.size() == 1);
    CHECK(b.first == b.last);
    CHECK(b.filled[0].kept == 3);
    CHECK(b.filled[0].dropped == 2);
  }
  SECTION("ten minutes with a gap: minutes, empty ones absent") {
    const Buckets b = BucketTimeline({{"2026-11-22T09:31", 1, 0, 0}, {"2026-11-22T09:40", 0, 0, 5}}, 60);
    CHECK(b.width == 1);
    CHECK(b.filled.size() == 2);
    CHECK((b.last - b.first) == 9);
  }
  SECTION("three hours: five-minute buckets, sums kept") {
    std::vector<audit::TimelinePoint> t;
    for (int h = 9; h < 12; ++h) {
      for (int m = 0; m < 60; ++m) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "2026-11-22T%02d:%02d", h, m);
        t.push_back({buf, 1, 1, 1});
      }
    }
    const Buckets b = BucketTimeline(t, 60);
    CHECK(b.width == 5);
    CHECK(b.filled.size() == 36);
    CHECK(b.filled[0].kept == 5);
    CHECK(FormatMinute(b.first) == "2026-11-22T09:00");
  }
  SECTION("two runs a year apart: wide buckets, never more than the maximum") {
    const Buckets b = BucketTimeline({{"2025-01-01T00:00", 1, 0, 0}, {"2026-01-01T00:00", 0, 1, 0}}, 60);
    CHECK((b.last - b.first) / b.width + 1 <= 60);
    CHECK(b.filled.size() == 2);
  }
  SECTION("undated rows are counted apart") {
    const Buckets b = BucketTimeline({{"", 2, 0, 1}, {"2026-11-22T09:31", 1, 0, 0}}, 60);
    CHECK(b.undated == 3);
    CHECK(b.filled.size() == 1);
  }
}

TEST_CASE("ReasonEffect follows the configured actions", "[report]") {
  const auto actions = filters::ActionTable::Defaults();
  CHECK(ReasonEffect("sensitive.health", actions) == Effect::kDrop);
  CHECK(ReasonEffect("id.email", actions) == Effect::kModify);
  CHECK(ReasonEffect("banking.iban", actions) == Effect::kModify);
  CHECK(ReasonEffect("policy.noai", actions) == Effect::kDrop);
  CHECK(ReasonEffect("duplicate", actions) == Effect::kDrop);
  auto flagged = actions;
  flagged.by_category[static_cast<int>(filters::Category::kIdEmail)] = filters::Action::kFlag;
  CHECK(ReasonEffect("id.email", flagged) == Effect::kFlag);
}

TEST_CASE("An empty ledger: four charts that say no data", "[report]") {
  const std::string html = RenderReport(Base());
  CHECK(Count(html, "<svg class=\"chart\"") == 4);
  CHECK(Count(html, "class=\"nodata\"") == 4);
  CHECK(Count(html, "<g class=\"bar") == 0);
  CHECK(html.find("<script") == std::string::npos);
  CHECK_FALSE(HasUrl(html));
  CHECK(html.find("No run recorded.") != std::string::npos);
  CHECK(html.find("No row has been purged") != std::string::npos);
  // Every chart has a title and a description for assistive technology.
  CHECK(Count(html, "<title id=\"chart-") == 4);
  CHECK(Count(html, "<desc id=\"chart-") == 4);
}

TEST_CASE("One site, one minute: one bar each", "[report]") {
  ReportInput in = Base();
  in.rows = 6;
  in.sites = {Site("velo-club.example", 3, 1, 2)};
  in.reasons = {{"id.email", 1, Effect::kModify}, {"sensitive.health", 1, Effect::kDrop},
                {"policy.noai", 1, Effect::kDrop}};
  in.timeline = {{"2026-11-22T09:31", 3, 1, 2}};
  in.runs = {{1, "filter", "2026-11-22T09:31:00Z", "2026-11-22T09:31:05Z", "0.1.0"}};
  const std::string html = RenderReport(in);
  CHECK(Count(Chart(html, "chart-decisions"), "<g class=\"bar") == 4);  // all documents + 3 reasons
  CHECK(Count(Chart(html, "chart-sites"), "<g class=\"bar") == 1);
  CHECK(Count(Chart(html, "chart-signals"), "<g class=\"bar") == 1);
  const std::string timeline = Chart(html, "chart-timeline");
  CHECK(Count(timeline, "<g class=\"bar") == 1);
  CHECK(Count(timeline, "<rect class=\"seg ") == 3);
  CHECK(timeline.find("documents per minute") != std::string::npos);
  CHECK(Count(html, "class=\"nodata\"") == 0);
  CHECK(html.find("<span class=\"ok\">intact</span>") != std::string::npos);
}

TEST_CASE("A reason's bar is split by the decisions the ledger recorded", "[report]") {
  ReportInput in = Base();
  in.rows = 5;
  in.sites = {Site("velo-club.example", 2, 1, 2)};
  // id.email: pseudonymised on 2 documents, but 1 of them also carried a dropping reason.
  ReasonCount email{"id.email", 3, Effect::kModify, true, 0, 2, 1};
  ReasonCount health{"sensitive.health", 1, Effect::kDrop, true, 0, 0, 1};
  in.reasons = {email, health};
  const std::string chart = Chart(RenderReport(in), "chart-decisions");
  CHECK(Count(chart, "<g class=\"bar") == 3);
  // all documents: keep, modify, drop; id.email: modify and drop; health: drop.
  CHECK(Count(chart, "<rect class=\"seg modify") == 2);
  CHECK(Count(chart, "<rect class=\"seg drop") == 3);
  CHECK(Count(chart, "<rect class=\"seg keep") == 1);
}

TEST_CASE("Rights requests and purges are counted", "[report]") {
  ReportInput in = Base();
  in.requests["erase"] = {3, 2};
  in.requests["export"] = {1234, 1000};
  in.checkpoints = 2;
  in.purged_rows = 12345;
  in.last_purge = "2026-12-01T00:00:00Z";
  const std::string html = RenderReport(in);
  CHECK(html.find("<tr><td>erase</td><td class=\"n\">3</td><td class=\"n\">2</td><td class=\"n\">1</td></tr>") !=
        std::string::npos);
  CHECK(html.find("<td>export</td><td class=\"n\">1,234</td><td class=\"n\">1,000</td><td class=\"n\">234</td>") !=
        std::string::npos);
  CHECK(html.find("<th class=\"n\">1,237</th>") != std::string::npos);
  CHECK(html.find("<th>rows purged</th><td class=\"n\">12,345</td>") != std::string::npos);
  CHECK(html.find("2026-12-01T00:00:00Z") != std::string::npos);
}

TEST_CASE("Captions speak the reader's words: no function or table names of the code", "[report]") {
  ReportInput in = Base();
  in.rows = 6;
  in.sites = {Site("velo-club.example", 3, 1, 2)};
  in.reasons = {{"policy.noai", 1, Effect::kDrop}};
  in.timeline = {{"2026-11-22T09:31", 3, 1, 2}};
  in.requests["erase"] = {1, 1};
  in.checkpoints = 1;
  in.purged_rows = 3;
  for (const std::string& html : {RenderReport(Base()), RenderReport(in)}) {
    // Sites(), ReasonCounts(), Ledger::VerifyChain... and the tables' names.
    CHECK_FALSE(std::regex_search(html, std::regex("[A-Za-z_]+\\(\\)")));
    CHECK(html.find("::") == std::string::npos);
    for (const char* code : {"document_reasons", "considered_at", "request_rows", "chain_checkpoints", "Source: <code>"}) {
      INFO(code);
      CHECK(html.find(code) == std::string::npos);
    }
  }
}

TEST_CASE("Erased records and the capture period are shown apart", "[report]") {
  ReportInput in = Base();
  in.sites = {Site("velo-club.example", 3, 1, 2), Site("solo.example", 0, 1, 0)};
  in.sites[1].erased = 1;
  in.sites[0].captured_first = "2023-06-01T08:00:00Z";
  in.sites[0].captured_last = "2024-03-05T10:00:00Z";
  const std::string html = RenderReport(in);
  CHECK(html.find("<span class=\"n\">1</span><span class=\"l\">of them erased since, on request</span>") !=
        std::string::npos);
  CHECK(html.find("<tr><th>capture period</th><td>2023-06-01T08:00:00Z to 2024-03-05T10:00:00Z</td></tr>") !=
        std::string::npos);
  CHECK(html.find("<tr><th>processing period</th><td>2026-11-22T09:31:00Z to 2026-11-22T09:40:00Z</td></tr>") !=
        std::string::npos);
  const std::string none = RenderReport(Base());
  CHECK(none.find("erased since") == std::string::npos);
  CHECK(none.find("<tr><th>capture period</th><td>not recorded</td></tr>") != std::string::npos);
}

TEST_CASE("A broken chain is said first", "[report]") {
  ReportInput in = Base();
  in.chain_ok = false;
  in.chain_problem = "row 2 was changed: its content does not match its hash";
  const std::string html = RenderReport(in);
  CHECK(html.find("role=\"alert\"><b>The ledger's hash chain is broken:</b> row 2 was changed") != std::string::npos);
  CHECK(html.find("<span class=\"bad\">BROKEN</span>") != std::string::npos);
}

TEST_CASE("Thousands of sites: the top N, the others summed", "[report]") {
  ReportInput in = Base();
  in.top = 20;
  std::int64_t other_docs = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::int64_t kept = 3000 - i;
    in.sites.push_back(Site("site" + std::to_string(i) + ".example", kept, 0, 1));
    if (i >= 20) other_docs += kept + 1;
  }
  const std::string html = RenderReport(in);
  const std::string sites = Chart(html, "chart-sites");
  CHECK(Count(sites, "<g class=\"bar") == 21);
  CHECK(sites.find("others (2,980 sites)") != std::string::npos);
  CHECK(sites.find("<title id=\"chart-sites-t\">Top 20 sites by documents considered</title>") != std::string::npos);
  CHECK(sites.find(">" + FormatCount(other_docs) + "</text>") != std::string::npos);
  CHECK(sites.find("site19.example") != std::string::npos);
  CHECK(sites.find("site20.example") == std::string::npos);
}

TEST_CASE("Hostile strings are escaped or withheld", "[report]") {
  ReportInput in = Base();
  in.title = "<script>alert(1)</script>";
  in.sites = {Site("\xC3\xA9vil\"><img src=x onerror=alert(1)>&'.example", 1, 0, 0),
              Site("jeanne.martin@example.org", 1, 0, 0), Site("https://x.example/p", 1, 0, 0)};
  in.reasons = {{"policy.<b>odd</b>", 2, Effect::kDrop}};
  in.runs = {{1, "filter \"<i>\"", "2026-11-22T09:31:00Z", "", "0.1.0"}};
  in.requests["erase"] = {2, 1};
  const std::string html = RenderReport(in);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(html.find("<img") == std::string::npos);
  CHECK(html.find("<b>odd") == std::string::npos);
  CHECK(html.find("policy.&lt;b&gt;odd&lt;/b&gt;") != std::string::npos);
  CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
  CHECK(html.find("@") == std::string::npos);
  CHECK_FALSE(HasUrl(html));
  CHECK(html.find("\xC3\xA9vil&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;&#39;.example") != std::string::npos);
  CHECK(Count(html, "(not a domain name)") >= 2);
  CHECK(html.find("not ended") != std::string::npos);
}
