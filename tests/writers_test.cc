// The crawler's output shards: JSONL(.zst) and WARC 1.1 files that rotate by
// size, checkpoint durably and resume without losing or duplicating records.
#include <dirent.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "io/writers.h"
#include "tests/temp_dir.h"

using namespace moisson;
using namespace moisson::io;

namespace {

using moisson::test::TempDir;

bool Exists(const std::string& path) {
  struct stat sb;
  return ::stat(path.c_str(), &sb) == 0;
}

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Names in `dir`, sorted.
std::vector<std::string> List(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string n = e->d_name;
      if (n != "." && n != "..") names.push_back(n);
    }
    ::closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

// Deterministic records of about `size` bytes: hex text compresses about 2:1.
std::string MakeRecord(int i, std::size_t size) {
  std::string text;
  std::uint64_t x = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(i + 1);
  while (text.size() < size) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    text.push_back("0123456789abcdef"[x & 15]);
  }
  return "{\"id\":" + std::to_string(i) + ",\"text\":\"" + text + "\"}";
}

// Random bytes (incompressible), including NULs and CR LF.
std::string RandomBytes(std::size_t n, std::uint64_t seed) {
  std::string s;
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  while (s.size() < n) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    s.push_back(static_cast<char>(x >> 24));
  }
  return s;
}

std::string Lines(const std::vector<std::string>& records) {
  std::string out;
  for (const std::string& r : records) out += r + "\n";
  return out;
}

// Decodes a zstd stream of any number of frames; *frames counts them. Fails
// the test on a truncated or corrupt stream.
std::string ZstdDecode(const std::string& data, int* frames = nullptr) {
  int n = 0;
  for (std::size_t at = 0; at < data.size();) {
    const std::size_t len = ZSTD_findFrameCompressedSize(data.data() + at, data.size() - at);
    REQUIRE_FALSE(ZSTD_isError(len));
    at += len;
    ++n;
  }
  if (frames) *frames = n;
  ZSTD_DCtx* d = ZSTD_createDCtx();
  std::string out;
  std::vector<char> buf(ZSTD_DStreamOutSize());
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  std::size_t last = 0;  // 0: at a frame boundary with everything flushed
  while (in.pos < in.size || last != 0) {
    ZSTD_outBuffer o{buf.data(), buf.size(), 0};
    const std::size_t rc = ZSTD_decompressStream(d, &o, &in);
    REQUIRE_FALSE(ZSTD_isError(rc));
    out.append(buf.data(), o.pos);
    if (in.pos == in.size && o.pos == 0 && rc != 0) break;  // truncated: no progress possible
    last = rc;
  }
  ZSTD_freeDCtx(d);
  CHECK(last == 0);  // ended on a frame boundary
  return out;
}

// Each gzip member of `data` decompressed on its own; *sizes gets each
// member's compressed length. Fails the test on trailing garbage.
std::vector<std::string> GunzipMembers(const std::string& data,
                                       std::vector<std::size_t>* sizes = nullptr) {
  std::vector<std::string> members;
  std::size_t at = 0;
  std::vector<unsigned char> buf(1 << 16);
  while (at < data.size()) {
    z_stream z{};
    REQUIRE(inflateInit2(&z, 15 + 16) == Z_OK);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + at));
    z.avail_in = static_cast<uInt>(data.size() - at);
    std::string out;
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
      z.next_out = buf.data();
      z.avail_out = static_cast<uInt>(buf.size());
      rc = inflate(&z, Z_NO_FLUSH);
      REQUIRE((rc == Z_OK || rc == Z_STREAM_END));
      out.append(reinterpret_cast<const char*>(buf.data()), buf.size() - z.avail_out);
    }
    const std::size_t used = (data.size() - at) - z.avail_in;
    inflateEnd(&z);
    if (sizes) sizes->push_back(used);
    at += used;
    members.push_back(std::move(out));
  }
  return members;
}

struct WarcRecord {
  std::string version;
  std::map<std::string, std::string> fields;
  std::vector<std::string> field_order;
  std::string block;
};

// Parses one WARC record that must fill `s` exactly: header, CRLF, block of
// Content-Length bytes, CRLF CRLF.
WarcRecord ParseRecord(const std::string& s) {
  WarcRecord r;
  const std::size_t end = s.find("\r\n\r\n");
  REQUIRE(end != std::string::npos);
  std::size_t pos = 0;
  bool first = true;
  while (pos < end) {
    std::size_t eol = s.find("\r\n", pos);
    const std::string line = s.substr(pos, eol - pos);
    pos = eol + 2;
    if (first) {
      r.version = line;
      first = false;
      continue;
    }
    const std::size_t colon = line.find(": ");
    REQUIRE(colon != std::string::npos);
    const std::string name = line.substr(0, colon);
    CHECK(r.fields.count(name) == 0);  // no repeated field
    r.fields[name] = line.substr(colon + 2);
    r.field_order.push_back(name);
  }
  REQUIRE(r.fields.count("Content-Length") == 1);
  const std::size_t length = std::stoull(r.fields["Content-Length"]);
  const std::size_t block_at = end + 4;
  REQUIRE(s.size() == block_at + length + 4);
  r.block = s.substr(block_at, length);
  CHECK(s.substr(block_at + length) == "\r\n\r\n");
  return r;
}

