#include "crawler/url_norm.h"

#include <algorithm>

#include <curl/curl.h>

#include <memory>
#include <vector>

#include "blocklists/host.h"
#include "core/strings.h"
#include "core/url.h"

namespace moisson::crawler {
namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
using CurlUrl = std::unique_ptr<CURLU, CurlUrlDeleter>;

struct CurlFree {
  void operator()(char* p) const { curl_free(p); }
};

// Reads one part of a parsed URL; false when the part is absent.
bool GetPart(CURLU* u, CURLUPart part, std::string* out) {
  char* raw = nullptr;
  if (curl_url_get(u, part, &raw, 0) != CURLUE_OK || raw == nullptr) return false;
  std::unique_ptr<char, CurlFree> holder(raw);
  *out = raw;
  return true;
}

Status TooLong() {
  return Status::InvalidArgument("URL longer than " + std::to_string(kMaxUrlBytes) + " bytes");
}

// WHATWG's C0 control or space, the set the basic URL parser strips.
bool IsC0OrSpace(char c) { return static_cast<unsigned char>(c) <= 0x20; }

// Stripping and cleaning that happen before any parsing: outer C0/space
// stripped, tab/CR/LF removed, the fragment cut, '\' before the query read as
// '/', and the remaining controls, space and DEL percent-encoded (libcurl
// refuses them raw; encoded here a space becomes %20, as a browser sends it,
// rather than libcurl's '+' in a query).
std::string Prepare(std::string_view in) {
  while (!in.empty() && IsC0OrSpace(in.front())) in.remove_prefix(1);
  while (!in.empty() && IsC0OrSpace(in.back())) in.remove_suffix(1);
  std::string out;
  out.reserve(in.size());
  bool in_query = false;
  for (const char ch : in) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '\t' || c == '\n' || c == '\r') continue;
    if (c == '#') break;
    if (c == '?') in_query = true;
    if (c == '\\' && !in_query) {
      out.push_back('/');
    } else if (c <= 0x20 || c == 0x7F) {
      out.push_back('%');
      out.push_back(kHexUpper[c >> 4]);
      out.push_back(kHexUpper[c & 15]);
    } else {
      out.push_back(ch);
    }
  }
  return out;
}

