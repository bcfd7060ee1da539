// Reading and rewriting output records by id (rights export, erase, purge).
// All data here is fictitious.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "io/jsonl_records.h"
#include "tests/temp_dir.h"

using namespace moisson;

namespace {

using moisson::test::TempDir;

void Put(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string Zstd(const std::string& plain) {
  std::string out(ZSTD_compressBound(plain.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), plain.data(), plain.size(), 3));
  return out;
}

std::string Unzstd(const std::string& z) {
  std::string out(1 << 20, '\0');
  const std::size_t n = ZSTD_decompress(out.data(), out.size(), z.data(), z.size());
  REQUIRE_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

std::vector<std::string> Ids(const std::string& path) {
  std::vector<std::string> ids;
  REQUIRE(io::ForEachJsonlRecord(path, [&](std::string_view, const io::RecordKey& key) {
            ids.emplace_back(key.id);
            return Status::Ok();
          }).ok());
  return ids;
}

// Temporary files a rewrite left beside the original.
std::size_t TempFiles(const std::string& dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename().string().find(".tmp.") != std::string::npos) ++n;
  }
  return n;
}

// Text digests as the filter writes them (64 hex digits; any will do here).
const std::string kShaA(64, 'a'), kShaB(64, 'b'), kSha42(64, '4'), kShaC(64, 'c');

const std::string kThree =
    "{\"id\":\"a\",\"url\":\"https://example.org/a\",\"text\":\"one\",\"moisson\":{\"text_sha256\":\"" + kShaA + "\"}}\n"
    "{\"text\":\"two\",\"id\":\"b\",\"nested\":{\"id\":\"zz\"},\"moisson\":{\"decision\":\"keep\",\"text_sha256\":\"" + kShaB + "\"}}\n"
    "\n"
    "{\"id\":42,\"text\":\"three\",\"moisson\":{\"text_sha256\":\"" + kSha42 + "\"}}\n";

// A selection of (id, digest) pairs.
io::RecordSelection Select(std::initializer_list<std::pair<const char*, std::string>> records) {
  io::RecordSelection s;
  for (const auto& [id, sha] : records) s.Add(id, sha);
  return s;
}

}  // namespace

TEST_CASE("JSONL records: the top-level id is read, strings and numbers, never a nested one", "[io][rights]") {
  CHECK(io::JsonlRecordId("{\"id\":\"x-1\"}") == "x-1");
  CHECK(io::JsonlRecordId("{\"a\":{\"id\":\"inner\"},\"id\":\"outer\"}") == "outer");
  CHECK(io::JsonlRecordId("{\"id\": 42 }") == "42");
  CHECK(io::JsonlRecordId("{\"id\":\"\\u0041\"}") == "A");
  CHECK(io::JsonlRecordId("{\"a\":{\"id\":\"inner\"}}").empty());
  CHECK(io::JsonlRecordId("{\"id\":null}").empty());
  CHECK(io::JsonlRecordId("[1,2]").empty());
  CHECK(io::JsonlRecordId("not json").empty());
  CHECK(io::JsonlRecordId("").empty());
}

TEST_CASE("JSONL records: lines are listed with their ids, blank lines skipped", "[io][rights]") {
  TempDir d;
  Put(d.path + "/out.jsonl", kThree);
  CHECK(Ids(d.path + "/out.jsonl") == std::vector<std::string>{"a", "b", "42"});
  Put(d.path + "/out.jsonl.zst", Zstd(kThree));
  CHECK(Ids(d.path + "/out.jsonl.zst") == std::vector<std::string>{"a", "b", "42"});
  auto st = io::ForEachJsonlRecord(d.path + "/missing.jsonl", [](auto, auto) { return Status::Ok(); });
  CHECK_FALSE(st.ok());
  CHECK(st.message().find("missing.jsonl") != std::string::npos);
}

TEST_CASE("JSONL records: a rewrite removes exactly the given ids, keeps the rest byte for byte", "[io][rights]") {
  TempDir d;
  const std::string p = d.path + "/out.jsonl";
  Put(p, kThree);
  ::chmod(p.c_str(), 0600);
  auto n = io::RemoveJsonlRecords(p, Select({{"b", kShaB}, {"nope", kShaC}}));
  REQUIRE(n.ok());
  CHECK(n->removed == 1);
  CHECK(n->other_content == 0);
  CHECK(Slurp(p) ==
        "{\"id\":\"a\",\"url\":\"https://example.org/a\",\"text\":\"one\",\"moisson\":{\"text_sha256\":\"" + kShaA + "\"}}\n"
        "{\"id\":42,\"text\":\"three\",\"moisson\":{\"text_sha256\":\"" + kSha42 + "\"}}\n");
  struct stat sb {};
  REQUIRE(::stat(p.c_str(), &sb) == 0);
  CHECK((sb.st_mode & 0777) == 0600);  // the original's mode, not the writer's default
  CHECK(TempFiles(d.path) == 0);
  // Again: nothing to remove, the file is not rewritten (same inode).
  const ino_t inode = sb.st_ino;
  n = io::RemoveJsonlRecords(p, Select({{"b", kShaB}}));
  REQUIRE(n.ok());
  CHECK(n->removed == 0);
  REQUIRE(::stat(p.c_str(), &sb) == 0);
  CHECK(sb.st_ino == inode);
  n = io::RemoveJsonlRecords(p, Select({{"a", kShaA}, {"42", kSha42}}));
  CHECK(n->removed == 2);
  CHECK(Slurp(p).empty());
}

