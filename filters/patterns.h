// Pattern detectors: banking.*, geo.*, id.* (SPEC §3).
//
// One pass over the text with a compiled multi-pattern set finds candidates;
// exact validators (Luhn + issuer prefixes, IBAN mod-97 + country length,
// clé RIB, NIR key, libphonenumber, inet_pton ...) run on candidates only.
// Immutable once created; Detect() may be called from any number of threads.
#ifndef MOISSON_FILTERS_PATTERNS_H_
#define MOISSON_FILTERS_PATTERNS_H_

#include <memory>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "filters/category.h"

namespace moisson::filters {

class PatternDetector {
 public:
  static Result<PatternDetector> Create();

  // Appends every banking.*, geo.* and id.* finding in `text` to *out, in no
  // particular order. Spans are UTF-8 byte offsets into `text`.
  void Detect(std::string_view text, const DocumentContext& ctx, std::vector<Detection>* out) const;

 private:
  struct Impl;
  explicit PatternDetector(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace moisson::filters

#endif  // MOISSON_FILTERS_PATTERNS_H_
