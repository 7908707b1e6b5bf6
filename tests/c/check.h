/* check.h - what the C test programs tests/c/test_core.c and
 * tests/c/test_progress.c share: the CHECK macro with its pass/fail counts
 * (a failure prints the test file's line and `current`, the file under
 * test), and the switch of the forced parallel loads. */
#ifndef FSTW_TEST_CHECK_H
#define FSTW_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>

static int passed, failed;
static const char *current;

#define CHECK(cond, ...)                                              \
    do {                                                              \
        if (cond) passed++;                                           \
        else {                                                        \
            failed++;                                                 \
            fprintf(stderr, "FAIL %s:%d [%s] ", __FILE__, __LINE__, current); \
            fprintf(stderr, __VA_ARGS__);                             \
            fputc('\n', stderr);                                      \
        }                                                             \
    } while (0)

/* Sets (value) or removes (NULL) the environment variable
 * FSTWAVE_PARALLEL_MIN_BYTES ("0" makes every multi-threaded load of a
 * multi-block file run on threads). */
static inline void set_parallel_min_bytes(const char *value)
{
#ifdef _WIN32
    _putenv_s("FSTWAVE_PARALLEL_MIN_BYTES", value ? value : ""); /* "" removes it */
#else
    if (value) setenv("FSTWAVE_PARALLEL_MIN_BYTES", value, 1);
    else unsetenv("FSTWAVE_PARALLEL_MIN_BYTES");
#endif
}

#endif
