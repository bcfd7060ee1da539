// The shared crawl frontier (crawler/shared_frontier.h) against a real
// PostgreSQL. Run through tests/pg/with_postgres.sh (ctest -R
// shared_frontier_pg), which starts a throwaway server and sets
// MOISSON_TEST_PG. The crawl-level behaviour (three processes, a killed one
// taken over) is tests/crawl/test_shared_frontier.py; this file holds what
// needs a second connection that the test drives itself.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <pqxx/pqxx>
#include <string>
#include <thread>

#include "crawler/shared_frontier.h"

using namespace moisson;
using namespace moisson::crawler;

namespace {

std::string Uri() {
  const char* v = std::getenv("MOISSON_TEST_PG");
  if (v == nullptr || *v == '\0') FAIL("MOISSON_TEST_PG is not set: run through tests/pg/with_postgres.sh");
  return v;
}

// Waits until some backend waits on a lock (the frontier's insert, blocked
// by the test's open transaction).
bool SomeoneWaitsOnALock(const std::string& uri) {
  pqxx::connection c{uri};
  for (int i = 0; i < 200; ++i) {
    pqxx::nontransaction n{c};
    if (n.exec1("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")[0].as<int>() > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace

TEST_CASE("A frontier transaction that PostgreSQL aborts to break a deadlock is run again") {
  const std::string uri = Uri();
  SharedFrontierOptions o;
  o.conninfo = uri;
  auto frontier = SharedFrontier::Open(o);
  REQUIRE(frontier.ok());

  // Another process's transaction holds the insert of z and will then want a:
  // the frontier inserts a, then waits for z; the cycle closes when the other
  // asks for a. The other waits longer before looking for deadlocks, so the
  // frontier's transaction is the one PostgreSQL aborts.
  pqxx::connection other{uri};
  pqxx::work b{other};
  b.exec("SET LOCAL deadlock_timeout = '60s'");
  b.exec("INSERT INTO moisson_frontier_urls(url, site, depth, hops, kind) VALUES ('http://b.test/z', 'b.test', 0, 0, 0)");

  Status st = Status::Ok();
  std::thread add([&] {
    st = (*frontier)->Add({{"http://a.test/a", "a.test", 0, 0, 0}, {"http://b.test/z", "b.test", 0, 0, 0}});
  });
  const bool waiting = SomeoneWaitsOnALock(uri);
  // Closes the cycle; returns once the frontier's transaction is aborted.
  b.exec("INSERT INTO moisson_frontier_urls(url, site, depth, hops, kind) VALUES ('http://a.test/a', 'a.test', 0, 0, 0) "
         "ON CONFLICT (url) DO NOTHING");
  b.commit();
  add.join();
  REQUIRE(waiting);
  INFO(st.message());
  CHECK(st.ok());

  pqxx::connection c{uri};
  pqxx::nontransaction n{c};
  CHECK(n.exec1("SELECT count(*) FROM moisson_frontier_urls")[0].as<int>() == 2);
  CHECK(n.exec1("SELECT count(*) FROM moisson_frontier_sites")[0].as<int>() == 2);
}
