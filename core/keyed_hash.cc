#include "core/keyed_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <sys/stat.h>

#include <cstdio>

#include "core/file_util.h"
#include "core/strings.h"

namespace moisson {
namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string ToHex(const std::uint8_t* p, std::size_t n) {
  std::string s;
  s.reserve(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    s.push_back(kHex[p[i] >> 4]);
    s.push_back(kHex[p[i] & 15]);
  }
  return s;
}

std::string DeriveId(const std::array<std::uint8_t, 32>& bytes) {
  std::string input("moisson-key-id");
  input.push_back('\0');
  input.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  std::uint8_t md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), md);
  OPENSSL_cleanse(input.data(), input.size());
  return ToHex(md, 8);
}

}  // namespace

std::string HexPrefix(const Digest& digest, std::size_t n) {
  return ToHex(digest.data(), n > digest.size() ? digest.size() : n);
}

std::string Sha256Hex(std::string_view data) {
  Digest md;
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md.data());
  return HexPrefix(md, md.size());
}

Sha256Stream::Sha256Stream() : ctx_(EVP_MD_CTX_new()) {
  ok_ = ctx_ && EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) == 1;
}
Sha256Stream::~Sha256Stream() { EVP_MD_CTX_free(ctx_); }
void Sha256Stream::Update(std::string_view data) {
  if (ok_ && !data.empty()) ok_ = EVP_DigestUpdate(ctx_, data.data(), data.size()) == 1;
}
std::string Sha256Stream::FinishHex() {
  Digest md;
  unsigned int len = 0;
  if (!ok_ || EVP_DigestFinal_ex(ctx_, md.data(), &len) != 1 || len != md.size()) return "";
  ok_ = false;
  return HexPrefix(md, md.size());
}

ProjectKey::~ProjectKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

ProjectKey ProjectKey::FromBytes(const std::array<std::uint8_t, 32>& bytes) {
  ProjectKey k;
  k.bytes_ = bytes;
  k.id_ = DeriveId(bytes);
  return k;
}

Result<ProjectKey> ProjectKey::Generate() {
  std::array<std::uint8_t, 32> bytes;
  if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
    return Status::Internal("OpenSSL RAND_bytes failed: no key generated");
  }
  ProjectKey k = FromBytes(bytes);
  OPENSSL_cleanse(bytes.data(), bytes.size());
  return k;
}

Status ProjectKey::Save(const std::string& path, bool overwrite) const {
  std::string text = "moisson-key 1\nid " + id_ + "\nsecret " + ToHex(bytes_.data(), bytes_.size()) + "\n";
  Status s = WriteFileAtomically(path, text, 0600, /*exclusive=*/!overwrite);
  OPENSSL_cleanse(text.data(), text.size());
  return s;
}

Result<ProjectKey> ProjectKey::Load(const std::string& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return Status::NotFound(path + ": no such key file");
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(path + ": not a regular file");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::Permission(path + ": key file mode is " + mode +
                              "; it must not be readable or writable by group or others "
                              "(chmod 600 " + path + ")");
  }
  auto data = ReadFileToString(path, 4096);
  if (!data.ok()) return data.status();
  std::string& text = data.value();
  ProjectKey k;
  std::string id;
  bool have_header = false, have_secret = false;
  int line_no = 0;
  std::size_t pos = 0;
  Status error;
  while (pos < text.size() && error.ok()) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string::npos) eol = text.size();
    std::string_view line(text.data() + pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line_no == 1) {
      if (line != "moisson-key 1") error = Status::AtLine(path, 1, "not a moisson key file (expected 'moisson-key 1')");
      have_header = true;
    } else if (line.substr(0, 3) == "id ") {
      id = std::string(line.substr(3));
    } else if (line.substr(0, 7) == "secret ") {
      std::string_view hex = line.substr(7);
      if (hex.size() != 64) {
        error = Status::AtLine(path, line_no, "secret must be 64 hex digits");
        break;
      }
      for (std::size_t i = 0; i < 32; ++i) {
        const int hi = HexDigitValue(hex[2 * i]), lo = HexDigitValue(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
          error = Status::AtLine(path, line_no, "secret must be 64 hex digits");
          break;
        }
        k.bytes_[i] = static_cast<std::uint8_t>(hi * 16 + lo);
      }
      have_secret = true;
    } else {
      error = Status::AtLine(path, line_no, "unknown field (expected 'id' or 'secret')");
    }
  }
  OPENSSL_cleanse(text.data(), text.size());
  if (!error.ok()) return error;
  if (!have_header || !have_secret) return Status::AtLine(path, 0, "incomplete key file (no secret)");
  k.id_ = DeriveId(k.bytes_);
  if (!id.empty() && id != k.id_) {
    return Status::AtLine(path, 0, "key id does not match the secret (file edited or corrupted)");
  }
  return k;
}

Digest ProjectKey::Hmac(std::string_view data) const {
  Digest out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), bytes_.data(), static_cast<int>(bytes_.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(), &len);
  return out;
}

}  // namespace moisson
