# Detection quality, measured by scripts/eval_detection.py (method and figures: docs/detection.md).

# The independent corpus (tests/detection/corpus_*.jsonl, written without looking at filters/):
# fails when a category with support >= 5 falls under the minimum document-level F1.
add_test(NAME detection_corpus
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/scripts/eval_detection.py --moisson $<TARGET_FILE:moisson>
                 --min-f1-pattern 0.95 --min-f1-personal 0.80
                 ${PROJECT_SOURCE_DIR}/tests/detection/corpus_fr.jsonl ${PROJECT_SOURCE_DIR}/tests/detection/corpus_en.jsonl)

# The detector authors' development and held-out snippets, kept as a regression set at the
# thresholds they met when written.
add_test(NAME detection_regression
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/scripts/eval_detection.py --moisson $<TARGET_FILE:moisson>
                 --min-f1-pattern 0.95 --min-f1-personal 0.85
                 ${PROJECT_SOURCE_DIR}/tests/detection/dev_fr.jsonl ${PROJECT_SOURCE_DIR}/tests/detection/dev_en.jsonl
                 ${PROJECT_SOURCE_DIR}/tests/detection/heldout_fr.jsonl ${PROJECT_SOURCE_DIR}/tests/detection/heldout_en.jsonl)

# The evaluator's own metric code, on a hand-made corpus and scan output.
add_test(NAME detection_evaluator_selftest
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/scripts/eval_detection.py --self-test)
