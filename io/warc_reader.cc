// The WARC/WET reader (io/record.h gives its contract).
#include "io/record.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

#include "core/strings.h"
#include "io/reader_internal.h"
#include "io/stream.h"

namespace moisson::io {
namespace {

// ---- WARC ----------------------------------------------------------------------

constexpr std::size_t kMaxHeaderLine = 64 * 1024;
constexpr int kMaxHeaderLines = 1000;

// Decodes an HTTP/1.1 chunked body; false when malformed.
bool Dechunk(std::string_view in, std::size_t max, std::string* out) {
  out->clear();
  while (true) {
    const std::size_t eol = in.find('\n');
    if (eol == std::string_view::npos) return false;
    std::string_view size_line = TrimAsciiSpace(in.substr(0, eol));
    if (const std::size_t semi = size_line.find(';'); semi != std::string_view::npos) size_line = size_line.substr(0, semi);
    std::uint64_t n = 0;
    if (size_line.empty() || size_line.size() > 15) return false;
    for (char c : size_line) {
      const int d = HexDigitValue(c);
      if (d < 0) return false;
      n = n * 16 + static_cast<unsigned>(d);
    }
    in.remove_prefix(eol + 1);
    if (n == 0) return true;
    if (n > in.size() || out->size() + n > max) return false;
    out->append(in.data(), static_cast<std::size_t>(n));
    in.remove_prefix(static_cast<std::size_t>(n));
    if (!in.empty() && in.front() == '\r') in.remove_prefix(1);
    if (!in.empty() && in.front() == '\n') in.remove_prefix(1);
  }
}

class WarcReader : public RecordReader {
 public:
  WarcReader(std::unique_ptr<ByteStream> s, std::string file, ReaderOptions o)
      : in_(std::move(s)), file_(std::move(file)), o_(std::move(o)) {}

  Result<bool> Next(InputRecord* out) override {
    while (true) {
      const int r = ReadRecord(out);
      if (r == 1) return true;
      if (r == 0) {
        if (in_.stream().io_failed()) return Status::Io(in_.stream().error().empty() ? file_ + ": read error" : in_.stream().error());
        return false;
      }
    }
  }
  std::uint64_t bytes_read() const override { return const_cast<BufferedReader&>(in_).stream().consumed(); }
  std::uint64_t skipped() const override { return skipped_; }

 private:
  std::uint64_t OffsetOf(std::uint64_t pos) {
    return in_.stream().compression() == Compression::kGzip ? in_.stream().MemberOffset(pos) : pos;
  }
  void Skip(std::uint64_t pos, std::string msg, ReadIssue::Kind kind = ReadIssue::Kind::kMalformed) {
    ++skipped_;
    if (o_.on_skip) o_.on_skip(ReadIssue{kind, file_, OffsetOf(pos), 0, std::move(msg)});
  }
  // The input ended (returns 0 for ReadRecord). `what` ("" for a clean end)
  // is reported with the stream's own error (truncated or corrupt gzip/zstd)
  // when there is one, so a cut file gives one issue that says why.
  // Corrupt compressed stretches the stream skipped before the current
  // position are reported (at their member's offset). True when one fell
  // inside the record that started at `record_start`: that record is dropped
  // and reading resumes just after the gap, where the next member begins.
  bool HandleGaps(std::uint64_t record_start) {
    gaps_.clear();
    in_.stream().TakeGaps(in_.position(), &gaps_);
    bool inside = false;
    std::uint64_t resume = 0;
    for (StreamGap& g : gaps_) {
      if (!inside && g.pos >= record_start) {
        inside = true;
        resume = g.pos + 1;
      }
      Skip(g.pos, std::move(g.message), ReadIssue::Kind::kDamaged);
    }
    if (inside && !in_.Rewind(resume)) after_bad_header_ = true;  // no longer buffered: resynchronise
    return inside;
  }

  int EndOfInput(std::uint64_t pos, std::string what) {
    if (in_.stream().io_failed()) return 0;  // Next() returns the I/O error itself
    if (HandleGaps(pos)) return -1;  // the record was cut by a corrupt member: go on after it
    const std::string& e = in_.stream().error();
    const bool damaged = !e.empty() && !reported_stream_error_;
    if (damaged) {
      reported_stream_error_ = true;
      what = what.empty() ? e : what + " (" + e + ")";
    }
    if (!what.empty()) Skip(pos, std::move(what), damaged ? ReadIssue::Kind::kDamaged : ReadIssue::Kind::kMalformed);
    return 0;
  }

