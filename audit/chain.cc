// The ledger's hash chain, shared by every backend (ledger_internal.h).
#include <openssl/sha.h>

#include <algorithm>
#include <map>

#include "audit/ledger_internal.h"

namespace moisson::audit::internal {

bool IsHex64(std::string_view s) {
  if (s.size() != 64) return false;
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

namespace {

void Field(std::string* out, std::string_view v) {
  out->append(std::to_string(v.size())).push_back(':');
  out->append(v).push_back(',');
}

}  // namespace

std::string RowHash(std::string_view prev_hash, const ChainedRow& r) {
  std::string buf = "moisson-ledger-row-v1,";
  buf.reserve(512);
  Field(&buf, prev_hash);
  Field(&buf, std::to_string(r.id));
  Field(&buf, std::to_string(r.run));
  for (std::string_view v : {r.url, r.site, r.source_file}) Field(&buf, v);
  Field(&buf, std::to_string(r.source_offset));
  for (std::string_view v : {r.considered_at, r.decision, r.reasons, r.content_sha256, r.output_file, r.output_id}) {
    Field(&buf, v);
  }
  Field(&buf, std::to_string(r.http_status));
  Field(&buf, std::to_string(r.fetched));
  Field(&buf, r.signal);
  Field(&buf, std::to_string(r.identifiers.size()));
  for (const auto& [digest, type] : r.identifiers) {
    Field(&buf, digest);
    Field(&buf, type);
  }
  // v5: rows without a capture date (all rows before it) hash as they did.
  // The count above ends the identifiers, so the tag cannot be read as one.
  if (!r.captured_at.empty()) {
    buf += "captured_at,";
    Field(&buf, r.captured_at);
  }
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(buf.data()), buf.size(), md);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(64, '0');
  for (int i = 0; i < SHA256_DIGEST_LENGTH; ++i) {
    hex[2 * i] = kHex[md[i] >> 4];
    hex[2 * i + 1] = kHex[md[i] & 15];
  }
  return hex;
}

std::vector<std::string> SplitReasons(const std::string& joined) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < joined.size()) {
    std::size_t comma = joined.find(',', start);
    if (comma == std::string::npos) comma = joined.size();
    out.emplace_back(joined, start, comma - start);
    start = comma + 1;
  }
  return out;
}

ChainedRow ChainedFromRow(const LedgerRow& r, std::int64_t id, std::int64_t run, std::string_view considered_at,
                          std::string_view reasons) {
  ChainedRow c;
  c.id = id;
  c.run = run;
  c.url = r.url;
  c.site = r.site;
  c.source_file = r.source_file;
  c.source_offset = static_cast<std::int64_t>(r.source_offset);
  c.considered_at = considered_at;
  c.decision = r.decision;
  c.reasons = reasons;
  c.content_sha256 = r.content_sha256;
  c.output_file = r.output_file;
  c.output_id = r.output_id;
  c.http_status = r.http_status;
  c.fetched = r.fetched ? 1 : 0;
  c.signal = r.signal;
  c.captured_at = r.captured_at;
  std::map<std::string_view, std::string_view> ids;
  for (const auto& [type, digest] : r.identifiers) ids.emplace(digest, type);
  for (const auto& [digest, type] : ids) c.identifiers.emplace_back(std::string(digest), std::string(type));
  return c;
}

std::string SelectHits(std::string_view type) {
  return "SELECT d.id, d.url, d.considered_at, d.decision, d.output_file, d.output_id, d.site, d.source_file, "
         "d.source_offset, d.reasons, " +
         std::string(type) +
         ", d.run, d.http_status, d.fetched, d.signal, "
         "coalesce((SELECT min(q.completed_at) FROM request_rows rr JOIN requests q ON q.id = rr.request "
         "WHERE rr.document = d.id AND q.kind = 'erase' AND q.completed_at IS NOT NULL), ''), d.content_sha256 ";
}

bool ParseChainHead(const std::string& head, std::int64_t* id, std::string* hash) {
  const std::size_t sp = head.find(' ');
  if (sp == std::string::npos || sp == 0 || !IsHex64(std::string_view(head).substr(sp + 1))) return false;
  std::int64_t v = 0;
  for (std::size_t i = 0; i < sp; ++i) {
    if (head[i] < '0' || head[i] > '9' || v > (INT64_MAX - 9) / 10) return false;
    v = v * 10 + (head[i] - '0');
  }
  *id = v;
  *hash = head.substr(sp + 1);
  return true;
}

