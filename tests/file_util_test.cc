// Where outputs go (core/file_util.h, ResolveOutput): regular files are
// replaced, devices and FIFOs written in place, links followed, folders and
// missing folders refused with a message naming them; and the one durable
// write (DurableFile, FinishFile, SyncDir) every writer uses.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/file_util.h"
#include "tests/temp_dir.h"

using namespace moisson;

namespace {

using moisson::test::TempDir;

}  // namespace

TEST_CASE("ResolveOutput: files, streams, links, folders", "[core][files]") {
  TempDir d;
  auto stdout_target = ResolveOutput("-");
  REQUIRE(stdout_target.ok());
  CHECK(stdout_target->kind == OutputTarget::Kind::kStream);

  auto fresh = ResolveOutput(d.path + "/new.jsonl");
  REQUIRE(fresh.ok());
  CHECK(fresh->kind == OutputTarget::Kind::kReplace);
  CHECK(fresh->path == d.path + "/new.jsonl");

  REQUIRE(::mkfifo((d.path + "/fifo").c_str(), 0600) == 0);
  auto fifo = ResolveOutput(d.path + "/fifo");
  REQUIRE(fifo.ok());
  CHECK(fifo->kind == OutputTarget::Kind::kStream);
  auto null_dev = ResolveOutput("/dev/null");
  REQUIRE(null_dev.ok());
  CHECK(null_dev->kind == OutputTarget::Kind::kStream);

  // A link to a file, a dangling link, a chain of links: the final target is replaced.
  std::ofstream(d.path + "/real.jsonl") << "x\n";
  REQUIRE(::symlink("real.jsonl", (d.path + "/link").c_str()) == 0);
  REQUIRE(::symlink("link", (d.path + "/link2").c_str()) == 0);
  REQUIRE(::symlink("later.jsonl", (d.path + "/dangling").c_str()) == 0);
  CHECK(ResolveOutput(d.path + "/link2")->path == d.path + "/real.jsonl");
  CHECK(ResolveOutput(d.path + "/dangling")->path == d.path + "/later.jsonl");

  // Refused, each naming what is wrong.
  auto dir = ResolveOutput(d.path);
  REQUIRE_FALSE(dir.ok());
  CHECK(dir.status().message() == d.path + ": is a directory (give a file name)");
  auto missing = ResolveOutput(d.path + "/no/such/out.jsonl");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message() == d.path + "/no/such: no such directory (for " + d.path + "/no/such/out.jsonl)");
  auto under_file = ResolveOutput(d.path + "/real.jsonl/out.jsonl");
  REQUIRE_FALSE(under_file.ok());
  CHECK(under_file.status().message() ==
        d.path + "/real.jsonl: is not a directory (for " + d.path + "/real.jsonl/out.jsonl)");
  REQUIRE(::symlink("loop-b", (d.path + "/loop-a").c_str()) == 0);
  REQUIRE(::symlink("loop-a", (d.path + "/loop-b").c_str()) == 0);
  auto loop = ResolveOutput(d.path + "/loop-a");
  REQUIRE_FALSE(loop.ok());
  CHECK(loop.status().message().find(": too many levels of symbolic links") != std::string::npos);
  CHECK(ResolveOutput("").status().message() == "an output path is empty");
}

TEST_CASE("WriteFileAtomically writes a FIFO in place and names a missing folder", "[core][files]") {
  TempDir d;
  auto st = WriteFileAtomically(d.path + "/none/k.key", "secret");
  REQUIRE_FALSE(st.ok());
  CHECK(st.message() == d.path + "/none: no such directory (for " + d.path + "/none/k.key)");
  // Through a link: the target gets the bytes, the link stays a link.
  REQUIRE(::symlink("target.txt", (d.path + "/via").c_str()) == 0);
  REQUIRE(WriteFileAtomically(d.path + "/via", "hello").ok());
  struct stat sb;
  REQUIRE(::lstat((d.path + "/via").c_str(), &sb) == 0);
  CHECK(S_ISLNK(sb.st_mode));
  std::ifstream in(d.path + "/target.txt");
  std::string got;
  std::getline(in, got);
  CHECK(got == "hello");
}

namespace {
std::string Slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}
int TempFilesIn(const std::string& dir) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.path().filename().string().find(".tmp.") != std::string::npos;
  return n;
}
}  // namespace

TEST_CASE("DurableFile: the old file or the whole new one, with the exact mode, never a part", "[core][files]") {
  TempDir d;
  const std::string p = d.path + "/out.jsonl";
  { std::ofstream(p) << "old\n"; }
  {
    auto f = DurableFile::Create(p, 0600);
    REQUIRE(f.ok());
    CHECK(f->temp_path().rfind(p + ".tmp.", 0) == 0);
    REQUIRE(::write(f->fd(), "new", 3) == 3);
    CHECK(TempFilesIn(d.path) == 1);
    CHECK(Slurp(p) == "old\n");  // not committed: the old file stays whole
  }
  CHECK(TempFilesIn(d.path) == 0);  // dropped uncommitted: the temporary file is gone
  CHECK(Slurp(p) == "old\n");

  const mode_t old_umask = ::umask(0077);
  auto f = DurableFile::Create(p, 0644);
  ::umask(old_umask);
  REQUIRE(f.ok());
  REQUIRE(::write(f->fd(), "new\n", 4) == 4);
  auto moved = std::move(f).value();  // a move keeps one owner of the temporary file
  REQUIRE(moved.Commit().ok());
  CHECK(Slurp(p) == "new\n");
  struct stat sb {};
  REQUIRE(::stat(p.c_str(), &sb) == 0);
  CHECK((sb.st_mode & 0777) == 0644);  // exact, whatever the umask
  CHECK(TempFilesIn(d.path) == 0);

  // Exclusive: an existing file is an error and stays as it was.
  auto g = DurableFile::Create(p, 0600);
  REQUIRE(g.ok());
  REQUIRE(::write(g->fd(), "x", 1) == 1);
  const Status st = g->Commit(/*exclusive=*/true);
  CHECK_FALSE(st.ok());
  CHECK(Slurp(p) == "new\n");
}

TEST_CASE("FinishFile gives a complete file its final name; SyncDir names a missing folder", "[core][files]") {
  TempDir d;
  const std::string from = d.path + "/part-0.jsonl.partial", to = d.path + "/part-0.jsonl";
  const int fd = ::open(from.c_str(), O_WRONLY | O_CREAT, 0600);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, "a\n", 2) == 2);
  REQUIRE(FinishFile(fd, from, to).ok());
  CHECK(Slurp(to) == "a\n");
  CHECK(::access(from.c_str(), F_OK) != 0);
  const Status st = SyncDir(d.path + "/missing");
  CHECK_FALSE(st.ok());
  CHECK_THAT(st.message(), Catch::Contains(d.path + "/missing"));
}
