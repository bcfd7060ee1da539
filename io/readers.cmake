target_sources(moisson_io PRIVATE record.cc)
