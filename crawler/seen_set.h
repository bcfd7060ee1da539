// The crawler's seen-set: which normalised URLs have been queued already.
//
// Compact: each URL is kept as a 96-bit fingerprint (the first 12 bytes of its
// SHA-256) in a bucketised cuckoo hash table (Pagh and Rodler's cuckoo hashing
// with 4-slot buckets and two candidate buckets per key, as in Fan et al.,
// "Cuckoo Filter: Practically Better Than Bloom", CoNEXT 2014, section 3),
// so an entry costs 12 bytes and no heap allocation of its own. The table fills
// to a load of 0.95 and then grows by a quarter, so after growth it is at least
// 0.76 full: MemoryBytes() / size() stays at or below 16 (12 / 0.76 = 15.8)
// once the set has outgrown its initial capacity.
//
// "Exact" means: no URL is ever forgotten (no false negatives), and a URL that
// was never inserted is reported as seen only if its fingerprint equals that
// of some other inserted URL. With n URLs and 96-bit fingerprints the
// probability that any two of them collide is at most n^2 / 2^97 (birthday
// bound):
//   n = 1 M URLs:   about 6.3e-18
//   n = 100 M URLs: about 6.3e-14
// and a collision costs one URL not being crawled. The fingerprint is
// unkeyed: a site could only make its own URLs collide with each other by
// brute force (about 2^48 SHA-256 evaluations per pair), which gains it
// nothing the site could not do by not linking a page.
//
// Not persisted: the crawler keeps its URLs in SQLite and re-inserts them on
// resume. Thread-compatible: a const SeenSet may be read from several threads;
// Insert needs exclusive access.
#ifndef MOISSON_CRAWLER_SEEN_SET_H_
#define MOISSON_CRAWLER_SEEN_SET_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace moisson::crawler {

class SeenSet {
 public:
  // Sizes the table so that `expected` URLs fit without growth.
  explicit SeenSet(std::size_t expected = 1024);

  // True if `normalised_url` was not in the set (and adds it).
  bool Insert(std::string_view normalised_url);
  bool Contains(std::string_view normalised_url) const;
  std::size_t size() const { return size_; }
  // Bytes held by the table (its slot array).
  std::size_t MemoryBytes() const { return slots_.size() * sizeof(Slot); }

 private:
  // A 96-bit fingerprint; all zero marks an empty slot.
  struct Slot {
    std::uint32_t w[3];
    bool empty() const { return (w[0] | w[1] | w[2]) == 0; }
    bool operator==(const Slot& o) const {
      return w[0] == o.w[0] && w[1] == o.w[1] && w[2] == o.w[2];
    }
  };
  static_assert(sizeof(Slot) == 12);
  static constexpr std::size_t kSlotsPerBucket = 4;

  static Slot Fingerprint(std::string_view url);
  static std::size_t Bucket1(const Slot& fp, std::size_t buckets);
  static std::size_t Bucket2(const Slot& fp, std::size_t buckets);
  bool Find(const Slot& fp) const;
  // Cuckoo insertion into slots_; false when the kick limit was reached, with
  // the fingerprint left without a slot (not necessarily `fp`) in *homeless.
  bool Place(Slot fp, Slot* homeless);
  // Rebuilds the table with more buckets.
  void Grow();
  std::size_t MaxEntries() const;

  std::vector<Slot> slots_;  // buckets_ * kSlotsPerBucket
  std::size_t buckets_ = 0;
  std::size_t size_ = 0;
  std::uint64_t rng_ = 0x9E3779B97F4A7C15ULL;  // picks cuckoo victims
};

}  // namespace moisson::crawler

#endif  // MOISSON_CRAWLER_SEEN_SET_H_
