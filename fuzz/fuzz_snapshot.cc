// Fuzzes the snapshot loader: any bytes give a matcher or an error. The
// seed is a valid snapshot; the CRC is recomputed on every input so the
// fuzzer reaches the structure checks behind it.
#include <unistd.h>
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "blocklists/site_list.h"
#include "core/file_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (bytes.size() >= 80 && (bytes[79] & 1)) {  // half the time, make the checksum right
    const uint32_t crc = static_cast<uint32_t>(
        crc32_z(0, reinterpret_cast<const Bytef*>(bytes.data() + 80), bytes.size() - 80));
    std::memcpy(bytes.data() + 72, &crc, 4);
  }
  static const std::string path = "/tmp/moisson_fuzz_snapshot_" + std::to_string(::getpid());
  if (!moisson::WriteFileAtomically(path, bytes).ok()) return 0;
  auto m = moisson::blocklists::LoadSnapshot(path);
  if (m.ok()) {
    (void)m->Match("https://www.example.com/a?b");
    (void)m->MatchHost("a.b.example.co.uk");
  }
  return 0;
}
