// One document through the filter chain: actions, tokens, opt-outs, page
// signals, site lists, the ordered parallel runner, and what a dropped
// document leaves behind (nothing but its id, URL, reasons and hashes).
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>

#include <cstdlib>
#include <fstream>
#include <optional>

#include "blocklists/optout.h"
#include "blocklists/site_list.h"
#include "filters/detector.h"
#include "io/record.h"
#include "pipeline/processor.h"
#include "pipeline/runner.h"
#include "pipeline/stages.h"
#include "policy/policy.h"
#include "tests/temp_dir.h"

using namespace moisson;
using namespace moisson::pipeline;
using filters::Action;
using filters::ActionTable;
using filters::Category;
using filters::Verdict;

namespace {

ProjectKey TestKey(std::uint8_t seed = 3) {
  std::array<std::uint8_t, 32> b{};
  for (int i = 0; i < 32; ++i) b[i] = static_cast<std::uint8_t>(seed * 7 + i);
  return ProjectKey::FromBytes(b);
}

const filters::Detector& SharedDetector() {
  static const filters::Detector* d = [] {
    auto r = filters::Detector::Create();
    REQUIRE(r.ok());
    return new filters::Detector(std::move(r).value());
  }();
  return *d;
}

using moisson::test::TempDir;

io::InputRecord Text(std::string text, std::string url = "https://forum.example.org/t/1") {
  io::InputRecord r;
  r.id = "doc-1";
  r.url = std::move(url);
  r.date = "2024-10-01";
  r.lang = "fr";
  r.content = std::move(text);
  r.source_file = "dump.jsonl";
  return r;
}

// A site list with one "adult" domain, adult-site.example.
Result<blocklists::SiteMatcher> AdultList() {
  blocklists::SiteListBuilder b;
  TempDir dir;
  {
    std::ofstream f(dir.path + "/adult.domains");
    f << "adult-site.example\n";
  }
  blocklists::ListLoadReport report;
  if (Status st = b.AddDomainsFile("adult", dir.path + "/adult.domains", true, &report); !st.ok()) return st;
  return std::move(b).Build();
}

bool Has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

TEST_CASE("Default actions follow SPEC section 3", "[pipeline]") {
  const ActionTable t = ActionTable::Defaults();
  CHECK(t[Category::kSensitiveHealth] == Action::kDrop);
  CHECK(t[Category::kMinor] == Action::kDrop);
  CHECK(t[Category::kBankingIban] == Action::kRedact);
  CHECK(t[Category::kGeoAddress] == Action::kRedact);
  CHECK(t[Category::kIdEmail] == Action::kPseudonymise);
  CHECK(t[Category::kIdHandle] == Action::kPseudonymise);
  CHECK(t[Category::kIdNir] == Action::kRedact);
  CHECK(t[Category::kOptOutPerson] == Action::kDrop);
}

TEST_CASE("Config overrides actions and names the line of a bad category", "[pipeline]") {
  auto c = ParseConfig("[filters.actions]\n\"id.email\" = \"redact\"\n\"minor\" = \"flag\"\n", "m.toml");
  REQUIRE(c.ok());
  auto t = ActionTable::FromConfig(c.value());
  REQUIRE(t.ok());
  CHECK((*t)[Category::kIdEmail] == Action::kRedact);
  CHECK((*t)[Category::kMinor] == Action::kFlag);

  auto bad = ParseConfig("[filters.actions]\n\"id.mail\" = \"redact\"\n", "m.toml");
  REQUIRE(bad.ok());
  auto r = ActionTable::FromConfig(bad.value());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("m.toml:2:") == 0);

  auto wrong_action = ParseConfig("[filters.actions]\n\"id.email\" = \"hide\"\n", "m.toml");
  REQUIRE_FALSE(wrong_action.ok());
  CHECK(wrong_action.status().message().find("m.toml:2:") == 0);

  auto optout = ParseConfig("[filters.actions]\n\"optout.person\" = \"keep\"\n", "m.toml");
  REQUIRE(optout.ok());
  CHECK_FALSE(ActionTable::FromConfig(optout.value()).ok());
}

