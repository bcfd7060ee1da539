#include "crawler/crawler.h"

#include "crawler/crawl_internal.h"

#include <sstream>

namespace moisson::crawler {
namespace internal {

Status Crawl::Open() {
  if (::mkdir(opts_.out_dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::Io(opts_.out_dir + ": cannot create the output folder");
  }
  const std::string state_path = opts_.out_dir + "/crawl-state.sqlite";
  auto st = CrawlState::Open(state_path, !opts_.resume);
  if (!st.ok()) return st.status();
  state_ = std::move(st).value();
  if (!opts_.resume) {
    // The seeds' sites are the crawl's scope, kept with its options.
    std::unordered_set<std::string> sites;
    for (const auto& s : opts_.seeds) {
      auto n = NormaliseUrl(s);
      if (!n.ok()) return Status::InvalidArgument("seed " + s + ": " + n.status().message());
      auto u = ParseHttpUrl(n.value());
      if (!u.ok()) return u.status();
      auto h = blocklists::NormaliseHost(u->host);
      if (!h.ok()) return Status::InvalidArgument("seed " + s + ": " + h.status().message());
      std::string site = blocklists::SiteOf(h.value());
      if (sites.insert(site.empty() ? h.value() : site).second) {
        opts_.scope_sites.push_back(site.empty() ? h.value() : std::move(site));
      }
    }
    pending_.meta.emplace_back("options", opts_.ToText());
  }
  // Recorded at every start (a state from before they were kept gets them on its first resume).
  pending_.meta.emplace_back("ledger", parts_.ledger_name);
  pending_.meta.emplace_back("key_id", parts_.key_id);
  scope_sites_.insert(opts_.scope_sites.begin(), opts_.scope_sites.end());
  for (const auto& d : opts_.allow_domains) {
    auto h = blocklists::NormaliseHost(d);
    if (!h.ok()) return Status::InvalidArgument("--allow-domain " + d + ": " + h.status().message());
    scope_sites_.insert(h.value());
  }
  // Site verdicts of the crawl so far: "site\tevidence" lines.
  {
    auto v = state_->Meta("adult_sites");
    if (!v.ok()) return v.status();
    if (v.value()) {
      std::stringstream lines(*v.value());
      for (std::string line; std::getline(lines, line);) {
        const std::size_t tab = line.find('\t');
        if (tab != std::string::npos) adult_sites_[line.substr(0, tab)] = line.substr(tab + 1);
      }
    }
  }
  // Outputs, at the positions the last checkpoint recorded.
  auto position = [&](const char* key) -> Result<std::optional<io::ShardPosition>> {
    auto v = state_->Meta(key);
    if (!v.ok()) return v.status();
    if (!v.value()) return std::optional<io::ShardPosition>();
    io::ShardPosition p;
    unsigned long long bytes = 0;
    unsigned shard = 0;
    if (std::sscanf(v.value()->c_str(), "%u %llu", &shard, &bytes) != 2) {
      return Status::InvalidArgument(state_->path() + ": bad output position '" + *v.value() + "'");
    }
    p.shard = shard;
    p.bytes = bytes;
    return std::optional<io::ShardPosition>(p);
  };
  io::ShardOptions so;
  so.dir = opts_.out_dir;
  so.prefix = "pages";
  so.zstd = opts_.zstd;
  so.max_shard_bytes = opts_.shard_bytes;
  auto pos = position("shards");
  if (!pos.ok()) return pos.status();
  auto sw = io::ShardWriter::Open(so, pos.value());
  if (!sw.ok()) return sw.status();
  shards_ = std::move(sw).value();
  if (opts_.warc) {
    io::ShardOptions wo = so;
    wo.dir = opts_.out_dir + "/warc";
    wo.prefix = "crawl";
    wo.zstd = false;
    auto wpos = position("warc");
    if (!wpos.ok()) return wpos.status();
    auto ww = io::WarcWriter::Open(wo, wpos.value(), parts_.user_agent);
    if (!ww.ok()) return ww.status();
    warc_ = std::move(ww).value();
  }
  auto r = parts_.ledger->BeginRun(opts_.resume ? "crawl --resume" : "crawl", parts_.key_id);
  if (!r.ok()) return r.status();
  run_ = r.value();
  return LoadState();
}

Status Crawl::LoadState() {
  if (!opts_.frontier.empty()) {
    if (opts_.resume) {
      return Status::InvalidArgument("--frontier: a crawl on a shared frontier is not resumed with --resume; the other "
                                     "processes take over its sites, or start a new process with a new -o");
    }
    SharedFrontierOptions fo;
    fo.conninfo = opts_.frontier;
    fo.rank = opts_.frontier_rank;
    fo.world_size = opts_.frontier_world;
    fo.lease_seconds = opts_.frontier_lease;
    auto f = SharedFrontier::Open(fo);
    if (!f.ok()) return f.status();
    frontier_ = std::move(f).value();
  }
  // A new crawl starts from its seeds (checked in Open); a resumed one from its state.
  if (!opts_.resume) {
    for (const auto& s : opts_.seeds) Admit(NormaliseUrl(s).value(), 0, 0, true);
    std::vector<std::string>().swap(opts_.seeds);  // in the frontier and the state now
    return Status::Ok();
  }
  auto hosts = state_->Hosts();
  if (!hosts.ok()) return hosts.status();
  const std::int64_t now = std::time(nullptr);
  std::vector<HostRow> fresh;
  for (auto& row : hosts.value()) {
    if (row.fetched_at + row.lifetime > now) fresh.push_back(std::move(row));
  }
  std::vector<UrlRow> todo;
  Status st = state_->ForEachUrl([&](UrlRow&& r) {
    next_id_ = std::max(next_id_, r.id + 1);
    seen_.Insert(r.kind == kCredentialLink ? CredentialLinkKey(r.url) : r.url);
    if (r.kind == 1) {
      if (!r.done) todo.push_back(std::move(r));
      return;
    }
    ++stats_.admitted;
    if (auto u = ParseHttpUrl(r.url); u.ok()) {
      if (auto h = blocklists::NormaliseHost(u->host); h.ok()) ++site_admitted_[blocklists::SiteOf(h.value())];
    }
    if (!r.done) todo.push_back(std::move(r));
  });
  if (!st.ok()) return st;
  for (auto& r : todo) Admit(r.url, r.depth, r.hops, true, r.id, r.kind);
  // Policy files still fresh are reused, not fetched again.
  for (auto& row : fresh) {
    auto it = hosts_.find(row.origin);
    if (it == hosts_.end()) continue;
    it->second->row = std::move(row);
    ApplyPolicy(it->second.get());
    Reschedule(it->second.get());
  }
  return Status::Ok();
}

bool Crawl::InScope(const std::string& host, const std::string& site) const {
  if (scope_sites_.count(site) || scope_sites_.count(host)) return true;
  for (const auto& d : scope_sites_) {
    if (host.size() > d.size() && host.compare(host.size() - d.size(), d.size(), d) == 0 &&
        host[host.size() - d.size() - 1] == '.') {
      return true;
    }
  }
  return false;
}

Crawl::Admission Crawl::Admit(const std::string& url, int depth, int hops, bool seed, std::int64_t resume_id,
                              int kind, bool claimed) {
  if (kind == 0 && depth > opts_.max_depth) return Admission::kTooDeep;
  if (frontier_ && !claimed && resume_id == 0) {
    // Handed to the shared frontier; its site's owner (maybe this process) claims it.
    auto u = ParseHttpUrl(url);
    std::string host_name, site;
    if (!u.ok() || !HostAndSite(u.value(), &host_name, &site)) return Admission::kInvalid;
    if (!seed && !InScope(host_name, site)) return Admission::kOutOfScope;
    if (!frontier_pushed_.insert(url).second) return Admission::kSeen;
    frontier_out_.push_back({url, site, depth, hops, kind});
    return Admission::kAdmitted;
  }
  if (resume_id == 0 && seen_.Contains(url)) return Admission::kSeen;  // most links: cheap way out
  auto u = ParseHttpUrl(url);
  std::string host_name, site;
  if (!u.ok() || !HostAndSite(u.value(), &host_name, &site)) return Admission::kInvalid;
  Item item;
  item.url = url;
  item.depth = depth;
  item.hops = hops;
  item.kind = kind;
  if (resume_id == 0) {
    if (!seed && !InScope(host_name, site)) return Admission::kOutOfScope;
    // Sitemaps are not pages: they do not use the budget.
    if (kind == 0 && !WithinBudget(site)) return Admission::kBudget;
    if (!seen_.Insert(url)) return Admission::kSeen;
    item.id = next_id_++;
    if (claimed) claimed_[item.id] = url;
    pending_.new_urls.push_back({item.id, url, depth, hops, false, kind});
    if (kind == 0) {
      ++stats_.admitted;
      ++site_admitted_[site];
    }
  } else {
    item.id = resume_id;
  }
  // Before any DNS lookup: the site lists, then the opt-out registry, then
  // what this crawl judged of the site's pages.
  auto refusal = ListRefusal(url);
  if (!refusal) refusal = SiteVerdict(site);
  if (refusal) {
    Record(item, site, "drop", {std::move(refusal->reason)}, 0, false, std::move(refusal->signal));
    MarkDone(item.id);
    return Admission::kBlocked;
  }
  Host* host = HostFor(u.value(), site);
  host->queue.push_back(std::move(item));
  ++queued_;
  Reschedule(host);
  return Admission::kAdmitted;
}

void Crawl::MarkDone(std::int64_t id) {
  pending_.done.push_back(id);
  if (frontier_) {
    const auto it = claimed_.find(id);
    if (it != claimed_.end()) {
      pending_frontier_done_.push_back(std::move(it->second));
      claimed_.erase(it);
    }
  }
}

std::optional<Crawl::Refusal> Crawl::SiteVerdict(const std::string& site) const {
  const auto it = adult_sites_.find(site);
  if (it == adult_sites_.end()) return std::nullopt;
  return Refusal{"content.adult_site", "site judged pornographic from " + it->second};
}

bool Crawl::HostAndSite(const HttpUrl& u, std::string* host, std::string* site) {
  auto h = blocklists::NormaliseHost(u.host);
  if (!h.ok()) return false;
  *host = std::move(h).value();
  *site = blocklists::SiteOf(*host);
  if (site->empty()) *site = *host;
  return true;
}

bool Crawl::WithinBudget(const std::string& site) {
  if (opts_.max_pages > 0 && stats_.admitted >= opts_.max_pages) return false;
  return opts_.max_pages_per_site == 0 || site_admitted_[site] < opts_.max_pages_per_site;
}

// The site lists, then the registry's site-owner and person URL opt-outs:
// what refuses a URL before any DNS lookup, for pages, redirect targets and
// the redirects of an origin's policy files alike.
// The chain's own source judgements (pipeline/stages.h): the crawl's chain
// leaves them out (ChainRequest::sources_judged), so each URL is asked once.
std::optional<Crawl::Refusal> Crawl::ListRefusal(const std::string& url) const {
  auto parsed = blocklists::ParseSiteUrl(url);
  if (!parsed.ok()) {  // what a guard cannot read, it does not wave through
    if (parts_.site_lists) return Refusal{"blocklist.invalid-url", " "};
    return std::nullopt;
  }
  std::optional<pipeline::SourceRefusal> r;
  if (parts_.site_lists) r = pipeline::SiteListRefusal(*parts_.site_lists, parsed.value());
  if (!r && parts_.registry) r = pipeline::UrlOptOutRefusal(*parts_.registry, parsed.value());
  if (!r) return std::nullopt;
  return Refusal{std::move(r->reason), std::move(r->signal)};
}

// A policy phase starts at the origin's own file, with no redirect yet.
void Crawl::EnterPhase(Host* h, Phase phase) {
  h->phase = phase;
  h->policy_hops = 0;
  switch (phase) {
    case Phase::kRobots: h->policy_url = h->origin_url + "/robots.txt"; break;
    case Phase::kAiTxt: h->policy_url = h->origin_url + "/ai.txt"; break;
    case Phase::kTdmrep: h->policy_url = h->origin_url + "/.well-known/tdmrep.json"; break;
    case Phase::kReady: h->policy_url.clear(); break;
  }
}

Crawl::Host* Crawl::HostFor(const HttpUrl& u, const std::string& site) {
  std::string origin = u.scheme + "://" + u.host + ":" + std::to_string(u.port);
  auto it = hosts_.find(origin);
  if (it != hosts_.end()) return it->second.get();
  auto h = std::make_unique<Host>();
  h->origin = origin;
  h->site = site;
  h->delay = h->base_delay = opts_.delay;
  h->origin_url = u.Origin();
  h->robots_url = h->origin_url + "/robots.txt";
  EnterPhase(h.get(), Phase::kRobots);
  h->row.origin = origin;
  Host* p = h.get();
  hosts_.emplace(std::move(origin), std::move(h));
  ++stats_.hosts;
  return p;
}

void Crawl::Reschedule(Host* h) {
  if (h->scheduled) {
    ready_.erase({h->scheduled_at, h});
    h->scheduled = false;
  }
  if (stopping_ || done_ || h->queue.empty() || h->in_flight >= opts_.per_host || h->policy_in_flight) return;
  if (h->phase != Phase::kReady && h->in_flight > 0) return;  // policy files first, one at a time
  h->scheduled = true;
  h->scheduled_at = h->next;
  ready_.insert({h->next, h});
  ArmPump();
}

// One pending Pump at a time: a posted one when a host is due now, else one
// timer for the earliest host (re-armed only when an earlier host appears).
void Crawl::ArmPump() {
  if (ready_.empty() || done_) return;
  const auto when = ready_.begin()->first;
  if (when <= Clock::now()) {
    if (!pump_posted_) {
      pump_posted_ = true;
      asio::post(io_, [this] { Pump(); });
    }
    return;
  }
  if (pump_armed_ && pump_armed_at_ <= when) return;
  pump_armed_ = true;
  pump_armed_at_ = when;
  pump_timer_.expires_at(when);
  pump_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;  // re-armed or cancelled
    pump_armed_ = false;
    Pump();
  });
}

void Crawl::Pump() {
  pump_posted_ = false;
  if (stopping_ || done_) return;
  const auto now = Clock::now();
  while (!ready_.empty() && in_flight_ < opts_.concurrency) {
    auto first = ready_.begin();
    if (first->first > now) break;
    Host* h = first->second;
    ready_.erase(first);
    h->scheduled = false;
    Dispatch(h);
    Reschedule(h);
  }
  if (in_flight_ < opts_.concurrency) ArmPump();
  MaybeFinish();
}

bool Crawl::Dispatch(Host* h) {
  const std::int64_t now = std::time(nullptr);
  if (h->phase == Phase::kReady && h->row.fetched_at + h->row.lifetime <= now) {  // the cache entry expired
    EnterPhase(h, Phase::kRobots);
  }
  if (h->phase != Phase::kReady) {
    StartPolicyFetch(h);
    return true;
  }
  if (opts_.policy_only) {  // the origin's files are read: its pages are not asked for
    while (!h->queue.empty()) {
      MarkDone(h->queue.front().id);
      h->queue.pop_front();
      --queued_;
    }
    return false;
  }
  // Politeness is per request sent: URLs the policy refuses cost nothing.
  while (!h->queue.empty()) {
    Item item = std::move(h->queue.front());
    h->queue.pop_front();
    --queued_;
    // A page of the site was judged pornographic after this URL was queued.
    if (auto verdict = SiteVerdict(h->site)) {
      Record(item, h->site, "drop", {std::move(verdict->reason)}, 0, false, std::move(verdict->signal));
      MarkDone(item.id);
      continue;
    }
    const policy::Decision d = parts_.policy->Decide(*h->site_policy, item.url, policy::PageSignals{});
    if (!d.collect) {
      std::vector<std::string> reasons;
      for (const auto& r : d.reasons) {
        if (policy::IsObjection(r)) reasons.push_back("policy." + r);
      }
      if (reasons.empty()) reasons.push_back("policy.refused");
      std::string signal = policy::BlockingSignal(d);
      // robots.txt was not read because a check refused it (its connect address, a redirect's
      // target): the signal says which, where the policy engine only knows "network error".
      if (!h->row.robots_refusal.empty() &&
          h->site_policy->robots_verdict == policy::RobotsFetchVerdict::kDisallowAll) {
        signal = "robots.txt " + h->row.robots_refusal + ": unreachable, complete disallow";
      }
      Record(item, h->site, "drop", std::move(reasons), 0, false, std::move(signal));
      MarkDone(item.id);
      continue;
    }
    StartPageFetch(h, std::move(item));
    return true;
  }
  return false;
}

// A checkpoint in three steps: 1. the outputs made durable up to here (on the
// loop: the writers are the loop's); 2. the ledger rows of the pages finished
// since the last one; 3. the state transaction that records those pages as
// done and the output positions. 2 and 3 run on the commit thread so that
// the loop keeps fetching while SQLite writes; one checkpoint at a time.
Result<std::shared_ptr<Crawl::CheckpointJob>> Crawl::PrepareCheckpoint() {
  auto job = std::make_shared<CheckpointJob>();
  auto pos = shards_->Checkpoint();
  if (!pos.ok()) return pos.status();
  pending_.meta.emplace_back("shards", std::to_string(pos->shard) + " " + std::to_string(pos->bytes));
  if (warc_) {
    auto wpos = warc_->Checkpoint();
    if (!wpos.ok()) return wpos.status();
    pending_.meta.emplace_back("warc", std::to_string(wpos->shard) + " " + std::to_string(wpos->bytes));
  }
  for (Host* h : dirty_hosts_) pending_.hosts.push_back(h->row);
  dirty_hosts_.clear();
  pending_.meta.emplace_back("stats", Snapshot().Json());
  job->rows = std::move(pending_rows_);
  job->data = std::move(pending_);
  job->frontier_done = std::move(pending_frontier_done_);
  pending_frontier_done_.clear();
  pending_rows_.clear();
  pending_ = CheckpointData();
  return job;
}

Status Crawl::CommitCheckpoint(const CheckpointJob& job) {
  if (!job.rows.empty()) {
    if (Status st = parts_.ledger->Append(run_, job.rows); !st.ok()) return st;
  }
  return state_->Commit(job.data);
}

void Crawl::OnCheckpointTimer() {
  if (done_) return;
  if (!checkpointing_) {
    auto job = PrepareCheckpoint();
    if (!job.ok()) return Fail(job.status());
    checkpointing_ = true;
    asio::post(commit_pool_, [this, job = std::move(job).value()] {
      Status st = CommitCheckpoint(*job);
      asio::post(io_, [this, st = std::move(st), done = std::move(job->frontier_done)]() mutable {
        checkpointing_ = false;
        if (!st.ok()) return Fail(st);
        frontier_done_.insert(frontier_done_.end(), done.begin(), done.end());
        if (finish_waiting_) {
          finish_waiting_ = false;
          MaybeFinish();
        }
      });
    });
  }
  checkpoint_timer_.expires_after(std::chrono::milliseconds(static_cast<long>(opts_.checkpoint_seconds * 1000)));
  checkpoint_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) OnCheckpointTimer();
  });
}

