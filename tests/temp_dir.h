// A folder under /tmp for one test, removed with all it holds when the
// TempDir goes out of scope. Shared by the test files that write files.
#ifndef MOISSON_TESTS_TEMP_DIR_H_
#define MOISSON_TESTS_TEMP_DIR_H_

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace moisson::test {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/moisson_test_XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) std::abort();  // no test can run without it
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

}  // namespace moisson::test

#endif  // MOISSON_TESTS_TEMP_DIR_H_
