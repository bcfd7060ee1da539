// robots.txt parsing and matching, named after the RFC 9309 clause or the
// google/robotstxt behaviour each case proves.
#include <catch2/catch.hpp>

#include <string>

#include "core/url.h"
#include "policy/robots.h"

using moisson::PathParamsQuery;
using moisson::RobotsMode;
using namespace moisson::policy;

namespace {

bool Allowed(std::string_view robots, std::string_view agent, std::string_view url,
             RobotsMode mode = RobotsMode::kGoogle) {
  return RobotsTxt::Parse(robots, mode).Match(agent, PathParamsQuery(url)).allowed;
}

int Line(std::string_view robots, std::string_view agent, std::string_view url,
         RobotsMode mode = RobotsMode::kGoogle) {
  return RobotsTxt::Parse(robots, mode).Match(agent, PathParamsQuery(url)).line;
}

const RobotsMode kBoth[] = {RobotsMode::kGoogle, RobotsMode::kRfc};

}  // namespace

TEST_CASE("RFC 9309 2.1: no robots.txt or an empty one allows everything", "[robots]") {
  for (RobotsMode m : kBoth) {
    CHECK(Allowed("", "FooBot", "https://example.com/", m));
    CHECK(Allowed("", "FooBot", "https://example.com/any/path?q=1", m));
    CHECK(Line("", "FooBot", "https://example.com/", m) == 0);
  }
}

TEST_CASE("RFC 9309 2.2.1: user-agent matching is case-insensitive", "[robots]") {
  const std::string r = "User-agent: FooBot\nDisallow: /\n";
  for (RobotsMode m : kBoth) {
    CHECK_FALSE(Allowed(r, "foobot", "http://a.b/x", m));
    CHECK_FALSE(Allowed(r, "FOOBOT", "http://a.b/x", m));
    CHECK(Allowed(r, "BarBot", "http://a.b/x", m));
  }
}

TEST_CASE("RFC 9309 2.2.1: keys are case-insensitive and whitespace around them is ignored", "[robots]") {
  const std::string r = "  uSeR-aGeNt  :   FooBot  \n   DISALLOW  :  /secret   \n";
  for (RobotsMode m : kBoth) {
    CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/secret/1", m));
    CHECK(Allowed(r, "FooBot", "http://a.b/public", m));
  }
}

TEST_CASE("RFC 9309 2.2.1: a group naming the agent replaces the * group entirely", "[robots]") {
  const std::string r =
      "User-agent: *\n"
      "Disallow: /\n"
      "\n"
      "User-agent: FooBot\n"
      "Disallow: /private\n";
  for (RobotsMode m : kBoth) {
    CHECK(Allowed(r, "FooBot", "http://a.b/public", m));
    CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/private", m));
    CHECK_FALSE(Allowed(r, "BarBot", "http://a.b/public", m));
  }
}

TEST_CASE("RFC 9309 2.2.1: an empty group for the agent allows everything despite *", "[robots]") {
  const std::string r =
      "User-agent: *\n"
      "Disallow: /\n"
      "User-agent: FooBot\n"
      "Disallow:\n";
  for (RobotsMode m : kBoth) {
    CHECK(Allowed(r, "FooBot", "http://a.b/anything", m));
    CHECK_FALSE(Allowed(r, "BarBot", "http://a.b/anything", m));
  }
  // A group with no rules at all (agent named, then a new group) behaves the same.
  const std::string r2 =
      "User-agent: FooBot\n"
      "\n"
      "User-agent: *\n"
      "Disallow: /\n";
  // FooBot and * share the group: consecutive user-agent lines (blank lines do not close it).
  CHECK_FALSE(Allowed(r2, "FooBot", "http://a.b/x"));
}

TEST_CASE("RFC 9309 2.2.1: groups naming the same agent are merged", "[robots]") {
  const std::string r =
      "User-agent: FooBot\n"
      "Disallow: /a\n"
      "User-agent: BarBot\n"
      "Disallow: /b\n"
      "User-agent: FooBot\n"
      "Disallow: /c\n";
  for (RobotsMode m : kBoth) {
    CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/a", m));
    CHECK(Allowed(r, "FooBot", "http://a.b/b", m));
    CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/c", m));
    CHECK_FALSE(Allowed(r, "BarBot", "http://a.b/b", m));
    CHECK(Allowed(r, "BarBot", "http://a.b/a", m));
  }
}

