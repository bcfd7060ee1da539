// Site category lists: normalisation, label-suffix semantics, URL prefixes,
// expressions, white categories, malformed input.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <zlib.h>

#include <sys/stat.h>

#include "blocklists/defaults.h"
#include "blocklists/host.h"
#include "blocklists/site_list.h"
#include "core/file_util.h"
#include "tests/temp_dir.h"

using namespace moisson;
using namespace moisson::blocklists;

namespace {

struct TempDir : moisson::test::TempDir {
  void MakeParents(const std::string& name) const {
    for (std::size_t slash = name.find('/'); slash != std::string::npos; slash = name.find('/', slash + 1)) {
      ::mkdir((path + "/" + name.substr(0, slash)).c_str(), 0755);
    }
  }
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string p = path + "/" + name;
    MakeParents(name);
    REQUIRE(WriteFileAtomically(p, text).ok());
    return p;
  }
  std::string WriteGz(const std::string& name, const std::string& text) const {
    const std::string p = path + "/" + name;
    MakeParents(name);
    gzFile f = gzopen(p.c_str(), "wb");
    REQUIRE(f != nullptr);
    gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
    gzclose(f);
    return p;
  }
};

// The hit for `url`; a clean failure (not undefined behaviour) when there is none.
SiteHit HitOf(const SiteMatcher& m, std::string_view url) {
  auto hit = m.Match(url);
  INFO("expected a hit for " << url);
  REQUIRE(hit.has_value());
  return *hit;
}

SiteMatcher BuildOrDie(SiteListBuilder&& b) {
  auto m = std::move(b).Build();
  REQUIRE(m.ok());
  return std::move(m.value());
}

}  // namespace

TEST_CASE("Host normalisation: case, trailing dot, IDN, IP literals", "[blocklists][host]") {
  CHECK(*NormaliseHost("WWW.Example.COM.") == "www.example.com");
  CHECK(*NormaliseHost("  example.org\t") == "example.org");
  CHECK(*NormaliseHost("fa\xC3\x9F.de") == "xn--fa-hia.de");              // non-transitional: ß kept
  CHECK(*NormaliseHost("\xC3\xA9" "cole.fr") == "xn--cole-9oa.fr");
  CHECK(*NormaliseHost("\xEF\xBC\xA5\xEF\xBC\xB8\xEF\xBC\xA1\xEF\xBC\xAD\xEF\xBC\xB0\xEF\xBC\xAC\xEF\xBC\xA5\xE3\x80\x82" "com") ==
        "example.com");  // fullwidth letters and ideographic full stop
  CHECK(*NormaliseHost("my_host.example.com") == "my_host.example.com");  // '_' survives (no STD3 rules)
  CHECK(*NormaliseHost("010.0.0.1") != "10.0.0.1");  // inet_pton refuses leading zeros: treated as a name
  CHECK(*NormaliseHost("10.0.0.1") == "10.0.0.1");
  CHECK(*NormaliseHost("[2001:DB8:0:0:0:0:0:1]") == "[2001:db8::1]");
  CHECK(*NormaliseHost("2001:db8::1") == "[2001:db8::1]");
  CHECK(IsIpLiteral("10.0.0.1"));
  CHECK(IsIpLiteral("[::1]"));
  CHECK_FALSE(IsIpLiteral("example.com"));
  for (const char* bad : {"", ".", "a..b", "exa mple.com", "a/b", "[::1", "[zz::1]", "example.com:80"}) {
    INFO(bad);
    CHECK_FALSE(NormaliseHost(bad).ok());
  }
  CHECK_FALSE(NormaliseHost(std::string(64, 'a') + ".com").ok());
}

TEST_CASE("Domains: an entry matches its host and every subdomain on a label boundary", "[blocklists]") {
  TempDir t;
  SiteListBuilder b;
  REQUIRE(b.AddDomainsFile("adult", t.Write("d.txt", "amex.com\nblogspot.com\nforum.example.org\n"), false, nullptr).ok());
  const SiteMatcher m = BuildOrDie(std::move(b));
  CHECK(HitOf(m, "https://amex.com/").entry == "amex.com");
  CHECK(HitOf(m, "https://www.what.ever.amex.com/x").entry == "amex.com");
  CHECK_FALSE(m.Match("https://aamex.com/"));
  CHECK_FALSE(m.Match("https://amex.com.evil.net/"));
  // A public suffix listed as such catches every site under it.
  CHECK(HitOf(m, "https://someone.blogspot.com/").entry == "blogspot.com");
  // An intermediate subdomain: datatrove's registrable-domain check misses this one.
  CHECK(HitOf(m, "https://www.forum.example.org/t/1").entry == "forum.example.org");
  CHECK_FALSE(m.Match("https://example.org/"));
  // The URL's host is normalised the same way as entries.
  CHECK(HitOf(m, "https://WWW.AMEX.COM./").category == "adult");
}

