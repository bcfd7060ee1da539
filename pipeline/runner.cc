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

namespace moisson::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

struct Batch {
  std::uint64_t seq = 0;
  std::vector<io::InputRecord> records;
};

struct Done {
  std::vector<ProcessedDocument> docs;
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
};

void ReaderThread(const std::vector<std::string>& inputs, io::ReaderOptions options, const RunOptions& run,
                  State* st) {
  options.on_skip = [st](const io::ReadIssue& issue) {
    std::lock_guard<std::mutex> lock(st->mu);
    ++st->skipped;
    if (st->skip_messages.size() < kMaxSkipMessages) {
      std::string m = issue.file + ": offset " + std::to_string(issue.offset);
      if (issue.line > 0) m += " (line " + std::to_string(issue.line) + ")";
      st->skip_messages.push_back(m + ": " + issue.message);
    }
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
  for (const std::string& path : inputs) {
    auto reader = io::OpenReader(path, options);
    if (!reader.ok()) return finish(reader.status());
    while (true) {
      io::InputRecord rec;
      Result<bool> more = (*reader)->Next(&rec);
      if (!more.ok()) return finish(more.status());
      st->bytes_read.store(done_bytes + (*reader)->bytes_read(), std::memory_order_relaxed);
      if (!more.value()) break;
      batch_bytes += rec.content.size();
      batch.records.push_back(std::move(rec));
      if (batch.records.size() >= run.batch_records || batch_bytes >= run.batch_bytes) {
        if (!push()) return finish(Status::Ok());
      }
    }
    done_bytes += (*reader)->bytes_read();
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
    done.docs.reserve(batch.records.size());
    for (io::InputRecord& rec : batch.records) {
      ProcessedDocument doc = processor.Process(rec);
      if (doc.id.empty()) {
        // SPEC: the input's id, else the WARC-Record-ID, else the line number.
        doc.id = rec.line > 0 ? std::to_string(rec.line) : "offset:" + std::to_string(rec.offset);
      }
      done.docs.push_back(std::move(doc));
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

Result<RunSummary> RunPipeline(const Processor& processor, const std::vector<std::string>& inputs,
                               const io::ReaderOptions& reader_options, const RunOptions& options) {
  const auto start = Clock::now();
  int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  threads = std::clamp(threads, 1, 256);
  State st;
  st.max_in_flight = static_cast<std::size_t>(threads) * 3 + 2;

  Progress progress;
  for (const auto& p : inputs) progress.bytes_total += FileSize(p);

  std::thread reader(ReaderThread, std::cref(inputs), reader_options, std::cref(options), &st);
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) workers.emplace_back(WorkerThread, std::cref(processor), &st);

  RunSummary summary;
  Status failure;
  std::unordered_set<std::string> seen;  // SHA-256 of kept texts (--dedup)
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
      if (options.dedup && doc.verdict != Verdict::kDrop && !seen.insert(doc.text_sha256).second) {
        doc.verdict = Verdict::kDrop;
        doc.reasons = {"duplicate"};
        doc.text.clear();
        doc.title.clear();
      }
      ++summary.documents;
      switch (doc.verdict) {
        case Verdict::kKeep: ++summary.kept; break;
        case Verdict::kModify: ++summary.modified; break;
        case Verdict::kDrop:
          ++summary.dropped;
          for (const auto& r : doc.reasons) ++summary.dropped_by_reason[r];
          break;
      }
      for (const auto& ad : doc.detections) ++summary.detections_by_category[std::string(filters::CategoryId(ad.detection.category))];
      if (options.on_document && failure.ok()) failure = options.on_document(doc);
    }
    if (!failure.ok()) break;
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
  if (options.on_progress) {
    progress.bytes_read = summary.input_bytes;
    progress.documents = summary.documents;
    progress.seconds = summary.seconds;
    options.on_progress(progress);
  }
  if (!failure.ok()) return failure;
  if (!st.reader_error.ok()) return st.reader_error;
  return summary;
}

}  // namespace moisson::pipeline