TEST_CASE("RFC 9309 2.2.1: consecutive user-agent lines share one group", "[robots]") {
  const std::string r =
      "User-agent: FooBot\n"
      "User-agent: BarBot\n"
      "Disallow: /x\n";
  for (RobotsMode m : kBoth) {
    CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/x", m));
    CHECK_FALSE(Allowed(r, "BarBot", "http://a.b/x", m));
    CHECK(Allowed(r, "BazBot", "http://a.b/x", m));
  }
}

TEST_CASE("RFC 9309 2.1: rules before the first user-agent line are ignored", "[robots]") {
  const std::string r =
      "Disallow: /\n"
      "User-agent: FooBot\n"
      "Disallow: /x\n";
  for (RobotsMode m : kBoth) {
    CHECK(Allowed(r, "FooBot", "http://a.b/y", m));
    CHECK(Allowed(r, "BarBot", "http://a.b/y", m));
  }
}

TEST_CASE("RFC 9309 2.2 / google: other records do not close a group", "[robots]") {
  // google/robotstxt#51: a Crawl-delay between user-agent lines keeps them one group.
  const std::string r =
      "User-agent: *\n"
      "Crawl-delay: 5\n"
      "User-agent: BadBot\n"
      "Disallow: /\n";
  for (RobotsMode m : kBoth) {
    CHECK_FALSE(Allowed(r, "Googlebot", "http://a.b/page", m));
    CHECK_FALSE(Allowed(r, "BadBot", "http://a.b/page", m));
  }
  const std::string sitemap_between =
      "User-agent: FooBot\n"
      "Sitemap: https://a.b/sitemap.xml\n"
      "User-agent: BarBot\n"
      "Disallow: /\n";
  CHECK_FALSE(Allowed(sitemap_between, "FooBot", "http://a.b/x"));
}

TEST_CASE("RFC 9309 2.2.2: the longest match wins", "[robots]") {
  const std::string r =
      "User-agent: FooBot\n"
      "Disallow: /folder\n"
      "Allow: /folder/page\n"
      "Disallow: /folder/page/deeper\n";
  for (RobotsMode m : kBoth) {
    CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/folder/other", m));
    CHECK(Allowed(r, "FooBot", "http://a.b/folder/page", m));
    CHECK(Line(r, "FooBot", "http://a.b/folder/page", m) == 3);
    CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/folder/page/deeper/x", m));
    CHECK(Line(r, "FooBot", "http://a.b/folder/page/deeper/x", m) == 4);
  }
}

TEST_CASE("RFC 9309 2.2.2: on an equally long match Allow wins", "[robots]") {
  const std::string r =
      "User-agent: FooBot\n"
      "Disallow: /page\n"
      "Allow: /page\n";
  for (RobotsMode m : kBoth) {
    CHECK(Allowed(r, "FooBot", "http://a.b/page", m));
    CHECK(Line(r, "FooBot", "http://a.b/page", m) == 3);
  }
  // Google counts pattern length, '*' included: "/page*" (6) beats "/page" (5).
  const std::string r2 =
      "User-agent: FooBot\n"
      "Allow: /page\n"
      "Disallow: /page*\n";
  CHECK_FALSE(Allowed(r2, "FooBot", "http://a.b/page"));
}

TEST_CASE("RFC 9309 2.2.2: matching is case-sensitive on the path", "[robots]") {
  const std::string r = "User-agent: *\nDisallow: /Secret\n";
  for (RobotsMode m : kBoth) {
    CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/Secret", m));
    CHECK(Allowed(r, "FooBot", "http://a.b/secret", m));
  }
}

