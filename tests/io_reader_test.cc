// Dump readers and JSONL writers: formats, compression, malformed records
// skipped and reported with file and offset, atomic outputs.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <tuple>

#include "io/reader_internal.h"
#include "io/record.h"
#include "tests/temp_dir.h"
#include "tests/gzip.h"

using namespace moisson;
using namespace moisson::io;

namespace {

struct TempDir : moisson::test::TempDir {
  std::string Write(const std::string& name, const std::string& data) const {
    std::ofstream f(path + "/" + name, std::ios::binary);
    f << data;
    return path + "/" + name;
  }
};

using test::Gzip;

std::string Zstd(const std::string& s) {
  std::string out(ZSTD_compressBound(s.size()), '\0');
  out.resize(ZSTD_compress(out.data(), out.size(), s.data(), s.size(), 3));
  return out;
}

struct Read {
  std::vector<InputRecord> records;
  std::vector<ReadIssue> issues;
  Status error;
};

Read ReadAll(const std::string& path, ReaderOptions o = {}) {
  Read r;
  o.on_skip = [&](const ReadIssue& i) { r.issues.push_back(i); };
  auto reader = OpenReader(path, o);
  if (!reader.ok()) {
    r.error = reader.status();
    return r;
  }
  while (true) {
    InputRecord rec;
    auto more = (*reader)->Next(&rec);
    if (!more.ok()) {
      r.error = more.status();
      break;
    }
    if (!more.value()) break;
    r.records.push_back(std::move(rec));
  }
  return r;
}

std::string WarcRecord(const std::string& type, const std::string& uri, const std::string& block,
                       const std::string& content_type = "application/http; msgtype=response") {
  return "WARC/1.1\r\nWARC-Type: " + type + "\r\nWARC-Record-ID: <urn:uuid:" + type + uri.substr(uri.size() - 1) +
         ">\r\nWARC-Date: 2024-11-02T10:00:00Z\r\nWARC-Target-URI: " + uri + "\r\nContent-Type: " + content_type +
         "\r\nContent-Length: " + std::to_string(block.size()) + "\r\n\r\n" + block + "\r\n\r\n";
}

std::string Http(const std::string& body, const std::string& headers = "Content-Type: text/html; charset=utf-8\r\n",
                 int status = 200) {
  return "HTTP/1.1 " + std::to_string(status) + " OK\r\n" + headers + "\r\n" + body;
}

}  // namespace

TEST_CASE("JSONL: fields, numeric ids, and the same records plain, gzip and zstd", "[io]") {
  TempDir t;
  const std::string data =
      "{\"id\": \"a1\", \"url\": \"https://e.example/1\", \"date\": \"2024-05-01\", \"lang\": \"fr\", \"text\": \"Bonjour\\n\\u00e9t\\u00e9\"}\n"
      "\n"
      "{\"id\": 42, \"text\": \"second\", \"extra\": {\"nested\": [1, 2]}}\n";
  for (const auto& [name, bytes] : {std::pair{"d.jsonl", data}, std::pair{"d.jsonl.gz", Gzip(data)},
                                    std::pair{"d.jsonl.zst", Zstd(data)}}) {
    INFO(name);
    const Read r = ReadAll(t.Write(name, bytes));
    REQUIRE(r.error.ok());
    REQUIRE(r.records.size() == 2);
    CHECK(r.issues.empty());
    CHECK(r.records[0].id == "a1");
    CHECK(r.records[0].url == "https://e.example/1");
    CHECK(r.records[0].date == "2024-05-01");
    CHECK(r.records[0].lang == "fr");
    CHECK(r.records[0].content == "Bonjour\nété");
    CHECK(r.records[0].line == 1);
    CHECK(r.records[1].id == "42");
    CHECK(r.records[1].line == 3);
    CHECK(r.records[1].kind == ContentKind::kText);
  }
}

TEST_CASE("JSONL: custom field names and an HTML field", "[io]") {
  TempDir t;
  ReaderOptions o;
  o.text_field = "content";
  o.id_field = "doc";
  o.html_field = "html";
  const Read r = ReadAll(t.Write("c.jsonl", "{\"doc\": \"x\", \"content\": \"t\"}\n{\"doc\": \"y\", \"html\": \"<p>h</p>\"}\n"), o);
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[0].id == "x");
  CHECK(r.records[0].content == "t");
  CHECK(r.records[1].kind == ContentKind::kHtml);
  CHECK(r.records[1].content == "<p>h</p>");
}