// The test's own SHA-1 base32, computed bit by bit (not the writer's code).
std::string ExpectedDigest(const std::string& data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  REQUIRE(EVP_Digest(data.data(), data.size(), md, &len, EVP_sha1(), nullptr) == 1);
  REQUIRE(len == 20);
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out = "sha1:";
  for (unsigned bit = 0; bit < len * 8; bit += 5) {
    int v = 0;
    for (unsigned b = bit; b < bit + 5; ++b) v = v * 2 + ((md[b / 8] >> (7 - b % 8)) & 1);
    out.push_back(alphabet[v]);
  }
  return out;
}

// Matches `pattern` where '9' stands for a digit, 'x' for a lowercase hex
// digit and any other character for itself.
bool MatchesShape(const std::string& s, const std::string& pattern) {
  if (s.size() != pattern.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i], p = pattern[i];
    if (p == '9'   ? !(c >= '0' && c <= '9')
        : p == 'x' ? !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))
                   : c != p) {
      return false;
    }
  }
  return true;
}

// "<urn:uuid:...>" of a version 4, variant 1 UUID.
bool IsRecordId(const std::string& s) {
  return MatchesShape(s, "<urn:uuid:xxxxxxxx-xxxx-4xxx-xxxx-xxxxxxxxxxxx>") &&
         std::string("89ab").find(s[29]) != std::string::npos;
}

bool IsSecondsDate(const std::string& s) { return MatchesShape(s, "9999-99-99T99:99:99Z"); }

WarcExchange Exchange(const std::string& uri, const std::string& payload,
                      const std::string& ip = "") {
  WarcExchange x;
  x.target_uri = uri;
  x.date = "2026-12-02T15:00:00Z";
  x.ip_address = ip;
  const std::string path = uri.substr(uri.find('/', 8));
  x.request_head =
      "GET " + path + " HTTP/1.1\r\nHost: example.org\r\nUser-Agent: moisson-test\r\n\r\n";
  x.response_head = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " +
                    std::to_string(payload.size()) + "\r\n\r\n";
  x.payload = payload;
  return x;
}

// Target URIs of the exchanges in WARC file `path`, after checking that it
// starts with exactly one warcinfo naming the file and then holds
// request/response pairs.
std::vector<std::string> WarcTargets(const std::string& path) {
  const std::vector<std::string> members = GunzipMembers(ReadAll(path));
  REQUIRE(!members.empty());
  const WarcRecord info = ParseRecord(members[0]);
  CHECK(info.fields.at("WARC-Type") == "warcinfo");
  CHECK(info.fields.at("WARC-Filename") == path.substr(path.rfind('/') + 1));
  std::vector<std::string> uris;
  REQUIRE(members.size() % 2 == 1);
  for (std::size_t i = 1; i < members.size(); i += 2) {
    const WarcRecord req = ParseRecord(members[i]);
    const WarcRecord resp = ParseRecord(members[i + 1]);
    CHECK(req.fields.at("WARC-Type") == "request");
    CHECK(resp.fields.at("WARC-Type") == "response");
    CHECK(req.fields.at("WARC-Target-URI") == resp.fields.at("WARC-Target-URI"));
    uris.push_back(req.fields.at("WARC-Target-URI"));
  }
  return uris;
}

ShardOptions Options(const std::string& dir, std::uint64_t max_bytes = 256u << 20,
                     bool zstd = false) {
  ShardOptions o;
  o.dir = dir;
  o.zstd = zstd;
  o.max_shard_bytes = max_bytes;
  return o;
}

std::unique_ptr<ShardWriter> OpenShards(const ShardOptions& o,
                                        std::optional<ShardPosition> at = std::nullopt) {
  auto w = ShardWriter::Open(o, at);
  INFO(w.status().message());
  REQUIRE(w.ok());
  return std::move(w).value();
}

std::unique_ptr<WarcWriter> OpenWarc(const ShardOptions& o,
                                     std::optional<ShardPosition> at = std::nullopt) {
  auto w = WarcWriter::Open(o, at, "moisson/test");
  INFO(w.status().message());
  REQUIRE(w.ok());
  return std::move(w).value();
}

