target_sources(moisson_filters PRIVATE patterns.cc)
