# The crawler: unit tests (no network), then the integration tests against
# real HTTP servers on 127.0.0.1 (tests/crawl/, nginx and a scripted server).
pkg_check_modules(ZSTD_T REQUIRED IMPORTED_TARGET libzstd)
add_executable(moisson_crawler_tests crawler_test.cc crawler_url_test.cc crawler_outputs_test.cc)
target_link_libraries(moisson_crawler_tests PRIVATE moisson_crawler moisson_catch_main PkgConfig::ZSTD_T ZLIB::ZLIB
                      OpenSSL::Crypto)
catch_discover_tests(moisson_crawler_tests)

# Integration: real servers on 127.0.0.1 (Debian's nginx and tests/crawl/servers.py).
foreach(t resume crawl sitemaps frontier tls)
  add_test(NAME crawl_${t} COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/crawl/test_${t}.py)
  set_tests_properties(crawl_${t} PROPERTIES ENVIRONMENT "MOISSON_BIN=$<TARGET_FILE:moisson>" TIMEOUT 300 RUN_SERIAL TRUE
                       LABELS integration)
endforeach()
