#include "core/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace moisson {
namespace {

std::string Errno() { return std::strerror(errno); }

std::string DirName(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

bool IsStreamMode(mode_t m) { return S_ISCHR(m) || S_ISFIFO(m) || S_ISSOCK(m) || S_ISBLK(m); }

// The file a (possibly dangling) symlink chain ends at, at most 40 links deep.
Result<std::string> FollowLinks(std::string path) {
  for (int depth = 0; depth < 40; ++depth) {
    struct stat lst;
    if (::lstat(path.c_str(), &lst) != 0 || !S_ISLNK(lst.st_mode)) return path;
    std::string target(4096, '\0');
    const ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
    if (n < 0) return Status::Io(path + ": cannot read the link: " + Errno());
    target.resize(static_cast<std::size_t>(n));
    path = !target.empty() && target[0] == '/' ? target : DirName(path) + "/" + target;
  }
  return Status::InvalidArgument(path + ": too many levels of symbolic links");
}

}  // namespace

Result<OutputTarget> ResolveOutput(const std::string& path) {
  if (path.empty()) return Status::InvalidArgument("an output path is empty");
  if (path == "-") return OutputTarget{OutputTarget::Kind::kStream, "-"};
  struct stat st;
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return Status::InvalidArgument(path + ": is a directory (give a file name)");
    if (IsStreamMode(st.st_mode)) return OutputTarget{OutputTarget::Kind::kStream, path};
  }
  auto real = FollowLinks(path);
  if (!real.ok()) return real.status();
  const std::string dir = DirName(*real);
  struct stat dst;
  if (::stat(dir.c_str(), &dst) != 0) {
    return Status::NotFound(dir + ": no such directory (for " + path + ")");
  }
  if (!S_ISDIR(dst.st_mode)) return Status::InvalidArgument(dir + ": is not a directory (for " + path + ")");
  return OutputTarget{OutputTarget::Kind::kReplace, *real};
}

Result<int> OpenOutputStream(const OutputTarget& target) {
  const int fd = target.path == "-" ? ::fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0)
                                    : ::open(target.path.c_str(), O_WRONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) {
    return Status::Io((target.path == "-" ? std::string("standard output") : target.path) + ": cannot write: " + Errno());
  }
  return fd;
}

bool SameFile(const std::string& a, const std::string& b) {
  struct stat sa, sb;
  return ::stat(a.c_str(), &sa) == 0 && ::stat(b.c_str(), &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

Result<std::string> ReadFileToString(const std::string& path, std::size_t max_bytes) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::NotFound(path + ": no such file");
    return Status::Io(path + ": cannot open: " + Errno());
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const std::string err = Errno();
    ::close(fd);
    return Status::Io(path + ": cannot stat: " + err);
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument(path + ": is a directory");
  }
  std::string data;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string err = Errno();
      ::close(fd);
      return Status::Io(path + ": read failed: " + err);
    }
    if (n == 0) break;
    if (data.size() + static_cast<std::size_t>(n) > max_bytes) {
      ::close(fd);
      return Status::InvalidArgument(path + ": larger than " + std::to_string(max_bytes) +
                                     " bytes");
    }
    data.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return data;
}

namespace {

Status WriteAll(int fd, std::string_view data, const std::string& name) {
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::Io(name + ": write failed: " + Errno());
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return Status::Ok();
}

}  // namespace

Status WriteFileAtomically(const std::string& given, std::string_view data, unsigned mode,
                           bool exclusive) {
  if (exclusive && ::access(given.c_str(), F_OK) == 0) {
    return Status::InvalidArgument(given + ": already exists (refusing to overwrite)");
  }
  auto target = ResolveOutput(given);
  if (!target.ok()) return target.status();
  if (target->kind == OutputTarget::Kind::kStream) {
    auto fd = OpenOutputStream(*target);
    if (!fd.ok()) return fd.status();
    Status st = WriteAll(*fd, data, given);
    ::close(*fd);
    return st;
  }
  auto file = DurableFile::Create(target->path, mode);
  if (!file.ok()) return file.status();
  if (Status st = WriteAll(file->fd(), data, target->path); !st.ok()) return st;
  return file->Commit(exclusive);
}

Result<DurableFile> DurableFile::Create(const std::string& path, unsigned mode) {
  std::string temp = path + ".tmp.XXXXXX";
  const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
  if (fd < 0) return Status::Io(path + ": cannot create a temporary file beside it: " + Errno());
  DurableFile f(path, std::move(temp), fd);
  // mkostemp made it 0600; the mode is exact, whatever the umask.
  if (::fchmod(fd, mode) != 0) return Status::Io(f.temp_ + ": chmod failed: " + Errno());
  return f;
}

DurableFile::DurableFile(DurableFile&& o) noexcept
    : path_(std::move(o.path_)), temp_(std::move(o.temp_)), fd_(o.fd_), committed_(o.committed_) {
  o.fd_ = -1;
  o.temp_.clear();
}

DurableFile& DurableFile::operator=(DurableFile&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
    path_ = std::move(o.path_);
    temp_ = std::move(o.temp_);
    fd_ = o.fd_;
    committed_ = o.committed_;
    o.fd_ = -1;
    o.temp_.clear();
  }
  return *this;
}

DurableFile::~DurableFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

Status DurableFile::Commit(bool exclusive) {
  if (committed_) return Status::Ok();
  if (fd_ < 0) return Status::Io(path_ + ": already failed");
  const int fd = fd_;
  fd_ = -1;
  if (::fsync(fd) != 0 || ::close(fd) != 0) return Status::Io(path_ + ": flush failed: " + Errno());
  if (exclusive) {
    // link() fails if the target appeared meanwhile; rename() would clobber it.
    if (::link(temp_.c_str(), path_.c_str()) != 0) return Status::InvalidArgument(path_ + ": cannot create: " + Errno());
    ::unlink(temp_.c_str());
  } else if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    return Status::Io(path_ + ": rename failed: " + Errno());
  }
  committed_ = true;
  SyncParentDir(path_);  // the file is in place; a folder that cannot be synced does not undo that
  return Status::Ok();
}

Status FinishFile(int fd, const std::string& from, const std::string& to) {
  if (::fsync(fd) != 0) {
    const std::string err = Errno();
    ::close(fd);
    return Status::Io(from + ": fsync failed (" + err + ")");
  }
  if (::close(fd) != 0) return Status::Io(from + ": close failed (" + Errno() + ")");
  if (::rename(from.c_str(), to.c_str()) != 0) return Status::Io(from + ": rename to " + to + " failed (" + Errno() + ")");
  return SyncDir(DirName(to));
}

Status SyncDir(const std::string& dir) {
  const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0) return Status::Io(dir + ": open of the folder for fsync failed (" + Errno() + ")");
  const int rc = ::fsync(dfd);
  const int err = errno;
  ::close(dfd);
  // EINVAL: the file system cannot sync a folder; its entries are as durable as it makes them.
  if (rc != 0 && err != EINVAL) {
    errno = err;
    return Status::Io(dir + ": fsync of the folder failed (" + Errno() + ")");
  }
  return Status::Ok();
}

void SyncParentDir(const std::string& path) { (void)SyncDir(DirName(path)); }

}  // namespace moisson
