#include "io/stream.h"

#include <zlib.h>
#include <zstd.h>
#ifdef MOISSON_HAVE_BROTLI
#include <brotli/decode.h>
#endif

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>

namespace moisson::io {
namespace {

constexpr std::size_t kBlock = 1u << 20;

class FileSource : public ByteSource {
 public:
  explicit FileSource(std::FILE* f) : f_(f) {}
  ~FileSource() override { std::fclose(f_); }
  long Read(char* buf, std::size_t n) override {
    const std::size_t got = std::fread(buf, 1, n, f_);
    if (got == 0 && std::ferror(f_)) return -1;
    return static_cast<long>(got);
  }

 private:
  std::FILE* f_;
};

class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string_view d) : d_(d) {}
  long Read(char* buf, std::size_t n) override {
    n = std::min(n, d_.size());
    std::memcpy(buf, d_.data(), n);
    d_.remove_prefix(n);
    return static_cast<long>(n);
  }

 private:
  std::string_view d_;
};

// The compressed input, with what was already read (the sniffed magic bytes).
class Input {
 public:
  Input(std::unique_ptr<ByteSource> src, std::string name) : src_(std::move(src)), name_(std::move(name)) {}
  // Makes at least one unread byte available; false at the end or on error.
  bool Ensure() {
    if (pos_ < buf_.size()) return true;
    if (eof_) return false;
    buf_.resize(kBlock);
    const long n = src_->Read(buf_.data(), buf_.size());
    if (n < 0) {
      io_error_ = true;
      eof_ = true;
      buf_.clear();
      pos_ = 0;
      return false;
    }
    buf_.resize(static_cast<std::size_t>(n));
    pos_ = 0;
    if (n == 0) eof_ = true;
    return n > 0;
  }
  std::string_view Peek(std::size_t n) {
    while (buf_.size() - pos_ < n && !eof_) {
      std::string more(kBlock, '\0');
      const long got = src_->Read(more.data(), more.size());
      if (got <= 0) {
        if (got < 0) io_error_ = true;
        eof_ = true;
        break;
      }
      buf_.erase(0, pos_);
      pos_ = 0;
      buf_.append(more.data(), static_cast<std::size_t>(got));
    }
    return std::string_view(buf_).substr(pos_, n);
  }
  const char* data() const { return buf_.data() + pos_; }
  std::size_t available() const { return buf_.size() - pos_; }
  void Consume(std::size_t n) {
    pos_ += n;
    consumed_ += n;
    high_ = std::max(high_, consumed_);
  }
  // Offset of the next unread byte in the file.
  std::uint64_t consumed() const { return consumed_; }
  // The furthest offset ever read (for progress: it never goes back).
  std::uint64_t high_water() const { return high_; }
  // Goes back to file offset `offset` when it is still buffered; false otherwise.
  bool Rewind(std::uint64_t offset) {
    if (offset > consumed_ || consumed_ - offset > pos_) return false;
    pos_ -= static_cast<std::size_t>(consumed_ - offset);
    consumed_ = offset;
    return true;
  }
  bool io_error() const { return io_error_; }
  const std::string& name() const { return name_; }
  // "NAME: what failed" after an I/O error.
  std::string io_error_text() const { return name_ + ": " + src_->failure(); }

 private:
  std::unique_ptr<ByteSource> src_;
  std::string name_;
  std::string buf_;
  std::size_t pos_ = 0;
  bool eof_ = false;
  bool io_error_ = false;
  std::uint64_t consumed_ = 0;
  std::uint64_t high_ = 0;
};

class PlainStream : public ByteStream {
 public:
  explicit PlainStream(std::unique_ptr<Input> in) : in_(std::move(in)) {}
  std::size_t Read(std::string* out, std::size_t max) override {
    if (!in_->Ensure()) {
      if (in_->io_error() && error_.empty()) error_ = in_->io_error_text();
      return 0;
    }
    const std::size_t n = std::min(max, in_->available());
    out->append(in_->data(), n);
    in_->Consume(n);
    return n;
  }
  const std::string& error() const override { return error_; }
  std::uint64_t consumed() const override { return in_->high_water(); }
  Compression compression() const override { return Compression::kNone; }
  bool io_failed() const override { return in_->io_error(); }