// RFC 3986 scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":". On a match
// sets *scheme (lower case) and *rest (what follows the ':').
bool SplitScheme(std::string_view s, std::string* scheme, std::string_view* rest) {
  if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'))) return false;
  for (std::size_t i = 1; i < s.size(); ++i) {
    const char c = s[i];
    if (c == ':') {
      *scheme = AsciiLower(s.substr(0, i));
      *rest = s.substr(i + 1);
      return true;
    }
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return false;
}

bool IsHttpScheme(std::string_view scheme) { return scheme == "http" || scheme == "https"; }

Status UnsupportedScheme(std::string_view scheme) {
  // A scheme is made of [a-z0-9+-.] only; it names no one.
  return Status::InvalidArgument("unsupported URL scheme '" + ClipForMessage(scheme, 32) +
                                 "': only http and https are crawled");
}

std::string_view StripLeadingSlashes(std::string_view s) {
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  return s;
}

// "scheme:" + any number of slashes + authority: WHATWG's "special authority
// ignore slashes" reading for http and https.
std::string AbsoluteFrom(std::string_view scheme, std::string_view rest) {
  std::string out(scheme);
  out += "://";
  out += StripLeadingSlashes(rest);
  return out;
}

// RFC 3986 section 5.2.4 on an absolute path (starts with '/'), by segments:
// "." is dropped, ".." drops the segment before it, and a path ending in
// "." or ".." keeps a trailing '/'. Empty segments ("//") are kept.
std::string RemoveDotSegments(std::string_view path) {
  std::vector<std::string_view> segs;
  bool trailing_slash = false;
  std::string_view rest = path.substr(1);
  while (true) {
    const std::size_t slash = rest.find('/');
    const std::string_view seg = rest.substr(0, slash);
    const bool last = slash == std::string_view::npos;
    trailing_slash = false;
    if (seg == ".") {
      trailing_slash = last;
    } else if (seg == "..") {
      if (!segs.empty()) segs.pop_back();
      trailing_slash = last;
    } else {
      segs.push_back(seg);
    }
    if (last) break;
    rest.remove_prefix(slash + 1);
  }
  std::string out = "/";
  for (std::size_t i = 0; i < segs.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(segs[i]);
  }
  if (trailing_slash && !segs.empty()) out.push_back('/');
  return out;
}

// The host in the one normal form of blocklists/host.h (lower case, IDN
// labels as A-labels, no trailing dot, canonical IP literals), so that the
// crawler's URLs and every list meet; refuses anything that is not a
// plausible DNS name or IP literal.
Status NormaliseHost(std::string* host) {
  if (host->empty()) return Status::InvalidArgument("URL has no host");
  // A URL keeps the root label's dot as written ("example.com." is another
  // origin to a browser and to a server's virtual hosts); lists drop it.
  const bool root_dot = host->size() > 1 && host->back() == '.' && host->front() != '[';
  auto normal = blocklists::NormaliseHost(*host);
  if (!normal.ok()) return Status::InvalidArgument("URL has an invalid host (" + normal.status().message() + ")");
  *host = std::move(normal).value();
  if (root_dot && !blocklists::IsIpLiteral(*host)) host->push_back('.');
  return Status::Ok();
}

// Builds the normalised URL from what libcurl parsed.
Result<std::string> Assemble(CURLU* u) {
  std::string scheme;
  if (!GetPart(u, CURLUPART_SCHEME, &scheme)) return Status::InvalidArgument("URL has no scheme");
  scheme = AsciiLower(scheme);
  if (!IsHttpScheme(scheme)) return UnsupportedScheme(scheme);
  std::string ignored;
  if (GetPart(u, CURLUPART_USER, &ignored) || GetPart(u, CURLUPART_PASSWORD, &ignored)) {
    return Status::InvalidArgument(
        "URL carries credentials (user@ or user:password@); they are never sent");
  }
  if (GetPart(u, CURLUPART_ZONEID, &ignored)) {
    return Status::InvalidArgument("URL has an IPv6 zone identifier");
  }
  std::string host;
  if (!GetPart(u, CURLUPART_HOST, &host)) return Status::InvalidArgument("URL has no host");
  if (Status s = NormaliseHost(&host); !s.ok()) return s;

  std::string out = scheme + "://" + host;
  std::string port;
  if (GetPart(u, CURLUPART_PORT, &port)) {
    const bool is_default =
        (scheme == "http" && port == "80") || (scheme == "https" && port == "443");
    if (!is_default) out += ":" + port;
  }
  std::string path;
  if (!GetPart(u, CURLUPART_PATH, &path) || path.empty()) path = "/";
  if (path.front() != '/') path.insert(path.begin(), '/');
  out += RemoveDotSegments(NormalisePercentEncoding(path));
  std::string query;
  if (GetPart(u, CURLUPART_QUERY, &query) && !query.empty()) {
    out += "?";
    out += NormalisePercentEncoding(query);
  }
  if (out.size() > kMaxUrlBytes) return TooLong();
  return out;
}

Result<std::string> ParseAndAssembleOnce(const std::string& absolute) {
  CurlUrl u(curl_url());
  if (!u) return Status::Internal("libcurl: out of memory");
  if (curl_url_set(u.get(), CURLUPART_URL, absolute.c_str(), 0) != CURLUE_OK) {
    return Status::InvalidArgument("unparsable URL");
  }
  return Assemble(u.get());
}

// One pass can leave a host that libcurl canonicalises when it reads it
// again: "%38" decodes to "8", which a second reading turns into the IPv4
// address "0.0.0.8"; an IDN host may spell an IPv4 address in full-width
// digits. So a result that differs from its input is read once more, which
// makes NormaliseUrl idempotent (the host is then plain [a-z0-9-._] or an IP
// literal, which libcurl leaves as it is).
Result<std::string> Settle(Result<std::string> first, std::string_view input) {
  if (!first.ok() || *first == input) return first;
  return ParseAndAssembleOnce(*first);
}

Result<std::string> ParseAndAssemble(const std::string& absolute) {
  return Settle(ParseAndAssembleOnce(absolute), absolute);
}

}  // namespace

Result<std::string> NormaliseUrl(std::string_view url) {
  if (url.size() > kMaxUrlBytes) return TooLong();
  const std::string s = Prepare(url);
  std::string scheme;
  std::string_view rest;
  if (!SplitScheme(s, &scheme, &rest)) return Status::InvalidArgument("not an absolute URL");
  if (!IsHttpScheme(scheme)) return UnsupportedScheme(scheme);
  return ParseAndAssemble(AbsoluteFrom(scheme, rest));
}

