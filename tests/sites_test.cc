// The site-policy store (sites/store.h), its import from WARC captures and
// folders, and its compiled form (sites/policies.h): which capture a page
// gets, redirects, and what the crawler would not have read.
#include <zlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <atomic>
#include <fstream>
#include <thread>

#include "core/config.h"
#include "core/time_util.h"
#include "sites/policies.h"
#include "sites/store.h"
#include "tests/temp_dir.h"
#include "tests/gzip.h"

namespace moisson::sites {
namespace {

using test::TempDir;

std::string Write(const TempDir& t, const std::string& name, const std::string& data) {
  const std::string p = t.path + "/" + name;
  std::filesystem::create_directories(std::filesystem::path(p).parent_path());
  std::ofstream(p, std::ios::binary) << data;
  return p;
}

using test::Gzip;

// One WARC response record: `http` is the status line and headers (CRLF, no
// blank line), `body` the payload.
std::string Response(const std::string& uri, const std::string& date, const std::string& http,
                     const std::string& body = "") {
  const std::string block = http + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  return "WARC/1.1\r\nWARC-Type: response\r\nWARC-Date: " + date + "\r\nWARC-Target-URI: " + uri +
         "\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: " + std::to_string(block.size()) +
         "\r\n\r\n" + block + "\r\n\r\n";
}
std::string Ok(const std::string& uri, const std::string& date, const std::string& body) {
  return Response(uri, date, "HTTP/1.1 200 OK\r\nContent-Type: text/plain", body);
}

std::int64_t T(const char* iso) { return ParseIso8601(iso).value(); }

struct Fixture {
  TempDir dir;
  std::shared_ptr<SiteStore> store;
  Config config;
  std::optional<policy::PolicyEngine> engine;
  Fixture() {
    store = std::move(SiteStore::Open(dir.path + "/sites.sqlite", SiteStore::kCreate)).value();
    engine.emplace(config);
  }
  void Add(const std::string& origin, const std::string& path, const char* when, int status, std::string body = "",
           std::string location = "") {
    Capture c;
    c.origin = origin;
    c.path = path;
    c.file = SiteFileOfPath(path).value_or(SiteFile::kRobots);
    c.fetched_at = T(when);
    c.status = status;
    c.body = std::move(body);
    c.location = std::move(location);
    c.source = "test";
    REQUIRE(store->Add(c).value());
  }
  // Compiled whole (the default for a small store), or, with `lazy`, origin
  // by origin as URLs ask for them through a cache of two origins.
  bool lazy = false;
  SitePolicies Compile() {
    SitePolicies::Options o;
    if (lazy) {
      o.eager_origins = 0;
      o.cache_origins = 2;
    }
    auto p = SitePolicies::Load(store, *engine, o);
    REQUIRE(p.ok());
    REQUIRE(p->lazy() == lazy);
    return std::move(p).value();
  }
  // Whether `url` is collected with the capture nearest `when` and the
  // latest (the stricter wins), as the page-signal stage decides.
  bool Collect(const SitePolicies& p, const std::string& url, std::optional<std::int64_t> when,
               std::string* signal = nullptr) {
    const auto u = ParseHttpUrl(url).value();
    const auto c = p.For(u.Origin(), when);
    REQUIRE(c.known);
    policy::Decision d = engine->Decide(*c.nearest, url, {});
    if (d.collect && c.latest != c.nearest) d = engine->Decide(*c.latest, url, {});
    if (signal) *signal = policy::BlockingSignal(d);
    return d.collect;
  }
};

TEST_CASE("ISO 8601 times as dumps write them", "[sites][time]") {
  CHECK(ParseIso8601("1970-01-01T00:00:00Z") == 0);
  CHECK(ParseIso8601("2024-03-01T12:34:56Z") == 1709296496);
  CHECK(ParseIso8601("2024-03-01T12:34:56.789Z") == 1709296496);
  CHECK(ParseIso8601("2024-03-01T14:34:56+02:00") == 1709296496);
  CHECK(ParseIso8601("2024-03-01T10:34:56-0200") == 1709296496);
  CHECK(ParseIso8601("2024-03-01 12:34:56") == 1709296496);
  CHECK(ParseIso8601("2024-03-01") == 1709251200);
  CHECK(ParseIso8601("2024-02-29") == 1709164800);
  CHECK(Iso8601FromUnix(1709296496) == "2024-03-01T12:34:56Z");
  for (const char* bad : {"", "2024", "2024-13-01", "2023-02-29", "2024-04-31", "2024-03-01T25:00:00Z",
                          "2024-03-01T12:00:00Q", "2024-03-01T12:00:00+2", "01/03/2024", "2024-03-01T12",
                          "2024-03-01T12:00:00Zjunk"}) {
    INFO(bad);
    CHECK_FALSE(ParseIso8601(bad).has_value());
  }
}

TEST_CASE("store: a capture is kept once; other files and folders are refused by name", "[sites]") {
  TempDir t;
  const std::string path = t.path + "/s.sqlite";
  auto missing = SiteStore::Open(path, SiteStore::kReadOnly);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == Status::Code::kNotFound);
  auto s = SiteStore::Open(path, SiteStore::kCreate);
  REQUIRE(s.ok());
  Capture c;
  c.origin = "https://a.example";
  c.path = "/robots.txt";
  c.fetched_at = 100;
  c.status = 200;
  c.body = "User-agent: *\nDisallow: /\n";
  CHECK((*s)->Add(c).value());
  CHECK_FALSE((*s)->Add(c).value());
  c.fetched_at = 200;
  CHECK((*s)->Add(c).value());
  const auto n = (*s)->Count().value();
  CHECK(n.captures == 2);
  CHECK(n.origins == 1);
  CHECK(n.by_file[0] == 2);
  s->reset();
  CHECK(SiteStore::Open(path, SiteStore::kReadOnly).ok());

