#include <catch2/catch.hpp>

#include "core/url.h"

using namespace moisson;

TEST_CASE("PathParamsQuery extracts path, params and query like google/robotstxt", "[url]") {
  CHECK(PathParamsQuery("") == "/");
  CHECK(PathParamsQuery("http://www.example.com") == "/");
  CHECK(PathParamsQuery("http://www.example.com/") == "/");
  CHECK(PathParamsQuery("http://www.example.com/a") == "/a");
  CHECK(PathParamsQuery("http://www.example.com/a/") == "/a/");
  CHECK(PathParamsQuery("http://www.example.com/a/b?c=http://d.e/") == "/a/b?c=http://d.e/");
  CHECK(PathParamsQuery("http://www.example.com/a/b?c=d&e=f#fragment") == "/a/b?c=d&e=f");
  CHECK(PathParamsQuery("example.com") == "/");
  CHECK(PathParamsQuery("example.com/a") == "/a");
  CHECK(PathParamsQuery("example.com?a") == "/?a");
  CHECK(PathParamsQuery("example.com;a") == "/;a");
  CHECK(PathParamsQuery("//a/b/c") == "/b/c");
  CHECK(PathParamsQuery("http://a.b#x/y") == "/");
  CHECK(PathParamsQuery("a/b://c") == "/b://c");
}

TEST_CASE("RFC 3986 6.2.2: percent-encoding normalisation", "[url]") {
  CHECK(NormalisePercentEncoding("/a%2fb") == "/a%2Fb");
  CHECK(NormalisePercentEncoding("/%7Euser/%41") == "/~user/A");
  CHECK(NormalisePercentEncoding("/caf\xC3\xA9") == "/caf%C3%A9");
  CHECK(NormalisePercentEncoding("/a b\"<>") == "/a%20b%22%3C%3E");
  CHECK(NormalisePercentEncoding("/100%") == "/100%25");
  CHECK(NormalisePercentEncoding("/%zz") == "/%25zz");
  CHECK(NormalisePercentEncoding("/x%2A%24") == "/x*$");
  CHECK(NormalisePercentEncoding("/?q=a+b&c=%26") == "/?q=a+b&c=%26");
  for (const char* s : {"/a%2fb", "/caf\xC3\xA9", "/100%", "/%zz", "/a b"}) {
    const std::string once = NormalisePercentEncoding(s);
    CHECK(NormalisePercentEncoding(once) == once);
  }
}

TEST_CASE("ParseHttpUrl accepts http(s) only and normalises the host", "[url]") {
  auto u = ParseHttpUrl("https://Example.ORG/a/b?x=1#frag");
  REQUIRE(u.ok());
  CHECK(u->scheme == "https");
  CHECK(u->host == "example.org");
  CHECK(u->port == 443);
  CHECK(u->path_query == "/a/b?x=1");
  CHECK(u->Origin() == "https://example.org");
  auto p = ParseHttpUrl("http://example.org:8080");
  REQUIRE(p.ok());
  CHECK(p->path_query == "/");
  CHECK(p->Origin() == "http://example.org:8080");
  CHECK_FALSE(ParseHttpUrl("ftp://example.org/").ok());
  CHECK_FALSE(ParseHttpUrl("/relative").ok());
  CHECK_FALSE(ParseHttpUrl("https://exa mple.org/").ok());
  CHECK_FALSE(ParseHttpUrl("https://").ok());
  CHECK_FALSE(ParseHttpUrl("http://:80/").ok());
  // Like browsers (WHATWG URL), libcurl reads extra slashes as part of the separator.
  CHECK(ParseHttpUrl("https:///host.example/")->host == "host.example");
  CHECK_FALSE(ParseHttpUrl("").ok());
}
