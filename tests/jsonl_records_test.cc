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

using namespace moisson;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/moisson_jsonlrec_XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
};

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
  REQUIRE(io::ForEachJsonlRecord(path, [&](std::string_view, std::string_view id) {
            ids.emplace_back(id);
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

const char* kThree =
    "{\"id\":\"a\",\"url\":\"https://example.org/a\",\"text\":\"one\"}\n"
    "{\"text\":\"two\",\"id\":\"b\",\"nested\":{\"id\":\"zz\"}}\n"
    "\n"
    "{\"id\":42,\"text\":\"three\"}\n";

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
  auto n = io::RemoveJsonlRecords(p, {"b", "nope"});
  REQUIRE(n.ok());
  CHECK(*n == 1);
  CHECK(Slurp(p) ==
        "{\"id\":\"a\",\"url\":\"https://example.org/a\",\"text\":\"one\"}\n"
        "{\"id\":42,\"text\":\"three\"}\n");
  struct stat sb {};
  REQUIRE(::stat(p.c_str(), &sb) == 0);
  CHECK((sb.st_mode & 0777) == 0600);  // the original's mode, not the writer's default
  CHECK(TempFiles(d.path) == 0);
  // Again: nothing to remove, the file is not rewritten (same inode).
  const ino_t inode = sb.st_ino;
  n = io::RemoveJsonlRecords(p, {"b"});
  REQUIRE(n.ok());
  CHECK(*n == 0);
  REQUIRE(::stat(p.c_str(), &sb) == 0);
  CHECK(sb.st_ino == inode);
  n = io::RemoveJsonlRecords(p, {"a", "42"});
  CHECK(*n == 2);
  CHECK(Slurp(p).empty());
}

TEST_CASE("JSONL records: a zstd shard is rewritten zstd, lines without an id are kept", "[io][rights]") {
  TempDir d;
  const std::string p = d.path + "/pages-00001.jsonl.zst";
  Put(p, Zstd(std::string(kThree) + "garbage line\n{\"id\":\"c\"}\n"));
  auto n = io::RemoveJsonlRecords(p, {"a", "c"});
  REQUIRE(n.ok());
  CHECK(*n == 2);
  CHECK(Unzstd(Slurp(p)) == "{\"text\":\"two\",\"id\":\"b\",\"nested\":{\"id\":\"zz\"}}\n"
                            "{\"id\":42,\"text\":\"three\"}\n"
                            "garbage line\n");
}

TEST_CASE("JSONL records: a file whose compression does not match its name is refused, untouched", "[io][rights]") {
  TempDir d;
  const std::string p = d.path + "/out.jsonl";
  const std::string z = Zstd(kThree);
  Put(p, z);
  auto n = io::RemoveJsonlRecords(p, {"a"});
  REQUIRE_FALSE(n.ok());
  CHECK(n.status().message().find(p + ": cannot rewrite this file") == 0);
  CHECK(Slurp(p) == z);
  CHECK(TempFiles(d.path) == 0);
}
