// Site category lists (UT1 / squidGuard layout, hosts files, plain domain
// lists) and the matcher that sits in front of every fetch and document.
//
//   SiteListBuilder b;
//   b.AddUt1Directory("ut1/", {"adult", "dating"}, /*strict=*/false, &reports);
//   Result<SiteMatcher> m = std::move(b).Build();     // immutable afterwards
//   std::optional<SiteHit> hit = m->Match("https://www.example.org/x");
//
// Semantics (../shared/BLOCKLISTS.md section 2 and 7):
//  - a `domains` entry matches its host and every subdomain on a label
//    boundary: every label suffix of the URL's host is looked up, so entries
//    that are public suffixes (blogspot.com) or deep subdomains work;
//  - a `urls` entry is host/path: it matches that host (a leading www., web.
//    or ftpN. label of the URL's host is ignored, as UT1 strips it from its
//    entries) and that path prefix on a segment boundary, case-insensitively
//    (squidGuard lower-cases URLs);
//  - `expressions` are POSIX EREs matched against the lower-cased URL, all in
//    one RE2::Set;
//  - a white category (UT1 `usage` says white) never blocks; its domain and
//    URL entries only cancel expression hits, never a domain or URL hit.
// SiteMatcher is immutable and thread-safe; share one instance.
#ifndef MOISSON_BLOCKLISTS_SITE_LIST_H_
#define MOISSON_BLOCKLISTS_SITE_LIST_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "blocklists/host.h"
#include "core/status.h"

namespace moisson::blocklists {

enum class EntryKind : std::uint8_t { kDomain, kUrl, kExpression };
const char* EntryKindName(EntryKind k);  // "domain", "url", "expression"

// What loading one file found. Malformed entries are skipped and counted;
// `errors` keeps the first few (line and reason, never the entry itself).
struct ListLoadReport {
  std::string file;
  std::string category;
  EntryKind kind = EntryKind::kDomain;
  std::size_t lines = 0;
  std::size_t entries = 0;
  std::size_t skipped = 0;
  std::vector<std::pair<std::size_t, std::string>> errors;  // at most kMaxReportedErrors
};
inline constexpr std::size_t kMaxReportedErrors = 10;

struct SiteHit {
  std::string category;
  EntryKind kind = EntryKind::kDomain;
  std::string entry;   // the list entry as normalised (domain, host/path, or expression)
  std::string source;  // the file it came from
};

class SiteMatcher {
 public:
  SiteMatcher(SiteMatcher&&) noexcept;
  SiteMatcher& operator=(SiteMatcher&&) noexcept;
  ~SiteMatcher();

  // The blocking hit for an absolute URL, or nullopt when clean. A URL whose
  // host cannot be read is reported as a hit of category "invalid-url": a
  // guard does not wave through what it cannot read.
  std::optional<SiteHit> Match(std::string_view url) const;
  // The same for a URL parsed once by the caller (the filter chain).
  std::optional<SiteHit> Match(const SiteUrl& url) const;
  // The domain-entry hit for an already normalised host.
  std::optional<SiteHit> MatchHost(std::string_view normalised_host) const;

  // Batch form for hot paths (a crawler's frontier, a dump's URLs): sets
  // (*out)[i] to 0 when hosts[i] (normalised) is clean, else to 1 + the index
  // of its category (category_name()). Hashes and prefetches several hosts
  // ahead so that their cache misses overlap; allocates nothing per host.
  // `out` has the size of `hosts` (a caller's own arrays, in slices).
  void MatchHosts(std::span<const std::string_view> hosts, std::span<std::uint16_t> out) const;
  void MatchHosts(const std::vector<std::string_view>& hosts, std::vector<std::uint16_t>* out) const {
    out->resize(hosts.size());
    MatchHosts(std::span<const std::string_view>(hosts), std::span<std::uint16_t>(*out));
  }
  const std::string& category_name(std::uint16_t index) const { return categories_[index]; }
  std::uint16_t category_count() const { return static_cast<std::uint16_t>(categories_.size()); }

  std::size_t domain_count() const { return domain_count_; }
  // Bytes of the domain table (what a domain costs at rest).
  std::size_t domain_table_bytes() const {
    return capacity_ * (sizeof(std::uint64_t) + sizeof(Meta)) + bloom_.size() * sizeof(std::uint64_t);
  }
  std::size_t url_count() const { return url_count_; }
  std::size_t expression_count() const { return expressions_.size(); }