// Decoded content of every JSONL shard in `dir` in shard order; fails the
// test if a .partial file is left.
std::string AllShards(const std::string& dir, bool zstd) {
  std::string all;
  for (const std::string& name : List(dir)) {
    CHECK(name.find(".partial") == std::string::npos);
    const std::string data = ReadAll(dir + "/" + name);
    all += zstd ? ZstdDecode(data) : data;
  }
  return all;
}

}  // namespace

TEST_CASE("WarcSha1Digest is sha1 and RFC 4648 base32 of the data", "[io][writers]") {
  CHECK(WarcSha1Digest("") == "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
  CHECK(WarcSha1Digest("abc") == "sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5");
  CHECK(ExpectedDigest("") == "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");  // the test's own encoder
  const std::string data = RandomBytes(100000, 7);
  CHECK(WarcSha1Digest(data) == ExpectedDigest(data));
}

TEST_CASE("ShardWriter writes one line per record into a .partial shard renamed at Close",
          "[io][writers]") {
  TempDir t;
  const std::string dir = t.path + "/out/sub";  // created with its parent
  auto w = OpenShards(Options(dir));
  const std::string final_path = dir + "/pages-00000.jsonl";
  CHECK(w->CurrentPath() == final_path);
  const std::vector<std::string> recs = {"{\"a\":1}", "{\"b\":\"x y\"}", "{\"c\":[1,2]}"};
  for (const auto& r : recs) REQUIRE(w->Write(r).ok());
  CHECK(w->records() == 3);

  auto pos = w->Checkpoint();
  REQUIRE(pos.ok());
  CHECK(pos->shard == 0);
  CHECK(pos->bytes == Lines(recs).size());
  CHECK(ReadAll(final_path + ".partial") == Lines(recs));  // durable under the .partial name
  CHECK_FALSE(Exists(final_path));

  REQUIRE(w->Close().ok());
  CHECK(ReadAll(final_path) == Lines(recs));
  CHECK_FALSE(Exists(final_path + ".partial"));
  CHECK(List(dir) == std::vector<std::string>{"pages-00000.jsonl"});
  CHECK(w->Close().ok());  // again: nothing to do
  const Status late = w->Write("{}");
  CHECK_FALSE(late.ok());
  CHECK_THAT(late.message(), Catch::Contains(final_path));
}

TEST_CASE("ShardWriter refuses a record that is not one non-empty line", "[io][writers]") {
  TempDir t;
  auto w = OpenShards(Options(t.path));
  for (const char* bad : {"", "{\"a\":1}\n{\"b\":2}", "{\"a\":1}\n", "{\"a\":\r1}"}) {
    const Status st = w->Write(bad);
    CHECK_FALSE(st.ok());
    CHECK(st.code() == Status::Code::kInvalidArgument);
    CHECK_THAT(st.message(), Catch::Contains(t.path + "/pages-00000.jsonl"));
  }
  REQUIRE(w->Write("{\"ok\":true}").ok());  // a refused record does not break the writer
  REQUIRE(w->Close().ok());
  CHECK(ReadAll(t.path + "/pages-00000.jsonl") == "{\"ok\":true}\n");
  CHECK(w->records() == 1);
}

TEST_CASE("ShardWriter rotates when a shard reaches the size limit, at record boundaries",
          "[io][writers]") {
  TempDir t;
  const std::uint64_t kMax = 200;
  auto w = OpenShards(Options(t.path, kMax));
  std::vector<std::string> recs;
  std::vector<std::string> where;  // CurrentPath() after each Write
  for (int i = 0; i < 40; ++i) {
    recs.push_back(MakeRecord(i, 10 + (i * 7) % 45));
    REQUIRE(w->Write(recs.back()).ok());
    where.push_back(w->CurrentPath());
  }
  REQUIRE(w->Close().ok());

  const std::vector<std::string> names = List(t.path);
  REQUIRE(names.size() >= 5);
  std::size_t next = 0;  // index into recs
  for (std::size_t s = 0; s < names.size(); ++s) {
    char expected[48];
    std::snprintf(expected, sizeof expected, "pages-%05zu.jsonl", s);
    REQUIRE(names[s] == expected);
    const std::string path = t.path + "/" + names[s];
    const std::string data = ReadAll(path);
    // Whole records only, in order, each cited by CurrentPath() as this file.
    std::size_t at = 0, last_len = 0;
    while (at < data.size()) {
      REQUIRE(next < recs.size());
      const std::string line = recs[next] + "\n";
      REQUIRE(data.compare(at, line.size(), line) == 0);
      CHECK(where[next] == path);
      at += line.size();
      last_len = line.size();
      ++next;
    }
    // The last record started below the limit; every shard but the last reached it.
    CHECK(data.size() - last_len < kMax);
    if (s + 1 < names.size()) CHECK(data.size() >= kMax);
  }
  CHECK(next == recs.size());
}

TEST_CASE("zstd shards decode to exactly the records, across frames and shards",
          "[io][writers]") {
  TempDir t;
  const std::uint64_t kMax = 64 << 10;
  auto w = OpenShards(Options(t.path, kMax, /*zstd=*/true));
  CHECK(w->CurrentPath() == t.path + "/pages-00000.jsonl.zst");
  std::vector<std::string> recs;
  std::vector<ShardPosition> checkpoints;
  for (int i = 0; i < 600; ++i) {
    recs.push_back(MakeRecord(i, 700 + (i * 37) % 600));
    REQUIRE(w->Write(recs.back()).ok());
    if (i % 100 == 99) {
      auto pos = w->Checkpoint();
      REQUIRE(pos.ok());
      checkpoints.push_back(*pos);
    }
  }
  REQUIRE(w->Close().ok());

  const std::vector<std::string> names = List(t.path);
  REQUIRE(names.size() >= 3);
  std::string all;
  for (std::size_t s = 0; s < names.size(); ++s) {
    const std::string data = ReadAll(t.path + "/" + names[s]);
    int frames = 0;
    all += ZstdDecode(data, &frames);
    CHECK(frames >= 1);
    if (s + 1 < names.size()) {
      CHECK(data.size() >= kMax);
      CHECK(data.size() < kMax + 4096);  // at most about one record's worth past the limit
    }
  }
  CHECK(all == Lines(recs));

  // Each checkpoint position is a frame boundary: the shard's prefix of that
  // size is a complete zstd stream.
  for (const ShardPosition& p : checkpoints) {
    char name[40];
    std::snprintf(name, sizeof name, "pages-%05u.jsonl.zst", static_cast<unsigned>(p.shard));
    const std::string data = ReadAll(t.path + "/" + name);
    REQUIRE(p.bytes <= data.size());
    int frames = 0;
    const std::string prefix = ZstdDecode(data.substr(0, p.bytes), &frames);
    CHECK(frames >= 1);
    CHECK(!prefix.empty());
    CHECK(prefix.back() == '\n');
  }
}

TEST_CASE("Resuming at a checkpoint truncates uncommitted records and appends after it",
          "[io][writers]") {
  for (const bool zstd : {false, true}) {
    INFO("zstd " << zstd);
    TempDir t;
    const ShardOptions o = Options(t.path, 256u << 20, zstd);
    const std::string final_path =
        t.path + (zstd ? "/pages-00000.jsonl.zst" : "/pages-00000.jsonl");
    std::vector<std::string> committed;
    ShardPosition stored;
    {
      auto w = OpenShards(o);
      for (int i = 0; i < 5; ++i) {
        committed.push_back(MakeRecord(i, 50));
        REQUIRE(w->Write(committed.back()).ok());
      }
      auto pos = w->Checkpoint();
      REQUIRE(pos.ok());
      stored = *pos;  // the crawler commits this position with URLs 0-4
      for (int i = 5; i < 10; ++i) REQUIRE(w->Write(MakeRecord(i, 50)).ok());
      REQUIRE(w->Checkpoint().ok());  // on disk, but the crawler died before committing its state
    }                                 // destroyed without Close: the process died
    REQUIRE(Exists(final_path + ".partial"));
    CHECK(ReadAll(final_path + ".partial").size() > stored.bytes);

    auto w = OpenShards(o, stored);
    CHECK(ReadAll(final_path + ".partial").size() == stored.bytes);  // truncated at once
    for (int i = 10; i < 13; ++i) {
      committed.push_back(MakeRecord(i, 50));
      REQUIRE(w->Write(committed.back()).ok());
    }
    CHECK(w->records() == 3);
    REQUIRE(w->Close().ok());
    CHECK(List(t.path) == std::vector<std::string>{final_path.substr(t.path.size() + 1)});
    CHECK(AllShards(t.path, zstd) == Lines(committed));
  }
}

TEST_CASE("Resuming before a rotation removes later shards and reopens the checkpointed one",
          "[io][writers]") {
  for (const bool zstd : {false, true}) {
    INFO("zstd " << zstd);
    TempDir t;
    // zstd shards are small here: pseudo-random hex compresses about 2:1.
    const ShardOptions o = Options(t.path, zstd ? 300 : 150, zstd);
    const std::string ext = zstd ? ".jsonl.zst" : ".jsonl";
    std::vector<std::string> committed;
    ShardPosition stored;
    {
      auto w = OpenShards(o);
      for (int i = 0; i < 2; ++i) {
        committed.push_back(MakeRecord(i, 40));
        REQUIRE(w->Write(committed.back()).ok());
      }
      auto pos = w->Checkpoint();
      REQUIRE(pos.ok());
      stored = *pos;
      CHECK(stored.shard == 0);
      for (int i = 2; i < 30; ++i) REQUIRE(w->Write(MakeRecord(i, 40)).ok());
      REQUIRE(w->Checkpoint().ok());
      REQUIRE(w->CurrentPath() !=
              t.path + "/pages-00000" + ext);  // rotated since the stored checkpoint
    }
    // Shard 0 is final (with uncommitted records), later ones final or .partial.
    REQUIRE(Exists(t.path + "/pages-00000" + ext));
    REQUIRE(Exists(t.path + "/pages-00001" + ext));

    auto w = OpenShards(o, stored);
    CHECK(List(t.path) == std::vector<std::string>{"pages-00000" + ext + ".partial"});
    CHECK(ReadAll(t.path + "/pages-00000" + ext + ".partial").size() == stored.bytes);
    for (int i = 100; i < 110; ++i) {
      committed.push_back(MakeRecord(i, 40));
      REQUIRE(w->Write(committed.back()).ok());
    }
    REQUIRE(w->Close().ok());
    const std::vector<std::string> names = List(t.path);
    REQUIRE(names.size() >= 2);  // numbering continues after shard 0
    CHECK(names[1] == "pages-00001" + ext);
    CHECK(AllShards(t.path, zstd) == Lines(committed));
  }
}

TEST_CASE("Resuming a closed run finds the shard under its final name", "[io][writers]") {
  TempDir t;
  const ShardOptions o = Options(t.path);
  ShardPosition stored;
  {
    auto w = OpenShards(o);
    REQUIRE(w->Write("{\"n\":1}").ok());
    auto pos = w->Checkpoint();
    REQUIRE(pos.ok());
    stored = *pos;
    REQUIRE(w->Close().ok());
  }
  auto w = OpenShards(o, stored);
  CHECK(List(t.path) == std::vector<std::string>{"pages-00000.jsonl.partial"});
  REQUIRE(w->Write("{\"n\":2}").ok());
  REQUIRE(w->Close().ok());
  CHECK(ReadAll(t.path + "/pages-00000.jsonl") == "{\"n\":1}\n{\"n\":2}\n");
}

TEST_CASE("A new run refuses a folder that holds shards of this prefix", "[io][writers]") {
  TempDir t;
  {
    auto w = OpenShards(Options(t.path));
    REQUIRE(w->Write("{}").ok());
    REQUIRE(w->Close().ok());
  }
  auto again = ShardWriter::Open(Options(t.path), std::nullopt);
  REQUIRE_FALSE(again.ok());
  CHECK_THAT(again.status().message(), Catch::Contains(t.path + "/pages-00000.jsonl"));
  CHECK(ReadAll(t.path + "/pages-00000.jsonl") == "{}\n");  // untouched

  // A leftover .partial counts too.
  ::rename((t.path + "/pages-00000.jsonl").c_str(),
           (t.path + "/pages-00000.jsonl.partial").c_str());
  CHECK_FALSE(ShardWriter::Open(Options(t.path), std::nullopt).ok());

  // Other prefixes and extensions do not.
  ShardOptions other = Options(t.path);
  other.prefix = "other";
  CHECK(ShardWriter::Open(other, std::nullopt).ok());
  CHECK(ShardWriter::Open(Options(t.path, 1000, /*zstd=*/true), std::nullopt).ok());
}

TEST_CASE("Resume fails, naming the file and changing nothing, when the checkpoint does not match",
          "[io][writers]") {
  TempDir t;
  const ShardOptions o = Options(t.path, 100);
  {
    auto w = OpenShards(o);
    for (int i = 0; i < 10; ++i) REQUIRE(w->Write(MakeRecord(i, 30)).ok());
    REQUIRE(w->Checkpoint().ok());
  }
  const std::vector<std::string> before = List(t.path);
  REQUIRE(before.size() >= 3);
  const std::string shard0 = t.path + "/pages-00000.jsonl";
  const std::size_t size0 = ReadAll(shard0).size();

  auto longer = ShardWriter::Open(o, ShardPosition{0, size0 + 10});
  REQUIRE_FALSE(longer.ok());
  CHECK_THAT(longer.status().message(), Catch::Contains(shard0));
  CHECK(List(t.path) == before);  // later shards not removed
  CHECK(ReadAll(shard0).size() == size0);

  auto missing = ShardWriter::Open(o, ShardPosition{7, 10});
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().code() == Status::Code::kNotFound);
  CHECK_THAT(missing.status().message(), Catch::Contains(t.path + "/pages-00007.jsonl"));
  CHECK(List(t.path) == before);

  // A missing shard at byte 0 (checkpointed right after a rotation) is created.
  auto fresh = ShardWriter::Open(o, ShardPosition{static_cast<std::uint32_t>(before.size()), 0});
  REQUIRE(fresh.ok());
  CHECK(List(t.path).size() == before.size() + 1);
}

