#include "io/warc_records.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <utility>
#include <vector>

#include "core/file_util.h"
#include "core/strings.h"

namespace moisson::io {
namespace {

// A record's header block (up to and with the blank line) longer than this is
// refused: ours are well under 1 KiB, and nothing is read past this to find
// one.
constexpr std::size_t kMaxHeader = 64 * 1024;
constexpr std::size_t kReadBuffer = 256 * 1024;
constexpr std::string_view kCrlf2 = "\r\n\r\n";

std::string Errno() { return std::strerror(errno); }

std::string Offset(std::uint64_t off) { return "byte offset " + std::to_string(off); }

// The file's descriptor, closed on every path out.
struct Fd {
  int fd = -1;
  Fd() = default;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

// Sequential reads in large blocks, with the absolute offset of each byte.
class Input {
 public:
  Input(int fd, const std::string& path) : fd_(fd), path_(path), buf_(kReadBuffer) {}

  std::uint64_t offset() const { return base_ + pos_; }
  std::size_t available() const { return len_ - pos_; }
  const char* data() const { return buf_.data() + pos_; }
  void Skip(std::size_t n) { pos_ += n; }

  // Makes at least `want` (<= kReadBuffer) bytes available, fewer only when
  // the file ends first.
  Status Fill(std::size_t want) {
    if (available() >= want || eof_) return Status::Ok();
    if (pos_ > 0) {
      std::memmove(buf_.data(), buf_.data() + pos_, len_ - pos_);
      base_ += pos_;
      len_ -= pos_;
      pos_ = 0;
    }
    while (len_ < want && !eof_) {
      const ssize_t n = ::read(fd_, buf_.data() + len_, buf_.size() - len_);
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::Io(path_ + ": read failed at " + Offset(base_ + len_) + " (" + Errno() + ")");
      }
      if (n == 0) eof_ = true;
      len_ += static_cast<std::size_t>(n);
    }
    return Status::Ok();
  }

