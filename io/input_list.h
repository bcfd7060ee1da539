// The inputs of a `filter` or `scan` run, as the command line names them:
// files, folders, URLs, "-", and lists of them (docs/scaling.md).
//
//   * A file or "-" (standard input) is taken as given.
//   * An "http://" or "https://" URL is taken as given (io/http_source.h
//     downloads it while it is read).
//   * A folder is walked recursively (symbolic links to files are followed,
//     to folders not, so a link cycle cannot loop); hidden entries (".x") are
//     left out, and so are the ".partial" shards of a run in progress. Its
//     files are taken when their name matches `glob` (fnmatch, on the name
//     alone), by default *.jsonl, *.ndjson, *.warc, *.wet, each optionally
//     .gz, .zst or .zstd (not *.json, which in a folder is more often a
//     manifest or a config than a dump; name such files, or give --glob).
//     They come in byte order of their path, so a run over a folder is the
//     same run whichever order the file system lists it in. A folder with no
//     such file is an error (a wrong folder or glob, not an empty dataset).
//   * `inputs_from` names a list (a file, "-", or a .gz list such as Common
//     Crawl's warc.paths.gz): one path or URL per line; blank lines and lines
//     starting with '#' are skipped. With `base_url`, a line that is not a
//     URL is joined to it ("https://data.commoncrawl.org/" +
//     "crawl-data/CC-MAIN-.../x.warc.gz"); without, it is a path relative to
//     the current folder. A list is taken in its own order.
//
// Errors name the argument or the list's line; nothing is opened but
// folders and lists.
#ifndef MOISSON_IO_INPUT_LIST_H_
#define MOISSON_IO_INPUT_LIST_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace moisson::io {

struct InputListOptions {
  std::vector<std::string> args;  // as given on the command line, in order
  std::string inputs_from;        // a list file ("-": standard input), "" = none
  std::string base_url;           // joined to the list's relative lines
  std::string glob;               // names taken inside folders; "" = the dump names
};

// Command-line arguments first, in order (folders expanded in place), then
// the list's lines.
Result<std::vector<std::string>> ExpandInputs(const InputListOptions& options);

// The inputs rank `rank` of `world_size` takes: those at positions
// rank, rank + world_size, rank + 2 * world_size... of `inputs`. Run with the
// same list, the shares are disjoint and together hold every input once.
std::vector<std::string> ShareOf(const std::vector<std::string>& inputs, std::uint32_t rank, std::uint32_t world_size);

}  // namespace moisson::io

#endif  // MOISSON_IO_INPUT_LIST_H_
