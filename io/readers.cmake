# Dump readers (JSONL, WARC/WET; plain, gzip, zstd) and JSONL writers.
target_sources(moisson_io PRIVATE record.cc stream.cc)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
target_link_libraries(moisson_io PRIVATE simdjson::simdjson ZLIB::ZLIB PkgConfig::ZSTD)
