// The site-policy store on arbitrary bytes: a WARC of captures imported
// (any status, redirects and their targets) and compiled; a Location
// resolved; an ISO 8601 time read and written back.
//
// Input: a first line read as a time, the rest as a WARC file.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "core/time_util.h"
#include "core/url.h"
#include "policy/policy.h"
#include "sites/policies.h"
#include "sites/store.h"

using namespace moisson;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = in.find('\n');
  const std::string_view first = in.substr(0, nl);
  const std::string_view rest = nl == std::string_view::npos ? std::string_view() : in.substr(nl + 1);

  // A time read back from what it writes is the same time.
  if (const auto t = ParseIso8601(first); t && *t >= 0 && *t < 253402300800) {  // years 1970-9999
    if (ParseIso8601(Iso8601FromUnix(*t)) != *t) __builtin_trap();
  }
  // A resolved Location is a URL with an origin and a path.
  if (const auto target = sites::RedirectTarget("https://a.example", "/dir/robots.txt", first)) {
    if (!ParseHttpUrl(target->first + target->second).ok()) __builtin_trap();
  }

  static const std::string path = "/tmp/fuzz_sites_" + std::to_string(::getpid()) + ".warc";
  if (std::FILE* f = std::fopen(path.c_str(), "wb")) {
    std::fwrite(rest.data(), 1, rest.size(), f);
    std::fclose(f);
  } else {
    return 0;
  }
  auto store = sites::SiteStore::Open(":memory:", sites::SiteStore::kCreate);
  if (!store.ok()) __builtin_trap();
  auto n = sites::ImportWarc(**store, path, nullptr);
  if (n.ok()) {
    static const Config config;
    static const policy::PolicyEngine engine(config);
    auto compiled = sites::SitePolicies::Load(std::shared_ptr<sites::SiteStore>(std::move(*store)), engine);
    if (!compiled.ok()) __builtin_trap();
    for (const char* origin : {"https://a.example", "http://a.example", "https://b.example"}) {
      const auto c = compiled->For(origin, ParseIso8601(first));
      if (c.known && (!c.nearest || !c.latest)) __builtin_trap();
      if (c.known) (void)engine.Decide(*c.nearest, std::string(origin) + "/x/y?z", policy::PageSignals{});
    }
  }
  return 0;
}
