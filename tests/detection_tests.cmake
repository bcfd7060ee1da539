# Detection quality, measured by scripts/eval_detection.py (method and figures: docs/detection.md).

# The independent corpus (tests/detection/corpus_*.jsonl, written without looking at filters/):
# a regression gate of the default chain (rules and the learned stage). Each category has its own
# minimum document F1 (and span F1 for banking./geo./id.) in corpus_minimums.txt: the figure
# measured with the committed model, rounded down to the next 0.05. docs/detection.md "Figures"
# says which categories are under the targets and why. Raise a minimum when a detector improves;
# retraining the model re-measures them all (scripts/eval_detection.py --write-minimums).
add_test(NAME detection_corpus
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/scripts/eval_detection.py --moisson $<TARGET_FILE:moisson>
                 --minimums ${PROJECT_SOURCE_DIR}/tests/detection/corpus_minimums.txt
                 ${PROJECT_SOURCE_DIR}/tests/detection/corpus_fr.jsonl ${PROJECT_SOURCE_DIR}/tests/detection/corpus_en.jsonl)

# The same corpus with the rules alone (the learned stage off): their own floors, so that a rule
# that regresses is not hidden by the model.
add_test(NAME detection_corpus_rules
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/scripts/eval_detection.py --moisson $<TARGET_FILE:moisson>
                 --config ${PROJECT_SOURCE_DIR}/tests/detection/rules_only.toml
                 --minimums ${PROJECT_SOURCE_DIR}/tests/detection/corpus_minimums_rules.txt
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

# The fresh held-out set (tests/detection/fresh_t*.jsonl: sensitive.* and minor written on
# 2026-12-08 by two writers who read only the label rules): the default chain's floors, measured
# with the committed model and rounded down to the next 0.05, as for the independent corpus.
add_test(NAME detection_fresh
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/scripts/eval_detection.py --moisson $<TARGET_FILE:moisson>
                 --minimums ${PROJECT_SOURCE_DIR}/tests/detection/fresh_minimums.txt
                 ${PROJECT_SOURCE_DIR}/tests/detection/fresh_t1.jsonl ${PROJECT_SOURCE_DIR}/tests/detection/fresh_t2.jsonl)