  const std::string other = t.path + "/other.sqlite";
  {
    sqlite3* db = nullptr;
    sqlite3_open(other.c_str(), &db);
    sqlite3_exec(db, "CREATE TABLE documents(id INTEGER)", nullptr, nullptr, nullptr);
    sqlite3_close(db);
  }
  auto wrong = SiteStore::Open(other, SiteStore::kCreate);
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.status().message().find("not a site-policy store") != std::string::npos);
  auto folder = SiteStore::Open(t.path, SiteStore::kCreate);
  REQUIRE_FALSE(folder.ok());
  CHECK(folder.status().message().find("is a directory") != std::string::npos);
}

TEST_CASE("import: the site files of a WARC, any status, and the targets of their redirects", "[sites]") {
  Fixture f;
  f.lazy = GENERATE(false, true);
  const std::string warc =
      Gzip(Ok("https://a.example/robots.txt", "2024-03-01T00:00:00Z", "User-agent: *\nDisallow: /x/\n")) +
      Gzip(Ok("https://a.example/ai.txt", "2024-03-01T00:00:01Z", "User-agent: *\nDisallow: /\n")) +
      Gzip(Response("https://b.example/robots.txt", "2024-03-01T00:00:00Z", "HTTP/1.1 404 Not Found")) +
      Gzip(Response("http://c.example/robots.txt", "2024-03-01T00:00:00Z",
                    "HTTP/1.1 301 Moved\r\nLocation: /r/robots2.txt")) +
      Gzip(Ok("http://c.example/r/robots2.txt", "2024-03-01T00:00:01Z", "User-agent: *\nDisallow: /c/\n")) +
      Gzip(Ok("https://a.example/page.html", "2024-03-01T00:00:02Z", "<p>not a site file</p>")) +
      Gzip(Ok("https://d.example/robots.txt", "yesterday", "User-agent: *\nDisallow: /\n"));
  const std::string path = Write(f.dir, "robots.warc.gz", warc);
  std::vector<std::string> issues;
  auto n = ImportWarc(*f.store, path, [&](const std::string& m) { issues.push_back(m); });
  REQUIRE(n.ok());
  CHECK(n->added == 5);
  CHECK(n->ignored == 1);
  CHECK(n->unreadable == 1);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].find("no readable WARC-Date") != std::string::npos);
  CHECK(issues[0].find("User-agent") == std::string::npos);  // never a body
  auto again = ImportWarc(*f.store, path, nullptr);
  REQUIRE(again.ok());
  CHECK(again->added == 0);
  CHECK(again->already == 5);

  const SitePolicies p = f.Compile();
  CHECK(p.origins() == 3);  // a, b, c (d's capture had no date)
  CHECK_FALSE(f.Collect(p, "https://a.example/x/1", std::nullopt));
  CHECK(f.Collect(p, "https://b.example/anything", std::nullopt));  // 404: allow all
  std::string signal;
  CHECK_FALSE(f.Collect(p, "http://c.example/c/page", std::nullopt, &signal));
  CHECK(signal == "robots.txt [2024-03-01T00:00:00Z]:2 Disallow: /c/");
  CHECK(f.Collect(p, "http://c.example/other", std::nullopt));
  CHECK_FALSE(p.For("https://d.example", std::nullopt).known);
  CHECK_FALSE(p.For("http://a.example", std::nullopt).known);  // another origin: another scheme
}

