// Dump readers and JSONL writers: formats, compression, malformed records
// skipped and reported with file and offset, atomic outputs.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "io/reader_internal.h"
#include "io/record.h"

using namespace moisson;
using namespace moisson::io;

namespace {

struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/moisson_io_XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempDir() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
  std::string Write(const std::string& name, const std::string& data) const {
    std::ofstream f(path + "/" + name, std::ios::binary);
    f << data;
    return path + "/" + name;
  }
};

std::string Gzip(const std::string& s) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(compressBound(s.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(s.data()));
  z.avail_in = static_cast<uInt>(s.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

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
  CHECK(r.issues[2].message == "no 'text' field");
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
  CHECK(cut.issues.back().message.find("truncated gzip member at offset 0") != std::string::npos);
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
