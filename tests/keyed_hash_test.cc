// The project key: generation, file permissions, HMAC-SHA-256.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "core/file_util.h"
#include "core/keyed_hash.h"

using namespace moisson;

namespace {
std::string TempPath(const std::string& name) {
  return "/tmp/moisson_test_" + std::to_string(::getpid()) + "_" + name;
}
}  // namespace

TEST_CASE("HMAC-SHA-256 agrees with an independent implementation", "[key]") {
  // RFC 4231's vectors use keys of other lengths; this digest comes from
  // Python's hmac module (command below), not from the code under test.
  std::array<std::uint8_t, 32> bytes{};
  for (int i = 0; i < 32; ++i) bytes[i] = static_cast<std::uint8_t>(i + 1);
  const ProjectKey key = ProjectKey::FromBytes(bytes);
  // python3 -c "import hmac,hashlib;print(hmac.new(bytes(range(1,33)),b'abc',hashlib.sha256).hexdigest())"
  CHECK(HexPrefix(key.Hmac("abc")) == "a21b1f5d4cf4f73a4dd939750f7a066a7f98cc131cb16a6692759021cfab8181");
  CHECK(key.Hmac("abc") == key.Hmac("abc"));
  CHECK(key.Hmac("abc") != key.Hmac("abd"));
  CHECK(key.id().size() == 16);
}

TEST_CASE("Keygen writes a 0600 file that loads back to the same key", "[key]") {
  const std::string path = TempPath("key");
  ::unlink(path.c_str());
  auto key = ProjectKey::Generate();
  REQUIRE(key.ok());
  REQUIRE(key->Save(path, false).ok());
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto loaded = ProjectKey::Load(path);
  REQUIRE(loaded.ok());
  CHECK(loaded->id() == key->id());
  CHECK(loaded->Hmac("x") == key->Hmac("x"));
  // No silent overwrite.
  CHECK_FALSE(key->Save(path, false).ok());
  CHECK(ProjectKey::Generate()->Save(path, true).ok());
  CHECK(ProjectKey::Load(path)->id() != key->id());
  ::unlink(path.c_str());
}

TEST_CASE("A key file readable by others is refused, without echoing the secret", "[key]") {
  const std::string path = TempPath("open_key");
  auto key = ProjectKey::Generate();
  REQUIRE(key->Save(path, true).ok());
  auto secret = ReadFileToString(path);
  REQUIRE(secret.ok());
  ::chmod(path.c_str(), 0644);
  auto loaded = ProjectKey::Load(path);
  REQUIRE_FALSE(loaded.ok());
  CHECK(loaded.status().code() == Status::Code::kPermission);
  CHECK(loaded.status().message().find("0644") != std::string::npos);
  const std::string hex = secret->substr(secret->find("secret ") + 7, 64);
  CHECK(loaded.status().message().find(hex) == std::string::npos);
  ::chmod(path.c_str(), 0640);
  CHECK_FALSE(ProjectKey::Load(path).ok());
  ::unlink(path.c_str());
}

TEST_CASE("Malformed key files are errors naming the line", "[key]") {
  const std::string path = TempPath("bad_key");
  auto write = [&](const std::string& text) {
    ::unlink(path.c_str());
    REQUIRE(WriteFileAtomically(path, text, 0600).ok());
  };
  write("not a key\n");
  CHECK(ProjectKey::Load(path).status().message() == path + ":1: not a moisson key file (expected 'moisson-key 1')");
  write("moisson-key 1\nid 00\nsecret abc\n");
  CHECK(ProjectKey::Load(path).status().message() == path + ":3: secret must be 64 hex digits");
  write("moisson-key 1\nsecret " + std::string(64, 'z') + "\n");
  CHECK(ProjectKey::Load(path).status().message() == path + ":2: secret must be 64 hex digits");
  write("moisson-key 1\nid 0000000000000000\nsecret " + std::string(64, 'a') + "\n");
  CHECK(ProjectKey::Load(path).status().message().find("key id does not match") != std::string::npos);
  write("moisson-key 1\n");
  CHECK_FALSE(ProjectKey::Load(path).ok());
  ::unlink(path.c_str());
  CHECK(ProjectKey::Load(path).status().code() == Status::Code::kNotFound);
}

TEST_CASE("WriteFileAtomically leaves no temporary file behind", "[io]") {
  const std::string dir = TempPath("dir");
  ::mkdir(dir.c_str(), 0700);
  REQUIRE(WriteFileAtomically(dir + "/out.txt", "hello").ok());
  CHECK(*ReadFileToString(dir + "/out.txt") == "hello");
  CHECK_FALSE(WriteFileAtomically(dir + "/missing/out.txt", "x").ok());
  CHECK_FALSE(ReadFileToString(dir).ok());  // a directory is not a file
  std::string big(2000, 'x');
  REQUIRE(WriteFileAtomically(dir + "/big.txt", big).ok());
  CHECK_FALSE(ReadFileToString(dir + "/big.txt", 1000).ok());
  ::unlink((dir + "/out.txt").c_str());
  ::unlink((dir + "/big.txt").c_str());
  CHECK(::rmdir(dir.c_str()) == 0);  // fails if a temporary file was left
}