 private:
  std::unique_ptr<Input> in_;
  std::string error_;
};

// gzip, member after member (RFC 1952 2.2: a file may hold several).
class GzipStream : public ByteStream {
 public:
  explicit GzipStream(std::unique_ptr<Input> in) : in_(std::move(in)) {
    std::memset(&z_, 0, sizeof z_);
    inflateInit2(&z_, 15 + 16);
    members_.push_back({0, 0});
  }
  ~GzipStream() override { inflateEnd(&z_); }

  std::size_t Read(std::string* out, std::size_t max) override {
    if (done_) return 0;
    const std::size_t start = out->size();
    out->resize(start + max);
    z_.next_out = reinterpret_cast<Bytef*>(out->data() + start);
    z_.avail_out = static_cast<uInt>(max);
    while (z_.avail_out > 0) {
      if (pending_newline_) {
        *z_.next_out++ = '\n';
        --z_.avail_out;
        pending_newline_ = false;
        continue;
      }
      if (!in_->Ensure()) {
        if (in_->io_error()) {
          Fail(in_->io_error_text());
        } else if (in_member_) {
          Fail("truncated gzip member at offset " + std::to_string(members_.back().second));
        } else {
          done_ = true;
        }
        break;
      }
      if (resync_) {
        if (!FindNextMember()) continue;  // input consumed; Ensure() tells the end
        resync_ = false;
      }
      if (!in_member_) {
        // Between members: only another gzip member may follow; anything else
        // is skipped up to the next member header.
        const std::string_view magic = in_->Peek(3);
        if (magic.size() < 3 || static_cast<unsigned char>(magic[0]) != 0x1f ||
            static_cast<unsigned char>(magic[1]) != 0x8b || magic[2] != 8) {
          Gap(max, "bytes that are not gzip at offset " + std::to_string(in_->consumed()) +
                       " (skipped to the next member)");
          continue;
        }
        inflateReset(&z_);
        in_member_ = true;
        members_.push_back({produced_ + (max - z_.avail_out), in_->consumed()});
        if (members_.size() > 4096) members_.erase(members_.begin(), members_.begin() + 2048);
      }
      z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in_->data()));
      z_.avail_in = static_cast<uInt>(std::min<std::size_t>(in_->available(), 1u << 30));
      const uInt before = z_.avail_in;
      const int rc = inflate(&z_, Z_NO_FLUSH);
      in_->Consume(before - z_.avail_in);
      if (rc == Z_STREAM_END) {
        in_member_ = false;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        // RFC 1952 members are independent: what follows the next member
        // header can still be read (per-record WARC.gz loses one record).
        in_member_ = false;
        // zlib may have read past the member's end (a bad trailer takes the
        // next header with it): look for the next member from just after this
        // one's header when those bytes are still buffered.
        if (!in_->Rewind(members_.back().second + 1) && before == z_.avail_in && in_->available() > 0) {
          in_->Consume(1);  // always move on
        }
        Gap(max, "corrupt gzip data in the member at offset " + std::to_string(members_.back().second) +
                     " (skipped to the next member)");
      }
    }
    const std::size_t got = max - z_.avail_out;
    out->resize(start + got);
    produced_ += got;
    return got;
  }
  const std::string& error() const override { return error_; }
  std::uint64_t consumed() const override { return in_->high_water(); }
  std::uint64_t MemberOffset(std::uint64_t pos) const override {
    std::uint64_t best = 0;
    for (auto it = members_.rbegin(); it != members_.rend(); ++it) {
      if (it->first <= pos) {
        best = it->second;
        break;
      }
    }
    return best;
  }
  Compression compression() const override { return Compression::kGzip; }
  bool io_failed() const override { return in_->io_error(); }
  void TakeGaps(std::uint64_t before, std::vector<StreamGap>* out) override {
    while (!gaps_.empty() && gaps_.front().pos < before) {
      out->push_back(std::move(gaps_.front()));
      gaps_.pop_front();
    }
  }

 private:
  // Records a gap at the current output position, to be marked by a '\n',
  // and starts looking for the next member header.
  void Gap(std::size_t max, std::string msg) {
    const std::uint64_t pos = produced_ + (max - z_.avail_out);
    if (gaps_.size() < 4096) gaps_.push_back(StreamGap{pos, std::move(msg)});
    pending_newline_ = true;
    resync_ = true;
  }
  // Skips input up to the next "1f 8b 08" (gzip member with deflate); true
  // when there, false when the available input was used up first.
  bool FindNextMember() {
    while (in_->Ensure()) {
      const void* p = std::memchr(in_->data(), 0x1f, in_->available());
      if (p == nullptr) {
        in_->Consume(in_->available());
        continue;
      }
      in_->Consume(static_cast<std::size_t>(static_cast<const char*>(p) - in_->data()));
      const std::string_view m = in_->Peek(3);
      if (m.size() == 3 && static_cast<unsigned char>(m[1]) == 0x8b && m[2] == 8) return true;
      in_->Consume(m.size() < 3 ? m.size() : 1);
    }
    return false;
  }

  void Fail(std::string msg) {
    if (error_.empty()) error_ = std::move(msg);
    done_ = true;
  }
  std::unique_ptr<Input> in_;
  z_stream z_;
  bool in_member_ = false;
  bool resync_ = false;
  bool pending_newline_ = false;
  std::deque<StreamGap> gaps_;
  bool done_ = false;
  std::uint64_t produced_ = 0;
  // (decompressed offset where a member starts, its compressed offset)
  std::vector<std::pair<std::uint64_t, std::uint64_t>> members_;
  std::string error_;
};

