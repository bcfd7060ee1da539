moisson_fuzz_target(jsonl moisson_io simdjson::simdjson)
moisson_fuzz_target(warc moisson_io)
moisson_fuzz_target(jsonl_id moisson_io)
moisson_fuzz_target(warc_records moisson_io)
