#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "blocklists/host.h"
#include "core/url.h"
#include "crawler/seen_set.h"
#include "crawler/url_norm.h"

using moisson::Status;
using moisson::crawler::kMaxUrlBytes;
using moisson::crawler::NormaliseUrl;
using moisson::crawler::ResolveUrl;
using moisson::crawler::SeenSet;
using moisson::crawler::WithoutCredentials;

namespace {

constexpr const char* kRfcBase = "http://a/b/c/d;p?q";

// The normalised URL, or "ERROR" (so that a CHECK shows which input failed).
std::string Norm(std::string_view url) {
  auto r = NormaliseUrl(url);
  return r.ok() ? *r : "ERROR";
}

std::string Resolve(std::string_view base, std::string_view ref) {
  auto r = ResolveUrl(base, ref);
  return r.ok() ? *r : "ERROR";
}

bool IsInvalidArgument(const moisson::Result<std::string>& r) {
  return !r.ok() && r.status().code() == Status::Code::kInvalidArgument;
}

// Normalising a result changes nothing, and core's strict parser accepts it.
void CheckIdempotent(const std::string& normalised) {
  INFO(normalised);
  CHECK(Norm(normalised) == normalised);
  CHECK(Resolve(normalised, "") == normalised);
  CHECK(moisson::ParseHttpUrl(normalised).ok());
}

}  // namespace

TEST_CASE("RFC 3986 5.4.1 normal reference resolution examples", "[crawler][url]") {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"g", "http://a/b/c/g"},
      {"./g", "http://a/b/c/g"},
      {"g/", "http://a/b/c/g/"},
      {"/g", "http://a/g"},
      {"//g", "http://g/"},
      {"?y", "http://a/b/c/d;p?y"},
      {"g?y", "http://a/b/c/g?y"},
      {"#s", "http://a/b/c/d;p?q"},  // fragment dropped
      {"g#s", "http://a/b/c/g"},
      {"g?y#s", "http://a/b/c/g?y"},
      {";x", "http://a/b/c/;x"},
      {"g;x", "http://a/b/c/g;x"},
      {"g;x?y#s", "http://a/b/c/g;x?y"},
      {"", "http://a/b/c/d;p?q"},
      {".", "http://a/b/c/"},
      {"./", "http://a/b/c/"},
      {"..", "http://a/b/"},
      {"../", "http://a/b/"},
      {"../g", "http://a/b/g"},
      {"../..", "http://a/"},
      {"../../", "http://a/"},
      {"../../g", "http://a/g"},
  };
  for (const auto& [ref, want] : cases) {
    INFO("ref '" << ref << "'");
    CHECK(Resolve(kRfcBase, ref) == want);
  }
  // "g:h" is an absolute URL of another scheme: not crawled.
  CHECK(IsInvalidArgument(ResolveUrl(kRfcBase, "g:h")));
}

TEST_CASE("RFC 3986 5.4.2 abnormal reference resolution examples", "[crawler][url]") {
  const std::vector<std::pair<const char*, const char*>> cases = {
      {"../../../g", "http://a/g"},
      {"../../../../g", "http://a/g"},
      {"/./g", "http://a/g"},
      {"/../g", "http://a/g"},
      {"g.", "http://a/b/c/g."},
      {".g", "http://a/b/c/.g"},
      {"g..", "http://a/b/c/g.."},
      {"..g", "http://a/b/c/..g"},
      {"./../g", "http://a/b/g"},
      {"./g/.", "http://a/b/c/g/"},
      {"g/./h", "http://a/b/c/g/h"},
      {"g/../h", "http://a/b/c/h"},
      {"g;x=1/./y", "http://a/b/c/g;x=1/y"},
      {"g;x=1/../y", "http://a/b/c/y"},
      {"g?y/./x", "http://a/b/c/g?y/./x"},
      {"g?y/../x", "http://a/b/c/g?y/../x"},
      {"g#s/./x", "http://a/b/c/g"},
      {"g#s/../x", "http://a/b/c/g"},
      // The backward-compatible reading, which is also the WHATWG one.
      {"http:g", "http://a/b/c/g"},
  };
  for (const auto& [ref, want] : cases) {
    INFO("ref '" << ref << "'");
    CHECK(Resolve(kRfcBase, ref) == want);
  }
}