class ZstdStream : public ByteStream {
 public:
  explicit ZstdStream(std::unique_ptr<Input> in) : in_(std::move(in)), d_(ZSTD_createDStream()) {
    ZSTD_initDStream(d_);
    // A window larger than 128 MiB is refused: bounded memory.
    ZSTD_DCtx_setParameter(d_, ZSTD_d_windowLogMax, 27);
  }
  ~ZstdStream() override { ZSTD_freeDStream(d_); }
  std::size_t Read(std::string* out, std::size_t max) override {
    if (done_) return 0;
    const std::size_t start = out->size();
    out->resize(start + max);
    ZSTD_outBuffer ob{out->data() + start, max, 0};
    while (ob.pos < ob.size) {
      if (!in_->Ensure()) {
        if (in_->io_error()) Fail(in_->io_error_text());
        else if (in_frame_) Fail("truncated zstd frame");
        else done_ = true;
        break;
      }
      ZSTD_inBuffer ib{in_->data(), in_->available(), 0};
      const std::size_t rc = ZSTD_decompressStream(d_, &ob, &ib);
      in_->Consume(ib.pos);
      if (ZSTD_isError(rc)) {
        Fail(std::string("corrupt zstd data: ") + ZSTD_getErrorName(rc));
        break;
      }
      in_frame_ = rc != 0;
    }
    out->resize(start + ob.pos);
    return ob.pos;
  }
  const std::string& error() const override { return error_; }
  std::uint64_t consumed() const override { return in_->high_water(); }
  Compression compression() const override { return Compression::kZstd; }
  bool io_failed() const override { return in_->io_error(); }

 private:
  void Fail(std::string msg) {
    if (error_.empty()) error_ = std::move(msg);
    done_ = true;
  }
  std::unique_ptr<Input> in_;
  ZSTD_DStream* d_;
  bool in_frame_ = false;
  bool done_ = false;
  std::string error_;
};

std::unique_ptr<ByteStream> Wrap(std::unique_ptr<Input> in) {
  const std::string_view magic = in->Peek(4);
  if (magic.size() >= 2 && static_cast<unsigned char>(magic[0]) == 0x1f &&
      static_cast<unsigned char>(magic[1]) == 0x8b) {
    return std::make_unique<GzipStream>(std::move(in));
  }
  if (magic.size() == 4 && static_cast<unsigned char>(magic[0]) == 0x28 &&
      static_cast<unsigned char>(magic[1]) == 0xb5 && static_cast<unsigned char>(magic[2]) == 0x2f &&
      static_cast<unsigned char>(magic[3]) == 0xfd) {
    return std::make_unique<ZstdStream>(std::move(in));
  }
  return std::make_unique<PlainStream>(std::move(in));
}

