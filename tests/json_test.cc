#include <catch2/catch.hpp>

#include "core/json.h"

using moisson::JsonWriter;

TEST_CASE("JSON: escapes and structure", "[json]") {
  JsonWriter w;
  w.BeginObject().Key("a").String("q\"b\\\n\t\x01").Key("n").Null().Key("l").BeginArray().Int(1).Bool(false).Double(0.5);
  w.EndArray().EndObject();
  CHECK(w.str() == R"({"a":"q\"b\\\n\t\u0001","n":null,"l":[1,false,0.5]})");
}

TEST_CASE("JSON: invalid UTF-8 becomes U+FFFD, valid UTF-8 passes", "[json]") {
  JsonWriter w;
  w.String("caf\xC3\xA9 \xFF \xE3\x83 ok \xF0\x9F\x98\x80");
  CHECK(w.str() == "\"caf\xC3\xA9 \xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD ok \xF0\x9F\x98\x80\"");
  JsonWriter overlong;
  overlong.String("\xC0\xAF");  // overlong '/'
  CHECK(overlong.str() == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
}
