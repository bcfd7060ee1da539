// Removing a person's records from WARC files (rights erase). The files are
// built here record by record, each gzip-compressed into its own member as
// crawl --warc writes them. All data here is fictitious.
#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <unordered_set>
#include <vector>

#include "io/writers.h"
#include "io/warc_records.h"
#include "tests/temp_dir.h"

using namespace moisson;

namespace {

const std::string kU42 = "https://forum.example/u/42";
const std::string kU7 = "https://forum.example/u/7";
const std::string kU8 = "https://forum.example/u/8?tab=posts";

using moisson::test::TempDir;

void Put(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

struct stat Stat(const std::string& path) {
  struct stat sb {};
  REQUIRE(::stat(path.c_str(), &sb) == 0);
  return sb;
}

// Temporary files a rewrite left beside the original.
std::size_t TempFiles(const std::string& dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().filename().string().find(".tmp.") != std::string::npos) ++n;
  }
  return n;
}

// One gzip member holding `plain`.
std::string Gz(const std::string& plain) {
  z_stream z{};
  REQUIRE(deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&z, plain.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  z.avail_in = static_cast<uInt>(plain.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  REQUIRE(deflate(&z, Z_FINISH) == Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// Every member of a multi-member gzip file, decompressed and concatenated.
std::string Gunzip(const std::string& gz) {
  std::string out;
  std::size_t pos = 0;
  while (pos < gz.size()) {
    z_stream z{};
    REQUIRE(inflateInit2(&z, 16 + MAX_WBITS) == Z_OK);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data() + pos));
    z.avail_in = static_cast<uInt>(gz.size() - pos);
    char buf[1 << 15];
    int rc = Z_OK;
    while (rc == Z_OK) {
      z.next_out = reinterpret_cast<Bytef*>(buf);
      z.avail_out = sizeof buf;
      rc = inflate(&z, Z_NO_FLUSH);
      out.append(buf, sizeof buf - z.avail_out);
    }
    REQUIRE(rc == Z_STREAM_END);
    pos += z.total_in;
    inflateEnd(&z);
  }
  return out;
}

std::string RandomBytes(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

// A WARC record: `uri_line` is the whole WARC-Target-URI line ("" for none).
std::string Record(const std::string& type, const std::string& uri_line, const std::string& block, int n = 0) {
  std::string h = "WARC/1.1\r\nWARC-Type: " + type + "\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-0000000000" +
                  std::to_string(10 + n) + ">\r\nWARC-Date: 2026-12-02T15:00:00Z\r\n";
  if (!uri_line.empty()) h += uri_line + "\r\n";
  h += "Content-Type: application/http;msgtype=" + type + "\r\nContent-Length: " + std::to_string(block.size()) +
       "\r\n\r\n";
  return h + block + "\r\n\r\n";
}

std::string Uri(const std::string& u) { return "WARC-Target-URI: " + u; }

std::string Warcinfo() {
  const std::string block = "software: moisson/test\r\nformat: WARC File Format 1.1\r\n";
  return "WARC/1.1\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000001>\r\n"
         "WARC-Date: 2026-12-02T15:00:00Z\r\nWARC-Filename: crawl-00000.warc.gz\r\n"
         "Content-Type: application/warc-fields\r\nContent-Length: " +
         std::to_string(block.size()) + "\r\n\r\n" + block + "\r\n\r\n";
}

std::string Request(const std::string& uri, int n) {
  return Record("request", Uri(uri), "GET " + uri.substr(uri.find('/', 8)) + " HTTP/1.1\r\nHost: forum.example\r\n\r\n",
                n);
}

std::string Response(const std::string& uri, const std::string& payload, int n) {
  return Record("response", Uri(uri),
                "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " + std::to_string(payload.size()) +
                    "\r\n\r\n" + payload,
                n);
}

// The records of a small crawl: warcinfo, then two pages of u/42 (one with
// a large, incompressible body that spans many read and inflate buffers),
// u/7, a metadata record of u/42 and a revisit of u/8.
std::vector<std::string> Records() {
  return {Warcinfo(),
          Request(kU42, 1),
          Response(kU42, "<p>Fictitious post by user 42.</p>", 2),
          Request(kU7, 3),
          Response(kU7, RandomBytes(700000, 7), 4),
          Request(kU42, 5),
          Response(kU42, RandomBytes(900000, 42), 6),
          Record("metadata", Uri(kU42), "outlinks: https://forum.example/u/43\r\n", 7),
          Record("revisit", Uri(kU8), "HTTP/1.1 304 Not Modified\r\n\r\n", 8)};
}

std::string Join(const std::vector<std::string>& parts, const std::vector<std::size_t>& which) {
  std::string s;
  for (std::size_t i : which) s += parts[i];
  return s;
}

std::vector<std::string> GzEach(const std::vector<std::string>& records) {
  std::vector<std::string> m;
  for (const auto& r : records) m.push_back(Gz(r));
  return m;
}

std::vector<std::size_t> All(std::size_t n) {
  std::vector<std::size_t> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(i);
  return v;
}

// The file is refused, and left exactly as it was.
void CheckRefused(const std::string& dir, const std::string& path, const std::string& must_mention) {
  const std::string bytes = Slurp(path);
  const struct stat before = Stat(path);
  auto r = io::RemoveWarcRecords(path, {kU42, kU7});
  REQUIRE_FALSE(r.ok());
  const std::string& msg = r.status().message();
  INFO(msg);
  CHECK(r.status().code() == Status::Code::kInvalidArgument);
  CHECK_THAT(msg, Catch::Contains(path + ":"));
  CHECK_THAT(msg, Catch::Contains(must_mention));
  CHECK_THAT(msg, !Catch::Contains("forum.example"));  // never a URI, never content
  CHECK_THAT(msg, !Catch::Contains("Fictitious"));
  CHECK(Slurp(path) == bytes);
  const struct stat after = Stat(path);
  CHECK(after.st_ino == before.st_ino);
  CHECK(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
  CHECK(TempFiles(dir) == 0);
}

}  // namespace

TEST_CASE("WARC records: a person's records go, the others stay byte for byte (gzip)", "[io][rights][warc]") {
  TempDir t;
  const std::string p = t.path + "/crawl-00000.warc.gz";
  const auto records = Records();
  const auto members = GzEach(records);
  Put(p, Join(members, All(members.size())));
  REQUIRE(::chmod(p.c_str(), 0600) == 0);

  auto r = io::RemoveWarcRecords(p, {kU42});
  INFO(r.status().message());
  REQUIRE(r.ok());
  CHECK(*r == 5);  // both exchanges of u/42 and its metadata record
  // The kept members, compressed bytes unchanged: warcinfo, u/7, u/8.
  CHECK(Slurp(p) == Join(members, {0, 3, 4, 8}));
  CHECK(Gunzip(Slurp(p)) == Join(records, {0, 3, 4, 8}));
  const struct stat sb = Stat(p);
  CHECK((sb.st_mode & 0777) == 0600);
  CHECK(TempFiles(t.path) == 0);

  // Again: nothing to remove, the file is not rewritten.
  auto again = io::RemoveWarcRecords(p, {kU42});
  REQUIRE(again.ok());
  CHECK(*again == 0);
  const struct stat sb2 = Stat(p);
  CHECK(sb2.st_ino == sb.st_ino);
  CHECK(sb2.st_mtim.tv_sec == sb.st_mtim.tv_sec);
  CHECK(sb2.st_mtim.tv_nsec == sb.st_mtim.tv_nsec);
}

TEST_CASE("WARC records: several people at once, down to the warcinfo record alone", "[io][rights][warc]") {
  TempDir t;
  const std::string p = t.path + "/crawl-00001.warc.gz";
  const auto members = GzEach(Records());
  Put(p, Join(members, All(members.size())));

  auto r = io::RemoveWarcRecords(p, {kU7, kU8, "https://forum.example/u/9"});
  REQUIRE(r.ok());
  CHECK(*r == 3);
  CHECK(Slurp(p) == Join(members, {0, 1, 2, 5, 6, 7}));

  r = io::RemoveWarcRecords(p, {kU42, kU7});
  REQUIRE(r.ok());
  CHECK(*r == 5);
  CHECK(Slurp(p) == members[0]);  // records without a target URI are kept
}

TEST_CASE("WARC records: when nothing matches, the file is not touched", "[io][rights][warc]") {
  TempDir t;
  const std::string p = t.path + "/crawl-00002.warc.gz";
  const auto members = GzEach(Records());
  const std::string bytes = Join(members, All(members.size()));
  Put(p, bytes);
  const struct stat before = Stat(p);
  // A URI that is a prefix of another, one differing in case: no match.
  for (const std::unordered_set<std::string>& set :
       {std::unordered_set<std::string>{}, {"https://forum.example/u/4"}, {"https://FORUM.example/u/42"}, {""}}) {
    auto r = io::RemoveWarcRecords(p, set);
    REQUIRE(r.ok());
    CHECK(*r == 0);
  }
  const struct stat after = Stat(p);
  CHECK(after.st_ino == before.st_ino);
  CHECK(after.st_mtim.tv_sec == before.st_mtim.tv_sec);
  CHECK(after.st_mtim.tv_nsec == before.st_mtim.tv_nsec);
  CHECK(Slurp(p) == bytes);
  CHECK(TempFiles(t.path) == 0);
}

TEST_CASE("WARC records: an uncompressed .warc file", "[io][rights][warc]") {
  TempDir t;
  const std::string p = t.path + "/crawl.warc";
  const auto records = Records();
  Put(p, Join(records, All(records.size())));
  REQUIRE(::chmod(p.c_str(), 0640) == 0);
  auto r = io::RemoveWarcRecords(p, {kU42, kU8});
  INFO(r.status().message());
  REQUIRE(r.ok());
  CHECK(*r == 6);
  CHECK(Slurp(p) == Join(records, {0, 3, 4}));
  CHECK((Stat(p).st_mode & 0777) == 0640);
  CHECK(TempFiles(t.path) == 0);
}

TEST_CASE("WARC records: <uri> (WARC 1.0), spaces around the value, any case of the field name",
          "[io][rights][warc]") {
  const std::vector<std::string> records = {
      Warcinfo(),
      Record("response", "WARC-Target-URI: <" + kU42 + ">", "one", 1),
      Record("response", "WARC-Target-URI:    " + kU42 + " \t", "two", 2),
      Record("response", "warc-target-uri:<" + kU42 + ">", "three", 3),
      Record("response", "WARC-Target-URI: " + kU42 + "/more", "four", 4),  // another page
      Record("response", "WARC-Target-URI: <" + kU7 + ">", "five", 5),
      // A folded (WARC 1.0) header line before it must not disturb the parse.
      Record("resource", "X-Note: a\r\n  folded line\r\nWARC-Target-URI: " + kU42, "six", 6),
  };
  TempDir t;
  SECTION("gzip") {
    const std::string p = t.path + "/old.warc.gz";
    const auto members = GzEach(records);
    Put(p, Join(members, All(members.size())));
    auto r = io::RemoveWarcRecords(p, {kU42});
    INFO(r.status().message());
    REQUIRE(r.ok());
    CHECK(*r == 4);
    CHECK(Slurp(p) == Join(members, {0, 4, 5}));
  }
  SECTION("plain") {
    const std::string p = t.path + "/old.warc";
    Put(p, Join(records, All(records.size())));
    auto r = io::RemoveWarcRecords(p, {kU42});
    INFO(r.status().message());
    REQUIRE(r.ok());
    CHECK(*r == 4);
    CHECK(Slurp(p) == Join(records, {0, 4, 5}));
  }
}

TEST_CASE("WARC records: an empty file holds no record", "[io][rights][warc]") {
  TempDir t;
  const std::string p = t.path + "/empty.warc.gz";
  Put(p, "");
  const struct stat before = Stat(p);
  auto r = io::RemoveWarcRecords(p, {kU42});
  REQUIRE(r.ok());
  CHECK(*r == 0);
  CHECK(Stat(p).st_ino == before.st_ino);
  CHECK(Slurp(p).empty());
}

TEST_CASE("WARC records: a failed write leaves the original and no temporary file", "[io][rights][warc]") {
  TempDir t;
  const std::string p = t.path + "/crawl-00003.warc.gz";
  const auto members = GzEach(Records());
  const std::string bytes = Join(members, All(members.size()));
  Put(p, bytes);
  // Files of this process may not grow past 64 KiB: write(2) fails with EFBIG.
  struct rlimit old_limit {};
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &old_limit) == 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old_limit;
  small.rlim_cur = 64 * 1024;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  auto r = io::RemoveWarcRecords(p, {kU8});
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::signal(SIGXFSZ, old_handler);
  REQUIRE_FALSE(r.ok());
  INFO(r.status().message());
  CHECK(r.status().code() == Status::Code::kIo);
  CHECK_THAT(r.status().message(), Catch::Contains(p + ".tmp."));
  CHECK(Slurp(p) == bytes);
  CHECK(TempFiles(t.path) == 0);
}

TEST_CASE("WARC records: a missing file is NotFound, named", "[io][rights][warc]") {
  TempDir t;
  auto r = io::RemoveWarcRecords(t.path + "/none.warc.gz", {kU42});
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kNotFound);
  CHECK_THAT(r.status().message(), Catch::Contains(t.path + "/none.warc.gz"));
}

TEST_CASE("WARC records: a gzip member holding two records is refused, with its offset", "[io][rights][warc]") {
  TempDir t;
  const std::string p = t.path + "/joined.warc.gz";
  const auto records = Records();
  const std::string first = Gz(records[0]);
  // u/7's request and response compressed together, after the warcinfo member.
  Put(p, first + Gz(records[3] + records[4]) + Gz(records[1]));
  CheckRefused(t.path, p, "gzip member at byte offset " + std::to_string(first.size()) + " holds more than one");

  // A whole WARC as one member (gzip -c file.warc).
  Put(p, Gz(Join(records, All(records.size()))));
  CheckRefused(t.path, p, "gzip member at byte offset 0 holds more than one");
}

TEST_CASE("WARC records: truncated, corrupt or foreign files are refused and left as they are",
          "[io][rights][warc]") {
  TempDir t;
  const auto records = Records();
  const auto members = GzEach(records);
  const std::string whole = Join(members, All(members.size()));
  const std::string p = t.path + "/bad.warc.gz";
  const std::size_t last = whole.size() - members.back().size();

  SECTION("a truncated last member") {
    Put(p, whole.substr(0, whole.size() - 10));
    CheckRefused(t.path, p, "truncated gzip member at byte offset " + std::to_string(last));
  }
  SECTION("a member cut in the middle of the large body") {
    const std::size_t cut = members[0].size() + members[1].size() + members[2].size() + members[3].size() + 1000;
    Put(p, whole.substr(0, cut));
    CheckRefused(t.path, p, "truncated gzip member at byte offset " + std::to_string(cut - 1000));
  }
  SECTION("a corrupt CRC") {
    std::string bad = whole;
    bad[last + members.back().size() - 6] ^= 0x55;
    Put(p, bad);
    CheckRefused(t.path, p, "corrupt gzip data in the member at byte offset " + std::to_string(last));
  }
  SECTION("bytes after the last member") {
    Put(p, whole + "\n");
    CheckRefused(t.path, p, "not gzip at byte offset " + std::to_string(whole.size()));
  }
  SECTION("not WARC at all") {
    Put(p, "{\"id\":\"a\",\"url\":\"https://forum.example/u/42\"}\n");
    CheckRefused(t.path, p, "not a WARC file");
  }
  SECTION("gzip of something that is not WARC") {
    Put(p, Gz("<html>https://forum.example/u/42</html>\n"));
    CheckRefused(t.path, p, "gzip member at byte offset 0 does not hold a WARC record");
  }
  SECTION("an empty gzip member") {
    Put(p, members[0] + Gz(""));
    CheckRefused(t.path, p, "gzip member at byte offset " + std::to_string(members[0].size()) + " is empty");
  }
  SECTION("a record whose Content-Length says more than its member holds") {
    std::string r = records[1];
    r.erase(r.size() - 10, 6);
    Put(p, members[0] + Gz(r));
    CheckRefused(t.path, p, "gzip member at byte offset " + std::to_string(members[0].size()) + " ends inside");
  }
  SECTION("a record without Content-Length") {
    Put(p, members[0] + Gz("WARC/1.1\r\nWARC-Type: resource\r\nWARC-Target-URI: " + kU42 + "\r\n\r\nabc\r\n\r\n"));
    CheckRefused(t.path, p, "no Content-Length");
  }
  SECTION("a record not ending with CRLF CRLF") {
    std::string r = records[1];
    r.replace(r.size() - 4, 4, "\n\n\n\n");
    Put(p, members[0] + Gz(r));
    CheckRefused(t.path, p, "does not end with CRLF CRLF");
  }
  SECTION("zstd") {
    Put(p + ".zst", std::string("\x28\xb5\x2f\xfd\x00\x00", 6));
    CheckRefused(t.path, p + ".zst", "zstd");
  }
}

TEST_CASE("WARC records: a header block over 64 KiB is refused", "[io][rights][warc]") {
  TempDir t;
  const std::string big = "WARC-Target-URI: " + kU42 + "\r\nX-Padding: " + std::string(70000, 'x');
  const std::string record = Record("resource", big, "body", 1);
  SECTION("gzip") {
    const std::string p = t.path + "/long.warc.gz";
    const std::string first = Gz(Warcinfo());
    Put(p, first + Gz(record));
    CheckRefused(t.path, p, "gzip member at byte offset " + std::to_string(first.size()) + " has a record header");
  }
  SECTION("plain") {
    const std::string p = t.path + "/long.warc";
    Put(p, Warcinfo() + record);
    CheckRefused(t.path, p, "record at byte offset " + std::to_string(Warcinfo().size()) + " has a header block longer");
  }
  SECTION("just under the limit is fine") {
    const std::string p = t.path + "/long.warc.gz";
    const std::string ok = Record("resource", "WARC-Target-URI: " + kU42 + "\r\nX-Padding: " + std::string(65000, 'x'),
                                  "body", 1);
    Put(p, Gz(Warcinfo()) + Gz(ok));
    auto r = io::RemoveWarcRecords(p, {kU42});
    INFO(r.status().message());
    REQUIRE(r.ok());
    CHECK(*r == 1);
    CHECK(Slurp(p) == Gz(Warcinfo()));
  }
}

TEST_CASE("WARC records: plain files cut short or with junk between records are refused", "[io][rights][warc]") {
  TempDir t;
  const auto records = Records();
  const std::string whole = Join(records, All(records.size()));
  const std::string p = t.path + "/bad.warc";
  const std::size_t last = whole.size() - records.back().size();
  SECTION("cut in the last block") {
    Put(p, whole.substr(0, whole.size() - 8));
    CheckRefused(t.path, p, "record at byte offset " + std::to_string(last) + " is cut short");
  }
  SECTION("cut in the last header") {
    Put(p, whole.substr(0, last + 20));
    CheckRefused(t.path, p, "record at byte offset " + std::to_string(last) + " is cut short");
  }
  SECTION("a blank line between records") {
    Put(p, Join(records, {0, 1}) + "\r\n" + Join(records, {2, 3}));
    CheckRefused(t.path, p,
                 "record at byte offset " + std::to_string(records[0].size() + records[1].size()) +
                     " is not a WARC record");
  }
}

TEST_CASE("WARC records: the files crawl --warc writes (io::WarcWriter)", "[io][rights][warc]") {
  TempDir t;
  io::ShardOptions o;
  o.dir = t.path + "/warc";
  auto w = io::WarcWriter::Open(o, std::nullopt, "moisson/test");
  INFO(w.status().message());
  REQUIRE(w.ok());
  const std::vector<std::string> uris = {kU42, kU7, kU42 + "?page=2", kU8};
  const std::string big = RandomBytes(300000, 3);
  for (std::size_t i = 0; i < uris.size(); ++i) {
    io::WarcExchange x;
    x.target_uri = uris[i];
    x.date = "2026-12-02T15:00:00Z";
    x.request_head = "GET /u HTTP/1.1\r\nHost: forum.example\r\n\r\n";
    x.response_head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n";
    x.payload = i == 1 ? std::string_view(big) : std::string_view("<p>Fictitious page.</p>");
    REQUIRE((*w)->Write(x).ok());
  }
  REQUIRE((*w)->Close().ok());
  const std::string p = o.dir + "/crawl-00000.warc.gz";
  const std::string before = Gunzip(Slurp(p));
  const struct stat sb = Stat(p);

  auto r = io::RemoveWarcRecords(p, {kU42, kU8});
  INFO(r.status().message());
  REQUIRE(r.ok());
  CHECK(*r == 4);  // two exchanges, a request and a response each
  CHECK((Stat(p).st_mode & 0777) == (sb.st_mode & 0777));
  const std::string after = Gunzip(Slurp(p));
  CHECK(after.rfind("WARC/1.1\r\nWARC-Type: warcinfo\r\n", 0) == 0);
  CHECK(after.find("WARC-Target-URI: " + kU42 + "\r\n") == std::string::npos);
  CHECK(after.find("WARC-Target-URI: " + kU8 + "\r\n") == std::string::npos);
  CHECK(after.find("WARC-Target-URI: " + kU7 + "\r\n") != std::string::npos);
  CHECK(after.find("WARC-Target-URI: " + kU42 + "?page=2\r\n") != std::string::npos);
  CHECK(after.find(big) != std::string::npos);
  // What is left is the original with the removed records cut out.
  CHECK(after.size() < before.size());
  CHECK(before.find(after.substr(0, 200)) == 0);
  auto again = io::RemoveWarcRecords(p, {kU42, kU8});
  REQUIRE(again.ok());
  CHECK(*again == 0);
}
