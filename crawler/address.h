// Which IP addresses the crawler may connect to (SPEC §7, SSRF protection).
//
// The check runs on the address libcurl is about to connect to (its
// open-socket callback), after DNS resolution, so a public name that
// resolves to a private address, or a redirect to 127.0.0.1, is refused at
// the last moment the decision can be made, whatever the name said.
#ifndef MOISSON_CRAWLER_ADDRESS_H_
#define MOISSON_CRAWLER_ADDRESS_H_

#include <sys/socket.h>

#include <string>

namespace moisson::crawler {

// Why an address is not public, or nullptr when it is. IPv4: 0/8 "this
// network", 10/8, 172.16/12, 192.168/16 "private", 100.64/10 "shared (CGNAT)",
// 127/8 "loopback", 169.254/16 "link-local", 192.0.0/24 "IETF protocol
// assignments", 198.18/15 "benchmarking", 224/4 "multicast", 240/4 and
// 255.255.255.255 "reserved"; IPv6: :: "unspecified", ::1 "loopback",
// fc00::/7 "unique local", fe80::/10 "link-local", ff00::/8 "multicast", and
// IPv4-mapped (::ffff:0:0/96), IPv4-compatible and NAT64 (64:ff9b::/96)
// addresses judged by their IPv4 part. Other families are refused.
const char* NonPublicReason(const sockaddr* addr, socklen_t len);

// "192.0.2.1" / "2001:db8::1" for messages; "" for other families.
std::string AddressText(const sockaddr* addr, socklen_t len);

}  // namespace moisson::crawler

#endif  // MOISSON_CRAWLER_ADDRESS_H_
