#include "io/writers.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <limits>
#include <utility>
#include <vector>

#include "core/file_util.h"
#include "core/strings.h"
#include "core/time_util.h"

namespace moisson::io {
namespace {

constexpr std::string_view kPartial = ".partial";

std::string ErrnoText(int err) { return std::strerror(err); }

bool IsValidPrefix(std::string_view p) {
  if (p.empty() || p.front() == '.') return false;
  for (const char c : p) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

// mkdir -p with mode 0755; `dir` must end up a folder.
Status MakeDirs(const std::string& dir) {
  for (std::size_t i = 1; i <= dir.size(); ++i) {
    if (i != dir.size() && dir[i] != '/') continue;
    const std::string part = dir.substr(0, i);
    if (::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) {
      return Status::Io(part + ": cannot create the folder (" + ErrnoText(errno) + ")");
    }
  }
  struct stat sb;
  if (::stat(dir.c_str(), &sb) != 0)
    return Status::Io(dir + ": cannot open the folder (" + ErrnoText(errno) + ")");
  if (!S_ISDIR(sb.st_mode)) return Status::InvalidArgument(dir + ": is not a folder");
  return Status::Ok();
}

std::string NormalizeDir(std::string dir) {
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  return dir;
}

Status ValidateOptions(const ShardOptions& o, const std::string& prefix) {
  if (o.dir.empty()) return Status::InvalidArgument("output folder: empty path");
  if (!IsValidPrefix(prefix)) {
    return Status::InvalidArgument(
        o.dir + ": file prefix '" + ClipForMessage(prefix) +
        "' must be letters, digits, '.', '_' or '-', not starting with '.'");
  }
  if (o.max_shard_bytes == 0)
    return Status::InvalidArgument(o.dir + ": maximum shard size must be above 0");
  return Status::Ok();
}

// ---- ShardFiles: numbering, .partial names, buffering, durability ---------------

class ShardFiles {
 public:
  ShardFiles(std::string dir, std::string prefix, std::string ext)
      : dir_(NormalizeDir(std::move(dir))), prefix_(std::move(prefix)), ext_(std::move(ext)) {
    buf_.reserve(kFlush);
  }
  ~ShardFiles() {
    if (fd_ >= 0) ::close(fd_);
  }
  ShardFiles(const ShardFiles&) = delete;
  ShardFiles& operator=(const ShardFiles&) = delete;

  // Opens shard 0 of a new run, or resumes at `at` (see outputs.h).
  Status Start(std::optional<ShardPosition> at) {
    if (Status st = MakeDirs(dir_); !st.ok()) return st;
    std::vector<std::pair<std::uint32_t, std::string>> found;
    if (Status st = Scan(&found); !st.ok()) return st;
    if (!at) {
      if (!found.empty()) {
        return Status::InvalidArgument(found.front().second +
                                       ": the output folder already holds shards of an earlier run "
                                       "(resume that run, or choose another folder)");
      }
      shard_ = 0;
      return OpenPartial(/*create=*/true, 0);
    }
    shard_ = at->shard;
    // Shard `shard_` is checked before anything is removed: a position that
    // does not match the files changes nothing.
    const std::string final_path = FinalPath(shard_), partial_path = PartialPath(shard_);
    struct stat final_sb, partial_sb;
    const bool have_final = ::stat(final_path.c_str(), &final_sb) == 0;
    const bool have_partial = ::stat(partial_path.c_str(), &partial_sb) == 0;
    if (have_final && have_partial) {
      return Status::InvalidArgument(partial_path + ": both it and " + final_path +
                                     " exist; cannot tell which one the checkpoint refers to");
    }
    if (!have_final && !have_partial && at->bytes > 0) {
      return Status::NotFound(
          final_path + ": missing (nor is there a .partial file); the checkpoint says it holds " +
          std::to_string(at->bytes) + " bytes");
    }
    if (have_final || have_partial) {
      const struct stat& sb = have_final ? final_sb : partial_sb;
      if (static_cast<std::uint64_t>(sb.st_size) < at->bytes) {
        return Status::InvalidArgument((have_final ? final_path : partial_path) + ": holds " +
                                       std::to_string(sb.st_size) + " bytes, fewer than the " +
                                       std::to_string(at->bytes) +
                                       " the checkpoint counts as written");
      }
    }
    // Later shards hold only records written after the checkpoint.
    for (const auto& [index, path] : found) {
      if (index <= shard_) continue;
      if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        return Status::Io(path + ": cannot remove a shard written after the checkpoint (" +
                          ErrnoText(errno) + ")");
      }
      dir_dirty_ = true;
    }
    if (!have_final && !have_partial) return OpenPartial(/*create=*/true, 0);
    if (have_final) {
      if (::rename(final_path.c_str(), partial_path.c_str()) != 0) {
        return Status::Io(final_path + ": cannot rename to " + partial_path + " (" +
                          ErrnoText(errno) + ")");
      }
      dir_dirty_ = true;
    }
    return OpenPartial(/*create=*/false, at->bytes);
  }

  std::uint32_t shard() const { return shard_; }
  // Bytes in the current shard, buffered ones included.
  std::uint64_t size() const { return written_ + buf_.size(); }
  std::string FinalPath(std::uint32_t k) const { return dir_ + "/" + FinalName(k); }
  std::string PartialPath(std::uint32_t k) const { return FinalPath(k) + std::string(kPartial); }
  const Status& error() const { return error_; }
  // Records `st` as the writer's sticky error and returns it.
  Status SetError(Status st) {
    error_ = std::move(st);
    return error_;
  }

  Status Append(std::string_view data) {
    if (!error_.ok()) return error_;
    if (buf_.size() + data.size() <= kFlush) {
      buf_.append(data);
      return Status::Ok();
    }
    if (Status st = Flush(); !st.ok()) return st;
    if (data.size() >= kFlush) {
      if (Status st = WriteAll(data.data(), data.size()); !st.ok()) return st;
      written_ += data.size();
    } else {
      buf_.append(data);
    }
    return Status::Ok();
  }

  // Everything appended is on disk, and so is the folder entry of the file.
  Status Sync() {
    if (!error_.ok()) return error_;
    if (Status st = Flush(); !st.ok()) return st;
    if (::fsync(fd_) != 0) return Fail(PartialPath(shard_), "fsync");
    if (dir_dirty_) {
      if (Status st = SyncDir(); !st.ok()) return st;
    }
    return Status::Ok();
  }

  // The current shard (complete records only: the caller ended its encoding)
  // gets its final name; the next one is created as .partial.
  Status Rotate() {
    if (Status st = CloseCurrent(); !st.ok()) return st;
    if (shard_ == std::numeric_limits<std::uint32_t>::max()) {
      return SetError(Status::InvalidArgument(FinalPath(shard_) + ": no shard number left"));
    }
    ++shard_;
    return OpenPartial(/*create=*/true, 0);
  }

  // Sync, close and rename the current shard to its final name.
  Status Finish() {
    if (Status st = CloseCurrent(); !st.ok()) return st;
    return SyncDir();
  }

 private:
  static constexpr std::size_t kFlush = 1u << 20;

  std::string FinalName(std::uint32_t k) const {
    char num[16];
    std::snprintf(num, sizeof num, "%05u", static_cast<unsigned>(k));
    return prefix_ + "-" + num + ext_;
  }

  // Shards of this prefix and extension, under either name, by index.
  Status Scan(std::vector<std::pair<std::uint32_t, std::string>>* found) {
    DIR* d = ::opendir(dir_.c_str());
    if (!d) return Status::Io(dir_ + ": cannot list the folder (" + ErrnoText(errno) + ")");
    const std::string lead = prefix_ + "-";
    while (const dirent* e = ::readdir(d)) {
      std::string_view name = e->d_name;
      if (name.size() <= lead.size() || name.substr(0, lead.size()) != lead) continue;
      std::string_view rest = name.substr(lead.size());
      std::size_t digits = 0;
      std::uint64_t index = 0;
      while (digits < rest.size() && digits < 11 && rest[digits] >= '0' && rest[digits] <= '9') {
        index = index * 10 + static_cast<unsigned>(rest[digits] - '0');
        ++digits;
      }
      if (digits == 0 || index > std::numeric_limits<std::uint32_t>::max()) continue;
      const auto k = static_cast<std::uint32_t>(index);
      const std::string final_name = FinalName(k);
      if (name == final_name || name == final_name + std::string(kPartial)) {
        found->emplace_back(k, dir_ + "/" + std::string(name));
      }
    }
    ::closedir(d);
    std::sort(found->begin(), found->end());
    return Status::Ok();
  }

  Status OpenPartial(bool create, std::uint64_t truncate_to) {
    const std::string path = PartialPath(shard_);
    const int flags = O_WRONLY | O_CLOEXEC | (create ? O_CREAT | O_EXCL : 0);
    fd_ = ::open(path.c_str(), flags, 0644);
    if (fd_ < 0) {
      return SetError(Status::Io(path + ": cannot " + (create ? "create" : "open") + " (" +
                                 ErrnoText(errno) + ")"));
    }
    if (create) dir_dirty_ = true;
    struct stat sb;
    if (::fstat(fd_, &sb) != 0) return Fail(path, "stat");
    if (static_cast<std::uint64_t>(sb.st_size) < truncate_to) {
      return SetError(Status::InvalidArgument(
          path + ": holds " + std::to_string(sb.st_size) + " bytes, fewer than the " +
          std::to_string(truncate_to) + " the checkpoint counts as written"));
    }
    if (static_cast<std::uint64_t>(sb.st_size) > truncate_to &&
        ::ftruncate(fd_, static_cast<off_t>(truncate_to)) != 0) {
      return Fail(path, "truncate to the checkpoint");
    }
    if (::lseek(fd_, static_cast<off_t>(truncate_to), SEEK_SET) < 0) return Fail(path, "seek");
    written_ = truncate_to;
    buf_.clear();
    return Status::Ok();
  }

  // The shard's records to disk, then its final name (core FinishFile:
  // fsync, close, rename, folder fsync).
  Status CloseCurrent() {
    if (!error_.ok()) return error_;
    if (Status st = Flush(); !st.ok()) return st;
    const int fd = fd_;
    fd_ = -1;
    if (Status st = FinishFile(fd, PartialPath(shard_), FinalPath(shard_)); !st.ok()) return SetError(st);
    dir_dirty_ = false;
    return Status::Ok();
  }

  Status SyncDir() {
    if (Status st = moisson::SyncDir(dir_); !st.ok()) return SetError(st);
    dir_dirty_ = false;
    return Status::Ok();
  }

  Status Flush() {
    if (buf_.empty()) return Status::Ok();
    if (Status st = WriteAll(buf_.data(), buf_.size()); !st.ok()) return st;
    written_ += buf_.size();
    buf_.clear();
    return Status::Ok();
  }

  Status WriteAll(const char* p, std::size_t n) {
    while (n > 0) {
      const ssize_t w = ::write(fd_, p, n);
      if (w < 0) {
        if (errno == EINTR) continue;
        return Fail(PartialPath(shard_), "write");
      }
      p += w;
      n -= static_cast<std::size_t>(w);
    }
    return Status::Ok();
  }

  Status Fail(const std::string& path, const char* what) {
    const int err = errno;
    return SetError(Status::Io(path + ": " + what + " failed (" + ErrnoText(err) + ")"));
  }

  const std::string dir_, prefix_, ext_;
  std::uint32_t shard_ = 0;
  int fd_ = -1;
  std::uint64_t written_ = 0;  // bytes of the current shard already handed to write(2)
  std::string buf_;
  bool dir_dirty_ =
      false;  // a file was created, renamed or removed since the folder was last synced
  Status error_;
};

Status ClosedError(const std::string& path) {
  return Status::InvalidArgument(path + ": the writer is closed");
}

// ---- JSONL shards ----------------------------------------------------------------

class JsonlShardWriter final : public ShardWriter {
 public:
  JsonlShardWriter(std::unique_ptr<ShardFiles> files, std::uint64_t max_bytes)
      : files_(std::move(files)), max_bytes_(max_bytes) {}
  ~JsonlShardWriter() override {
    if (cctx_) ZSTD_freeCCtx(cctx_);
  }