TEST_CASE("Open refuses bad options, naming the folder", "[io][writers]") {
  TempDir t;
  ShardOptions o = Options(t.path);
  o.prefix = "../x";
  auto r = ShardWriter::Open(o, std::nullopt);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::Contains(t.path));

  o = Options(t.path, 0);
  CHECK_FALSE(ShardWriter::Open(o, std::nullopt).ok());

  o = Options(t.path, 1000, true);
  o.zstd_level = 99;
  CHECK_FALSE(ShardWriter::Open(o, std::nullopt).ok());

  std::ofstream(t.path + "/file") << "x";
  r = ShardWriter::Open(Options(t.path + "/file"), std::nullopt);
  REQUIRE_FALSE(r.ok());
  CHECK_THAT(r.status().message(), Catch::Contains(t.path + "/file"));
  auto wr = WarcWriter::Open(Options(t.path + "/file/sub"), std::nullopt, "x");
  REQUIRE_FALSE(wr.ok());
  CHECK_THAT(wr.status().message(), Catch::Contains(t.path + "/file"));
  CHECK(List(t.path) == std::vector<std::string>{"file"});
}

TEST_CASE("A failed write is reported with the shard's path and stops the writer",
          "[io][writers]") {
  TempDir t;
  auto w = OpenShards(Options(t.path));
  // Files of this process may not grow past 4 KiB: write(2) fails with EFBIG.
  struct rlimit old_limit;
  REQUIRE(::getrlimit(RLIMIT_FSIZE, &old_limit) == 0);
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);
  struct rlimit small = old_limit;
  small.rlim_cur = 4096;
  REQUIRE(::setrlimit(RLIMIT_FSIZE, &small) == 0);
  Status write_status;
  for (int i = 0; i < 10 && write_status.ok(); ++i) write_status = w->Write(MakeRecord(i, 1000));
  auto pos = w->Checkpoint();  // the buffered records reach write(2) here
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::signal(SIGXFSZ, old_handler);

  CHECK(write_status.ok());  // buffered, not yet written
  REQUIRE_FALSE(pos.ok());
  CHECK(pos.status().code() == Status::Code::kIo);
  CHECK_THAT(pos.status().message(), Catch::Contains(t.path + "/pages-00000.jsonl.partial"));
  CHECK_THAT(pos.status().message(), Catch::Contains("write failed"));
  // Sticky: nothing more is accepted, and Close does not give the file its final name.
  CHECK_FALSE(w->Write("{}").ok());
  CHECK_FALSE(w->Checkpoint().ok());
  CHECK_FALSE(w->Close().ok());
  CHECK_FALSE(Exists(t.path + "/pages-00000.jsonl"));
}

