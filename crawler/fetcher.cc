#include "crawler/fetcher.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <chrono>
#include <cstring>
#include <ctime>

#include "core/strings.h"
#include "crawler/address.h"

namespace moisson::crawler {

namespace asio = boost::asio;

const char* FetchErrorCode(FetchError e) {
  switch (e) {
    case FetchError::kNone: return "none";
    case FetchError::kTimeout: return "timeout";
    case FetchError::kNetwork: return "network";
    case FetchError::kTls: return "tls";
    case FetchError::kAddressRefused: return "address_refused";
    case FetchError::kTooLarge: return "too_large";
    case FetchError::kDecodeBomb: return "decode_ratio";
    case FetchError::kContentType: return "content_type";
    case FetchError::kCancelled: return "cancelled";
  }
  return "network";
}

std::string FetchResult::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) return v;
  }
  return "";
}

double ParseRetryAfter(std::string_view value) {
  value = TrimAsciiSpace(value);
  if (value.empty()) return -1;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return 1e9;
    return static_cast<double>(std::stol(std::string(value)));
  }
  const time_t when = curl_getdate(std::string(value).c_str(), nullptr);
  if (when < 0) return -1;
  const double d = std::difftime(when, std::time(nullptr));
  return d < 0 ? 0 : d;
}

struct Fetcher::Socket {
  Socket(asio::io_context& io, curl_socket_t s, bool ours) : fd(s), sd(io, s), owned(ours) {}
  curl_socket_t fd;
  asio::posix::stream_descriptor sd;
  bool owned;  // opened by OpenSocket (closed by CloseSocket) or curl's own (resolver)
  int what = 0;
  bool read_pending = false;
  bool write_pending = false;
  bool closed = false;
  void Forget() {
    closed = true;
    boost::system::error_code ec;
    sd.cancel(ec);
    sd.release();
  }
};

struct Fetcher::Transfer {
  Fetcher* owner = nullptr;
  CURL* easy = nullptr;
  FetchRequest request;
  Callback done;
  FetchResult result;
  std::size_t max_body = 0;
  bool body_started = false;
  char errbuf[CURL_ERROR_SIZE] = {};
};

namespace {

void ParseContentType(std::string_view v, std::string* type, std::string* charset) {
  const std::size_t semi = v.find(';');
  *type = AsciiLower(TrimAsciiSpace(v.substr(0, semi)));
  charset->clear();
  if (semi == std::string_view::npos) return;
  std::string_view params = v.substr(semi + 1);
  while (!params.empty()) {
    const std::size_t next = params.find(';');
    std::string_view p = TrimAsciiSpace(params.substr(0, next));
    const std::size_t eq = p.find('=');
    if (eq != std::string_view::npos && EqualsIgnoreCase(TrimAsciiSpace(p.substr(0, eq)), "charset")) {
      std::string_view c = TrimAsciiSpace(p.substr(eq + 1));
      if (c.size() >= 2 && c.front() == '"' && c.back() == '"') c = c.substr(1, c.size() - 2);
      *charset = AsciiLower(c);
    }
    if (next == std::string_view::npos) break;
    params.remove_prefix(next + 1);
  }
}

size_t HeaderCallback(char* data, size_t size, size_t n, void* userp) {
  auto* t = static_cast<Fetcher::Transfer*>(userp);
  const std::size_t len = size * n;
  std::string_view line(data, len);
  if (line.substr(0, 5) == "HTTP/") {  // a new response (1xx, or the final one)
    t->result.headers.clear();
    t->result.response_head.clear();
  }
  if (t->owner->options().keep_raw_heads && t->result.response_head.size() < 256 * 1024) t->result.response_head.append(line);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  const std::size_t colon = line.find(':');
  if (colon != std::string_view::npos && line.substr(0, 5) != "HTTP/" && t->result.headers.size() < 256) {
    t->result.headers.emplace_back(std::string(TrimAsciiSpace(line.substr(0, colon))),
                                   std::string(TrimAsciiSpace(line.substr(colon + 1))));
  }
  return len;
}

}  // namespace

