#include "io/http_source.h"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "core/strings.h"

namespace moisson::io {

bool IsHttpUrl(std::string_view name) {
  return StartsWithIgnoreCase(name, "http://") || StartsWithIgnoreCase(name, "https://");
}

std::string DisplayUrl(std::string_view url) {
  std::string_view u = url.substr(0, url.find_first_of("?#"));
  // user:password@ of the authority goes too.
  const std::size_t scheme = u.find("://");
  if (scheme != std::string_view::npos) {
    const std::size_t host = scheme + 3;
    const std::size_t end = u.find('/', host);
    const std::size_t at = u.substr(0, end).rfind('@');
    if (at != std::string_view::npos && at >= host) {
      return std::string(u.substr(0, host)).append(u.substr(at + 1));
    }
  }
  return std::string(u);
}

namespace {

class HttpSource : public ByteSource {
 public:
  HttpSource(std::string url, HttpOptions o) : url_(std::move(url)), o_(o) {}
  ~HttpSource() override {
    Stop();
    if (multi_ != nullptr) curl_multi_cleanup(multi_);  // a download abandoned before its end
  }

  long Read(char* buf, std::size_t n) override {
    while (pos_ == pending_.size()) {
      pending_.clear();
      pos_ = 0;
      if (finished_) return 0;
      if (!failure_.empty()) return -1;
      if (!Pump()) return failure_.empty() ? 0 : -1;
    }
    const std::size_t k = std::min(n, pending_.size() - pos_);
    std::memcpy(buf, pending_.data() + pos_, k);
    pos_ += k;
    return static_cast<long>(k);
  }
  std::string failure() const override { return failure_.empty() ? "read error" : failure_; }

 private:
  // Runs the transfer until some body bytes arrive, it ends, or it fails
  // for good. False when nothing more will come.
  bool Pump() {
    while (pending_.empty()) {
      if (o_.cancel != nullptr && o_.cancel->load(std::memory_order_relaxed)) {
        Stop();
        failure_ = "interrupted";
        return false;
      }
      if (easy_ == nullptr && !Start()) return false;
      int running = 0;
      curl_multi_perform(multi_, &running);
      if (!pending_.empty()) return true;
      if (running > 0) {
        curl_multi_poll(multi_, nullptr, 0, 1000, nullptr);
        continue;
      }
      int left = 0;
      CURLcode code = CURLE_OK;
      while (CURLMsg* m = curl_multi_info_read(multi_, &left)) {
        if (m->msg == CURLMSG_DONE) code = m->data.result;
      }
      long status = 0;
      curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
      Stop();
      if (!refusal_.empty()) {
        failure_ = refusal_;
        return false;
      }
      if (code == CURLE_OK && (status == 200 || status == 206)) {
        if (total_ >= 0 && received_ < total_) {
          if (!Retry("the connection closed at byte " + std::to_string(received_) + " of " + std::to_string(total_)))
            return false;
          continue;
        }
        finished_ = true;
        return false;
      }
      if (code == CURLE_OK || code == CURLE_WRITE_ERROR) {  // an HTTP status we did not take
        const bool transient = status == 408 || status == 429 || status >= 500;
        const std::string what = "HTTP " + std::to_string(status);
        if (!transient) {
          failure_ = what;
          return false;
        }
        if (!Retry(what)) return false;
        continue;
      }
      if (code == CURLE_UNSUPPORTED_PROTOCOL || code == CURLE_TOO_MANY_REDIRECTS || code == CURLE_URL_MALFORMAT) {
        failure_ = curl_easy_strerror(code);
        return false;
      }
      if (!Retry(std::string(curl_easy_strerror(code)) + " at byte " + std::to_string(received_))) return false;
    }
    return true;
  }

