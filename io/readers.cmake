# Dump readers (JSONL, WARC/WET; plain, gzip, zstd; files, folders, lists and
# http(s) downloads), JSONL writers, the
# size-bounded JSONL shards and WARC files of a crawl (writers.h); output
# records removed by id (JSONL) or target URI (WARC) for rights requests.
target_sources(moisson_io PRIVATE http_source.cc input_list.cc jsonl_reader.cc jsonl_records.cc jsonl_writer.cc record.cc
                                  shard_manifest.cc stream.cc warc_reader.cc warc_records.cc writers.cc)
pkg_check_modules(ZSTD REQUIRED IMPORTED_TARGET libzstd)
target_link_libraries(moisson_io PRIVATE simdjson::simdjson ZLIB::ZLIB PkgConfig::ZSTD CURL::libcurl)
# Brotli ("Content-Encoding: br", common in recent crawls) is optional: without
# it such response records are skipped and reported as unsupported.
pkg_check_modules(BROTLIDEC IMPORTED_TARGET libbrotlidec)
if(BROTLIDEC_FOUND)
  target_link_libraries(moisson_io PRIVATE PkgConfig::BROTLIDEC)
  target_compile_definitions(moisson_io PRIVATE MOISSON_HAVE_BROTLI=1)
endif()
