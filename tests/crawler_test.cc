// Unit tests of the crawler's parts that need no network: the SSRF address
// guard, Retry-After, the crawl state and the options kept for --resume.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <unistd.h>
#include <zlib.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <ctime>
#include <string>

#include "crawler/address.h"
#include "crawler/crawler.h"
#include "crawler/fetcher.h"
#include "crawler/sitemap.h"
#include "crawler/url_norm.h"
#include "crawler/state.h"

using namespace moisson;
using namespace moisson::crawler;

namespace {

const char* V4(const char* text) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  REQUIRE(inet_pton(AF_INET, text, &a.sin_addr) == 1);
  return NonPublicReason(reinterpret_cast<const sockaddr*>(&a), sizeof a);
}

const char* V6(const char* text) {
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  REQUIRE(inet_pton(AF_INET6, text, &a.sin6_addr) == 1);
  return NonPublicReason(reinterpret_cast<const sockaddr*>(&a), sizeof a);
}

std::string TempPath(const char* name) {
  char dir[] = "/tmp/moisson-crawler-test-XXXXXX";
  REQUIRE(mkdtemp(dir) != nullptr);
  return std::string(dir) + "/" + name;
}

}  // namespace

TEST_CASE("Address guard: loopback, private, link-local, multicast and reserved IPv4 are refused", "[crawler]") {
  for (const char* a : {"127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                        "169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1", "239.255.255.250", "240.0.0.1",
                        "255.255.255.255", "198.18.0.1", "192.0.0.8"}) {
    INFO(a);
    CHECK(V4(a) != nullptr);
  }
  for (const char* a : {"8.8.8.8", "93.184.216.34", "172.32.0.1", "172.15.255.255", "100.128.0.1", "192.0.2.1",
                        "1.1.1.1"}) {
    INFO(a);
    CHECK(V4(a) == nullptr);
  }
  CHECK(std::string(V4("127.0.0.1")) == "loopback");
  CHECK(std::string(V4("169.254.169.254")) == "link-local");
}

TEST_CASE("Address guard: IPv6 and IPv4 inside IPv6 are judged by what they reach", "[crawler]") {
  for (const char* a : {"::", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1", "::ffff:127.0.0.1",
                        "::ffff:10.0.0.1", "64:ff9b::a00:1", "::127.0.0.1"}) {
    INFO(a);
    CHECK(V6(a) != nullptr);
  }
  for (const char* a : {"2001:4860:4860::8888", "2a00:1450::1", "::ffff:8.8.8.8", "64:ff9b::808:808"}) {
    INFO(a);
    CHECK(V6(a) == nullptr);
  }
  sockaddr s{};
  s.sa_family = AF_UNIX;
  CHECK(NonPublicReason(&s, sizeof s) != nullptr);
  CHECK(NonPublicReason(nullptr, 0) != nullptr);
}

TEST_CASE("Retry-After: seconds, HTTP dates, garbage", "[crawler]") {
  CHECK(ParseRetryAfter("120") == 120);
  CHECK(ParseRetryAfter(" 0 ") == 0);
  CHECK(ParseRetryAfter("") == -1);
  CHECK(ParseRetryAfter("soon") == -1);
  CHECK(ParseRetryAfter("-5") == -1);
  CHECK(ParseRetryAfter("99999999999999") >= 1e9);
  CHECK(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT") == 0);  // in the past: now
  char future[64];
  const std::time_t t = std::time(nullptr) + 600;
  std::strftime(future, sizeof future, "%a, %d %b %Y %H:%M:%S GMT", std::gmtime(&t));
  const double d = ParseRetryAfter(future);
  CHECK(d > 590);
  CHECK(d <= 600);
}

TEST_CASE("Crawl state: a checkpoint is all or nothing and reads back", "[crawler]") {
  const std::string path = TempPath("crawl-state.sqlite");
  {
    auto st = CrawlState::Open(path, true);
    REQUIRE(st.ok());
    CheckpointData c;
    c.new_urls = {{1, "https://example.org/", 0, 0, false}, {2, "https://example.org/a", 1, 0, false}};
    c.done = {1};
    HostRow h;
    h.origin = "https://example.org:443";
    h.fetched_at = 1000;
    h.lifetime = 86400;
    h.robots_status = 200;
    h.robots_body = std::string("User-agent: *\nDisallow: /x\n\0binary", 35);
    h.tdmrep = "[]";
    c.hosts = {h};
    c.meta = {{"options", "seed https://example.org/\n"}};
    REQUIRE((*st)->Commit(c).ok());
    // A checkpoint that breaks (a URL id used twice) leaves nothing of itself.
    CheckpointData bad;
    bad.new_urls = {{3, "https://example.org/b", 1, 0, false}, {2, "https://example.org/dup", 1, 0, false}};
    bad.done = {2};
    const Status s = (*st)->Commit(bad);
    REQUIRE_FALSE(s.ok());
    CHECK(s.message().find(path) == 0);
  }
  // A second crawl into the same folder is refused: resume it instead.
  auto again = CrawlState::Open(path, true);
  REQUIRE_FALSE(again.ok());
  CHECK(again.status().message().find("--resume") != std::string::npos);
  auto st = CrawlState::Open(path, false);
  REQUIRE(st.ok());
  std::vector<UrlRow> rows;
  REQUIRE((*st)->ForEachUrl([&](UrlRow&& r) { rows.push_back(std::move(r)); }).ok());
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].done);
  CHECK_FALSE(rows[1].done);
  CHECK(rows[1].depth == 1);
  auto hosts = (*st)->Hosts();
  REQUIRE(hosts.ok());
  REQUIRE(hosts->size() == 1);
  CHECK(hosts->at(0).robots_body.size() == 35);
  CHECK_FALSE(hosts->at(0).ai_txt.has_value());
  CHECK(hosts->at(0).tdmrep.value() == "[]");
  CHECK((*st)->Meta("options").value().value() == "seed https://example.org/\n");
  CHECK_FALSE((*st)->Meta("nothing").value().has_value());
  CHECK_FALSE(CrawlState::Open(path + ".missing", false).ok());
}