CrawlStats Crawl::Snapshot() {
  stats_.queued = queued_;
  stats_.zstd = opts_.zstd;
  stats_.warc = opts_.warc;
  stats_.in_flight = static_cast<std::uint64_t>(in_flight_);
  stats_.seconds = std::chrono::duration<double>(Clock::now() - started_).count();
  stats_.cpu_seconds = CpuSeconds() - cpu_at_start_;
  return stats_;
}

void Crawl::OnStatusTimer() {
  if (done_) return;
  if (on_status_) on_status_(Snapshot());
  status_timer_.expires_after(std::chrono::seconds(1));
  status_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) OnStatusTimer();
  });
}

void Crawl::Fail(Status st) {
  if (!error_.ok()) return;
  error_ = std::move(st);
  stopping_ = true;
  done_ = true;
  fetcher_.CancelAll();
  io_.stop();
}

void Crawl::Stop(const char* why) {
  if (stopping_) return;
  stopping_ = true;
  stats_.stop_reason = why;
  for (auto& [o, h] : hosts_) Reschedule(h.get());  // takes them out of the ready set
  // In-flight requests get a few seconds to finish; then they are cancelled (and fetched on resume).
  grace_timer_.expires_after(std::chrono::seconds(5));
  grace_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) fetcher_.CancelAll();
  });
  MaybeFinish();
}

