// The Python module: `import moisson` (docs/python.md is its manual).
//
// A thin shell over the library: pipeline::Chain judges, pipeline::
// RunSequencer gives ids and drops duplicates as `moisson filter` does,
// io::OpenReader reads dumps, policy::Explain and policy::RobotsTxt answer
// the policy questions. Nothing here decides anything about a document.
//
// Threads: a Chain is immutable; process_batch() and filter() copy their
// inputs out of Python objects with the GIL held, then release it while the
// documents go through the chain on up to `threads` native threads.
//
// Errors are moisson.Error with the library's message (the text the CLI
// prints after "moisson CMD: "); wrong argument types are TypeError.
// Nothing here prints: a document's text and identifiers stay in the
// objects the caller asked for, and repr() never shows them.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "audit/ledger.h"
#include "core/config.h"
#include "core/strings.h"
#include "core/url.h"
#include "core/version.h"
#include "filters/category.h"
#include "io/record.h"
#include "pipeline/chain.h"
#include "pipeline/processor.h"
#include "pipeline/provenance.h"
#include "pipeline/runner.h"
#include "pipeline/stages.h"
#include "policy/explain.h"
#include "policy/policy.h"
#include "policy/robots.h"

namespace py = pybind11;

namespace moisson::python {
namespace {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

[[noreturn]] void Raise(const Status& st) { throw Error(st.message()); }

// A str or os.PathLike as a path; None as nullopt.
std::optional<std::string> PathArg(const py::object& o) {
  if (o.is_none()) return std::nullopt;
  return py::str(py::module_::import("os").attr("fspath")(o)).cast<std::string>();
}

Config LoadConfigArg(const py::object& path) {
  const auto p = PathArg(path);
  if (!p) return Config();
  auto c = LoadConfig(*p);
  if (!c.ok()) Raise(c.status());
  return std::move(c).value();
}

// A str as UTF-8, bytes as they are.
std::string Bytes(const py::handle& o, const char* what) {
  if (py::isinstance<py::bytes>(o)) return o.cast<std::string>();
  if (py::isinstance<py::str>(o)) return o.cast<std::string>();
  throw py::type_error(std::string(what) + " must be str or bytes");
}

std::string StringField(const py::handle& o, const char* what) {
  if (py::isinstance<py::str>(o)) return o.cast<std::string>();
  // An integer id is written as it reads, as the JSONL reader does.
  if (py::isinstance<py::int_>(o) && !py::isinstance<py::bool_>(o)) return py::str(o).cast<std::string>();
  throw py::type_error(std::string(what) + " must be str");
}

// Headers as a dict {name: value} or a list of (name, value) pairs.
std::vector<std::pair<std::string, std::string>> HeadersArg(const py::handle& o) {
  std::vector<std::pair<std::string, std::string>> out;
  if (o.is_none()) return out;
  if (py::isinstance<py::dict>(o)) {
    for (auto [k, v] : o.cast<py::dict>()) out.emplace_back(StringField(k, "a header name"), StringField(v, "a header value"));
    return out;
  }
  for (const py::handle item : o) {
    auto pair = item.cast<py::sequence>();
    if (pair.size() != 2) throw py::type_error("headers must be a dict or (name, value) pairs");
    out.emplace_back(StringField(pair[0], "a header name"), StringField(pair[1], "a header value"));
  }
  return out;
}

// The charset of HTML given as bytes: `charset`, else the Content-Type header's.
std::string CharsetOf(const io::InputRecord& r) {
  for (const auto& [name, value] : r.headers) {
    if (EqualsIgnoreCase(name, "Content-Type")) {
      std::string media, charset;
      io::ParseContentType(value, &media, &charset);
      return charset;
    }
  }
  return "";
}

struct RecordArgs {
  py::object text, html, url, headers, date, id, lang, charset;
};

io::InputRecord MakeRecord(const RecordArgs& a) {
  io::InputRecord r;
  const bool has_text = !a.text.is_none(), has_html = !a.html.is_none();
  if (has_text == has_html) throw py::type_error("give the document as text= or as html=, one of them");
  if (!a.headers.is_none()) r.headers = HeadersArg(a.headers);
  if (has_html) {
    r.kind = io::ContentKind::kHtml;
    r.content = Bytes(a.html, "html");
    // A str was decoded already: its bytes are UTF-8 whatever the page says.
    if (py::isinstance<py::str>(a.html)) {
      r.charset = "utf-8";
    } else {
      r.charset = a.charset.is_none() ? CharsetOf(r) : StringField(a.charset, "charset");
    }
  } else {
    if (!py::isinstance<py::str>(a.text)) throw py::type_error("text must be str");
    r.content = a.text.cast<std::string>();
  }
  if (!a.url.is_none()) r.url = StringField(a.url, "url");
  if (!a.date.is_none()) r.date = StringField(a.date, "date");
  if (!a.id.is_none()) r.id = StringField(a.id, "id");
  if (!a.lang.is_none()) r.lang = StringField(a.lang, "lang");
  return r;
}

// One item of a batch: a Record (from Chain.read), a str (text), or a dict
// with the [input] field names of the chain's config (text, id, url, date,
// lang, html) plus "headers" and "charset".
io::InputRecord ItemToRecord(const py::handle& item, const io::ReaderOptions& fields) {
  if (py::isinstance<io::InputRecord>(item)) return item.cast<io::InputRecord>();
  if (py::isinstance<py::str>(item)) {
    io::InputRecord r;
    r.content = item.cast<std::string>();
    return r;
  }
  if (!py::isinstance<py::dict>(item)) throw py::type_error("a document is a dict, a str or a moisson.Record");
  const auto d = item.cast<py::dict>();
  auto get = [&d](const std::string& key) -> py::object {
    if (key.empty() || !d.contains(key)) return py::none();
    return d[py::str(key)];
  };
  RecordArgs a;
  a.html = get(fields.html_field.empty() ? "html" : fields.html_field);
  a.text = a.html.is_none() ? get(fields.text_field) : py::none();
  if (a.text.is_none() && a.html.is_none()) {
    throw Error("a document has no \"" + fields.text_field + "\" field (set [input] text_field in the config)");
  }
  a.url = get(fields.url_field);
  a.date = get(fields.date_field);
  a.id = get(fields.id_field);
  a.lang = get(fields.lang_field);
  a.headers = get("headers");
  a.charset = get("charset");
  return MakeRecord(a);
}

// Runs `records` through the chain on up to `threads` threads, in place of
// the records' order. The GIL must be released by the caller.
std::vector<pipeline::ProcessedDocument> ProcessAll(const pipeline::Processor& p, std::vector<io::InputRecord>& records,
                                                    int threads) {
  std::vector<pipeline::ProcessedDocument> out(records.size());
  int n = threads > 0 ? threads : static_cast<int>(std::thread::hardware_concurrency());
  n = std::clamp<int>(n, 1, static_cast<int>(std::max<std::size_t>(records.size(), 1)));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i; (i = next.fetch_add(1)) < records.size();) {
      out[i] = p.Process(records[i]);
      std::string().swap(records[i].content);
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < n; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return out;
}

class PyChain {
 public:
  PyChain(const py::object& config, const py::object& key, const py::object& registry, int threads)
      : config_(LoadConfigArg(config)), threads_(threads) {
    pipeline::ChainRequest req =
        pipeline::ChainRequestFor(config_, PathArg(key).value_or(""), PathArg(registry).value_or(""));
    req.require_key = true;  // as `moisson filter`: identifiers are pseudonymised and indexed
    auto chain = pipeline::Chain::Load(config_, req);
    if (!chain.ok()) Raise(chain.status());
    chain_ = std::move(chain).value();
    fields_ = pipeline::ReaderOptionsFrom(config_);
    auto warn = py::module_::import("warnings").attr("warn");
    for (const std::string& w : chain_->warnings()) warn(w);
  }