TEST_CASE("Absolute references and scheme-relative ones replace the base", "[crawler][url]") {
  CHECK(Resolve(kRfcBase, "https://Other.example/x?y#z") == "https://other.example/x?y");
  CHECK(Resolve(kRfcBase, "//other.example") == "http://other.example/");
  CHECK(Resolve("https://a/b", "//other.example/p") == "https://other.example/p");
  CHECK(Resolve(kRfcBase, "///other.example/p") == "http://other.example/p");
  CHECK(Resolve(kRfcBase, "HTTP://X/Y") == "http://x/Y");
  // WHATWG: same scheme without "//" is relative, another http(s) scheme
  // without "//" names a host.
  CHECK(Resolve(kRfcBase, "http:/g") == "http://a/g");
  CHECK(Resolve(kRfcBase, "http:") == "http://a/b/c/d;p?q");
  CHECK(Resolve(kRfcBase, "https:g") == "https://g/");
  CHECK(Resolve(kRfcBase, "https:/g/h") == "https://g/h");
  CHECK(Resolve("https://a/b/c", "http:x") == "http://x/");
  // A Location header with a relative path.
  CHECK(Resolve("https://example.com/dir/page?x=1", "../login?next=%2Fdir") ==
        "https://example.com/login?next=%2Fdir");
}

TEST_CASE("Scheme and host are lower-cased, path and query keep their case", "[crawler][url]") {
  CHECK(Norm("HTTP://WWW.Example.COM/Path/To?Q=V") == "http://www.example.com/Path/To?Q=V");
  CHECK(Norm("HtTpS://example.com") == "https://example.com/");
  CHECK(Norm("http://EXAMPLE.com./A") == "http://example.com./A");  // the root dot is kept
}

TEST_CASE("Default ports are removed, others kept", "[crawler][url]") {
  CHECK(Norm("http://example.com:80/") == "http://example.com/");
  CHECK(Norm("https://example.com:443/x") == "https://example.com/x");
  CHECK(Norm("http://example.com:443/") == "http://example.com:443/");
  CHECK(Norm("https://example.com:80/") == "https://example.com:80/");
  CHECK(Norm("http://example.com:8080/") == "http://example.com:8080/");
  CHECK(Norm("http://example.com:0080/") == "http://example.com/");
  CHECK(Norm("http://example.com:/") == "http://example.com/");
  CHECK(IsInvalidArgument(NormaliseUrl("http://example.com:99999/")));
  CHECK(IsInvalidArgument(NormaliseUrl("http://example.com:8x/")));
}

TEST_CASE("Empty path becomes slash and an empty query is dropped", "[crawler][url]") {
  CHECK(Norm("http://example.com") == "http://example.com/");
  CHECK(Norm("http://example.com?x") == "http://example.com/?x");
  CHECK(Norm("http://example.com/?") == "http://example.com/");
  CHECK(Norm("http://example.com/a?#f") == "http://example.com/a");
}

TEST_CASE("Dot segments are removed, encoded ones too", "[crawler][url]") {
  CHECK(Norm("http://example.com/a/./b/../c") == "http://example.com/a/c");
  CHECK(Norm("http://example.com/../../x") == "http://example.com/x");
  CHECK(Norm("http://example.com/a/b/..") == "http://example.com/a/");
  CHECK(Norm("http://example.com/a/.") == "http://example.com/a/");
  CHECK(Norm("http://example.com/a/%2e%2E/b") == "http://example.com/b");
  CHECK(Norm("http://example.com/a/%2E/b") == "http://example.com/a/b");
  CHECK(Norm("http://example.com/a/.%2e") == "http://example.com/");
  CHECK(Norm("http://example.com/a//b/../c") == "http://example.com/a//c");
  CHECK(Norm("http://example.com/a/...") == "http://example.com/a/...");
  CHECK(Norm("http://example.com/.well-known/x") == "http://example.com/.well-known/x");
  CHECK(Norm("http://example.com/a?b/../c") == "http://example.com/a?b/../c");  // not in the query
}

