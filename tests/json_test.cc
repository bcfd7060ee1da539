#include <catch2/catch.hpp>

#include "core/json.h"
#include "core/utf8.h"

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

// Plain runs are copied sixteen bytes at a time: every byte that needs an
// escape (or is not ASCII) is still seen, wherever it falls in a block.
TEST_CASE("JSON: escapes at every position of a block", "[json]") {
  const std::pair<std::string, std::string> specials[] = {
      {"\"", "\\\""}, {"\\", "\\\\"}, {"\n", "\\n"}, {"\x01", "\\u0001"}, {"\x1f", "\\u001f"},
      {"\x7f", "\\u007f"}, {"\xC3\xA9", "\xC3\xA9"}, {"\xFF", "\xEF\xBF\xBD"}, {" ", " "}, {"~", "~"}};
  for (const auto& [raw, escaped] : specials) {
    for (std::size_t pad = 0; pad < 40; ++pad) {
      const std::string head(pad, 'a'), tail(37 - pad % 17, 'z');
      std::string out;
      moisson::AppendJsonString(head + raw + tail + raw, &out);
      INFO("byte " << static_cast<int>(static_cast<unsigned char>(raw[0])) << ", pad " << pad);
      CHECK(out == "\"" + head + escaped + tail + escaped + "\"");
    }
  }
}

TEST_CASE("UTF-8: well-formedness per Unicode table 3-7, repair and safe prefixes", "[utf8]") {
  CHECK(moisson::IsValidUtf8("plain ASCII and été €"));
  CHECK_FALSE(moisson::IsValidUtf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(moisson::IsValidUtf8("\xED\xA0\x80"));      // a surrogate
  CHECK_FALSE(moisson::IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(moisson::IsValidUtf8("abcdefgh\xC3"));      // cut after the ASCII fast path
  CHECK(moisson::Utf8SequenceLength("\xF0\x9F\x98\x80", 0) == 4);
  CHECK(moisson::RepairedUtf8("a\xFF" "b\xC3") == "a\xEF\xBF\xBD" "b\xEF\xBF\xBD");
  CHECK(moisson::Utf8Prefix("été", 2) == "é");
  CHECK(moisson::Utf8Prefix("été", 1).empty());
  CHECK(moisson::Utf8Prefix("abc", 10) == "abc");
}