TEST_CASE("JSONL: malformed lines are skipped and reported with file, offset and line", "[io]") {
  TempDir t;
  const std::string data = "{\"text\": \"ok\"}\n{\"text\": \n[1]\n{\"id\": \"no text\"}\n{\"text\": 7}\n"
                           "{\"text\": \"bad \xff utf8\"}\n{\"text\": \"last\"}";
  const std::string path = t.Write("m.jsonl", data);
  const Read r = ReadAll(path);
  REQUIRE(r.error.ok());
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[1].content == "last");
  REQUIRE(r.issues.size() == 5);
  CHECK(r.issues[0].file == path);
  CHECK(r.issues[0].line == 2);
  CHECK(r.issues[0].offset == 15);
  CHECK(r.issues[0].message == "not valid JSON");
  CHECK(r.issues[1].message == "not a JSON object");
  CHECK(r.issues[2].message == "no 'text' field (name the field that holds the text with --text-field)");
  CHECK(r.issues[2].kind == io::ReadIssue::Kind::kNoText);
  CHECK(r.issues[0].kind == io::ReadIssue::Kind::kMalformed);
  CHECK(r.issues[3].message == "field 'text' is not a string");
  CHECK(r.issues[4].message.find("UTF-8") != std::string::npos);
  for (const auto& i : r.issues) CHECK(i.message.find("bad") == std::string::npos);  // never the content
}

TEST_CASE("JSONL: a line over the limit is skipped, the next one read", "[io]") {
  TempDir t;
  ReaderOptions o;
  o.max_record_bytes = 100;
  const Read r = ReadAll(t.Write("l.jsonl", "{\"text\": \"" + std::string(5000, 'a') + "\"}\n{\"text\": \"short\"}\n"), o);
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0].content == "short");
  REQUIRE(r.issues.size() == 1);
  CHECK(r.issues[0].line == 1);
}

TEST_CASE("Gzip: several members read whole - a truncated one keeps what came before", "[io]") {
  TempDir t;
  const std::string a = "{\"text\": \"one\"}\n", b = "{\"text\": \"two\"}\n";
  const Read whole = ReadAll(t.Write("two.jsonl.gz", Gzip(a) + Gzip(b)));
  REQUIRE(whole.records.size() == 2);
  CHECK(whole.records[1].content == "two");

  std::string big;
  for (int i = 0; i < 2000; ++i) big += "{\"text\": \"line " + std::to_string(i) + " with some words in it\"}\n";
  const std::string gz = Gzip(big);
  const Read cut = ReadAll(t.Write("cut.jsonl.gz", gz.substr(0, gz.size() / 2)));
  CHECK(cut.error.ok());
  CHECK(cut.records.size() > 100);
  CHECK(cut.records.size() < 2000);
  REQUIRE_FALSE(cut.issues.empty());
  // One issue for the cut: the partial last line is not also reported as bad JSON.
  REQUIRE(cut.issues.size() == 1);
  CHECK(cut.issues[0].message.find("truncated gzip member at offset 0") != std::string::npos);
  CHECK(cut.issues[0].kind == io::ReadIssue::Kind::kDamaged);  // the run fails on it unless --max-skipped
  CHECK(cut.issues[0].line == cut.records.size() + 1);

  // The member offset is that of the cut member, not of the file.
  const std::string first = Gzip(a);
  const Read second_cut = ReadAll(t.Write("cut2.jsonl.gz", first + gz.substr(0, gz.size() / 2)));
  REQUIRE(second_cut.issues.size() == 1);
  CHECK(second_cut.issues[0].message.find("truncated gzip member at offset " + std::to_string(first.size())) !=
        std::string::npos);
  CHECK(second_cut.records.size() == cut.records.size() + 1);
}

TEST_CASE("JSONL: numeric ids keep their decimal text - blank lines are silent", "[io]") {
  TempDir t;
  const Read r = ReadAll(t.Write("n.jsonl", "{\"id\": -3, \"text\": \"a\"}\n \t \r\n\n"
                                            "{\"id\": 18446744073709551615, \"text\": \"b\"}\n"
                                            "{\"id\": null, \"text\": \"c\", \"url\": 5}\n"
                                            "{\"id\": [1], \"text\": \"d\"}\n"));
  REQUIRE(r.records.size() == 3);
  CHECK(r.records[0].id == "-3");
  CHECK(r.records[1].id == "18446744073709551615");
  CHECK(r.records[1].line == 4);
  CHECK(r.records[2].id.empty());
  CHECK(r.records[2].url.empty());
  REQUIRE(r.issues.size() == 1);
  CHECK(r.issues[0].message == "field 'id' is neither a string nor a number");
  CHECK(r.issues[0].line == 6);
}