  // 1: a record in *out; 0: end of input; -1: a record was skipped.
  int ReadRecord(InputRecord* out) {
    std::string_view line;
    bool too_long = false;
    // The version line; anything else before it is skipped (resynchronisation).
    std::uint64_t start = in_.position();
    bool junk = false;
    std::uint64_t junk_at = 0;
    while (true) {
      start = in_.position();
      if (!in_.ReadLine(&line, kMaxHeaderLine, &too_long)) {
        if (junk) Skip(junk_at, "bytes that are not a WARC record");
        return EndOfInput(start, "");
      }
      if (HandleGaps(start)) {
        // The bytes before the gap were part of a corrupt member, not junk.
        junk = false;
        continue;
      }
      // A version line: "WARC/" and a digit (1.0, 1.1, the 0.x drafts, or an
      // unknown version that is then skipped by its Content-Length).
      if (!too_long && line.size() > 5 && line.substr(0, 5) == "WARC/" && line[5] >= '0' && line[5] <= '9') break;
      // After a bad header the bytes up to the next record are its block,
      // already reported with it.
      if (!TrimAsciiSpace(line).empty() && !junk && !after_bad_header_) {
        junk = true;
        junk_at = start;
      }
    }
    if (junk) Skip(junk_at, "bytes that are not a WARC record (skipped to the next one)");
    after_bad_header_ = false;
    // WARC/0.17 and 0.18 (drafts used by Heritrix 1 and ClueWeb09) have the
    // same header layout and record types as 1.0: read them. Other versions
    // are skipped by their Content-Length and reported.
    const bool supported = line == "WARC/1.0" || line == "WARC/1.1" || line == "WARC/0.17" || line == "WARC/0.18";
    std::string type, id, uri, date, content_type, lang;
    std::optional<std::uint64_t> length;
    bool bad = false;
    std::string why;
    for (int n = 0;; ++n) {
      if (!in_.ReadLine(&line, kMaxHeaderLine, &too_long)) return EndOfInput(start, "truncated WARC header");
      if (line.empty()) break;
      if (n >= kMaxHeaderLines || too_long) {
        bad = true;
        why = "WARC header too large";
        continue;
      }
      if (line.front() == ' ' || line.front() == '\t') continue;  // folded continuation
      const std::size_t colon = line.find(':');
      if (colon == std::string_view::npos) {
        bad = true;
        why = "WARC header line without ':'";
        continue;
      }
      const std::string_view name = TrimAsciiSpace(line.substr(0, colon));
      const std::string_view value = TrimAsciiSpace(line.substr(colon + 1));
      if (EqualsIgnoreCase(name, "WARC-Type")) type = AsciiLower(value);
      else if (EqualsIgnoreCase(name, "WARC-Record-ID")) id = StripAngles(value);
      else if (EqualsIgnoreCase(name, "WARC-Target-URI")) uri = StripAngles(value);
      else if (EqualsIgnoreCase(name, "WARC-Date")) date.assign(value);
      else if (EqualsIgnoreCase(name, "WARC-Identified-Content-Language")) lang.assign(value);
      else if (EqualsIgnoreCase(name, "Content-Type")) content_type.assign(value);
      else if (EqualsIgnoreCase(name, "Content-Length")) {
        std::uint64_t v = 0;
        bool ok = !value.empty() && value.size() <= 18;
        for (char c : value) {
          if (c < '0' || c > '9') ok = false;
          else v = v * 10 + static_cast<unsigned>(c - '0');
        }
        if (ok) length = v;
        else {
          bad = true;
          why = "Content-Length is not a number";
        }
      }
    }
    if (!bad && !length) {
      bad = true;
      why = "no Content-Length";
    }
    if (bad) {
      // Without a trustworthy length the block cannot be skipped exactly: go
      // on from here and resynchronise on the next version line. A header cut
      // by a corrupt gzip member is reported as that instead.
      if (HandleGaps(start)) return -1;
      Skip(start, why);
      after_bad_header_ = true;
      return -1;
    }
    // Record types: response (HTTP) and conversion (WET text) are documents.
    // Not read: warcinfo, request, metadata, revisit (no payload of its own),
    // continuation, and resource (crawler logs and files fetched outside HTTP,
    // e.g. wget's arguments and log in the same file; with no HTTP status or
    // headers there is no robots/TDM context for them).
    const bool wanted = supported && (type == "response" || type == "conversion");
    if (!wanted || *length > o_.max_record_bytes) {
      if (!supported) Skip(start, "unsupported WARC version");
      else if (wanted) Skip(start, "record larger than " + std::to_string(o_.max_record_bytes) + " bytes");
      if (!in_.Skip(*length)) return EndOfInput(start, wanted || !supported ? "" : "truncated WARC record");
      SkipTrailer();
      HandleGaps(start);
      return -1;
    }
    if (!in_.ReadExact(static_cast<std::size_t>(*length), &block_)) return EndOfInput(start, "truncated WARC record");
    SkipTrailer();
    if (HandleGaps(start)) return -1;
    *out = InputRecord();
    out->id = id;
    out->url = uri;
    out->date = date;
    out->lang = lang;  // WET: "eng,fra" (ISO 639-3), read by filters::PrimaryLanguageCode
    out->source_file = file_;
    out->offset = OffsetOf(start);
    if (type == "conversion") {
      out->kind = ContentKind::kText;
      out->content = std::move(block_);
      block_.clear();
      return 1;
    }
    if (!StartsWithIgnoreCase(content_type, "application/http")) return -1;  // e.g. a DNS response
    return ParseHttp(start, out) ? 1 : -1;
  }

