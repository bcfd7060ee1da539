# Tests of the pipeline (processor, runner).
add_executable(moisson_pipeline_tests pipeline_test.cc)
target_link_libraries(moisson_pipeline_tests PRIVATE moisson_pipeline moisson_catch_main)
catch_discover_tests(moisson_pipeline_tests)