// Friends of Transfer need access; the callbacks are free functions in the
// anonymous namespace above for headers, and static members below.
static size_t WriteCallback(char* data, size_t size, size_t n, void* userp) {
  auto* t = static_cast<Fetcher::Transfer*>(userp);
  const std::size_t len = size * n;
  FetchResult& r = t->result;
  if (!t->body_started) {
    t->body_started = true;
    long code = 0;
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &code);
    ParseContentType(r.Header("content-type"), &r.content_type, &r.charset);
    if (code >= 200 && code < 300 && !t->request.content_types.empty() &&
        std::find(t->request.content_types.begin(), t->request.content_types.end(), r.content_type) ==
            t->request.content_types.end()) {
      r.error = FetchError::kContentType;
      r.error_detail = "content type '" + r.content_type.substr(0, 64) + "' not collected";
      return 0;
    }
  }
  if (r.body.size() + len > t->max_body) {
    r.error = FetchError::kTooLarge;
    r.error_detail = "body larger than " + std::to_string(t->max_body) + " bytes";
    return 0;
  }
  r.body.append(data, len);
  if (r.body.size() > (1u << 20)) {
    curl_off_t wire = 0;
    curl_easy_getinfo(t->easy, CURLINFO_SIZE_DOWNLOAD_T, &wire);
    const double ratio = static_cast<double>(r.body.size()) / static_cast<double>(std::max<curl_off_t>(wire, 1));
    if (ratio > t->owner->options().max_decode_ratio) {
      r.error = FetchError::kDecodeBomb;
      r.error_detail = "decoded body more than " + std::to_string(static_cast<int>(t->owner->options().max_decode_ratio)) +
                       " times the bytes received";
      return 0;
    }
  }
  return len;
}

static int DebugCallback(CURL*, curl_infotype type, char* data, size_t size, void* userp) {
  auto* t = static_cast<Fetcher::Transfer*>(userp);
  if (type == CURLINFO_HEADER_OUT) {
    t->result.request_head.assign(data, size);  // the last request sent
  }
  return 0;
}

Fetcher::Fetcher(asio::io_context& io, FetcherOptions options)
    : io_(io), options_(std::move(options)), multi_(curl_multi_init()), timer_(io) {
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &Fetcher::SocketCallback);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &Fetcher::TimerCallback);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS, 8L);
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, 256L);
}

Fetcher::~Fetcher() {
  for (auto& [easy, t] : transfers_) {
    curl_multi_remove_handle(multi_, easy);
    curl_easy_cleanup(easy);
  }
  transfers_.clear();
  for (CURL* e : idle_handles_) curl_easy_cleanup(e);
  idle_handles_.clear();
  curl_multi_cleanup(multi_);  // closes the cached connections through CloseSocket
  for (auto& [fd, s] : sockets_) s->Forget();
  sockets_.clear();
}

void Fetcher::Start(FetchRequest request, Callback done) {
  CURL* easy = nullptr;
  if (!idle_handles_.empty()) {
    easy = idle_handles_.back();
    idle_handles_.pop_back();
    curl_easy_reset(easy);
  } else {
    easy = curl_easy_init();
  }
  auto t = std::make_unique<Transfer>();
  t->owner = this;
  t->easy = easy;
  t->request = std::move(request);
  t->done = std::move(done);
  t->result.url = t->request.url;
  t->max_body = t->request.max_body_bytes ? t->request.max_body_bytes : options_.max_body_bytes;
  Transfer* tp = t.get();

  curl_easy_setopt(easy, CURLOPT_URL, tp->request.url.c_str());
  curl_easy_setopt(easy, CURLOPT_PRIVATE, tp);
  curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(easy, CURLOPT_USERAGENT, options_.user_agent.c_str());
  curl_easy_setopt(easy, CURLOPT_ACCEPT_ENCODING, "");  // every decoding libcurl has
  curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, options_.timeout_ms);
  curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_bytes);
  curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, options_.low_speed_seconds);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.use_env_proxy) curl_easy_setopt(easy, CURLOPT_PROXY, "");
  curl_easy_setopt(easy, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(tp->max_body));
  curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, tp->errbuf);
  curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &HeaderCallback);
  curl_easy_setopt(easy, CURLOPT_HEADERDATA, tp);
  curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &WriteCallback);
  curl_easy_setopt(easy, CURLOPT_WRITEDATA, tp);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Fetcher::OpenSocket);
  curl_easy_setopt(easy, CURLOPT_OPENSOCKETDATA, tp);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &Fetcher::CloseSocket);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
  if (options_.keep_raw_heads) {
    curl_easy_setopt(easy, CURLOPT_VERBOSE, 1L);
    curl_easy_setopt(easy, CURLOPT_DEBUGFUNCTION, &DebugCallback);
    curl_easy_setopt(easy, CURLOPT_DEBUGDATA, tp);
  }
  transfers_.emplace(easy, std::move(t));
  if (curl_multi_add_handle(multi_, easy) != CURLM_OK) {
    Finish(tp, CURLE_FAILED_INIT);
  }
}

