#include "crawler/shared_frontier.h"

#include <openssl/sha.h>
#include <unistd.h>

#include <algorithm>
#include <pqxx/pqxx>
#include <chrono>
#include <random>
#include <thread>

#include "audit/ledger.h"

namespace moisson::crawler {

std::uint32_t ShareOfSite(const std::string& site, std::uint32_t world_size) {
  if (world_size <= 1) return 0;
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(site.data()), site.size(), md);
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | md[i];
  return static_cast<std::uint32_t>(v % world_size);
}

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS moisson_frontier_sites (
  site TEXT COLLATE "C" PRIMARY KEY,
  share INTEGER NOT NULL,
  owner TEXT,
  lease_until TIMESTAMPTZ,
  added_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS moisson_frontier_urls (
  url TEXT COLLATE "C" PRIMARY KEY,
  site TEXT COLLATE "C" NOT NULL,
  depth INTEGER NOT NULL,
  hops INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'claimed', 'done')),
  owner TEXT
);
CREATE INDEX IF NOT EXISTS moisson_frontier_urls_site ON moisson_frontier_urls(site) WHERE state <> 'done';
CREATE INDEX IF NOT EXISTS moisson_frontier_sites_owner ON moisson_frontier_sites(owner);
)sql";

// A PostgreSQL array literal of text: {"a","b\"c"} (libpqxx 6 binds no
// vectors). Elements are quoted, '"' and '\\' escaped.
std::string TextArray(const std::vector<std::string>& v) {
  std::string out = "{";
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i) out.push_back(',');
    out.push_back('"');
    for (char c : v[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  return out + "}";
}

std::string IntArray(const std::vector<int>& v) {
  std::string out = "{";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? "," : "") + std::to_string(v[i]);
  return out + "}";
}