TEST_CASE("JSONL records: a zstd shard is rewritten zstd, lines without an id are kept", "[io][rights]") {
  TempDir d;
  const std::string p = d.path + "/pages-00001.jsonl.zst";
  Put(p, Zstd(kThree + "garbage line\n{\"id\":\"c\",\"moisson\":{\"text_sha256\":\"" + kShaC + "\"}}\n"));
  auto n = io::RemoveJsonlRecords(p, Select({{"a", kShaA}, {"c", kShaC}}));
  REQUIRE(n.ok());
  CHECK(n->removed == 2);
  CHECK(Unzstd(Slurp(p)) == "{\"text\":\"two\",\"id\":\"b\",\"nested\":{\"id\":\"zz\"},\"moisson\":{\"decision\":\"keep\",\"text_sha256\":\"" + kShaB + "\"}}\n"
                            "{\"id\":42,\"text\":\"three\",\"moisson\":{\"text_sha256\":\"" + kSha42 + "\"}}\n"
                            "garbage line\n");
}

TEST_CASE("JSONL records: a file whose compression does not match its name is refused, untouched", "[io][rights]") {
  TempDir d;
  const std::string p = d.path + "/out.jsonl";
  const std::string z = Zstd(kThree);
  Put(p, z);
  auto n = io::RemoveJsonlRecords(p, Select({{"a", kShaA}}));
  REQUIRE_FALSE(n.ok());
  CHECK(n.status().message().find(p + ": cannot rewrite this file") == 0);
  CHECK(Slurp(p) == z);
  CHECK(TempFiles(d.path) == 0);
}

TEST_CASE("JSONL records: the key is the id and the text digest, read in one parse", "[io][rights]") {
  const io::RecordKey k = io::JsonlRecordKey("{\"moisson\":{\"text_sha256\":\"" + kShaA + "\"},\"id\":\"x\"}");
  CHECK(k.id == "x");
  CHECK(k.text_sha256 == kShaA);
  // A nested "text_sha256" elsewhere, or a digest that is not 64 hex digits, is not the record's.
  CHECK(io::JsonlRecordKey("{\"id\":\"x\",\"meta\":{\"text_sha256\":\"" + kShaA + "\"}}").text_sha256.empty());
  CHECK(io::JsonlRecordKey("{\"id\":\"x\",\"moisson\":{\"text_sha256\":\"abc\"}}").text_sha256.empty());
  CHECK(io::JsonlRecordKey("{\"id\":\"x\",\"moisson\":\"flat\"}").id == "x");
}

// Issue 13: two inputs without ids once gave two output records with id "1";
// an erase by id removed both, one of them another person's.
TEST_CASE("JSONL records: another record under the same id is never removed", "[io][rights]") {
  TempDir d;
  const std::string p = d.path + "/out.jsonl";
  const std::string mine = "{\"id\":\"1\",\"text\":\"mine\",\"moisson\":{\"text_sha256\":\"" + kShaA + "\"}}\n";
  const std::string theirs = "{\"id\":\"1\",\"text\":\"theirs\",\"moisson\":{\"text_sha256\":\"" + kShaB + "\"}}\n";
  const std::string no_digest = "{\"id\":\"1\",\"text\":\"old\"}\n";
  Put(p, mine + theirs + no_digest);
  auto counted = io::CountJsonlRecords(p, Select({{"1", kShaA}}));
  REQUIRE(counted.ok());
  CHECK(counted->removed == 1);
  CHECK(counted->other_content == 2);
  auto n = io::RemoveJsonlRecords(p, Select({{"1", kShaA}}));
  REQUIRE(n.ok());
  CHECK(n->removed == 1);
  CHECK(n->other_content == 2);
  CHECK(Slurp(p) == theirs + no_digest);
  // A ledger row without a digest cannot tell the records apart: nothing goes.
  n = io::RemoveJsonlRecords(p, Select({{"1", ""}}));
  REQUIRE(n.ok());
  CHECK(n->removed == 0);
  CHECK(Slurp(p) == theirs + no_digest);
}
