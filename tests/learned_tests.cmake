# The learned stage (filters/learned.h) against the committed model in filters/data/model,
# and language identification (filters/language.h).
add_executable(moisson_learned_tests learned_test.cc language_test.cc)
target_link_libraries(moisson_learned_tests PRIVATE moisson_filters moisson_core moisson_catch_main)
target_compile_definitions(moisson_learned_tests PRIVATE MOISSON_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
catch_discover_tests(moisson_learned_tests)
# The training script's normalisation is the C++ one, character for character.
add_test(NAME learned_normalise_python COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/scripts/train_detection_model.py --self-test)
# A cost that liblinear would refuse mid-run is refused first, by name.
add_test(NAME train_detection_model_bad_cost
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/scripts/train_detection_model.py --sweep-cost 8,x)
set_tests_properties(train_detection_model_bad_cost PROPERTIES
                     PASS_REGULAR_EXPRESSION "--sweep-cost: not a positive number: x")
