# Tests of HTML to text.
add_executable(moisson_html_tests html_text_test.cc)
target_link_libraries(moisson_html_tests PRIVATE moisson_io moisson_catch_main)
catch_discover_tests(moisson_html_tests)
