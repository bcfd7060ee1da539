// Fuzzes URL resolution and normalisation (crawler/url_norm.h) and the
// seen-set. The first line of the input is the base URL, the rest the
// reference; the whole input is also normalised as one URL. Checks that every
// result is short, printable ASCII without a fragment, accepted by core's
// strict parser, and a fixed point of NormaliseUrl.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/url.h"
#include "crawler/seen_set.h"
#include "crawler/url_norm.h"

namespace {

void CheckResult(const moisson::Result<std::string>& r) {
  if (!r.ok()) {
    if (r.status().code() != moisson::Status::Code::kInvalidArgument) __builtin_trap();
    return;
  }
  const std::string& url = *r;
  if (url.size() > moisson::crawler::kMaxUrlBytes) __builtin_trap();
  for (const char c : url) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7F || c == '#') __builtin_trap();
  }
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) __builtin_trap();
  const auto again = moisson::crawler::NormaliseUrl(url);
  if (!again.ok() || *again != url) __builtin_trap();
  if (!moisson::ParseHttpUrl(url).ok()) __builtin_trap();
  const auto self = moisson::crawler::ResolveUrl(url, "");
  if (!self.ok() || *self != url) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const size_t nl = in.find('\n');
  const std::string_view base =
      nl == std::string_view::npos ? std::string_view("http://a/b/c/d;p?q") : in.substr(0, nl);
  const std::string_view ref = nl == std::string_view::npos ? in : in.substr(nl + 1);

  const auto whole = moisson::crawler::NormaliseUrl(in);
  CheckResult(whole);
  const auto resolved = moisson::crawler::ResolveUrl(base, ref);
  CheckResult(resolved);
  // UrlResolver's shortcut gives what the full resolution gives.
  const auto slow = moisson::crawler::internal::ResolveUrlSlow(base, ref);
  if (slow.ok() != resolved.ok() || (slow.ok() && *slow != *resolved)) __builtin_trap();

  moisson::crawler::SeenSet seen(1);
  for (const auto* r : {&whole, &resolved}) {
    if (!r->ok()) continue;
    seen.Insert(**r);
    if (!seen.Contains(**r) || seen.Insert(**r)) __builtin_trap();
  }
  return 0;
}
