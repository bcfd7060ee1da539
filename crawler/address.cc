#include "crawler/address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <cstring>

namespace moisson::crawler {
namespace {

const char* V4Reason(std::uint32_t a) {  // host byte order
  auto in = [a](std::uint32_t net, int bits) {
    const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
    return (a & mask) == net;
  };
  if (in(0x00000000, 8)) return "this network (0.0.0.0/8)";
  if (in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16)) return "private";
  if (in(0x64400000, 10)) return "shared address space (100.64.0.0/10)";
  if (in(0x7F000000, 8)) return "loopback";
  if (in(0xA9FE0000, 16)) return "link-local";
  if (in(0xC0000000, 24)) return "IETF protocol assignments (192.0.0.0/24)";
  if (in(0xC6120000, 15)) return "benchmarking (198.18.0.0/15)";
  if (in(0xE0000000, 4)) return "multicast";
  if (in(0xF0000000, 4)) return "reserved";
  return nullptr;
}

}  // namespace

const char* NonPublicReason(const sockaddr* addr, socklen_t len) {
  if (addr == nullptr) return "no address";
  if (addr->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(addr);
    return V4Reason(ntohl(v4->sin_addr.s_addr));
  }
  if (addr->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(addr);
    const unsigned char* b = v6->sin6_addr.s6_addr;
    static constexpr unsigned char kZero[16] = {};
    const bool first10_zero = std::memcmp(b, kZero, 10) == 0;
    auto v4_at_12 = [b] {
      return (std::uint32_t{b[12]} << 24) | (std::uint32_t{b[13]} << 16) | (std::uint32_t{b[14]} << 8) | b[15];
    };
    if (std::memcmp(b, kZero, 16) == 0) return "unspecified";
    if (std::memcmp(b, kZero, 15) == 0 && b[15] == 1) return "loopback";
    if (first10_zero && b[10] == 0xFF && b[11] == 0xFF) return V4Reason(v4_at_12());  // ::ffff:a.b.c.d
    if (first10_zero && b[10] == 0 && b[11] == 0) return V4Reason(v4_at_12());        // ::a.b.c.d
    static constexpr unsigned char kNat64[12] = {0x00, 0x64, 0xFF, 0x9B};
    if (std::memcmp(b, kNat64, 12) == 0) return V4Reason(v4_at_12());
    if ((b[0] & 0xFE) == 0xFC) return "unique local";
    if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return "link-local";
    if (b[0] == 0xFF) return "multicast";
    return nullptr;
  }
  return "not an IP address";
}

std::string AddressText(const sockaddr* addr, socklen_t len) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (addr == nullptr) return "";
  if (addr->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, buf, sizeof buf);
  } else if (addr->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, buf, sizeof buf);
  }
  return buf;
}

}  // namespace moisson::crawler