TEST_CASE("RFC 9309 2.2.2: an empty Disallow allows and decides nothing", "[robots]") {
  const std::string r = "User-agent: *\nDisallow:\n";
  for (RobotsMode m : kBoth) {
    CHECK(Allowed(r, "FooBot", "http://a.b/x", m));
  }
  // google reports the empty rule as the matching line.
  CHECK(Line(r, "FooBot", "http://a.b/x") == 2);
}

TEST_CASE("RFC 9309 2.2.2: the query is part of the matched path, the fragment is not", "[robots]") {
  const std::string r =
      "User-agent: *\n"
      "Disallow: /search?q=\n"
      "Disallow: /page$\n";
  for (RobotsMode m : kBoth) {
    CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/search?q=cats", m));
    CHECK(Allowed(r, "FooBot", "http://a.b/search", m));
    CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/page#frag", m));
    CHECK(Allowed(r, "FooBot", "http://a.b/page?x#frag", m));
  }
}

TEST_CASE("RFC 9309 2.2.3: '*' matches any run of characters", "[robots]") {
  const std::string r =
      "User-agent: *\n"
      "Disallow: /*.php\n"
      "Disallow: /users/*/replies\n"
      "Disallow: /*s=\n";
  for (RobotsMode m : kBoth) {
    CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/index.php", m));
    CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/dir/file.php?x=1", m));
    CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/users/42/replies", m));
    CHECK(Allowed(r, "FooBot", "http://a.b/users/42", m));
    // scrapy/protego#29: "/*s=" must block "/?s=asd".
    CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/?s=asd", m));
  }
}

TEST_CASE("RFC 9309 2.2.3: '$' anchors the end only as the last character", "[robots]") {
  const std::string r =
      "User-agent: *\n"
      "Disallow: /*.gif$\n"
      "Disallow: /exact$\n"
      "Disallow: /lit$eral\n";
  for (RobotsMode m : kBoth) {
    CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/img/a.gif", m));
    CHECK(Allowed(r, "FooBot", "http://a.b/img/a.gif?size=2", m));
    CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/exact", m));
    CHECK(Allowed(r, "FooBot", "http://a.b/exact/more", m));
  }
  // google: a '$' inside the pattern is a literal character.
  CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/lit$eral"));
}

TEST_CASE("RFC 9309 2.2.3: %2A and %24 are literal '*' and '$' in rfc mode only", "[robots]") {
  const std::string r =
      "User-agent: *\n"
      "Disallow: /path/file-with-a-%2A.html\n"
      "Disallow: /path/foo-%24\n";
  CHECK_FALSE(Allowed(r, "FooBot", "https://www.example.com/path/file-with-a-*.html", RobotsMode::kRfc));
  CHECK_FALSE(Allowed(r, "FooBot", "https://www.example.com/path/foo-$", RobotsMode::kRfc));
  CHECK(Allowed(r, "FooBot", "https://www.example.com/path/file-with-a-x.html", RobotsMode::kRfc));
  // google/robotstxt#57: Google does not implement this.
  CHECK(Allowed(r, "FooBot", "https://www.example.com/path/file-with-a-*.html", RobotsMode::kGoogle));
  CHECK(Allowed(r, "FooBot", "https://www.example.com/path/foo-$", RobotsMode::kGoogle));
}

TEST_CASE("RFC 9309 2.2.2: percent-encoding is normalised before comparison (rfc mode)", "[robots]") {
  const std::string utf8_rule = "User-agent: *\nDisallow: /foo/bar/\xE3\x83\x84\n";
  const std::string encoded_rule = "User-agent: *\nDisallow: /foo/bar/%E3%83%84\n";
  const std::string unreserved_rule = "User-agent: *\nDisallow: /foo/bar/%62%61%7A\n";
  const auto rfc = RobotsMode::kRfc;
  CHECK_FALSE(Allowed(utf8_rule, "FooBot", "http://a.b/foo/bar/%E3%83%84", rfc));
  CHECK_FALSE(Allowed(utf8_rule, "FooBot", "http://a.b/foo/bar/\xE3\x83\x84", rfc));
  CHECK_FALSE(Allowed(encoded_rule, "FooBot", "http://a.b/foo/bar/%e3%83%84", rfc));
  CHECK_FALSE(Allowed(unreserved_rule, "FooBot", "http://a.b/foo/bar/baz", rfc));
  CHECK_FALSE(Allowed(unreserved_rule, "FooBot", "http://a.b/foo/bar/%62az", rfc));
}

