// URL pieces the policy engine and the crawler agree on.
//
// Two kinds of functions live here: a strict parser for absolute http(s) URLs
// (libcurl's URL API does the RFC 3986 work), and the byte-level helpers that
// robots.txt matching needs, which must behave exactly as documented even on
// malformed input. None of them allocate more than their output.
#ifndef MOISSON_CORE_URL_H_
#define MOISSON_CORE_URL_H_

#include <string>
#include <string_view>

#include "core/status.h"

namespace moisson {

struct HttpUrl {
  std::string scheme;      // "http" or "https", lower case
  std::string host;        // lower case; IPv6 literals keep their brackets
  int port = 0;            // explicit or the scheme's default
  std::string path_query;  // path (at least "/") plus "?query" when present; no fragment

  // "scheme://host[:port]", the port omitted when it is the default. This is
  // the authority robots.txt, ai.txt and tdmrep.json apply to.
  std::string Origin() const;
};

// Parses an absolute http:// or https:// URL. Anything else (relative URLs,
// other schemes, no host, spaces) is an InvalidArgument naming the URL.
Result<HttpUrl> ParseHttpUrl(std::string_view url);

// The path, params and query of `url` as google/robotstxt extracts them
// (GetPathParamsQuery): everything from the first '/', '?' or ';' after the
// authority up to '#', "/" when there is none, a '/' prepended when the result
// would start with '?' or ';'. Accepts relative and malformed input.
std::string PathParamsQuery(std::string_view url);

// RFC 3986 character classes, shared by URL normalisation and robots.txt
// pattern compilation. Unreserved: ALPHA DIGIT - . _ ~. Must be encoded:
// controls, space, octets >= 0x7F and " < > \ ^ ` { | }.
bool IsUnreservedChar(unsigned char c);
bool MustPercentEncode(unsigned char c);

// RFC 3986 section 6.2.2 normalisation of a path+query for comparison:
// "%xx" of an unreserved character (ALPHA DIGIT - . _ ~) is decoded, and so are
// "%2A" and "%24" because '*' and '$' have no delimiting role in a path; other
// "%xx" are upper-cased; octets >= 0x80, controls, space and " < > \ ^ ` { | }
// are percent-encoded. A '%' not followed by two hex digits becomes "%25".
// Idempotent: Normalise(Normalise(x)) == Normalise(x).
std::string NormalisePercentEncoding(std::string_view path);

}  // namespace moisson

#endif  // MOISSON_CORE_URL_H_