  static std::string StripAngles(std::string_view v) {
    if (v.size() >= 2 && v.front() == '<' && v.back() == '>') v = v.substr(1, v.size() - 2);
    return std::string(v);
  }

  void SkipTrailer() {
    // Two CRLFs end a record; be lenient about how many are there.
    for (int i = 0; i < 4; ++i) {
      const int c = in_.Peek();
      if (c != '\r' && c != '\n') break;
      in_.Skip(1);
    }
  }

  // The HTTP response in block_: status, headers, body. Only 2xx text/html,
  // application/xhtml+xml and text/plain are documents; other records are
  // silently not documents (images, redirects), malformed ones are reported.
  bool ParseHttp(std::uint64_t start, InputRecord* out) {
    std::string_view b = block_;
    std::size_t eol = b.find('\n');
    if (eol == std::string_view::npos || b.substr(0, 5) != "HTTP/") {
      Skip(start, "response record without an HTTP status line");
      return false;
    }
    std::string_view status_line = TrimAsciiSpace(b.substr(0, eol));
    b.remove_prefix(eol + 1);
    const std::size_t sp = status_line.find(' ');
    int status = 0;
    if (sp != std::string_view::npos && status_line.size() >= sp + 4) {
      for (char c : status_line.substr(sp + 1, 3)) status = (c >= '0' && c <= '9') ? status * 10 + (c - '0') : -1000;
    }
    if (status < 100 || status > 999) {
      Skip(start, "malformed HTTP status line");
      return false;
    }
    std::string media, charset, transfer, encoding;
    bool headers_ended = false;
    while (!b.empty()) {
      eol = b.find('\n');
      std::string_view h = b.substr(0, eol);
      b.remove_prefix(eol == std::string_view::npos ? b.size() : eol + 1);
      if (!h.empty() && h.back() == '\r') h.remove_suffix(1);
      if (h.empty()) {
        headers_ended = true;
        break;
      }
      const std::size_t colon = h.find(':');
      if (colon == std::string_view::npos) continue;
      const std::string_view name = TrimAsciiSpace(h.substr(0, colon));
      const std::string_view value = TrimAsciiSpace(h.substr(colon + 1));
      if (out->headers.size() < 200) out->headers.emplace_back(std::string(name), std::string(value));
      if (EqualsIgnoreCase(name, "Content-Type")) ParseContentType(value, &media, &charset);
      else if (EqualsIgnoreCase(name, "Transfer-Encoding")) transfer = AsciiLower(value);
      else if (EqualsIgnoreCase(name, "Content-Encoding")) encoding = AsciiLower(value);
    }
    if (!headers_ended) {
      Skip(start, "truncated HTTP headers");
      return false;
    }
    out->http_status = status;
    if (!o_.any_response && (status < 200 || status > 299)) return false;
    if (media == "text/html" || media == "application/xhtml+xml") out->kind = ContentKind::kHtml;
    else if (media == "text/plain" || o_.any_response) out->kind = ContentKind::kText;
    else return false;
    out->charset = charset;
    // The body is what follows the headers in block_: drop the headers in
    // place rather than copying the body.
    block_.erase(0, static_cast<std::size_t>(b.data() - block_.data()));
    std::string body = std::move(block_);
    block_.clear();
    if (transfer.find("chunked") != std::string::npos) {
      std::string plain;
      // Many archives store the body already de-chunked while keeping the header.
      if (Dechunk(body, o_.max_record_bytes, &plain)) body = std::move(plain);
    }
    if (!encoding.empty() && encoding != "identity") {
      if (!DecodeBody(start, encoding, out->kind, &body)) return false;
    }
    out->content = std::move(body);
    return true;
  }