void Fetcher::CancelAll() {
  std::vector<Transfer*> all;
  for (auto& [e, t] : transfers_) all.push_back(t.get());
  for (Transfer* t : all) {
    t->result.error = FetchError::kCancelled;
    t->result.error_detail = "cancelled";
    Finish(t, CURLE_ABORTED_BY_CALLBACK);
  }
}

curl_socket_t Fetcher::OpenSocket(void* clientp, curlsocktype purpose, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(clientp);
  Fetcher* f = t->owner;
  if (!f->options_.allow_private) {
    if (const char* why = NonPublicReason(&address->addr, address->addrlen)) {
      t->result.error = FetchError::kAddressRefused;
      t->result.error_detail = std::string("connect address ") + AddressText(&address->addr, address->addrlen) +
                               " is " + why + " (use --allow-private to permit)";
      return CURL_SOCKET_BAD;
    }
  }
  const curl_socket_t s = ::socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
  if (s == CURL_SOCKET_BAD) return s;
  if (auto it = f->sockets_.find(s); it != f->sockets_.end()) {  // a stale entry for a reused number
    it->second->Forget();
    f->sockets_.erase(it);
  }
  f->sockets_.emplace(s, std::make_shared<Socket>(f->io_, s, true));
  return s;
}

int Fetcher::CloseSocket(void* clientp, curl_socket_t s) {
  auto* f = static_cast<Fetcher*>(clientp);
  if (auto it = f->sockets_.find(s); it != f->sockets_.end()) {
    it->second->Forget();
    f->sockets_.erase(it);
  }
  return ::close(s);
}

int Fetcher::SocketCallback(CURL*, curl_socket_t s, int what, void* userp, void*) {
  auto* f = static_cast<Fetcher*>(userp);
  auto it = f->sockets_.find(s);
  if (what == CURL_POLL_REMOVE) {
    if (it != f->sockets_.end()) {
      it->second->what = 0;
      if (!it->second->owned) {  // curl closes its own sockets itself
        it->second->Forget();
        f->sockets_.erase(it);
      }
    }
    return 0;
  }
  if (it == f->sockets_.end()) {  // not opened through OpenSocket (the resolver's wake-up pipe)
    it = f->sockets_.emplace(s, std::make_shared<Socket>(f->io_, s, false)).first;
  }
  it->second->what = what;
  f->Watch(it->second);
  return 0;
}

void Fetcher::Watch(const std::shared_ptr<Socket>& sock) {
  if (sock->closed) return;
  if ((sock->what & CURL_POLL_IN) && !sock->read_pending) {
    sock->read_pending = true;
    sock->sd.async_wait(asio::posix::stream_descriptor::wait_read, [this, sock](const boost::system::error_code& ec) {
      sock->read_pending = false;
      if (ec || sock->closed || !(sock->what & CURL_POLL_IN)) return;
      OnSocketEvent(sock->fd, CURL_CSELECT_IN);
      Watch(sock);
    });
  }
  if ((sock->what & CURL_POLL_OUT) && !sock->write_pending) {
    sock->write_pending = true;
    sock->sd.async_wait(asio::posix::stream_descriptor::wait_write, [this, sock](const boost::system::error_code& ec) {
      sock->write_pending = false;
      if (ec || sock->closed || !(sock->what & CURL_POLL_OUT)) return;
      OnSocketEvent(sock->fd, CURL_CSELECT_OUT);
      Watch(sock);
    });
  }
}

