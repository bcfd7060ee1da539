target_sources(moisson_filters PRIVATE personal.cc)
target_compile_definitions(moisson_filters PRIVATE MOISSON_FILTERS_DATA_DIR="${CMAKE_CURRENT_SOURCE_DIR}/data")