TEST_CASE("JSONL: content after the object makes the line invalid", "[io]") {
  TempDir t;
  const Read r = ReadAll(t.Write("after.jsonl", "{\"text\": \"a\"} {\"text\": \"b\"}\n{\"text\": \"c\"} x\n{\"text\": \"d\"}  \n"));
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0].content == "d");
  REQUIRE(r.issues.size() == 2);
  CHECK(r.issues[0].message.find("after the object") != std::string::npos);
}

TEST_CASE("JSONL: lines across many read blocks are parsed exactly (in place or padded)", "[io]") {
  TempDir t;
  // ~3 MiB of lines of varied length, so line ends fall everywhere relative to
  // the 1 MiB read blocks, including within simdjson's padding of a block end.
  std::string data;
  std::vector<std::string> want;
  for (int i = 0; data.size() < (3u << 20); ++i) {
    std::string text = "t" + std::to_string(i) + std::string(static_cast<std::size_t>(i * 37 % 300), 'x');
    data += "{\"id\": " + std::to_string(i) + ", \"text\": \"" + text + "\"}\n";
    want.push_back(std::move(text));
  }
  for (const auto& [name, bytes] : {std::pair{"blocks.jsonl", data}, std::pair{"blocks.jsonl.zst", Zstd(data)}}) {
    INFO(name);
    const Read r = ReadAll(t.Write(name, bytes));
    CHECK(r.issues.empty());
    REQUIRE(r.records.size() == want.size());
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < want.size(); ++i) {
      if (r.records[i].content != want[i] || r.records[i].id != std::to_string(i)) ++wrong;
    }
    CHECK(wrong == 0);
  }
}

TEST_CASE("Zstd: multiple frames", "[io]") {
  TempDir t;
  const Read r = ReadAll(t.Write("f.jsonl.zst", Zstd("{\"text\": \"a\"}\n") + Zstd("{\"text\": \"b\"}\n")));
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[1].content == "b");
}

TEST_CASE("WARC: response HTML and plain text, conversion records, others ignored", "[io]") {
  TempDir t;
  const std::string warc =
      WarcRecord("warcinfo", "x:0", "software: test\r\n", "application/warc-fields") +
      WarcRecord("request", "https://e.example/1", "GET / HTTP/1.1\r\n\r\n", "application/http; msgtype=request") +
      WarcRecord("response", "https://e.example/1", Http("<p>Bonjour</p>", "Content-Type: text/html; charset=ISO-8859-1\r\nX-Robots-Tag: noai\r\n")) +
      WarcRecord("response", "https://e.example/2", Http("plain", "Content-Type: text/plain\r\n")) +
      WarcRecord("response", "https://e.example/3", Http("\x89PNG", "Content-Type: image/png\r\n")) +
      WarcRecord("response", "https://e.example/4", Http("gone", "Content-Type: text/html\r\n", 404)) +
      WarcRecord("conversion", "https://e.example/5", "texte extrait", "text/plain");
  const Read r = ReadAll(t.Write("a.warc", warc));
  REQUIRE(r.error.ok());
  CHECK(r.issues.empty());
  REQUIRE(r.records.size() == 3);
  CHECK(r.records[0].kind == ContentKind::kHtml);
  CHECK(r.records[0].url == "https://e.example/1");
  CHECK(r.records[0].id == "urn:uuid:response1");
  CHECK(r.records[0].date == "2024-11-02T10:00:00Z");
  CHECK(r.records[0].charset == "iso-8859-1");
  CHECK(r.records[0].content == "<p>Bonjour</p>");
  REQUIRE(r.records[0].headers.size() == 2);
  CHECK(r.records[0].headers[1] == std::pair<std::string, std::string>{"X-Robots-Tag", "noai"});
  CHECK(r.records[1].kind == ContentKind::kText);
  CHECK(r.records[2].content == "texte extrait");
}