bool ChainWalk::PassCheckpoints(std::int64_t before_id) {
  for (; next_cp_ < checkpoints_.size() && checkpoints_[next_cp_].first_id < before_id; ++next_cp_) {
    const ChainCheckpoint& cp = checkpoints_[next_cp_];
    if (cp.prev_hash != prev_) {
      report.ok = false;
      report.bad_row = cp.first_id;
      report.problem = "the purge checkpoint of rows " + std::to_string(cp.first_id) + "-" +
                       std::to_string(cp.last_id) + " does not follow " +
                       (prev_id_ ? "row " + std::to_string(prev_id_) : std::string("the start of the chain")) +
                       ": rows were removed, inserted or moved, or the checkpoint was edited";
      return false;
    }
    report.purged += cp.rows;
    prev_ = cp.last_hash;
    prev_id_ = cp.last_id;
  }
  return true;
}

bool ChainWalk::Row(const ChainedRow& c, std::string_view stored_prev, std::string_view stored_hash,
                    std::vector<std::string> indexed_reasons) {
  if (!report.ok) return false;
  ++report.rows;
  if (!PassCheckpoints(c.id)) return false;
  if (stored_prev != prev_) {
    report.ok = false;
    report.bad_row = c.id;
    report.problem = prev_id_ == 0 ? "row " + std::to_string(c.id) +
                                         " is first but does not start the chain: rows were removed before it"
                                   : "row " + std::to_string(c.id) + " does not follow row " +
                                         std::to_string(prev_id_) +
                                         ": rows were removed, inserted or moved between them";
    return false;
  }
  if (RowHash(prev_, c) != stored_hash) {
    report.ok = false;
    report.bad_row = c.id;
    report.problem = "row " + std::to_string(c.id) + " was changed: its content does not match its hash";
    return false;
  }
  prev_ = std::string(stored_hash);
  prev_id_ = c.id;
  // The reports count by reason from the index; what the hash vouches for is
  // the row's own `reasons`. Append stores each distinct reason once.
  std::vector<std::string> chained = SplitReasons(std::string(c.reasons));
  std::sort(chained.begin(), chained.end());
  chained.erase(std::unique(chained.begin(), chained.end()), chained.end());
  std::sort(indexed_reasons.begin(), indexed_reasons.end());
  if (chained != indexed_reasons) {
    report.ok = false;
    report.bad_row = c.id;
    report.problem = "row " + std::to_string(c.id) +
                     "'s reasons in the per-reason index (document_reasons) differ from the reasons its hash "
                     "covers: the index was edited";
    return false;
  }
  indexed_ += static_cast<std::int64_t>(indexed_reasons.size());
  return true;
}

void ChainWalk::Finish(const std::string& recorded_head, std::int64_t index_rows) {
  if (!report.ok || !PassCheckpoints(INT64_MAX)) return;
  report.head = prev_id_ == 0 ? std::string() : std::to_string(prev_id_) + " " + prev_;
  if (recorded_head != report.head) {
    report.ok = false;
    report.problem = recorded_head.empty()
                         ? "the ledger records no chain head but holds rows"
                         : "the chain ends at row " + (prev_id_ ? std::to_string(prev_id_) : std::string("0")) +
                               " but the ledger's head names row " + recorded_head.substr(0, recorded_head.find(' ')) +
                               ": rows were removed from the end (or the head was edited)";
    return;
  }
  if (index_rows != indexed_) {
    report.ok = false;
    report.problem = "the per-reason index (document_reasons) holds " + std::to_string(index_rows) +
                     " rows, the chained rows give " + std::to_string(indexed_) + ": rows were added to it";
  }
}

std::vector<ChainCheckpoint> MergeCheckpoints(std::vector<ChainCheckpoint> existing,
                                              const std::vector<PurgedRow>& gone, const std::string& purged_at,
                                              std::string_view before) {
  std::vector<ChainCheckpoint> all = std::move(existing);
  for (const PurgedRow& r : gone) {
    if (!all.empty() && all.back().purged_at == purged_at && all.back().before == before &&
        all.back().last_hash == r.prev_hash && all.back().last_id < r.id) {
      all.back().last_id = r.id;
      all.back().last_hash = r.row_hash;
      ++all.back().rows;
      continue;
    }
    all.push_back({r.id, r.id, r.prev_hash, r.row_hash, 1, purged_at, std::string(before)});
  }
  std::sort(all.begin(), all.end(),
            [](const ChainCheckpoint& a, const ChainCheckpoint& b) { return a.first_id < b.first_id; });
  std::vector<ChainCheckpoint> out;
  for (ChainCheckpoint& cp : all) {
    if (!out.empty() && out.back().last_hash == cp.prev_hash) {
      ChainCheckpoint& a = out.back();
      a.last_id = cp.last_id;
      a.last_hash = cp.last_hash;
      a.rows += cp.rows;
      if (cp.purged_at > a.purged_at) {
        a.purged_at = cp.purged_at;
        a.before = cp.before;
      }
      continue;
    }
    out.push_back(std::move(cp));
  }
  return out;
}

}  // namespace moisson::audit::internal