TEST_CASE("E-mails are pseudonymised with the registry's digest: same key same token", "[pipeline]") {
  const ProjectKey key = TestKey();
  ProcessorParts parts;
  parts.detector = &SharedDetector();
  parts.key = &key;
  const Processor p(parts, {});
  const auto doc = p.Process(Text("Écrivez-moi à Claire.Morel@example.fr pour la sortie."));
  REQUIRE(doc.verdict == Verdict::kModify);
  const Digest d = blocklists::OptOutDigest(key, blocklists::OptOutType::kEmail, "claire.morel@example.fr");
  const std::string token = "[id.email:" + HexPrefix(d, 4) + "]";
  CHECK(doc.text == "Écrivez-moi à " + token + " pour la sortie.");
  CHECK(doc.text.find("Morel") == std::string::npos);
  REQUIRE(doc.identifiers.size() == 1);
  CHECK(doc.identifiers[0].type == "email");
  CHECK(doc.identifiers[0].hex_digest == HexPrefix(d, 32));
  CHECK(Has(doc.reasons, "id.email"));

  // Same input, same token; another key, another token.
  CHECK(p.Process(Text("mail: claire.morel@example.fr")).text == "mail: " + token);
  const ProjectKey other = TestKey(9);
  parts.key = &other;
  const Processor q(parts, {});
  CHECK(q.Process(Text("mail: claire.morel@example.fr")).text != "mail: " + token);
}

TEST_CASE("Banking data is redacted with its category", "[pipeline]") {
  const ProjectKey key = TestKey();
  ProcessorParts parts;
  parts.detector = &SharedDetector();
  parts.key = &key;
  const Processor p(parts, {});
  const auto doc = p.Process(Text("Paiement par virement sur FR76 3000 6000 0112 3456 7890 189 merci."));
  REQUIRE(doc.verdict == Verdict::kModify);
  CHECK(doc.text == "Paiement par virement sur [banking.iban] merci.");
  REQUIRE_FALSE(doc.detections.empty());
  CHECK(doc.detections[0].action == Action::kRedact);
}

TEST_CASE("A sensitive disclosure drops the document and keeps no text", "[pipeline]") {
  const ProjectKey key = TestKey();
  ProcessorParts parts;
  parts.detector = &SharedDetector();
  parts.key = &key;
  const Processor p(parts, {});
  const auto doc = p.Process(Text("Je suis diabétique de type 1 depuis l'an dernier, écrivez-moi à a.b@example.fr"));
  REQUIRE(doc.verdict == Verdict::kDrop);
  CHECK(Has(doc.reasons, "sensitive.health"));
  CHECK(doc.text.empty());
  CHECK(doc.title.empty());
  for (const std::string& line : {RejectJson(doc), ScanJson(doc)}) {
    CHECK(line.find("diab") == std::string::npos);
    CHECK(line.find("example.fr") == std::string::npos);
  }
}

TEST_CASE("Flagged categories are kept and reported, keep is silent", "[pipeline]") {
  const ProjectKey key = TestKey();
  auto c = ParseConfig("[filters.actions]\n\"id.email\" = \"flag\"\n", "m.toml");
  REQUIRE(c.ok());
  ProcessorSettings s;
  s.actions = ActionTable::FromConfig(c.value()).value();
  ProcessorParts parts;
  parts.detector = &SharedDetector();
  parts.key = &key;
  const Processor p(parts, s);
  const auto doc = p.Process(Text("contact: lea@example.com"));
  CHECK(doc.verdict == Verdict::kKeep);
  CHECK(doc.text == "contact: lea@example.com");
  CHECK(Has(doc.reasons, "id.email"));
}

