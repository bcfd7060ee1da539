// Removing a set of ledger rows' records from every output they went to: the
// one mechanism of `rights erase` (one person's records) and `purge` (the
// records past the retention period).
//
//   OutputLocator where(root);                 // --root, when the outputs moved
//   auto r = RemoveFromOutputs(rows, where, {});
//   if (!r.ok()) ...;                          // names the file; retry finishes it
//   r->missing, r->removed, r->warc_removed... // for the caller's report
//
// The output locator knows both layouts: a `filter` run's JSONL outputs (the
// ledger row names the file), and a `crawl`'s shards DIR/pages-NNNNN.jsonl
// with, when it wrote WARC, DIR/warc/*.warc(.gz) holding the fetch records of
// the same pages (found by URL). JSONL records are matched by id and text
// digest, never by id alone; each file is rewritten aside and renamed
// (io/jsonl_records.h, io/warc_records.h), so it is the old file or the new
// one, never a part of one. A WARC file a crawl may still append to
// (".partial") cannot be rewritten safely: RemoveFromOutputs refuses it
// before changing anything.
#ifndef MOISSON_RIGHTS_OUTPUTS_H_
#define MOISSON_RIGHTS_OUTPUTS_H_

#include <cstdint>
#include <map>
#include <string>
#include <unordered_set>
#include <vector>

#include "audit/ledger.h"
#include "io/jsonl_records.h"
#include "core/status.h"

namespace moisson::rights {

class OutputLocator {
 public:
  // `root`: where relative output names of the ledger are now ("" = as stored).
  explicit OutputLocator(std::string root = "") : root_(std::move(root)) {}

  // Where an output the ledger names is now.
  std::string Resolve(const std::string& ledger_file) const;

  // The rows that have an output record, by the file it is in now: file ->
  // (output id -> row). What a removal and an access request both read.
  std::map<std::string, std::map<std::string, const audit::IdentifierHit*>> RowsByOutput(
      const std::vector<audit::IdentifierHit>& rows) const;

  // The WARC files `crawl --warc` wrote beside the outputs of `rows`, each
  // with the URLs of the crawled rows whose output is in that folder. Files
  // still being written (".partial") go to `partial` instead.
  std::map<std::string, std::unordered_set<std::string>> WarcTargets(const std::vector<audit::IdentifierHit>& rows,
                                                                      std::vector<std::string>* partial) const;

 private:
  std::string root_;
};

struct RemovalOptions {
  bool dry_run = false;         // count what would go, change nothing
  bool delete_emptied = false;  // a JSONL output left without records is deleted (purge)
};

struct FileRemoval {
  std::string file;
  std::uint64_t removed = 0;  // records (dry run: that would be removed)
  bool deleted = false;       // emptied and deleted
};

struct RemovalReport {
  std::vector<FileRemoval> outputs;  // JSONL outputs found, in name order
  std::vector<std::string> missing;  // JSONL outputs named by the ledger but not found
  std::uint64_t removed = 0;         // JSONL records
  std::uint64_t other_content = 0;   // records under a row's id but with another text: left in place
  std::vector<FileRemoval> warcs;    // every WARC file looked at (dry run: the pages it may hold, by URL)
  std::uint64_t warc_removed = 0;    // WARC records
  // WARC files a crawl may still append to (".partial"). When there is one,
  // nothing was changed (except in a dry run, which changes nothing anyway).
  std::vector<std::string> still_written;
};

// The output records of one file's rows as io names them: id and text digest.
io::RecordSelection Selection(const std::map<std::string, const audit::IdentifierHit*>& rows_by_id);

// Removes the records of `rows` (those with an output) from every output.
// Changes nothing when a WARC file that may hold them is still being written
// (`still_written` lists them). A missing JSONL output is reported in
// `missing`, not an error: an erase keeps its request open, a purge counts it
// as already gone. Errors name the file; running the removal again finishes
// what an error or a crash interrupted.
Result<RemovalReport> RemoveFromOutputs(const std::vector<audit::IdentifierHit>& rows, const OutputLocator& where,
                                        const RemovalOptions& options);

}  // namespace moisson::rights

#endif  // MOISSON_RIGHTS_OUTPUTS_H_
