// The WARC reader on arbitrary bytes, with format sniffing and the HTTP,
// chunked and gzip body decoders behind it.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "io/reader_internal.h"

using namespace moisson::io;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  ReaderOptions o;
  o.max_record_bytes = 1 << 16;
  auto r = OpenReaderFromStream(MemoryByteStream(in), "fuzz.warc", InputFormat::kWarc, o);
  if (!r.ok()) return 0;
  InputRecord rec;
  for (int n = 0; n < 100000; ++n) {
    auto more = (*r)->Next(&rec);
    if (!more.ok() || !more.value()) break;
    if (rec.content.size() > o.max_record_bytes) __builtin_trap();
  }
  // The same bytes sniffed (WARC, JSONL or neither).
  auto s = OpenReaderFromStream(MemoryByteStream(in), "fuzz", std::nullopt, o);
  if (s.ok()) {
    for (int n = 0; n < 100000; ++n) {
      auto more = (*s)->Next(&rec);
      if (!more.ok() || !more.value()) break;
    }
  }
  return 0;
}