TEST_CASE("A person on the opt-out registry drops every document naming them", "[pipeline]") {
  TempDir dir;
  const ProjectKey key = TestKey();
  auto reg = blocklists::OptOutRegistry::Open(dir.path + "/reg.db", key);
  REQUIRE(reg.ok());
  REQUIRE(reg->Add(blocklists::OptOutType::kEmail, "Bertrand.Lefort+jardin@example.org", "", "R1").ok());
  REQUIRE(reg->Add(blocklists::OptOutType::kPhone, "06 12 34 56 78", "", "R2").ok());
  REQUIRE(reg->Add(blocklists::OptOutType::kHandle, "instagram:@trail_sam", "", "R3").ok());
  REQUIRE(reg->AddSiteOwner("blog.refus.example", "R4").ok());
  ProcessorParts parts;
  parts.detector = &SharedDetector();
  parts.key = &key;
  parts.registry = &reg.value();
  const Processor p(parts, {});

  auto dropped = [&](const std::string& text, const std::string& reason,
                     const std::string& url = "https://forum.example.org/t/1") {
    const auto doc = p.Process(Text(text, url));
    INFO(reason);
    CHECK(doc.verdict == Verdict::kDrop);
    CHECK(Has(doc.reasons, reason));
    CHECK(doc.text.empty());
  };
  dropped("écrivez à bertrand.lefort@example.org", "optout.person");
  dropped("appelez le +33 6 12 34 56 78 le soir", "optout.person");
  dropped("suivez @trail_sam pour les photos", "optout.person");
  dropped("un billet", "optout.site", "https://blog.refus.example/2024/billet");
  CHECK(p.Process(Text("écrivez à someone.else@example.org")).verdict == Verdict::kModify);
}

TEST_CASE("Site lists drop a document by its URL before any detection", "[pipeline]") {
  auto m = AdultList();
  REQUIRE(m.ok());
  const ProjectKey key = TestKey();
  ProcessorParts parts;
  parts.detector = &SharedDetector();
  parts.key = &key;
  parts.site_lists = &m.value();
  const Processor p(parts, {});
  const auto doc = p.Process(Text("mail: x@example.com", "https://www.adult-site.example/page"));
  CHECK(doc.verdict == Verdict::kDrop);
  CHECK(doc.reasons == std::vector<std::string>{"blocklist.adult"});
  CHECK(doc.detections.empty());
  CHECK(doc.site == "adult-site.example");
}

TEST_CASE("The chain runs its stages in order and the first drop wins", "[pipeline][stage]") {
  auto m = AdultList();
  REQUIRE(m.ok());
  const ProjectKey key = TestKey();
  const policy::PolicyEngine engine{Config()};
  ProcessorParts parts;
  parts.detector = &SharedDetector();
  parts.key = &key;
  parts.site_lists = &m.value();
  parts.policy = &engine;
  std::vector<std::string> names;
  for (const auto& stage : StandardStages(parts, {})) names.emplace_back(stage->name());
  CHECK(names == std::vector<std::string>{"site_lists", "page_signals", "access", "language", "detect", "identify", "act"});
  // The crawler judges every URL's source before fetching it, with the same functions: its chain does not ask again.
  ProcessorSettings crawl;
  crawl.sources_judged = true;
  names.clear();
  for (const auto& stage : StandardStages(parts, crawl)) names.emplace_back(stage->name());
  CHECK(names == std::vector<std::string>{"page_signals", "access", "language", "detect", "identify", "act"});
  const auto listed = blocklists::ParseSiteUrl("https://www.adult-site.example/a");
  REQUIRE(listed.ok());
  const auto refusal = SiteListRefusal(m.value(), listed.value());
  REQUIRE(refusal);
  CHECK(refusal->reason == "blocklist.adult");

  const Processor p(parts, {});
  // Listed, and the page objects too, and it is a login page holding a
  // health disclosure: the site list decides alone, and nothing after it runs.
  io::InputRecord r = Text("<html><head><meta name=robots content=noai></head><body><form><input type=password></form>"
                           "<p>Je suis diabétique.</p></body></html>",
                           "https://www.adult-site.example/login");
  r.kind = io::ContentKind::kHtml;
  auto doc = p.Process(r);
  CHECK(doc.verdict == Verdict::kDrop);
  CHECK(doc.reasons == std::vector<std::string>{"blocklist.adult"});
  CHECK_FALSE(doc.policy_checked);
  CHECK(doc.detections.empty());
  CHECK(doc.text.empty());
  // Not listed: the page signals decide.
  r.url = "https://forum.example.org/login";
  doc = p.Process(r);
  CHECK(doc.reasons == std::vector<std::string>{"policy.noai"});
  CHECK(doc.policy_checked);
  CHECK(doc.detections.empty());
  // No objection: access decides, before any detection.
  r.content = "<html><body><form><input type=password></form><p>Je suis diabétique.</p></body></html>";
  doc = p.Process(r);
  CHECK(doc.reasons == std::vector<std::string>{"access.login_wall"});
  CHECK(doc.detections.empty());
  // A page anyone can read: detection and the actions decide, with every dropping category.
  r.content = "<html><body><p>Je suis diabétique et séropositif depuis 2010.</p></body></html>";
  doc = p.Process(r);
  CHECK(doc.verdict == Verdict::kDrop);
  CHECK(HasReason(doc, "sensitive.health"));
  CHECK_FALSE(doc.detections.empty());  // what was found stays listed for scan and the ledger
}