  pipeline::ProcessedDocument Process(const RecordArgs& args) const {
    io::InputRecord r = MakeRecord(args);
    py::gil_scoped_release release;
    return chain_->processor().Process(r);
  }

  std::vector<io::InputRecord> Records(const py::iterable& items) const {
    std::vector<io::InputRecord> records;
    for (const py::handle item : items) records.push_back(ItemToRecord(item, fields_));
    return records;
  }

  std::vector<pipeline::ProcessedDocument> ProcessBatch(const py::iterable& items, std::optional<int> threads) const {
    std::vector<io::InputRecord> records = Records(items);
    py::gil_scoped_release release;
    return ProcessAll(chain_->processor(), records, threads.value_or(threads_));
  }

  const Config& config() const { return config_; }
  const io::ReaderOptions& fields() const { return fields_; }
  const pipeline::Processor& processor() const { return chain_->processor(); }
  int threads() const { return threads_; }
  std::string key_id() const { return chain_->key() ? chain_->key()->id() : ""; }
  std::string model_version() const { return chain_->detector().model_version(); }
  // The site-policy store's origins ([sites] store), -1 without one.
  std::int64_t sites_origins() const {
    return chain_->sites() ? static_cast<std::int64_t>(chain_->sites()->origins()) : -1;
  }

