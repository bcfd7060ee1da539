# Tests of HTML to text.
add_executable(moisson_html_tests html_text_test.cc)
target_link_libraries(moisson_html_tests PRIVATE moisson_io moisson_core moisson_catch_main)
target_compile_definitions(moisson_html_tests PRIVATE MOISSON_HTML_TEST_DATA="${CMAKE_CURRENT_SOURCE_DIR}/data/html")
catch_discover_tests(moisson_html_tests)