TEST_CASE("Page signals of a dump: meta noai and X-Robots-Tag noindex drop the page", "[pipeline]") {
  const ProjectKey key = TestKey();
  const policy::PolicyEngine engine{Config()};
  ProcessorParts parts;
  parts.detector = &SharedDetector();
  parts.key = &key;
  parts.policy = &engine;
  const Processor p(parts, {});

  io::InputRecord html = Text("<html><head><meta name=\"robots\" content=\"noai\"><title>T</title></head>"
                              "<body><p>Bonjour</p></body></html>");
  html.kind = io::ContentKind::kHtml;
  auto doc = p.Process(html);
  CHECK(doc.verdict == Verdict::kDrop);
  CHECK(Has(doc.reasons, "policy.noai"));

  io::InputRecord header = Text("Bonjour");
  header.headers = {{"X-Robots-Tag", "noindex"}};
  doc = p.Process(header);
  CHECK(doc.verdict == Verdict::kDrop);
  CHECK(Has(doc.reasons, "policy.noindex"));

  io::InputRecord plain = Text("<html><head><title>Vendanges</title></head><body><p>Les vendanges.</p></body></html>");
  plain.kind = io::ContentKind::kHtml;
  doc = p.Process(plain);
  CHECK(doc.verdict == Verdict::kKeep);
  CHECK(doc.title == "Vendanges");
  CHECK(doc.text.find("Les vendanges.") != std::string::npos);
  CHECK(doc.policy_checked);
}

TEST_CASE("Access: a login page and a paywall are dropped on the dump path; a login box beside content is not",
          "[pipeline]") {
  const ProjectKey key = TestKey();
  ProcessorParts parts;
  parts.detector = &SharedDetector();
  parts.key = &key;
  const Processor p(parts, {});  // the dump path: no crawl hints asked for
  auto html = [](std::string body) {
    io::InputRecord r = Text("<html><head><title>T</title></head><body>" + body + "</body></html>");
    r.kind = io::ContentKind::kHtml;
    return r;
  };
  const std::string form = "<form action=/login><input name=u><input type=password name=p></form>";
  auto doc = p.Process(html("<h1>Connexion</h1>" + form));
  CHECK(doc.verdict == Verdict::kDrop);
  CHECK(doc.reasons == std::vector<std::string>{"access.login_wall"});
  CHECK(doc.text.empty());
  CHECK(doc.detections.empty());  // not analysed further

  // A shop page: the same form in the header, then more text than a login page holds.
  std::string article;
  while (article.size() < 2 * kLoginWallMaxTextBytes) article += "<p>Les vendanges commencent en septembre dans le Bordelais.</p>";
  doc = p.Process(html("<header>" + form + "</header>" + article));
  CHECK(doc.verdict == Verdict::kKeep);
  CHECK(doc.reasons.empty());
  // Just under the bound, the form makes it a login page.
  doc = p.Process(html(form + "<p>" + std::string(kLoginWallMaxTextBytes - 40, 'a') + "</p>"));
  CHECK(doc.reasons == std::vector<std::string>{"access.login_wall"});

  doc = p.Process(html("<script type=application/ld+json>{\"@type\": \"NewsArticle\", \"isAccessibleForFree\": false}"
                       "</script>" + article));
  CHECK(doc.verdict == Verdict::kDrop);
  CHECK(doc.reasons == std::vector<std::string>{"access.paywall"});
  // Plain text has no form to read: the words alone do not make a wall.
  doc = p.Process(Text("Mot de passe oublié ? Connectez-vous pour lire la suite."));
  CHECK(doc.verdict == Verdict::kKeep);
}

