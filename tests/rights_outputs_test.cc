// One removal for erase and purge (rights/outputs.h): the output locator's
// two layouts, the record identity (id and text digest), a WARC file still
// being written refusing every change, missing outputs reported.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "rights/outputs.h"
#include "tests/temp_dir.h"

using namespace moisson;

namespace {

using moisson::test::TempDir;

std::string Line(const std::string& id, char digest) {
  return "{\"id\":\"" + id + "\",\"text\":\"t\",\"moisson\":{\"text_sha256\":\"" + std::string(64, digest) + "\"}}\n";
}

std::string Slurp(const std::string& p) {
  std::ifstream f(p);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

audit::IdentifierHit Row(const std::string& file, const std::string& id, char digest, const std::string& url = "") {
  audit::IdentifierHit h;
  h.output_file = file;
  h.output_id = id;
  h.content_sha256 = std::string(64, digest);
  h.url = url;
  h.fetched = !url.empty();
  return h;
}

}  // namespace

TEST_CASE("RemoveFromOutputs: records by id and digest, relative names under the root, missing files listed",
          "[rights]") {
  TempDir d;
  std::filesystem::create_directories(d.path + "/moved");
  { std::ofstream(d.path + "/moved/out.jsonl") << Line("a", 'a') << Line("b", 'b') << Line("c", 'c'); }
  const std::vector<audit::IdentifierHit> rows{Row("out.jsonl", "a", 'a'), Row("out.jsonl", "b", 'f'),
                                               Row("gone.jsonl", "z", 'z'), Row("", "", 'x')};
  const rights::OutputLocator where(d.path + "/moved");
  CHECK(where.Resolve("out.jsonl") == d.path + "/moved/out.jsonl");
  CHECK(where.Resolve("/abs/out.jsonl") == "/abs/out.jsonl");

  rights::RemovalOptions dry;
  dry.dry_run = true;
  auto counted = rights::RemoveFromOutputs(rows, where, dry);
  REQUIRE(counted.ok());
  CHECK(counted->removed == 1);
  CHECK(Slurp(d.path + "/moved/out.jsonl") == Line("a", 'a') + Line("b", 'b') + Line("c", 'c'));  // unchanged

  auto r = rights::RemoveFromOutputs(rows, where, {});
  REQUIRE(r.ok());
  CHECK(r->removed == 1);
  CHECK(r->other_content == 1);  // "b" holds another text than the ledger's: left in place
  CHECK(r->missing == std::vector<std::string>{d.path + "/moved/gone.jsonl"});
  CHECK(Slurp(d.path + "/moved/out.jsonl") == Line("b", 'b') + Line("c", 'c'));

  // Purge deletes an output it empties.
  rights::RemovalOptions purge;
  purge.delete_emptied = true;
  const std::vector<audit::IdentifierHit> rest{Row("out.jsonl", "b", 'b'), Row("out.jsonl", "c", 'c')};
  r = rights::RemoveFromOutputs(rest, where, purge);
  REQUIRE(r.ok());
  REQUIRE(r->outputs.size() == 1);
  CHECK(r->outputs[0].deleted);
  CHECK(::access((d.path + "/moved/out.jsonl").c_str(), F_OK) != 0);
}

TEST_CASE("RemoveFromOutputs: a crawl's WARC file still being written stops every change", "[rights]") {
  TempDir d;
  std::filesystem::create_directories(d.path + "/crawl/warc");
  { std::ofstream(d.path + "/crawl/pages-00000.jsonl") << Line("p1", '1'); }
  { std::ofstream(d.path + "/crawl/warc/pages-00000.warc.gz.partial") << "x"; }
  const std::vector<audit::IdentifierHit> rows{Row(d.path + "/crawl/pages-00000.jsonl", "p1", '1', "https://a.example/")};
  auto r = rights::RemoveFromOutputs(rows, rights::OutputLocator(), {});
  REQUIRE(r.ok());
  CHECK(r->still_written == std::vector<std::string>{d.path + "/crawl/warc/pages-00000.warc.gz.partial"});
  CHECK(r->removed == 0);
  CHECK(Slurp(d.path + "/crawl/pages-00000.jsonl") == Line("p1", '1'));  // nothing changed
}
