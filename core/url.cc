#include "core/url.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>

#include "core/strings.h"

namespace moisson {
namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};
struct CurlFree {
  void operator()(char* p) const { curl_free(p); }
};

}  // namespace

bool IsUnreservedChar(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

bool MustPercentEncode(unsigned char c) {
  if (c < 0x21 || c >= 0x7F) return true;
  switch (c) {
    case '"': case '<': case '>': case '\\': case '^': case '`': case '{': case '|': case '}':
      return true;
    default:
      return false;
  }
}

std::string HttpUrl::Origin() const {
  std::string o = scheme + "://" + host;
  const int default_port = scheme == "https" ? 443 : 80;
  if (port != default_port) o += ":" + std::to_string(port);
  return o;
}

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  // Messages show at most the scheme and authority: a path or query may
  // carry a personal identifier.
  std::string_view head = url.substr(0, std::min<std::size_t>(url.size(), 100));
  if (const auto q = head.find_first_of("?#"); q != std::string_view::npos) head = head.substr(0, q);
  if (const auto scheme_end = head.find("://"); scheme_end != std::string_view::npos) {
    if (const auto slash = head.find('/', scheme_end + 3); slash != std::string_view::npos) head = head.substr(0, slash + 1);
  }
  const std::string shown = std::string(head) + (head.size() < url.size() ? "..." : "");
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7F) {
      return Status::InvalidArgument("invalid URL '" + shown + "': contains a space or control character");
    }
  }
  std::unique_ptr<CURLU, CurlUrlDeleter> u(curl_url());
  if (!u) return Status::Internal("libcurl: out of memory");
  const std::string s(url);
  // CURLU_URLENCODE turns raw non-ASCII bytes into %XX, as a browser would.
  if (curl_url_set(u.get(), CURLUPART_URL, s.c_str(), CURLU_URLENCODE) != CURLUE_OK) {
    return Status::InvalidArgument("invalid URL '" + shown + "'");
  }
  auto get = [&](CURLUPart part, unsigned flags, std::string* out) {
    char* raw = nullptr;
    if (curl_url_get(u.get(), part, &raw, flags) != CURLUE_OK) return false;
    std::unique_ptr<char, CurlFree> holder(raw);
    *out = raw;
    return true;
  };
  HttpUrl h;
  std::string port, path, query;
  if (!get(CURLUPART_SCHEME, 0, &h.scheme) || (h.scheme != "http" && h.scheme != "https")) {
    return Status::InvalidArgument("invalid URL '" + shown + "': only http and https are supported");
  }
  if (!get(CURLUPART_HOST, 0, &h.host) || h.host.empty()) {
    return Status::InvalidArgument("invalid URL '" + shown + "': no host");
  }
  for (char& c : h.host) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (!get(CURLUPART_PORT, CURLU_DEFAULT_PORT, &port)) port = h.scheme == "https" ? "443" : "80";
  h.port = std::stoi(port);
  if (!get(CURLUPART_PATH, 0, &path) || path.empty()) path = "/";
  h.path_query = path;
  if (get(CURLUPART_QUERY, 0, &query)) h.path_query += "?" + query;
  return h;
}

std::string PathParamsQuery(std::string_view url) {
  // Mirrors google/robotstxt GetPathParamsQuery; comments there explain why.
  std::size_t search_start = 0;
  if (url.size() >= 2 && url[0] == '/' && url[1] == '/') search_start = 2;
  const std::size_t early_path = url.find_first_of("/?;", search_start);
  std::size_t protocol_end = url.find("://", search_start);
  if (early_path < protocol_end) protocol_end = std::string_view::npos;
  if (protocol_end == std::string_view::npos) {
    protocol_end = search_start;
  } else {
    protocol_end += 3;
  }
  const std::size_t path_start = url.find_first_of("/?;", protocol_end);
  if (path_start == std::string_view::npos) return "/";
  const std::size_t hash_pos = url.find('#', search_start);
  if (hash_pos < path_start) return "/";
  const std::size_t path_end = hash_pos == std::string_view::npos ? url.size() : hash_pos;
  std::string out;
  if (url[path_start] != '/') out.push_back('/');
  out.append(url.substr(path_start, path_end - path_start));
  return out;
}

std::string NormalisePercentEncoding(std::string_view in) {
  std::string out;
  out.reserve(in.size() + 8);
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    const int hi = i + 2 < in.size() ? HexDigitValue(in[i + 1]) : -1;
    const int lo = i + 2 < in.size() ? HexDigitValue(in[i + 2]) : -1;
    if (c == '%' && hi >= 0 && lo >= 0) {
      const auto v = static_cast<unsigned char>(hi * 16 + lo);
      if (IsUnreservedChar(v) || v == '*' || v == '$') {
        out.push_back(static_cast<char>(v));
      } else {
        out.push_back('%');
        out.push_back(kHexUpper[hi]);
        out.push_back(kHexUpper[lo]);
      }
      i += 2;
    } else if (c == '%') {
      out.append("%25");
    } else if (MustPercentEncode(c)) {
      out.push_back('%');
      out.push_back(kHexUpper[c >> 4]);
      out.push_back(kHexUpper[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

}  // namespace moisson
