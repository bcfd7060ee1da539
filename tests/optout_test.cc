// The person opt-out registry: normalisation per type, keyed hashes only on
// disk, O(1) checks, site-owner opt-outs.
#include <catch2/catch.hpp>

#include <unistd.h>

#include "blocklists/host.h"
#include "blocklists/optout.h"
#include "core/file_util.h"

using namespace moisson;
using namespace moisson::blocklists;

namespace {

ProjectKey TestKey(std::uint8_t seed = 7) {
  std::array<std::uint8_t, 32> b{};
  for (int i = 0; i < 32; ++i) b[i] = static_cast<std::uint8_t>(seed + i);
  return ProjectKey::FromBytes(b);
}

std::vector<std::string> Forms(OptOutType t, std::string_view v, std::string_view scope = "") {
  auto f = NormaliseIdentifier(t, v, scope);
  REQUIRE(f.ok());
  return f.value();
}

struct TempRegistry {
  std::string path = "/tmp/moisson_optout_" + std::to_string(::getpid()) + ".db";
  TempRegistry() { Clean(); }
  ~TempRegistry() { Clean(); }
  void Clean() const {
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) ::unlink((path + suffix).c_str());
  }
};

}  // namespace

TEST_CASE("Opt-out normalisation: e-mail forms", "[optout]") {
  CHECK(Forms(OptOutType::kEmail, " Jean.Dupont@Exemple.FR ") == std::vector<std::string>{"jean.dupont@exemple.fr"});
  CHECK(Forms(OptOutType::kEmail, "jean+news@exemple.fr") ==
        std::vector<std::string>{"jean+news@exemple.fr", "jean@exemple.fr"});
  CHECK(Forms(OptOutType::kEmail, "Jean.Dupont+x@GoogleMail.com") ==
        std::vector<std::string>{"jean.dupont+x@googlemail.com", "jean.dupont@googlemail.com", "jeandupont@gmail.com"});
  CHECK(Forms(OptOutType::kEmail, "andr\xC3\xA9@caf\xC3\xA9.fr")[0] == "andr\xC3\xA9@xn--caf-dma.fr");
  for (const char* bad : {"no-at-sign", "@exemple.fr", "jean@", "jean@localhost", "a b@c.fr"}) {
    INFO(bad);
    CHECK_FALSE(NormaliseIdentifier(OptOutType::kEmail, bad, "").ok());
  }
}

TEST_CASE("Opt-out normalisation: phones in E.164 through libphonenumber", "[optout]") {
  CHECK(Forms(OptOutType::kPhone, "06 12 34 56 78") == std::vector<std::string>{"+33612345678"});
  CHECK(Forms(OptOutType::kPhone, "+33 (0)6 12-34-56-78") == std::vector<std::string>{"+33612345678"});
  CHECK(NormaliseIdentifier(OptOutType::kPhone, "020 7946 0958", "", "GB").value()[0] == "+442079460958");
  CHECK_FALSE(NormaliseIdentifier(OptOutType::kPhone, "12", "").ok());
  CHECK_FALSE(NormaliseIdentifier(OptOutType::kPhone, "call me", "").ok());
}

TEST_CASE("Opt-out normalisation: handles, names, URL prefixes", "[optout]") {
  CHECK(Forms(OptOutType::kHandle, "Mastodon:@JDupont") == std::vector<std::string>{"mastodon:jdupont"});
  CHECK_FALSE(NormaliseIdentifier(OptOutType::kHandle, "jdupont", "").ok());
  // Found by fuzz_optout: forms must be fixed points, so no second '@', no
  // control bytes, valid UTF-8 only.
  for (const std::string& bad : {std::string("x:@@jd"), std::string("x:j\0d", 5), std::string("x:j\xFF"), std::string(":jd")}) {
    CHECK_FALSE(NormaliseIdentifier(OptOutType::kHandle, bad, "").ok());
  }
  const auto a = Forms(OptOutType::kName, "\xC3\x89lise  de La-Tour", "www.example.org");
  const auto b = Forms(OptOutType::kName, "LA TOUR, elise de", "forum.example.org");
  CHECK(a == b);
  CHECK(a[0] == std::string("example.org") + '\0' + "de elise la tour");
  CHECK(Forms(OptOutType::kName, "\xEF\xBC\xA1nna", "x.example")[0].substr(10) == "anna");  // fullwidth A, NFKC
  CHECK_FALSE(NormaliseIdentifier(OptOutType::kName, "Anna", "").ok());  // names need a site
  CHECK_FALSE(NormaliseIdentifier(OptOutType::kName, "--", "x.example").ok());
  CHECK(Forms(OptOutType::kUrlPrefix, "HTTPS://Social.Example/users/%7Ejd/") ==
        std::vector<std::string>{"social.example/users/~jd"});
  CHECK(Forms(OptOutType::kUrlPrefix, "social.example") == std::vector<std::string>{"social.example"});
}

TEST_CASE("Opt-out errors never quote the identifier", "[optout]") {
  for (auto [t, v] : {std::pair{OptOutType::kEmail, "secret-person@"}, std::pair{OptOutType::kPhone, "secret-person"},
                      std::pair{OptOutType::kHandle, "secret-person"}}) {
    const auto r = NormaliseIdentifier(t, v, "");
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find("secret") == std::string::npos);
  }
}