int Fetcher::TimerCallback(CURLM*, long timeout_ms, void* userp) {
  auto* f = static_cast<Fetcher*>(userp);
  if (timeout_ms < 0) {
    f->timer_armed_ = false;
    f->timer_.cancel();
    return 0;
  }
  // libcurl moves its deadline on nearly every call; each re-arm of the Asio
  // timer is a timerfd_settime system call (a tenth of the crawl's CPU). Only
  // an earlier deadline re-arms it: with a later one, the armed timer fires
  // early, libcurl finds nothing due and gives its deadline again.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  if (f->timer_armed_ && deadline >= f->timer_deadline_) return 0;
  f->timer_armed_ = true;
  f->timer_deadline_ = deadline;
  f->timer_.expires_at(deadline);
  f->timer_.async_wait([f](const boost::system::error_code& ec) {
    if (ec) return;  // re-armed or cancelled
    f->timer_armed_ = false;
    f->OnTimeout();
  });
  return 0;
}

void Fetcher::OnSocketEvent(curl_socket_t s, int action) {
  int running = 0;
  curl_multi_socket_action(multi_, s, action, &running);
  CheckDone();
}

void Fetcher::OnTimeout() {
  int running = 0;
  curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
  CheckDone();
}

void Fetcher::CheckDone() {
  int left = 0;
  while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
    if (m->msg != CURLMSG_DONE) continue;
    Transfer* t = nullptr;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &t);
    if (t != nullptr) Finish(t, m->data.result);
  }
}

void Fetcher::Finish(Transfer* t, CURLcode code) {
  CURL* easy = t->easy;
  FetchResult& r = t->result;
  long status = 0;
  curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  r.status = static_cast<int>(status);
  if (char* ip = nullptr; curl_easy_getinfo(easy, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip != nullptr) r.ip = ip;
  curl_off_t wire = 0;
  curl_easy_getinfo(easy, CURLINFO_SIZE_DOWNLOAD_T, &wire);
  r.received_bytes = static_cast<std::uint64_t>(wire);
  double total = 0;
  curl_easy_getinfo(easy, CURLINFO_TOTAL_TIME, &total);
  r.seconds = total;
  if (r.content_type.empty()) ParseContentType(r.Header("content-type"), &r.content_type, &r.charset);
  if (r.error == FetchError::kNone && code != CURLE_OK) {
    switch (code) {
      case CURLE_OPERATION_TIMEDOUT: r.error = FetchError::kTimeout; break;
      case CURLE_FILESIZE_EXCEEDED: r.error = FetchError::kTooLarge; break;
      case CURLE_PEER_FAILED_VERIFICATION: case CURLE_SSL_CONNECT_ERROR: case CURLE_SSL_CERTPROBLEM:
      case CURLE_SSL_CIPHER: case CURLE_SSL_CACERT_BADFILE: case CURLE_SSL_ISSUER_ERROR:
        r.error = FetchError::kTls;
        break;
      default: r.error = FetchError::kNetwork; break;
    }
    r.error_detail = t->errbuf[0] != '\0' ? t->errbuf : curl_easy_strerror(code);
  }
  if (r.error == FetchError::kNone && r.status >= 200 && r.status < 300 && !t->request.content_types.empty() &&
      std::find(t->request.content_types.begin(), t->request.content_types.end(), r.content_type) ==
          t->request.content_types.end()) {
    r.error = FetchError::kContentType;
    r.error_detail = "content type '" + r.content_type.substr(0, 64) + "' not collected";
  }
  if (r.error != FetchError::kNone) r.body.clear();  // nothing of an aborted body is kept
  curl_multi_remove_handle(multi_, easy);
  auto node = transfers_.extract(easy);
  if (idle_handles_.size() < 512) {
    idle_handles_.push_back(easy);
  } else {
    curl_easy_cleanup(easy);
  }
  std::shared_ptr<Transfer> owned(std::move(node.mapped()));
  owned->easy = nullptr;
  asio::post(io_, [owned] { owned->done(std::move(owned->result)); });
}

}  // namespace moisson::crawler