TEST_CASE("WARC output is WARC 1.1 records, one gzip member each, with correct digests",
          "[io][writers][warc]") {
  TempDir t;
  auto w = OpenWarc(Options(t.path));
  const std::string path = t.path + "/crawl-00000.warc.gz";
  CHECK(w->CurrentPath() == path);
  const std::string binary = RandomBytes(100000, 3) + "\r\n\r\nWARC/1.1\r\n";
  const std::vector<std::string> payloads = {"", "<html>hello</html>", binary};
  std::vector<WarcExchange> xs = {Exchange("https://example.org/empty", payloads[0], "192.0.2.7"),
                                  Exchange("https://example.org/p?q=1", payloads[1]),
                                  Exchange("https://example.org/bin", payloads[2], "2001:db8::1")};
  xs[1].date = "2026-12-02T15:00:01.25Z";
  xs[2].date = "";  // the time of writing
  for (const auto& x : xs) REQUIRE(w->Write(x).ok());
  CHECK(w->records() == 3);
  CHECK(Exists(path + ".partial"));
  REQUIRE(w->Close().ok());
  CHECK(List(t.path) == std::vector<std::string>{"crawl-00000.warc.gz"});

  const std::vector<std::string> members = GunzipMembers(ReadAll(path));
  REQUIRE(members.size() == 1 + 2 * xs.size());
  std::set<std::string> ids;

  WarcRecord info = ParseRecord(members[0]);
  CHECK(info.version == "WARC/1.1");
  CHECK(info.field_order.front() == "WARC-Type");
  CHECK(info.fields["WARC-Type"] == "warcinfo");
  CHECK(info.fields["WARC-Filename"] == "crawl-00000.warc.gz");
  CHECK(info.fields["Content-Type"] == "application/warc-fields");
  CHECK(IsRecordId(info.fields["WARC-Record-ID"]));
  CHECK(IsSecondsDate(info.fields["WARC-Date"]));
  CHECK(info.fields["WARC-Block-Digest"] == ExpectedDigest(info.block));
  CHECK(info.fields.count("WARC-Target-URI") == 0);
  CHECK_THAT(info.block, Catch::Contains("software: moisson/test\r\n"));
  CHECK_THAT(info.block, Catch::Contains("format: WARC File Format 1.1\r\n"));
  ids.insert(info.fields["WARC-Record-ID"]);

  for (std::size_t i = 0; i < xs.size(); ++i) {
    INFO("exchange " << i);
    WarcRecord req = ParseRecord(members[1 + 2 * i]);
    WarcRecord resp = ParseRecord(members[2 + 2 * i]);
    for (WarcRecord* r : {&req, &resp}) {
      CHECK(r->version == "WARC/1.1");
      CHECK(IsRecordId(r->fields["WARC-Record-ID"]));
      CHECK(ids.insert(r->fields["WARC-Record-ID"]).second);    // unique
      CHECK(r->fields["WARC-Target-URI"] == xs[i].target_uri);  // no angle brackets
      if (xs[i].date.empty()) {
        CHECK(IsSecondsDate(r->fields["WARC-Date"]));
      } else {
        CHECK(r->fields["WARC-Date"] == xs[i].date);
      }
      CHECK(r->fields["WARC-Block-Digest"] == ExpectedDigest(r->block));
      if (xs[i].ip_address.empty()) {
        CHECK(r->fields.count("WARC-IP-Address") == 0);
      } else {
        CHECK(r->fields["WARC-IP-Address"] == xs[i].ip_address);
      }
    }
    CHECK(req.fields["WARC-Type"] == "request");
    CHECK(req.fields["Content-Type"] == "application/http;msgtype=request");
    CHECK(req.block == xs[i].request_head);
    CHECK(req.fields["Content-Length"] == std::to_string(xs[i].request_head.size()));
    CHECK(req.fields.count("WARC-Payload-Digest") == 0);
    CHECK(resp.fields["WARC-Type"] == "response");
    CHECK(resp.fields["Content-Type"] == "application/http;msgtype=response");
    CHECK(resp.block == xs[i].response_head + payloads[i]);
    CHECK(resp.fields["Content-Length"] ==
          std::to_string(xs[i].response_head.size() + payloads[i].size()));
    CHECK(resp.fields["WARC-Payload-Digest"] == ExpectedDigest(payloads[i]));
    CHECK(req.fields["WARC-Concurrent-To"] == resp.fields["WARC-Record-ID"]);
    CHECK(resp.fields["WARC-Concurrent-To"] == req.fields["WARC-Record-ID"]);
  }
  WarcRecord empty = ParseRecord(members[2]);
  CHECK(empty.fields["WARC-Payload-Digest"] == "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
}

TEST_CASE("WARC files rotate between exchanges and each starts with its warcinfo",
          "[io][writers][warc]") {
  TempDir t;
  const std::uint64_t kMax = 2000;
  auto w = OpenWarc(Options(t.path, kMax));
  std::vector<std::string> uris;
  std::vector<std::string> payloads;
  for (int i = 0; i < 12; ++i) {
    uris.push_back("https://example.org/page/" + std::to_string(i));
    payloads.push_back(RandomBytes(500, static_cast<std::uint64_t>(i)));
    REQUIRE(w->Write(Exchange(uris.back(), payloads.back())).ok());
  }
  REQUIRE(w->Close().ok());
  const std::vector<std::string> names = List(t.path);
  REQUIRE(names.size() >= 3);
  std::vector<std::string> seen;
  for (std::size_t s = 0; s < names.size(); ++s) {
    char expected[48];
    std::snprintf(expected, sizeof expected, "crawl-%05zu.warc.gz", s);
    REQUIRE(names[s] == expected);
    const std::string path = t.path + "/" + names[s];
    const std::vector<std::string> file_uris = WarcTargets(path);
    CHECK(!file_uris.empty());
    seen.insert(seen.end(), file_uris.begin(), file_uris.end());
    std::vector<std::size_t> sizes;
    const std::string data = ReadAll(path);
    GunzipMembers(data, &sizes);
    const std::size_t last_exchange = sizes[sizes.size() - 1] + sizes[sizes.size() - 2];
    CHECK(data.size() - last_exchange < kMax);  // the last exchange started below the limit
    if (s + 1 < names.size()) CHECK(data.size() >= kMax);
  }
  CHECK(seen == uris);
}

TEST_CASE("WARC resume drops uncommitted exchanges and writes no second warcinfo",
          "[io][writers][warc]") {
  TempDir t;
  const ShardOptions o = Options(t.path, 3000);
  ShardPosition stored;
  {
    auto w = OpenWarc(o);
    REQUIRE(w->Write(Exchange("https://example.org/0", "zero")).ok());
    REQUIRE(w->Write(Exchange("https://example.org/1", "one")).ok());
    auto pos = w->Checkpoint();
    REQUIRE(pos.ok());
    stored = *pos;
    for (int i = 2; i < 10; ++i) {
      REQUIRE(
          w->Write(Exchange("https://example.org/" + std::to_string(i), RandomBytes(800, i))).ok());
    }
    REQUIRE(w->Checkpoint().ok());
    REQUIRE(w->CurrentPath() !=
            t.path + "/crawl-00000.warc.gz");  // rotated since the stored checkpoint
    REQUIRE(Exists(t.path + "/crawl-00000.warc.gz"));
  }
  {
    auto w = OpenWarc(o, stored);
    REQUIRE(w->Write(Exchange("https://example.org/x", "x")).ok());
    REQUIRE(w->Close().ok());
  }
  CHECK(List(t.path) == std::vector<std::string>{"crawl-00000.warc.gz"});
  CHECK(WarcTargets(t.path + "/crawl-00000.warc.gz") ==
        std::vector<std::string>{"https://example.org/0", "https://example.org/1",
                                 "https://example.org/x"});
}

TEST_CASE("WARC resume at an empty shard writes its warcinfo again", "[io][writers][warc]") {
  TempDir t;
  const ShardOptions o = Options(t.path);
  {
    auto w = OpenWarc(o);
    REQUIRE(w->Write(Exchange("https://example.org/lost", "lost")).ok());
  }  // died before any checkpoint: the crawler stored {0, 0} or nothing at all
  auto w = OpenWarc(o, ShardPosition{0, 0});
  REQUIRE(w->Write(Exchange("https://example.org/kept", "kept")).ok());
  REQUIRE(w->Close().ok());
  CHECK(WarcTargets(t.path + "/crawl-00000.warc.gz") ==
        std::vector<std::string>{"https://example.org/kept"});
}

TEST_CASE("WARC writer refuses malformed exchanges and writes nothing for them",
          "[io][writers][warc]") {
  TempDir t;
  auto w = OpenWarc(Options(t.path));
  auto before = w->Checkpoint();
  REQUIRE(before.ok());
  std::vector<WarcExchange> bad(7, Exchange("https://example.org/a", "body"));
  bad[0].target_uri = "https://example.org/a b";
  bad[1].target_uri = "https://example.org/a\r\nWARC-Type: resource";
  bad[2].target_uri = "";
  bad[3].date = "2026-12-02 15:00:00";
  bad[4].ip_address = "192.0.2.1\r\nX: y";
  bad[5].request_head = "GET / HTTP/1.1\r\nHost: example.org\r\n";
  bad[6].response_head = "HTTP/1.1 200 OK\r\nContent-Length: 4";
  for (const auto& x : bad) {
    const Status st = w->Write(x);
    CHECK_FALSE(st.ok());
    CHECK(st.code() == Status::Code::kInvalidArgument);
    CHECK_THAT(st.message(), Catch::Contains(t.path + "/crawl-00000.warc.gz"));
    CHECK(st.message().find('\n') == std::string::npos);
  }
  auto after = w->Checkpoint();
  REQUIRE(after.ok());
  CHECK(*after == *before);
  CHECK(w->records() == 0);
  CHECK(WarcWriter::Open(Options(t.path + "/2"), std::nullopt, "bad\r\nname").status().code() ==
        Status::Code::kInvalidArgument);
}

TEST_CASE("WARC output reads back with warcio when it is installed", "[io][writers][warc]") {
  if (std::system("/usr/bin/python3 -c 'import warcio' >/dev/null 2>&1") != 0) {
    WARN("python3 warcio module not installed: independent WARC validation skipped");
    return;
  }
  TempDir t;
  {
    auto w = OpenWarc(Options(t.path));
    REQUIRE(w->Write(Exchange("https://example.org/a", "<p>a</p>", "192.0.2.1")).ok());
    const std::string bin = RandomBytes(5000, 9);
    REQUIRE(w->Write(Exchange("https://example.org/b", bin)).ok());
    REQUIRE(w->Close().ok());
  }
  const std::string script = t.path + "/check.py";
  std::ofstream(script) << R"PY(
import base64, hashlib, sys
from warcio.archiveiterator import ArchiveIterator
types = []
with open(sys.argv[1], 'rb') as f:
    for rec in ArchiveIterator(f):
        types.append(rec.rec_type)
        if rec.rec_type == 'response':
            body = rec.content_stream().read()
            want = 'sha1:' + base64.b32encode(hashlib.sha1(body).digest()).decode()
            if rec.rec_headers.get_header('WARC-Payload-Digest') != want:
                sys.exit('payload digest mismatch')
if types != ['warcinfo', 'request', 'response', 'request', 'response']:
    sys.exit('record types: %r' % types)
)PY";
  const std::string cmd = "/usr/bin/python3 " + script + " " + t.path + "/crawl-00000.warc.gz";
  CHECK(std::system(cmd.c_str()) == 0);
}
