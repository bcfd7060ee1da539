// HTTP fetches on libcurl's multi-socket interface, driven by an Asio
// io_context (CURLMOPT_SOCKETFUNCTION / CURLMOPT_TIMERFUNCTION): one thread
// runs the loop; libcurl never blocks it.
//
// One Fetch = one HTTP exchange: redirects are NOT followed here (the crawler
// checks every hop against the site lists and robots.txt first). What every
// fetch gets, whatever the caller asks:
//   - no cookies, no credentials (userinfo in a URL is refused earlier), no
//     proxy from the environment unless FetcherOptions::use_env_proxy;
//   - TLS verification on (libcurl's defaults, never switched off);
//   - http and https only, for the request and anything libcurl might follow;
//   - the connect address checked by NonPublicReason() unless allow_private;
//   - limits: body bytes after decoding (aborted mid-transfer), decoding
//     ratio (a gzip bomb stops at the first chunk past the ratio), total
//     time, connect time, low speed;
//   - content types outside the allowed list are aborted at the headers.
//
// Thread-safety: all calls on the io_context's thread.
#ifndef MOISSON_CRAWLER_FETCHER_H_
#define MOISSON_CRAWLER_FETCHER_H_

#include <curl/curl.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace moisson::crawler {

struct FetcherOptions {
  std::string user_agent;
  bool allow_private = false;
  std::size_t max_body_bytes = 10u << 20;    // decoded bytes
  double max_decode_ratio = 100.0;           // decoded / received, checked past 1 MiB decoded
  long timeout_ms = 30000;                   // whole exchange
  long connect_timeout_ms = 10000;
  long low_speed_bytes = 1000;               // abort when slower than this ...
  long low_speed_seconds = 15;               // ... for this long
  bool keep_raw_heads = false;               // fill request_head / response_head (WARC)
  bool use_env_proxy = false;
  std::string ca_file;                       // CA bundle used instead of the system's (tests); "" = system
};

enum class FetchError : std::uint8_t {
  kNone,
  kTimeout,         // total time or low speed
  kNetwork,         // DNS, connect, reset, protocol
  kTls,             // certificate or handshake
  kAddressRefused,  // connect address not public (SSRF guard)
  kTooLarge,        // body past max_body_bytes
  kDecodeBomb,      // decoded/received past max_decode_ratio
  kContentType,     // not an allowed content type (aborted at the headers)
  kCancelled,
};
const char* FetchErrorCode(FetchError e);  // "timeout", "network", ... (docs/reasons.md: fetch.*)

struct FetchRequest {
  std::string url;  // absolute, normalised
  // Allowed Content-Type media types (lower case, no parameters); empty = any.
  std::vector<std::string> content_types;
  std::size_t max_body_bytes = 0;  // 0 = FetcherOptions::max_body_bytes
};

struct FetchResult {
  std::string url;
  int status = 0;  // 0 when no response
  FetchError error = FetchError::kNone;
  std::string error_detail;  // libcurl's message or the limit hit; never page content
  std::vector<std::pair<std::string, std::string>> headers;  // of the final response
  std::string body;          // decoded
  std::string content_type;  // media type, lower case, no parameters
  std::string charset;       // from Content-Type, lower case
  std::string ip;            // the peer address
  std::uint64_t received_bytes = 0;  // on the wire (before decoding)
  double seconds = 0;
  std::string request_head, response_head;  // when keep_raw_heads
  // The value of a header (first one, name case-insensitive), or "".
  std::string Header(std::string_view name) const;
};

class Fetcher {
 public:
  using Callback = std::function<void(FetchResult)>;

  Fetcher(boost::asio::io_context& io, FetcherOptions options);
  ~Fetcher();
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Starts a fetch; `done` runs on the io thread when it ends (never inside
  // Start). Returns at once.
  void Start(FetchRequest request, Callback done);
  // Aborts every transfer; their callbacks get kCancelled.
  void CancelAll();
  std::size_t in_flight() const { return transfers_.size(); }
  const FetcherOptions& options() const { return options_; }

  struct Transfer;  // one exchange (public for libcurl's C callbacks)

 private:
  struct Socket;
  static int SocketCallback(CURL* easy, curl_socket_t s, int what, void* userp, void* socketp);
  static int TimerCallback(CURLM* multi, long timeout_ms, void* userp);
  static curl_socket_t OpenSocket(void* clientp, curlsocktype purpose, curl_sockaddr* address);
  static int CloseSocket(void* clientp, curl_socket_t s);
  void Watch(const std::shared_ptr<Socket>& sock);
  void OnSocketEvent(curl_socket_t s, int action);
  void OnTimeout();
  void CheckDone();
  void Finish(Transfer* t, CURLcode code);

  boost::asio::io_context& io_;
  FetcherOptions options_;
  CURLM* multi_ = nullptr;
  boost::asio::steady_timer timer_;
  bool timer_armed_ = false;
  std::chrono::steady_clock::time_point timer_deadline_;
  std::unordered_map<curl_socket_t, std::shared_ptr<Socket>> sockets_;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> transfers_;
  std::vector<CURL*> idle_handles_;  // reused easy handles (their connection state is in the multi)
};

// Parses Retry-After (delay-seconds or an HTTP-date) relative to now;
// negative or unparsable values give -1.
double ParseRetryAfter(std::string_view value);

}  // namespace moisson::crawler

#endif  // MOISSON_CRAWLER_FETCHER_H_