void Crawl::MaybeFinish() {
  if (done_ || in_flight_ > 0 || processing_ > 0) return;
  if (!stopping_ && queued_ > 0) return;
  // With a shared frontier, an idle process is done only when the whole
  // crawl is (FrontierTick), or when it is stopped.
  if (frontier_ && !stopping_ && !frontier_drained_) return;
  if (checkpointing_) {  // the last checkpoint comes after the one being committed
    finish_waiting_ = true;
    return;
  }
  done_ = true;
  stats_.finished = !stopping_;
  pending_.meta.emplace_back("finished", stats_.finished ? "1" : "0");
  auto job = PrepareCheckpoint();
  if (!job.ok()) {
    error_ = job.status();
  } else if (Status st = CommitCheckpoint(*job.value()); !st.ok()) {
    error_ = st;
  } else if (Status f = frontier_ ? FinishFrontier(job.value()->frontier_done) : Status::Ok(); !f.ok()) {
    error_ = f;
  } else if (Status c = shards_->Close(); !c.ok()) {
    error_ = c;
  } else if (warc_) {
    if (Status w = warc_->Close(); !w.ok()) error_ = w;
  }
  if (error_.ok()) {
    if (Status e = parts_.ledger->EndRun(run_, Snapshot().Json()); !e.ok()) error_ = e;
  }
  pump_timer_.cancel();
  checkpoint_timer_.cancel();
  status_timer_.cancel();
  grace_timer_.cancel();
  frontier_timer_.cancel();
  signals_.cancel();
  io_.stop();
}

