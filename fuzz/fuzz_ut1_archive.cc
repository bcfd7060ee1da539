// The UT1 archive reader of `blocklist update` on arbitrary bytes (tar,
// gzip or not): it never crashes, and whatever the member names say
// ("../x", "/etc/x", links), nothing is written outside its destination.
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>

#include "blocklists/update.h"

namespace fs = std::filesystem;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::string root = [] {
    std::string t = "/tmp/fuzz_ut1_XXXXXX";
    if (::mkdtemp(t.data()) == nullptr) __builtin_trap();
    return t;
  }();
  const std::string archive = root + "/a.tar.gz";
  const std::string dest = root + "/out";
  if (std::FILE* f = std::fopen(archive.c_str(), "wb")) {
    std::fwrite(data, 1, size, f);
    std::fclose(f);
  } else {
    return 0;
  }
  (void)moisson::blocklists::ExtractUt1Archive(archive, {"adult", "dating"}, dest);
  // Only the archive and the destination folder, which holds category
  // folders of plain files.
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root, ec)) {
    const std::string n = e.path().filename().string();
    if (n != "a.tar.gz" && n != "out") __builtin_trap();
  }
  for (const auto& e : fs::recursive_directory_iterator(dest, ec)) {
    if (e.is_symlink()) __builtin_trap();
    const auto rel = fs::relative(e.path(), dest).string();
    if (rel.find("..") != std::string::npos) __builtin_trap();
  }
  fs::remove_all(dest, ec);
  return 0;
}
