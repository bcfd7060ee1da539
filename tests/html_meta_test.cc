// <meta> extraction: the head only, read as an HTML parser reads it, in
// bounded time.
#include <catch2/catch.hpp>

#include <chrono>

#include "policy/html_meta.h"

using namespace moisson::policy;

namespace {
std::vector<std::string> Names(std::string_view html) {
  std::vector<std::string> out;
  for (const auto& m : ExtractMetaTags(html)) out.push_back(m.name + "=" + m.content);
  return out;
}
}  // namespace

TEST_CASE("meta: name and content, lower-cased names, line numbers", "[html]") {
  const auto tags = ExtractMetaTags(
      "<!DOCTYPE html>\n<html><head>\n<META NAME=\"Robots\" CONTENT=\"noai, noindex\">\n"
      "<meta name=tdm-reservation content=1><meta charset=utf-8><meta name=x></head><body></body></html>");
  REQUIRE(tags.size() == 2);
  CHECK(tags[0].name == "robots");
  CHECK(tags[0].content == "noai, noindex");
  CHECK(tags[0].line == 3);
  CHECK(tags[1].name == "tdm-reservation");
}

TEST_CASE("meta: only the head counts (robots meta and TDMRep live there)", "[html]") {
  CHECK(Names("<head><meta name=robots content=noai></head><body><meta name=robots content=noindex></body>") ==
        std::vector<std::string>{"robots=noai"});
  // A head-less page: the first body element ends the implied head.
  CHECK(Names("<meta name=a content=1><p>text</p><meta name=b content=2>") == std::vector<std::string>{"a=1"});
  CHECK(Names("<title>x</title><meta name=a content=1><div><meta name=b content=2></div>") ==
        std::vector<std::string>{"a=1"});
}

TEST_CASE("meta: comments and raw text do not hide or invent tags", "[html]") {
  const std::string html =
      "<html><head><!-- <meta name=robots content=none> <div> -->"
      "<script>var s = '<div><meta name=robots content=noindex>';</script>"
      "<style>body > p { color: red }</style>"
      "<title>a <b>title</b></title>"
      "<meta name=robots content=\"noai\" data-x='a>b'>"
      "<noscript><link rel=stylesheet href=x.css></noscript>"
      "<meta name=tdm-reservation content=1></head>";
  CHECK(Names(html) == std::vector<std::string>{"robots=noai", "tdm-reservation=1"});
}

TEST_CASE("meta: the head ends at the first non-head start tag, </head> or </body>", "[html]") {
  CHECK(HeadPrefix("<head><meta name=a content=1></head><body>") == "<head><meta name=a content=1></head>");
  CHECK(HeadPrefix("<head><meta name=a content=1><div>x") == "<head><meta name=a content=1>");
  CHECK(HeadPrefix("<head><link rel=x href='</head>'></head>z") == "<head><link rel=x href='</head>'></head>");
  CHECK(HeadPrefix("a < b and <3") == "a < b and <3");
  // <noscript> content is markup to Gumbo: a body tag inside ends the head.
  CHECK(HeadPrefix("<head><noscript><img src=x></noscript><meta name=a content=1>") == "<head><noscript>");
}

TEST_CASE("meta: deeply nested markup cannot stall the parser", "[html]") {
  std::string html = "<html><head><meta name=robots content=noai></head><body>";
  for (int i = 0; i < 400000; ++i) html += "<div>";
  const auto start = std::chrono::steady_clock::now();
  const auto tags = ExtractMetaTags(html);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(tags.size() == 1);
  // Parsing the whole body takes minutes with Gumbo; the head alone takes
  // microseconds. A generous bound keeps slow sanitizer builds green.
  CHECK(seconds < 2.0);
}

TEST_CASE("meta: a head larger than the limit is read up to the limit", "[html]") {
  std::string html = "<head><meta name=a content=1><script>";
  html += std::string(kMaxHeadBytes, 'x');
  html += "</script><meta name=b content=2></head>";
  CHECK(Names(html) == std::vector<std::string>{"a=1"});
}

TEST_CASE("meta: nesting inside an unclosed <noscript> cannot stall the parser", "[html][hostile]") {
  std::string html = "<html><head><meta name=robots content=noai><noscript>";
  for (int i = 0; i < 200000; ++i) html += "<div>";
  const auto start = std::chrono::steady_clock::now();
  const auto tags = ExtractMetaTags(html);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(tags.size() == 1);
  CHECK(seconds < 2.0);
}
