# The site-policy store: import, captures in time, redirects (sites/).
add_executable(moisson_sites_tests sites_test.cc)
target_link_libraries(moisson_sites_tests PRIVATE moisson_sites moisson_catch_main ZLIB::ZLIB)
target_include_directories(moisson_sites_tests PRIVATE ${PROJECT_SOURCE_DIR})
catch_discover_tests(moisson_sites_tests)