TEST_CASE("google: rules are escaped, the URL is compared as given", "[robots][google]") {
  const std::string utf8_rule = "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/\xE3\x83\x84\n";
  CHECK(Allowed(utf8_rule, "FooBot", "http://a.b/foo/bar/%E3%83%84"));
  CHECK_FALSE(Allowed(utf8_rule, "FooBot", "http://a.b/foo/bar/\xE3\x83\x84"));
  const std::string lower_hex = "User-agent: FooBot\nDisallow: /\nAllow: /a%2fb\n";
  CHECK(Allowed(lower_hex, "FooBot", "http://a.b/a%2Fb"));
  const std::string unreserved = "User-agent: FooBot\nDisallow: /\nAllow: /foo/bar/%62%61%7A\n";
  CHECK_FALSE(Allowed(unreserved, "FooBot", "http://a.b/foo/bar/baz"));
  CHECK(Allowed(unreserved, "FooBot", "http://a.b/foo/bar/%62%61%7A"));
}

TEST_CASE("RFC 9309 2.2: CR, LF and CRLF all end lines", "[robots]") {
  for (const char* eol : {"\n", "\r", "\r\n"}) {
    const std::string r = std::string("User-agent: FooBot") + eol + "Disallow: /a" + eol + "Allow: /a/b" + eol;
    for (RobotsMode m : kBoth) {
      CHECK_FALSE(Allowed(r, "FooBot", "http://x.y/a/c", m));
      CHECK(Allowed(r, "FooBot", "http://x.y/a/b", m));
      CHECK(Line(r, "FooBot", "http://x.y/a/b", m) == 3);
    }
  }
  // Mixed endings count lines like google/robotstxt: "\n\r" is two line ends.
  const std::string mixed = "User-agent: FooBot\n\rDisallow: /a\r\nAllow: /a/b\n";
  CHECK(Line(mixed, "FooBot", "http://x.y/a/c") == 3);
  CHECK(Line(mixed, "FooBot", "http://x.y/a/b") == 4);
}

TEST_CASE("RFC 9309 2.2: a UTF-8 byte order mark is skipped", "[robots]") {
  const std::string body = "User-agent: FooBot\nDisallow: /\n";
  for (RobotsMode m : kBoth) CHECK_FALSE(Allowed("\xEF\xBB\xBF" + body, "FooBot", "http://a.b/x", m));
  // google also skips a partial BOM; the RFC mode does not.
  CHECK_FALSE(Allowed("\xEF\xBB" + body, "FooBot", "http://a.b/x"));
  CHECK_FALSE(Allowed("\xEF" + body, "FooBot", "http://a.b/x"));
  CHECK(Allowed("\xEF\xBB" + body, "FooBot", "http://a.b/x", RobotsMode::kRfc));
  // A BOM in the middle is not skipped: that line's key becomes unknown.
  CHECK(Allowed("User-agent: FooBot\n\xEF\xBB\xBF" "Disallow: /\n", "FooBot", "http://a.b/x"));
}

TEST_CASE("RFC 9309 2.2: comments are stripped", "[robots]") {
  const std::string r =
      "# a comment\n"
      "User-agent: FooBot # trailing\n"
      "Disallow: /x # another\n"
      "#Disallow: /y\n";
  for (RobotsMode m : kBoth) {
    CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/x", m));
    CHECK(Allowed(r, "FooBot", "http://a.b/y", m));
  }
}

TEST_CASE("google: keys match by prefix and common typos are accepted - rfc mode refuses both", "[robots][google]") {
  for (const char* key : {"Disallowed", "dissallow", "dissalow", "disalow", "diasllow", "disallaw"}) {
    const std::string r = std::string("User-agent: FooBot\n") + key + ": /x\n";
    CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/x"));
    CHECK(Allowed(r, "FooBot", "http://a.b/x", RobotsMode::kRfc));
  }
  for (const char* key : {"useragent", "user agent", "User-agents"}) {
    const std::string r = std::string(key) + ": FooBot\nDisallow: /x\n";
    CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/x"));
    CHECK(Allowed(r, "FooBot", "http://a.b/x", RobotsMode::kRfc));
  }
}