  // One more attempt, after the backoff; false (failure_ set) when none is left.
  bool Retry(const std::string& why) {
    if (attempts_ >= o_.retries) {
      failure_ = why + "; gave up after " + std::to_string(attempts_ + 1) + " attempts";
      return false;
    }
    if (attempts_ > 0) {  // the backoff, in steps that a cancel cuts short
      const int s = std::min(o_.max_backoff_seconds, 1 << std::min(attempts_ - 1, 16));
      for (int i = 0; i < s * 10; ++i) {
        if (o_.cancel != nullptr && o_.cancel->load(std::memory_order_relaxed)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    ++attempts_;
    return true;
  }

  bool Start() {
    if (multi_ == nullptr) multi_ = curl_multi_init();
    easy_ = curl_easy_init();
    if (multi_ == nullptr || easy_ == nullptr) {
      failure_ = "cannot start libcurl";
      return false;
    }
    first_bytes_ = true;
    skip_ = 0;
    curl_easy_setopt(easy_, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(easy_, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy_, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy_, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(easy_, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(easy_, CURLOPT_USERAGENT, "moisson (dump reader)");
    curl_easy_setopt(easy_, CURLOPT_CONNECTTIMEOUT, static_cast<long>(o_.connect_seconds));
    curl_easy_setopt(easy_, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(easy_, CURLOPT_LOW_SPEED_TIME, static_cast<long>(o_.stall_seconds));
    curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &HttpSource::OnBody);
    curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
    curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &HttpSource::OnHeader);
    curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this);
    headers_ = nullptr;
    if (received_ > 0) {
      curl_easy_setopt(easy_, CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(received_));
      if (!etag_.empty()) headers_ = curl_slist_append(headers_, ("If-Range: " + etag_).c_str());
    }
    if (headers_ != nullptr) curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers_);
    response_etag_.clear();
    range_start_ = -1;
    curl_multi_add_handle(multi_, easy_);
    return true;
  }

  void Stop() {
    if (easy_ != nullptr) {
      curl_multi_remove_handle(multi_, easy_);
      curl_easy_cleanup(easy_);
      easy_ = nullptr;
    }
    if (headers_ != nullptr) {
      curl_slist_free_all(headers_);
      headers_ = nullptr;
    }
    if (finished_ || !failure_.empty()) {
      if (multi_ != nullptr) curl_multi_cleanup(multi_);
      multi_ = nullptr;
    }
  }

  static std::size_t OnHeader(char* data, std::size_t size, std::size_t n, void* self_ptr) {
    auto* self = static_cast<HttpSource*>(self_ptr);
    std::string_view line(data, size * n);
    if (line.substr(0, 5) == "HTTP/") {  // a new response (a redirect's next hop): its own headers
      self->response_etag_.clear();
      self->range_start_ = -1;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) return size * n;
    const std::string name = AsciiLower(TrimAsciiSpace(line.substr(0, colon)));
    const std::string_view value = TrimAsciiSpace(line.substr(colon + 1));
    if (name == "etag") self->response_etag_.assign(value);
    if (name == "content-range") {  // "bytes 100-999/1000"
      const std::size_t sp = value.find(' ');
      if (sp != std::string_view::npos) self->range_start_ = std::atoll(std::string(value.substr(sp + 1)).c_str());
    }
    return size * n;
  }

  // The first body bytes of a response decide whether it is taken.
  bool Accept() {
    long status = 0;
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200 && status != 206) return false;  // classified when the transfer ends
    curl_off_t length = -1;
    curl_easy_getinfo(easy_, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    if (received_ == 0) {
      if (status != 200) {
        refusal_ = "HTTP 206 to a request for the whole file";
        return false;
      }
      etag_ = response_etag_;
      total_ = length;
      return true;
    }
    if (status == 206) {
      if (range_start_ != received_) {
        refusal_ = "the server resumed at byte " + std::to_string(range_start_) + " instead of " +
                   std::to_string(received_);
        return false;
      }
      return true;
    }
    // 200 to a range request: a server without ranges (read again from the
    // start and skip), unless its ETag says the file changed.
    if (!etag_.empty() && response_etag_ != etag_) {
      refusal_ = "the file changed during the download (its ETag is not the one of the first response)";
      return false;
    }
    if (total_ >= 0 && length >= 0 && length != total_) {
      refusal_ = "the file changed during the download (its length is not the one of the first response)";
      return false;
    }
    skip_ = received_;  // no ranges: read again from the start
    return true;
  }

  static std::size_t OnBody(char* data, std::size_t size, std::size_t n, void* self_ptr) {
    auto* self = static_cast<HttpSource*>(self_ptr);
    std::size_t len = size * n;
    if (self->first_bytes_) {
      self->first_bytes_ = false;
      if (!self->Accept()) return 0;  // aborts the transfer (CURLE_WRITE_ERROR)
    }
    std::size_t off = 0;
    if (self->skip_ > 0) {
      off = static_cast<std::size_t>(std::min<long long>(self->skip_, static_cast<long long>(len)));
      self->skip_ -= static_cast<long long>(off);
    }
    self->pending_.append(data + off, len - off);
    self->received_ += static_cast<long long>(len - off);
    return size * n;
  }

  std::string url_;
  HttpOptions o_;
  CURLM* multi_ = nullptr;
  CURL* easy_ = nullptr;
  curl_slist* headers_ = nullptr;
  std::string pending_;   // body bytes not yet read
  std::size_t pos_ = 0;
  long long received_ = 0;  // body bytes taken so far
  long long total_ = -1;    // the whole body's length, when the first response said
  long long skip_ = 0;      // bytes to drop (a server that ignored the range)
  long long range_start_ = -1;
  std::string etag_, response_etag_;
  std::string refusal_;
  std::string failure_;
  int attempts_ = 0;
  bool first_bytes_ = true;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> NewHttpSource(const std::string& url, const HttpOptions& options) {
  return std::make_unique<HttpSource>(url, options);
}

}  // namespace moisson::io
