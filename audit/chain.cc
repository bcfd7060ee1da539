// The ledger's hash chain, shared by every backend (ledger_internal.h).
#include <openssl/sha.h>

#include <algorithm>

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