TEST_CASE("Overlapping spans are replaced once", "[pipeline]") {
  const ProjectKey key = TestKey();
  ProcessorParts parts;
  parts.detector = &SharedDetector();
  parts.key = &key;
  const Processor p(parts, {});
  // A map link holds coordinates: geo.uri and geo.coordinates may both match.
  const auto doc = p.Process(Text("je suis ici : geo:48.85661,2.35222 viens vite"));
  REQUIRE(doc.verdict == Verdict::kModify);
  CHECK(doc.text.find("48.85") == std::string::npos);
  CHECK(doc.text.find("viens vite") != std::string::npos);
  CHECK(doc.text.find("je suis ici : [geo.") == 0);
}

TEST_CASE("The runner keeps input order across threads and drops duplicates", "[pipeline]") {
  TempDir dir;
  const std::string path = dir.path + "/in.jsonl";
  {
    std::ofstream f(path);
    for (int i = 0; i < 2000; ++i) {
      f << "{\"id\": \"d" << i << "\", \"text\": \"Message " << (i % 1000) << " du forum, rien de personnel.\"}\n";
    }
  }
  const ProjectKey key = TestKey();
  ProcessorParts parts;
  parts.detector = &SharedDetector();
  parts.key = &key;
  const Processor p(parts, {});
  std::vector<std::string> ids;
  std::vector<Verdict> verdicts;
  RunOptions o;
  o.threads = 4;
  o.dedup = true;
  o.batch_records = 7;
  o.on_document = [&](const ProcessedDocument& d) {
    ids.push_back(d.id);
    verdicts.push_back(d.verdict);
    return Status::Ok();
  };
  auto s = RunPipeline(p, {path}, io::ReaderOptions(), o);
  REQUIRE(s.ok());
  REQUIRE(ids.size() == 2000);
  for (int i = 0; i < 2000; ++i) CHECK(ids[i] == "d" + std::to_string(i));
  for (int i = 0; i < 2000; ++i) CHECK((verdicts[i] == Verdict::kDrop) == (i >= 1000));
  CHECK(s->dropped_by_reason["duplicate"] == 1000);
  CHECK(s->documents == 2000);
}

TEST_CASE("The runner reports a missing input and a sink failure", "[pipeline]") {
  const ProjectKey key = TestKey();
  ProcessorParts parts;
  parts.detector = &SharedDetector();
  parts.key = &key;
  const Processor p(parts, {});
  RunOptions o;
  o.threads = 2;
  auto missing = RunPipeline(p, {"/nonexistent/dump.jsonl"}, io::ReaderOptions(), o);
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.status().message().find("/nonexistent/dump.jsonl") != std::string::npos);

  TempDir dir;
  const std::string path = dir.path + "/in.jsonl";
  {
    std::ofstream f(path);
    for (int i = 0; i < 5000; ++i) f << "{\"text\": \"ligne " << i << "\"}\n";
  }
  int seen = 0;
  o.on_document = [&](const ProcessedDocument&) { return ++seen == 10 ? Status::Io("disk full") : Status::Ok(); };
  auto failed = RunPipeline(p, {path}, io::ReaderOptions(), o);
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.status().message() == "disk full");
  CHECK(seen == 10);
}

