// HTML to text: visible text with block structure, metadata for the policy
// engine and the geo detector, charsets, bounds on hostile input.
#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>

#include "core/utf8.h"
#include "io/html_text.h"

using namespace moisson::io;
using namespace std::string_literals;

namespace {

std::string ReadData(const std::string& name) {
  std::ifstream in(std::string(MOISSON_HTML_TEST_DATA) + "/" + name, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

TEST_CASE("HTML text: blocks on their own lines and inline text joined", "[html]") {
  const auto p = ExtractHtml(
      "<html><body><h1>Titre</h1><p>Un <b>mot</b> en <i>gras</i>.</p><div>Bloc<br>ligne 2</div>"
      "<ul><li>un</li><li>deux</li></ul><section><article>art</article></section><blockquote>cit</blockquote>"
      "<dl><dt>terme</dt><dd>def</dd></dl><hr><footer>pied</footer></body></html>");
  CHECK(p.text == "Titre\nUn mot en gras.\nBloc\nligne 2\nun\ndeux\nart\ncit\nterme\ndef\npied");
}

TEST_CASE("HTML text: table cells are separated by a tab and rows by a newline", "[html]") {
  const auto p = ExtractHtml("<table><tr><th>nom</th><th>ville</th></tr><tr><td>a</td><td> b </td></tr></table>");
  CHECK(p.text == "nom\tville\na\tb");
}

TEST_CASE("HTML text: whitespace runs and no-break spaces collapse; lines are trimmed; one blank line at most",
          "[html]") {
  const auto p = ExtractHtml("<p>  Un \t\n  deux&nbsp;&nbsp;trois  </p><p>&nbsp;</p><div>  quatre</div>"
                             "a<br><br><br><br>b");
  CHECK(p.text == "Un deux trois\nquatre\na\n\nb");
}

TEST_CASE("HTML text: pre keeps its spaces and lines", "[html]") {
  const auto p = ExtractHtml("<body><p>avant</p><pre>a  b\n  c\n\n\n\nd</pre><p>apr\xC3\xA8s</p></body>");
  CHECK(p.text == "avant\na  b\n  c\n\nd\napr\xC3\xA8s");
}

TEST_CASE("HTML text: script, style, template, noscript, head, svg and form values are not text", "[html]") {
  const auto p = ExtractHtml(
      "<html><head><title>T</title><style>p{}</style><script>var x='secret';</script></head><body>"
      "<p>visible</p><script>alert(1)</script><noscript>no js</noscript><template><p>tpl</p></template>"
      "<svg><text>icone</text></svg><form><input value=\"valeur\"><textarea>saisie</textarea>"
      "<select><option>choix</option></select></form><iframe>cadre</iframe><p>fin</p></body></html>");
  CHECK(p.text == "visible\nfin");
}

TEST_CASE("HTML text: hidden attribute and inline display none or visibility hidden hide an element", "[html]") {
  const auto p = ExtractHtml(
      "<p>a</p><div hidden>cach\xC3\xA9</div><span style=\"color:red; DISPLAY : none\">x</span>"
      "<p style=\"visibility:hidden\">y</p><p style=\"display:none-ish;display:block\">b</p>");
  CHECK(p.text == "a\nb");
}

TEST_CASE("HTML text: entities are decoded", "[html]") {
  const auto p = ExtractHtml("<p>&eacute;t&eacute; &amp; &lt;ok&gt; &#8364; &#x1F600; &copy</p>");
  CHECK(p.text == "\xC3\xA9t\xC3\xA9 & <ok> \xE2\x82\xAC \xF0\x9F\x98\x80 \xC2\xA9");
}

TEST_CASE("HTML metadata: title goes to title only and lang is kept as written", "[html]") {
  const auto p = ExtractHtml("<html lang=\"fr-FR\"><head><title>  Le   titre </title></head><body>corps</body></html>");
  CHECK(p.title == "Le titre");
  CHECK(p.lang == "fr-FR");
  CHECK(p.text == "corps");
}

TEST_CASE("HTML metadata: robots noai, tdm-reservation and crawler-named meta tags in document order", "[html]") {
  const auto p = ExtractHtml(
      "<head><meta name=\"robots\" content=\"noai, noimageai\">"
      "<meta name=\"GPTBot\" content=\"noindex\"><meta name=\"tdm-reservation\" content=\"1\">"
      "<meta name=\"description\" content=\"une page\"><meta name=\"viewport\" content=\"width=device-width\">"
      "<meta name=\"google-site-verification\" content=\"abc\"><meta property=\"og:title\" content=\"t\">"
      "<meta name=\"CCBot\" content=\"nofollow\"><meta name=\"tdm-policy\" content=\"https://x.test/p.json\">"
      "</head><body>x</body>");
  REQUIRE(p.policy_meta.size() == 5);
  CHECK(p.policy_meta[0].name == "robots");
  CHECK(p.policy_meta[0].content == "noai, noimageai");
  CHECK(p.policy_meta[1].name == "gptbot");
  CHECK(p.policy_meta[1].content == "noindex");
  CHECK(p.policy_meta[2].name == "tdm-reservation");
  CHECK(p.policy_meta[2].content == "1");
  CHECK(p.policy_meta[3].name == "ccbot");
  CHECK(p.policy_meta[4].name == "tdm-policy");
}

// The one meta extraction of the chain, `policy explain --html` and the
// Python module (policy/html_meta.cc, a second parser reading the head only,
// is gone): tags are read as a browser's parser reads them, anywhere in the
// page (an objection written in the body still objects), with their lines.
TEST_CASE("HTML metadata: comments and raw text neither hide nor invent tags; lines; the body counts", "[html]") {
  const auto p = ExtractHtml(
      "<!DOCTYPE html>\n<html><head><!-- <meta name=robots content=none> <div> -->\n"
      "<script>var s = '<div><meta name=robots content=noindex>';</script>"
      "<style>body > p { color: red }</style><title>a <b>title</b></title>\n"
      "<META NAME=\"Robots\" CONTENT=\"noai\" data-x='a>b'><meta charset=utf-8><meta name=robots>"
      "<noscript><link rel=stylesheet href=x.css></noscript></head>\n"
      "<body><p>x</p>\n<meta name=tdm-reservation content=1></body></html>");
  REQUIRE(p.policy_meta.size() == 2);
  CHECK(p.policy_meta[0].name == "robots");
  CHECK(p.policy_meta[0].content == "noai");
  CHECK(p.policy_meta[0].line == 4);
  CHECK(p.policy_meta[1].name == "tdm-reservation");
  CHECK(p.policy_meta[1].line == 6);
}

TEST_CASE("HTML metadata: geo meta tags from name and property", "[html]") {
  const auto p = ExtractHtml(
      "<head><meta name=\"geo.position\" content=\"48.85;2.35\"><meta name=\"geo.placename\" content=\"Paris\">"
      "<meta property=\"place:location:latitude\" content=\"48.85\">"
      "<meta property=\"place:location:longitude\" content=\"2.35\"><meta name=\"ICBM\" content=\"48.85, 2.35\">"
      "<meta property=\"og:latitude\" content=\"48.85\"><meta name=\"author\" content=\"x\"></head>");
  REQUIRE(p.geo.size() == 6);
  CHECK(p.geo[0].name == "geo.position");
  CHECK(p.geo[0].content == "48.85;2.35");
  CHECK(p.geo[0].position);
  CHECK(p.geo[1].name == "geo.placename");
  CHECK_FALSE(p.geo[1].position);
  CHECK(p.geo[2].name == "place:location:latitude");
  CHECK(p.geo[3].name == "place:location:longitude");
  CHECK(p.geo[4].name == "icbm");
  CHECK(p.geo[5].name == "og:latitude");
  CHECK(p.policy_meta.empty());
}

TEST_CASE("HTML charset: the HTTP charset converts windows-1252 and wins over the page", "[html]") {
  auto p = ExtractHtml("<p>\xE9t\xE9 \x80</p>", {.http_charset = "windows-1252"});
  CHECK(p.text == "\xC3\xA9t\xC3\xA9 \xE2\x82\xAC");
  CHECK(p.converted);
  CHECK(p.charset == "windows-1252");
  p = ExtractHtml("<meta charset=\"utf-8\"><p>\xE9</p>", {.http_charset = " ISO-8859-1 "});
  CHECK(p.text == "\xC3\xA9");
  CHECK(p.charset == "windows-1252");
}

TEST_CASE("HTML charset: meta charset and http-equiv Content-Type", "[html]") {
  auto p = ExtractHtml("<meta charset=\"iso-8859-1\"><p>\xE9t\xE9</p>");
  CHECK(p.text == "\xC3\xA9t\xC3\xA9");
  p = ExtractHtml("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-15\"><p>\xA4 5</p>");
  CHECK(p.text == "\xE2\x82\xAC 5");
  CHECK(p.charset == "iso-8859-15");
  // "charset" inside another meta's content is not a declaration.
  p = ExtractHtml("<meta name=\"description\" content=\"charset=latin1\"><p>caf\xC3\xA9</p>");
  CHECK(p.text == "caf\xC3\xA9");
  CHECK_FALSE(p.converted);
  // A meta cannot declare UTF-16: the page is read as UTF-8.
  p = ExtractHtml("<meta charset=\"utf-16\"><p>caf\xC3\xA9</p>");
  CHECK(p.text == "caf\xC3\xA9");
}

TEST_CASE("HTML charset: shift_jis and latin-1 files with their title", "[html]") {
  auto p = ExtractHtml(ReadData("shift_jis.html"));
  CHECK(p.text == "\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E");  // 日本語
  CHECK(p.title == "\xE6\x97\xA5\xE6\x9C\xAC");
  CHECK(p.charset == "shift_jis");
  p = ExtractHtml(ReadData("latin1.html"));
  CHECK(p.title == "Caf\xC3\xA9 des Arts");
  CHECK(p.text == "Le caf\xC3\xA9\nOuvert l'\xC3\xA9t\xC3\xA9, ferm\xC3\xA9 le lundi.");
  CHECK(p.lang == "fr");
}

TEST_CASE("HTML charset: a byte order mark wins; undeclared legacy bytes are read as windows-1252", "[html]") {
  auto p = ExtractHtml("\xEF\xBB\xBF<p>caf\xC3\xA9</p>", {.http_charset = "iso-8859-1"});
  CHECK(p.text == "caf\xC3\xA9");
  CHECK(p.charset == "utf-8");
  p = ExtractHtml("\xFF\xFE<\0p\0>\0\xE9\0t\0\xE9\0"s);
  CHECK(p.text == "\xC3\xA9t\xC3\xA9");
  CHECK(p.charset == "utf-16le");
  p = ExtractHtml("<p>Caf\xE9 cr\xE8me</p>");
  CHECK(p.text == "Caf\xC3\xA9 cr\xC3\xA8me");
  CHECK(p.charset == "windows-1252");
}

TEST_CASE("HTML charset: unknown labels are ignored and bytes the charset lacks become U+FFFD", "[html]") {
  auto p = ExtractHtml("<p>caf\xC3\xA9</p>", {.http_charset = "x-no-such-charset"});
  CHECK(p.text == "caf\xC3\xA9");
  CHECK(p.charset == "utf-8");
  p = ExtractHtml("<p>\x82\xA0\xFF\x81</p>", {.http_charset = "shift_jis"});
  CHECK(moisson::IsValidUtf8(p.text));
  CHECK(p.text.find("\xEF\xBF\xBD") != std::string::npos);
}

TEST_CASE("HTML: invalid UTF-8 in a UTF-8 page becomes U+FFFD", "[html]") {
  const auto p = ExtractHtml("<meta charset=utf-8><p>\xC3\xA9 a\xFF b \xED\xA0\x80 c \xC0\xAF d \xC3</p><p>\xF4\x90\x80\x80</p>");
  CHECK(moisson::IsValidUtf8(p.text));
  CHECK(p.text.rfind("\xC3\xA9 a\xEF\xBF\xBD b ", 0) == 0);
}

TEST_CASE("HTML: empty and markup-only input give empty text", "[html]") {
  CHECK(ExtractHtml("").text.empty());
  CHECK(ExtractHtml("<html><head></head><body></body></html>").text.empty());
  CHECK(ExtractHtml("<").text == "<");
}

TEST_CASE("HTML: more than 512 unclosed li, option or p keep their structure", "[html]") {
  std::string list = "<ul>";
  for (int i = 0; i < 1000; ++i) list += "<li>item" + std::to_string(i);
  list += "</ul><p>fin<p>suite";
  const auto p = ExtractHtml(list);
  CHECK(p.dropped_tags == 0);
  CHECK(p.text.find("item998\nitem999\nfin\nsuite") != std::string::npos);
}

TEST_CASE("HTML: deep nesting does not crash and stays bounded", "[html]") {
  std::string deep;
  for (int i = 0; i < 1000000; ++i) deep += "<div>";
  deep += "fond";
  auto start = std::chrono::steady_clock::now();
  auto p = ExtractHtml(deep);
  CHECK(p.text == "fond");
  CHECK(p.dropped_tags > 0);
  CHECK(Seconds(start) < 10);
  for (const char* unit : {"<b><i>x</b></i>", "<b><div></b>", "<a><div></a>", "<li><center>", "<table><tr><td>"}) {
    std::string s;
    while (s.size() < (1u << 20)) s += unit;
    start = std::chrono::steady_clock::now();
    p = ExtractHtml(s);
    INFO(unit);
    CHECK(moisson::IsValidUtf8(p.text));
    CHECK(Seconds(start) < 10);  // each took 35 s or more before the nesting bound
  }
}

TEST_CASE("HTML: input beyond max_input_bytes is cut", "[html]") {
  ExtractOptions small;
  small.max_input_bytes = 1000;
  const auto cut = ExtractHtml("<p>" + std::string(5000, 'a') + "</p>", small);
  CHECK(cut.truncated);
  CHECK(cut.text == std::string(997, 'a'));
  const auto whole = ExtractHtml("<p>abc</p>", small);
  CHECK_FALSE(whole.truncated);
}

TEST_CASE("HTML metadata: policy meta tags carry their line in the input", "[html]") {
  const auto p = ExtractHtml("<html>\n<head>\n<title>t</title>\n<meta name=\"robots\" content=\"noai\">\n</head></html>");
  REQUIRE(p.policy_meta.size() == 1);
  CHECK(p.policy_meta[0].line == 4);
}

TEST_CASE("Crawl hints: links, base, nofollow, login forms and paywalls come from the same parse", "[html][crawl]") {
  const std::string html =
      "<html><head><base href='/root/'><meta name='Robots' content='index, NoFollow'>"
      "<script type='application/ld+json'>{\"@type\":\"NewsArticle\",\"isAccessibleForFree\" : \"False\"}</script>"
      "</head><body><a href='a.html'>a</a><a rel='external nofollow' href='skip.html'>s</a>"
      "<map><area href='/map'></map><a>no href</a><form><input type='PASSWORD'></form></body></html>";
  ExtractOptions opts;
  opts.collect_links = true;
  const ExtractedPage p = ExtractHtml(html, opts);
  CHECK(p.links == std::vector<std::string>{"a.html", "/map"});
  CHECK(p.base_href == "/root/");
  CHECK(p.nofollow);
  CHECK(p.password_input);
  CHECK(p.not_free);
  // Links are off by default: the filter path pays nothing for them. What the
  // page says about access is read on both paths (the chain's access step).
  const ExtractedPage q = ExtractHtml(html);
  CHECK(q.links.empty());
  CHECK(q.base_href.empty());
  CHECK_FALSE(q.nofollow);
  CHECK(q.password_input);
  CHECK(q.not_free);
  // A free article, no form, meta robots without nofollow.
  const ExtractedPage r = ExtractHtml(
      "<meta name=robots content=noindex><script type=application/ld+json>{\"isAccessibleForFree\": true}</script>"
      "<a href=x>x</a>",
      opts);
  CHECK_FALSE(r.nofollow);
  CHECK_FALSE(r.not_free);
  CHECK_FALSE(r.password_input);
  CHECK(r.links == std::vector<std::string>{"x"});
  CHECK(ExtractHtml("<meta name=robots content=none>", opts).nofollow);
}
