// Dumps read over HTTP(S): `filter https://data.commoncrawl.org/...warc.gz`.
// Internal to io/: OpenByteStream hands a URL here, and the readers see the
// same compressed bytes a local file would give.
//
// A download is one long GET streamed through libcurl, pulled as the reader
// asks for bytes (no thread, no temporary file; memory is one libcurl buffer).
// What goes wrong on the way is retried where retrying can help:
//
//   * a connection cut or stalled mid-body (libcurl's "partial file", a
//     receive error, no byte for `stall_seconds`) resumes where it stopped
//     with `Range: bytes=N-` (RFC 9110 §14.2). When the first response had an
//     ETag, the retry sends `If-Range` with it, and a 200 in answer (the file
//     changed since) fails the input rather than splicing two versions. A
//     server without ranges (200 to a range request, no ETag) is read again
//     from the start and the first N bytes are skipped;
//   * a 408, 429 or 5xx, a refused or reset connection, a timeout: tried
//     again, the first time at once, then after 1, 2, 4... seconds (at most
//     30), `retries` times in all for the input;
//   * any other 4xx (403, 404), a redirect loop (more than 5), or a scheme
//     other than http and https fails the input at once.
//
// Errors name the URL (without its credentials and query string, which may
// carry a token), never the body.
#ifndef MOISSON_IO_HTTP_SOURCE_H_
#define MOISSON_IO_HTTP_SOURCE_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace moisson::io {

struct HttpOptions {
  // When set and true (a signal handler sets it), a download in progress
  // gives up within a second ("interrupted"), even on a stalled server.
  const std::atomic<bool>* cancel = nullptr;
  int retries = 5;          // attempts after the first, for the whole input
  int stall_seconds = 60;   // no byte for this long: the connection is given up and resumed
  int connect_seconds = 30;
  int max_backoff_seconds = 30;
};

// "http://..." or "https://..." (any case).
bool IsHttpUrl(std::string_view name);

// The URL as messages, the ledger and manifests show it: without
// "user:password@", "?query" and "#fragment" (which may carry secrets).
std::string DisplayUrl(std::string_view url);

// Where compressed bytes come from (a file, memory, a URL).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Up to `n` bytes into buf; 0 at the end; -1 on error (then failure() says
  // what, without the source's name: the stream puts it in front).
  virtual long Read(char* buf, std::size_t n) = 0;
  virtual std::string failure() const { return "read error"; }
};

// Starts nothing yet: the first Read() sends the request.
std::unique_ptr<ByteSource> NewHttpSource(const std::string& url, const HttpOptions& options);

}  // namespace moisson::io

#endif  // MOISSON_IO_HTTP_SOURCE_H_