TEST_CASE("WARC: chunked and gzip-encoded bodies are decoded - a bomb is cut", "[io]") {
  TempDir t;
  const std::string chunked = Http("5\r\nBonjo\r\n2\r\nur\r\n0\r\n\r\n", "Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n");
  const std::string gz = Http(Gzip("compressé"), "Content-Type: text/plain\r\nContent-Encoding: gzip\r\n");
  const std::string bomb = Http(Gzip(std::string(10 << 20, 'a')), "Content-Type: text/plain\r\nContent-Encoding: gzip\r\n");
  ReaderOptions o;
  o.max_record_bytes = 1 << 20;
  const Read r = ReadAll(t.Write("b.warc", WarcRecord("response", "https://e.example/1", chunked) +
                                               WarcRecord("response", "https://e.example/2", gz) +
                                               WarcRecord("response", "https://e.example/3", bomb)),
                         o);
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[0].content == "Bonjour");
  CHECK(r.records[1].content == "compressé");
  REQUIRE(r.issues.size() == 1);
  CHECK(r.issues[0].message.find("exceeds") != std::string::npos);
}

TEST_CASE("WARC: a bad header is reported and the reader resynchronises", "[io]") {
  TempDir t;
  const std::string good = WarcRecord("conversion", "https://e.example/1", "first", "text/plain");
  const std::string bad = "WARC/1.1\r\nWARC-Type: conversion\r\nContent-Length: twelve\r\n\r\nabcdefghijkl\r\n\r\n";
  const std::string after = WarcRecord("conversion", "https://e.example/2", "second", "text/plain");
  const std::string path = t.Write("r.warc", good + bad + after);
  const Read r = ReadAll(path);
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[1].content == "second");
  REQUIRE_FALSE(r.issues.empty());
  CHECK(r.issues[0].message == "Content-Length is not a number");
  CHECK(r.issues[0].offset == good.size());
}

TEST_CASE("WARC: a truncated last record is reported - per-record gzip gives member offsets", "[io]") {
  TempDir t;
  const std::string one = WarcRecord("conversion", "https://e.example/1", "first", "text/plain");
  const std::string two = WarcRecord("conversion", "https://e.example/2", "second record", "text/plain");
  const Read cut = ReadAll(t.Write("t.warc", one + two.substr(0, two.size() - 12)));
  REQUIRE(cut.records.size() == 1);
  REQUIRE(cut.issues.size() == 1);
  CHECK(cut.issues[0].message == "truncated WARC record");

  const std::string g1 = Gzip(one), g2 = Gzip(two);
  const Read gz = ReadAll(t.Write("g.warc.gz", g1 + g2));
  REQUIRE(gz.records.size() == 2);
  CHECK(gz.records[0].offset == 0);
  CHECK(gz.records[1].offset == g1.size());
}

TEST_CASE("Format by name, else by content - errors name the file", "[io]") {
  TempDir t;
  const Read sniffed = ReadAll(t.Write("dump.bin", Gzip(WarcRecord("conversion", "https://e.example/1", "x", "text/plain"))));
  REQUIRE(sniffed.error.ok());
  CHECK(sniffed.records.size() == 1);
  const Read neither = ReadAll(t.Write("dump.dat", "hello world\n"));
  REQUIRE_FALSE(neither.error.ok());
  CHECK(neither.error.message().find("dump.dat: neither JSONL nor WARC") != std::string::npos);
  const Read missing = ReadAll(t.path + "/nope.jsonl");
  REQUIRE_FALSE(missing.error.ok());
  CHECK(missing.error.message().find("nope.jsonl") != std::string::npos);
}

TEST_CASE("Readers over memory never crash on garbage", "[io]") {
  const std::string garbage[] = {"", "WARC/1.1\r\n", "WARC/1.1\r\nContent-Length: 99999999999\r\n\r\nab",
                                 std::string("\x1f\x8b\x08\x00garbage", 12), std::string("\x28\xb5\x2f\xfdxx", 6), "{{{{"};
  for (const std::string& g : garbage) {
    for (auto fmt : {InputFormat::kJsonl, InputFormat::kWarc}) {
      auto r = OpenReaderFromStream(MemoryByteStream(g), "mem", fmt, ReaderOptions());
      REQUIRE(r.ok());
      InputRecord rec;
      int n = 0;
      while (n < 100) {
        auto more = (*r)->Next(&rec);
        if (!more.ok() || !more.value()) break;
        ++n;
      }
      CHECK(n < 100);
    }
  }
}

