#include "pipeline/runner.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_set>

#include "filters/language.h"

namespace moisson::pipeline {

using filters::Action;
using filters::ActionTable;
using filters::ParseAction;
using filters::Verdict;
namespace {

using Clock = std::chrono::steady_clock;

struct Batch {
  std::uint64_t seq = 0;
  std::vector<io::InputRecord> records;
  // The last batch of an input carries what the input gave.
  std::optional<InputStats> ends_input;
};

struct Done {
  std::vector<ProcessedDocument> docs;
  std::optional<InputStats> ends_input;
};

// Shared state of one run. One mutex: batches are large, so contention is low.
struct State {
  std::mutex mu;
  std::condition_variable work_cv;    // workers wait for batches
  std::condition_variable done_cv;    // the caller waits for results
  std::condition_variable space_cv;   // the reader waits for room
  std::deque<Batch> work;
  std::map<std::uint64_t, Done> done;
  std::size_t in_flight = 0;          // batches read but not yet delivered
  std::size_t max_in_flight = 8;
  bool reader_finished = false;
  std::uint64_t batches_read = 0;
  bool stop = false;                  // the caller gave up
  Status reader_error;
  std::atomic<std::uint64_t> bytes_read{0};
  // Skipped records (reported by readers on the reader thread).
  std::uint64_t skipped = 0;
  std::vector<std::string> skip_messages;
  std::vector<InputStats> inputs;  // filled by the reader thread, read once it has finished
};

bool Cancelled(const RunOptions& run) {
  return run.cancel != nullptr && run.cancel->load(std::memory_order_relaxed);
}

// How messages name an input.
std::string DisplayName(const std::string& path) {
  if (path == "-") return "standard input";
  return io::IsHttpUrl(path) ? io::DisplayUrl(path) : path;
}

// "forum.jsonl" of "data/forum.jsonl"; "stdin" for "-".
std::string_view BaseName(std::string_view path) {
  if (path == "-") return "stdin";
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// The position id of a document: "forum.jsonl:12" (JSONL line 12),
// "pages.warc.gz@4711" (the record at byte 4711).
std::string PositionId(std::string_view file, std::uint64_t line, std::uint64_t offset) {
  std::string id(BaseName(file));
  if (line > 0) return id.append(":").append(std::to_string(line));
  return id.append("@").append(std::to_string(offset));
}

void ReaderThread(const std::vector<std::string>& inputs, io::ReaderOptions options, const RunOptions& run,
                  State* st) {
  std::uint32_t input_index = 0;
  options.on_skip = [st, &input_index](const io::ReadIssue& issue) {
    std::lock_guard<std::mutex> lock(st->mu);
    ++st->skipped;
    InputStats& in = st->inputs[input_index];
    ++in.skipped;
    in.no_text += issue.kind == io::ReadIssue::Kind::kNoText;
    in.damaged += issue.kind == io::ReadIssue::Kind::kDamaged;
    if (st->skip_messages.size() < kMaxSkipMessages) st->skip_messages.push_back(io::IssueText(issue));
  };
  std::uint64_t seq = 0;
  std::uint64_t done_bytes = 0;
  Batch batch;
  std::size_t batch_bytes = 0;
  auto push = [&]() -> bool {
    std::unique_lock<std::mutex> lock(st->mu);
    st->space_cv.wait(lock, [&] { return st->stop || st->in_flight < st->max_in_flight; });
    if (st->stop) return false;
    batch.seq = seq++;
    ++st->in_flight;
    ++st->batches_read;
    st->work.push_back(std::move(batch));
    batch = Batch();
    batch_bytes = 0;
    st->work_cv.notify_one();
    return true;
  };
  auto finish = [&](Status error) {
    std::lock_guard<std::mutex> lock(st->mu);
    st->reader_error = std::move(error);
    st->reader_finished = true;
    st->work_cv.notify_all();
    st->done_cv.notify_all();
  };
  for (input_index = 0; input_index < inputs.size(); ++input_index) {
    const std::string& path = inputs[input_index];
    auto reader = io::OpenReader(path, options);
    if (!reader.ok()) return finish(reader.status());
    while (true) {
      if (Cancelled(run)) return finish(Status::Interrupted("interrupted"));
      io::InputRecord rec;
      Result<bool> more = (*reader)->Next(&rec);
      if (!more.ok()) return finish(more.status());
      st->bytes_read.store(done_bytes + (*reader)->bytes_read(), std::memory_order_relaxed);
      if (!more.value()) break;
      batch_bytes += rec.content.size();
      batch.records.push_back(std::move(rec));
      ++st->inputs[input_index].documents;  // this thread alone writes it; read after join
      if (batch.records.size() >= run.batch_records || batch_bytes >= run.batch_bytes) {
        if (!push()) return finish(Status::Ok());
      }
    }
    done_bytes += (*reader)->bytes_read();
    if (run.on_input_done) {  // the input's last batch, even empty, tells the caller it is whole
      {
        std::lock_guard<std::mutex> lock(st->mu);
        batch.ends_input = st->inputs[input_index];
      }
      if (!push()) return finish(Status::Ok());
    }
  }
  if (!batch.records.empty() && !push()) return finish(Status::Ok());
  finish(Status::Ok());
}

void WorkerThread(const Processor& processor, State* st) {
  while (true) {
    Batch batch;
    {
      std::unique_lock<std::mutex> lock(st->mu);
      st->work_cv.wait(lock, [&] { return st->stop || !st->work.empty() || st->reader_finished; });
      if (st->stop) return;
      if (st->work.empty()) return;  // reader finished and nothing left
      batch = std::move(st->work.front());
      st->work.pop_front();
    }
    Done done;
    done.ends_input = std::move(batch.ends_input);
    done.docs.reserve(batch.records.size());
    for (io::InputRecord& rec : batch.records) {
      done.docs.push_back(processor.Process(rec));  // ids are made unique in input order, by the caller's thread
      std::string().swap(rec.content);  // free the input early
    }
    std::lock_guard<std::mutex> lock(st->mu);
    st->done.emplace(batch.seq, std::move(done));
    st->done_cv.notify_all();
  }
}

std::uint64_t FileSize(const std::string& path) {
  struct stat sb;
  return ::stat(path.c_str(), &sb) == 0 ? static_cast<std::uint64_t>(sb.st_size) : 0;
}

}  // namespace

void RunSequencer::Admit(ProcessedDocument* doc, RunSummary* summary) {
  auto TakeId = [this](std::string_view id) { return ids_.insert(std::hash<std::string_view>()(id)).second; };
  if (doc->id.empty() || !TakeId(doc->id)) {
    const bool repeated = !doc->id.empty();
    const std::string base = PositionId(doc->source_file, doc->line, doc->offset);
    std::string id = base;
    for (int k = 2; !TakeId(id); ++k) id = base + "~" + std::to_string(k);
    if (repeated) {
      ++summary->repeated_ids;
      if (summary->repeated_id_messages.size() < kMaxSkipMessages) {
        summary->repeated_id_messages.push_back(io::RecordPosition(doc->source_file, doc->offset, doc->line) +
                                                ": its id was already given to an earlier document of this run; "
                                                "written as " + id);
      }
    }
    doc->id = std::move(id);
  }
  if (dedup_ && doc->verdict != Verdict::kDrop && !seen_.insert(doc->text_sha256).second) {
    doc->verdict = Verdict::kDrop;
    doc->reasons = {"duplicate"};
    doc->text.clear();
    doc->title.clear();
  }
  ++summary->documents;
  summary->uncovered_language += HasReason(*doc, filters::kUncoveredLanguageReason);
  if (doc->verdict != Verdict::kDrop) summary->metadata_withheld += doc->metadata_withheld;
  summary->sites_judged += doc->sites_checked;
  summary->sites_unknown += doc->sites_checked && !doc->sites_known;
  switch (doc->verdict) {
    case Verdict::kKeep: ++summary->kept; break;
    case Verdict::kModify: ++summary->modified; break;
    case Verdict::kDrop:
      ++summary->dropped;
      for (const auto& r : doc->reasons) ++summary->dropped_by_reason[r];
      break;
  }
  for (const auto& ad : doc->detections) ++summary->detections_by_category[std::string(filters::CategoryId(ad.detection.category))];
}

Result<RunSummary> RunPipeline(const Processor& processor, const std::vector<std::string>& inputs,
                               const io::ReaderOptions& reader_options, const RunOptions& options) {
  const auto start = Clock::now();
  int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::clamp(threads, 1, 256);
  State st;
  st.max_in_flight = static_cast<std::size_t>(threads) * 3 + 2;
  st.inputs.resize(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) st.inputs[i].path = inputs[i];

  Progress progress;
  for (const auto& p : inputs) progress.bytes_total += FileSize(p);

  std::thread reader(ReaderThread, std::cref(inputs), reader_options, std::cref(options), &st);
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) workers.emplace_back(WorkerThread, std::cref(processor), &st);

