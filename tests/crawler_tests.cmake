# The crawler: unit tests (no network), then the integration tests against
# real HTTP servers on 127.0.0.1 (tests/crawl/, nginx and a scripted server).
pkg_check_modules(ZSTD_T REQUIRED IMPORTED_TARGET libzstd)
pkg_check_modules(SQLITE3_T REQUIRED IMPORTED_TARGET sqlite3)
add_executable(moisson_crawler_tests crawler_test.cc crawler_url_test.cc)
target_link_libraries(moisson_crawler_tests PRIVATE moisson_crawler moisson_catch_main PkgConfig::ZSTD_T
                      PkgConfig::SQLITE3_T ZLIB::ZLIB OpenSSL::Crypto)
catch_discover_tests(moisson_crawler_tests)

# A resolver the integration tests can observe (LD_PRELOAD): logs every
# getaddrinfo() and resolves the tests' host names to 127.0.0.1.
add_library(moisson_test_dns SHARED crawl/dns_shim.c)
target_link_libraries(moisson_test_dns PRIVATE ${CMAKE_DL_LIBS})
set_target_properties(moisson_test_dns PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})

# Integration: real servers on 127.0.0.1 (Debian's nginx and tests/crawl/servers.py).
foreach(t resume crawl sitemaps frontier tls sites blocklist_update)
  add_test(NAME crawl_${t} COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/crawl/test_${t}.py)
  set_tests_properties(crawl_${t} PROPERTIES
                       ENVIRONMENT "MOISSON_BIN=$<TARGET_FILE:moisson>;MOISSON_DNS_SHIM=$<TARGET_FILE:moisson_test_dns>"
                       TIMEOUT 300 RUN_SERIAL TRUE LABELS integration)
endforeach()

# Three crawler processes on one frontier in PostgreSQL (crawl --frontier):
# a throwaway server (tests/pg/with_postgres.sh), six nginx sites named
# through the resolver shim; each page fetched once, kill -9 taken over.
add_test(NAME crawl_shared_frontier
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/pg/with_postgres.sh
                 /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/crawl/test_shared_frontier.py)
set_tests_properties(crawl_shared_frontier PROPERTIES
                     ENVIRONMENT "MOISSON_BIN=$<TARGET_FILE:moisson>;MOISSON_DNS_SHIM=$<TARGET_FILE:moisson_test_dns>"
                     TIMEOUT 300 RUN_SERIAL TRUE LABELS integration)