TEST_CASE("Crawl state: why robots.txt was refused reads back; a version 1 state is migrated", "[crawler]") {
  const std::string path = TempPath("crawl-state.sqlite");
  {
    auto st = CrawlState::Open(path, true);
    REQUIRE(st.ok());
    CheckpointData c;
    HostRow h;
    h.origin = "http://example.org:80";
    h.robots_status = 301;
    h.robots_network_error = true;
    h.robots_refusal = "redirect.blocked Location: http://blocked.example/robots.txt";
    c.hosts = {h};
    REQUIRE((*st)->Commit(c).ok());
    auto hosts = (*st)->Hosts();
    REQUIRE(hosts.ok());
    REQUIRE(hosts->size() == 1);
    CHECK(hosts->at(0).robots_refusal == h.robots_refusal);
  }
  // A state written before the column existed (version 1): migrated on open, its hosts read back.
  const std::string old_path = TempPath("crawl-state.sqlite");
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(old_path.c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db,
                       "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
                       "CREATE TABLE urls (id INTEGER PRIMARY KEY, url TEXT NOT NULL, depth INTEGER NOT NULL,"
                       " hops INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0, kind INTEGER NOT NULL DEFAULT 0);"
                       "CREATE TABLE hosts (origin TEXT PRIMARY KEY, fetched_at INTEGER NOT NULL,"
                       " lifetime INTEGER NOT NULL, robots_status INTEGER NOT NULL,"
                       " robots_network_error INTEGER NOT NULL, robots_timed_out INTEGER NOT NULL,"
                       " robots_redirects INTEGER NOT NULL, robots_body BLOB NOT NULL, ai_txt BLOB, tdmrep BLOB);"
                       "INSERT INTO hosts VALUES ('http://example.org:80', 1, 60, 200, 0, 0, 0, 'x', NULL, NULL);"
                       "PRAGMA user_version = 1;",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
  auto st = CrawlState::Open(old_path, false);
  REQUIRE(st.ok());
  auto hosts = (*st)->Hosts();
  REQUIRE(hosts.ok());
  REQUIRE(hosts->size() == 1);
  CHECK(hosts->at(0).robots_body == "x");
  CHECK(hosts->at(0).robots_refusal.empty());
}

TEST_CASE("Crawl options survive the round trip through the state", "[crawler]") {
  CrawlOptions o;
  o.scope_sites = {"a.example", "b.example", "192.0.2.1"};
  o.allow_domains = {"cdn.example"};
  o.delay = 0.25;
  o.max_pages = 1000;
  o.warc = true;
  o.zstd = true;
  o.allow_private = true;
  o.content_types = {"text/html"};
  CrawlOptions r;
  REQUIRE(r.FromText(o.ToText(), "state").ok());
  CHECK(r.scope_sites == o.scope_sites);
  CHECK(r.allow_domains == o.allow_domains);
  CHECK(r.delay == 0.25);
  CHECK(r.max_pages == 1000);
  CHECK(r.warc);
  CHECK(r.zstd);
  CHECK(r.allow_private);
  CHECK(r.content_types == o.content_types);
  const Status bad = r.FromText("delay 1\nfrobnicate 3\n", "state.sqlite (options)");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.message().find("state.sqlite (options):2") == 0);
  CHECK_FALSE(r.FromText("delay fast\n", "s").ok());
}