 private:
  int fd_;
  const std::string& path_;
  std::vector<char> buf_;
  std::uint64_t base_ = 0;  // offset of buf_[0]
  std::size_t pos_ = 0, len_ = 0;
  bool eof_ = false;
};

// What the scan needs from one record's header block.
struct RecordHeader {
  std::uint64_t content_length = 0;
  bool matches = false;  // a WARC-Target-URI in the set
};

bool MatchesUri(std::string_view value, const std::unordered_set<std::string>& uris) {
  value = TrimAsciiSpace(value);
  if (value.empty()) return false;
  if (uris.count(std::string(value))) return true;
  // WARC 1.0 writers wrote "<uri>" (the 1.0 grammar said so; 1.1 dropped it).
  if (value.size() >= 2 && value.front() == '<' && value.back() == '>') {
    const std::string_view inner = TrimAsciiSpace(value.substr(1, value.size() - 2));
    return !inner.empty() && uris.count(std::string(inner)) > 0;
  }
  return false;
}

// Parses `block`: "WARC/..." CRLF, fields, CRLF CRLF. `where` says which record
// in messages; nothing read from the block goes into one.
Status ParseHeader(std::string_view block, const std::unordered_set<std::string>& uris, const std::string& where,
                   RecordHeader* out) {
  if (block.substr(0, 5) != "WARC/") return Status::InvalidArgument(where + " is not a WARC record (no \"WARC/\" line)");
  // Fields, with RFC 822 folding (a line starting with a space or a tab
  // continues the previous one), which WARC 1.0 allowed.
  std::vector<std::pair<std::string_view, std::string>> fields;
  std::size_t pos = block.find("\r\n") + 2;
  const std::size_t end = block.size() - 2;  // the final empty line
  while (pos < end) {
    std::size_t eol = block.find("\r\n", pos);
    const std::string_view line = block.substr(pos, eol - pos);
    pos = eol + 2;
    if (line.empty()) return Status::InvalidArgument(where + ": malformed WARC header (an empty line)");
    if (line.front() == ' ' || line.front() == '\t') {
      if (fields.empty()) return Status::InvalidArgument(where + ": malformed WARC header (a continuation line first)");
      fields.back().second += ' ';
      fields.back().second += TrimAsciiSpace(line);
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Status::InvalidArgument(where + ": malformed WARC header (a line is not \"Name: value\")");
    }
    fields.emplace_back(line.substr(0, colon), std::string(line.substr(colon + 1)));
  }
  bool have_length = false;
  for (const auto& [name, value] : fields) {
    if (EqualsIgnoreCase(name, "WARC-Target-URI")) {
      if (MatchesUri(value, uris)) out->matches = true;
    } else if (EqualsIgnoreCase(name, "Content-Length")) {
      const std::string_view v = TrimAsciiSpace(value);
      // 18 digits: under 10^18 bytes, so offsets never overflow.
      if (v.empty() || v.size() > 18 || v.find_first_not_of("0123456789") != std::string_view::npos) {
        return Status::InvalidArgument(where + ": invalid Content-Length");
      }
      std::uint64_t n = 0;
      for (char c : v) n = n * 10 + static_cast<std::uint64_t>(c - '0');
      if (have_length && n != out->content_length) {
        return Status::InvalidArgument(where + ": two different Content-Length fields");
      }
      out->content_length = n;
      have_length = true;
    }
  }
  if (!have_length) return Status::InvalidArgument(where + ": no Content-Length field");
  return Status::Ok();
}

// Byte ranges [first, second) of the records to remove, in file order,
// adjacent ones merged.
using Ranges = std::vector<std::pair<std::uint64_t, std::uint64_t>>;

void AddRange(Ranges* r, std::uint64_t begin, std::uint64_t end) {
  if (!r->empty() && r->back().second == begin) {
    r->back().second = end;
  } else {
    r->emplace_back(begin, end);
  }
}

// Uncompressed WARC: records back to back, each header + Content-Length bytes
// + CRLF CRLF.
Status ScanPlain(Input& in, const std::string& path, const std::unordered_set<std::string>& uris, Ranges* removed,
                 std::uint64_t* count) {
  for (;;) {
    if (Status st = in.Fill(kMaxHeader); !st.ok()) return st;
    if (in.available() == 0) return Status::Ok();
    const std::uint64_t start = in.offset();
    const std::string where = path + ": the record at " + Offset(start);
    const std::string_view head(in.data(), std::min(in.available(), kMaxHeader));
    if (head.size() < 5 || head.substr(0, 5) != "WARC/") {
      return Status::InvalidArgument(where + " is not a WARC record (no \"WARC/\" line)");
    }
    const std::size_t blank = head.find(kCrlf2);
    if (blank == std::string_view::npos) {
      if (head.size() >= kMaxHeader) {
        return Status::InvalidArgument(where + " has a header block longer than " + std::to_string(kMaxHeader) +
                                       " bytes");
      }
      return Status::InvalidArgument(where + " is cut short (the file ends inside its header)");
    }
    RecordHeader h;
    if (Status st = ParseHeader(head.substr(0, blank + 4), uris, where, &h); !st.ok()) return st;
    in.Skip(blank + 4);
    for (std::uint64_t left = h.content_length; left > 0;) {
      if (Status st = in.Fill(1); !st.ok()) return st;
      if (in.available() == 0) return Status::InvalidArgument(where + " is cut short (the file ends inside its block)");
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, in.available()));
      in.Skip(n);
      left -= n;
    }
    if (Status st = in.Fill(4); !st.ok()) return st;
    if (in.available() < 4 || std::string_view(in.data(), 4) != kCrlf2) {
      return Status::InvalidArgument(where + " does not end with CRLF CRLF after its Content-Length bytes");
    }
    in.Skip(4);
    if (h.matches) {
      AddRange(removed, start, in.offset());
      ++*count;
    }
  }
}

struct Inflater {
  z_stream z{};
  bool ok = false;
  Inflater() { ok = inflateInit2(&z, 16 + MAX_WBITS) == Z_OK; }
  ~Inflater() {
    if (ok) inflateEnd(&z);
  }
};

