# What the whole page is (filters/content.h); written pages in tests/data/content/.
add_executable(moisson_content_tests content_test.cc)
target_link_libraries(moisson_content_tests PRIVATE moisson_filters moisson_core moisson_catch_main simdjson::simdjson)
target_include_directories(moisson_content_tests PRIVATE ${PROJECT_SOURCE_DIR})
target_compile_definitions(moisson_content_tests PRIVATE
  MOISSON_CONTENT_TEST_DATA="${CMAKE_CURRENT_SOURCE_DIR}/data/content"
  MOISSON_FILTERS_DATA="${PROJECT_SOURCE_DIR}/filters/data")
catch_discover_tests(moisson_content_tests)
