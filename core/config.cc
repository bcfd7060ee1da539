#include "core/config.h"

#include <filesystem>
#include <functional>
#include <map>
#include <set>

#include <toml++/toml.h>

#include "core/file_util.h"

namespace moisson {
namespace {

// One key the schema accepts: its TOML type and how to store it.
struct Field {
  const char* type_name;
  std::function<Status(const toml::node&, const std::string& where, Config*)> apply;
};

int LineOf(const toml::node& n) { return static_cast<int>(n.source().begin.line); }

Status WrongType(const std::string& file, const toml::node& n, const std::string& key,
                 const char* want) {
  return Status::AtLine(file, LineOf(n), "key '" + key + "' must be " + want);
}

Field StringField(std::function<void(Config*, std::string)> set) {
  return {"a string", [set](const toml::node& n, const std::string&, Config* c) {
            set(c, std::string(*n.value<std::string>()));
            return Status::Ok();
          }};
}

Field BoolField(bool HonouredSignals::*member) {
  return {"a boolean", [member](const toml::node& n, const std::string&, Config* c) {
            c->policy.honour.*member = *n.value<bool>();
            return Status::Ok();
          }};
}

Field FlagField(std::function<void(Config*, bool)> set) {
  return {"a boolean", [set](const toml::node& n, const std::string&, Config* c) {
            set(c, *n.value<bool>());
            return Status::Ok();
          }};
}

// [filters.actions]: free keys (category ids), each an action name.
Status ApplyActions(const toml::table& table, const std::string& file, Config* c) {
  static const std::set<std::string> kActions = {"drop", "redact", "pseudonymise", "flag", "keep"};
  for (const auto& [k, node] : table) {
    const int line = static_cast<int>(k.source().begin.line ? k.source().begin.line : node.source().begin.line);
    const std::string category(k.str());
    if (!node.is_string()) {
      return Status::AtLine(file, line, "key 'filters.actions." + category + "' must be a string");
    }
    const std::string action(*node.value<std::string>());
    if (!kActions.count(action)) {
      return Status::AtLine(file, line, "key 'filters.actions." + category +
                                            "' must be \"drop\", \"redact\", \"pseudonymise\", \"flag\" or \"keep\"");
    }
    c->filters.actions.push_back({category, action, line});
  }
  return Status::Ok();
}

Field StringArrayField(std::string key, std::function<void(Config*, std::vector<std::string>)> set) {
  return {"an array of strings", [key, set](const toml::node& n, const std::string& where, Config* c) {
            std::vector<std::string> v;
            for (const toml::node& e : *n.as_array()) {
              if (!e.is_string()) return Status::AtLine(where, LineOf(e), "key '" + key + "' must be " + "an array of strings");
              v.emplace_back(*e.value<std::string>());
            }
            set(c, std::move(v));
            return Status::Ok();
          }};
}

const std::map<std::string, Field>& Schema() {
  static const auto* schema = new std::map<std::string, Field>{
      {"controller.name", StringField([](Config* c, std::string v) { c->controller.name = std::move(v); })},
      {"controller.contact", StringField([](Config* c, std::string v) { c->controller.contact = std::move(v); })},
      {"controller.privacy_policy_url",
       StringField([](Config* c, std::string v) { c->controller.privacy_policy_url = std::move(v); })},
      {"crawler.product_token", StringField([](Config* c, std::string v) { c->crawler.product_token = std::move(v); })},
      {"crawler.user_agent", StringField([](Config* c, std::string v) { c->crawler.user_agent = std::move(v); })},
      {"policy.robots_mode", {"a string", [](const toml::node& n, const std::string& where, Config* c) {
                                const std::string v(*n.value<std::string>());
                                if (v == "google") c->policy.robots_mode = RobotsMode::kGoogle;
                                else if (v == "rfc") c->policy.robots_mode = RobotsMode::kRfc;
                                else return Status::AtLine(where, LineOf(n), "key 'policy.robots_mode' must be \"google\" or \"rfc\"");
                                return Status::Ok();
                              }}},
      {"policy.ai_agents", StringArrayField("policy.ai_agents", [](Config* c, std::vector<std::string> v) { c->policy.ai_agents = std::move(v); })},
      {"policy.extra_ai_agents",
       StringArrayField("policy.extra_ai_agents", [](Config* c, std::vector<std::string> v) { c->policy.extra_ai_agents = std::move(v); })},
      {"policy.ai_objection_blocks_collection",
       {"a boolean", [](const toml::node& n, const std::string&, Config* c) {
          c->policy.ai_objection_blocks_collection = *n.value<bool>();
          return Status::Ok();
        }}},
      {"blocklists.categories",
       StringArrayField("blocklists.categories", [](Config* c, std::vector<std::string> v) { c->blocklists.categories = std::move(v); })},
      {"blocklists.data_dir", StringField([](Config* c, std::string v) { c->blocklists.data_dir = std::move(v); })},
      {"blocklists.snapshot", StringField([](Config* c, std::string v) { c->blocklists.snapshot = std::move(v); })},
      {"optout.phone_region", {"a string", [](const toml::node& n, const std::string& where, Config* c) {
                                 const std::string v(*n.value<std::string>());
                                 if (v.size() != 2 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z') {
                                   return Status::AtLine(where, LineOf(n),
                                                         "key 'optout.phone_region' must be a two-letter region such as \"FR\"");
                                 }
                                 c->optout.phone_region = v;
                                 return Status::Ok();
                               }}},
      {"filters.dedup", FlagField([](Config* c, bool v) { c->filters.dedup = v; })},
      {"filters.page_signals", FlagField([](Config* c, bool v) { c->filters.page_signals = v; })},
      {"filters.site_lists", FlagField([](Config* c, bool v) { c->filters.site_lists = v; })},
      {"filters.data_dir", StringField([](Config* c, std::string v) { c->filters.data_dir = std::move(v); })},
      {"filters.learned", FlagField([](Config* c, bool v) { c->filters.learned = v; })},
      {"filters.uncovered_languages", {"a string", [](const toml::node& n, const std::string& where, Config* c) {
                                         const std::string v(*n.value<std::string>());
                                         if (v != "flag" && v != "drop" && v != "keep") {
                                           return Status::AtLine(where, LineOf(n), "key 'filters.uncovered_languages' must be \"flag\", \"drop\" or \"keep\"");
                                         }
                                         c->filters.uncovered_languages = v;
                                         return Status::Ok();
                                       }}},
      {"filters.model_dir", StringField([](Config* c, std::string v) { c->filters.model_dir = std::move(v); })},
      {"sites.store", StringField([](Config* c, std::string v) { c->sites.store = std::move(v); })},
      {"sites.unknown", {"a string", [](const toml::node& n, const std::string& where, Config* c) {
                           const std::string v(*n.value<std::string>());
                           if (v != "flag" && v != "drop" && v != "keep") {
                             return Status::AtLine(where, LineOf(n), "key 'sites.unknown' must be \"flag\", \"drop\" or \"keep\"");
                           }
                           c->sites.unknown = v;
                           return Status::Ok();
                         }}},
      {"input.text_field", StringField([](Config* c, std::string v) { c->input.text_field = std::move(v); })},
      {"input.id_field", StringField([](Config* c, std::string v) { c->input.id_field = std::move(v); })},
      {"input.url_field", StringField([](Config* c, std::string v) { c->input.url_field = std::move(v); })},
      {"input.date_field", StringField([](Config* c, std::string v) { c->input.date_field = std::move(v); })},
      {"input.lang_field", StringField([](Config* c, std::string v) { c->input.lang_field = std::move(v); })},
      {"input.html_field", StringField([](Config* c, std::string v) { c->input.html_field = std::move(v); })},
      {"input.metadata", FlagField([](Config* c, bool v) { c->input.metadata = v; })},
      {"input.metadata_fields",
       StringArrayField("input.metadata_fields", [](Config* c, std::vector<std::string> v) { c->input.metadata_fields = std::move(v); })},
      {"project.key", StringField([](Config* c, std::string v) { c->project.key = std::move(v); })},
      {"project.optout_registry", StringField([](Config* c, std::string v) { c->project.optout_registry = std::move(v); })},
      {"project.ledger", StringField([](Config* c, std::string v) { c->project.ledger = std::move(v); })},
      {"project.retention_days", {"a whole number of days", [](const toml::node& n, const std::string& where, Config* c) {
         const std::int64_t v = *n.value<std::int64_t>();
         if (v < 1 || v > 36500) {
           return Status::AtLine(where, LineOf(n), "key 'project.retention_days' must be between 1 and 36500");
         }
         c->project.retention_days = static_cast<int>(v);
         return Status::Ok();
       }}},
      {"policy.honour.ai_agents", BoolField(&HonouredSignals::ai_agents)},
      {"policy.honour.ai_txt", BoolField(&HonouredSignals::ai_txt)},
      {"policy.honour.tdmrep", BoolField(&HonouredSignals::tdmrep)},
      {"policy.honour.content_usage", BoolField(&HonouredSignals::content_usage)},
      {"policy.honour.content_signal", BoolField(&HonouredSignals::content_signal)},
      {"policy.honour.noai", BoolField(&HonouredSignals::noai)},
      {"policy.honour.noindex", BoolField(&HonouredSignals::noindex)},
  };
  return *schema;
}

bool IsTable(const std::string& prefix) {
  for (const auto& [key, field] : Schema()) {
    if (key.size() > prefix.size() && key.compare(0, prefix.size(), prefix) == 0 && key[prefix.size()] == '.') {
      return true;
    }
  }
  return false;
}

bool TypeMatches(const toml::node& n, const char* type_name) {
  const std::string t = type_name;
  if (t == "a string") return n.is_string();
  if (t == "a boolean") return n.is_boolean();
  if (t == "a whole number of days") return n.is_integer();
  if (t == "an array of strings") return n.is_array();
  return false;
}

Status Walk(const toml::table& table, const std::string& prefix, const std::string& file, Config* c) {
  for (const auto& [k, node] : table) {
    const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
    const int line = static_cast<int>(k.source().begin.line ? k.source().begin.line : node.source().begin.line);
    if (key == "filters.actions") {
      if (!node.is_table()) return Status::AtLine(file, line, "key 'filters.actions' must be a table");
      Status s = ApplyActions(*node.as_table(), file, c);
      if (!s.ok()) return s;
      continue;
    }
    if (node.is_table()) {
      if (!IsTable(key)) return Status::AtLine(file, line, "unknown table '" + key + "'");
      Status s = Walk(*node.as_table(), key, file, c);
      if (!s.ok()) return s;
      continue;
    }
    const auto it = Schema().find(key);
    if (it == Schema().end()) {
      if (IsTable(key)) return Status::AtLine(file, line, "key '" + key + "' must be a table");
      return Status::AtLine(file, line, "unknown key '" + key + "'");
    }
    if (!TypeMatches(node, it->second.type_name)) return WrongType(file, node, key, it->second.type_name);
    Status s = it->second.apply(node, file, c);
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

bool IsValidProductToken(std::string_view token) {
  if (token.empty()) return false;
  for (const char ch : token) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '-' || ch == '_';
    if (!ok) return false;
  }
  return true;
}

Result<Config> ParseConfig(std::string_view toml_text, const std::string& source_name) {
  Config c;
  c.source = source_name;
  toml::table root;
  try {
    root = toml::parse(toml_text, source_name);
  } catch (const toml::parse_error& e) {
    return Status::AtLine(source_name, static_cast<int>(e.source().begin.line),
                          "TOML syntax error: " + std::string(e.description()));
  }
  Status s = Walk(root, "", source_name, &c);
  if (!s.ok()) return s;
  if (!IsValidProductToken(c.crawler.product_token)) {
    const auto* n = root.at_path("crawler.product_token").node();
    return Status::AtLine(source_name, n ? LineOf(*n) : 0,
                          "crawler.product_token must contain only letters, '-' and '_' (RFC 9309 2.2.1)");
  }
  if (c.crawler.user_agent.find(c.crawler.product_token) == std::string::npos) {
    const auto* n = root.at_path("crawler.user_agent").node();
    return Status::AtLine(source_name, n ? LineOf(*n) : 0,
                          "crawler.user_agent must contain the product token '" + c.crawler.product_token +
                              "' (RFC 9309 2.2.1)");
  }
  auto check_agents = [&](const std::vector<std::string>& v, const char* key) -> Status {
    for (const auto& a : v) {
      if (a.empty() || a.find_first_of("\r\n\t") != std::string::npos) {
        const auto* n = root.at_path(key).node();
        return Status::AtLine(source_name, n ? LineOf(*n) : 0, std::string(key) + " holds an empty or multi-line name");
      }
    }
    return Status::Ok();
  };
  if (c.policy.ai_agents) {
    if (Status st = check_agents(*c.policy.ai_agents, "policy.ai_agents"); !st.ok()) return st;
  }
  if (Status st = check_agents(c.policy.extra_ai_agents, "policy.extra_ai_agents"); !st.ok()) return st;
  return c;
}

Result<Config> LoadConfig(const std::string& path) {
  auto text = ReadFileToString(path, 1u << 20);
  if (!text.ok()) return text.status();
  Result<Config> c = ParseConfig(text.value(), path);
  if (!c.ok()) return c;
  // Project files named in the config are relative to the config file, so a
  // project folder works from any current directory.
  const std::filesystem::path dir = std::filesystem::path(path).parent_path();
  for (std::string* p : {&c->project.key, &c->project.optout_registry, &c->project.ledger, &c->filters.data_dir,
                         &c->filters.model_dir, &c->blocklists.data_dir, &c->blocklists.snapshot, &c->sites.store}) {
    // A PostgreSQL ledger (audit::Ledger::IsPostgresName; core cannot see
    // audit/) is a connection URI, not a file.
    if (p->starts_with("postgresql://") || p->starts_with("postgres://")) continue;
    if (!p->empty() && std::filesystem::path(*p).is_relative() && !dir.empty()) *p = (dir / *p).string();
  }
  return c;
}

}  // namespace moisson