TEST_CASE("URL entries: host and path prefix on a segment boundary, www. ignored", "[blocklists]") {
  TempDir t;
  SiteListBuilder b;
  REQUIRE(b.AddUrlsFile("forums", t.Write("u.txt", "argim.net/chat/\nbeaute.afrik.com/forum\nhttp://www.x.org:8080/a/b.html\n"),
                        false, nullptr)
              .ok());
  const SiteMatcher m = BuildOrDie(std::move(b));
  CHECK(HitOf(m, "https://argim.net/chat/room1").kind == EntryKind::kUrl);
  CHECK(HitOf(m, "https://www.argim.net/chat").entry == "argim.net/chat");
  CHECK_FALSE(m.Match("https://argim.net/chatter"));
  CHECK_FALSE(m.Match("https://argim.net/"));
  CHECK(m.Match("https://beaute.afrik.com/forum?page=2"));
  CHECK(m.Match("https://beaute.afrik.com/forum/topic"));
  CHECK_FALSE(m.Match("https://beaute.afrik.com/forums"));
  CHECK_FALSE(m.Match("https://other.afrik.com/forum"));  // exact host, not subdomains
  CHECK(m.Match("https://x.org/a/b.html"));
}

TEST_CASE("Expressions match the lower-cased URL - white categories cancel only them", "[blocklists]") {
  TempDir t;
  SiteListBuilder b;
  REQUIRE(b.AddExpressionsFile("adult", t.Write("e.txt", "(^|[-/_.])(porn|xxx)([-/_.?]|$)\n"), false, nullptr).ok());
  REQUIRE(b.AddDomainsFile("dating", t.Write("d.txt", "meetic.fr\n"), false, nullptr).ok());
  REQUIRE(b.AddDomainsFile("sexual_education", t.Write("w.txt", "onsexprime.fr\nmeetic.fr\n"), false, nullptr).ok());
  REQUIRE(b.AddUrlsFile("sexual_education", t.Write("wu.txt", "health.example.org/porn-addiction\n"), false, nullptr).ok());
  b.SetWhite("sexual_education", true);
  const SiteMatcher m = BuildOrDie(std::move(b));
  CHECK(HitOf(m, "https://example.com/XXX/video").kind == EntryKind::kExpression);
  CHECK_FALSE(m.Match("https://example.com/xxxl-shirts"));
  // A white domain or URL cancels an expression hit...
  CHECK_FALSE(m.Match("https://www.onsexprime.fr/porn/"));
  CHECK_FALSE(m.Match("https://health.example.org/porn-addiction/help"));
  // ... but never a domain hit of another category.
  REQUIRE(m.Match("https://www.meetic.fr/"));
  CHECK(HitOf(m, "https://www.meetic.fr/").category == "dating");
  // White entries never block by themselves.
  CHECK_FALSE(m.Match("https://onsexprime.fr/"));
}

TEST_CASE("Hosts files and gzip lists load - malformed entries are skipped and counted", "[blocklists]") {
  TempDir t;
  SiteListBuilder b;
  ListLoadReport hosts_report;
  REQUIRE(b.AddHostsFile("porn", t.WriteGz("h.gz", "# comment\n127.0.0.1 localhost\n0.0.0.0 a.example b.example # x\n"
                                                     "0.0.0.0 bad..host\n0.0.0.0\n"),
                         false, &hosts_report)
              .ok());
  CHECK(hosts_report.entries == 1);
  CHECK(hosts_report.skipped == 2);
  REQUIRE(hosts_report.errors.size() == 2);
  CHECK(hosts_report.errors[0].first == 4);
  ListLoadReport domains_report;
  REQUIRE(b.AddDomainsFile("x", t.Write("d.txt", "ok.example\nnot a domain\n" + std::string(9000, 'a') + "\nalso.ok\n"),
                           false, &domains_report)
              .ok());
  CHECK(domains_report.entries == 2);
  CHECK(domains_report.skipped == 2);
  CHECK(domains_report.errors[1].second == "line longer than 8192 bytes");
  const SiteMatcher m = BuildOrDie(std::move(b));
  CHECK(HitOf(m, "https://a.example/").category == "porn");
  CHECK(m.Match("https://sub.b.example/"));
  CHECK(m.domain_count() == 4);
}

