/* fstw_derive.c - the values of derived signals (FSTW_HIERARCHY_PYWELLEN_025):
 * a vector that a writer split into one var per bit or slice, put together
 * again from its pieces (wellen 0.25's DerivedBitVecSignal).
 *
 * The value at a time is the concatenation of each piece's bits at that
 * time, most significant piece first; a piece whose signal has no value yet
 * gives x bits (wellen's on_change).  A loaded derived signal has a change at
 * every time-table step where a piece changes, with the pieces' settled
 * values of that step, de-duplicated as every stored signal is.  (wellen
 * 0.25.7 builds it with two slips: a piece whose first change comes after
 * the earliest piece's stays x, and when no piece changes at step 0 the
 * pieces are read from the wrong change; deviation P2 in docs/api.md.) */
#include "fstw_internal.h"
#include <stdlib.h>
#include <string.h>

/* Bit `bit` (0 = least significant) of value v as a state character. */
static uint8_t bit_of(const fstw_value *v, uint32_t bit)
{
    if (bit >= v->bits) return '0';
    if (v->kind == FSTW_VAL_LOGIC) return v->data[v->bits - 1 - bit];
    if (v->kind != FSTW_VAL_BITS2) return 'x';
    size_t nb = v->len, byte = nb - 1 - bit / 8;
    return (v->data[byte] >> (bit % 8)) & 1 ? '1' : '0';
}

void fstwi_derive_compose(const fstwi_derived *d, const fstw_value *const *vals, uint8_t *chars)
{
    size_t pos = 0;
    for (uint32_t i = 0; i < d->n; i++) {
        const fstw_piece *p = &d->pieces[i];
        for (uint32_t bit = p->msb + 1; bit-- > p->lsb;)
            chars[pos++] = vals[i] ? bit_of(vals[i], bit) : 'x';
    }
}

int fstwi_derive_load(const fstw_file *f, uint32_t ref, fstw_signal *const *inputs, fstw_signal **out,
                      fstw_error *err)
{
    *out = NULL;
    const fstwi_derived *d = fstwi_derived_of(&f->hier, ref);
    if (!d) return fstwi_fail(err, FSTW_ERR_ARG, "signal %u is not derived", ref);
    fstwi_builder b;
    int rc = fstwi_builder_init(&b, f, ref, err);
    if (rc) return rc;
    size_t n = d->n, scratch_len = 0;
    for (size_t i = 0; i < n; i++) {
        size_t s = fstw_signal_scratch_size(inputs[i]);
        if (s > scratch_len) scratch_len = s;
    }
    size_t *pos = calloc(n ? n : 1, sizeof *pos);
    fstw_value *vals = calloc(n ? n : 1, sizeof *vals);
    const fstw_value **cur = calloc(n ? n : 1, sizeof *cur);
    uint8_t *scratch = malloc(n * (scratch_len + 1) + 1);
    uint8_t *chars = malloc((size_t)d->width + 1);
    uint8_t *tmp = malloc(2 * (size_t)d->width + 16);
    if (!pos || !vals || !cur || !scratch || !chars || !tmp) {
        rc = fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
        goto done;
    }
    for (;;) {
        /* the next step at which a piece changes */
        uint32_t next = UINT32_MAX;
        int any = 0;
        for (size_t i = 0; i < n; i++)
            if (pos[i] < fstw_signal_len(inputs[i])) {
                uint32_t t = fstw_signal_time_index(inputs[i], pos[i]);
                if (!any || t < next) next = t;
                any = 1;
            }
        if (!any) break;
        /* each piece's settled value of that step */
        for (size_t i = 0; i < n; i++) {
            size_t len = fstw_signal_len(inputs[i]);
            int moved = 0;
            while (pos[i] < len && fstw_signal_time_index(inputs[i], pos[i]) == next) { pos[i]++; moved = 1; }
            if (moved) {
                fstw_signal_value(inputs[i], pos[i] - 1, &vals[i], scratch + i * (scratch_len + 1), scratch_len);
                cur[i] = &vals[i];
            }
        }
        fstwi_derive_compose(d, cur, chars);
        if (fstwi_builder_add_chars(&b, next, chars, d->width, tmp)) {
            rc = fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
            goto done;
        }
    }
    if (!(*out = fstwi_builder_finish(&b, f))) rc = fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
done:
    fstwi_builder_free(&b);
    free(pos);
    free(vals);
    free(cur);
    free(scratch);
    free(chars);
    free(tmp);
    return rc;
}