 private:
  Config config_;
  int threads_;
  std::unique_ptr<pipeline::Chain> chain_;
  io::ReaderOptions fields_;
};

// Chain.read(path): the records of a dump, as `moisson filter` reads them.
class RecordIterator {
 public:
  RecordIterator(const std::string& path, io::ReaderOptions options) {
    // The reader keeps the callback: it counts into the heap, which stays put
    // when Python moves this object.
    options.on_skip = [skips = skips_](const io::ReadIssue& issue) {
      ++skips->count;
      if (skips->issues.size() < pipeline::kMaxSkipMessages) skips->issues.push_back(io::IssueText(issue));
    };
    auto r = io::OpenReader(path, options);
    if (!r.ok()) Raise(r.status());
    reader_ = std::move(r).value();
  }

  io::InputRecord Next() {
    if (!reader_) throw py::stop_iteration();
    io::InputRecord rec;
    Result<bool> more = true;
    {
      py::gil_scoped_release release;
      more = reader_->Next(&rec);
    }
    if (!more.ok()) Raise(more.status());
    if (!more.value()) {
      reader_.reset();
      throw py::stop_iteration();
    }
    return rec;
  }

  std::uint64_t skipped() const { return skips_->count; }
  const std::vector<std::string>& issues() const { return skips_->issues; }

 private:
  struct Skips {
    std::uint64_t count = 0;
    std::vector<std::string> issues;
  };
  std::shared_ptr<Skips> skips_ = std::make_shared<Skips>();
  std::unique_ptr<io::RecordReader> reader_;
};

py::dict SummaryDict(const pipeline::RunSummary& s) {
  py::dict d;
  d["documents"] = s.documents;
  d["kept"] = s.kept;
  d["modified"] = s.modified;
  d["dropped"] = s.dropped;
  d["repeated_ids"] = s.repeated_ids;
  d["uncovered_language"] = s.uncovered_language;
  if (s.sites_origins >= 0) {
    py::dict sites;
    sites["origins"] = s.sites_origins;
    sites["judged"] = s.sites_judged;
    sites["unknown"] = s.sites_unknown;
    d["sites"] = sites;
  }
  d["dropped_by_reason"] = s.dropped_by_reason;
  d["detections_by_category"] = s.detections_by_category;
  return d;
}

// Chain.filter(items): documents in input order, with the run's ids and
// --dedup, batch by batch; with a ledger, one row per document and a run, as
// `moisson filter` writes them (pipeline/provenance.h).
class FilterIterator {
 public:
  FilterIterator(std::shared_ptr<const PyChain> chain, py::iterator items, int threads, std::size_t batch, bool dedup,
                 bool dropped, std::string source, std::optional<std::string> ledger, std::string output)
      : chain_(std::move(chain)), items_(std::move(items)), threads_(threads), batch_(std::max<std::size_t>(batch, 1)),
        dropped_(dropped), source_(std::move(source)), output_(std::move(output)), sequencer_(dedup) {
    summary_.sites_origins = chain_->sites_origins();
    if (!ledger) return;
    auto l = audit::Ledger::Open(*ledger);
    if (!l.ok()) Raise(l.status());
    auto run = (*l)->BeginRun("filter", chain_->key_id());
    if (!run.ok()) Raise(run.status());
    ledger_ = std::move(l).value();
    run_id_ = run.value();
  }
  FilterIterator(FilterIterator&&) = default;
  // A run left before its end (the generator dropped, an exception in the
  // caller's loop) is recorded as interrupted, as `filter` records Ctrl-C.
  ~FilterIterator() {
    if (ledger_ && !ended_) {
      (void)ledger_->EndRun(run_id_, pipeline::RunSummaryJson(summary_, "interrupted", chain_->model_version()));
    }
  }

