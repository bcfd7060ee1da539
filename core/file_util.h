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

// Makes a rename into `path`'s folder durable: fsync of the folder (best
// effort: some file systems refuse fsync on a folder). For writers that
// stream into a temporary file and rename it over `path` themselves.
void SyncParentDir(const std::string& path);

}  // namespace moisson

#endif  // MOISSON_CORE_FILE_UTIL_H_
