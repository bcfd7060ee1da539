#include "blocklists/host.h"

#include <arpa/inet.h>
#include <idn2.h>
#include <libpsl.h>

#include <cstdlib>

namespace moisson::blocklists {

bool IsIpLiteral(std::string_view h) {
  if (!h.empty() && h.front() == '[') return true;
  // Per-lookup path: no allocation, and inet_pton only for digits and dots.
  if (h.empty() || h.size() > 15) return false;
  for (const char c : h) {
    if ((c < '0' || c > '9') && c != '.') return false;
  }
  char buf[16];
  h.copy(buf, h.size());
  buf[h.size()] = '\0';
  in_addr a4;
  return inet_pton(AF_INET, buf, &a4) == 1;
}

std::string SiteOf(std::string_view host) {
  if (host.empty() || IsIpLiteral(host)) return std::string(host);
  // Loaded once; libpsl contexts are read-only and safe to share.
  static const psl_ctx_t* const psl = [] {
    const psl_ctx_t* latest = psl_latest(nullptr);
    return latest != nullptr ? latest : psl_builtin();
  }();
  const std::string h(host);
  const char* reg = psl_registrable_domain(psl, h.c_str());
  return reg != nullptr ? std::string(reg) : h;
}

Result<SiteUrl> ParseSiteUrl(std::string_view url) {
  auto parsed = ParseHttpUrl(url);
  if (!parsed.ok()) return Status::InvalidArgument("not an absolute http(s) URL");
  auto host = NormaliseHost(parsed->host);
  if (!host.ok()) return host.status();
  return SiteUrl{url, std::move(parsed).value(), std::move(host).value()};
}

Result<std::string> NormaliseHost(std::string_view host) {
  while (!host.empty() && (host.front() == ' ' || host.front() == '\t')) host.remove_prefix(1);
  while (!host.empty() && (host.back() == ' ' || host.back() == '\t' || host.back() == '\r')) host.remove_suffix(1);
  if (host.empty()) return Status::InvalidArgument("empty host");
  if (host.size() > 1024) return Status::InvalidArgument("host longer than 1024 bytes");

  // IP literals: one canonical spelling each.
  if (host.front() == '[') {
    if (host.back() != ']') return Status::InvalidArgument("unterminated IPv6 literal");
    const std::string inner(host.substr(1, host.size() - 2));
    in6_addr a6;
    if (inet_pton(AF_INET6, inner.c_str(), &a6) != 1) return Status::InvalidArgument("invalid IPv6 literal");
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &a6, buf, sizeof buf);
    return "[" + std::string(buf) + "]";
  }
  {
    const std::string s(host);
    in_addr a4;
    if (inet_pton(AF_INET, s.c_str(), &a4) == 1) {
      char buf[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &a4, buf, sizeof buf);
      return std::string(buf);
    }
    in6_addr a6;
    if (inet_pton(AF_INET6, s.c_str(), &a6) == 1) {  // bare IPv6 as hosts files write it
      char buf[INET6_ADDRSTRLEN];
      inet_ntop(AF_INET6, &a6, buf, sizeof buf);
      return "[" + std::string(buf) + "]";
    }
  }

  if (host.back() == '.') host.remove_suffix(1);  // the root label
  if (host.empty()) return Status::InvalidArgument("host is only a dot");
  bool ascii = true;
  for (const char c : host) {
    if (static_cast<unsigned char>(c) >= 0x80) ascii = false;
  }
  std::string out;
  if (ascii) {
    out.assign(host);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
  } else {
    char* a = nullptr;
    const std::string in(host);
    int rc = idn2_to_ascii_8z(in.c_str(), &a, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    if (rc == IDN2_DISALLOWED) {
      // Names IDNA 2008 disallows, in the transitional mapping (as libcurl
      // and browsers resolve them).
      if (a != nullptr) idn2_free(a);
      a = nullptr;
      rc = idn2_to_ascii_8z(in.c_str(), &a, IDN2_TRANSITIONAL | IDN2_NFC_INPUT);
    }
    if (rc != IDN2_OK || a == nullptr) {
      if (a != nullptr) idn2_free(a);
      return Status::InvalidArgument(std::string("invalid internationalised host: ") + idn2_strerror(rc));
    }
    out = a;
    idn2_free(a);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (!out.empty() && out.back() == '.') out.pop_back();  // an ideographic full stop at the end
  }
  if (out.size() > 253) return Status::InvalidArgument("host longer than 253 bytes");
  std::size_t label = 0;
  for (std::size_t i = 0; i <= out.size(); ++i) {
    if (i == out.size() || out[i] == '.') {
      if (label == 0) return Status::InvalidArgument("empty label");
      if (label > 63) return Status::InvalidArgument("label longer than 63 bytes");
      label = 0;
      continue;
    }
    const char c = out[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return Status::InvalidArgument("character not allowed in a host name");
    ++label;
  }
  return out;
}

}  // namespace moisson::blocklists