TEST_CASE("Percent-encoding is normalised in path and query", "[crawler][url]") {
  CHECK(Norm("http://example.com/%7euser/%41b%2fc") == "http://example.com/~user/Ab%2Fc");
  CHECK(Norm("http://example.com/a b?c d") == "http://example.com/a%20b?c%20d");
  CHECK(Norm("http://example.com/caf\xC3\xA9?q=\xC3\xA9") ==
        "http://example.com/caf%C3%A9?q=%C3%A9");
  CHECK(Norm("http://example.com/caf%c3%a9") == "http://example.com/caf%C3%A9");
  CHECK(Norm("http://example.com/100%?p=5%") == "http://example.com/100%25?p=5%25");
  CHECK(Norm("http://example.com/%zz") == "http://example.com/%25zz");
  CHECK(Norm("http://example.com/?q=a+b&c=%26&d=%3d") == "http://example.com/?q=a+b&c=%26&d=%3D");
  CHECK(Norm("http://example.com/{x}|\"<>^`") == "http://example.com/%7Bx%7D%7C%22%3C%3E%5E%60");
  CHECK(Norm("http://example.com/a\x01z\x7F") == "http://example.com/a%01z%7F");
  CHECK(Norm("http://example.com/a%23b?c%3Fd") == "http://example.com/a%23b?c%3Fd");
  // Two spellings of one resource become one string.
  CHECK(Norm("http://example.com/%7Ea") == Norm("http://EXAMPLE.com:80/~a#top"));
}

TEST_CASE("Fragments are dropped", "[crawler][url]") {
  CHECK(Norm("http://example.com/a#b") == "http://example.com/a");
  CHECK(Norm("http://example.com/a?q#b?c") == "http://example.com/a?q");
  CHECK(Norm("http://example.com#") == "http://example.com/");
  CHECK(Resolve("http://example.com/a?q", "#x") == "http://example.com/a?q");
  CHECK(Resolve("http://example.com/a?q#f", "") == "http://example.com/a?q");
}

TEST_CASE("IDN hosts become punycode", "[crawler][url]") {
  CHECK(Norm("http://B\xC3\xBC"
             "cher.Example/x") == "http://xn--bcher-kva.example/x");
  CHECK(Norm("http://xn--bcher-kva.example/") == "http://xn--bcher-kva.example/");
  CHECK(Norm("http://XN--BCHER-KVA.example/") == "http://xn--bcher-kva.example/");
  CHECK(Norm("http://%C3%BC.de/") == "http://xn--tda.de/");
  CHECK(Norm("https://\xE4\xBE\x8B\xE5\xAD\x90.\xE6\xB5\x8B\xE8\xAF\x95/") ==
        "https://xn--fsqu00a.xn--0zwm56d/");
  CHECK(Norm("http://b\xC3\xBC"
             "cher.de./") == "http://xn--bcher-kva.de./");
  // Full-width digits map to an IPv4 address, which is then canonical.
  CHECK(Norm("http://\xEF\xBC\x91\xEF\xBC\x92\xEF\xBC\x97.0.0.1/") == "http://127.0.0.1/");
  CHECK(Resolve("http://example.com/",
                "//b\xC3\xBC"
                "cher.de/p") == "http://xn--bcher-kva.de/p");
  // Not UTF-8, or not a valid IDN.
  CHECK(
      IsInvalidArgument(NormaliseUrl("http://b\xFC"
                                     "cher.de/")));
  CHECK(
      IsInvalidArgument(NormaliseUrl("http://\xCC\x81"
                                     "a.de/")));                   // starts with a combining mark
  CHECK(IsInvalidArgument(NormaliseUrl("http://-\xC3\xBC.de/")));  // starts with a hyphen
  // Symbols IDNA 2008 disallows pass by the transitional fallback, as in curl.
  CHECK(Norm("http://\xE2\x98\x83.de/") == "http://xn--n3h.de/");
}

TEST_CASE("IP literals are canonical", "[crawler][url]") {
  CHECK(Norm("http://[2001:DB8::0:1]:80/x") == "http://[2001:db8::1]/x");
  CHECK(Norm("http://[::1]:8080") == "http://[::1]:8080/");
  CHECK(Norm("https://[2001:db8:0:0:0:0:0:1]/") == "https://[2001:db8::1]/");
  CHECK(Norm("http://0x7f.1/") == "http://127.0.0.1/");
  CHECK(Norm("http://192.168.0.1:80/") == "http://192.168.0.1/");
  // A percent-encoded host is decoded, then canonicalised (found by fuzzing).
  CHECK(Norm("http:%38") == "http://0.0.0.8/");
  CHECK(Norm("http://%31%32%37.1/") == "http://127.0.0.1/");
  CHECK(Resolve(kRfcBase, "//%31%32%37.1/x") == "http://127.0.0.1/x");
  CHECK(IsInvalidArgument(NormaliseUrl("http://[fe80::1%25eth0]/")));  // zone identifier
  CHECK(IsInvalidArgument(NormaliseUrl("http://[::1/")));
  CHECK(IsInvalidArgument(NormaliseUrl("http://[::g]/")));
  CHECK(IsInvalidArgument(NormaliseUrl("http://[1:2:3:4:5:6:7:8:9]/")));
}

