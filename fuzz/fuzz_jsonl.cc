// The JSONL reader on arbitrary bytes (plain, or gzip/zstd when the bytes
// start with their magic): every record and issue is produced without a
// crash, and issues never quote the input.
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
  }
  return 0;
}
