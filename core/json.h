// Minimal streaming JSON writer for moisson's line-oriented outputs.
//
// Output is compact (no spaces) and one document per call sequence; the caller
// adds the newline. Strings are escaped per RFC 8259; bytes that are not valid
// UTF-8 are replaced by U+FFFD so that every line we print is valid JSON even
// when a robots.txt or a page holds garbage. Not thread-safe; one writer per
// output line.
#ifndef MOISSON_CORE_JSON_H_
#define MOISSON_CORE_JSON_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace moisson {

// Appends `s` to `*out` as a quoted, escaped JSON string.
void AppendJsonString(std::string_view s, std::string* out);

class JsonWriter {
 public:
  JsonWriter() = default;

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // Inside an object: writes the key; the next value call writes its value.
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view s);
  JsonWriter& Int(std::int64_t v);
  JsonWriter& Double(double v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  // A value that is already JSON text (the caller vouches for it).
  JsonWriter& Raw(std::string_view json);
  // Convenience: a string, or null when absent.
  JsonWriter& OptString(const std::optional<std::string>& s) { return s ? String(*s) : Null(); }
  JsonWriter& OptInt(const std::optional<std::int64_t>& v) { return v ? Int(*v) : Null(); }
  JsonWriter& OptBool(const std::optional<bool>& v) { return v ? Bool(*v) : Null(); }

  const std::string& str() const { return out_; }
  std::string Take() { return std::move(out_); }

 private:
  void BeforeValue();
  std::string out_;
  // One entry per open container: true once it holds an element.
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

}  // namespace moisson

#endif  // MOISSON_CORE_JSON_H_