  Status InitZstd(int level) {
    cctx_ = ZSTD_createCCtx();
    if (!cctx_)
      return Status::Internal(CurrentPath() + ": zstd: cannot create a compression context");
    for (const auto& [param, value] :
         {std::pair{ZSTD_c_compressionLevel, level}, std::pair{ZSTD_c_checksumFlag, 1}}) {
      const std::size_t rc = ZSTD_CCtx_setParameter(cctx_, param, value);
      if (ZSTD_isError(rc))
        return Status::InvalidArgument(CurrentPath() + ": zstd: " + ZSTD_getErrorName(rc));
    }
    zbuf_.resize(ZSTD_CStreamOutSize());
    return Status::Ok();
  }

  Status Write(std::string_view line) override {
    if (closed_) return ClosedError(CurrentPath());
    if (!files_->error().ok()) return files_->error();
    if (line.empty() || line.find_first_of("\r\n") != std::string_view::npos) {
      return Status::InvalidArgument(CurrentPath() +
                                     ": a JSONL record must be one non-empty line (record " +
                                     std::to_string(records_ + 1) + " of this run refused)");
    }
    if (Status st = MaybeRotate(); !st.ok()) return st;
    if (cctx_) {
      if (Status st = Compress(line, ZSTD_e_continue); !st.ok()) return st;
      if (Status st = Compress("\n", ZSTD_e_continue); !st.ok()) return st;
      pending_in_ += line.size() + 1;
      frame_open_ = true;
    } else {
      if (Status st = files_->Append(line); !st.ok()) return st;
      if (Status st = files_->Append("\n"); !st.ok()) return st;
    }
    ++records_;
    return Status::Ok();
  }

