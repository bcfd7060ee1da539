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

// Writes `data` to `path` through a temporary file in the same directory,
// created with permissions `mode` (before umask), flushed with fsync and then
// renamed over `path`. If `exclusive` is true an existing `path` is an error.
Status WriteFileAtomically(const std::string& path, std::string_view data, unsigned mode = 0644,
                           bool exclusive = false);

// Makes a rename into `path`'s folder durable: fsync of the folder (best
// effort: some file systems refuse fsync on a folder). For writers that
// stream into a temporary file and rename it over `path` themselves.
void SyncParentDir(const std::string& path);

}  // namespace moisson

#endif  // MOISSON_CORE_FILE_UTIL_H_
