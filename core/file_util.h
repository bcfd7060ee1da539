// Reading inputs and writing outputs safely.
//
// Outputs are never left partial: WriteFileAtomically writes to a temporary
// file beside the target and renames it into place only once every byte is on
// disk, so a crash or a full disk leaves either the old file or nothing.
#ifndef MOISSON_CORE_FILE_UTIL_H_
#define MOISSON_CORE_FILE_UTIL_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace moisson {

// Reads the whole file at `path`. Files larger than `max_bytes` are an error
// naming the file, so a stray multi-gigabyte input cannot exhaust memory.
Result<std::string> ReadFileToString(const std::string& path, std::size_t max_bytes = 64u << 20);

// Where an output named `path` goes. Regular files are replaced whole
// (temporary file beside them, fsync, rename); nothing else is ever renamed
// over:
//  - "-" is standard output;
//  - a character device, FIFO or socket (/dev/null, a named pipe), or a
//    symlink to one (/dev/stdout), is opened and written in place;
//  - a symlink to a regular file, or a dangling one, is followed: its target
//    is replaced and the link stays a link;
//  - a directory (or a symlink to one) is refused.
// A missing parent folder is an error naming that folder.
struct OutputTarget {
  enum class Kind : unsigned char { kReplace, kStream };
  Kind kind = Kind::kReplace;
  std::string path;  // kReplace: the regular file to replace; kStream: what to open ("-": stdout)
};
Result<OutputTarget> ResolveOutput(const std::string& path);

// Opens a kStream target for writing (standard output is duplicated, so
// closing the descriptor leaves fd 1 open). Errors name `target.path`.
Result<int> OpenOutputStream(const OutputTarget& target);

// True when `a` and `b` name the same file (same device and inode; both
// must exist).
bool SameFile(const std::string& a, const std::string& b);

// Writes `data` to `path` through a temporary file in the same directory,
// created with permissions `mode` (before umask), flushed with fsync and then
// renamed over `path` (ResolveOutput: a device, FIFO or "-" is written in
// place, a symlink's target is replaced). If `exclusive` is true an existing
// `path` is an error.
Status WriteFileAtomically(const std::string& path, std::string_view data, unsigned mode = 0644,
                           bool exclusive = false);

// A file written beside its target and renamed over it only when complete:
// the one durable-write mechanism of every writer that replaces a file
// (WriteFileAtomically, the JSONL writer, the WARC record rewriter; the
// crawler's shards take their final names with FinishFile).
//
//   auto f = DurableFile::Create(path, 0600);  // PATH.tmp.XXXXXX, mode exact
//   write(f->fd(), ...);                       // the caller writes
//   Status st = f->Commit();                   // fsync, close, rename, folder fsync
//
// Destroying an uncommitted DurableFile closes and removes the temporary
// file: a crash or an error leaves the old file or nothing, never a part.
class DurableFile {
 public:
  // `path` is the regular file to replace (ResolveOutput decides that).
  // The mode is set exactly, whatever the umask (outputs and keys hold
  // personal data or secrets).
  static Result<DurableFile> Create(const std::string& path, unsigned mode = 0644);
  DurableFile(DurableFile&& other) noexcept;
  DurableFile& operator=(DurableFile&& other) noexcept;
  DurableFile(const DurableFile&) = delete;
  DurableFile& operator=(const DurableFile&) = delete;
  ~DurableFile();

  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  const std::string& temp_path() const { return temp_; }

  // Every byte to disk, then the temporary file becomes `path`: rename, or
  // link when `exclusive` (an existing `path` is then an error, never
  // clobbered), and the folder entry to disk (best effort once renamed).
  // Errors name `path`.
  Status Commit(bool exclusive = false);

 private:
  DurableFile(std::string path, std::string temp, int fd) : path_(std::move(path)), temp_(std::move(temp)), fd_(fd) {}
  std::string path_, temp_;
  int fd_ = -1;
  bool committed_ = false;
};

// A complete file takes its final name: fsync of `fd`, close, rename `from`
// to `to`, fsync of the folder. For writers whose temporary name is their
// own (the crawler's ".partial" shards). `fd` is closed in every case.
Status FinishFile(int fd, const std::string& from, const std::string& to);

// fsync of a folder, so that the entries renamed or created in it last. A
// file system that cannot sync a folder (EINVAL) is not an error.
Status SyncDir(const std::string& dir);

// SyncDir of `path`'s folder, errors ignored (after a rename already done).
void SyncParentDir(const std::string& path);

}  // namespace moisson

#endif  // MOISSON_CORE_FILE_UTIL_H_