  Status WriteInShard(std::uint32_t shard, std::string_view line) override {
    if (closed_) return ClosedError(CurrentPath());
    if (!files_->error().ok()) return files_->error();
    if (shard < files_->shard()) {
      return Status::InvalidArgument(CurrentPath() + ": a record for the earlier shard " + std::to_string(shard));
    }
    while (files_->shard() < shard) {
      if (Status st = EndFrame(); !st.ok()) return st;
      if (Status st = files_->Rotate(); !st.ok()) return st;
    }
    return Write(line);
  }

  Result<ShardPosition> Checkpoint() override {
    if (closed_) return ClosedError(CurrentPath());
    if (Status st = EndFrame(); !st.ok()) return st;
    if (Status st = files_->Sync(); !st.ok()) return st;
    return ShardPosition{files_->shard(), files_->size()};
  }

  Status Close() override {
    if (closed_) return Status::Ok();
    if (Status st = EndFrame(); !st.ok()) return st;
    if (Status st = files_->Finish(); !st.ok()) return st;
    closed_ = true;
    return Status::Ok();
  }

  std::string CurrentPath() const override { return files_->FinalPath(files_->shard()); }
  std::uint32_t CurrentShard() const override { return files_->shard(); }
  std::uint64_t records() const override { return records_; }