// The last word of a process on the shared frontier (finished or stopped):
// the links its last pages found go in before those pages are marked done,
// so that none is lost to the other processes.
Status Crawl::FinishFrontier(const std::vector<std::string>& last_done) {
  if (Status st = frontier_->Add(frontier_out_); !st.ok()) return st;
  frontier_out_.clear();
  frontier_done_.insert(frontier_done_.end(), last_done.begin(), last_done.end());
  Status st = frontier_->Done(frontier_done_);
  frontier_done_.clear();
  return st;
}

Status Crawl::FrontierTick() {
  if (Status st = frontier_->Add(frontier_out_); !st.ok()) return st;
  frontier_out_.clear();
  if (Status st = frontier_->Done(frontier_done_); !st.ok()) return st;
  frontier_done_.clear();
  if (stopping_) return Status::Ok();
  // Claim while the local queue is short; a claimed URL the local checks
  // turn away (depth, budget) is done at once.
  const std::size_t want = queued_ < 1000 ? 500 : 0;
  auto claimed = frontier_->Claim(want);
  if (!claimed.ok()) return claimed.status();
  for (const FrontierUrl& f : *claimed) {
    const Admission a = Admit(f.url, f.depth, f.hops, false, 0, f.kind, true);
    if (a != Admission::kAdmitted && a != Admission::kBlocked) frontier_done_.push_back(f.url);
  }
  const bool idle = queued_ == 0 && in_flight_ == 0 && processing_ == 0 && frontier_out_.empty() && claimed->empty();
  if (!idle || checkpointing_) return Status::Ok();
  // Idle: make what is done durable and say so, then ask whether anything is left anywhere.
  if (!pending_.done.empty() || !pending_frontier_done_.empty() || !pending_rows_.empty()) {
    auto job = PrepareCheckpoint();
    if (!job.ok()) return job.status();
    if (Status st = CommitCheckpoint(*job.value()); !st.ok()) return st;
    frontier_done_.insert(frontier_done_.end(), job.value()->frontier_done.begin(), job.value()->frontier_done.end());
  }
  if (Status st = frontier_->Done(frontier_done_); !st.ok()) return st;
  frontier_done_.clear();
  auto left = frontier_->Remaining();
  if (!left.ok()) return left.status();
  if (*left == 0) {
    frontier_drained_ = true;
    MaybeFinish();
  }
  return Status::Ok();
}

