# Tests of the dump readers and JSONL writers.
pkg_check_modules(ZSTD_T REQUIRED IMPORTED_TARGET libzstd)
add_executable(moisson_io_tests io_reader_test.cc)
target_link_libraries(moisson_io_tests PRIVATE moisson_io moisson_catch_main ZLIB::ZLIB PkgConfig::ZSTD_T)
catch_discover_tests(moisson_io_tests)
