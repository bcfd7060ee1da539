// The JSONL output writer (io/record.h gives its contract), over core DurableFile.
#include "io/record.h"

#include <fcntl.h>
#include <unistd.h>
#include <zstd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

#include "core/file_util.h"
#include "core/strings.h"

namespace moisson::io {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// ---- JSONL writer -----------------------------------------------------------------

class FileJsonlWriter : public JsonlWriter {
 public:
  // Into a DurableFile (replaced on Commit), or in place on a stream `fd`.
  FileJsonlWriter(std::string path, std::optional<DurableFile> file, int stream_fd, int zstd_level)
      : path_(std::move(path)), file_(std::move(file)), fd_(file_ ? file_->fd() : stream_fd) {
    if (zstd_level > 0) {
      cctx_ = ZSTD_createCCtx();
      ZSTD_CCtx_setParameter(cctx_, ZSTD_c_compressionLevel, zstd_level);
      ZSTD_CCtx_setParameter(cctx_, ZSTD_c_checksumFlag, 1);
    }
    buf_.reserve(kFlush + 4096);
  }
  ~FileJsonlWriter() override {
    if (cctx_) ZSTD_freeCCtx(cctx_);
    if (!file_ && fd_ >= 0) ::close(fd_);  // a DurableFile closes (and removes) its own
  }
  Status Write(std::string_view line) override {
    if (!error_.ok()) return error_;
    buf_.append(line).push_back('\n');
    ++lines_;
    if (buf_.size() >= kFlush) return Flush(false);
    return Status::Ok();
  }
  Status Commit() override {
    if (committed_) return Status::Ok();
    if (!error_.ok()) return error_;
    if (Status st = Flush(true); !st.ok()) return st;
    if (!file_) {
      // Written in place (standard output, a device, a FIFO): nothing to rename.
      const int fd = fd_;
      fd_ = -1;
      if (::close(fd) != 0) return Fail("close");
      committed_ = true;
      return Status::Ok();
    }
    fd_ = -1;
    if (Status st = file_->Commit(); !st.ok()) {
      error_ = st;
      return st;
    }
    committed_ = true;
    return Status::Ok();
  }
  std::uint64_t lines() const override { return lines_; }

 private:
  static constexpr std::size_t kFlush = 1u << 20;

  Status Fail(const char* what) {
    error_ = Status::Io(path_ + ": " + what + " failed (" + std::strerror(errno) + ")");
    return error_;
  }
  Status WriteAll(const char* p, std::size_t n) {
    while (n > 0) {
      const ssize_t w = ::write(fd_, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return Fail("write");
      }
      p += w;
      n -= static_cast<std::size_t>(w);
    }
    return Status::Ok();
  }
  Status Flush(bool end) {
    if (!cctx_) {
      Status st = WriteAll(buf_.data(), buf_.size());
      buf_.clear();
      return st;
    }
    ZSTD_inBuffer in{buf_.data(), buf_.size(), 0};
    const ZSTD_EndDirective mode = end ? ZSTD_e_end : ZSTD_e_continue;
    while (true) {
      ZSTD_outBuffer out{zbuf_, sizeof zbuf_, 0};
      const std::size_t rc = ZSTD_compressStream2(cctx_, &out, &in, mode);
      if (ZSTD_isError(rc)) {
        error_ = Status::Internal(path_ + ": zstd: " + ZSTD_getErrorName(rc));
        return error_;
      }
      if (Status st = WriteAll(zbuf_, out.pos); !st.ok()) return st;
      if (end ? rc == 0 : in.pos == in.size) break;
    }
    buf_.clear();
    return Status::Ok();
  }

  std::string path_;
  std::optional<DurableFile> file_;
  int fd_;
  ZSTD_CCtx* cctx_ = nullptr;
  std::string buf_;
  char zbuf_[1 << 16];
  std::uint64_t lines_ = 0;
  bool committed_ = false;
  Status error_;
};

}  // namespace

Result<std::unique_ptr<JsonlWriter>> JsonlWriter::Create(const std::string& path, int zstd_level, int mode) {
  auto target = ResolveOutput(path);
  if (!target.ok()) return target.status();
  const bool zst = EndsWith(AsciiLower(path), ".zst") || EndsWith(AsciiLower(path), ".zstd");
  const int level = zst ? std::max(1, zstd_level) : 0;
  if (target->kind == OutputTarget::Kind::kStream) {
    auto fd = OpenOutputStream(*target);
    if (!fd.ok()) return fd.status();
    return std::unique_ptr<JsonlWriter>(new FileJsonlWriter(path, std::nullopt, *fd, level));
  }
  auto file = DurableFile::Create(target->path, static_cast<unsigned>(mode));
  if (!file.ok()) return file.status();
  return std::unique_ptr<JsonlWriter>(new FileJsonlWriter(target->path, std::move(file).value(), -1, level));
}

}  // namespace moisson::io
