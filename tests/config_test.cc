// Configuration loading: strict, with file, line and key in every error.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>

#include <unistd.h>

#include <cstdlib>

#include "core/config.h"

using namespace moisson;

TEST_CASE("Config: defaults without a file", "[config]") {
  const auto c = ParseConfig("", "empty.toml");
  REQUIRE(c.ok());
  CHECK(c->crawler.product_token == "moisson");
  CHECK(c->policy.robots_mode == RobotsMode::kGoogle);
  CHECK_FALSE(c->policy.ai_agents);
  CHECK(c->policy.honour.noai);
  CHECK(c->policy.ai_objection_blocks_collection);
}

TEST_CASE("Config: every documented key is read", "[config]") {
  const auto c = ParseConfig(R"toml(
[controller]
name = "Example Lab"
contact = "dpo@example.org"
privacy_policy_url = "https://example.org/privacy"

[crawler]
product_token = "ExampleBot"
user_agent = "ExampleBot/1.0 (+https://example.org/bot)"

[policy]
robots_mode = "rfc"
ai_agents = ["GPTBot", "CCBot"]
extra_ai_agents = ["MyOtherBot"]
ai_objection_blocks_collection = false

[policy.honour]
ai_agents = false
ai_txt = false
tdmrep = false
content_usage = false
content_signal = false
noai = false
noindex = false
)toml",
                             "full.toml");
  REQUIRE(c.ok());
  CHECK(c->controller.name == "Example Lab");
  CHECK(c->crawler.product_token == "ExampleBot");
  CHECK(c->policy.robots_mode == RobotsMode::kRfc);
  REQUIRE(c->policy.ai_agents);
  CHECK(c->policy.ai_agents->size() == 2);
  CHECK(c->policy.extra_ai_agents == std::vector<std::string>{"MyOtherBot"});
  CHECK_FALSE(c->policy.ai_objection_blocks_collection);
  CHECK_FALSE(c->policy.honour.ai_agents);
  CHECK_FALSE(c->policy.honour.noindex);
}

