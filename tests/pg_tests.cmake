# The ledger on PostgreSQL (Ledger::OpenPostgres), against a real server:
# each ctest below runs under tests/pg/with_postgres.sh, which starts a
# throwaway PostgreSQL on 127.0.0.1 (initdb into a temporary directory, a free
# port), sets MOISSON_TEST_PG, and tears it down after. One server per ctest,
# so the Catch2 cases run as one test (no catch_discover_tests). Needs
# Debian's postgresql (server binaries) besides libpqxx-dev; without them the
# tests fail, they never skip.
pkg_check_modules(PQXX_T REQUIRED IMPORTED_TARGET libpqxx)
add_executable(moisson_ledger_pg_tests ledger_pg_test.cc)
target_link_libraries(moisson_ledger_pg_tests PRIVATE moisson_audit moisson_core moisson_catch_main PkgConfig::PQXX_T)

# The interface, case by case, and several processes appending at once.
add_test(NAME ledger_pg
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/pg/with_postgres.sh $<TARGET_FILE:moisson_ledger_pg_tests>)
# The command line: four `moisson filter` sharing one ledger, then audit and rights.
add_test(NAME pg_cli
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/pg/with_postgres.sh
                 bash ${CMAKE_CURRENT_SOURCE_DIR}/pg/test_pg_cli.sh $<TARGET_FILE:moisson> ${PROJECT_SOURCE_DIR})
set_tests_properties(ledger_pg pg_cli PROPERTIES TIMEOUT 300 LABELS integration)

# The shared crawl frontier's transactions against a real server (a deadlock
# with another process's transaction is retried).
add_executable(moisson_shared_frontier_pg_tests shared_frontier_pg_test.cc)
target_link_libraries(moisson_shared_frontier_pg_tests PRIVATE moisson_crawler moisson_core moisson_catch_main PkgConfig::PQXX_T)
add_test(NAME shared_frontier_pg
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/pg/with_postgres.sh $<TARGET_FILE:moisson_shared_frontier_pg_tests>)
set_tests_properties(shared_frontier_pg PROPERTIES TIMEOUT 120 LABELS integration)