namespace {

// "/seg/seg.html": '/' then unreserved characters and slashes, no "//" at the
// start (that is a network path), no "." or ".." segment.
bool IsPlainAbsolutePath(std::string_view r) {
  if (r.empty() || r[0] != '/' || (r.size() > 1 && r[1] == '/')) return false;
  for (char c : r) {
    if (!(c == '/' || IsUnreservedChar(static_cast<unsigned char>(c)))) return false;
  }
  std::size_t seg = 0;  // start of the current segment
  for (std::size_t i = 0; i <= r.size(); ++i) {
    if (i == r.size() || r[i] == '/') {
      const std::string_view s = r.substr(seg, i - seg);
      if (s == "." || s == "..") return false;
      seg = i + 1;
    }
  }
  return true;
}

Result<std::string> ResolveNormalised(const std::string& b, std::string_view ref);

}  // namespace

UrlResolver::UrlResolver(std::string_view base) : base_(NormaliseUrl(base)) {
  if (base_.ok()) {
    const std::size_t authority = base_->find("://");
    origin_end_ = authority == std::string::npos ? 0 : base_->find('/', authority + 3);
    if (origin_end_ == std::string::npos) origin_end_ = base_->size();
  }
}

Result<std::string> UrlResolver::Resolve(std::string_view ref) const {
  if (!base_.ok()) return Status::InvalidArgument("base " + base_.status().message());
  if (ref.size() <= kMaxUrlBytes && origin_end_ > 0 && IsPlainAbsolutePath(ref) &&
      origin_end_ + ref.size() <= kMaxUrlBytes) {
    std::string out;
    out.reserve(origin_end_ + ref.size());
    out.append(*base_, 0, origin_end_).append(ref);
    return out;
  }
  return ResolveNormalised(*base_, ref);
}

std::string WithoutCredentials(std::string_view ref) {
  std::size_t start = ref.find("//");
  if (start == std::string_view::npos) return "";
  const std::size_t scheme_end = ref.find(':');
  // "//" opens the authority only at the start or right after "scheme:".
  if (start != 0 && (scheme_end == std::string_view::npos || scheme_end + 1 != start)) return "";
  start += 2;
  const std::size_t end = std::min(ref.find_first_of("/?#\\", start), ref.size());
  const std::size_t at = ref.substr(start, end - start).rfind('@');
  if (at == std::string_view::npos) return "";
  std::string out(ref.substr(0, start));
  out.append(ref.substr(start + at + 1));
  return out;
}

std::string LocationSignal(std::string_view location) {
  if (location.empty()) return "no Location";
  const std::string bare = WithoutCredentials(location);
  return "Location: " + (bare.empty() ? std::string(location) : bare);
}

Result<std::string> ResolveUrl(std::string_view base, std::string_view ref) {
  return UrlResolver(base).Resolve(ref);
}

namespace internal {
Result<std::string> ResolveUrlSlow(std::string_view base, std::string_view ref) {
  Result<std::string> b = NormaliseUrl(base);
  if (!b.ok()) return Status::InvalidArgument("base " + b.status().message());
  return ResolveNormalised(*b, ref);
}
}  // namespace internal

namespace {

Result<std::string> ResolveNormalised(const std::string& base, std::string_view ref) {
  const std::string* b = &base;
  if (ref.size() > kMaxUrlBytes) return TooLong();
  std::string r = Prepare(ref);
  std::string scheme;
  std::string_view rest;
  if (SplitScheme(r, &scheme, &rest)) {
    if (!IsHttpScheme(scheme)) return UnsupportedScheme(scheme);
    const std::string base_scheme = b->substr(0, b->find(':'));
    if (scheme == base_scheme && rest.substr(0, 2) != "//") {
      r = std::string(rest);  // "http:g" against an http base is "g"
    } else {
      return ParseAndAssemble(AbsoluteFrom(scheme, rest));
    }
  } else if (r.size() >= 2 && r[0] == '/' && r[1] == '/') {
    r = "//" + std::string(StripLeadingSlashes(r));  // "///host/x" is "//host/x"
  }
  // libcurl 7.88 resolves "" (and "#f", whose fragment Prepare cut) to the
  // base's directory; RFC 3986 5.2.2 says the base itself.
  if (r.empty()) return base;
  CurlUrl u(curl_url());
  if (!u) return Status::Internal("libcurl: out of memory");
  if (curl_url_set(u.get(), CURLUPART_URL, b->c_str(), 0) != CURLUE_OK ||
      curl_url_set(u.get(), CURLUPART_URL, r.c_str(), 0) != CURLUE_OK) {
    return Status::InvalidArgument("unparsable URL");
  }
  return Settle(Assemble(u.get()), {});  // always read once more
}

}  // namespace

}  // namespace moisson::crawler