void Crawl::OnFrontierTimer() {
  if (done_) return;
  if (Status st = FrontierTick(); !st.ok()) return Fail(st);
  if (done_) return;
  frontier_timer_.expires_after(std::chrono::milliseconds(200));
  frontier_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) OnFrontierTimer();
  });
}

Result<CrawlStats> Crawl::Run() {
  if (Status st = Open(); !st.ok()) return st;
  signals_.async_wait([this](const boost::system::error_code& ec, int sig) {
    if (ec) return;
    Stop(sig == SIGINT ? "SIGINT" : "SIGTERM");
    // A second signal does not wait for the requests in flight.
    signals_.async_wait([this](const boost::system::error_code& ec2, int) {
      if (!ec2) fetcher_.CancelAll();
    });
  });
  checkpoint_timer_.expires_after(std::chrono::milliseconds(static_cast<long>(opts_.checkpoint_seconds * 1000)));
  checkpoint_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) OnCheckpointTimer();
  });
  if (on_status_) {
    status_timer_.expires_after(std::chrono::seconds(1));
    status_timer_.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) OnStatusTimer();
    });
  }
  if (frontier_) asio::post(io_, [this] { OnFrontierTimer(); });
  asio::post(io_, [this] { Pump(); });
  io_.run();
  pool_.join();
  commit_pool_.join();
  if (!error_.ok()) return error_;
  return Snapshot();
}

}  // namespace internal