TEST_CASE("Whitespace is stripped around and tab CR LF removed inside", "[crawler][url]") {
  CHECK(Resolve(kRfcBase, "  \t g \n") == "http://a/b/c/g");
  CHECK(Resolve(kRfcBase, "/x\ny\tz\r") == "http://a/xyz");
  CHECK(Norm(" \x01http://exa\tmple.com/\r\n ") == "http://example.com/");
  CHECK(Resolve(kRfcBase, "a b") == "http://a/b/c/a%20b");
  CHECK(Resolve(kRfcBase, "   ") == "http://a/b/c/d;p?q");
}

TEST_CASE("Backslashes before the query are slashes as in browsers", "[crawler][url]") {
  CHECK(Resolve(kRfcBase, "\\\\evil.example\\x") == "http://evil.example/x");
  CHECK(Resolve(kRfcBase, "g\\h") == "http://a/b/c/g/h");
  CHECK(Norm("http:\\\\example.com\\a\\b?c\\d") == "http://example.com/a/b?c%5Cd");
}

TEST_CASE("Other schemes are refused", "[crawler][url]") {
  for (const char* ref :
       {"mailto:someone@example.com", "javascript:alert(1)", "JavaScript:void(0)",
        "data:text/html,hi", "ftp://example.com/f", "file:///etc/passwd", "tel:+33123456789",
        "about:blank", "ws://example.com/", "localhost:8080/x"}) {
    INFO(ref);
    const auto r = ResolveUrl(kRfcBase, ref);
    CHECK(IsInvalidArgument(r));
    CHECK(IsInvalidArgument(NormaliseUrl(ref)));
  }
  // The message names the scheme only.
  const auto r = ResolveUrl(kRfcBase, "mailto:jane.doe@example.com");
  CHECK(r.status().message().find("mailto") != std::string::npos);
  CHECK(r.status().message().find("jane") == std::string::npos);
}

TEST_CASE("Userinfo is refused", "[crawler][url]") {
  for (const char* url : {"http://user:secret@example.com/", "http://user@example.com/",
                          "http://@example.com/", "https://:pw@example.com/"}) {
    INFO(url);
    const auto r = NormaliseUrl(url);
    CHECK(IsInvalidArgument(r));
    CHECK(r.status().message().find("secret") == std::string::npos);
    CHECK(IsInvalidArgument(ResolveUrl(kRfcBase, url)));
  }
  CHECK(IsInvalidArgument(ResolveUrl("http://u:p@a/", "g")));
  CHECK(IsInvalidArgument(ResolveUrl(kRfcBase, "//u@host/")));
  // An '@' in the path or query is not userinfo.
  CHECK(Norm("http://example.com/@user?to=a@b") == "http://example.com/@user?to=a@b");
}

TEST_CASE("WithoutCredentials: what a link with userinfo pointed to, for the ledger", "[crawler][url]") {
  CHECK(WithoutCredentials("http://user:secret@example.com/a?b") == "http://example.com/a?b");
  CHECK(WithoutCredentials("https://u@example.com") == "https://example.com");
  CHECK(WithoutCredentials("//u:p@host:8080/x") == "//host:8080/x");
  CHECK(WithoutCredentials("http://a:b@c@example.com/") == "http://example.com/");  // the last '@' ends it
  // Nothing to remove: no authority, or an '@' past it.
  CHECK(WithoutCredentials("http://example.com/@user?to=a@b").empty());
  CHECK(WithoutCredentials("/path/u:p@x").empty());
  CHECK(WithoutCredentials("mailto:jane@example.com").empty());
  CHECK(WithoutCredentials("g//u:p@x").empty());
  // What is left resolves like any link.
  CHECK(Norm(WithoutCredentials("HTTP://u:p@Example.COM:80/a")) == "http://example.com/a");
}

TEST_CASE("LocationSignal: a redirect's target for the ledger, never its credentials", "[crawler][url]") {
  CHECK(moisson::crawler::LocationSignal("") == "no Location");
  CHECK(moisson::crawler::LocationSignal("http://u:secret@example.com/x") == "Location: http://example.com/x");
  CHECK(moisson::crawler::LocationSignal("/elsewhere") == "Location: /elsewhere");
}