TEST_CASE("JsonlWriter: atomic, plain and zstd, nothing left when not committed", "[io]") {
  TempDir t;
  {
    auto w = JsonlWriter::Create(t.path + "/out.jsonl");
    REQUIRE(w.ok());
    REQUIRE((*w)->Write("{\"text\": \"a\"}").ok());
    // Not there until committed.
    CHECK(::access((t.path + "/out.jsonl").c_str(), F_OK) != 0);
    REQUIRE((*w)->Commit().ok());
    CHECK((*w)->lines() == 1);
  }
  std::ifstream f(t.path + "/out.jsonl");
  std::stringstream ss;
  ss << f.rdbuf();
  CHECK(ss.str() == "{\"text\": \"a\"}\n");
  {
    auto w = JsonlWriter::Create(t.path + "/out.jsonl.zst");
    REQUIRE(w.ok());
    for (int i = 0; i < 1000; ++i) REQUIRE((*w)->Write("{\"text\": \"line " + std::to_string(i) + "\"}").ok());
    REQUIRE((*w)->Commit().ok());
  }
  const Read back = ReadAll(t.path + "/out.jsonl.zst");
  REQUIRE(back.records.size() == 1000);
  CHECK(back.records[999].content == "line 999");
  {
    auto w = JsonlWriter::Create(t.path + "/abandoned.jsonl");
    REQUIRE(w.ok());
    REQUIRE((*w)->Write("{}").ok());
  }
  const int left = std::system(("ls " + t.path + " | grep -q abandoned").c_str());
  CHECK(left != 0);
  CHECK_FALSE(JsonlWriter::Create("/nonexistent/dir/out.jsonl").ok());
}

TEST_CASE("WARC: each kind of bad header is reported at its offset and the next record read", "[io]") {
  TempDir t;
  const std::string good = WarcRecord("conversion", "https://e.example/1", "first", "text/plain");
  const std::string after = WarcRecord("conversion", "https://e.example/2", "second", "text/plain");
  const std::pair<const char*, std::string> bad[] = {
      {"WARC header line without ':'", "WARC/1.1\r\nWARC-Type: conversion\r\nno colon here\r\nContent-Length: 3\r\n\r\nabc\r\n\r\n"},
      {"no Content-Length", "WARC/1.1\r\nWARC-Type: conversion\r\n\r\nabc\r\n\r\n"},
      {"Content-Length is not a number", "WARC/1.0\r\nWARC-Type: conversion\r\nContent-Length: -3\r\n\r\nabc\r\n\r\n"},
      {"bytes that are not a WARC record", "WARC-Type: conversion\r\nContent-Length: 3\r\n\r\nabc\r\n\r\n"},
  };
  for (const auto& [why, record] : bad) {
    INFO(why);
    const Read r = ReadAll(t.Write("bad.warc", good + record + after));
    REQUIRE(r.records.size() == 2);
    CHECK(r.records[0].content == "first");
    CHECK(r.records[1].content == "second");
    REQUIRE(r.issues.size() == 1);
    CHECK(r.issues[0].message.find(why) == 0);
    CHECK(r.issues[0].offset == good.size());
    CHECK(r.issues[0].line == 0);
  }
}

TEST_CASE("WARC: bare LF line ends and the 0.18 draft are read - an unknown version is skipped by its length", "[io]") {
  TempDir t;
  const std::string http = "HTTP/1.0 200 OK\nContent-Type: text/html\n\n<p>lf</p>";
  const std::string lf = "WARC/0.18\nWARC-Type: response\nWARC-Target-URI: http://e.example/lf\nContent-Type: application/http\n"
                         "Content-Length: " + std::to_string(http.size()) + "\n\n" + http + "\n\n";
  // A future version whose block contains a line that looks like a record start:
  // skipping by Content-Length must not stop there.
  const std::string inner = "WARC/1.1\r\nWARC-Type: conversion\r\nContent-Length: 5\r\n\r\ninner";
  const std::string future = "WARC/9.0\r\nWARC-Type: conversion\r\nContent-Length: " + std::to_string(inner.size()) +
                             "\r\n\r\n" + inner + "\r\n\r\n";
  const std::string last = WarcRecord("conversion", "https://e.example/2", "last", "text/plain");
  const Read r = ReadAll(t.Write("lf.warc", lf + future + last));
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[0].kind == ContentKind::kHtml);
  CHECK(r.records[0].content == "<p>lf</p>");
  CHECK(r.records[0].url == "http://e.example/lf");
  CHECK(r.records[1].content == "last");
  REQUIRE(r.issues.size() == 1);
  CHECK(r.issues[0].message == "unsupported WARC version");
  CHECK(r.issues[0].offset == lf.size());
}