class PrependStream : public ByteStream {
 public:
  PrependStream(std::string head, std::unique_ptr<ByteStream> rest) : head_(std::move(head)), rest_(std::move(rest)) {}
  std::size_t Read(std::string* out, std::size_t max) override {
    if (pos_ < head_.size()) {
      const std::size_t n = std::min(max, head_.size() - pos_);
      out->append(head_, pos_, n);
      pos_ += n;
      return n;
    }
    return rest_->Read(out, max);
  }
  const std::string& error() const override { return rest_->error(); }
  std::uint64_t consumed() const override { return rest_->consumed(); }
  std::uint64_t MemberOffset(std::uint64_t pos) const override { return rest_->MemberOffset(pos); }
  Compression compression() const override { return rest_->compression(); }
  bool io_failed() const override { return rest_->io_failed(); }
  void TakeGaps(std::uint64_t before, std::vector<StreamGap>* out) override { rest_->TakeGaps(before, out); }

 private:
  std::string head_;
  std::size_t pos_ = 0;
  std::unique_ptr<ByteStream> rest_;
};

}  // namespace

std::unique_ptr<ByteStream> PrependBytes(std::string head, std::unique_ptr<ByteStream> rest) {
  return std::make_unique<PrependStream>(std::move(head), std::move(rest));
}

Result<std::unique_ptr<ByteStream>> OpenByteStream(const std::string& path, const HttpOptions& http) {
  if (IsHttpUrl(path)) return Wrap(std::make_unique<Input>(NewHttpSource(path, http), DisplayUrl(path)));
  // "-" is standard input (a duplicate of it, so that closing the stream
  // leaves fd 0 alone).
  std::FILE* f = nullptr;
  if (path == "-") {
    const int fd = ::dup(STDIN_FILENO);
    if (fd < 0 || (f = ::fdopen(fd, "rb")) == nullptr) {
      if (fd >= 0) ::close(fd);
      return Status::Io("standard input: cannot read (" + std::string(std::strerror(errno)) + ")");
    }
  } else {
    f = std::fopen(path.c_str(), "rb");
  }
  if (f == nullptr) return Status::NotFound(path + ": cannot open (" + std::strerror(errno) + ")");
  return Wrap(std::make_unique<Input>(std::make_unique<FileSource>(f), path));
}

std::unique_ptr<ByteStream> MemoryByteStream(std::string_view data) {
  return Wrap(std::make_unique<Input>(std::make_unique<MemorySource>(data), "<memory>"));
}

bool BufferedReader::Fill(std::size_t want) {
  while (buf_.size() - pos_ < want && !eof_) {
    if (pos_ > 0 && pos_ >= buf_.size() / 2) {
      buf_.erase(0, pos_);
      base_ += pos_;
      pos_ = 0;
    }
    if (stream_->Read(&buf_, std::max(kBlock, want - (buf_.size() - pos_))) == 0) eof_ = true;
  }
  return buf_.size() - pos_ >= want;
}

bool BufferedReader::ReadLine(std::string_view* line, std::size_t max, bool* too_long) {
  *too_long = false;
  unterminated_ = false;
  std::size_t scanned = 0;
  while (true) {
    const char* start = buf_.data() + pos_;
    const std::size_t avail = buf_.size() - pos_;
    const void* nl = std::memchr(start + scanned, '\n', avail - scanned);
    if (nl != nullptr) {
      const std::size_t len = static_cast<const char*>(nl) - start;
      std::size_t keep = len;
      if (keep > 0 && start[keep - 1] == '\r') --keep;
      if (keep > max) {
        *too_long = true;
        keep = max;
      }
      *line = std::string_view(start, keep);
      pos_ += len + 1;
      return true;
    }
    scanned = avail;
    if (avail > max) {
      // Too long: skip to the end of this line, report its first `max` bytes' worth as cut.
      *too_long = true;
      while (true) {
        base_ += buf_.size();
        buf_.clear();
        pos_ = 0;
        if (!Fill(1)) {
          *line = std::string_view();
          unterminated_ = true;
          return true;
        }
        const void* end = std::memchr(buf_.data(), '\n', buf_.size());
        if (end != nullptr) {
          pos_ = static_cast<const char*>(end) - buf_.data() + 1;
          *line = std::string_view();
          return true;
        }
      }
    }
    if (!Fill(avail + 1)) {
      if (buf_.size() == pos_) return false;
      // Last line without '\n'.
      const std::size_t n = buf_.size() - pos_;
      *line = std::string_view(buf_.data() + pos_, std::min(n, max));
      *too_long = n > max;
      pos_ = buf_.size();
      unterminated_ = true;
      return true;
    }
    // Fill may have moved the buffer: recompute on the next turn.
  }
}

