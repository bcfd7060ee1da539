// Host names as every list and every lookup must see them.
//
// One normal form for list entries and for the hosts of URLs being checked,
// so that "WWW.Exemple.FR.", "www.exemple.fr" and "xn--..." spellings of one
// host meet: ASCII lower case, IDN labels as A-labels (libidn2, UTS #46
// non-transitional, NFC input, no STD3 rules since those silently drop '_';
// transitional for names IDNA 2008 disallows, as libcurl does),
// no trailing dot, IPv4 in dotted-quad form, IPv6 in brackets in RFC 5952
// form. The crawler's URL normalisation (crawler/url_norm.h) uses the same
// function, so a URL's host and a list's entry are read alike. Pure
// functions, thread-safe.
#ifndef MOISSON_BLOCKLISTS_HOST_H_
#define MOISSON_BLOCKLISTS_HOST_H_

#include <string>
#include <string_view>

#include "core/status.h"
#include "core/url.h"

namespace moisson::blocklists {

// Normalises `host` (no scheme, no port, no path). Errors say what is wrong
// with it without quoting it.
Result<std::string> NormaliseHost(std::string_view host);

// An absolute http(s) URL as the site lists and the opt-out registry read it:
// parsed once, its host in the normal form above. `text` views the caller's
// string, which must outlive it.
struct SiteUrl {
  std::string_view text;  // the URL as given
  HttpUrl parsed;
  std::string host;       // NormaliseHost(parsed.host)
};
// Errors say what is wrong without quoting the URL (its query may carry an identifier).
Result<SiteUrl> ParseSiteUrl(std::string_view url);

// True for "1.2.3.4" and "[::1]" forms (after NormaliseHost).
bool IsIpLiteral(std::string_view normalised_host);

// The site a normalised host belongs to: its registrable domain under the
// Public Suffix List (libpsl with Debian's publicsuffix data, else libpsl's
// built-in copy). IP literals, and hosts that are themselves public
// suffixes, are their own site. Used to group hosts in reports and to scope
// opt-outs, never to decide a blocklist match.
std::string SiteOf(std::string_view normalised_host);

}  // namespace moisson::blocklists

#endif  // MOISSON_BLOCKLISTS_HOST_H_