TEST_CASE("WARC gzip: a bad header in one member is reported at the member offset - later members are read", "[io]") {
  TempDir t;
  const std::string g1 = Gzip(WarcRecord("conversion", "https://e.example/1", "first", "text/plain"));
  const std::string g2 = Gzip("WARC/1.1\r\nWARC-Type: conversion\r\nContent-Length: x\r\n\r\nabc\r\n\r\n");
  const std::string g3 = Gzip(WarcRecord("conversion", "https://e.example/3", "third", "text/plain"));
  const Read r = ReadAll(t.Write("m.warc.gz", g1 + g2 + g3));
  REQUIRE(r.records.size() == 2);
  CHECK(r.records[1].content == "third");
  CHECK(r.records[1].offset == g1.size() + g2.size());
  REQUIRE(r.issues.size() == 1);
  CHECK(r.issues[0].offset == g1.size());
}

TEST_CASE("WARC gzip: a truncated last member gives one issue naming the member", "[io]") {
  TempDir t;
  const std::string g1 = Gzip(WarcRecord("conversion", "https://e.example/1", "first", "text/plain"));
  std::string long_text;
  for (int i = 0; i < 5000; ++i) long_text += std::to_string(i * 7919 % 10007) + " ";
  const std::string g2 = Gzip(WarcRecord("conversion", "https://e.example/2", long_text, "text/plain"));
  const Read r = ReadAll(t.Write("cut.warc.gz", g1 + g2.substr(0, g2.size() / 2)));
  REQUIRE(r.records.size() == 1);
  REQUIRE(r.issues.size() == 1);
  CHECK(r.issues[0].offset == g1.size());
  CHECK(r.issues[0].message.find("truncated WARC record") == 0);
  CHECK(r.issues[0].message.find("truncated gzip member at offset " + std::to_string(g1.size())) != std::string::npos);
  CHECK(r.issues[0].kind == io::ReadIssue::Kind::kDamaged);
}

TEST_CASE("WARC: deflate bodies (zlib and raw), unknown encodings and non-2xx statuses", "[io]") {
  TempDir t;
  auto compress = [](const std::string& s, int bits) {
    z_stream z{};
    deflateInit2(&z, 6, Z_DEFLATED, bits, 8, Z_DEFAULT_STRATEGY);
    std::string out(compressBound(s.size()) + 64, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
    z.avail_in = static_cast<uInt>(s.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    ::deflate(&z, Z_FINISH);
    out.resize(z.total_out);
    deflateEnd(&z);
    return out;
  };
  const std::string zlib_body = Http(compress("zlib wrapped", 15), "Content-Type: text/plain\r\nContent-Encoding: deflate\r\n");
  const std::string raw_body = Http(compress("raw deflate", -15), "Content-Type: text/plain\r\nContent-Encoding: deflate\r\n");
  const std::string unknown = Http("???", "Content-Type: text/plain\r\nContent-Encoding: compress\r\n");
  const std::string created = Http("<p>created</p>", "Content-Type: application/xhtml+xml\r\n", 201);
  const std::string redirect = Http("moved", "Content-Type: text/html\r\n", 301);
  const Read r = ReadAll(t.Write("d.warc", WarcRecord("response", "https://e.example/1", zlib_body) +
                                               WarcRecord("response", "https://e.example/2", raw_body) +
                                               WarcRecord("response", "https://e.example/3", unknown) +
                                               WarcRecord("response", "https://e.example/4", created) +
                                               WarcRecord("response", "https://e.example/5", redirect)));
  REQUIRE(r.records.size() == 3);
  CHECK(r.records[0].content == "zlib wrapped");
  CHECK(r.records[1].content == "raw deflate");
  CHECK(r.records[2].kind == ContentKind::kHtml);
  CHECK(r.records[2].content == "<p>created</p>");
  REQUIRE(r.issues.size() == 1);
  CHECK(r.issues[0].message == "unsupported Content-Encoding");
}

TEST_CASE("WARC: charset parameters are found whatever their place, quotes and case", "[io]") {
  TempDir t;
  const char* types[] = {"text/html; charset=UTF-8", "TEXT/HTML;Charset=\"Windows-1252\"",
                         "text/html; boundary=x; charset='ISO-8859-15' ", "text/html"};
  const char* want[] = {"utf-8", "windows-1252", "iso-8859-15", ""};
  std::string warc;
  for (int i = 0; i < 4; ++i) {
    warc += WarcRecord("response", "https://e.example/" + std::to_string(i),
                       Http("<p>x</p>", std::string("Content-Type: ") + types[i] + "\r\n"));
  }
  const Read r = ReadAll(t.Write("cs.warc", warc));
  REQUIRE(r.records.size() == 4);
  for (int i = 0; i < 4; ++i) {
    CHECK(r.records[i].charset == want[i]);
    CHECK(r.records[i].kind == ContentKind::kHtml);
  }
}

TEST_CASE("WARC: angle brackets around the target URI and record id are removed", "[io]") {
  TempDir t;
  const std::string block = "texte";
  const std::string rec = "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:uuid:0000-aaaa>\r\n"
                          "WARC-Target-URI: <https://e.example/angle>\r\nContent-Length: 5\r\n\r\ntexte\r\n\r\n";
  const Read r = ReadAll(t.Write("ang.warc", rec));
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0].id == "urn:uuid:0000-aaaa");
  CHECK(r.records[0].url == "https://e.example/angle");
}

