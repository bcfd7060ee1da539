moisson_fuzz_target(jsonl moisson_io)
moisson_fuzz_target(warc moisson_io)
moisson_fuzz_target(jsonl_id moisson_io)
