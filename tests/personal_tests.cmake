# Tests of the sensitive.* and minor detectors; labelled snippets in tests/data/personal/.
add_executable(moisson_personal_tests personal_test.cc)
target_link_libraries(moisson_personal_tests PRIVATE moisson_filters moisson_core moisson_catch_main)
target_compile_definitions(moisson_personal_tests PRIVATE
  MOISSON_PERSONAL_TEST_DATA="${CMAKE_CURRENT_SOURCE_DIR}/data/personal")
catch_discover_tests(moisson_personal_tests)
