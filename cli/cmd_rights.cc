// moisson rights find: which records hold a person's identifier, or come
// from their pages (CNIL fiche 10; docs/rights.md). The identifier is hashed
// with the project key and looked up by digest: the ledger never held it, and
// this command never prints it.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>

#include "audit/ledger.h"
#include "cli/commands.h"
#include "cli/ledger_reports.h"
#include "core/keyed_hash.h"
#include "pipeline/processor.h"

namespace moisson::cli {
namespace {

struct RightsOptions {
  const GlobalOptions* global = nullptr;
  std::string email, phone, handle, ip, nir, url_prefix;
  std::string key, ledger;
  bool json = false;
};

int Fail(const std::string& msg, int code) {
  std::cerr << "moisson rights find: " << msg << "\n";
  return code;
}

int Find(const RightsOptions& o) {
  Config config;
  if (!LoadConfigOrReport(*o.global, &config)) return kExitUsage;
  std::string type, value;
  int given = 0;
  for (const auto& [t, v] : {std::pair<const char*, const std::string*>{"email", &o.email}, {"phone", &o.phone},
                             {"handle", &o.handle}, {"ip", &o.ip}, {"nir", &o.nir}, {"url-prefix", &o.url_prefix}}) {
    if (v->empty()) continue;
    ++given;
    type = t;
    value = *v;
  }
  if (given != 1) {
    return Fail("give exactly one of --email, --phone, --handle, --ip, --nir, --url-prefix", kExitUsage);
  }
  const std::string ledger_path = !o.ledger.empty() ? o.ledger : config.project.ledger;
  auto ledger = OpenExistingLedger(ledger_path);
  if (!ledger.ok()) return Fail(ledger.status().message(), LedgerOpenExitCode(ledger.status()));
  Result<std::vector<audit::IdentifierHit>> hits = std::vector<audit::IdentifierHit>();
  if (type == "url-prefix") {
    hits = (*ledger)->FindUrlPrefix(value);
  } else {
    const std::string key_path = !o.key.empty() ? o.key : config.project.key;
    if (key_path.empty()) return Fail("the project key is needed to look an identifier up (--key or [project] key)", kExitUsage);
    auto key = ProjectKey::Load(key_path);
    if (!key.ok()) return Fail(key.status().message(), kExitUsage);
    auto digest = pipeline::IdentifierDigest(key.value(), type, value, config.optout.phone_region);
    if (!digest.ok()) return Fail("--" + type + ": " + digest.status().message(), kExitUsage);
    hits = (*ledger)->FindIdentifier(digest.value());
  }
  if (!hits.ok()) return Fail(hits.status().message(), kExitFailed);
  for (const auto& h : hits.value()) {
    if (o.json) {
      std::cout << HitJson(h) << "\n";
    } else {
      std::cout << h.row << "\t" << h.considered_at << "\t" << h.decision << "\t" << h.url << "\t"
                << (h.output_file.empty() ? "-" : h.output_file + "#" + h.output_id) << "\n";
    }
  }
  if (!o.json) {
    std::cerr << hits->size() << " record" << (hits->size() == 1 ? "" : "s") << " in " << ledger_path << "\n";
  }
  return kExitOk;
}

}  // namespace

void AddRightsCommands(CLI::App* app, const GlobalOptions* global, Runner* run) {
  auto o = std::make_shared<RightsOptions>();
  o->global = global;
  CLI::App* rights = app->add_subcommand("rights", "Answer a person's rights requests from the ledger (docs/rights.md)");
  rights->require_subcommand(1);
  CLI::App* f = rights->add_subcommand(
      "find", "List the records that held an identifier or come from a URL prefix: row, time, decision, URL, output");
  f->add_option("--email", o->email, "an e-mail address");
  f->add_option("--phone", o->phone, "a phone number (national numbers read with [optout] phone_region)");
  f->add_option("--handle", o->handle, "a handle: platform:name, @name or a profile URL (any platform matches)");
  f->add_option("--ip", o->ip, "an IPv4 or IPv6 address");
  f->add_option("--nir", o->nir, "a French social-security number");
  f->add_option("--url-prefix", o->url_prefix, "records whose URL starts with this");
  f->add_option("--key", o->key, "project key file (default: [project] key)");
  f->add_option("--ledger", o->ledger, "provenance ledger (default: [project] ledger)");
  f->add_flag("--json", o->json, "one JSON object per record");
  f->callback([o, run] { *run = [o] { return Find(*o); }; });
}

}  // namespace moisson::cli
