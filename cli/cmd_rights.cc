// moisson rights find | export | erase: a person's rights requests answered
// from the ledger (CNIL fiche 10; docs/rights.md). The identifier is hashed
// with the project key and looked up by digest: the ledger never held it, and
// these commands never print it, not even in a receipt or an error.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <unordered_set>

#include "audit/ledger.h"
#include "blocklists/optout.h"
#include "cli/commands.h"
#include "report/facts.h"
#include "core/json.h"
#include "core/keyed_hash.h"
#include "core/time_util.h"
#include "io/jsonl_records.h"
#include "io/record.h"
#include "pipeline/identifiers.h"
#include "rights/outputs.h"

namespace moisson::cli {
namespace {

struct RightsOptions {
  const GlobalOptions* global = nullptr;
  std::string email, phone, handle, ip, nir, url_prefix;
  std::string key, ledger, registry, root, output, ref;
  bool json = false;
};

// Who the request is about: the type given, the ledger rows found, and the
// subject's keyed digest (what the ledger's request record keeps).
struct Subject {
  std::string type;   // "email", ..., "url-prefix"
  std::string value;  // the clear value: used to hash, never printed
  std::string digest;
  std::vector<audit::IdentifierHit> hits;
};

class Command {
 public:
  Command(const char* name, const RightsOptions& o) : name_(name), o_(o) {}

  int Fail(const std::string& msg, int code) const {
    std::cerr << "moisson rights " << name_ << ": " << msg << "\n";
    return code;
  }

  // Loads config, key and ledger and finds the subject's rows; returns an
  // exit code on failure.
  std::optional<int> Prepare(bool need_key) {
    if (!LoadConfigOrReport(*o_.global, &config_)) return kExitUsage;
    int given = 0;
    for (const auto& [t, v] : {std::pair<const char*, const std::string*>{"email", &o_.email}, {"phone", &o_.phone},
                               {"handle", &o_.handle}, {"ip", &o_.ip}, {"nir", &o_.nir},
                               {"url-prefix", &o_.url_prefix}}) {
      if (v->empty()) continue;
      ++given;
      subject_.type = t;
      subject_.value = *v;
    }
    if (given != 1) {
      return Fail("give exactly one of --email, --phone, --handle, --ip, --nir, --url-prefix", kExitUsage);
    }
    ledger_path_ = !o_.ledger.empty() ? o_.ledger : config_.project.ledger;
    auto ledger = report::OpenExistingLedger(ledger_path_);
    if (!ledger.ok()) return Fail(ledger.status().message(), LedgerOpenExitCode(ledger.status()));
    ledger_ = std::move(ledger).value();
    if (need_key || subject_.type != "url-prefix") {
      const std::string key_path = !o_.key.empty() ? o_.key : config_.project.key;
      if (key_path.empty()) {
        return Fail("the project key is needed to hash the identifier (--key or [project] key)", kExitUsage);
      }
      auto key = ProjectKey::Load(key_path);
      if (!key.ok()) return Fail(key.status().message(), kExitUsage);
      key_.emplace(std::move(key).value());
    }
    Result<std::vector<audit::IdentifierHit>> hits = std::vector<audit::IdentifierHit>();
    if (subject_.type == "url-prefix") {
      hits = ledger_->FindUrlPrefix(subject_.value);
      if (key_) {
        using blocklists::OptOutType;
        auto forms = blocklists::NormaliseIdentifier(OptOutType::kUrlPrefix, subject_.value, "");
        subject_.digest = HexPrefix(forms.ok() && !forms->empty()
                                        ? blocklists::OptOutDigest(*key_, OptOutType::kUrlPrefix, forms->front())
                                        : key_->Hmac("url-prefix" + std::string(1, '\0') + subject_.value));
      }
    } else {
      auto digest = pipeline::IdentifierDigest(*key_, subject_.type, subject_.value, config_.optout.phone_region);
      if (!digest.ok()) return Fail("--" + subject_.type + ": " + digest.status().message(), kExitUsage);
      subject_.digest = digest.value();
      hits = ledger_->FindIdentifier(subject_.digest);
    }
    if (!hits.ok()) return Fail(hits.status().message(), kExitFailed);
    subject_.hits = std::move(hits).value();
    if (auto n = report::ForgetUncommittedOutputs(*ledger_, &subject_.hits); !n.ok()) {
      return Fail(n.status().message(), kExitFailed);
    }
    return std::nullopt;
  }

