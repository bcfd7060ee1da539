target_sources(moisson_io PRIVATE html_text.cc)
target_link_libraries(moisson_io PRIVATE PkgConfig::GUMBO)
