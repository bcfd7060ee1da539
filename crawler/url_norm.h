// URL normalisation for the crawler's seen-set and fetch queue.
//
// Two URLs that a server cannot tell apart must become one string before the
// seen-set sees them, or the crawler fetches the same page twice (and counts
// it twice against a site's crawl budget). The rules are RFC 3986 section 6.2.2
// (syntax-based normalisation) plus the parts of the WHATWG URL standard that
// describe how browsers read an href, so that the crawler requests what a
// browser would request:
//
//   - leading and trailing C0 controls and spaces are stripped, and tab, CR and
//     LF removed anywhere (WHATWG "basic URL parser");
//   - '\' before the query is read as '/' (WHATWG, for http and https);
//   - "http:foo" relative to an http base is the relative reference "foo", and
//     "http:/x", "http:///x" name the host x (WHATWG special schemes;
//     RFC 3986 section 5.4.2 allows either reading);
//   - the scheme is lower-cased; the host takes the one normal form of
//     blocklists/host.h, the lists' own (lower case; an IDN host in punycode,
//     IDNA 2008 with UTS #46 mapping, transitional as a fallback as curl
//     does; IPv4 and IPv6 literals canonical), so that a URL and a list
//     entry for one host always meet; a root label's dot ("example.com.")
//     is kept as written (another origin to browsers), lists ignore it;
//   - the port is dropped when it is the scheme's default (80, 443);
//   - the path and query are passed through moisson::NormalisePercentEncoding
//     (unreserved octets decoded, other escapes upper-cased, bytes that must
//     be encoded encoded), then dot segments are removed (RFC 3986 5.2.4), so
//     "%2E%2E" is a dot segment as it is for browsers;
//   - the empty path becomes "/", an empty query ("?" alone) is dropped, the
//     fragment is dropped.
//
// Refused with InvalidArgument: schemes other than http and https (mailto:,
// javascript:, data:, ftp:...), an empty or malformed host (a host may hold
// only letters, digits, '-', '.', '_' once in punycode, in labels of 1 to 63
// bytes, at most 253 in all, or be an IP literal),
// IPv6 zone identifiers, userinfo (credentials are never sent, and a URL that
// carries them is not one the crawler may follow), input or output longer than
// kMaxUrlBytes, and anything libcurl cannot parse. Error messages name at most
// the scheme, never a host, path or query: those may identify a person.
//
// Thread-safe: no shared state.
#ifndef MOISSON_CRAWLER_URL_NORM_H_
#define MOISSON_CRAWLER_URL_NORM_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace moisson::crawler {

// Longest URL accepted, as input (base or ref) and as output: 8 KiB, the
// request-line limit of common servers.
inline constexpr std::size_t kMaxUrlBytes = 8192;

// Resolves `ref` (absolute or relative, as found in an href or a Location
// header) against the absolute http(s) URL `base` (RFC 3986 section 5, by
// libcurl) and returns the normalised absolute URL. `base` is normalised first
// and must itself be acceptable to NormaliseUrl. An empty ref, or one that is
// only a fragment, is the base itself.
Result<std::string> ResolveUrl(std::string_view base, std::string_view ref);

// ResolveUrl for many refs against one base (a page's links): the base is
// normalised once, and the commonest link, an absolute path of unreserved
// characters without dot segments ("/p/012/00123.html"), is joined to the
// base's origin without a parse, which gives the same string (the tests and
// fuzz_url_norm compare both ways).
class UrlResolver {
 public:
  explicit UrlResolver(std::string_view base);
  Result<std::string> Resolve(std::string_view ref) const;

 private:
  Result<std::string> base_;
  std::size_t origin_end_ = 0;  // base_->substr(0, origin_end_) is "scheme://host[:port]"
};

namespace internal {
// ResolveUrl without UrlResolver's shortcut (tests and fuzzing compare them).
Result<std::string> ResolveUrlSlow(std::string_view base, std::string_view ref);
}  // namespace internal

// `ref` (absolute, or scheme-relative "//user:pw@host/...") without the
// userinfo of its authority ("user@", "user:password@"), or "" when it has
// none: what a link or Location that NormaliseUrl refuses for its
// credentials pointed to, for the ledger, which never holds the credentials.
std::string WithoutCredentials(std::string_view ref);

// A redirect's Location as the ledger records it: "Location: TARGET" without
// any credentials in TARGET, or "no Location".
std::string LocationSignal(std::string_view location);

// Normalises an absolute http(s) URL as described above. Idempotent:
// NormaliseUrl(*NormaliseUrl(u)) == *NormaliseUrl(u), and every result is
// accepted by moisson::ParseHttpUrl.
Result<std::string> NormaliseUrl(std::string_view url);

}  // namespace moisson::crawler

#endif  // MOISSON_CRAWLER_URL_NORM_H_