// Issue 13: `filter a.jsonl b.jsonl` gave two records the id "1", and a
// capture read twice repeated its WARC-Record-IDs; an erase by id then hit
// another person's record.
TEST_CASE("The runner gives every document an id unique in the run, stable across re-runs", "[pipeline][rights]") {
  TempDir dir;
  const std::string a = dir.path + "/a.jsonl", b = dir.path + "/b.jsonl";
  std::ofstream(a) << "{\"text\": \"premier\"}\n{\"id\": \"x\", \"text\": \"deux\"}\n";
  std::ofstream(b) << "{\"text\": \"autre\"}\n{\"id\": \"x\", \"text\": \"encore\"}\n{\"id\": \"a.jsonl:1\", \"text\": \"piege\"}\n";
  ::mkdir((dir.path + "/sub").c_str(), 0700);
  const std::string a2 = dir.path + "/sub/a.jsonl";  // the same name in another folder
  std::ofstream(a2) << "{\"text\": \"meme nom\"}\n";
  const ProjectKey key = TestKey();
  ProcessorParts parts;
  parts.detector = &SharedDetector();
  parts.key = &key;
  const Processor p(parts, {});
  auto ids_of = [&](std::vector<std::string> inputs, RunSummary* summary) {
    std::vector<std::string> ids;
    RunOptions o;
    o.threads = 3;
    o.batch_records = 1;
    o.on_document = [&](const ProcessedDocument& d) {
      ids.push_back(d.id);
      return Status::Ok();
    };
    auto s = RunPipeline(p, inputs, io::ReaderOptions(), o);
    REQUIRE(s.ok());
    *summary = *s;
    return ids;
  };
  RunSummary s;
  const auto ids = ids_of({a, b, a2}, &s);
  CHECK(ids == std::vector<std::string>{"a.jsonl:1", "x", "b.jsonl:1", "b.jsonl:2", "b.jsonl:3", "a.jsonl:1~2"});
  CHECK(s.repeated_ids == 2);  // "x" and the "a.jsonl:1" written in b.jsonl
  REQUIRE(s.repeated_id_messages.size() == 2);
  CHECK(s.repeated_id_messages[0] == b + ": offset 18 (line 2): its id was already given to an earlier document of "
                                         "this run; written as b.jsonl:2");
  RunSummary again;
  CHECK(ids_of({a, b, a2}, &again) == ids);  // a re-run gives the same ids
  REQUIRE(s.inputs.size() == 3);
  CHECK(s.inputs[1].path == b);
  CHECK(s.inputs[1].documents == 3);
}

TEST_CASE("Loss limits: unreadable records, damaged and empty inputs fail the run unless accepted", "[pipeline]") {
  RunSummary s;
  s.inputs = {{"a.jsonl", 98, 2, 0, 0}, {"b.jsonl", 100, 0, 0, 0}};
  s.documents = 198;
  s.skipped_records = 2;
  LossLimit none;
  Status st = CheckLoss(s, none, "text");
  REQUIRE_FALSE(st.ok());
  CHECK(st.message() == "2 of 200 records could not be read (a.jsonl 2); --max-skipped N or P% accepts that loss");
  CHECK(CheckLoss(s, *ParseLossLimit("2"), "text").ok());
  CHECK_FALSE(CheckLoss(s, *ParseLossLimit("1"), "text").ok());
  // A rate holds per input: 2 of a.jsonl's 100 is 2%, though the run's is 1%.
  CHECK(CheckLoss(s, *ParseLossLimit("2%"), "text").ok());
  st = CheckLoss(s, *ParseLossLimit("1.5%"), "text");
  REQUIRE_FALSE(st.ok());
  CHECK(st.message() == "a.jsonl: 2 of 100 records could not be read, more than --max-skipped allows");
  // Damaged: said so.
  s.inputs[0].damaged = 1;
  CHECK(CheckLoss(s, *ParseLossLimit("1%"), "text").message().find("the file is damaged") != std::string::npos);
  // No line with the text field: the field and the flag are named.
  RunSummary nt;
  nt.inputs = {{"export.jsonl", 0, 3, 3, 0}};
  nt.skipped_records = 3;
  CHECK(CheckLoss(nt, *ParseLossLimit("100%"), "body").message() ==
        "export.jsonl: no line has the 'body' field (3 lines read): name the field that holds the text with --text-field");
  // An empty input.
  RunSummary empty;
  empty.inputs = {{"-", 0, 0, 0, 0}};
  CHECK(CheckLoss(empty, none, "text").message() ==
        "standard input: no document could be read from it; --allow-empty accepts an input that yields nothing");
  LossLimit allow;
  allow.allow_empty = true;
  CHECK(CheckLoss(empty, allow, "text").ok());
  for (const char* bad : {"", "%", "x", "1.5", "-1", "101%", "1..2%", ".5%"}) CHECK_FALSE(ParseLossLimit(bad).ok());
  CHECK(ParseLossLimit("0.5%")->max_rate == Approx(0.005));
}

