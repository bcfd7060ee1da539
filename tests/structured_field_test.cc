// RFC 9651 Dictionary parsing, as the aipref drafts need it.
#include <catch2/catch.hpp>

#include <chrono>

#include "policy/structured_field.h"

using namespace moisson::policy;

TEST_CASE("RFC 9651 4.2.2: dictionary members, tokens and booleans", "[sf]") {
  auto d = ParseSfDictionary("train-ai=n, search=y, flag");
  REQUIRE(d);
  REQUIRE(d->size() == 3);
  CHECK((*d)[0].first == "train-ai");
  CHECK((*d)[0].second.type == SfItem::Type::kToken);
  CHECK((*d)[0].second.text == "n");
  CHECK((*d)[2].second.type == SfItem::Type::kBoolean);
  CHECK((*d)[2].second.boolean);
}

TEST_CASE("RFC 9651 4.2.2: a repeated key keeps its place and takes the last value", "[sf]") {
  auto d = ParseSfDictionary("a=y, b=y, a=n");
  REQUIRE(d);
  REQUIRE(d->size() == 2);
  CHECK((*d)[0].first == "a");
  CHECK((*d)[0].second.text == "n");
}

TEST_CASE("RFC 9651 4.2: every bare item type parses", "[sf]") {
  auto d = ParseSfDictionary(
      "i=-42, d=3.141, s=\"a \\\"q\\\" \\\\\", t=*tok/en:x, b=:aGVsbG8=:, f=?0, dt=@1700000000, "
      "ds=%\"caf%c3%a9\", l=(a \"b\" 1);p=1, p=x;q;r=2");
  REQUIRE(d);
  REQUIRE(d->size() == 10);
  CHECK((*d)[0].second.type == SfItem::Type::kInteger);
  CHECK((*d)[1].second.type == SfItem::Type::kDecimal);
  CHECK((*d)[2].second.text == "a \"q\" \\");
  CHECK((*d)[3].second.text == "*tok/en:x");
  CHECK((*d)[4].second.type == SfItem::Type::kByteSequence);
  CHECK_FALSE((*d)[5].second.boolean);
  CHECK((*d)[6].second.type == SfItem::Type::kDate);
  CHECK((*d)[7].second.type == SfItem::Type::kDisplayString);
  CHECK((*d)[8].second.type == SfItem::Type::kInnerList);
  CHECK((*d)[8].second.params == 1);
  CHECK((*d)[9].second.params == 2);
}

TEST_CASE("RFC 9651 4.2: syntax errors fail the whole field", "[sf]") {
  for (const char* bad : {"Train-ai=n",      // upper-case key
                          "train-ai=n,",     // trailing comma
                          "train-ai=n search=y",  // missing comma
                          "=n", "a=\"unterminated", "a=?2", "a=1.2345", "a=1234567890123456",
                          "a=(b", "a=%\"%C3\"", "a=\"\t\"", "a=:ab$:", "1a=y"}) {
    std::string err;
    CHECK_FALSE(ParseSfDictionary(bad, &err));
    CHECK_FALSE(err.empty());
  }
}

TEST_CASE("RFC 9651 4.2: whitespace rules", "[sf]") {
  CHECK(ParseSfDictionary("  a=y,\tb=n  "));
  CHECK(ParseSfDictionary(""));          // empty dictionary
  CHECK(ParseSfDictionary("a=y;  p=1"));  // SP after ';' allowed
  CHECK_FALSE(ParseSfDictionary("a =y"));
  CHECK_FALSE(ParseSfDictionary("a= y"));
}

TEST_CASE("RFC 9651: a 64 KiB field with thousands of keys parses quickly", "[sf][hostile]") {
  std::string field;
  for (int i = 0; i < 6000; ++i) field += (i ? ", k" : "k") + std::to_string(i) + "=y";
  field += ", k5=n";
  const auto start = std::chrono::steady_clock::now();
  const auto d = ParseSfDictionary(field);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(d);
  CHECK(d->size() == 6000);
  CHECK((*d)[5].second.text == "n");
  CHECK(seconds < 1.0);
}