// gzip, one record per member. Each member is inflated to its end (its
// compressed length is known no other way, and its CRC is checked on the
// way); only the header block is kept.
Status ScanGzip(Input& in, const std::string& path, const std::unordered_set<std::string>& uris, Ranges* removed,
                std::uint64_t* count) {
  Inflater inf;
  if (!inf.ok) return Status::Internal(path + ": zlib: cannot initialise gzip decompression");
  z_stream& z = inf.z;
  std::vector<unsigned char> out(1 << 16);
  std::string header;
  for (;;) {
    if (Status st = in.Fill(2); !st.ok()) return st;
    if (in.available() == 0) return Status::Ok();
    const std::uint64_t start = in.offset();
    const std::string where = path + ": the gzip member at " + Offset(start);
    if (in.available() < 2 || static_cast<unsigned char>(in.data()[0]) != 0x1f ||
        static_cast<unsigned char>(in.data()[1]) != 0x8b) {
      return Status::InvalidArgument(path + ": bytes that are not gzip at " + Offset(start) +
                                     " (after the last whole member)");
    }
    if (inflateReset(&z) != Z_OK) return Status::Internal(path + ": zlib: inflateReset failed");
    header.clear();
    bool have_header = false;
    RecordHeader h;
    std::uint64_t total = 0;      // decompressed bytes of this member so far
    std::uint64_t record_end = 0;  // decompressed size the one record implies
    char trailer[4] = {0, 0, 0, 0};
    for (;;) {
      if (Status st = in.Fill(1); !st.ok()) return st;
      if (in.available() == 0) return Status::InvalidArgument(path + ": truncated gzip member at " + Offset(start));
      const std::size_t avail = std::min<std::size_t>(in.available(), 1u << 30);
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      z.avail_in = static_cast<uInt>(avail);
      z.next_out = out.data();
      z.avail_out = static_cast<uInt>(out.size());
      const int rc = inflate(&z, Z_NO_FLUSH);
      const std::size_t used = avail - z.avail_in;
      const std::size_t made = out.size() - z.avail_out;
      in.Skip(used);
      if (rc != Z_OK && rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && (used > 0 || made > 0))) {
        if (rc == Z_MEM_ERROR) return Status::Internal(path + ": zlib: out of memory");
        return Status::InvalidArgument(path + ": corrupt gzip data in the member at " + Offset(start));
      }
      const std::string_view chunk(reinterpret_cast<const char*>(out.data()), made);
      if (!have_header && made > 0) {
        const std::size_t searched_from = header.size() >= 3 ? header.size() - 3 : 0;
        header.append(chunk.substr(0, kMaxHeader - header.size()));
        const std::size_t blank = header.find(kCrlf2, searched_from);
        if (blank != std::string::npos) {
          header.resize(blank + 4);
          if (Status st = ParseHeader(header, uris, where, &h); !st.ok()) return st;
          have_header = true;
          record_end = header.size() + h.content_length;
        } else if (header.size() >= kMaxHeader) {
          return Status::InvalidArgument(where + " has a record header block longer than " +
                                         std::to_string(kMaxHeader) + " bytes");
        } else if (header.compare(0, std::min<std::size_t>(5, header.size()), "WARC/", 0,
                                  std::min<std::size_t>(5, header.size())) != 0) {
          return Status::InvalidArgument(where + " does not hold a WARC record (no \"WARC/\" line)");
        }
      }
      // The four bytes after the block, wherever they fall in the output.
      if (have_header) {
        for (std::uint64_t i = record_end; i < record_end + 4; ++i) {
          if (i >= total && i < total + made) trailer[i - record_end] = chunk[i - total];
        }
      }
      total += made;
      if (have_header && total > record_end + 4) {
        return Status::InvalidArgument(where +
                                       " holds more than one WARC record (or data after its record); only files "
                                       "with one record per gzip member can be rewritten");
      }
      if (rc == Z_STREAM_END) break;
    }
    if (!have_header) {
      return Status::InvalidArgument(where + (total == 0 ? " is empty (no WARC record)"
                                                         : " does not hold a whole WARC header block"));
    }
    if (total < record_end + 4) {
      return Status::InvalidArgument(where + " ends inside its record (a record split over members, or cut short)");
    }
    if (std::string_view(trailer, 4) != kCrlf2) {
      return Status::InvalidArgument(where + ": the record does not end with CRLF CRLF after its Content-Length bytes");
    }
    if (h.matches) {
      AddRange(removed, start, in.offset());
      ++*count;
    }
  }
}

Status WriteAll(int fd, const char* p, std::size_t n, const std::string& tmp) {
  while (n > 0) {
    const ssize_t w = ::write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return Status::Io(tmp + ": write failed (" + Errno() + ")");
    }
    p += w;
    n -= static_cast<std::size_t>(w);
  }
  return Status::Ok();
}