TEST_CASE("The runner stops when asked (SIGINT) and says so", "[pipeline]") {
  TempDir dir;
  const std::string path = dir.path + "/in.jsonl";
  {
    std::ofstream f(path);
    for (int i = 0; i < 20000; ++i) f << "{\"text\": \"ligne " << i << "\"}\n";
  }
  const ProjectKey key = TestKey();
  ProcessorParts parts;
  parts.detector = &SharedDetector();
  parts.key = &key;
  const Processor p(parts, {});
  std::atomic<bool> cancel{false};
  RunOptions o;
  o.threads = 2;
  o.cancel = &cancel;
  int seen = 0;
  o.on_document = [&](const ProcessedDocument&) {
    if (++seen == 100) cancel = true;
    return Status::Ok();
  };
  auto r = RunPipeline(p, {path}, io::ReaderOptions(), o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == Status::Code::kInterrupted);
  CHECK(seen < 20000);
}

// Issue 14: a language the sensitive/minor detectors do not read is never
// silently treated as clean.
TEST_CASE("A document in a language the detectors do not read is flagged, dropped or kept as configured",
          "[pipeline]") {
  const ProjectKey key = TestKey();
  ProcessorParts parts;
  parts.detector = &SharedDetector();
  parts.key = &key;
  io::InputRecord de = Text("Mein Bruder wurde letztes Jahr operiert und ist seitdem krankgeschrieben, "
                            "sagt meine Mutter am Telefon jeden Abend.");
  de.lang = "";
  ProcessorSettings settings;
  {
    const Processor p(parts, settings);  // default: flag
    const ProcessedDocument d = p.Process(de);
    CHECK(d.verdict == Verdict::kKeep);
    CHECK(d.reasons == std::vector<std::string>{"lang.uncovered"});
    CHECK(d.lang == "de");  // identified: the input declared none
    CHECK(OutputJson(d).find("\"flags\":[\"lang.uncovered\"]") != std::string::npos);
  }
  settings.uncovered_languages = Action::kDrop;
  {
    const Processor p(parts, settings);
    const ProcessedDocument d = p.Process(de);
    CHECK(d.verdict == Verdict::kDrop);
    CHECK(d.reasons == std::vector<std::string>{"lang.uncovered"});
    CHECK(d.text.empty());
  }
  settings.uncovered_languages = Action::kKeep;
  {
    const Processor p(parts, settings);
    CHECK(p.Process(de).reasons.empty());
  }
  // A declared language wins, in any of its spellings: WET's "fra" is French.
  settings.uncovered_languages = Action::kDrop;
  const Processor p(parts, settings);
  de.lang = "fra";
  CHECK(p.Process(de).verdict == Verdict::kKeep);
  io::InputRecord fr = Text("Le conseil municipal a voté hier soir le budget de la nouvelle médiathèque.");
  fr.lang = "";
  CHECK(p.Process(fr).verdict == Verdict::kKeep);
}

TEST_CASE("The output record counts spans per category acted upon", "[pipeline]") {
  const ProjectKey key = TestKey();
  ProcessorParts parts;
  parts.detector = &SharedDetector();
  parts.key = &key;
  const Processor p(parts, {});
  const auto doc = p.Process(Text("a@example.org et b@example.org, IBAN FR76 3000 6000 0112 3456 7890 189"));
  REQUIRE(doc.verdict == Verdict::kModify);
  const std::string line = OutputJson(doc);
  CHECK(line.find("\"actions\":[{\"category\":\"banking.iban\",\"action\":\"redact\",\"count\":1},"
                  "{\"category\":\"id.email\",\"action\":\"pseudonymise\",\"count\":2}]") != std::string::npos);
  CHECK(line.find("a@example.org") == std::string::npos);
}