TEST_CASE("Config: an unknown key is an error naming file, line and key", "[config]") {
  const auto c = ParseConfig("[policy]\nrobots_mode = \"google\"\n\n[policy.honour]\nnoia = true\n", "site.toml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message() == "site.toml:5: unknown key 'policy.honour.noia'");
}

TEST_CASE("Config: an unknown table is an error", "[config]") {
  const auto c = ParseConfig("[polcy]\nrobots_mode = \"rfc\"\n", "t.toml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message().find("t.toml:1: unknown table 'polcy'") == 0);
}

TEST_CASE("Config: a wrong type is an error naming the expected type", "[config]") {
  auto c = ParseConfig("[policy.honour]\nnoai = \"yes\"\n", "t.toml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message() == "t.toml:2: key 'policy.honour.noai' must be a boolean");
  c = ParseConfig("[policy]\nai_agents = [\"a\", 3]\n", "t.toml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message().find("t.toml:2:") == 0);
  c = ParseConfig("policy = 3\n", "t.toml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message() == "t.toml:1: key 'policy' must be a table");
}

TEST_CASE("Config: bad values are errors", "[config]") {
  auto c = ParseConfig("[policy]\nrobots_mode = \"strict\"\n", "t.toml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message().find("t.toml:2:") == 0);
  c = ParseConfig("[crawler]\nproduct_token = \"Moisson Bot\"\nuser_agent = \"Moisson Bot/1\"\n", "t.toml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message().find("t.toml:2: crawler.product_token") == 0);
  c = ParseConfig("[crawler]\nproduct_token = \"moisson\"\nuser_agent = \"SomethingElse/1\"\n", "t.toml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message().find("t.toml:3: crawler.user_agent") == 0);
}

TEST_CASE("Config: TOML syntax errors name the line", "[config]") {
  const auto c = ParseConfig("[policy]\nrobots_mode = \n", "bad.toml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message().find("bad.toml:2: TOML syntax error") == 0);
}

TEST_CASE("Config: the shipped example loads", "[config]") {
  const auto c = LoadConfig(std::string(MOISSON_SOURCE_DIR) + "/examples/moisson.toml");
  INFO(c.status().message());
  REQUIRE(c.ok());
  CHECK_FALSE(c->controller.name.empty());
  CHECK_FALSE(LoadConfig("/nonexistent/moisson.toml").ok());
}

TEST_CASE("Config: a bad array element names the key and its line", "[config]") {
  const auto c = ParseConfig("[policy]\nextra_ai_agents = [\n  \"a\",\n  7,\n]\n", "t.toml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.status().message() == "t.toml:4: key 'policy.extra_ai_agents' must be an array of strings");
}

TEST_CASE("Config: blocklist categories and data folder", "[config]") {
  const auto d = ParseConfig("", "t.toml");
  REQUIRE(d.ok());
  CHECK(std::find(d->blocklists.categories.begin(), d->blocklists.categories.end(), "health_forums") !=
        d->blocklists.categories.end());
  const auto c = ParseConfig("[blocklists]\ncategories = [\"dating\"]\ndata_dir = \"/srv/lists\"\n", "t.toml");
  REQUIRE(c.ok());
  CHECK(c->blocklists.categories == std::vector<std::string>{"dating"});
  CHECK(c->blocklists.data_dir == "/srv/lists");
}

TEST_CASE("Config: the opt-out phone region", "[config]") {
  CHECK(ParseConfig("", "t.toml")->optout.phone_region == "FR");
  CHECK(ParseConfig("[optout]\nphone_region = \"GB\"\n", "t.toml")->optout.phone_region == "GB");
  const auto bad = ParseConfig("[optout]\nphone_region = \"France\"\n", "t.toml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("t.toml:2:") == 0);
}

TEST_CASE("Config: filter actions, switches and input fields", "[config]") {
  auto c = ParseConfig(
      "[filters]\ndedup = true\npage_signals = false\nsite_lists = false\n"
      "[filters.actions]\n\"id.email\" = \"redact\"\nminor = \"flag\"\n"
      "[input]\ntext_field = \"content\"\nhtml_field = \"html\"\n",
      "f.toml");
  REQUIRE(c.ok());
  CHECK(c->filters.dedup);
  CHECK_FALSE(c->filters.page_signals);
  CHECK_FALSE(c->filters.site_lists);
  REQUIRE(c->filters.actions.size() == 2);
  CHECK(c->filters.actions[0].category == "id.email");
  CHECK(c->filters.actions[0].action == "redact");
  CHECK(c->filters.actions[0].line == 6);
  CHECK(c->input.text_field == "content");
  CHECK(c->input.html_field == "html");
  CHECK(c->input.id_field == "id");

  auto bad = ParseConfig("[filters.actions]\n\"id.email\" = \"hide\"\n", "f.toml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("f.toml:2: key 'filters.actions.id.email' must be") == 0);
  auto not_string = ParseConfig("[filters.actions]\n\"id.email\" = 3\n", "f.toml");
  REQUIRE_FALSE(not_string.ok());
  CHECK(not_string.status().message().find("f.toml:2:") == 0);
  // The learned stage is on unless turned off.
  CHECK(ParseConfig("", "f.toml")->filters.learned);
  CHECK_FALSE(ParseConfig("[filters]\nlearned = false\n", "f.toml")->filters.learned);
  auto lang = ParseConfig("[filters]\nlearned = true\nuncovered_languages = \"drop\"\n", "f.toml");
  REQUIRE(lang.ok());
  CHECK(lang->filters.learned);
  CHECK(lang->filters.uncovered_languages == "drop");
  CHECK(ParseConfig("", "f.toml")->filters.uncovered_languages == "flag");
  auto bad_lang = ParseConfig("[filters]\nuncovered_languages = \"ignore\"\n", "f.toml");
  REQUIRE_FALSE(bad_lang.ok());
  CHECK(bad_lang.status().message() == "f.toml:2: key 'filters.uncovered_languages' must be \"flag\", \"drop\" or \"keep\"");
  auto not_table = ParseConfig("[filters]\nactions = \"drop\"\n", "f.toml");
  REQUIRE_FALSE(not_table.ok());
  CHECK(not_table.status().message().find("f.toml:2:") == 0);
}

TEST_CASE("Config: project files are relative to the config file", "[config]") {
  const std::string dir = "/tmp/moisson_config_test_" + std::to_string(::getpid());
  REQUIRE(std::system(("mkdir -p " + dir).c_str()) == 0);
  {
    std::ofstream f(dir + "/m.toml");
    f << "[project]\nkey = \"out/k.key\"\noptout_registry = \"/abs/reg.db\"\n";
  }
  auto c = LoadConfig(dir + "/m.toml");
  REQUIRE(c.ok());
  CHECK(c->project.key == dir + "/out/k.key");
  CHECK(c->project.optout_registry == "/abs/reg.db");
  CHECK(c->project.ledger == dir + "/moisson-ledger.sqlite");
  // A PostgreSQL ledger is a connection URI, not a file: left as written.
  {
    std::ofstream f(dir + "/pg.toml");
    f << "[project]\nledger = \"postgresql://moisson@db.example:5432/ledger\"\n";
  }
  auto pg = LoadConfig(dir + "/pg.toml");
  REQUIRE(pg.ok());
  CHECK(pg->project.ledger == "postgresql://moisson@db.example:5432/ledger");
  (void)std::system(("rm -rf " + dir).c_str());
}