TEST_CASE("ARC files are refused with a clear error", "[io]") {
  TempDir t;
  const std::string arc = "filedesc://x.arc 0.0.0.0 20080430204825 text/plain 10\n1 0 test\n\n";
  const Read by_name = ReadAll(t.Write("x.arc.gz", Gzip(arc)));
  REQUIRE_FALSE(by_name.error.ok());
  CHECK(by_name.error.message().find("x.arc.gz: ARC files are not read") != std::string::npos);
  const Read by_content = ReadAll(t.Write("x.bin", arc));
  REQUIRE_FALSE(by_content.error.ok());
  CHECK(by_content.error.message().find("ARC files are not read") != std::string::npos);
}

TEST_CASE("bytes_read counts compressed bytes", "[io]") {
  TempDir t;
  std::string data;
  for (int i = 0; i < 3000; ++i) data += "{\"text\": \"the same words again and again\"}\n";
  const std::string zst = Zstd(data);
  const std::string path = t.Write("p.jsonl.zst", zst);
  auto reader = OpenReader(path, ReaderOptions());
  REQUIRE(reader.ok());
  InputRecord rec;
  int n = 0;
  while ((*reader)->Next(&rec).value()) ++n;
  CHECK(n == 3000);
  CHECK((*reader)->bytes_read() == zst.size());
  CHECK((*reader)->skipped() == 0);
}

#ifdef MOISSON_TEST_BROTLI
#include <brotli/encode.h>
TEST_CASE("WARC: brotli bodies are decoded - a brotli bomb is cut", "[io]") {
  TempDir t;
  auto br = [](const std::string& s) {
    std::string out(BrotliEncoderMaxCompressedSize(s.size()) + 16, '\0');
    std::size_t n = out.size();
    BrotliEncoderCompress(5, 22, BROTLI_MODE_TEXT, s.size(), reinterpret_cast<const std::uint8_t*>(s.data()), &n,
                          reinterpret_cast<std::uint8_t*>(out.data()));
    out.resize(n);
    return out;
  };
  ReaderOptions o;
  o.max_record_bytes = 1 << 20;
  const std::string ok = Http(br("<p>brotli</p>"), "Content-Type: text/html\r\nContent-Encoding: br\r\n");
  const std::string bomb = Http(br(std::string(8 << 20, 'a')), "Content-Type: text/html\r\nContent-Encoding: br\r\n");
  const Read r = ReadAll(t.Write("br.warc", WarcRecord("response", "https://e.example/1", ok) +
                                                WarcRecord("response", "https://e.example/2", bomb)),
                         o);
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0].content == "<p>brotli</p>");
  REQUIRE(r.issues.size() == 1);
  CHECK(r.issues[0].message.find("exceeds") != std::string::npos);
}
#endif

TEST_CASE("An I/O error while reading stops the file with an error naming it", "[io]") {
  TempDir t;
  // Reading /proc/self/mem at offset 0 fails with EIO: a file that opens but cannot be read.
  for (const char* name : {"/eio.jsonl", "/eio.warc"}) {
    const std::string link = t.path + name;
    REQUIRE(::symlink("/proc/self/mem", link.c_str()) == 0);
    const Read r = ReadAll(link);
    REQUIRE_FALSE(r.error.ok());
    CHECK(r.error.message() == link + ": read error");
    CHECK(r.records.empty());
  }
}