 private:
  // Rotates when the shard reached the limit. With zstd the size on disk
  // lags behind the input; while the bytes written plus a bound on what the
  // pending input can compress to stay below the limit, no flush is needed;
  // otherwise a flush makes the size exact. Near the limit flushes come
  // more often (each halves the distance at worst), far from it never.
  Status MaybeRotate() {
    std::uint64_t size = files_->size();
    if (cctx_ && pending_in_ > 0) {
      if (size + ZSTD_compressBound(pending_in_) + 32 < max_bytes_) return Status::Ok();
      if (Status st = Compress({}, ZSTD_e_flush); !st.ok()) return st;
      pending_in_ = 0;
      size = files_->size();
    }
    if (size < max_bytes_) return Status::Ok();
    if (Status st = EndFrame(); !st.ok()) return st;
    return files_->Rotate();
  }

  Status EndFrame() {
    if (!files_->error().ok()) return files_->error();
    if (!cctx_ || !frame_open_) return Status::Ok();
    if (Status st = Compress({}, ZSTD_e_end); !st.ok()) return st;
    frame_open_ = false;
    pending_in_ = 0;
    return Status::Ok();
  }

  Status Compress(std::string_view data, ZSTD_EndDirective mode) {
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    while (true) {
      ZSTD_outBuffer out{zbuf_.data(), zbuf_.size(), 0};
      const std::size_t rc = ZSTD_compressStream2(cctx_, &out, &in, mode);
      if (ZSTD_isError(rc)) {
        return files_->SetError(Status::Internal(files_->PartialPath(files_->shard()) +
                                                 ": zstd: " + ZSTD_getErrorName(rc)));
      }
      if (out.pos > 0) {
        if (Status st = files_->Append(std::string_view(zbuf_.data(), out.pos)); !st.ok())
          return st;
      }
      if (mode == ZSTD_e_continue ? in.pos == in.size : rc == 0) break;
    }
    return Status::Ok();
  }