TEST_CASE("Strict loading turns the first malformed entry into an error naming file and line", "[blocklists]") {
  TempDir t;
  const std::string path = t.Write("d.txt", "good.example\n\n# c\nbad host\n");
  SiteListBuilder b;
  const Status s = b.AddDomainsFile("x", path, true, nullptr);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message() == path + ":4: not a single domain");
  SiteListBuilder b2;
  const Status e = b2.AddExpressionsFile("x", t.Write("e.txt", "(unclosed\n"), true, nullptr);
  REQUIRE_FALSE(e.ok());
  CHECK(e.message().find("e.txt:1: expression does not compile") != std::string::npos);
}

TEST_CASE("Missing and corrupt files are errors, never a partial list", "[blocklists]") {
  TempDir t;
  SiteListBuilder b;
  CHECK(b.AddDomainsFile("x", t.path + "/missing.txt", false, nullptr).code() == Status::Code::kNotFound);
  // A gzip file cut in the middle.
  std::string big;
  for (int i = 0; i < 20000; ++i) big += "host" + std::to_string(i) + ".example\n";
  const std::string gz = t.WriteGz("full.gz", big);
  auto bytes = ReadFileToString(gz);
  REQUIRE(bytes.ok());
  const std::string cut = t.Write("cut.gz", bytes->substr(0, bytes->size() / 2));
  const Status s = b.AddDomainsFile("x", cut, false, nullptr);
  CHECK_FALSE(s.ok());
  CHECK(s.message().find("corrupt or truncated") != std::string::npos);
}

TEST_CASE("UT1 directories: categories, usage white/black, .gz or plain files", "[blocklists]") {
  TempDir t;
  t.WriteGz("dating/domains.gz", "meetic.fr\n");
  t.Write("dating/usage", "black\n");
  t.Write("child/domains", "kids.example\n");
  t.Write("child/usage", "white\n# comment\n");
  t.WriteGz("adult/urls.gz", "example.net/adult\n");
  t.Write("adult/expressions", "(^|/)sexe(/|$)\n");
  std::vector<ListLoadReport> reports;
  SiteListBuilder b;
  REQUIRE(b.AddUt1Directory(t.path, {}, false, &reports).ok());
  CHECK(reports.size() == 4);
  const SiteMatcher m = BuildOrDie(std::move(b));
  CHECK(HitOf(m, "https://www.meetic.fr/").category == "dating");
  CHECK_FALSE(m.Match("https://kids.example/"));  // white: allow-list only
  CHECK(HitOf(m, "https://example.net/adult/1").category == "adult");
  CHECK(HitOf(m, "https://x.org/sexe/").kind == EntryKind::kExpression);
  CHECK_FALSE(m.Match("https://kids.example/sexe/"));  // the white domain cancels the expression
  SiteListBuilder only;
  REQUIRE(only.AddUt1Directory(t.path, {"dating"}, false, nullptr).ok());
  CHECK_FALSE(BuildOrDie(std::move(only)).Match("https://example.net/adult/1"));
  SiteListBuilder unknown;
  CHECK(unknown.AddUt1Directory(t.path, {"nosuch"}, false, nullptr).message().find("no category 'nosuch'") !=
        std::string::npos);
}

TEST_CASE("A URL whose host cannot be read is not waved through", "[blocklists]") {
  SiteListBuilder b;
  const SiteMatcher m = BuildOrDie(std::move(b));
  CHECK(HitOf(m, "not a url").category == "invalid-url");
  CHECK_FALSE(m.Match("https://example.org/"));
}