TEST_CASE("google: a missing colon is accepted between exactly two words", "[robots][google]") {
  const std::string r = "User-agent FooBot\nDisallow /x\n";
  CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/x"));
  CHECK(Allowed(r, "FooBot", "http://a.b/x", RobotsMode::kRfc));
  const std::string three_words = "User-agent: FooBot\nDisallow /x /y\n";
  CHECK(Allowed(three_words, "FooBot", "http://a.b/x"));
}

TEST_CASE("google: user-agent values are cut at the first character outside [A-Za-z_-]", "[robots][google]") {
  const std::string r =
      "User-agent: *\n"
      "Disallow: /\n"
      "User-agent: FooBot/2.1 (extra)\n"
      "Allow: /\n";
  CHECK(Allowed(r, "FooBot", "http://a.b/x"));
  // rfc mode compares the whole value: FooBot falls back to '*'.
  CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/x", RobotsMode::kRfc));
  // The agent asked about is not cut: "Foo Bar" never equals a token.
  const std::string spaced = "User-agent: *\nDisallow: /\nUser-agent: Foo Bar\nAllow: /\n";
  CHECK(Allowed(spaced, "Foo", "http://a.b/x"));
  CHECK_FALSE(Allowed(spaced, "Foo Bar", "http://a.b/x"));
}

TEST_CASE("google: '* text' is the global group", "[robots][google]") {
  const std::string r = "User-agent: * # everyone\nDisallow: /a\nUser-agent: *bot\nDisallow: /b\n";
  CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/a"));
  CHECK(Allowed(r, "FooBot", "http://a.b/b"));
  const std::string with_word = "User-agent: * everyone\nDisallow: /a\n";
  CHECK_FALSE(Allowed(with_word, "FooBot", "http://a.b/a"));
  CHECK(Allowed(with_word, "FooBot", "http://a.b/a", RobotsMode::kRfc));
}

TEST_CASE("google: Allow of /dir/index.html also allows /dir/", "[robots][google]") {
  const std::string r = "User-agent: *\nDisallow: /dir/\nAllow: /dir/index.html\n";
  CHECK(Allowed(r, "FooBot", "http://a.b/dir/"));
  CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/dir/other.html"));
  CHECK(Allowed(r, "FooBot", "http://a.b/dir/index.html"));
  CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/dir/", RobotsMode::kRfc));
}

TEST_CASE("google: lines are cut at 16,663 bytes", "[robots][google]") {
  const std::string long_path = "/" + std::string(20000, 'a');
  const std::string r = "User-agent: FooBot\nDisallow: " + long_path + "\n";
  // Cut, the rule is a prefix of long paths it did not cover before.
  const std::size_t cut = kGoogleMaxLineBytes - std::string("Disallow: ").size();
  CHECK_FALSE(Allowed(r, "FooBot", "http://a.b" + long_path.substr(0, cut) + "zzz"));
  CHECK(Allowed(r, "FooBot", "http://a.b" + long_path.substr(0, cut) + "zzz", RobotsMode::kRfc));
}

TEST_CASE("RFC 9309 2.5: only the first 500 KiB are parsed and a cut line is dropped", "[robots]") {
  std::string r = "User-agent: FooBot\nDisallow: /early\n";
  while (r.size() < kMaxRobotsBytes - 20) r += "# padding padding padding padding\n";
  // This rule straddles the limit: half of it would allow more than it says.
  r += "Disallow: /late-rule-that-straddles-the-limit\n";
  r += "Disallow: /after\n";
  for (RobotsMode m : kBoth) {
    const RobotsTxt txt = RobotsTxt::Parse(r, m);
    CHECK(txt.ignored_bytes() > 0);
    CHECK_FALSE(txt.Match("FooBot", "/early").allowed);
    CHECK(txt.Match("FooBot", "/after").allowed);
    CHECK(txt.Match("FooBot", "/late-rule").allowed);
    CHECK(txt.Match("FooBot", "/late").allowed);
  }
}

