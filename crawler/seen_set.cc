#include "crawler/seen_set.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstring>
#include <memory>
#include <utility>

namespace moisson::crawler {
namespace {

// Fill limit and growth step: 0.95 / 1.25 = 0.76 load right after growth.
constexpr std::size_t kMaxLoadPercent = 95;
constexpr std::size_t kMaxKicks = 500;

// Lemire's multiply-shift range reduction: x in [0, 2^64) to [0, n).
std::size_t Reduce(std::uint64_t x, std::size_t n) {
  return static_cast<std::size_t>((static_cast<unsigned __int128>(x) * n) >> 64);
}

struct MdCtxDeleter {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

// SHA-256 of `in`. OpenSSL 3's one-shot SHA256() looks the algorithm up on
// every call (about 500 ns for a URL); a fetched EVP_MD and a per-thread
// context bring that to about 120 ns.
void Sha256(std::string_view in, unsigned char out[SHA256_DIGEST_LENGTH]) {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  thread_local const std::unique_ptr<EVP_MD_CTX, MdCtxDeleter> ctx(EVP_MD_CTX_new());
  unsigned int len = 0;
  if (md == nullptr || ctx == nullptr || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), in.data(), in.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out, &len) != 1) {
    SHA256(reinterpret_cast<const unsigned char*>(in.data()), in.size(), out);  // cannot fail
  }
}

}  // namespace

SeenSet::SeenSet(std::size_t expected) {
  const std::size_t slots = expected * 100 / kMaxLoadPercent + 1;
  buckets_ = (slots + kSlotsPerBucket - 1) / kSlotsPerBucket;
  if (buckets_ < 2) buckets_ = 2;
  slots_.assign(buckets_ * kSlotsPerBucket, Slot{});
}

SeenSet::Slot SeenSet::Fingerprint(std::string_view url) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  Sha256(url, md);
  Slot fp;
  std::memcpy(fp.w, md, sizeof(fp.w));
  if (fp.empty()) fp.w[0] = 1;  // all zero means empty; one 2^-96 case merged
  return fp;
}

// The two candidate buckets come from different 32-bit words of the
// fingerprint (Reduce depends mostly on the high half of its argument).
std::size_t SeenSet::Bucket1(const Slot& fp, std::size_t buckets) {
  return Reduce((static_cast<std::uint64_t>(fp.w[1]) << 32) | fp.w[0], buckets);
}

std::size_t SeenSet::Bucket2(const Slot& fp, std::size_t buckets) {
  return Reduce((static_cast<std::uint64_t>(fp.w[2]) << 32) | fp.w[0], buckets);
}

std::size_t SeenSet::MaxEntries() const { return slots_.size() * kMaxLoadPercent / 100; }

bool SeenSet::Find(const Slot& fp) const {
  for (const std::size_t b : {Bucket1(fp, buckets_), Bucket2(fp, buckets_)}) {
    const Slot* bucket = &slots_[b * kSlotsPerBucket];
    for (std::size_t i = 0; i < kSlotsPerBucket; ++i) {
      if (bucket[i] == fp) return true;
    }
  }
  return false;
}

bool SeenSet::Place(Slot fp, Slot* homeless) {
  auto put_in = [this](std::size_t b, const Slot& s) {
    Slot* bucket = &slots_[b * kSlotsPerBucket];
    for (std::size_t i = 0; i < kSlotsPerBucket; ++i) {
      if (bucket[i].empty()) {
        bucket[i] = s;
        return true;
      }
    }
    return false;
  };
  const std::size_t b1 = Bucket1(fp, buckets_);
  const std::size_t b2 = Bucket2(fp, buckets_);
  if (put_in(b1, fp) || put_in(b2, fp)) return true;
  auto next_random = [this] {  // xorshift64 (Marsaglia 2003)
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 7;
    rng_ ^= rng_ << 17;
    return rng_;
  };
  std::size_t b = (next_random() & 1) ? b1 : b2;
  for (std::size_t kick = 0; kick < kMaxKicks; ++kick) {
    std::swap(fp, slots_[b * kSlotsPerBucket + next_random() % kSlotsPerBucket]);
    const std::size_t f1 = Bucket1(fp, buckets_);
    b = f1 == b ? Bucket2(fp, buckets_) : f1;
    if (put_in(b, fp)) return true;
  }
  *homeless = fp;
  return false;
}

void SeenSet::Grow() {
  std::vector<Slot> old;
  old.swap(slots_);
  std::size_t buckets = buckets_;
  while (true) {
    buckets += buckets / 4 + 1;
    buckets_ = buckets;
    slots_.assign(buckets_ * kSlotsPerBucket, Slot{});
    bool ok = true;
    Slot homeless;
    for (const Slot& s : old) {
      if (!s.empty() && !Place(s, &homeless)) {
        ok = false;  // not seen in practice below 0.8 load; grow further
        break;
      }
    }
    if (ok) return;
  }
}

bool SeenSet::Insert(std::string_view normalised_url) {
  Slot fp = Fingerprint(normalised_url);
  if (Find(fp)) return false;
  if (size_ + 1 > MaxEntries()) Grow();
  Slot homeless;
  while (!Place(fp, &homeless)) {
    // The kick limit was hit: `homeless` (some entry displaced on the way)
    // has no slot. Grow, then place it.
    Grow();
    fp = homeless;
  }
  ++size_;
  return true;
}

bool SeenSet::Contains(std::string_view normalised_url) const {
  return Find(Fingerprint(normalised_url));
}

}  // namespace moisson::crawler
