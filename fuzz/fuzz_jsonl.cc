// The JSONL reader on arbitrary bytes (plain, or gzip/zstd when the bytes
// start with their magic): every record and issue is produced without a
// crash, issues never quote the input, and the fields carried on as
// metadata make one object's text (its tokens are checked by the chain:
// fuzz_chain).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/reader_internal.h"

using namespace moisson::io;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  ReaderOptions o;
  o.max_record_bytes = 4096;
  o.html_field = "html";
  o.keep_metadata = size % 2 == 0;  // both ways: the reader with and without the metadata path
  o.on_skip = [](const ReadIssue& i) {
    if (i.message.empty()) __builtin_trap();
  };
  auto r = OpenReaderFromStream(MemoryByteStream(in), "fuzz.jsonl", InputFormat::kJsonl, o);
  if (!r.ok()) return 0;
  InputRecord rec;
  for (int n = 0; n < 100000; ++n) {
    auto more = (*r)->Next(&rec);
    if (!more.ok() || !more.value()) break;
    if (rec.content.size() > o.max_record_bytes) __builtin_trap();
    if (!rec.metadata_json.empty() && (rec.metadata_json.front() != '{' || rec.metadata_json.back() != '}')) {
      __builtin_trap();
    }
  }
  return 0;
}
