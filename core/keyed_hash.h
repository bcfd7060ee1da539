// The project key and keyed hashing (HMAC-SHA-256, OpenSSL).
//
// moisson never stores a clear identifier: later modules store or print
// HMAC-SHA-256(key, ...) instead. The key is 32 random bytes kept in a file of
// mode 0600 written by `moisson keygen`; its key id (public, derived from the
// key) travels with every stored hash so a rotated key is detectable.
//
// Key file format (text, one field a line):
//   moisson-key 1
//   id <16 lowercase hex digits>
//   secret <64 lowercase hex digits>
#ifndef MOISSON_CORE_KEYED_HASH_H_
#define MOISSON_CORE_KEYED_HASH_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

struct evp_md_ctx_st;  // OpenSSL's EVP_MD_CTX

namespace moisson {

using Digest = std::array<std::uint8_t, 32>;

class ProjectKey {
 public:
  // 32 bytes from OpenSSL's CSPRNG.
  static Result<ProjectKey> Generate();
  // Builds a key from raw bytes (tests, rotation tools).
  static ProjectKey FromBytes(const std::array<std::uint8_t, 32>& bytes);

  // Loads a key file. Refuses a file that group or others may read or write
  // (Status::kPermission, naming the file and its mode) and malformed content
  // (naming the file and line). Never echoes the secret in a message.
  static Result<ProjectKey> Load(const std::string& path);

  // Writes the key file with mode 0600, atomically; an existing file is an
  // error unless `overwrite`.
  Status Save(const std::string& path, bool overwrite) const;

  // Public identifier: hex of the first 8 bytes of SHA-256("moisson-key-id" 0x00 key).
  const std::string& id() const { return id_; }

  // HMAC-SHA-256(key, data).
  Digest Hmac(std::string_view data) const;

  // Wipes the secret from memory.
  ~ProjectKey();
  ProjectKey(const ProjectKey&) = default;
  ProjectKey& operator=(const ProjectKey&) = default;

 private:
  ProjectKey() = default;
  std::array<std::uint8_t, 32> bytes_{};
  std::string id_;
};

// Lowercase hex of `n` bytes of `digest` (n <= 32).
std::string HexPrefix(const Digest& digest, std::size_t n = 32);

// Lowercase hex SHA-256 of `data` (64 characters): document texts, model files.
std::string Sha256Hex(std::string_view data);

// The same over data given in parts (a downloaded archive read in chunks).
class Sha256Stream {
 public:
  Sha256Stream();
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void Update(std::string_view data);
  // The hex digest of everything given ("" if OpenSSL failed); once.
  std::string FinishHex();

 private:
  ::evp_md_ctx_st* ctx_;
  bool ok_ = false;
};

}  // namespace moisson

#endif  // MOISSON_CORE_KEYED_HASH_H_
