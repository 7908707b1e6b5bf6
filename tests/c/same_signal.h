/* same_signal.h - test helper shared by tests/c/test_core.c and the fuzz
 * harness (tests/fuzz/fuzz_open.c): whether two loaded signals hold the same
 * changes (time-table indices and values, compared through the public API),
 * all of them or those before a time-table index. */
#ifndef FSTW_TEST_SAME_SIGNAL_H
#define FSTW_TEST_SAME_SIGNAL_H

#include <stdlib.h>
#include <string.h>
#include "fstwave.h"

/* Whether a holds exactly b's changes at time-table indices below limit (all
 * of b's changes when limit is UINT64_MAX): same count, indices and values. */
static int same_changes_before(const fstw_signal *a, const fstw_signal *b, uint64_t limit)
{
    size_t n = fstw_signal_len(a), nb = fstw_signal_len(b);
    while (nb > 0 && fstw_signal_time_index(b, nb - 1) >= limit) nb--;
    if (n != nb || fstw_signal_encoding(a) != fstw_signal_encoding(b) ||
        fstw_signal_bitwidth(a) != fstw_signal_bitwidth(b))
        return 0;
    size_t sa = fstw_signal_scratch_size(a), sb = fstw_signal_scratch_size(b);
    uint8_t *xa = malloc(sa + 1), *xb = malloc(sb + 1);
    int ok = xa && xb;
    for (size_t k = 0; k < n && ok; k++) {
        fstw_value va, vb;
        ok &= fstw_signal_time_index(a, k) == fstw_signal_time_index(b, k);
        ok &= fstw_signal_value(a, k, &va, xa, sa) == FSTW_OK && fstw_signal_value(b, k, &vb, xb, sb) == FSTW_OK;
        ok &= va.kind == vb.kind && va.len == vb.len && va.bits == vb.bits &&
              memcmp(&va.real, &vb.real, sizeof va.real) == 0 &&
              (va.len == 0 || memcmp(va.data, vb.data, va.len) == 0);
    }
    free(xa);
    free(xb);
    return ok;
}

static int same_signal(const fstw_signal *a, const fstw_signal *b)
{
    return same_changes_before(a, b, UINT64_MAX);
}

#endif