Status CheckResume(const std::string& out_dir, const std::string& ledger_name, const std::string& key_id) {
  const std::string path = out_dir + "/crawl-state.sqlite";
  auto st = CrawlState::Open(path, false);
  if (!st.ok()) return st.status();
  auto ledger = (*st)->Meta("ledger");
  if (!ledger.ok()) return ledger.status();
  if (ledger.value() && !ledger.value()->empty() && **ledger != ledger_name) {
    return Status::InvalidArgument(path + ": this crawl writes the ledger " + **ledger + ", not " + ledger_name +
                                   ": resume it with --ledger " + **ledger +
                                   " (a second ledger would hold part of its rows)");
  }
  auto key = (*st)->Meta("key_id");
  if (!key.ok()) return key.status();
  if (key.value() && !key.value()->empty() && **key != key_id) {
    return Status::InvalidArgument(path + ": this crawl was started with the project key " + **key +
                                   ", not with the key " + key_id +
                                   ": resume it with its own key (--key), or its records would be "
                                   "pseudonymised with two keys");
  }
  return Status::Ok();
}

Result<CrawlStats> RunCrawl(const CrawlParts& parts, CrawlOptions options,
                            const std::function<void(const CrawlStats&)>& on_status) {
  if (parts.processor == nullptr || parts.policy == nullptr || parts.ledger == nullptr) {
    return Status::Internal("RunCrawl: processor, policy and ledger are required");
  }
  if (options.seeds.empty() && !options.resume) return Status::InvalidArgument("no seed URL to crawl");
  if (options.out_dir.empty()) return Status::InvalidArgument("no output folder (-o DIR)");
  CrawlOptions o = std::move(options);
  if (o.resume) {
    if (Status s = CheckResume(o.out_dir, parts.ledger_name, parts.key_id); !s.ok()) return s;
    // The crawl's own options (scope, limits, --allow-private...) come
    // from its state, before anything is built from them.
    const std::string path = o.out_dir + "/crawl-state.sqlite";
    auto st = CrawlState::Open(path, false);
    if (!st.ok()) return st.status();
    auto text = (*st)->Meta("options");
    if (!text.ok()) return text.status();
    if (!text.value()) return Status::InvalidArgument(path + ": no crawl options recorded");
    const CrawlOptions run = o;
    if (Status s = o.FromText(**text, path + " (options)"); !s.ok()) return s;
    // What belongs to this run, not to the crawl.
    o.progress = run.progress;
    o.threads = run.threads;
    o.ca_file = run.ca_file;
    o.resume = true;
    o.out_dir = run.out_dir;
  }
  internal::Crawl c(parts, std::move(o), on_status);
  return c.Run();
}

}  // namespace moisson::crawler