  // The request's reference: --ref, or one made from the time and the
  // subject's digest (never the identifier).
  std::string Ref(const char* kind) const {
    if (!o_.ref.empty()) return o_.ref;
    std::string t = UtcNowIso8601();
    std::erase_if(t, [](char c) { return c == '-' || c == ':'; });
    return std::string(kind) + "-" + t + "-" + subject_.digest.substr(0, 8);
  }

  audit::RightsRequest Request(const char* kind, const std::string& ref) const {
    audit::RightsRequest r;
    r.ref = ref;
    r.kind = kind;
    r.subject_type = subject_.type;
    r.subject_digest = subject_.digest;
    for (const auto& h : subject_.hits) r.rows.push_back(h.row);
    return r;
  }

  const char* name_;
  const RightsOptions& o_;
  rights::OutputLocator where_{o_.root};
  Config config_;
  std::string ledger_path_;
  std::unique_ptr<audit::Ledger> ledger_;
  std::optional<ProjectKey> key_;
  Subject subject_;
};

int Find(const RightsOptions& o) {
  Command c("find", o);
  if (auto code = c.Prepare(false)) return *code;
  for (const auto& h : c.subject_.hits) {
    if (o.json) {
      std::cout << report::HitJson(h) << "\n";
    } else {
      std::cout << h.row << "\t" << h.considered_at << "\t" << h.decision << "\t" << h.url << "\t"
                << (!h.erased_at.empty()       ? "erased " + h.erased_at
                    : h.output_file.empty()    ? std::string("-")
                                               : h.output_file + "#" + h.output_id)
                << "\n";
    }
  }
  if (!o.json) {
    const std::size_t n = c.subject_.hits.size();
    std::cerr << n << " record" << (n == 1 ? "" : "s") << " in " << audit::Ledger::DisplayName(c.ledger_path_) << "\n";
  }
  return kExitOk;
}

int Export(const RightsOptions& o) {
  Command c("export", o);
  if (auto code = c.Prepare(true)) return *code;
  const std::string ref = c.Ref("export");
  if (Status st = c.ledger_->RecordRequest(c.Request("export", ref)); !st.ok()) {
    return c.Fail(st.message(), kExitFailed);
  }
  // The records themselves, read from the outputs the ledger names.
  std::map<std::int64_t, std::string> records;  // ledger row -> output line
  std::vector<std::string> missing;
  for (const auto& entry : c.where_.RowsByOutput(c.subject_.hits)) {
    const std::string& file = entry.first;
    const auto& ids = entry.second;  // (a structured binding cannot be captured by a lambda in C++20)
    if (access(file.c_str(), F_OK) != 0) {
      missing.push_back(file);
      continue;
    }
    // The person's records only: the id and the text digest the ledger recorded.
    const io::RecordSelection selection = rights::Selection(ids);
    Status st = io::ForEachJsonlRecord(file, [&](std::string_view line, const io::RecordKey& key) {
      if (selection.Classify(key) == io::RecordSelection::Match::kMatch) {
        const auto it = ids.find(key.id);
        records[it->second->row] = std::string(line);
      }
      return Status::Ok();
    });
    if (!st.ok()) return c.Fail(st.message(), kExitFailed);
  }
  // Written 0600 (it is the person's data) to a temporary name, then renamed.
  auto w = io::JsonlWriter::Create(o.output, 3, 0600);
  if (!w.ok()) return c.Fail(w.status().message(), kExitFailed);
  std::size_t with_record = 0;
  for (const auto& h : c.subject_.hits) {
    const auto it = records.find(h.row);
    const char* status = it != records.end()          ? "found"
                         : !h.erased_at.empty()       ? "erased"
                         : h.output_file.empty()      ? "not-written"
                                                      : "not-found";
    JsonWriter q;
    q.String(ref);
    std::string line = "{\"request\":" + q.Take() + ",\"ledger\":" + report::HitJson(h) +
                       ",\"record_status\":\"" + status + "\",\"record\":" +
                       (it != records.end() ? it->second : std::string("null")) + "}";
    with_record += it != records.end();
    if (Status st = (*w)->Write(line); !st.ok()) return c.Fail(st.message(), kExitFailed);
  }
  if (Status st = (*w)->Commit(); !st.ok()) return c.Fail(st.message(), kExitFailed);
  if (Status st = c.ledger_->CompleteRequest(ref, ""); !st.ok()) return c.Fail(st.message(), kExitFailed);
  std::cout << "request " << ref << ": " << c.subject_.hits.size() << " ledger record"
            << (c.subject_.hits.size() == 1 ? "" : "s") << ", " << with_record << " with their output record, written to "
            << o.output << "\n";
  for (const auto& f : missing) std::cout << "output file not found (its records are listed without text): " << f << "\n";
  return kExitOk;
}

int Erase(const RightsOptions& o) {
  Command c("erase", o);
  if (auto code = c.Prepare(true)) return *code;
  const std::string registry_path = !o.registry.empty() ? o.registry : c.config_.project.optout_registry;
  const bool registrable = c.subject_.type != "ip" && c.subject_.type != "nir";
  if (registrable && registry_path.empty()) {
    return c.Fail("an erase adds the person to the opt-out registry: name it (--registry or [project] "
                  "optout_registry)",
                  kExitUsage);
  }
  const std::string ref = c.Ref("erase");
  // 1. The request is on record before anything is removed: an interrupted
  //    erase shows as a request not completed, and running it again finishes it.
  auto prior = c.ledger_->FindRequest(ref);
  if (!prior.ok()) return c.Fail(prior.status().message(), kExitFailed);
  if (Status st = c.ledger_->RecordRequest(c.Request("erase", ref)); !st.ok()) return c.Fail(st.message(), kExitFailed);
  // 2. Future runs drop the person.
  std::string registry_note;
  if (registrable) {
    auto reg = blocklists::OptOutRegistry::Open(registry_path, *c.key_);
    if (!reg.ok()) return c.Fail(reg.status().message(), kExitFailed);
    auto type = blocklists::ParseOptOutType(c.subject_.type);
    auto entry = reg->Add(*type, c.subject_.value, "", ref, c.config_.optout.phone_region);
    if (!entry.ok()) return c.Fail("opt-out registry: " + entry.status().message(), kExitFailed);
    registry_note = "entry " + std::to_string(*entry) + " in " + registry_path;
  } else {
    registry_note = "not applicable (the registry holds e-mail addresses, phones, handles, names and URL prefixes; "
                    "the filters' " + c.subject_.type + " action applies to future runs)";
  }
  // 3. Every output that holds one of the records — the JSONL outputs, and
  //    the WARC files of a `crawl --warc` beside them (by URL) — rewritten
  //    aside and renamed: each file is the old one or the new one, never half
  //    of one (rights/outputs.h). A WARC file a crawl may still append to
  //    cannot be rewritten safely: the request then stays open until that
  //    crawl is finished or abandoned.
  auto report = rights::RemoveFromOutputs(c.subject_.hits, c.where_, {});
  if (!report.ok()) {
    return c.Fail(report.status().message() + " (request " + ref + " stays open: run the erase again)", kExitFailed);
  }
  if (!report->still_written.empty()) {
    for (const auto& f : report->still_written) std::cerr << "moisson rights erase: a crawl is still writing " << f << "\n";
    return c.Fail("request " + ref + " stays open: finish (crawl --resume) or abandon the crawl that writes these WARC "
                  "files, then run the erase again",
                  kExitFailed);
  }
  if (!report->missing.empty()) {
    for (const auto& f : report->missing) std::cerr << "moisson rights erase: output file not found: " << f << "\n";
    return c.Fail("request " + ref + " stays open: point --root at the outputs (or restore them) and run the erase again",
                  kExitFailed);
  }
  const std::uint64_t removed = report->removed, other_content = report->other_content;
  const std::uint64_t warc_removed = report->warc_removed;
  std::vector<std::pair<std::string, std::uint64_t>> per_file, per_warc;
  for (const auto& f : report->outputs) per_file.emplace_back(f.file, f.removed);
  for (const auto& f : report->warcs) {
    if (f.removed > 0) per_warc.emplace_back(f.file, f.removed);
  }
  // 4. Done: the rows now read as erased.
  if (Status st = c.ledger_->CompleteRequest(ref, ""); !st.ok()) return c.Fail(st.message(), kExitFailed);
  auto done = c.ledger_->FindRequest(ref);
  if (!done.ok() || !done->has_value()) return c.Fail("request " + ref + " vanished from the ledger", kExitFailed);
  std::size_t dropped = 0;
  std::set<std::string> dumps;
  for (const auto& h : c.subject_.hits) {
    dropped += h.output_file.empty();
    if (!h.source_file.empty()) dumps.insert(h.source_file);
  }
  if (o.json) {
    JsonWriter w;
    w.BeginObject()
        .Key("request").String(ref)
        .Key("kind").String("erase")
        .Key("subject_type").String(c.subject_.type)
        .Key("received_at").String((*done)->received_at)
        .Key("completed_at").String((*done)->completed_at)
        .Key("retried").Bool(prior->has_value())
        .Key("ledger_records").Int(static_cast<std::int64_t>(c.subject_.hits.size()))
        .Key("never_written").Int(static_cast<std::int64_t>(dropped))
        .Key("removed_from_outputs").Int(static_cast<std::int64_t>(removed))
        .Key("left_other_records").Int(static_cast<std::int64_t>(other_content))
        .Key("outputs").BeginArray();
    for (const auto& [file, n] : per_file) w.BeginObject().Key("file").String(file).Key("removed").Int(static_cast<std::int64_t>(n)).EndObject();
    w.EndArray().Key("warc_records_removed").Int(static_cast<std::int64_t>(warc_removed)).Key("warc_files").BeginArray();
    for (const auto& [file, n] : per_warc) w.BeginObject().Key("file").String(file).Key("removed").Int(static_cast<std::int64_t>(n)).EndObject();
    w.EndArray().Key("optout").String(registry_note).Key("source_dumps").BeginArray();
    for (const auto& d : dumps) w.String(d);
    w.EndArray().EndObject();
    std::cout << w.Take() << "\n";
    return kExitOk;
  }
  std::cout << "Erasure receipt\n"
            << "  request:        " << ref << (prior->has_value() ? " (run again: nothing left to remove is not an error)" : "") << "\n"
            << "  subject:        one " << c.subject_.type << " (hashed with key " << c.key_->id() << "; never stored in clear)\n"
            << "  received:       " << (*done)->received_at << "\n"
            << "  completed:      " << (*done)->completed_at << "\n"
            << "  ledger records: " << c.subject_.hits.size() << " (" << dropped << " never written to an output)\n"
            << "  removed now:    " << removed << " output record" << (removed == 1 ? "" : "s") << " from "
            << per_file.size() << " file" << (per_file.size() == 1 ? "" : "s") << "\n";
  for (const auto& [file, n] : per_file) std::cout << "    " << file << ": " << n << "\n";
  if (other_content > 0) {
    std::cout << "  left in place:  " << other_content << " output record" << (other_content == 1 ? "" : "s")
              << " under one of these ids but with another text (not this person's: records are matched by id and "
                 "text digest, never by id alone)\n";
  }
  if (!report->warcs.empty()) {
    const std::size_t warcs = report->warcs.size();
    std::cout << "  WARC:           " << warc_removed << " WARC record" << (warc_removed == 1 ? "" : "s")
              << " (request and response of each crawled page) from " << per_warc.size() << " of " << warcs
              << " WARC file" << (warcs == 1 ? "" : "s") << " of the crawl\n";
    for (const auto& [file, n] : per_warc) std::cout << "    " << file << ": " << n << "\n";
  }
  std::cout << "  opt-out:        " << registry_note << "\n"
            << "  ledger:         the request and its rows are recorded in " << audit::Ledger::DisplayName(c.ledger_path_)
            << "; the rows stay, marked erased, as proof of what was done\n";
  if (!dumps.empty()) {
    std::cout << "  source dumps:   " << dumps.size()
              << " input dump file(s) held these records before filtering and are not modified by moisson:\n";
    for (const auto& d : dumps) std::cout << "    " << d << "\n";
  }
  return kExitOk;
}

void AddSubjectOptions(CLI::App* c, RightsOptions* o) {
  c->add_option("--email", o->email, "an e-mail address");
  c->add_option("--phone", o->phone, "a phone number (national numbers read with [optout] phone_region)");
  c->add_option("--handle", o->handle, "a handle: platform:name, @name or a profile URL (any platform matches)");
  c->add_option("--ip", o->ip, "an IPv4 or IPv6 address");
  c->add_option("--nir", o->nir, "a French social-security number");
  c->add_option("--url-prefix", o->url_prefix, "records whose URL starts with this");
  c->add_option("--key", o->key, "project key file (default: [project] key)");
  c->add_option("--ledger", o->ledger, "provenance ledger (default: [project] ledger)");
}

}  // namespace

void AddRightsCommands(CLI::App* app, const GlobalOptions* global, Runner* run) {
  CLI::App* rights = app->add_subcommand("rights", "Answer a person's rights requests from the ledger: find, export, erase");
  rights->require_subcommand(1);

  auto fo = std::make_shared<RightsOptions>();
  fo->global = global;
  CLI::App* f = rights->add_subcommand(
      "find", "List the records that held an identifier or come from a URL prefix: row, time, decision, URL, output");
  AddSubjectOptions(f, fo.get());
  f->add_flag("--json", fo->json, "one JSON object per record");
  f->callback([fo, run] { *run = [fo] { return Find(*fo); }; });

  auto xo = std::make_shared<RightsOptions>();
  xo->global = global;
  CLI::App* x = rights->add_subcommand(
      "export", "Write a copy of a person's records (ledger provenance and output record) as JSONL, mode 0600");
  AddSubjectOptions(x, xo.get());
  x->add_option("-o,--output", xo->output, "the JSONL file to write (.zst compresses)")->required();
  x->add_option("--ref", xo->ref, "the request's reference (default: made from the time)");
  x->add_option("--root", xo->root, "directory the ledger's relative output paths are under (default: here)");
  x->callback([xo, run] { *run = [xo] { return Export(*xo); }; });

  auto eo = std::make_shared<RightsOptions>();
  eo->global = global;
  CLI::App* e = rights->add_subcommand(
      "erase", "Remove a person's records from every output, add them to the opt-out registry, record the request "
               "and print a receipt; running it again is harmless");
  AddSubjectOptions(e, eo.get());
  e->add_option("--ref", eo->ref, "the request's reference: give it, so that a retry is the same request");
  e->add_option("--registry", eo->registry, "person opt-out registry (default: [project] optout_registry)");
  e->add_option("--root", eo->root, "directory the ledger's relative output paths are under (default: here)");
  e->add_flag("--json", eo->json, "the receipt as one JSON object");
  e->callback([eo, run] { *run = [eo] { return Erase(*eo); }; });
}

}  // namespace moisson::cli
