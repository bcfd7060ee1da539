// `moisson blocklist update`: the UT1 lists at their published size, turned
// into the compiled snapshot that `filter`, `scan` and `crawl` map
// (site_list.h WriteSnapshot), without ever leaving a half-made one.
//
//   UpdateRequest r;  r.lists = config.blocklists;  r.snapshot = "lists.snap";
//   auto report = UpdateFromUt1(r);   // downloads, checks, imports, compiles, swaps
//
// In order, in a working folder beside the snapshot:
//   1. the archive: downloaded from `source` (http or https, libcurl:
//      redirects followed up to 5, any HTTP error, a cut transfer, a size over
//      `max_bytes` or a timeout is an error), or read from a local file;
//   2. checked and unpacked (libarchive, tar + gzip): every member is read to
//      the end, so a truncated or corrupt archive is an error before anything
//      changes; only regular files of the wanted categories are taken
//      (domains, urls, expressions, usage; "blacklists/<cat>/..." or
//      "<cat>/..."), links and other paths ignored, nothing written outside
//      the working folder; a wanted category missing from it is an error;
//   3. imported (ImportUt1: every entry validated and normalised, a MANIFEST
//      with counts and SHA-256) into a new data folder, with the curated and
//      Sinfonietta lists of the current data folder beside it;
//   4. the data folder swapped in (`<snapshot>.data`, the previous one kept as
//      `<snapshot>.data.prev` until the end), the configured categories
//      compiled, and the snapshot replaced atomically. A failure at any step
//      leaves the previous snapshot and data folder as they were.
#ifndef MOISSON_BLOCKLISTS_UPDATE_H_
#define MOISSON_BLOCKLISTS_UPDATE_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "blocklists/site_list.h"
#include "core/config.h"
#include "core/status.h"

namespace moisson::blocklists {

// Where UT1 publishes its lists (Universite Toulouse 1 Capitole, CC BY-SA 4.0).
inline constexpr char kUt1ArchiveUrl[] = "https://dsi.ut-capitole.fr/blacklists/download/blacklists.tar.gz";

struct UpdateRequest {
  std::string source = kUt1ArchiveUrl;  // an http(s) URL, or the path of an archive already downloaded
  BlocklistConfig lists;                // categories to compile; data_dir: where curated and Sinfonietta lists are
  std::string snapshot;                 // the snapshot to replace (its folder must be writable)
  std::string user_agent;               // sent with the download
  std::string ca_file;                  // CA bundle instead of the system's (tests)
  std::uint64_t max_bytes = 2ull << 30; // the archive's largest accepted size
  long timeout_seconds = 1800;          // the whole download
  // Set by the caller (SIGINT, SIGTERM): the update stops at the next step,
  // or during the download, and undoes what it had begun (Interrupted).
  // Once the swap has begun it is finished first. May be null.
  const std::atomic<bool>* stop = nullptr;
};

struct UpdateReport {
  std::string archive_sha256;
  std::uint64_t archive_bytes = 0;
  std::string data_dir;                    // the new data folder (`<snapshot>.data`)
  std::vector<ListLoadReport> lists;       // per list file: entries, skipped lines
  std::size_t domains = 0, urls = 0, expressions = 0;
};

// Errors name the step and the file or URL: Interrupted when `stop` was
// set, InvalidArgument for an archive
// or a request that is wrong (not an archive, truncated, a category missing,
// an HTTP error), Io for the local disk.
Result<UpdateReport> UpdateFromUt1(const UpdateRequest& request);

// Step 2 alone (tests, fuzzing): unpacks the wanted categories of the UT1
// archive at `archive` into `dest`/<category>/.
Status ExtractUt1Archive(const std::string& archive, const std::vector<std::string>& categories,
                         const std::string& dest);

}  // namespace moisson::blocklists

#endif  // MOISSON_BLOCKLISTS_UPDATE_H_
