// Fuzzes the site-list readers (domains, hosts, urls, expressions), the host
// normaliser and the matcher built from whatever they accepted.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "blocklists/host.h"
#include "blocklists/site_list.h"
#include "core/file_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace moisson::blocklists;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto h = NormaliseHost(in); h.ok()) {
    auto again = NormaliseHost(h.value());  // the normal form is a fixed point
    if (!again.ok() || again.value() != h.value()) __builtin_trap();
  }
  static const std::string path = "/tmp/moisson_fuzz_lists_" + std::to_string(::getpid());
  if (!moisson::WriteFileAtomically(path, in).ok()) return 0;
  SiteListBuilder b;
  ListLoadReport r;
  (void)b.AddDomainsFile("d", path, false, &r);
  (void)b.AddHostsFile("h", path, false, &r);
  (void)b.AddUrlsFile("u", path, false, &r);
  (void)b.AddExpressionsFile("e", path, false, &r);
  b.SetWhite("h", true);
  auto m = std::move(b).Build();
  if (m.ok()) {
    for (std::string_view url : {"https://www.example.com/a/b?c", "http://[::1]/x", "https://xn--fa-hia.de/"}) {
      (void)m->Match(url);
    }
  }
  return 0;
}
