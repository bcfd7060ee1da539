#include "core/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

namespace moisson {
namespace {

std::string Errno() { return std::strerror(errno); }

}  // namespace

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

Status WriteFileAtomically(const std::string& path, std::string_view data, unsigned mode,
                           bool exclusive) {
  if (exclusive && ::access(path.c_str(), F_OK) == 0) {
    return Status::InvalidArgument(path + ": already exists (refusing to overwrite)");
  }
  std::random_device rd;
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; attempt < 16 && fd < 0; ++attempt) {
    tmp = path + ".tmp-" + std::to_string(::getpid()) + "-" + std::to_string(rd());
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0 && errno != EEXIST) return Status::Io(tmp + ": cannot create: " + Errno());
  }
  if (fd < 0) return Status::Io(path + ": cannot create a temporary file");
  // open() applied the umask; make the mode exact for secrets such as keys.
  if (::fchmod(fd, mode) != 0) {
    const std::string err = Errno();
    ::close(fd);
    ::unlink(tmp.c_str());
    return Status::Io(tmp + ": chmod failed: " + err);
  }
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      const std::string err = Errno();
      ::close(fd);
      ::unlink(tmp.c_str());
      return Status::Io(path + ": write failed: " + err);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const std::string err = Errno();
    ::unlink(tmp.c_str());
    return Status::Io(path + ": flush failed: " + err);
  }
  if (exclusive) {
    // link() fails if the target appeared meanwhile; rename() would clobber it.
    if (::link(tmp.c_str(), path.c_str()) != 0) {
      const std::string err = Errno();
      ::unlink(tmp.c_str());
      return Status::InvalidArgument(path + ": cannot create: " + err);
    }
    ::unlink(tmp.c_str());
    return Status::Ok();
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string err = Errno();
    ::unlink(tmp.c_str());
    return Status::Io(path + ": rename failed: " + err);
  }
  return Status::Ok();
}

void SyncParentDir(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
  if (const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    (void)::fsync(dfd);
    ::close(dfd);
  }
}

}  // namespace moisson