TEST_CASE("RFC 9309 2.2.3: matching is linear - a thousand '*' cost nothing", "[robots]") {
  std::string pattern = "/";
  for (int i = 0; i < 1000; ++i) pattern += "*a";
  pattern += "$";
  std::string r = "User-agent: *\nDisallow: " + pattern + "\nDisallow: /" + std::string(1000, '*') + "x$\n";
  const RobotsTxt txt = RobotsTxt::Parse(r, RobotsMode::kGoogle);
  std::string path = "/" + std::string(5000, 'a') + "b";
  // 200 evaluations of a pathological rule against a 5 KB path: with a
  // backtracking matcher this does not finish; ours takes milliseconds.
  for (int i = 0; i < 200; ++i) REQUIRE(txt.Match("FooBot", path).allowed);
  CHECK_FALSE(txt.Match("FooBot", "/" + std::string(5000, 'a')).allowed);
  CHECK_FALSE(txt.Match("FooBot", "/yyyx").allowed);
}

TEST_CASE("PathPattern: pieces are placed leftmost and anchors respected", "[robots]") {
  CHECK(PathPattern::Google("/a*b*c").Matches("/aXbYc"));
  CHECK(PathPattern::Google("/a*b*c").Matches("/abcabc"));
  CHECK_FALSE(PathPattern::Google("/a*b*c$").Matches("/abcab"));
  CHECK(PathPattern::Google("/a*b*c$").Matches("/abcabc"));
  CHECK(PathPattern::Google("/a*bc$").Matches("/abcbc"));
  CHECK_FALSE(PathPattern::Google("/a*ab$").Matches("/ab"));  // pieces may not overlap
  CHECK(PathPattern::Google("*").Matches("/"));
  CHECK(PathPattern::Google("").Matches("/"));
  CHECK_FALSE(PathPattern::Google("$").Matches("/"));
  CHECK(PathPattern::Google("/$").Matches("/"));
  CHECK(PathPattern::Google("/**$").Matches("/x"));
  CHECK(PathPattern::Google("/a*").length() == 3);
  // Consecutive and trailing wildcards, an empty middle run, the last run
  // found after the middle ones.
  CHECK(PathPattern::Google("/a**b").Matches("/aXXb"));
  CHECK(PathPattern::Google("**a*").Matches("/zaz"));
  CHECK_FALSE(PathPattern::Google("**a*").Matches("/zzz"));
  CHECK(PathPattern::Google("/a*b*").Matches("/ab"));
  CHECK_FALSE(PathPattern::Google("/x*y*x").Matches("/xyz"));
  CHECK(PathPattern::Google("/x*y*x").Matches("/xyzx"));
  // rfc mode: a literal '*' (%2A) is not a wildcard, even beside one.
  CHECK(PathPattern::Rfc("/a%2Ab*c").Matches("/a*bXc"));
  CHECK_FALSE(PathPattern::Rfc("/a%2Ab*c").Matches("/aXbXc"));
  CHECK(PathPattern::Rfc("/a%2A*$").Matches("/a*zz"));
  CHECK_FALSE(PathPattern::Rfc("/a%2A$").Matches("/aX"));
  CHECK(PathPattern::Rfc("/a%2A$").length() == 4);
}

TEST_CASE("AI crawler names that are not RFC tokens match their own groups when asked", "[robots]") {
  const std::string r =
      "User-agent: AI2Bot\n"
      "User-agent: Brightbot 1.0\n"
      "User-agent: img2dataset\n"
      "Disallow: /\n";
  const RobotsTxt txt = RobotsTxt::Parse(r, RobotsMode::kGoogle);
  // Google's own reading never matches them (the tokens are cut to AI, Brightbot, img).
  CHECK(txt.Match("AI2Bot", "/x").allowed);
  CHECK(txt.Match("img2dataset", "/x").allowed);
  for (const char* name : {"AI2Bot", "Brightbot 1.0", "img2dataset", "ai2bot", "BRIGHTBOT 1.0"}) {
    CHECK_FALSE(txt.Match(name, "/x", AgentMatching::kLenient).allowed);
  }
  CHECK(txt.Match("Brightbot", "/x").allowed == false);  // google cuts "Brightbot 1.0" to Brightbot
  for (const char* name : {"AI2Bot", "Brightbot 1.0", "img2dataset"}) {
    CHECK_FALSE(RobotsTxt::Parse(r, RobotsMode::kRfc).Match(name, "/x").allowed);
  }
}

