#include <catch2/catch.hpp>

#include <algorithm>

#include "policy/robots_lint.h"

using namespace moisson::policy;

namespace {
bool Has(const std::vector<LintFinding>& f, int line, const std::string& code) {
  return std::any_of(f.begin(), f.end(), [&](const LintFinding& x) { return x.line == line && x.code == code; });
}
}  // namespace

TEST_CASE("Lint: a clean file has no findings", "[lint]") {
  const auto f = LintRobotsTxt("User-agent: *\nDisallow: /private/\nAllow: /private/ok\nSitemap: https://a.b/s.xml\n");
  CHECK(f.empty());
  CHECK_FALSE(HasErrors(f));
}

TEST_CASE("Lint: every kind of problem with its line", "[lint]") {
  const std::string body =
      "Disallow: /early\n"                     // 1 rule outside group
      "User-agent: Googlebot Images\n"         // 2 invalid token
      "Dissallow: /typo\n"                     // 3 typo
      "Disallow /nocolon\n"                    // 4 missing colon
      "Crawl-delay: soon\n"                    // 5 bad crawl-delay
      "Foo: bar\n"                             // 6 unknown key
      "this line means nothing at all\n"       // 7 syntax
      "Disallow: private\n"                    // 8 not a path
      "Content-Usage: Train-AI=n\n"            // 9 content-usage syntax
      "Content-Signal: ai-train=maybe\n"       // 10 bad entry
      "User-agent: AI2Bot\n"                   // 11 invalid token
      "Disallowed: /x\n"                       // 12 key by prefix
      "Disallow: /a$b\n"                       // 13 '$' inside
      "Sitemap: /relative.xml\n";              // 14 not absolute
  const auto f = LintRobotsTxt(body + "Disallow: /" + std::string(17000, 'a') + "\n");  // 15 too long
  CHECK(Has(f, 1, "rule-outside-group"));
  CHECK(Has(f, 2, "invalid-token"));
  CHECK(Has(f, 3, "typo"));
  CHECK(Has(f, 4, "missing-colon"));
  CHECK(Has(f, 5, "bad-crawl-delay"));
  CHECK(Has(f, 6, "unknown-key"));
  CHECK(Has(f, 7, "syntax"));
  CHECK(Has(f, 8, "pattern-not-path"));
  CHECK(Has(f, 9, "content-usage-syntax"));
  CHECK(Has(f, 10, "content-signal-entry"));
  CHECK(Has(f, 11, "invalid-token"));
  CHECK(Has(f, 12, "key-prefix"));
  CHECK(Has(f, 13, "dollar-inside"));
  CHECK(Has(f, 14, "sitemap-not-absolute"));
  CHECK(Has(f, 15, "line-too-long"));
  CHECK(HasErrors(f));
  CHECK(std::is_sorted(f.begin(), f.end(), [](auto& a, auto& b) { return a.line < b.line; }));
}

TEST_CASE("Lint: a file over 500 KiB is an error", "[lint]") {
  std::string big = "User-agent: *\n";
  while (big.size() < 600 * 1024) big += "Disallow: /some/long/path/to/fill/the/file\n";
  CHECK(Has(LintRobotsTxt(big), 0, "too-large"));
}

TEST_CASE("Lint: the explanation of an invalid token says how Google reads it", "[lint]") {
  auto message = [](const std::string& ua) {
    for (const auto& f : LintRobotsTxt("User-agent: " + ua + "\nDisallow: /\n")) {
      if (f.code == "invalid-token") return f.message;
    }
    return std::string();
  };
  CHECK(message("* everyone").find("Google reads it as '*'") != std::string::npos);
  CHECK(message("*bot").find("no crawler will match it") != std::string::npos);
  CHECK(message("Googlebot/2.1").find("Google matches it as 'Googlebot'") != std::string::npos);
}
