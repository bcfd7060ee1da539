// moisson optout init | add | remove | list | check | import
//
// Never prints an identifier: messages name the type, the entry number and
// the request reference only.
#include <iostream>
#include <memory>

#include <unistd.h>

#include "blocklists/optout.h"
#include "cli/commands.h"
#include "core/file_util.h"

namespace moisson::cli {
namespace {

using blocklists::OptOutRegistry;
using blocklists::OptOutType;

struct Target {
  std::string email, phone, handle, name, site, url_prefix, site_owner;
};

struct Common {
  std::string registry;
  std::string key;
  std::string region;  // "" : optout.phone_region from the config
  std::string ref;
  const GlobalOptions* global = nullptr;
};

void AddCommon(CLI::App* c, Common* o) {
  c->add_option("--registry", o->registry,
                "the opt-out registry (SQLite, mode 0600; created by init, add and import; default: [project] optout_registry)");
  c->add_option("--key", o->key, "the project key file (moisson keygen; default: [project] key)")
      ->check(CLI::ExistingFile);
  c->add_option("--region", o->region, "region for national phone numbers (default: optout.phone_region, FR)");
}

void AddTarget(CLI::App* c, Target* t, bool site_owner) {
  auto* g = c->add_option_group("identifier", "exactly one of");
  g->add_option("--email", t->email, "an e-mail address");
  g->add_option("--phone", t->phone, "a phone number (E.164 or national)");
  g->add_option("--handle", t->handle, "platform:name, e.g. mastodon:@jdupont");
  g->add_option("--name", t->name, "a full name (needs --site)");
  g->add_option("--url-prefix", t->url_prefix, "a URL prefix, e.g. a profile page");
  if (site_owner) g->add_option("--site-owner", t->site_owner, "a site owner's domain or URL prefix (kept in clear)");
  g->require_option(1);
  c->add_option("--site", t->site, "the site a --name opt-out applies to");
}

// Which identifier was given: type and value (site-owner: nullopt type).
std::pair<std::optional<OptOutType>, std::string> Pick(const Target& t) {
  if (!t.email.empty()) return {OptOutType::kEmail, t.email};
  if (!t.phone.empty()) return {OptOutType::kPhone, t.phone};
  if (!t.handle.empty()) return {OptOutType::kHandle, t.handle};
  if (!t.name.empty()) return {OptOutType::kName, t.name};
  if (!t.url_prefix.empty()) return {OptOutType::kUrlPrefix, t.url_prefix};
  return {std::nullopt, t.site_owner};
}

// How a command treats a registry that does not exist yet: create it,
// refuse (a typo must not read as an empty registry), or create it and
// refuse one that exists (init).
enum class Missing { kCreate, kRefuse, kInit };

std::optional<OptOutRegistry> Open(Common& o, const char* cmd, Missing missing = Missing::kRefuse) {
  Config config;
  if (!LoadConfigOrReport(*o.global, &config)) return std::nullopt;
  if (o.region.empty()) o.region = config.optout.phone_region;
  if (o.registry.empty()) o.registry = config.project.optout_registry;
  if (o.key.empty()) o.key = config.project.key;
  if (o.registry.empty() || o.key.empty()) {
    std::cerr << "moisson " << cmd << ": give --registry and --key, or set [project] optout_registry and key\n";
    return std::nullopt;
  }
  auto key = ProjectKey::Load(o.key);
  if (!key.ok()) {
    std::cerr << "moisson " << cmd << ": " << key.status().message() << "\n";
    return std::nullopt;
  }
  // A registry named with a typo must not read as an empty one ("not
  // registered", no entries): only init, add and import create one.
  const bool existed = ::access(o.registry.c_str(), F_OK) == 0;
  if (existed && missing == Missing::kInit) {
    std::cerr << "moisson " << cmd << ": " << o.registry << ": already exists (nothing changed)\n";
    return std::nullopt;
  }
  if (!existed && missing == Missing::kRefuse) {
    std::cerr << "moisson " << cmd << ": " << o.registry << ": no opt-out registry there (create one with: moisson "
              << "optout init --registry " << o.registry << ")\n";
    return std::nullopt;
  }
  auto r = OptOutRegistry::Open(o.registry, key.value());
  if (!r.ok()) {
    std::cerr << "moisson " << cmd << ": " << r.status().message() << "\n";
    return std::nullopt;
  }
  if (!existed) std::cerr << "moisson " << cmd << ": created the opt-out registry " << o.registry << "\n";
  if (r->foreign_key_entries() > 0) {
    std::cerr << "moisson " << cmd << ": warning: " << r->foreign_key_entries()
              << " entries were hashed with another key and are not matched (see docs/blocklists.md, key rotation)\n";
  }
  return std::move(r.value());
}

int RunAdd(Common& o, const Target& t) {
  auto r = Open(o, "optout add", Missing::kCreate);
  if (!r) return kExitUsage;
  const auto [type, value] = Pick(t);
  auto entry = type ? r->Add(*type, value, t.site, o.ref, o.region) : r->AddSiteOwner(value, o.ref);
  if (!entry.ok()) {
    std::cerr << "moisson optout add: " << entry.status().message() << "\n";
    return entry.status().code() == Status::Code::kInvalidArgument ? kExitUsage : kExitFailed;
  }
  std::cout << "registered " << (type ? blocklists::OptOutTypeName(*type) : "site-owner") << " opt-out as entry "
            << entry.value() << "\n";
  return kExitOk;
}

int RunRemove(Common& o, const Target& t) {
  auto r = Open(o, "optout remove");
  if (!r) return kExitUsage;
  const auto [type, value] = Pick(t);
  auto n = type ? r->Remove(*type, value, t.site, o.region) : r->RemoveSiteOwner(value);
  if (!n.ok()) {
    std::cerr << "moisson optout remove: " << n.status().message() << "\n";
    return kExitUsage;
  }
  std::cout << (n.value() ? "removed " + std::to_string(n.value()) + " stored form(s)\n" : "not registered\n");
  return n.value() ? kExitOk : kExitFailed;
}

int RunCheck(Common& o, const Target& t) {
  auto r = Open(o, "optout check");
  if (!r) return kExitUsage;
  const auto [type, value] = Pick(t);
  Result<bool> found = type ? r->Check(*type, value, t.site, o.region) : Result<bool>(r->MatchesUrl(value));
  if (!found.ok()) {
    std::cerr << "moisson optout check: " << found.status().message() << "\n";
    return kExitUsage;
  }
  std::cout << (found.value() ? "registered\n" : "not registered\n");
  return found.value() ? kExitFailed : kExitOk;
}

int RunInit(Common& o) {
  auto r = Open(o, "optout init", Missing::kInit);
  return r ? kExitOk : kExitUsage;
}

int RunList(Common& o) {
  auto r = Open(o, "optout list");
  if (!r) return kExitUsage;
  auto list = r->List();
  if (!list.ok()) {
    std::cerr << "moisson optout list: " << list.status().message() << "\n";
    return kExitFailed;
  }
  std::cout << "entry\ttype\tscope\tcreated_at\tref\tkey_id\thash\tforms\n";
  for (const auto& l : list.value()) {
    std::cout << l.entry << "\t" << l.type << "\t" << l.scope << "\t" << l.created_at << "\t" << l.ref << "\t"
              << l.key_id << "\t" << l.hash_prefix << "\t" << l.forms << "\n";
  }
  return kExitOk;
}

// CSV: type,value[,scope[,ref]] with type one of email, phone, handle, name,
// url-prefix, site-owner. No quoting: values with commas are refused.
int RunImport(Common& o, const std::string& csv) {
  auto r = Open(o, "optout import", Missing::kCreate);
  if (!r) return kExitUsage;
  auto text = ReadFileToString(csv);
  if (!text.ok()) {
    std::cerr << "moisson optout import: " << text.status().message() << "\n";
    return kExitUsage;
  }
  std::size_t line_no = 0, added = 0, failed = 0;
  std::size_t pos = 0;
  const std::string& s = text.value();
  while (pos < s.size()) {
    std::size_t eol = s.find('\n', pos);
    if (eol == std::string::npos) eol = s.size();
    std::string line = s.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#' || (line_no == 1 && line.rfind("type,", 0) == 0)) continue;
    std::vector<std::string> f;
    for (std::size_t a = 0;;) {
      const std::size_t c = line.find(',', a);
      f.push_back(line.substr(a, c == std::string::npos ? std::string::npos : c - a));
      if (c == std::string::npos) break;
      a = c + 1;
    }
    std::cout << csv << ":" << line_no << ": ";
    if (f.size() < 2 || f.size() > 4) {
      std::cout << "error: expected type,value[,scope[,ref]]\n";
      ++failed;
      continue;
    }
    const std::string scope = f.size() > 2 ? f[2] : "", ref = f.size() > 3 ? f[3] : "";
    Result<std::int64_t> entry = std::int64_t{0};
    if (f[0] == "site-owner") {
      entry = r->AddSiteOwner(f[1], ref);
    } else if (auto type = blocklists::ParseOptOutType(f[0])) {
      entry = r->Add(*type, f[1], scope, ref, o.region);
    } else {
      std::cout << "error: unknown type (email, phone, handle, name, url-prefix, site-owner)\n";
      ++failed;
      continue;
    }
    if (!entry.ok()) {
      std::cout << "error: " << entry.status().message() << "\n";
      ++failed;
    } else {
      std::cout << "entry " << entry.value() << "\n";
      ++added;
    }
  }
  std::cout << csv << ": " << added << " registered, " << failed << " refused\n";
  return failed ? kExitFailed : kExitOk;
}

}  // namespace

void AddOptoutCommands(CLI::App* app, const GlobalOptions* global, Runner* run) {
  CLI::App* opt = app->add_subcommand("optout", "The person opt-out registry (liste repoussoir) and site-owner opt-outs");
  opt->require_subcommand(1);
  struct Both {
    Common common;
    Target target;
  };
  auto add = std::make_shared<Both>();
  add->common.global = global;
  CLI::App* a = opt->add_subcommand("add", "Register an opt-out (stored as a keyed hash; site owners in clear)");
  AddCommon(a, &add->common);
  AddTarget(a, &add->target, true);
  a->add_option("--ref", add->common.ref, "the request reference, kept with the entry");
  a->callback([run, add] { *run = [add] { return RunAdd(add->common, add->target); }; });

  auto rm = std::make_shared<Both>();
  rm->common.global = global;
  CLI::App* r = opt->add_subcommand("remove", "Remove the entry holding this identifier (exit 1 if none)");
  AddCommon(r, &rm->common);
  AddTarget(r, &rm->target, true);
  r->callback([run, rm] { *run = [rm] { return RunRemove(rm->common, rm->target); }; });

  auto chk = std::make_shared<Both>();
  chk->common.global = global;
  CLI::App* c = opt->add_subcommand("check", "Is this identifier registered? Exit 1 if it is, 0 if not");
  AddCommon(c, &chk->common);
  AddTarget(c, &chk->target, true);
  c->callback([run, chk] { *run = [chk] { return RunCheck(chk->common, chk->target); }; });

  auto init = std::make_shared<Common>();
  init->global = global;
  CLI::App* in = opt->add_subcommand("init", "Create an empty registry (mode 0600); the other commands but add and import "
                                             "refuse a registry that does not exist");
  AddCommon(in, init.get());
  in->callback([run, init] { *run = [init] { return RunInit(*init); }; });

  auto ls = std::make_shared<Common>();
  ls->global = global;
  CLI::App* l = opt->add_subcommand("list", "List entries: type, scope, date, ref, key id, hash prefix (never values)");
  AddCommon(l, ls.get());
  l->callback([run, ls] { *run = [ls] { return RunList(*ls); }; });

  auto imp = std::make_shared<Common>();
  imp->global = global;
  auto csv = std::make_shared<std::string>();
  CLI::App* i = opt->add_subcommand("import", "Register every line of a CSV file (type,value[,scope[,ref]]); "
                                              "a per-line report, exit 1 if any line was refused");
  AddCommon(i, imp.get());
  i->add_option("file", *csv, "CSV file")->required()->check(CLI::ExistingFile);
  i->callback([run, imp, csv] { *run = [imp, csv] { return RunImport(*imp, *csv); }; });
}

}  // namespace moisson::cli