TEST_CASE("Processor: the page title goes through the same detectors and actions as the text", "[pipeline]") {
  const ProjectKey key = TestKey();
  ProcessorParts parts;
  parts.detector = &SharedDetector();
  parts.key = &key;
  const Processor p(parts, {});
  io::InputRecord r = Text("");
  r.url = "https://www.example.org/contact";
  r.kind = io::ContentKind::kHtml;
  r.content = "<html><head><title>Contact jeanne.martin@example.org</title></head><body><p>Bonjour.</p></body></html>";
  const ProcessedDocument d = p.Process(r);
  CHECK(d.verdict == Verdict::kModify);
  CHECK(d.title.find("jeanne.martin") == std::string::npos);
  CHECK(d.title.find("[id.email:") != std::string::npos);
  CHECK(d.text == "Bonjour.");
  REQUIRE(d.identifiers.size() == 1);
  CHECK(d.identifiers[0].type == "email");
  CHECK(pipeline::OutputJson(d).find("jeanne.martin") == std::string::npos);
  // A title that reveals health data drops the page, title and all.
  r.content = "<title>Je suis diabétique depuis l'an dernier</title><p>Des conseils pour le vélo ?</p>";
  const ProcessedDocument h = p.Process(r);
  CHECK(h.verdict == Verdict::kDrop);
  CHECK(h.title.empty());
  CHECK(Has(h.reasons, "sensitive.health"));
}

TEST_CASE("IdentifierDigest finds what Process indexed for each identifier type", "[pipeline][rights]") {
  const ProjectKey key = TestKey();
  ProcessorParts parts;
  parts.detector = &SharedDetector();
  parts.key = &key;
  const Processor p(parts, {});
  const auto doc = p.Process(Text(
      "Écrivez à Claire.Morel@Example.fr ou appelez le 06 12 34 56 78. Sur Twitter je suis @ClaireM_velo. "
      "Mon serveur répond sur 192.168.1.20."));
  auto digest_of = [&](const char* type) {
    for (const auto& id : doc.identifiers) {
      if (id.type == type) return id.hex_digest;
    }
    return std::string();
  };
  REQUIRE_FALSE(digest_of("email").empty());
  CHECK(IdentifierDigest(key, "email", "claire.morel@example.fr", "FR").value() == digest_of("email"));
  CHECK(IdentifierDigest(key, "email", "Claire.Morel@EXAMPLE.FR", "FR").value() == digest_of("email"));
  REQUIRE_FALSE(digest_of("phone").empty());
  CHECK(IdentifierDigest(key, "phone", "+33612345678", "FR").value() == digest_of("phone"));
  CHECK(IdentifierDigest(key, "phone", "06.12.34.56.78", "FR").value() == digest_of("phone"));
  REQUIRE_FALSE(digest_of("handle").empty());
  CHECK(IdentifierDigest(key, "handle", "twitter:claireM_velo", "FR").value() == digest_of("handle"));
  CHECK(IdentifierDigest(key, "handle", "@ClaireM_velo", "FR").value() == digest_of("handle"));
  CHECK(IdentifierDigest(key, "handle", "https://x.com/ClaireM_velo/", "FR").value() == digest_of("handle"));
  // A profile link as people copy it, without its scheme: the rights lookup
  // reads it as Process indexes it (one normal form for both; it once fell
  // through to the whole link).
  CHECK(IdentifierDigest(key, "handle", "twitter.com/ClaireM_velo", "FR").value() == digest_of("handle"));
  CHECK(IdentifierDigest(key, "handle", "instagram.com/@clairem_velo", "FR").value() == digest_of("handle"));
  REQUIRE_FALSE(digest_of("ip").empty());
  CHECK(IdentifierDigest(key, "ip", "192.168.1.20", "FR").value() == digest_of("ip"));
  // Errors name the type, never the value.
  const auto bad = IdentifierDigest(key, "ip", "not-an-address", "FR");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("not-an-address") == std::string::npos);
  CHECK_FALSE(IdentifierDigest(key, "passport", "X", "FR").ok());
  CHECK_FALSE(IdentifierDigest(key, "handle", "twitter:", "FR").ok());
}