  std::unique_ptr<ShardFiles> files_;
  const std::uint64_t max_bytes_;
  ZSTD_CCtx* cctx_ = nullptr;
  std::vector<char> zbuf_;
  std::uint64_t pending_in_ = 0;  // zstd input since the last flush or frame end
  bool frame_open_ = false;       // zstd input since the last frame end
  std::uint64_t records_ = 0;
  bool closed_ = false;
};

// ---- WARC ------------------------------------------------------------------------

std::string Base32(const unsigned char* p, std::size_t n) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (std::size_t i = 0; i < n; ++i) {
    acc = (acc << 8) | p[i];
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(acc >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (5 - bits)) & 31]);
  while (out.size() % 8 != 0) out.push_back('=');
  return out;
}

// Incremental SHA-1 through EVP (the SHA1_* calls are deprecated in OpenSSL 3).
class Sha1 {
 public:
  Sha1() : ctx_(EVP_MD_CTX_new()) {
    ok_ = ctx_ && EVP_DigestInit_ex(ctx_, EVP_sha1(), nullptr) == 1;
  }
  ~Sha1() { EVP_MD_CTX_free(ctx_); }
  Sha1(const Sha1&) = delete;
  Sha1& operator=(const Sha1&) = delete;
  void Update(std::string_view s) {
    if (ok_ && !s.empty()) ok_ = EVP_DigestUpdate(ctx_, s.data(), s.size()) == 1;
  }
  // "sha1:<base32>", or "" when OpenSSL failed.
  std::string Labelled() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!ok_ || EVP_DigestFinal_ex(ctx_, md, &len) != 1 || len != 20) return "";
    return "sha1:" + Base32(md, len);
  }

 private:
  EVP_MD_CTX* ctx_;
  bool ok_ = false;
};

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// YYYY-MM-DDThh:mm:ssZ, optionally with a fraction of a second.
bool IsWarcDate(std::string_view d) {
  if (d.size() < 20 || d.back() != 'Z') return false;
  if (!IsDigits(d.substr(0, 4)) || d[4] != '-' || !IsDigits(d.substr(5, 2)) || d[7] != '-' ||
      !IsDigits(d.substr(8, 2)) || d[10] != 'T' || !IsDigits(d.substr(11, 2)) || d[13] != ':' ||
      !IsDigits(d.substr(14, 2)) || d[16] != ':' || !IsDigits(d.substr(17, 2))) {
    return false;
  }
  if (d.size() == 20) return true;
  return d[19] == '.' && d.size() <= 30 && IsDigits(d.substr(20, d.size() - 21));
}

bool IsIpAddress(std::string_view ip) {
  if (ip.empty() || ip.size() > 45) return false;
  return std::all_of(ip.begin(), ip.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' ||
           c == ':';
  });
}

// An RFC 3986 URI is printable ASCII without spaces.
bool IsHeaderSafeUri(std::string_view u) {
  return !u.empty() && std::all_of(u.begin(), u.end(), [](char c) {
    const auto b = static_cast<unsigned char>(c);
    return b > 0x20 && b < 0x7F;
  });
}