TEST_CASE("JsonlWriter: an existing output stays whole until the commit replaces it - mode 0644", "[io]") {
  TempDir t;
  const std::string path = t.Write("keep.jsonl", "{\"text\": \"old\"}\n");
  auto slurp = [&] {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  };
  auto w = JsonlWriter::Create(path);
  REQUIRE(w.ok());
  const std::string line = "{\"text\": \"new line with enough bytes to flush\"}";
  bool all_ok = true;
  for (int i = 0; i < 50000; ++i) all_ok = (*w)->Write(line).ok() && all_ok;
  REQUIRE(all_ok);
  CHECK(slurp() == "{\"text\": \"old\"}\n");  // 2 MB written to the temporary file, none here
  REQUIRE((*w)->Commit().ok());
  REQUIRE((*w)->Commit().ok());  // a second commit is harmless
  const std::string now = slurp();
  CHECK(now.size() == 50000u * (line.size() + 1));
  CHECK(now.rfind("{\"text\": \"new line", 0) == 0);
  struct stat sb {};
  REQUIRE(::stat(path.c_str(), &sb) == 0);
  CHECK((sb.st_mode & 0777) == 0644);
  const int others = std::system(("ls " + t.path + " | grep -q tmp").c_str());
  CHECK(others != 0);
}

namespace {
// A gzip member whose deflate data is corrupt: the header is valid, the first
// block has the reserved type 3, which zlib refuses at once.
std::string CorruptMember(const std::string& s) {
  std::string g = Gzip(s);
  for (std::size_t i = 10; i < g.size() && i < 40; ++i) g[i] = static_cast<char>(0xff);
  return g;
}
}  // namespace

TEST_CASE("Gzip: a corrupt member in the middle is reported at its offset - later members are read", "[io]") {
  TempDir t;
  const std::string m1 = Gzip("{\"text\": \"one\"}\n{\"text\": \"two\"}\n");
  const std::string m2 = CorruptMember("{\"text\": \"three\"}\n{\"text\": \"four\"}\n");
  const std::string m3 = Gzip("{\"text\": \"five\"}\n");
  const Read r = ReadAll(t.Write("mid.jsonl.gz", m1 + m2 + m3));
  REQUIRE(r.error.ok());
  REQUIRE(r.records.size() == 3);
  CHECK(r.records[2].content == "five");
  REQUIRE(r.issues.size() == 1);
  CHECK(r.issues[0].message.find("corrupt gzip data in the member at offset " + std::to_string(m1.size())) == 0);

  // Bytes that are not gzip between members: skipped to the next member.
  const Read junk = ReadAll(t.Write("junk.jsonl.gz", m1 + "not gzip at all" + m3));
  REQUIRE(junk.records.size() == 3);
  REQUIRE(junk.issues.size() == 1);
  CHECK(junk.issues[0].message.find("bytes that are not gzip at offset " + std::to_string(m1.size())) == 0);
}

TEST_CASE("WARC gzip: a corrupt member loses its record only", "[io]") {
  TempDir t;
  const std::string g1 = Gzip(WarcRecord("conversion", "https://e.example/1", "first", "text/plain"));
  const std::string g2 = CorruptMember(WarcRecord("conversion", "https://e.example/2", "second", "text/plain"));
  const std::string g3 = Gzip(WarcRecord("conversion", "https://e.example/3", "third", "text/plain"));
  const std::string g4 = Gzip(WarcRecord("conversion", "https://e.example/4", "fourth", "text/plain"));
  // The corrupt member first, in the middle (its record then reads the next
  // member's bytes as its block) and last.
  for (const auto& [name, bytes, want] :
       {std::tuple{"a.warc.gz", g2 + g1 + g3, std::size_t{0}}, std::tuple{"b.warc.gz", g1 + g2 + g3 + g4, g1.size()},
        std::tuple{"c.warc.gz", g1 + g3 + g2, g1.size() + g3.size()}}) {
    INFO(name);
    const Read r = ReadAll(t.Write(name, bytes));
    REQUIRE(r.error.ok());
    CHECK(r.records.size() == (name == std::string("b.warc.gz") ? 3u : 2u));
    for (const auto& rec : r.records) CHECK(rec.content != "second");
    REQUIRE(r.issues.size() == 1);
    CHECK(r.issues[0].offset == want);
    CHECK(r.issues[0].message.find("corrupt gzip data in the member at offset " + std::to_string(want)) == 0);
  }
  // A cut in the middle of the header of the second record's member.
  const std::string one = WarcRecord("conversion", "https://e.example/1", "first", "text/plain");
  std::string partial = Gzip(one.substr(0, 20));
  partial.resize(partial.size() - 8);  // no trailer: the member does not end...
  partial += std::string("\xff\xff\xff", 3);  // ...and what follows is not deflate
  const Read cut = ReadAll(t.Write("d.warc.gz", g1 + partial + g3));
  CHECK(cut.records.size() == 2);
  CHECK(cut.issues.size() == 1);
}