TEST_CASE("Registry: add, check every form, remove, and no clear value on disk", "[optout][registry]") {
  TempRegistry tmp;
  const ProjectKey key = TestKey();
  {
    auto r = OptOutRegistry::Open(tmp.path, key);
    REQUIRE(r.ok());
    REQUIRE(r->Add(OptOutType::kEmail, "Jean.Dupont+news@gmail.com", "", "REQ-1").value() == 1);
    REQUIRE(r->Add(OptOutType::kPhone, "06 12 34 56 78", "", "REQ-2").value() == 2);
    REQUIRE(r->Add(OptOutType::kName, "Marie Curie-Sklodowska", "example.org", "REQ-3").value() == 3);
    REQUIRE(r->Add(OptOutType::kUrlPrefix, "https://social.example/users/jdupont", "", "REQ-4").value() == 4);
    REQUIRE(r->Add(OptOutType::kHandle, "bsky:@jdupont.example", "", "").value() == 5);
    // The same person again: the existing entry.
    CHECK(r->Add(OptOutType::kEmail, "jeandupont@gmail.com", "", "REQ-9").value() == 1);
    CHECK(r->Check(OptOutType::kEmail, "jean.dupont@gmail.com", "").value());
    CHECK(r->Check(OptOutType::kEmail, "JEANDUPONT@googlemail.com", "").value());
    CHECK_FALSE(r->Check(OptOutType::kEmail, "jean.dupond@gmail.com", "").value());
    CHECK(r->Check(OptOutType::kPhone, "+33 6 12 34 56 78", "").value());
    CHECK(r->Check(OptOutType::kName, "curie sklodowska marie", "www.example.org").value());
    CHECK_FALSE(r->Check(OptOutType::kName, "Marie Curie-Sklodowska", "other.example").value());
    CHECK(r->MatchesUrl("https://social.example/users/jdupont/posts/12?x=1"));
    CHECK_FALSE(r->MatchesUrl("https://social.example/users/jdupont2"));
    CHECK(r->ContainsNormalised(OptOutType::kHandle, "bsky:jdupont.example"));
  }
  // Reopened: the set is rebuilt from the file.
  {
    auto r = OptOutRegistry::Open(tmp.path, key);
    REQUIRE(r.ok());
    CHECK(r->Check(OptOutType::kPhone, "0612345678", "").value());
    const auto list = r->List().value();
    REQUIRE(list.size() == 5);
    CHECK(list[0].forms == 3);
    CHECK(list[0].ref == "REQ-1");
    CHECK(list[0].hash_prefix.size() == 8);
    CHECK(list[2].scope == "example.org");
    CHECK(r->Remove(OptOutType::kEmail, "jeandupont@gmail.com", "").value() == 3);
    CHECK_FALSE(r->Check(OptOutType::kEmail, "jean.dupont+news@gmail.com", "").value());
    CHECK(r->Remove(OptOutType::kEmail, "nobody@example.org", "").value() == 0);
  }
  // No clear identifier in the files, whatever their state.
  for (const char* suffix : {"", "-wal"}) {
    auto bytes = ReadFileToString(tmp.path + suffix);
    if (!bytes.ok()) continue;
    for (const char* needle : {"dupont", "Dupont", "curie", "Curie", "612345678", "jean"}) {
      INFO("file " << suffix << " must not contain a clear identifier");
      CHECK(bytes->find(needle) == std::string::npos);
    }
  }
}

TEST_CASE("Registry: site-owner opt-outs are clear domains or URL prefixes", "[optout][registry]") {
  TempRegistry tmp;
  auto r = OptOutRegistry::Open(tmp.path, TestKey());
  REQUIRE(r.ok());
  REQUIRE(r->AddSiteOwner("Blog.Example.NET", "OWNER-1").ok());
  REQUIRE(r->AddSiteOwner("https://shop.example/private/", "OWNER-2").ok());
  CHECK(r->MatchesUrl("https://www.blog.example.net/post/1"));
  CHECK(r->MatchesUrl("https://shop.example/private"));
  CHECK(r->MatchesUrl("https://shop.example/private/cart"));
  CHECK_FALSE(r->MatchesUrl("https://shop.example/privateer"));
  CHECK_FALSE(r->MatchesUrl("https://example.net/"));
  CHECK(r->RemoveSiteOwner("blog.example.net").value() == 1);
  CHECK_FALSE(r->MatchesUrl("https://www.blog.example.net/post/1"));
}

TEST_CASE("Registry: entries of another key are kept but not matched", "[optout][registry]") {
  TempRegistry tmp;
  {
    auto r = OptOutRegistry::Open(tmp.path, TestKey(1));
    REQUIRE(r->Add(OptOutType::kEmail, "a@example.org", "", "").ok());
  }
  auto r = OptOutRegistry::Open(tmp.path, TestKey(2));
  REQUIRE(r.ok());
  CHECK(r->foreign_key_entries() == 1);
  CHECK_FALSE(r->Check(OptOutType::kEmail, "a@example.org", "").value());
}

TEST_CASE("Registry: a file that is not a registry is an error", "[optout][registry]") {
  TempRegistry tmp;
  REQUIRE(WriteFileAtomically(tmp.path, std::string(4096, 'x')).ok());
  CHECK_FALSE(OptOutRegistry::Open(tmp.path, TestKey()).ok());
}

TEST_CASE("SiteOf groups hosts by registrable domain (PSL)", "[blocklists][host]") {
  CHECK(SiteOf("www.example.co.uk") == "example.co.uk");
  CHECK(SiteOf("a.b.example.org") == "example.org");
  CHECK(SiteOf("user.github.io") == "user.github.io");  // private section
  CHECK(SiteOf("co.uk") == "co.uk");                    // a public suffix is its own site
  CHECK(SiteOf("10.0.0.1") == "10.0.0.1");
  CHECK(SiteOf("[::1]") == "[::1]");
}