bool EndsWithBlankLine(std::string_view head) {
  return head.size() >= 4 && head.substr(head.size() - 4) == "\r\n\r\n";
}

class GzipWarcWriter final : public WarcWriter {
 public:
  GzipWarcWriter(std::unique_ptr<ShardFiles> files, std::uint64_t max_bytes, std::string software)
      : files_(std::move(files)),
        max_bytes_(max_bytes),
        software_(std::move(software)),
        chunk_(1u << 16) {}
  ~GzipWarcWriter() override {
    if (zinit_) deflateEnd(&zs_);
  }

  // `warcinfo`: the current shard is empty and needs its warcinfo record.
  Status Init(bool warcinfo, bool shard_has_exchanges) {
    zs_ = z_stream{};
    // windowBits 15 + 16: a gzip wrapper; each record is deflateReset into its own member.
    if (deflateInit2(&zs_, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
      return Status::Internal(CurrentPath() + ": zlib: cannot initialise gzip compression");
    }
    zinit_ = true;
    shard_has_exchanges_ = shard_has_exchanges;
    return warcinfo ? WriteWarcinfo() : Status::Ok();
  }

  Status Write(const WarcExchange& x) override {
    if (closed_) return ClosedError(CurrentPath());
    if (!files_->error().ok()) return files_->error();
    if (Status st = Validate(x); !st.ok()) return st;
    if (shard_has_exchanges_ && files_->size() >= max_bytes_) {
      if (Status st = files_->Rotate(); !st.ok()) return st;
      shard_has_exchanges_ = false;
      if (Status st = WriteWarcinfo(); !st.ok()) return st;
    }
    const std::string date = x.date.empty() ? UtcNowIso8601() : x.date;
    Result<std::string> request_id = NewRecordId();
    if (!request_id.ok()) return request_id.status();
    Result<std::string> response_id = NewRecordId();
    if (!response_id.ok()) return response_id.status();

    Sha1 request_digest;
    request_digest.Update(x.request_head);
    Sha1 block_digest, payload_digest;
    block_digest.Update(x.response_head);
    block_digest.Update(x.payload);
    payload_digest.Update(x.payload);
    const std::string request_block_sha = request_digest.Labelled();
    const std::string response_block_sha = block_digest.Labelled();
    const std::string payload_sha = payload_digest.Labelled();
    if (request_block_sha.empty() || response_block_sha.empty() || payload_sha.empty()) {
      return files_->SetError(Status::Internal(CurrentPath() + ": OpenSSL SHA-1 failed"));
    }

    auto common = [&](const char* type, const std::string& id, const std::string& other) {
      std::string h = "WARC/1.1\r\nWARC-Type: ";
      h += type;
      h += "\r\nWARC-Record-ID: " + id + "\r\nWARC-Date: " + date +
           "\r\nWARC-Target-URI: " + x.target_uri + "\r\nWARC-Concurrent-To: " + other + "\r\n";
      if (!x.ip_address.empty()) h += "WARC-IP-Address: " + x.ip_address + "\r\n";
      return h;
    };
    std::string request = common("request", *request_id, *response_id);
    request += "WARC-Block-Digest: " + request_block_sha +
               "\r\nContent-Type: application/http;msgtype=request\r\nContent-Length: " +
               std::to_string(x.request_head.size()) + "\r\n\r\n";
    std::string response = common("response", *response_id, *request_id);
    response += "WARC-Block-Digest: " + response_block_sha +
                "\r\nWARC-Payload-Digest: " + payload_sha +
                "\r\nContent-Type: application/http;msgtype=response\r\nContent-Length: " +
                std::to_string(x.response_head.size() + x.payload.size()) + "\r\n\r\n";

    // Both members are built before either is appended: an exchange is written whole or not at all.
    std::string members;
    if (Status st = Gzip({request, x.request_head, "\r\n\r\n"}, &members); !st.ok()) return st;
    if (Status st = Gzip({response, x.response_head, x.payload, "\r\n\r\n"}, &members); !st.ok())
      return st;
    if (Status st = files_->Append(members); !st.ok()) return st;
    shard_has_exchanges_ = true;
    ++records_;
    return Status::Ok();
  }

  Result<ShardPosition> Checkpoint() override {
    if (closed_) return ClosedError(CurrentPath());
    if (Status st = files_->Sync(); !st.ok()) return st;
    return ShardPosition{files_->shard(), files_->size()};
  }

  Status Close() override {
    if (closed_) return Status::Ok();
    if (Status st = files_->Finish(); !st.ok()) return st;
    closed_ = true;
    return Status::Ok();
  }

  std::string CurrentPath() const override { return files_->FinalPath(files_->shard()); }
  std::uint64_t records() const override { return records_; }

 private:
  Status Validate(const WarcExchange& x) const {
    auto bad = [&](const std::string& why) {
      return Status::InvalidArgument(CurrentPath() + ": WARC exchange for '" +
                                     ClipForMessage(x.target_uri) + "' refused: " + why);
    };
    if (!IsHeaderSafeUri(x.target_uri))
      return bad("the target URI must be non-empty printable ASCII without spaces");
    if (!x.date.empty() && !IsWarcDate(x.date))
      return bad("the date '" + ClipForMessage(x.date, 40) + "' is not YYYY-MM-DDThh:mm:ssZ");
    if (!x.ip_address.empty() && !IsIpAddress(x.ip_address)) {
      return bad("the IP address '" + ClipForMessage(x.ip_address, 60) +
                 "' is not an IPv4 or IPv6 address");
    }
    if (!EndsWithBlankLine(x.request_head))
      return bad("the request head does not end with an empty line (CRLF CRLF)");
    if (x.response_head.substr(0, 5) != "HTTP/" || !EndsWithBlankLine(x.response_head)) {
      return bad(
          "the response head must start with 'HTTP/' and end with an empty line (CRLF CRLF)");
    }
    return Status::Ok();
  }

  // "<urn:uuid:...>" of a random (version 4) UUID.
  Result<std::string> NewRecordId() {
    unsigned char b[16];
    if (RAND_bytes(b, sizeof b) != 1) {
      return files_->SetError(Status::Internal(CurrentPath() + ": OpenSSL RAND_bytes failed"));
    }
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string id = "<urn:uuid:";
    for (int i = 0; i < 16; ++i) {
      if (i == 4 || i == 6 || i == 8 || i == 10) id.push_back('-');
      id.push_back(kHex[b[i] >> 4]);
      id.push_back(kHex[b[i] & 15]);
    }
    id.push_back('>');
    return id;
  }

  Status WriteWarcinfo() {
    Result<std::string> id = NewRecordId();
    if (!id.ok()) return id.status();
    const std::string path = CurrentPath();
    const std::string name = path.substr(path.rfind('/') + 1);
    const std::string block =
        "software: " + software_ +
        "\r\nformat: WARC File Format 1.1"
        "\r\nconformsTo: https://iipc.github.io/warc-specifications/specifications/"
        "warc-format/warc-1.1/\r\n";
    Sha1 digest;
    digest.Update(block);
    const std::string block_sha = digest.Labelled();
    if (block_sha.empty())
      return files_->SetError(Status::Internal(path + ": OpenSSL SHA-1 failed"));
    const std::string header = "WARC/1.1\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: " + *id +
                               "\r\nWARC-Date: " + UtcNowIso8601() + "\r\nWARC-Filename: " + name +
                               "\r\nWARC-Block-Digest: " + block_sha +
                               "\r\nContent-Type: application/warc-fields\r\nContent-Length: " +
                               std::to_string(block.size()) + "\r\n\r\n";
    std::string member;
    if (Status st = Gzip({header, block, "\r\n\r\n"}, &member); !st.ok()) return st;
    return files_->Append(member);
  }

  // Appends one complete gzip member holding the concatenated `parts` to *out.
  Status Gzip(std::initializer_list<std::string_view> parts, std::string* out) {
    auto fail = [&]() {
      return files_->SetError(Status::Internal(CurrentPath() + ": zlib: gzip compression failed"));
    };
    if (deflateReset(&zs_) != Z_OK) return fail();
    auto drain = [&]() {
      out->append(reinterpret_cast<const char*>(chunk_.data()), chunk_.size() - zs_.avail_out);
    };
    for (std::string_view part : parts) {
      while (!part.empty()) {
        const std::size_t n = std::min<std::size_t>(part.size(), 1u << 30);
        zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(part.data()));
        zs_.avail_in = static_cast<uInt>(n);
        while (zs_.avail_in > 0) {
          zs_.next_out = chunk_.data();
          zs_.avail_out = static_cast<uInt>(chunk_.size());
          const int rc = deflate(&zs_, Z_NO_FLUSH);
          if (rc != Z_OK && rc != Z_BUF_ERROR) return fail();
          drain();
        }
        part.remove_prefix(n);
      }
    }
    while (true) {
      zs_.next_out = chunk_.data();
      zs_.avail_out = static_cast<uInt>(chunk_.size());
      const int rc = deflate(&zs_, Z_FINISH);
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) return fail();
      drain();
      if (rc == Z_STREAM_END) break;
    }
    return Status::Ok();
  }

  std::unique_ptr<ShardFiles> files_;
  const std::uint64_t max_bytes_;
  const std::string software_;
  z_stream zs_{};
  bool zinit_ = false;
  std::vector<unsigned char> chunk_;
  bool shard_has_exchanges_ = false;
  std::uint64_t records_ = 0;
  bool closed_ = false;
};

}  // namespace