TEST_CASE("Snapshots round-trip every kind of entry", "[blocklists][snapshot]") {
  TempDir t;
  SiteListBuilder b;
  REQUIRE(b.AddDomainsFile("dating", t.Write("d.txt", "meetic.fr\nblogspot.com\n10.1.2.3\n"), false, nullptr).ok());
  REQUIRE(b.AddUrlsFile("forums", t.Write("u.txt", "argim.net/chat\n"), false, nullptr).ok());
  REQUIRE(b.AddExpressionsFile("adult", t.Write("e.txt", "(^|/)xxx(/|$)\n"), false, nullptr).ok());
  REQUIRE(b.AddDomainsFile("sexual_education", t.Write("w.txt", "white.example\n"), false, nullptr).ok());
  b.SetWhite("sexual_education", true);
  const SiteMatcher built = BuildOrDie(std::move(b));
  const std::string snap = t.path + "/lists.snap";
  REQUIRE(WriteSnapshot(built, snap).ok());
  auto loaded = LoadSnapshot(snap);
  REQUIRE(loaded.ok());
  CHECK(loaded->domain_count() == 3);
  for (const char* url : {"https://www.meetic.fr/", "https://x.blogspot.com/", "http://10.1.2.3/", "https://argim.net/chat/1",
                          "https://a.org/xxx/", "https://white.example/xxx/", "https://clean.example/"}) {
    INFO(url);
    const auto a = built.Match(url);
    const auto b2 = loaded->Match(url);
    REQUIRE(a.has_value() == b2.has_value());
    if (a) {
      CHECK(a->category == b2->category);
      CHECK(a->entry == b2->entry);
      CHECK(a->source == b2->source);
    }
  }
  // The matcher survives being moved, mapping and all.
  SiteMatcher moved = std::move(loaded.value());
  CHECK(moved.Match("https://www.meetic.fr/"));
}

TEST_CASE("A damaged snapshot is an error naming the file, never a crash", "[blocklists][snapshot]") {
  TempDir t;
  SiteListBuilder b;
  REQUIRE(b.AddDomainsFile("x", t.Write("d.txt", "a.example\nb.example\n"), false, nullptr).ok());
  const std::string snap = t.path + "/s.snap";
  REQUIRE(WriteSnapshot(BuildOrDie(std::move(b)), snap).ok());
  const std::string good = *ReadFileToString(snap);
  auto load_bytes = [&](const std::string& bytes) {
    const std::string p = t.path + "/bad.snap";
    REQUIRE(WriteFileAtomically(p, bytes).ok());
    return LoadSnapshot(p).status().message();
  };
  CHECK(load_bytes(good.substr(0, 40)).find("corrupt snapshot: shorter than its header") != std::string::npos);
  CHECK(load_bytes(good.substr(0, good.size() - 3)).find("corrupt snapshot") != std::string::npos);
  std::string flipped = good;
  flipped[good.size() - 2] ^= 0x40;
  CHECK(load_bytes(flipped).find("checksum mismatch") != std::string::npos);
  std::string magic = good;
  magic[0] = 'X';
  CHECK(load_bytes(magic).find("not a moisson blocklist snapshot") != std::string::npos);
  std::string version = good;
  version[8] = 9;
  CHECK(load_bytes(version).find("version 9") != std::string::npos);
  CHECK(LoadSnapshot(t.path + "/missing.snap").status().code() == Status::Code::kNotFound);
}

TEST_CASE("The shipped lists load with the CNIL's default categories", "[blocklists][defaults]") {
  const BlocklistConfig defaults;  // the built-in category list
  SiteListBuilder b;
  std::vector<ListLoadReport> reports;
  REQUIRE(AddConfiguredCategories(defaults, /*strict=*/false, &b, &reports).ok());
  std::size_t skipped = 0;
  for (const auto& r : reports) skipped += r.skipped;
  CHECK(skipped == 0);
  const SiteMatcher m = BuildOrDie(std::move(b));
  CHECK(HitOf(m, "https://www.meetic.fr/").category == "dating");
  CHECK(HitOf(m, "https://fr.carenity.com/forum").category == "health_forums");
  CHECK(HitOf(m, "https://www.reddit.com/r/AskDocs/comments/1").category == "health_forums");
  CHECK(HitOf(m, "https://www.roblox.com/users/1").category == "minors_social_networks");
  CHECK(HitOf(m, "https://scratch.mit.edu/users/x").category == "minors_social_networks");
  // child and educational_games are white in UT1 but block once configured.
  CHECK_FALSE(m.Match("https://example.org/"));
  CHECK_FALSE(m.Match("https://www.doctissimo.fr/sante"));  // rejected in review: editorial portal
  CHECK(m.domain_count() > 60000);
}

