#!/usr/bin/env bash
# run_tests.sh - the driver of `make test` (the root Makefile's TEST_STAGES).
#
#   scripts/run_tests.sh LABEL=TARGET...
#
# 1. Prints what the test command installs when it is missing: the list in README.md between
#    the markers <!-- make-test-installs --> and <!-- /make-test-installs --> (one list, read
#    by a person in the README and printed here before anything is installed).
# 2. Runs each stage as `$MAKE TARGET`, in the order given, its output shown and also kept
#    in $TEST_LOGS/LABEL.log.  A failed stage does not stop the next ones.
# 3. Ends with a summary: for each stage whether it passed, how long it took, and what it
#    ran, read from its log (the lines in one of the result forms of RESULT_FORMS below:
#    pytest's and mocha's closing lines, "N passed, N failed", the sweep's, the fuzzers' and
#    the oracle's summaries); then the closing line "stages: N passed, N failed".
#
# A stage passes when its make exits 0; the script exits 1 when any stage failed, 130 when
# interrupted.  Environment: MAKE (default make), TEST_LOGS (default build/test-logs),
# TEST_SKIP (labels the Makefile left out, named in the summary).
#
# Adding a stage is one line in the root Makefile (TEST_STAGES += label=target); its
# program should print a line "N passed, N failed" (or another form listed here) so the
# summary can say how many passed.
set -u
cd "$(dirname "$0")/.."

MAKE=${MAKE:-make}
LOGS=${TEST_LOGS:-build/test-logs}
SKIP=${TEST_SKIP:-}

# The lines of a stage's log that say what it ran and how many passed (extended regex).
RESULT_FORMS='(^|[^0-9])[0-9]+ (passed|failed|passing|failing|pending|skipped|errors?)([^a-z]|$)'
RESULT_FORMS+='|replayed'                               # tests/fuzz/replay_main.c
RESULT_FORMS+='|^sweep( --readonly)?: [0-9]+ files|crashes [0-9]+, hangs'   # tests/sweep
RESULT_FORMS+='|^test_oracle( \(end times halved\))?: |^test-oracle: (self-check )?(passed|FAILED)' # mk/oracle.mk
RESULT_FORMS+='|^fuzz-short: '                                              # mk/fuzz.mk
# at most this many of them per stage in the summary (the last ones)
RESULT_LINES=4

if [ $# -eq 0 ]; then
    echo "usage: scripts/run_tests.sh LABEL=TARGET..." >&2
    exit 2
fi
mkdir -p "$LOGS"
trap 'echo; echo "make test: interrupted"; exit 130' INT TERM

# --------------------------------------------------------------------------- what it installs
installs=$(sed -n '/<!-- make-test-installs -->/,/<!-- \/make-test-installs -->/p' README.md |
           grep -v -e '<!--' | sed -e 's/`//g' -e 's/\[\([^]]*\)\]([^)]*)/\1/g')
echo "== make test: what it installs when missing, before the stage that needs it (README.md):"
if [ -n "$installs" ]; then
    printf '%s\n' "$installs" | sed 's/^/   /'
else
    echo "   (README.md has no list between <!-- make-test-installs --> markers: see the docs stage)"
fi
echo

# --------------------------------------------------------------------------- the stages
n=$#
i=0
labels=()
status=()
seconds=()
for stage in "$@"; do
    i=$((i + 1))
    label=${stage%%=*}
    target=${stage#*=}
    echo "== make test: stage $i/$n: $label (make $target)"
    start=$SECONDS
    "$MAKE" --no-print-directory "$target" 2>&1 | tee "$LOGS/$label.log"
    rc=${PIPESTATUS[0]}
    labels+=("$label=$target")
    status+=("$rc")
    seconds+=($((SECONDS - start)))
    echo "== make test: stage $label: $([ "$rc" -eq 0 ] && echo passed || echo "FAILED (exit $rc)")"
    echo
done

# --------------------------------------------------------------------------- the summary
passed=0
failed=0
echo "== make test: summary (each stage's output is in $LOGS/LABEL.log)"
for k in "${!labels[@]}"; do
    label=${labels[$k]%%=*}
    target=${labels[$k]#*=}
    if [ "${status[$k]}" -eq 0 ]; then
        passed=$((passed + 1))
        word="passed"
    else
        failed=$((failed + 1))
        word="FAILED"
    fi
    printf '%-7s %-12s make %-14s %4ss\n' "$word" "$label" "$target" "${seconds[$k]}"
    results=$(grep -E "$RESULT_FORMS" "$LOGS/$label.log" | tail -n "$RESULT_LINES")
    # a stage that failed before printing a result (a build error): its last lines instead
    [ -z "$results" ] && [ "${status[$k]}" -ne 0 ] && results=$(tail -n 3 "$LOGS/$label.log")
    [ -n "$results" ] && printf '%s\n' "$results" | sed -e 's/^ *//' -e 's/^/          /'
done
[ -n "$SKIP" ] && echo "skipped: $SKIP (TEST_SKIP)"
echo "stages: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
