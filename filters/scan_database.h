// A compiled Vectorscan database in block mode, and the scratch space each
// thread needs to scan with it: the one place the filters compile and scan
// (the rule pass of filters/rule_pass.h, the pattern detector's digit
// windows). Immutable once compiled; Scan() may be called from any number of
// threads at once.
//
// Every scan reads its bytes followed by 64 NUL bytes (in a copy, or in the
// caller's own string: ScanInPlace), and the ends that fall past the bytes
// are not reported. Debian 12's Vectorscan
// (5.4.9) on AVX-512 machines can miss a match in the last bytes of a
// buffer for some expressions (its nvermicelli tail bug, fixed upstream in
// 2026: VectorCamp/vectorscan pull request 378); with the padding, the last
// bytes of the buffer are never the caller's. The padding changes no match
// that ends in the bytes: the filters' expressions read nothing past a
// match's end but for \b, and NUL is not a word byte, as the end of a
// buffer is not.
//
// Scratch is per thread and per database. Each database gets a
// process-unique id (a freed database's address may be reused by the next
// one, its id never is, so a thread never scans with a scratch sized for
// another database); a thread keeps the scratch of the last few databases it
// used, cloned from the database's own.
#ifndef MOISSON_FILTERS_SCAN_DATABASE_H_
#define MOISSON_FILTERS_SCAN_DATABASE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string>
#include <vector>

#include "core/status.h"

namespace moisson::filters {

// Vectorscan's match_event_handler: return non-zero to stop the scan.
using OnMatch = int (*)(unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void* context);

class ScanDatabase {
 public:
  // Compiles expressions[i] with flags[i] (Vectorscan's HS_FLAG_* values),
  // reported as ids[i]. On a bad expression, the error says Vectorscan's
  // message and *bad_index (when given) is set to i.
  static Result<ScanDatabase> Compile(const std::vector<std::string>& expressions, const std::vector<unsigned>& flags,
                                      const std::vector<unsigned>& ids, int* bad_index = nullptr);

  // Reports every match's end in data[0, size) to on_match, in order of end.
  // False when the scan could not run (no scratch memory, more than
  // kMaxScanBytes) or was stopped by on_match.
  static constexpr std::size_t kMaxScanBytes = 0xFFFFFFFFu - 64;
  bool Scan(const char* data, std::size_t size, OnMatch on_match, void* context) const;
  // The same for the whole of *bytes, the padding appended to it for the
  // scan and removed after (no copy: the rule pass's folded view).
  bool ScanInPlace(std::string* bytes, OnMatch on_match, void* context) const;

 private:
  struct Impl;
  explicit ScanDatabase(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace moisson::filters

#endif  // MOISSON_FILTERS_SCAN_DATABASE_H_