  RunSummary summary;
  Status failure;
  RunSequencer sequencer(options.dedup);
  auto last_progress = Clock::now();
  std::uint64_t next = 0;
  while (true) {
    Done done;
    {
      std::unique_lock<std::mutex> lock(st.mu);
      const auto ready = [&] {
        return st.done.count(next) > 0 || (st.reader_finished && next >= st.batches_read);
      };
      if (options.on_progress) {
        st.done_cv.wait_for(lock, std::chrono::milliseconds(options.progress_interval_ms), ready);
      } else {
        st.done_cv.wait(lock, ready);
      }
      auto it = st.done.find(next);
      if (it == st.done.end()) {
        if (st.reader_finished && next >= st.batches_read) break;
      } else {
        done = std::move(it->second);
        st.done.erase(it);
        --st.in_flight;
        ++next;
        st.space_cv.notify_one();
      }
    }
    for (ProcessedDocument& doc : done.docs) {
      sequencer.Admit(&doc, &summary);
      if (options.on_document && failure.ok()) failure = options.on_document(doc);
    }
    if (done.ends_input && failure.ok()) failure = options.on_input_done(*done.ends_input);
    if (!failure.ok()) break;
    if (Cancelled(options)) {
      failure = Status::Interrupted("interrupted");
      break;
    }
    if (options.on_progress && Clock::now() - last_progress >= std::chrono::milliseconds(options.progress_interval_ms)) {
      last_progress = Clock::now();
      progress.bytes_read = st.bytes_read.load(std::memory_order_relaxed);
      progress.documents = summary.documents;
      progress.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      options.on_progress(progress);
    }
  }
  {
    std::lock_guard<std::mutex> lock(st.mu);
    st.stop = true;
    st.work_cv.notify_all();
    st.space_cv.notify_all();
  }
  reader.join();
  for (auto& w : workers) w.join();

  summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  summary.input_bytes = st.bytes_read.load();
  summary.skipped_records = st.skipped;
  summary.skip_messages = st.skip_messages;
  summary.inputs = std::move(st.inputs);
  if (options.on_progress) {
    progress.bytes_read = summary.input_bytes;
    progress.documents = summary.documents;
    progress.seconds = summary.seconds;
    options.on_progress(progress);
  }
  if (!failure.ok()) return failure;
  // Stopped: whatever the reader met on its way out (a download cut short) is the stop's.
  if (Cancelled(options)) return Status::Interrupted("interrupted");
  if (!st.reader_error.ok()) return st.reader_error;
  return summary;
}

Result<LossLimit> ParseLossLimit(std::string_view text) {
  LossLimit limit;
  const bool rate = !text.empty() && text.back() == '%';
  std::string_view digits = rate ? text.substr(0, text.size() - 1) : text;
  const std::string bad = "--max-skipped: '" + std::string(text) + "' is neither a number of records (100) nor a rate (0.5%)";
  if (digits.empty() || digits.size() > 18) return Status::InvalidArgument(bad);
  std::size_t dots = 0;
  for (char c : digits) {
    if (c == '.') ++dots;
    else if (c < '0' || c > '9') return Status::InvalidArgument(bad);
  }
  if (dots > (rate ? 1u : 0u) || digits.front() == '.' || digits.back() == '.') return Status::InvalidArgument(bad);
  if (rate) {
    const double p = std::stod(std::string(digits));
    if (p > 100) return Status::InvalidArgument("--max-skipped: a rate is at most 100%");
    limit.max_rate = p / 100;
    limit.max_count = UINT64_MAX;
  } else {
    limit.max_count = std::stoull(std::string(digits));
  }
  return limit;
}

Status CheckLoss(const RunSummary& s, const LossLimit& limit, std::string_view text_field) {
  const std::string field(text_field);
  for (const InputStats& in : s.inputs) {
    const std::string name = DisplayName(in.path);
    if (in.documents == 0 && in.skipped > 0 && in.no_text == in.skipped) {
      return Status::InvalidArgument(name + ": no line has the '" + field + "' field (" + std::to_string(in.skipped) +
                                     " line" + (in.skipped == 1 ? "" : "s") +
                                     " read): name the field that holds the text with --text-field");
    }
    if (in.documents == 0 && !limit.allow_empty) {
      return Status::InvalidArgument(name + ": no document could be read from it" +
                                     (in.skipped > 0 ? " (" + std::to_string(in.skipped) + " unreadable)" : std::string()) +
                                     "; --allow-empty accepts an input that yields nothing");
    }
    const std::uint64_t total = in.documents + in.skipped;
    if (limit.max_rate >= 0 && in.skipped > 0 && static_cast<double>(in.skipped) > limit.max_rate * static_cast<double>(total)) {
      return Status::InvalidArgument(name + ": " + std::to_string(in.skipped) + " of " + std::to_string(total) +
                                     " records could not be read" +
                                     (in.damaged > 0 ? " (the file is damaged: what it held after the damage is lost, "
                                                       "however many records that was)"
                                                     : "") +
                                     ", more than --max-skipped allows");
    }
  }
  const std::uint64_t total = s.documents + s.skipped_records;
  if (s.skipped_records > limit.max_count ||
      (limit.max_rate >= 0 && s.skipped_records > 0 &&
       static_cast<double>(s.skipped_records) > limit.max_rate * static_cast<double>(total))) {
    std::string which;
    for (const InputStats& in : s.inputs) {
      if (in.skipped == 0) continue;
      if (!which.empty()) which += ", ";
      which += DisplayName(in.path) + " " + std::to_string(in.skipped) +
               (in.damaged > 0 ? " (damaged: what follows the damage is lost)" : "");
    }
    return Status::InvalidArgument(std::to_string(s.skipped_records) + " of " + std::to_string(total) +
                                   " records could not be read (" + which +
                                   "); --max-skipped N or P% accepts that loss");
  }
  return Status::Ok();
}

}  // namespace moisson::pipeline