TEST_CASE("Garbage is refused with InvalidArgument", "[crawler][url]") {
  for (const char* url :
       {"", "   ", "http://", "http:///", "https://:80/", "http://a b/", "http://a%20b/",
        "http://exa%mple.com/", "http://a<b/", "http://a\x01/", "//example.com/x", "/just/a/path",
        "example.com/x", "http//example.com", "1http://x/", "http://a/\xFF\xFE"}) {
    INFO("'" << url << "'");
    const auto r = NormaliseUrl(url);
    if (r.ok()) {
      // Raw high bytes in a path are percent-encoded, not refused.
      CHECK(*r == "http://a/%FF%FE");
    } else {
      CHECK(r.status().code() == Status::Code::kInvalidArgument);
    }
  }
  CHECK(IsInvalidArgument(ResolveUrl("", "g")));
  CHECK(IsInvalidArgument(ResolveUrl("/relative/base", "g")));
  CHECK(IsInvalidArgument(ResolveUrl("mailto:x@y", "g")));
  CHECK(IsInvalidArgument(ResolveUrl(kRfcBase, "http://[::1")));
  CHECK(IsInvalidArgument(ResolveUrl(kRfcBase, "//a b/")));
}

TEST_CASE("URLs longer than 8 KiB are refused", "[crawler][url]") {
  const std::string prefix = "http://example.com/";
  const std::string fits = prefix + std::string(kMaxUrlBytes - prefix.size(), 'a');
  CHECK(Norm(fits) == fits);
  CHECK(IsInvalidArgument(NormaliseUrl(fits + "a")));
  CHECK(IsInvalidArgument(ResolveUrl(kRfcBase, "/" + std::string(kMaxUrlBytes, 'a'))));
  CHECK(IsInvalidArgument(ResolveUrl(fits + "a", "g")));
  // Short enough as input, too long once percent-encoded.
  std::string accents;
  for (int i = 0; i < 2000; ++i) accents += "\xC3\xA9";
  CHECK(IsInvalidArgument(NormaliseUrl(prefix + accents)));
  // Too long once resolved against a long base.
  const std::string base = prefix + std::string(5000, 'b') + "/";
  CHECK(IsInvalidArgument(ResolveUrl(base, std::string(4000, 'c'))));
}

TEST_CASE("Normalisation is idempotent and its results parse", "[crawler][url]") {
  const std::vector<std::string> inputs = {
      "HTTP://Example.COM:80/a/./b/../%7Ec?Q=%3d#f",
      "http://example.com/a%2e%2E%2fb/%2e",
      "http://example.com/%25%32%35",
      "http://example.com/%%41%",
      "https://B\xC3\xBC"
      "cher.example:443/\xC3\xA9t\xC3\xA9?\xC3\xA9",
      "http://[2001:DB8::1]:8080/x y",
      "http://0x7f.0.0.1/..%2F..",
      "http://example.com//a//..//b",
      "http://example.com/a?b c#d",
      "http://example.com/.%2E/./%2e/x/.",
      "http://example.com/%2e%2e%2f%2e%2e/x",
      "http://_srv.example.com/",
  };
  for (const std::string& in : inputs) {
    INFO(in);
    const auto once = NormaliseUrl(in);
    REQUIRE(once.ok());
    CheckIdempotent(*once);
  }
  for (const char* ref :
       {"g", "../g", "?y", "#s", "g;x?y#s", "../../../../g", "http:g", "//g", "%2e%2e/g", "a b"}) {
    INFO(ref);
    const auto r = ResolveUrl(kRfcBase, ref);
    REQUIRE(r.ok());
    CheckIdempotent(*r);
  }
}

TEST_CASE("SeenSet inserts, finds and refuses duplicates", "[crawler][seen]") {
  SeenSet s;
  CHECK(s.size() == 0);
  CHECK_FALSE(s.Contains("https://example.com/"));
  CHECK(s.Insert("https://example.com/"));
  CHECK(s.Contains("https://example.com/"));
  CHECK_FALSE(s.Insert("https://example.com/"));
  CHECK(s.size() == 1);
  CHECK_FALSE(s.Contains("https://example.com"));  // exact strings: normalise first
  CHECK(s.Insert("https://example.com"));
  CHECK(s.Insert(""));
  CHECK_FALSE(s.Insert(""));
  CHECK(s.Contains(""));
  CHECK(s.size() == 3);
  const std::string with_nul("a\0b", 3);
  CHECK(s.Insert(with_nul));
  CHECK_FALSE(s.Contains(std::string_view("a\0c", 3)));
  CHECK(s.size() == 4);
}