TEST_CASE("Groups record crawl-delay, content-signal and sitemaps with their lines", "[robots]") {
  const std::string r =
      "Sitemap: https://a.b/s1.xml\n"
      "User-agent: *\n"
      "Crawl-delay: 2.5\n"
      "Content-Signal: search=yes, ai-train=no\n"
      "Disallow: /private\n"
      "Sitemap: https://a.b/s2.xml\n";
  const RobotsTxt txt = RobotsTxt::Parse(r, RobotsMode::kGoogle);
  REQUIRE(txt.sitemaps().size() == 2);
  CHECK(txt.sitemaps()[1].line == 6);
  const auto groups = txt.GroupsFor("FooBot");
  REQUIRE(groups.size() == 1);
  REQUIRE(groups[0]->records.size() == 2);
  CHECK(groups[0]->records[0].key == "crawl-delay");
  CHECK(groups[0]->records[1].line == 4);
}

TEST_CASE("Malformed bytes never crash and never invent rules", "[robots]") {
  std::string junk;
  for (int i = 0; i < 4096; ++i) junk.push_back(static_cast<char>((i * 7919) & 0xFF));
  for (RobotsMode m : kBoth) {
    const RobotsTxt txt = RobotsTxt::Parse(junk, m);
    (void)txt.Match("FooBot", "/x");
  }
  // google reads lines as C strings: a NUL ends the line.
  static const char kWithNul[] = "User-agent: FooBot\nDisallow: /a\0/b\n";
  const std::string with_nul(kWithNul, sizeof kWithNul - 1);
  CHECK_FALSE(RobotsTxt::Parse(with_nul, RobotsMode::kGoogle).Match("FooBot", "/a/c").allowed);
  // rfc mode keeps the byte, percent-encoded, so the rule stays narrow.
  CHECK(RobotsTxt::Parse(with_nul, RobotsMode::kRfc).Match("FooBot", "/a/c").allowed);
  CHECK_FALSE(RobotsTxt::Parse(with_nul, RobotsMode::kRfc).Match("FooBot", "/a%00/b").allowed);
}

TEST_CASE("google: an empty agent matches user-agent lines whose token is empty", "[robots][google]") {
  const std::string r = "User-agent: *\nDisallow: /\nUser-agent: 123\nAllow: /\n";
  // google compares the extracted token ("" for "123") with the agent as given.
  CHECK(Allowed(r, "", "http://a.b/x"));
  CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/x"));
  // rfc mode: an empty agent names nothing and falls to '*'.
  CHECK_FALSE(Allowed(r, "", "http://a.b/x", RobotsMode::kRfc));
}

TEST_CASE("google: the path ends at a NUL byte, as in google/robotstxt", "[robots][google]") {
  const RobotsTxt txt = RobotsTxt::Parse("User-agent: *\nDisallow: /$\nDisallow: /*b\n", RobotsMode::kGoogle);
  CHECK_FALSE(txt.Match("FooBot", std::string("/\0x", 3)).allowed);  // read as "/"
  CHECK(txt.Match("FooBot", std::string("/a\0b", 4)).allowed);       // read as "/a"
  const RobotsTxt rfc = RobotsTxt::Parse("User-agent: *\nDisallow: /*b\n", RobotsMode::kRfc);
  CHECK_FALSE(rfc.Match("FooBot", std::string("/a\0b", 4)).allowed);  // rfc: %00 is kept
}