TEST_CASE("Sitemaps: urlset and index locations with entities and CDATA", "[crawler][sitemap]") {
  auto m = ParseSitemap(
      "<?xml version='1.0'?>\n<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>"
      "<url><loc> https://a.example/x?p=1&amp;q=2 </loc></url>"
      "<url><loc><![CDATA[https://a.example/cdata]]></loc></url>"
      "<url><loc>https://a.example/caf&#233;/&#x263A;</loc></url>"
      "<url><loc></loc></url><url><loc/></url>"
      "<url><sm:loc>https://a.example/ns</sm:loc></url>"
      "<url><location>https://a.example/not-a-loc</location></url></urlset>",
      "s.xml");
  REQUIRE(m.ok());
  CHECK_FALSE(m->index);
  CHECK(m->locs == std::vector<std::string>{"https://a.example/x?p=1&q=2", "https://a.example/cdata",
                                            "https://a.example/caf\xC3\xA9/\xE2\x98\xBA", "https://a.example/ns"});
  auto idx = ParseSitemap("<sitemapindex><sitemap><loc>https://a.example/s1.xml</loc></sitemap></sitemapindex>", "i");
  REQUIRE(idx.ok());
  CHECK(idx->index);
  CHECK(idx->locs == std::vector<std::string>{"https://a.example/s1.xml"});
}

TEST_CASE("Sitemaps: gzip bodies inflate and bad input names the sitemap", "[crawler][sitemap]") {
  const std::string xml = "<urlset><url><loc>https://a.example/z</loc></url></urlset>";
  z_stream z{};
  REQUIRE(deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string gz(256, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(xml.data()));
  z.avail_in = static_cast<uInt>(xml.size());
  z.next_out = reinterpret_cast<Bytef*>(gz.data());
  z.avail_out = static_cast<uInt>(gz.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  gz.resize(gz.size() - z.avail_out);
  deflateEnd(&z);
  auto m = ParseSitemap(gz, "s.xml.gz");
  REQUIRE(m.ok());
  CHECK(m->locs == std::vector<std::string>{"https://a.example/z"});
  auto cut = ParseSitemap(gz.substr(0, gz.size() / 2), "https://a.example/s.xml.gz");
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.status().message().find("https://a.example/s.xml.gz: ") == 0);
  auto html = ParseSitemap("<html><body>not found</body></html>", "https://a.example/sitemap.xml");
  REQUIRE_FALSE(html.ok());
  CHECK(html.status().message().find("not a sitemap") != std::string::npos);
}

TEST_CASE("Sitemaps: at most 50000 locations are read", "[crawler][sitemap]") {
  std::string xml = "<urlset>";
  for (int i = 0; i < 50010; ++i) xml += "<url><loc>https://a.example/" + std::to_string(i) + "</loc></url>";
  xml += "</urlset>";
  auto m = ParseSitemap(xml, "big.xml");
  REQUIRE(m.ok());
  CHECK(m->locs.size() == kMaxSitemapUrls);
  CHECK(m->truncated);
}

TEST_CASE("UrlResolver: the plain-path shortcut gives what full resolution gives", "[crawler][url]") {
  const std::string base = "HTTPS://Example.ORG:443/dir/page.html?x=1";
  const UrlResolver r(base);
  for (const char* ref : {"/p/012/00123.html", "/", "/a//b", "/a/./b", "/a/../b", "/.", "/..", "/a/.", "/a/..",
                          "//evil.example/x", "/a b", "/a%41", "/a?b=1", "/a#f", "/~user/x-y_z.html", "/é",
                          "/.hidden/..x", "relative.html", "", "#top", "/a\tb"}) {
    INFO(ref);
    const auto fast = r.Resolve(ref);
    const auto slow = internal::ResolveUrlSlow(base, ref);
    REQUIRE(fast.ok() == slow.ok());
    if (fast.ok()) CHECK(*fast == *slow);
  }
  CHECK(r.Resolve("/p/1.html").value() == "https://example.org/p/1.html");
  const UrlResolver port("http://127.0.0.1:8080/x/");
  CHECK(port.Resolve("/y").value() == "http://127.0.0.1:8080/y");
  const UrlResolver bad("mailto:someone");
  CHECK_FALSE(bad.Resolve("/x").ok());
}
