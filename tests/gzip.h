// gzip-compressed bytes of `s` (zlib, one member), for tests that write
// compressed inputs. Shared by the test files that need it.
#ifndef MOISSON_TESTS_GZIP_H_
#define MOISSON_TESTS_GZIP_H_

#include <zlib.h>

#include <string>

namespace moisson::test {

inline std::string Gzip(const std::string& s) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(compressBound(s.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
  z.avail_in = static_cast<uInt>(s.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace moisson::test

#endif  // MOISSON_TESTS_GZIP_H_
