# The learned stage (filters/learned.h): a linear model trained with Debian's
# liblinear-tools (scripts/train_detection_model.py), its files in
# data/model/. moisson_learned_tool gives the training script the stage's
# own features and scores.
target_sources(moisson_filters PRIVATE learned.cc)
add_executable(moisson_learned_tool learned_tool.cc)
target_link_libraries(moisson_learned_tool PRIVATE moisson_filters simdjson::simdjson)