// Copies [begin, end) of `in` to `out`.
Status CopyRange(int in, std::uint64_t begin, std::uint64_t end, int out, std::vector<char>& buf,
                 const std::string& path, const std::string& tmp) {
  while (begin < end) {
    const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(end - begin, buf.size()));
    const ssize_t n = ::pread(in, buf.data(), want, static_cast<off_t>(begin));
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Io(path + ": read failed at " + Offset(begin) + " (" + Errno() + ")");
    }
    if (n == 0) return Status::Io(path + ": the file shrank while being rewritten (at " + Offset(begin) + ")");
    if (Status st = WriteAll(out, buf.data(), static_cast<std::size_t>(n), tmp); !st.ok()) return st;
    begin += static_cast<std::uint64_t>(n);
  }
  return Status::Ok();
}

bool SameFile(const struct stat& a, const struct stat& b) {
  return a.st_size == b.st_size && a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec &&
         a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

// The temporary file, removed unless it was renamed into place.
}  // namespace

Result<std::uint64_t> RemoveWarcRecords(const std::string& path, const std::unordered_set<std::string>& target_uris) {
  Fd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (file.fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::Io(path + ": cannot open (" + Errno() + ")");
  }
  struct stat before {};
  if (::fstat(file.fd, &before) != 0) return Status::Io(path + ": cannot stat (" + Errno() + ")");
  if (!S_ISREG(before.st_mode)) return Status::InvalidArgument(path + ": not a regular file");

  // First pass: check the whole file and find the records to remove, before
  // anything is written.
  Ranges removed;
  std::uint64_t count = 0;
  {
    Input in(file.fd, path);
    if (Status st = in.Fill(5); !st.ok()) return st;
    if (in.available() == 0) return std::uint64_t{0};
    const auto* b = reinterpret_cast<const unsigned char*>(in.data());
    Status st;
    if (in.available() >= 2 && b[0] == 0x1f && b[1] == 0x8b) {
      st = ScanGzip(in, path, target_uris, &removed, &count);
    } else if (in.available() >= 4 && b[0] == 0x28 && b[1] == 0xb5 && b[2] == 0x2f && b[3] == 0xfd) {
      st = Status::InvalidArgument(path + ": a zstd-compressed WARC file cannot be rewritten (gzip or plain only)");
    } else if (in.available() >= 5 && std::string_view(in.data(), 5) == "WARC/") {
      st = ScanPlain(in, path, target_uris, &removed, &count);
    } else {
      st = Status::InvalidArgument(path + ": not a WARC file (neither gzip nor \"WARC/\" at " + Offset(0) + ")");
    }
    if (!st.ok()) return st;
  }
  if (count == 0) return std::uint64_t{0};

  struct stat scanned {};
  if (::fstat(file.fd, &scanned) != 0) return Status::Io(path + ": cannot stat (" + Errno() + ")");
  const auto changed = [&]() {
    return Status::Io(path + ": the file changed while being rewritten (is a crawl still writing it?); left as it "
                             "was");
  };
  if (!SameFile(before, scanned)) return changed();
  const auto size = static_cast<std::uint64_t>(before.st_size);

  // Second pass: the kept bytes, verbatim, into a file beside it that keeps
  // the old one's permissions (outputs hold personal data) from before its
  // first byte.
  auto tmp = DurableFile::Create(path, before.st_mode & 0777);
  if (!tmp.ok()) return tmp.status();
  std::vector<char> buf(kReadBuffer);
  std::uint64_t at = 0;
  for (const auto& [begin, end] : removed) {
    if (Status st = CopyRange(file.fd, at, begin, tmp->fd(), buf, path, tmp->temp_path()); !st.ok()) return st;
    at = end;
  }
  if (Status st = CopyRange(file.fd, at, size, tmp->fd(), buf, path, tmp->temp_path()); !st.ok()) return st;
  struct stat now {};
  if (::fstat(file.fd, &now) != 0) return Status::Io(path + ": cannot stat (" + Errno() + ")");
  if (!SameFile(before, now)) return changed();
  if (Status st = tmp->Commit(); !st.ok()) return st;
  return count;
}

}  // namespace moisson::io