TEST_CASE("SeenSet grows from any initial size", "[crawler][seen]") {
  for (const std::size_t expected : {0, 1, 2, 3, 7, 100, 1024, 50000}) {
    INFO("expected " << expected);
    SeenSet s(expected);
    constexpr int kN = 100000;
    for (int i = 0; i < kN; ++i) {
      if (!s.Insert("https://example.com/page/" + std::to_string(i))) FAIL("insert " << i);
    }
    CHECK(s.size() == kN);
    int found = 0, duplicate_accepted = 0, false_positive = 0;
    for (int i = 0; i < kN; ++i) {
      const std::string url = "https://example.com/page/" + std::to_string(i);
      found += s.Contains(url);
      duplicate_accepted += s.Insert(url);
      false_positive += s.Contains("https://example.com/other/" + std::to_string(i));
    }
    CHECK(found == kN);
    CHECK(duplicate_accepted == 0);
    CHECK(false_positive == 0);
    CHECK(s.size() == kN);
  }
}

TEST_CASE("SeenSet does not grow while within its expected size", "[crawler][seen]") {
  SeenSet s(10000);
  const std::size_t bytes = s.MemoryBytes();
  CHECK(bytes > 0);
  for (int i = 0; i < 10000; ++i) s.Insert("u" + std::to_string(i));
  CHECK(s.MemoryBytes() == bytes);
  CHECK(static_cast<double>(s.MemoryBytes()) / s.size() <= 16.0);
}

TEST_CASE("SeenSet holds at most 16 bytes per URL once grown", "[crawler][seen]") {
  SeenSet s;  // default initial capacity
  double worst = 0;
  for (int i = 0; i < 1000000; ++i) {
    s.Insert("https://example.com/p?id=" + std::to_string(i));
    if (s.size() >= 2048) worst = std::max(worst, static_cast<double>(s.MemoryBytes()) / s.size());
  }
  CHECK(s.size() == 1000000);
  INFO("bytes per URL after 1e6: " << static_cast<double>(s.MemoryBytes()) / s.size());
  CHECK(static_cast<double>(s.MemoryBytes()) / s.size() <= 16.0);
  CHECK(worst <= 16.0);
}

// One normal form of a host (issue 15 §1): the crawler's URLs and the site
// lists read every host alike, whether they accept it or not. Before, a name
// IDNA 2008 disallows (an emoji) and a label of 64 bytes were taken by the
// crawler and refused by the lists.
TEST_CASE("A URL's host and a list's entry have one normal form", "[crawler][url]") {
  const std::string hosts[] = {"WWW.Example.COM", "b\xC3\xBC" "cher.de", "fa\xC3\x9F.de", "\xE2\x98\x95.de",
                               "my_host.example.com", "10.0.0.1", "[2001:DB8::1]", std::string(64, 'a') + ".com",
                               "a..b.com", "\xEF\xBC\xA5\xEF\xBC\xB8.com", "xn--bcher-kva.de", "[::ffff:10.0.0.1]"};
  for (const std::string& h : hosts) {
    INFO("host " << &h - hosts);
    const auto listed = moisson::blocklists::NormaliseHost(h);
    const auto url = NormaliseUrl("http://" + h + "/x");
    REQUIRE(listed.ok() == url.ok());
    if (listed.ok()) CHECK(*url == "http://" + *listed + "/x");
  }
}

// A host the normal form refuses is named as such, and never quoted: a host
// may identify a person. (A space is refused earlier, by libcurl's parser.)
TEST_CASE("A refused host says why without quoting it", "[crawler][url]") {
  for (const std::string& host : {std::string("a..b-person.example"), std::string(64, 'q') + ".example"}) {
    const auto r = NormaliseUrl("http://" + host + "/x");
    REQUIRE(IsInvalidArgument(r));
    const std::string m = r.status().message();
    CHECK(m.find("invalid host") != std::string::npos);
    CHECK(m.find("person") == std::string::npos);
    CHECK(m.find("qqqq") == std::string::npos);
  }
}