bool BufferedReader::ReadExact(std::size_t n, std::string* out) {
  out->clear();
  const bool ok = Fill(n);
  const std::size_t take = std::min(n, buf_.size() - pos_);
  out->assign(buf_.data() + pos_, take);
  pos_ += take;
  return ok;
}

bool BufferedReader::Skip(std::uint64_t n) {
  while (n > 0) {
    if (!Fill(1)) return false;
    const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(n, buf_.size() - pos_));
    pos_ += take;
    n -= take;
  }
  return true;
}

bool BufferedReader::Rewind(std::uint64_t pos) {
  if (pos < base_ || pos > base_ + buf_.size()) return false;
  pos_ = static_cast<std::size_t>(pos - base_);
  unterminated_ = false;
  return true;
}

int BufferedReader::Peek() {
  if (!Fill(1)) return -1;
  return static_cast<unsigned char>(buf_[pos_]);
}

DecodeResult InflateBounded(std::string_view in, bool gzip_or_zlib, std::size_t max_out, std::string* out) {
  out->clear();
  z_stream z;
  std::memset(&z, 0, sizeof z);
  // 15 + 32: gzip or zlib header, detected; -15: raw deflate.
  if (inflateInit2(&z, gzip_or_zlib ? 15 + 32 : -15) != Z_OK) return DecodeResult::kCorrupt;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(std::min<std::size_t>(in.size(), 1u << 30));
  int rc = Z_OK;
  while (rc == Z_OK) {
    const std::size_t start = out->size();
    const std::size_t chunk = std::min<std::size_t>(1u << 18, max_out + 1 - start);
    if (chunk == 0) break;
    out->resize(start + chunk);
    z.next_out = reinterpret_cast<Bytef*>(out->data() + start);
    z.avail_out = static_cast<uInt>(chunk);
    rc = inflate(&z, Z_NO_FLUSH);
    out->resize(start + chunk - z.avail_out);
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;  // input ended without a stream end
    if (out->size() > max_out) break;
  }
  inflateEnd(&z);
  if (out->size() > max_out) return DecodeResult::kTooLarge;
  return rc == Z_STREAM_END ? DecodeResult::kOk : DecodeResult::kCorrupt;
}

DecodeResult BrotliBounded(std::string_view in, std::size_t max_out, std::string* out) {
  out->clear();
#ifdef MOISSON_HAVE_BROTLI
  BrotliDecoderState* st = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  if (st == nullptr) return DecodeResult::kCorrupt;
  const std::uint8_t* next_in = reinterpret_cast<const std::uint8_t*>(in.data());
  std::size_t avail_in = in.size();
  BrotliDecoderResult rc = BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT;
  while (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT && out->size() <= max_out) {
    const std::size_t start = out->size();
    const std::size_t chunk = std::min<std::size_t>(1u << 18, max_out + 1 - start);
    out->resize(start + chunk);
    std::uint8_t* next_out = reinterpret_cast<std::uint8_t*>(out->data() + start);
    std::size_t avail_out = chunk;
    rc = BrotliDecoderDecompressStream(st, &avail_in, &next_in, &avail_out, &next_out, nullptr);
    out->resize(start + chunk - avail_out);
  }
  BrotliDecoderDestroyInstance(st);
  if (out->size() > max_out) return DecodeResult::kTooLarge;
  return rc == BROTLI_DECODER_RESULT_SUCCESS ? DecodeResult::kOk : DecodeResult::kCorrupt;
#else
  (void)in;
  (void)max_out;
  return DecodeResult::kUnsupported;
#endif
}

}  // namespace moisson::io