 private:
  friend class SiteListBuilder;
  friend Status WriteSnapshot(const SiteMatcher& matcher, const std::string& path);
  friend Result<SiteMatcher> LoadSnapshot(const std::string& path);
  SiteMatcher();
  struct Meta {
    std::uint16_t category;
    std::uint16_t source;
  };
  struct UrlEntry {
    std::string path;  // starts with '/'
    Meta meta;
  };
  struct Expression {
    std::string text;
    Meta meta;
  };
  // Hashes up to `max` label suffixes of `host` (longest first), prefetching
  // their prefilter blocks; returns how many, and in *rest what is left.
  std::size_t HashSuffixes(std::string_view host, std::string_view* suffixes, std::uint64_t* hashes,
                           std::size_t max, std::string_view* rest) const;
  const Meta* FindHashed(std::uint64_t hash) const;  // capacity_ > 0
  const Meta* FindSlot(std::uint64_t hash) const;    // the same, the prefilter already asked
  // A blocked Bloom filter over the table's hashes (about 1.25 bytes a
  // domain), rebuilt when the table is built or mapped: most suffixes of a
  // clean host are answered from it without touching the large table.
  void BuildPrefilter();
  bool MayContain(std::uint64_t hash) const {
    const std::uint64_t* block = &bloom_[((hash >> 40) & bloom_mask_) * 8];
    for (int k = 0; k < 6; ++k) {
      const unsigned bit = (hash >> (k * 9)) & 511;
      if ((block[bit >> 6] & (std::uint64_t{1} << (bit & 63))) == 0) return false;
    }
    return true;
  }
  const std::uint64_t* BloomBlock(std::uint64_t hash) const { return &bloom_[((hash >> 40) & bloom_mask_) * 8]; }
  std::vector<std::uint64_t> bloom_ = std::vector<std::uint64_t>(8, 0);  // 64-byte blocks
  std::uint64_t bloom_mask_ = 0;                                          // blocks - 1
  bool WhiteCovers(std::string_view host, std::string_view path_query) const;
  SiteHit MakeHit(const Meta& m, EntryKind kind, std::string entry) const;

  // Open addressing over 64-bit hashes of black domains (0 = empty slot),
  // `capacity_` a power of two. The arrays live in the vectors when built, or
  // in a read-only mapping of a snapshot file (`mapping_`).
  std::vector<std::uint64_t> slots_;
  std::vector<Meta> slot_meta_;
  const std::uint64_t* slot_ptr_ = nullptr;
  const Meta* meta_ptr_ = nullptr;
  std::size_t capacity_ = 0;
  struct Mapping;
  std::shared_ptr<Mapping> mapping_;
  std::size_t domain_count_ = 0;
  std::unordered_map<std::string, std::vector<UrlEntry>> urls_;  // host -> black entries
  std::size_t url_count_ = 0;
  std::vector<Expression> expressions_;
  struct ExpressionSet;  // an RE2::Set, kept out of this header
  std::unique_ptr<ExpressionSet> expression_set_;
  std::unordered_set<std::string> white_domains_;
  std::unordered_map<std::string, std::vector<std::string>> white_urls_;  // host -> paths
  std::vector<std::string> categories_;
  std::vector<std::string> sources_;
};

class SiteListBuilder {
 public:
  SiteListBuilder();
  ~SiteListBuilder();

  // Marks `category` white: its entries only cancel expression hits.
  void SetWhite(const std::string& category, bool white);

  // Each Add* reads a file, gzip or plain. With `strict`, the first malformed
  // entry is an error "FILE:LINE: reason"; otherwise it is skipped and
  // counted in `*report`. A missing or unreadable file is always an error.
  Status AddDomainsFile(const std::string& category, const std::string& path, bool strict, ListLoadReport* report);
  // hosts format: "0.0.0.0 host [host...]" (comments, localhost lines ignored).
  Status AddHostsFile(const std::string& category, const std::string& path, bool strict, ListLoadReport* report);
  Status AddUrlsFile(const std::string& category, const std::string& path, bool strict, ListLoadReport* report);
  Status AddExpressionsFile(const std::string& category, const std::string& path, bool strict,
                            ListLoadReport* report);

  // A UT1 tree: one folder per category holding domains, urls, expressions
  // (each optionally .gz) and usage. `only` limits the categories (empty:
  // all). A category whose usage says "white" is marked white.
  Status AddUt1Directory(const std::string& dir, const std::vector<std::string>& only, bool strict,
                         std::vector<ListLoadReport>* reports);

  // Moves out the normalised entries of `kind` added so far, in file order
  // (`blocklist import` writes them back out, validated and normalised).
  std::vector<std::string> TakeEntries(EntryKind kind);

  // Compiles everything; the builder is spent afterwards.
  Result<SiteMatcher> Build() &&;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Imports a UT1 tree (`moisson blocklist import`): every category (or those
// in `only`) is read and validated like a list, and its normalised entries
// are written gzip-compressed to DEST/<category>/{domains,urls,expressions}.gz
// with its usage file, plus DEST/MANIFEST.md (counts, skipped lines, sha256,
// source, date). DEST is built under a temporary name and renamed into place:
// an interrupted import leaves no half-written tree. An existing DEST is an
// error unless `replace`.
Status ImportUt1(const std::string& src, const std::vector<std::string>& only, const std::string& dest, bool strict,
                 bool replace, std::vector<ListLoadReport>* reports);

// Compiled snapshots (`moisson blocklist compile`): the matcher written to
// one file whose domain table is used in place through mmap, so that loading
// millions of domains costs a checksum pass, not a rebuild. The file is
// written atomically. Loading checks magic, version, every size and offset
// against the file size, a CRC-32 of the contents and every category index:
// a damaged file is an error naming it, never a crash.
Status WriteSnapshot(const SiteMatcher& matcher, const std::string& path);
Result<SiteMatcher> LoadSnapshot(const std::string& path);

// 64-bit hash used for domain tables (stable across builds and machines, so
// compiled snapshots stay valid): FNV-1a followed by a murmur3 finaliser.
std::uint64_t HashDomain(std::string_view s);

}  // namespace moisson::blocklists

#endif  // MOISSON_BLOCKLISTS_SITE_LIST_H_