std::string WarcSha1Digest(std::string_view data) {
  Sha1 sha;
  sha.Update(data);
  return sha.Labelled();
}

Result<std::unique_ptr<ShardWriter>> ShardWriter::Open(const ShardOptions& o,
                                                       std::optional<ShardPosition> resume_at) {
  const std::string prefix = o.prefix.empty() ? "pages" : o.prefix;
  if (Status st = ValidateOptions(o, prefix); !st.ok()) return st;
  if (o.zstd && (o.zstd_level < ZSTD_minCLevel() || o.zstd_level > ZSTD_maxCLevel())) {
    return Status::InvalidArgument(o.dir + ": zstd level " + std::to_string(o.zstd_level) +
                                   " outside " + std::to_string(ZSTD_minCLevel()) + ".." +
                                   std::to_string(ZSTD_maxCLevel()));
  }
  auto files = std::make_unique<ShardFiles>(o.dir, prefix, o.zstd ? ".jsonl.zst" : ".jsonl");
  if (Status st = files->Start(resume_at); !st.ok()) return st;
  auto w = std::make_unique<JsonlShardWriter>(std::move(files), o.max_shard_bytes);
  if (o.zstd) {
    if (Status st = w->InitZstd(o.zstd_level); !st.ok()) return st;
  }
  return std::unique_ptr<ShardWriter>(std::move(w));
}

Result<std::unique_ptr<WarcWriter>> WarcWriter::Open(const ShardOptions& o,
                                                     std::optional<ShardPosition> resume_at,
                                                     std::string_view software) {
  const std::string prefix = o.prefix.empty() ? "crawl" : o.prefix;
  if (Status st = ValidateOptions(o, prefix); !st.ok()) return st;
  std::string sw = software.empty() ? "moisson" : std::string(software);
  if (sw.find_first_of("\r\n") != std::string::npos) {
    return Status::InvalidArgument(o.dir +
                                   ": the software name for warcinfo records must be one line");
  }
  auto files = std::make_unique<ShardFiles>(o.dir, prefix, ".warc.gz");
  if (Status st = files->Start(resume_at); !st.ok()) return st;
  const bool empty = files->size() == 0;
  auto w = std::make_unique<GzipWarcWriter>(std::move(files), o.max_shard_bytes, std::move(sw));
  if (Status st = w->Init(/*warcinfo=*/empty, /*shard_has_exchanges=*/!empty); !st.ok()) return st;
  return std::unique_ptr<WarcWriter>(std::move(w));
}

}  // namespace moisson::io
