// HTML to text: visible text with block structure, metadata for the policy
// engine and the geo detector, charsets.
#include <catch2/catch.hpp>

#include <chrono>

#include "io/html_text.h"

using namespace moisson::io;

namespace {

bool ValidUtf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const unsigned char c = s[i];
    int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
    if (n < 0 || i + n >= s.size() + (n == 0 ? 1 : 0)) {
      if (n != 0) return false;
    }
    for (int k = 1; k <= n; ++k) {
      if (i + k >= s.size() || (static_cast<unsigned char>(s[i + k]) >> 6) != 2) return false;
    }
    i += n + 1;
  }
  return true;
}

}  // namespace

TEST_CASE("HTML text: blocks on their own lines, inline text joined, whitespace collapsed", "[html]") {
  const auto p = ExtractHtml(
      "<html><body><h1>Titre</h1><p>Un   <b>mot</b>\n en  gras.</p><div>Bloc<br>ligne 2</div>"
      "<ul><li>un</li><li>deux</li></ul><table><tr><td>a</td><td>b</td></tr></table></body></html>");
  CHECK(p.text == "Titre\nUn mot en gras.\nBloc\nligne 2\nun\ndeux\na\tb");
}

TEST_CASE("HTML text: script, style, template, noscript, hidden and head are not text", "[html]") {
  const auto p = ExtractHtml(
      "<html><head><title>T</title><style>p{}</style><script>var x='secret';</script></head><body>"
      "<p>visible</p><script>alert(1)</script><noscript>no js</noscript><template><p>tpl</p></template>"
      "<div hidden>caché</div><p>fin</p></body></html>");
  CHECK(p.text == "visible\nfin");
  CHECK(p.title == "T");
}

TEST_CASE("HTML text: pre keeps its lines - entities are decoded", "[html]") {
  const auto p = ExtractHtml("<body><pre>a  b\n  c</pre><p>&eacute;t&eacute; &amp; &lt;ok&gt;</p></body>");
  CHECK(p.text == "a  b\n  c\nété & <ok>");
}

TEST_CASE("HTML metadata: lang, robots and TDM meta tags, geo tags", "[html]") {
  const auto p = ExtractHtml(
      "<html lang=\"fr-FR\"><head><meta name=\"robots\" content=\"noai, noimageai\">"
      "<meta name=\"GPTBot\" content=\"noindex\"><meta name=\"tdm-reservation\" content=\"1\">"
      "<meta name=\"description\" content=\"une page\"><meta name=\"viewport\" content=\"width=device-width\">"
      "<meta name=\"geo.position\" content=\"48.85;2.35\"><meta property=\"place:location:latitude\" content=\"48.85\">"
      "<meta name=\"ICBM\" content=\"48.85, 2.35\"></head><body>x</body></html>");
  CHECK(p.lang == "fr-FR");
  REQUIRE(p.policy_meta.size() == 3);
  CHECK(p.policy_meta[0] == std::pair<std::string, std::string>{"robots", "noai, noimageai"});
  CHECK(p.policy_meta[1].first == "gptbot");
  CHECK(p.policy_meta[2].first == "tdm-reservation");
  REQUIRE(p.geo.size() == 3);
  CHECK(p.geo[0].name == "geo.position");
  CHECK(p.geo[1].name == "place:location:latitude");
  CHECK(p.geo[2].name == "icbm");
}

TEST_CASE("HTML charsets: HTTP header, meta charset, http-equiv, windows-1252, iso-8859-15, shift_jis", "[html]") {
  // "été" in windows-1252 is E9 74 E9.
  auto p = ExtractHtml("<p>\xE9t\xE9</p>", {.http_charset = "windows-1252"});
  CHECK(p.text == "été");
  CHECK(p.converted);
  CHECK(p.charset == "windows-1252");
  p = ExtractHtml("<meta charset=\"iso-8859-1\"><p>\xE9t\xE9</p>");
  CHECK(p.text == "été");
  p = ExtractHtml("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-15\"><p>\xA4 5</p>");
  CHECK(p.text == "€ 5");
  p = ExtractHtml("<p>\x93\xfa\x96\x7b</p>", {.http_charset = "shift_jis"});
  CHECK(p.text == "日本");
  // The HTTP header wins over the page.
  p = ExtractHtml("<meta charset=\"utf-8\"><p>\xE9</p>", {.http_charset = "iso-8859-1"});
  CHECK(p.text == "é");
}

TEST_CASE("HTML: invalid UTF-8 and invalid source bytes become U+FFFD - unknown charsets read as UTF-8", "[html]") {
  auto p = ExtractHtml("<p>a\xff\xfe b \xC3</p>");
  CHECK(ValidUtf8(p.text));
  CHECK(p.text.find("\xEF\xBF\xBD") != std::string::npos);
  p = ExtractHtml("<p>caf\xC3\xA9</p>", {.http_charset = "x-no-such-charset"});
  CHECK(p.text == "café");
  p = ExtractHtml("<p>\x82\xa0\xff</p>", {.http_charset = "shift_jis"});
  CHECK(ValidUtf8(p.text));
}

TEST_CASE("HTML: empty input, deep nesting and huge input stay bounded", "[html]") {
  CHECK(ExtractHtml("").text.empty());
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<div>";
  deep += "fond";
  const auto start = std::chrono::steady_clock::now();
  const auto p = ExtractHtml(deep);
  CHECK(p.text == "fond");
  std::string misnested;
  for (int i = 0; i < 20000; ++i) misnested += "<b><i>x</b></i>";
  CHECK(ExtractHtml(misnested).text.size() == 20000);
  ExtractOptions small;
  small.max_input_bytes = 1000;
  const auto cut = ExtractHtml("<p>" + std::string(5000, 'a') + "</p>", small);
  CHECK(cut.text.size() < 1000);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(20));
}