TEST_CASE("RFC 9309 2.2.2: /robots.txt is always allowed (rfc mode)", "[robots]") {
  const std::string r = "User-agent: *\nDisallow: /\n";
  CHECK(Allowed(r, "FooBot", "http://a.b/robots.txt", RobotsMode::kRfc));
  CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/robots.txt.bak", RobotsMode::kRfc));
  // google/robotstxt has no such exception; google mode agrees with it.
  CHECK_FALSE(Allowed(r, "FooBot", "http://a.b/robots.txt"));
}

TEST_CASE("Lenient agent matching: rfc mode also reads Google's token", "[robots]") {
  const RobotsTxt txt = RobotsTxt::Parse("User-agent: FooBot/1.0\nDisallow: /\n", RobotsMode::kRfc);
  CHECK(txt.Match("FooBot", "/x").allowed);
  CHECK_FALSE(txt.Match("FooBot", "/x", AgentMatching::kLenient).allowed);
  CHECK_FALSE(txt.Match("FooBot/1.0", "/x").allowed);
}

// The path-matching and precedence examples of Google's public robots.txt
// documentation ("How Google interprets the robots.txt specification"),
// restated as a table. Google mode must answer them as Google documents.
TEST_CASE("google: documented path-matching examples", "[robots][google]") {
  struct Case {
    const char* pattern;
    std::vector<const char*> match;
    std::vector<const char*> no_match;
  };
  const std::vector<Case> cases = {
      {"/", {"/", "/anything", "/a/b?c"}, {}},
      {"/*", {"/", "/anything"}, {}},
      {"/$", {"/"}, {"/page.htm", "/?q"}},
      {"/fish",
       {"/fish", "/fish.html", "/fish/salmon.html", "/fishheads", "/fishheads/yummy.html", "/fish.php?id=anything"},
       {"/Fish.asp", "/catfish", "/?id=fish", "/desert/fish"}},
      {"/fish*",
       {"/fish", "/fish.html", "/fish/salmon.html", "/fishheads", "/fishheads/yummy.html", "/fish.php?id=anything"},
       {"/Fish.asp", "/catfish", "/?id=fish", "/desert/fish"}},
      {"/fish/", {"/fish/", "/fish/?id=anything", "/fish/salmon.htm"},
       {"/fish", "/fish.html", "/animals/fish/", "/Fish/Salmon.asp"}},
      {"/*.php",
       {"/index.php", "/filename.php", "/folder/filename.php", "/folder/filename.php?parameters",
        "/folder/any.php.file.html", "/filename.php/"},
       {"/", "/windows.PHP"}},
      {"/*.php$", {"/filename.php", "/folder/filename.php"},
       {"/filename.php?parameters", "/filename.php/", "/filename.php5", "/windows.PHP"}},
      {"/fish*.php", {"/fish.php", "/fishheads/catfish.php?parameters"}, {"/Fish.PHP"}},
  };
  for (const Case& c : cases) {
    const std::string robots = std::string("User-agent: *\nDisallow: ") + c.pattern + "\n";
    for (const char* path : c.match) {
      INFO("pattern " << c.pattern << " path " << path);
      CHECK_FALSE(Allowed(robots, "FooBot", std::string("http://example.com") + path));
    }
    for (const char* path : c.no_match) {
      INFO("pattern " << c.pattern << " path " << path);
      CHECK(Allowed(robots, "FooBot", std::string("http://example.com") + path));
    }
  }
}

TEST_CASE("google: documented order-of-precedence examples", "[robots][google]") {
  CHECK(Allowed("User-agent: *\nAllow: /p\nDisallow: /\n", "FooBot", "http://example.com/page"));
  CHECK(Allowed("User-agent: *\nAllow: /folder\nDisallow: /folder\n", "FooBot", "http://example.com/folder/page"));
  CHECK_FALSE(Allowed("User-agent: *\nAllow: /page\nDisallow: /*.htm\n", "FooBot", "http://example.com/page.htm"));
  CHECK(Allowed("User-agent: *\nAllow: /$\nDisallow: /\n", "FooBot", "http://example.com/"));
  CHECK_FALSE(Allowed("User-agent: *\nAllow: /$\nDisallow: /\n", "FooBot", "http://example.com/page.htm"));
}