std::string FirstLine(const char* what) {
  std::string s(what);
  const std::size_t nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

class PgFrontier final : public SharedFrontier {
 public:
  PgFrontier(std::unique_ptr<pqxx::connection> conn, SharedFrontierOptions o, std::string name)
      : conn_(std::move(conn)), o_(std::move(o)), name_(std::move(name)) {
    char host[256] = {0};
    ::gethostname(host, sizeof host - 1);
    std::random_device rd;
    owner_ = std::string(host) + ":" + std::to_string(::getpid()) + ":" + std::to_string(rd() % 1000000);
  }

  Status Setup() {
    return Guard("setup", [&] {
      pqxx::work w(*conn_);
      w.exec("SELECT pg_advisory_xact_lock(7236311)");  // two processes creating the tables at once
      w.exec(kSchema);
      w.commit();
    });
  }

  Status Add(const std::vector<FrontierUrl>& urls) override {
    if (urls.empty()) return Status::Ok();
    // In one order in every process (by URL, sites by name), so that two
    // processes inserting overlapping batches take their row locks in the same
    // order and cannot deadlock.
    std::vector<const FrontierUrl*> sorted;
    for (const FrontierUrl& x : urls) sorted.push_back(&x);
    std::sort(sorted.begin(), sorted.end(), [](const FrontierUrl* a, const FrontierUrl* b) { return a->url < b->url; });
    sorted.erase(std::unique(sorted.begin(), sorted.end(),
                             [](const FrontierUrl* a, const FrontierUrl* b) { return a->url == b->url; }),
                 sorted.end());
    return Guard("add", [&] {
      pqxx::work w(*conn_);
      std::vector<std::string> u, s;
      std::vector<int> d, h, k;
      std::vector<std::string> sites;
      for (const FrontierUrl* x : sorted) sites.push_back(x->site);
      std::sort(sites.begin(), sites.end());
      sites.erase(std::unique(sites.begin(), sites.end()), sites.end());
      for (const FrontierUrl* xp : sorted) {
        const FrontierUrl& x = *xp;
        u.push_back(x.url);
        s.push_back(x.site);
        d.push_back(x.depth);
        h.push_back(x.hops);
        k.push_back(x.kind);
      }
      std::vector<int> share;
      for (const std::string& site : sites) share.push_back(static_cast<int>(ShareOfSite(site, o_.world_size)));
      w.exec_params(
          "INSERT INTO moisson_frontier_sites(site, share) SELECT * FROM unnest($1::text[], $2::int[]) "
          "ON CONFLICT (site) DO NOTHING",
          TextArray(sites), IntArray(share));
      w.exec_params(
          "INSERT INTO moisson_frontier_urls(url, site, depth, hops, kind) "
          "SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[]) "
          "ON CONFLICT (url) DO NOTHING",
          TextArray(u), TextArray(s), IntArray(d), IntArray(h), IntArray(k));
      w.commit();
    });
  }

  Status Done(const std::vector<std::string>& urls) override {
    if (urls.empty()) return Status::Ok();
    return Guard("done", [&] {
      pqxx::work w(*conn_);
      // Rows locked in URL order, as Add takes them.
      w.exec_params(
          "UPDATE moisson_frontier_urls SET state = 'done' WHERE url IN ("
          "  SELECT url FROM moisson_frontier_urls WHERE url = ANY($1::text[]) ORDER BY url FOR UPDATE)",
          TextArray(urls));
      w.commit();
    });
  }

  Result<std::vector<FrontierUrl>> Claim(std::size_t max_urls) override {
    std::vector<FrontierUrl> out;
    Status st = Guard("claim", [&] {
      const std::string lease = std::to_string(o_.lease_seconds) + " seconds";
      out.clear();  // a retried attempt starts again
      pqxx::work w(*conn_);
      // Leases renewed a few times a lease, not at every tick (each renewal
      // rewrites the owner's rows, locked in site order).
      const auto now = std::chrono::steady_clock::now();
      const bool renew = now - renewed_ >= std::chrono::duration<double>(o_.lease_seconds / 4);
      if (renew) {
        w.exec_params(
            "UPDATE moisson_frontier_sites SET lease_until = now() + $2::interval WHERE site IN ("
            "  SELECT site FROM moisson_frontier_sites WHERE owner = $1 ORDER BY site FOR UPDATE)",
            owner_, lease);
      }
      // Sites of this share as they appear; a site nobody took after a lease;
      // a site whose owner stopped renewing.
      w.exec_params(
          "UPDATE moisson_frontier_sites SET owner = $1, lease_until = now() + $3::interval WHERE site IN ("
          "  SELECT site FROM moisson_frontier_sites"
          "  WHERE (owner IS NULL AND (share = $2 OR added_at < now() - $3::interval))"
          "     OR (owner <> $1 AND lease_until < now())"
          "  LIMIT 256 FOR UPDATE SKIP LOCKED)",
          owner_, static_cast<int>(o_.rank), lease);
      if (max_urls > 0) {
        const pqxx::result r = w.exec_params(
            "UPDATE moisson_frontier_urls SET state = 'claimed', owner = $1 WHERE url IN ("
            "  SELECT u.url FROM moisson_frontier_urls u JOIN moisson_frontier_sites s ON s.site = u.site"
            "  WHERE s.owner = $1 AND (u.state = 'queued' OR (u.state = 'claimed' AND u.owner <> $1))"
            "  ORDER BY u.depth, u.url LIMIT $2 FOR UPDATE OF u SKIP LOCKED)"
            " RETURNING url, site, depth, hops, kind",
            owner_, static_cast<long>(max_urls));
        for (const auto& row : r) {
          FrontierUrl f;
          f.url = row[0].c_str();
          f.site = row[1].c_str();
          f.depth = row[2].as<int>();
          f.hops = row[3].as<int>();
          f.kind = row[4].as<int>();
          out.push_back(std::move(f));
        }
      }
      w.commit();
      if (renew) renewed_ = now;
    });
    if (!st.ok()) return st;
    // Breadth first, as the local frontier: shallow URLs first, in a stable order.
    std::sort(out.begin(), out.end(), [](const FrontierUrl& a, const FrontierUrl& b) {
      return a.depth != b.depth ? a.depth < b.depth : a.url < b.url;
    });
    return out;
  }

  Result<std::int64_t> Remaining() override {
    std::int64_t n = 0;
    Status st = Guard("remaining", [&] {
      pqxx::read_transaction t(*conn_);
      n = t.exec1("SELECT count(*) FROM moisson_frontier_urls WHERE state <> 'done'")[0].as<std::int64_t>();
    });
    if (!st.ok()) return st;
    return n;
  }

  const std::string& owner() const override { return owner_; }

 private:
  // Runs one transaction, `f`. PostgreSQL may abort it to break a deadlock
  // with another process's (or fail it on a serialisation conflict); its
  // manual asks the application to retry such a transaction, and each of
  // ours can be run again as it is (inserts that skip what exists, a state
  // set, a claim that took nothing): up to kAttempts times, a few
  // milliseconds apart.
  static constexpr int kAttempts = 6;
  template <typename F>
  Status Guard(const char* what, F&& f) {
    for (int attempt = 1;; ++attempt) {
      try {
        f();
        return Status::Ok();
      } catch (const pqxx::transaction_rollback& e) {
        if (attempt == kAttempts) {
          return Status::Io(name_ + ": shared frontier " + what + " failed " + std::to_string(kAttempts) +
                            " times: " + FirstLine(e.what()));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt + static_cast<int>(jitter_() % 10)));
      } catch (const std::exception& e) {
        return Status::Io(name_ + ": shared frontier " + what + " failed: " + FirstLine(e.what()));
      }
    }
  }

  std::unique_ptr<pqxx::connection> conn_;
  std::chrono::steady_clock::time_point renewed_{};
  SharedFrontierOptions o_;
  std::string name_;
  std::string owner_;
  std::minstd_rand jitter_{std::random_device{}()};
};

}  // namespace

Result<std::unique_ptr<SharedFrontier>> SharedFrontier::Open(const SharedFrontierOptions& options) {
  const std::string name = audit::Ledger::DisplayName(options.conninfo);
  if (!audit::Ledger::IsPostgresName(options.conninfo)) {
    return Status::InvalidArgument("--frontier " + name + ": not a postgresql:// connection string");
  }
  std::unique_ptr<pqxx::connection> conn;
  try {
    conn = std::make_unique<pqxx::connection>(options.conninfo);
  } catch (const std::exception& e) {
    return Status::Io(name + ": cannot connect to the shared frontier: " + FirstLine(e.what()));
  }
  auto f = std::make_unique<PgFrontier>(std::move(conn), options, name);
  if (Status st = f->Setup(); !st.ok()) return st;
  return std::unique_ptr<SharedFrontier>(std::move(f));
}

}  // namespace moisson::crawler
