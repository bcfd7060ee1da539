// The manifests of a sharded run as `merge-summary` and a rights erase read
// them (pipeline/shards.h MergeSummaries, io/shard_manifest.h
// RefreshManifests): any bytes as DIR/manifest-00000.json beside one shard
// are refused or read, never crash, and a refresh writes a manifest that
// reads again.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "core/file_util.h"
#include "io/shard_manifest.h"
#include "pipeline/shards.h"

namespace {

std::string Dir() {
  static const std::string dir = [] {
    char tmpl[] = "/tmp/fuzz_manifest.XXXXXX";
    const char* d = ::mkdtemp(tmpl);
    if (d == nullptr) std::abort();
    return std::string(d);
  }();
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string dir = Dir();
  const std::string shard = dir + "/part-00000-00000.jsonl.zst";
  if (!moisson::WriteFileAtomically(shard, "{\"id\":\"a\",\"text\":\"b\"}\n").ok()) std::abort();
  const std::string manifest = dir + "/manifest-00000.json";
  if (!moisson::WriteFileAtomically(manifest, std::string_view(reinterpret_cast<const char*>(data), size)).ok()) {
    std::abort();
  }
  (void)moisson::pipeline::MergeSummaries(dir, true);
  if (moisson::io::RefreshManifests(shard).ok()) (void)moisson::pipeline::MergeSummaries(dir, false);
  return 0;
}
