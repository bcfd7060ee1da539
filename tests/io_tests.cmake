# Tests of the dump readers and JSONL writers.
pkg_check_modules(ZSTD_T REQUIRED IMPORTED_TARGET libzstd)
add_executable(moisson_io_tests io_reader_test.cc)
target_link_libraries(moisson_io_tests PRIVATE moisson_io moisson_catch_main ZLIB::ZLIB PkgConfig::ZSTD_T)
# Brotli bodies are tested when the reader was built with libbrotlidec and the
# encoder is there to make test bodies.
pkg_check_modules(BROTLI_T IMPORTED_TARGET libbrotlidec libbrotlienc)
if(BROTLI_T_FOUND)
  target_link_libraries(moisson_io_tests PRIVATE PkgConfig::BROTLI_T)
  target_compile_definitions(moisson_io_tests PRIVATE MOISSON_TEST_BROTLI=1)
endif()
catch_discover_tests(moisson_io_tests)

# Output records by id (rights export, erase, purge).
add_executable(moisson_jsonl_records_tests jsonl_records_test.cc)
target_link_libraries(moisson_jsonl_records_tests PRIVATE moisson_io moisson_catch_main PkgConfig::ZSTD_T)
catch_discover_tests(moisson_jsonl_records_tests)

# WARC records by target URI (rights erase). moisson_crawler for its WarcWriter,
# whose files the erase must handle.
add_executable(moisson_warc_records_tests warc_records_test.cc writers_test.cc)
target_link_libraries(moisson_warc_records_tests PRIVATE moisson_io moisson_catch_main ZLIB::ZLIB)
catch_discover_tests(moisson_warc_records_tests)