TEST_CASE("Configured categories: unknown names and missing folders are errors", "[blocklists][defaults]") {
  BlocklistConfig c;
  c.categories = {"dating", "nosuch"};
  SiteListBuilder b;
  const Status s = AddConfiguredCategories(c, false, &b, nullptr);
  REQUIRE_FALSE(s.ok());
  CHECK(s.message().find("unknown blocklist category 'nosuch'") != std::string::npos);
  c.categories = {"dating"};
  c.data_dir = "/nonexistent/data";
  CHECK(AddConfiguredCategories(c, false, &b, nullptr).code() == Status::Code::kNotFound);
}

TEST_CASE("URL entries compare case-insensitively, as squidGuard lower-cases URLs", "[blocklists]") {
  TempDir t;
  SiteListBuilder b;
  REQUIRE(b.AddUrlsFile("f", t.Write("u.txt", "reddit.com/r/AskDocs\n"), false, nullptr).ok());
  const SiteMatcher m = BuildOrDie(std::move(b));
  CHECK(m.Match("https://www.reddit.com/r/askdocs/x"));
  CHECK(m.Match("https://www.reddit.com/R/ASKDOCS"));
  CHECK_FALSE(m.Match("https://www.reddit.com/r/askdocsx"));
}

TEST_CASE("UT1 import validates and normalises into a loadable tree with a manifest", "[blocklists][import]") {
  TempDir t;
  t.Write("src/dating/domains", "Meetic.FR.\nbad host\nxn--caf-dma.fr\n");
  t.Write("src/dating/usage", "black\n");
  t.Write("src/child/domains", "kids.example\n");
  t.Write("src/child/usage", "white\n");
  const std::string dest = t.path + "/imported";
  std::vector<ListLoadReport> reports;
  REQUIRE(ImportUt1(t.path + "/src", {}, dest, false, false, &reports).ok());
  REQUIRE(reports.size() == 2);
  auto manifest = ReadFileToString(dest + "/MANIFEST.md");
  REQUIRE(manifest.ok());
  CHECK(manifest->find("| dating/domains.gz | 2 | 1 |") != std::string::npos);
  SiteListBuilder b;
  REQUIRE(b.AddUt1Directory(dest, {}, true, nullptr).ok());  // normalised: strict loading passes
  const SiteMatcher m = BuildOrDie(std::move(b));
  CHECK(HitOf(m, "https://www.meetic.fr/").entry == "meetic.fr");
  CHECK_FALSE(m.Match("https://kids.example/"));  // usage kept: white
  // No silent overwrite; --replace swaps the whole tree.
  CHECK(ImportUt1(t.path + "/src", {"dating"}, dest, false, false, nullptr).code() == Status::Code::kInvalidArgument);
  REQUIRE(ImportUt1(t.path + "/src", {"dating"}, dest, false, true, nullptr).ok());
  struct stat st;
  CHECK(::stat((dest + "/child").c_str(), &st) != 0);
  // A strict import stops at the bad line and leaves nothing behind.
  const std::string dest2 = t.path + "/strict";
  const Status s = ImportUt1(t.path + "/src", {}, dest2, true, false, nullptr);
  CHECK(s.message().find("dating/domains:2:") != std::string::npos);
  CHECK(::stat(dest2.c_str(), &st) != 0);
}

TEST_CASE("Batch host lookups agree with single lookups", "[blocklists]") {
  TempDir t;
  SiteListBuilder b;
  REQUIRE(b.AddDomainsFile("a", t.Write("a.txt", "amex.com\nblogspot.com\n10.1.2.3\n"), false, nullptr).ok());
  REQUIRE(b.AddDomainsFile("b", t.Write("b.txt", "x.y.z.example.org\n"), false, nullptr).ok());
  const SiteMatcher m = BuildOrDie(std::move(b));
  std::vector<std::string> names = {"amex.com", "www.amex.com", "aamex.com", "u.blogspot.com", "10.1.2.3",
                                    "1.2.3.10", "a.b.c.d.e.f.g.h.i.j.x.y.z.example.org", "y.z.example.org", ""};
  for (int i = 0; i < 100; ++i) names.push_back("h" + std::to_string(i) + (i % 3 ? ".amex.com" : ".clean.net"));
  const std::vector<std::string_view> hosts(names.begin(), names.end());
  std::vector<std::uint16_t> out;
  m.MatchHosts(hosts, &out);
  REQUIRE(out.size() == hosts.size());
  for (std::size_t i = 0; i < hosts.size(); ++i) {
    INFO("host " << i);
    const auto single = m.MatchHost(hosts[i]);
    CHECK((out[i] != 0) == single.has_value());
    if (single) CHECK(m.category_name(out[i] - 1) == single->category);
  }
}