TEST_CASE("import: a cut WARC adds nothing and says where it broke", "[sites]") {
  Fixture f;
  std::string warc;
  for (int i = 0; i < 50; ++i) {
    warc += Gzip(Ok("https://s" + std::to_string(i) + ".example/robots.txt", "2024-03-01T00:00:00Z",
                    "User-agent: *\nDisallow: /" + std::string(200, 'a' + i % 26) + "\n"));
  }
  const std::string cut = Write(f.dir, "cut.warc.gz", warc.substr(0, warc.size() - 40));
  auto n = ImportWarc(*f.store, cut, nullptr);
  REQUIRE_FALSE(n.ok());
  CHECK(n.status().message().find("cut.warc.gz") != std::string::npos);
  CHECK(n.status().message().find("nothing imported") != std::string::npos);
  CHECK(f.store->Count().value().captures == 0);
}

TEST_CASE("import: a folder of site files, one folder per host", "[sites]") {
  Fixture f;
  f.lazy = GENERATE(false, true);
  Write(f.dir, "files/www.example.org/robots.txt", "User-agent: *\nDisallow: /private/\n");
  Write(f.dir, "files/www.example.org/ai.txt", "User-agent: *\nDisallow: /art/\n");
  Write(f.dir, "files/www.example.org/.well-known/tdmrep.json", R"([{"location": "/r/*", "tdm-reservation": 1}])");
  Write(f.dir, "files/shop.example:8443/robots.txt", "User-agent: *\nAllow: /\n");
  Write(f.dir, "files/empty.example/notes.txt", "nothing here");
  std::vector<std::string> issues;
  auto n = ImportFolder(*f.store, f.dir.path + "/files", "https", T("2026-11-01"),
                        [&](const std::string& m) { issues.push_back(m); });
  REQUIRE(n.ok());
  CHECK(n->added == 4);
  CHECK(n->ignored == 1);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].find("empty.example") != std::string::npos);
  const SitePolicies p = f.Compile();
  CHECK_FALSE(f.Collect(p, "https://www.example.org/private/a", std::nullopt));
  CHECK_FALSE(f.Collect(p, "https://www.example.org/art/a", std::nullopt));
  CHECK_FALSE(f.Collect(p, "https://www.example.org/r/a", std::nullopt));
  CHECK(f.Collect(p, "https://www.example.org/public", std::nullopt));
  CHECK(f.Collect(p, "https://shop.example:8443/x", std::nullopt));
  CHECK(p.origins_with(SiteFile::kAiTxt) == 1);
  CHECK(p.origins_with(SiteFile::kTdmrep) == 1);
  CHECK_FALSE(ImportFolder(*f.store, f.dir.path + "/nope", "https", 0, nullptr).ok());
}

TEST_CASE("which capture: the nearest to the page's date and the latest, the stricter wins", "[sites]") {
  Fixture f;
  f.lazy = GENERATE(false, true);
  // Allowed in 2023, an opt-out from mid-2024, lifted in 2025.
  f.Add("https://o.example", "/robots.txt", "2023-01-01", 200, "User-agent: *\nAllow: /\n");
  f.Add("https://o.example", "/robots.txt", "2024-06-01", 200, "User-agent: *\nDisallow: /\n");
  f.Add("https://o.example", "/robots.txt", "2025-06-01", 200, "User-agent: *\nAllow: /\n");
  // Allowed, then an opt-out added later: it counts for old pages too.
  f.Add("https://later.example", "/robots.txt", "2023-01-01", 200, "User-agent: *\nAllow: /\n");
  f.Add("https://later.example", "/robots.txt", "2024-06-01", 200, "User-agent: *\nDisallow: /\n");
  const SitePolicies p = f.Compile();
  const std::string u = "https://o.example/a";
  CHECK(f.Collect(p, u, T("2023-02-01")));          // nearest 2023 allows, latest allows
  std::string signal;
  CHECK_FALSE(f.Collect(p, u, T("2024-05-01"), &signal));  // nearest is the opt-out
  CHECK(signal == "robots.txt [2024-06-01T00:00:00Z]:2 Disallow: /");
  CHECK(f.Collect(p, u, T("2025-12-01")));
  CHECK(f.Collect(p, u, std::nullopt));             // no date: the latest
  // The midpoint between two captures goes to the later one.
  const std::int64_t mid = T("2023-01-01") + (T("2024-06-01") - T("2023-01-01") + 1) / 2;
  CHECK_FALSE(f.Collect(p, u, mid));
  CHECK(f.Collect(p, u, mid - 1));
  CHECK_FALSE(f.Collect(p, "https://later.example/old", T("2022-01-01"), &signal));
  CHECK(signal == "robots.txt [2024-06-01T00:00:00Z]:2 Disallow: /");
  CHECK_FALSE(p.For("https://nowhere.example", T("2024-01-01")).known);
}

TEST_CASE("redirects: followed in the store, 5 hops at most; unknown targets leave the origin unknown", "[sites]") {
  Fixture f;
  f.lazy = GENERATE(false, true);
  // Six hops: more than RFC 9309's five, refused whole, as the crawler does.
  for (int i = 0; i < 6; ++i) {
    f.Add("https://loop.example", i == 0 ? "/robots.txt" : "/r" + std::to_string(i), "2024-01-01", 301, "",
          "/r" + std::to_string(i + 1));
  }
  f.Add("https://loop.example", "/r6", "2024-01-01", 200, "User-agent: *\nAllow: /\n");
  // Five hops: followed.
  for (int i = 0; i < 5; ++i) {
    f.Add("https://five.example", i == 0 ? "/robots.txt" : "/r" + std::to_string(i), "2024-01-01", 302, "",
          "/r" + std::to_string(i + 1));
  }
  f.Add("https://five.example", "/r5", "2024-01-01", 200, "User-agent: *\nDisallow: /no\n");
  // To another host, which the store holds.
  f.Add("https://old.example", "/robots.txt", "2024-01-01", 301, "", "https://new.example/robots.txt");
  f.Add("https://new.example", "/robots.txt", "2024-01-01", 200, "User-agent: *\nDisallow: /moved\n");
  // No Location: an unexpected status, refused whole.
  f.Add("https://bare.example", "/robots.txt", "2024-01-01", 302);
  // To a URL never captured: not known.
  f.Add("https://lost.example", "/robots.txt", "2024-01-01", 301, "", "https://elsewhere.example/robots.txt");
  const SitePolicies p = f.Compile();
  std::string signal;
  CHECK_FALSE(f.Collect(p, "https://loop.example/a", std::nullopt, &signal));
  CHECK(signal.find("more than 5 redirects") != std::string::npos);
  CHECK_FALSE(f.Collect(p, "https://five.example/no", std::nullopt));
  CHECK(f.Collect(p, "https://five.example/yes", std::nullopt));
  CHECK_FALSE(f.Collect(p, "https://old.example/moved", std::nullopt));
  CHECK_FALSE(f.Collect(p, "https://bare.example/a", std::nullopt));
  CHECK_FALSE(p.For("https://lost.example", std::nullopt).known);
  CHECK(p.unresolved_redirects() == 1);
}

TEST_CASE("a large store: origins compiled as URLs ask for them, by several threads, through a small cache",
          "[sites]") {
  Fixture f;
  for (int i = 0; i < 40; ++i) {
    const std::string origin = "https://s" + std::to_string(i) + ".example";
    f.Add(origin, "/robots.txt", "2024-01-01", 200, "User-agent: *\nDisallow: /" + std::to_string(i) + "/\n");
    f.Add(origin, "/robots.txt", "2024-06-01", 200, "User-agent: *\nDisallow: /\n");
  }
  SitePolicies::Options o;
  o.eager_origins = 10;  // 40 origins: lazy
  o.cache_origins = 64;  // one an origin shard at most
  auto p = SitePolicies::Load(f.store, *f.engine, o);
  REQUIRE(p.ok());
  REQUIRE(p->lazy());
  CHECK(p->origins() == 40);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 50; ++round) {
        for (int i = (t * 7) % 40, n = 0; n < 40; i = (i + 1) % 40, ++n) {
          const auto c = p->For("https://s" + std::to_string(i) + ".example", T("2024-02-01"));
          if (!c.known) {
            ++wrong;
            continue;
          }
          const std::string mine = "https://s" + std::to_string(i) + ".example/" + std::to_string(i) + "/x";
          const std::string other = "https://s" + std::to_string(i) + ".example/other";
          // Nearest (January) refuses /i/ only; the latest (June) refuses all.
          if (f.engine->Decide(*c.nearest, mine, {}).collect) ++wrong;
          if (!f.engine->Decide(*c.nearest, other, {}).collect) ++wrong;
          if (f.engine->Decide(*c.latest, other, {}).collect) ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(wrong.load() == 0);
  CHECK_FALSE(p->For("https://unknown.example", std::nullopt).known);
}

TEST_CASE("ai.txt and tdmrep.json: read only when 2xx and when robots.txt lets us read them", "[sites]") {
  Fixture f;
  f.lazy = GENERATE(false, true);
  f.Add("https://a.example", "/robots.txt", "2024-01-01", 200, "User-agent: moisson\nDisallow: /ai.txt\n");
  f.Add("https://a.example", "/ai.txt", "2024-01-01", 200, "User-agent: *\nDisallow: /\n");
  f.Add("https://b.example", "/robots.txt", "2024-01-01", 200, "User-agent: *\nAllow: /\n");
  f.Add("https://b.example", "/ai.txt", "2024-01-01", 200, "User-agent: *\nDisallow: /\n");
  f.Add("https://c.example", "/robots.txt", "2024-01-01", 200, "User-agent: *\nAllow: /\n");
  f.Add("https://c.example", "/ai.txt", "2024-01-01", 500, "");
  f.Add("https://t.example", "/robots.txt", "2024-01-01", 404);
  f.Add("https://t.example", "/.well-known/tdmrep.json", "2024-01-01", 200,
        R"([{"location": "/*", "tdm-reservation": 1}])");
  f.Add("https://n.example", "/ai.txt", "2024-01-01", 200, "User-agent: *\nDisallow: /\n");  // no robots.txt
  const SitePolicies p = f.Compile();
  CHECK(f.Collect(p, "https://a.example/x", std::nullopt));
  std::string signal;
  CHECK_FALSE(f.Collect(p, "https://b.example/x", std::nullopt, &signal));
  CHECK(signal.starts_with("ai.txt [2024-01-01T00:00:00Z]:2"));
  CHECK(f.Collect(p, "https://c.example/x", std::nullopt));
  CHECK_FALSE(f.Collect(p, "https://t.example/x", std::nullopt));
  CHECK_FALSE(p.For("https://n.example", std::nullopt).known);
}

}  // namespace
}  // namespace moisson::sites