  // Content-Encoding of a body (gzip, x-gzip, deflate, br). Archives differ:
  // most keep the body as sent, some store it decoded but keep the header. So
  // a body that does not start like the declared encoding is used as is;
  // one that does but fails to decode, or that decodes beyond
  // max_record_bytes (a bomb), is reported and skipped.
  bool DecodeBody(std::uint64_t start, const std::string& encoding, ContentKind kind, std::string* body) {
    const auto u = [&](std::size_t i) { return body->size() > i ? static_cast<unsigned char>((*body)[i]) : 0u; };
    const bool gzip_magic = u(0) == 0x1f && u(1) == 0x8b;
    // RFC 1950 §2.2: CM = 8 and the two header bytes a multiple of 31.
    const bool zlib_header = (u(0) & 0x0f) == 8 && ((u(0) << 8) | u(1)) % 31 == 0;
    std::string plain;
    DecodeResult r = DecodeResult::kCorrupt;
    bool looks_encoded = false;
    if (encoding == "gzip" || encoding == "x-gzip" || encoding == "deflate") {
      if (gzip_magic || zlib_header) {
        looks_encoded = true;
        r = InflateBounded(*body, true, o_.max_record_bytes, &plain);
      }
      // RFC 9110 §8.4.1.2: "deflate" is zlib-wrapped, but some servers send
      // raw deflate, which has no header: tried when the zlib reading fails.
      if (encoding == "deflate" && r == DecodeResult::kCorrupt) {
        const DecodeResult raw = InflateBounded(*body, false, o_.max_record_bytes, &plain);
        if (raw != DecodeResult::kCorrupt) r = raw;
        else if (!looks_encoded) looks_encoded = !LooksLikeText(*body, kind);
      }
    } else if (encoding == "br") {
      r = BrotliBounded(*body, o_.max_record_bytes, &plain);
      // Brotli has no magic bytes either.
      looks_encoded = r != DecodeResult::kCorrupt || !LooksLikeText(*body, kind);
    } else {
      Skip(start, "unsupported Content-Encoding");
      return false;
    }
    switch (r) {
      case DecodeResult::kOk:
        *body = std::move(plain);
        return true;
      case DecodeResult::kTooLarge:
        Skip(start, "HTTP body (" + encoding + ") exceeds " + std::to_string(o_.max_record_bytes) + " bytes decoded");
        return false;
      case DecodeResult::kUnsupported:
        Skip(start, "unsupported Content-Encoding (" + encoding + ": built without its decoder)");
        return false;
      case DecodeResult::kCorrupt:
        if (!looks_encoded) return true;  // stored decoded: use it as is
        Skip(start, "HTTP body fails to decode (" + encoding + ")");
        return false;
    }
    return false;
  }

  // Markup for HTML, or no control bytes but tab/CR/LF in the first 512 bytes.
  static bool LooksLikeText(std::string_view body, ContentKind kind) {
    const std::string_view head = TrimAsciiSpace(body.substr(0, 512));
    if (kind == ContentKind::kHtml) return !head.empty() && head.front() == '<';
    for (const char c : head) {
      const auto b = static_cast<unsigned char>(c);
      if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') return false;
    }
    return true;
  }

  BufferedReader in_;
  std::string file_;
  ReaderOptions o_;
  std::string block_;
  std::vector<StreamGap> gaps_;
  bool after_bad_header_ = false;
  std::uint64_t skipped_ = 0;
  bool reported_stream_error_ = false;
};

}  // namespace

void ParseContentType(std::string_view v, std::string* media, std::string* charset) {
  const std::size_t semi = v.find(';');
  *media = AsciiLower(TrimAsciiSpace(v.substr(0, semi)));
  charset->clear();
  std::string_view rest = semi == std::string_view::npos ? std::string_view() : v.substr(semi + 1);
  while (!rest.empty()) {
    const std::size_t next = rest.find(';');
    std::string_view param = TrimAsciiSpace(rest.substr(0, next));
    rest = next == std::string_view::npos ? std::string_view() : rest.substr(next + 1);
    if (StartsWithIgnoreCase(param, "charset=")) {
      std::string_view c = TrimAsciiSpace(param.substr(8));
      if (c.size() >= 2 && (c.front() == '"' || c.front() == '\'') && c.back() == c.front()) c = c.substr(1, c.size() - 2);
      *charset = AsciiLower(c);
    }
  }
}

std::unique_ptr<RecordReader> NewWarcReader(std::unique_ptr<ByteStream> stream, const std::string& name,
                                            const ReaderOptions& options) {
  return std::unique_ptr<RecordReader>(new WarcReader(std::move(stream), name, options));
}

}  // namespace moisson::io