  pipeline::ProcessedDocument Next() {
    while (ready_.empty()) {
      if (done_) {
        if (ledger_ && !ended_) {
          ended_ = true;
          Status st;
          {
            py::gil_scoped_release release;
            st = ledger_->EndRun(run_id_, pipeline::RunSummaryJson(summary_, "ok", chain_->model_version()));
          }
          if (!st.ok()) Raise(st);
        }
        throw py::stop_iteration();
      }
      std::vector<io::InputRecord> records;
      while (records.size() < batch_) {
        if (items_ == py::iterator::sentinel()) {
          done_ = true;
          break;
        }
        io::InputRecord r = ItemToRecord(*items_, chain_->fields());
        ++items_;
        ++position_;
        if (r.source_file.empty()) {  // not from Chain.read: named by its place in the stream
          r.source_file = source_;
          r.line = position_;
        }
        records.push_back(std::move(r));
      }
      std::vector<pipeline::ProcessedDocument> docs;
      {
        py::gil_scoped_release release;
        docs = ProcessAll(chain_->processor(), records, threads_);
      }
      std::vector<audit::LedgerRow> rows;
      for (auto& doc : docs) {
        sequencer_.Admit(&doc, &summary_);
        if (ledger_) rows.push_back(pipeline::LedgerRowOf(doc, output_));
        if (dropped_ || doc.verdict != filters::Verdict::kDrop) ready_.push_back(std::move(doc));
      }
      if (ledger_ && !rows.empty()) {
        Status st;
        {
          py::gil_scoped_release release;
          st = ledger_->Append(run_id_, rows);
        }
        if (!st.ok()) Raise(st);
      }
    }
    pipeline::ProcessedDocument doc = std::move(ready_.front());
    ready_.pop_front();
    return doc;
  }

  py::dict summary() const { return SummaryDict(summary_); }
  std::int64_t run_id() const { return run_id_; }

 private:
  std::shared_ptr<const PyChain> chain_;
  py::iterator items_;
  int threads_;
  std::size_t batch_;
  bool dropped_;
  std::string source_;
  std::string output_;
  pipeline::RunSequencer sequencer_;
  std::unique_ptr<audit::Ledger> ledger_;
  std::int64_t run_id_ = 0;
  bool ended_ = false;
  pipeline::RunSummary summary_;
  std::deque<pipeline::ProcessedDocument> ready_;
  std::uint64_t position_ = 0;
  bool done_ = false;
};

py::dict DetectionDict(const pipeline::AppliedDetection& ad) {
  py::dict d;
  d["category"] = std::string(filters::CategoryId(ad.detection.category));
  d["start"] = ad.detection.start;
  d["end"] = ad.detection.end;
  d["action"] = filters::ActionName(ad.action);
  d["by"] = filters::ByName(ad.detection.by);
  return d;
}

py::object JsonLoads(const std::string& s) { return py::module_::import("json").attr("loads")(s); }

}  // namespace
}  // namespace moisson::python

using namespace moisson;          // NOLINT: the module's body reads as the library's code
using namespace moisson::python;  // NOLINT

