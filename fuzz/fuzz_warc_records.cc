// Removing records from a WARC file by target URI (io/warc_records.h, rights
// erase) on arbitrary files: never a crash; a refused file and a file with
// nothing to remove keep their bytes; a rewrite that succeeds leaves a
// smaller file that reads again with nothing more to remove, and no
// temporary file.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <unordered_set>

#include "io/warc_records.h"

namespace {

// A folder of its own for each input, removed after it (libFuzzer's exit
// runs no destructors).
struct WorkDir {
  std::string path;
  WorkDir() {
    char tmpl[] = "/tmp/fuzz_warc_records_XXXXXX";
    const char* d = ::mkdtemp(tmpl);
    if (!d) std::abort();
    path = d;
  }
  ~WorkDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::unordered_set<std::string> kUris = {"https://forum.example/u/42", "https://forum.example/u/7"};
  const std::string input(reinterpret_cast<const char*>(data), size);
  const WorkDir dir;
  const std::string path = dir.path + "/crawl-00000.warc.gz";
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << input;
    if (!out) std::abort();
  }
  auto r = moisson::io::RemoveWarcRecords(path, kUris);
  const std::string after = Slurp(path);
  if (!r.ok() || *r == 0) {
    if (after != input) __builtin_trap();
  } else {
    if (after.size() >= input.size()) __builtin_trap();
    auto again = moisson::io::RemoveWarcRecords(path, kUris);
    if (!again.ok() || *again != 0) __builtin_trap();
  }
  std::size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path)) {
    (void)e;
    ++files;
  }
  if (files != 1) __builtin_trap();  // a temporary file left behind
  return 0;
}