PYBIND11_MODULE(moisson, m) {
  m.doc() = "moisson: the compliance chain for web data collected to train AI (docs/python.md)";
  m.attr("__version__") = MOISSON_VERSION;
  py::register_exception<Error>(m, "Error");

  py::class_<io::InputRecord>(m, "Record", "One document read from a dump by Chain.read().")
      .def_readonly("id", &io::InputRecord::id)
      .def_readonly("url", &io::InputRecord::url)
      .def_readonly("date", &io::InputRecord::date)
      .def_readonly("lang", &io::InputRecord::lang)
      .def_property_readonly("kind", [](const io::InputRecord& r) { return r.kind == io::ContentKind::kHtml ? "html" : "text"; })
      .def_property_readonly("content", [](const io::InputRecord& r) { return py::bytes(r.content); })
      .def_readonly("charset", &io::InputRecord::charset)
      .def_readonly("headers", &io::InputRecord::headers)
      .def_readonly("source_file", &io::InputRecord::source_file)
      .def_readonly("offset", &io::InputRecord::offset)
      .def_readonly("line", &io::InputRecord::line)
      .def("__repr__", [](const io::InputRecord& r) {
        return "<moisson.Record " + r.source_file + (r.line ? ":" + std::to_string(r.line) : "@" + std::to_string(r.offset)) + ">";
      });

  py::class_<pipeline::ProcessedDocument>(m, "Document",
                                          "What the chain decided about one document. Offsets are UTF-8 byte offsets "
                                          "into the input text (the text extracted from HTML).")
      .def_readonly("id", &pipeline::ProcessedDocument::id)
      .def_readonly("url", &pipeline::ProcessedDocument::url)
      .def_readonly("site", &pipeline::ProcessedDocument::site)
      .def_readonly("date", &pipeline::ProcessedDocument::date)
      .def_readonly("lang", &pipeline::ProcessedDocument::lang)
      .def_property_readonly("decision", [](const pipeline::ProcessedDocument& d) { return filters::VerdictName(d.verdict); })
      .def_property_readonly("kept", [](const pipeline::ProcessedDocument& d) { return d.verdict != filters::Verdict::kDrop; })
      .def_readonly("reasons", &pipeline::ProcessedDocument::reasons)
      .def_property_readonly("detections",
                             [](const pipeline::ProcessedDocument& d) {
                               py::list l;
                               for (const auto& ad : d.detections) l.append(DetectionDict(ad));
                               return l;
                             })
      .def_readonly("text", &pipeline::ProcessedDocument::text)
      .def_readonly("title", &pipeline::ProcessedDocument::title)
      .def_readonly("text_sha256", &pipeline::ProcessedDocument::text_sha256)
      .def_property_readonly("identifiers",
                             [](const pipeline::ProcessedDocument& d) {
                               py::list l;
                               for (const auto& i : d.identifiers) l.append(py::make_tuple(i.type, i.hex_digest));
                               return l;
                             })
      .def_readonly("policy_signal", &pipeline::ProcessedDocument::policy_signal)
      .def("json", [](const pipeline::ProcessedDocument& d) { return pipeline::OutputJson(d); },
           "The output record `moisson filter` writes (one JSON line, without the newline).")
      .def("scan_json", [](const pipeline::ProcessedDocument& d) { return pipeline::ScanJson(d); },
           "The line `moisson scan` writes: id, decision, reasons, detections; never text.")
      .def("reject_json", [](const pipeline::ProcessedDocument& d) { return pipeline::RejectJson(d); },
           "The line `moisson filter --rejects` writes: id, url, reasons; never text.")
      .def("__repr__", [](const pipeline::ProcessedDocument& d) {
        std::string s = "<moisson.Document " + (d.id.empty() ? std::string() : d.id + " ") + filters::VerdictName(d.verdict);
        for (const auto& r : d.reasons) s += " " + r;
        return s + ">";
      });

  py::class_<RecordIterator>(m, "RecordReader", "The records of one dump (Chain.read).")
      .def("__iter__", [](RecordIterator& it) -> RecordIterator& { return it; })
      .def("__next__", &RecordIterator::Next)
      .def_property_readonly("skipped", &RecordIterator::skipped, "records that could not be read")
      .def_property_readonly("issues", &RecordIterator::issues, "the first few, \"FILE: offset N: what\"");

  py::class_<FilterIterator>(m, "FilterRun", "Documents out of Chain.filter(), in input order.")
      .def("__iter__", [](FilterIterator& it) -> FilterIterator& { return it; })
      .def("__next__", &FilterIterator::Next)
      .def_property_readonly("summary", &FilterIterator::summary,
                             "counts so far: documents, kept, modified, dropped, dropped_by_reason, ...")
      .def_property_readonly("run_id", &FilterIterator::run_id, "the ledger run (0 without a ledger)");

  py::class_<PyChain, std::shared_ptr<PyChain>>(m, "Chain",
                                                "The filter chain of `moisson filter`, loaded once, shared by threads.")
      .def(py::init<const py::object&, const py::object&, const py::object&, int>(), py::arg("config") = py::none(),
           py::arg("key") = py::none(), py::arg("registry") = py::none(), py::arg("threads") = 0,
           "config: a moisson.toml (default: built-in defaults); key: the project key (default [project] key); "
           "registry: the opt-out registry (default [project] optout_registry); threads: for process_batch and "
           "filter (0: one per core).")
      .def(
          "process",
          [](const PyChain& c, py::object text, py::object html, py::object url, py::object headers, py::object date,
             py::object id, py::object lang, py::object charset) {
            return c.Process(RecordArgs{text, html, url, headers, date, id, lang, charset});
          },
          py::arg("text") = py::none(), py::kw_only(), py::arg("html") = py::none(), py::arg("url") = py::none(),
          py::arg("headers") = py::none(), py::arg("date") = py::none(), py::arg("id") = py::none(),
          py::arg("lang") = py::none(), py::arg("charset") = py::none(),
          "One document through the chain: text= or html= (str, or bytes with charset= or a Content-Type header).")
      .def("process_batch", &PyChain::ProcessBatch, py::arg("documents"), py::arg("threads") = py::none(),
           "Many documents (dicts, str or Records) on native threads, without the GIL; a list in the same order.")
      .def(
          "filter",
          [](std::shared_ptr<PyChain> c, const py::iterable& items, std::optional<int> threads, std::size_t batch,
             std::optional<bool> dedup, bool dropped, std::string source, const py::object& ledger,
             const py::object& output) {
            return FilterIterator(c, py::iter(items), threads.value_or(c->threads()), batch,
                                  dedup.value_or(c->config().filters.dedup), dropped, std::move(source),
                                  PathArg(ledger), PathArg(output).value_or(""));
          },
          py::arg("documents"), py::kw_only(), py::arg("threads") = py::none(), py::arg("batch") = 256,
          py::arg("dedup") = py::none(), py::arg("dropped") = false, py::arg("source") = "python",
          py::arg("ledger") = py::none(), py::arg("output") = py::none(),
          "A generator step: documents in (dicts, str or Records, any iterable), Documents out in the same order "
          "with `moisson filter`'s ids and dedup; dropped ones only with dropped=True. With ledger=PATH (a SQLite "
          "file or postgresql:// URI), one ledger row per document and a run, as `moisson filter` writes them; "
          "output= names the file the kept documents' json() lines go to, for rights requests.")
      .def(
          "read",
          [](const PyChain& c, const py::object& path) {
            return RecordIterator(PathArg(path).value_or(""), c.fields());
          },
          py::arg("path"), "The records of a dump (JSONL, WARC, WET; gzip or zstd), as `moisson filter` reads them.")
      .def_property_readonly("key_id", &PyChain::key_id)
      .def_property_readonly("model_version", &PyChain::model_version);

  m.def(
      "policy_explain",
      [](const std::string& url, std::optional<std::string> agent, py::object robots, int robots_status,
         py::object ai_txt, py::object tdmrep, py::object headers, py::object html, const py::object& config) {
        Config cfg = LoadConfigArg(config);
        if (agent) {
          if (!IsValidProductToken(*agent)) throw Error("agent must be a product token ([A-Za-z_-]+)");
          cfg.crawler.product_token = *agent;
        }
        policy::ExplainInputs in;
        in.url = url;
        auto opt = [](const py::object& o, const char* what) -> std::optional<std::string> {
          if (o.is_none()) return std::nullopt;
          return Bytes(o, what);
        };
        in.robots = opt(robots, "robots");
        in.robots_status = robots_status;
        in.ai_txt = opt(ai_txt, "ai_txt");
        in.tdmrep = opt(tdmrep, "tdmrep");
        in.headers = HeadersArg(headers);
        if (auto body = opt(html, "html")) in.meta = pipeline::PolicyMetaTagsOf(*body);
        policy::Explanation e;
        {
          const policy::PolicyEngine engine(cfg);
          auto r = policy::Explain(engine, in);
          if (!r.ok()) Raise(r.status());
          e = std::move(r).value();
        }
        if (!e.tdmrep_error.empty()) py::module_::import("warnings").attr("warn")("tdmrep.json: " + e.tdmrep_error);
        return JsonLoads(policy::DecisionJson(e.decision));
      },
      py::arg("url"), py::kw_only(), py::arg("agent") = py::none(), py::arg("robots") = py::none(),
      py::arg("robots_status") = 0, py::arg("ai_txt") = py::none(), py::arg("tdmrep") = py::none(),
      py::arg("headers") = py::none(), py::arg("html") = py::none(), py::arg("config") = py::none(),
      "The decision for one URL and every signal behind it, as `moisson policy explain --json` prints it. "
      "Inputs not given count as not published.");

  m.def(
      "robots_allowed",
      [](const py::object& robots, const std::string& agent, const std::string& url, const std::string& mode) {
        RobotsMode robots_mode;
        if (mode == "google") {
          robots_mode = RobotsMode::kGoogle;
        } else if (mode == "rfc") {
          robots_mode = RobotsMode::kRfc;
        } else {
          throw Error("mode must be \"google\" or \"rfc\", got \"" + mode + "\"");
        }
        const std::string body = Bytes(robots, "robots");
        py::gil_scoped_release release;
        return policy::RobotsTxt::Parse(body, robots_mode).Match(agent, PathParamsQuery(url)).allowed;
      },
      py::arg("robots"), py::arg("agent"), py::arg("url"), py::arg("mode") = "google",
      "May `agent` fetch `url` under this robots.txt? As `moisson robots check`.");
}
