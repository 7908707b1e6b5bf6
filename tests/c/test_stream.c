/* test_stream.c - the one-pass stream (fstw_stream_*) against signal loads,
 * on every file given.
 *
 * A signal load and the stream read the same chains by two separate paths
 * (fstw_decode.c into storage, fstw_stream.c change by change), so each
 * checks the other:
 *   - the stream's changes of each signal, with the storage's de-duplication
 *     applied (a change equal to the one before it is dropped; events never),
 *     are exactly the loaded signal's changes: same times, same values;
 *   - the times never decrease within a block, new_step is set exactly when
 *     the time grows, block indices never decrease;
 *   - with track_values, changed is set exactly when the value differs from
 *     the signal's previous one (or it is an event), and fstw_stream_value
 *     gives the latest value;
 *   - a stream of a subset of the signals gives exactly the subset's
 *     changes of the full stream, in the same order;
 *   - progress ends at its total; a stream opened and closed early leaks
 *     nothing (checked by the sanitizer runs).
 * Each file is checked with both hierarchy rules: with pywellen 0.25's, the
 * derived signals (split vectors put together) are streamed from their
 * pieces' changes and loaded from their pieces' signals, two more separate
 * paths.
 * The order within a time step is checked against pywellen 0.25.7 by the
 * differential test (tests/python25). */
#include "fstwave.h"
#include "check.h"
#include <string.h>

typedef struct kept {      /* a change as compared: time and value bytes */
    uint64_t time;
    int kind;
    double real;
    size_t len;
    uint8_t *data;
} kept;

typedef struct per_signal {
    kept *v;
    size_t n, cap;
    int has_last;          /* the stream's latest value, for `changed` */
    kept last;
} per_signal;

static void copy_value(kept *k, uint64_t t, const fstw_value *v)
{
    k->time = t;
    k->kind = v->kind;
    k->real = v->real;
    k->len = v->len;
    k->data = malloc(v->len ? v->len : 1);
    if (v->len) memcpy(k->data, v->data, v->len);
}

static int same(const kept *a, const fstw_value *v)
{
    if (a->kind != v->kind) return 0;
    if (v->kind == FSTW_VAL_EVENT) return 0;
    if (v->kind == FSTW_VAL_REAL) return memcmp(&a->real, &v->real, sizeof v->real) == 0;
    return a->len == v->len && (v->len == 0 || memcmp(a->data, v->data, v->len) == 0);
}

static int same_changed(const kept *a, const fstw_value *v)
{
    if (a->kind != v->kind || v->kind == FSTW_VAL_EVENT) return 0;
    if (v->kind == FSTW_VAL_REAL) return a->real == v->real;
    return a->len == v->len && (v->len == 0 || memcmp(a->data, v->data, v->len) == 0);
}

static void push(per_signal *p, uint64_t t, const fstw_value *v)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 16;
        p->v = realloc(p->v, p->cap * sizeof *p->v);
    }
    copy_value(&p->v[p->n++], t, v);
}

typedef struct seen_change { uint64_t time; uint32_t ref; } seen_change;

static void check_file(const char *path, int rules)
{
    current = path;
    fstw_open_options o;
    fstw_open_options_init(&o);
    o.load_body = 0;
    o.hierarchy_rules = rules;
    fstw_file *f;
    fstw_error e;
    if (fstw_open(path, &o, &f, &e)) return; /* files the core refuses are tested elsewhere */
    uint32_t ns = fstw_signal_count(f);
    per_signal *ps = calloc(ns ? ns : 1, sizeof *ps);
    seen_change *all = NULL;
    size_t n_all = 0, cap_all = 0;

    fstw_stream *s;
    int rc = fstw_stream_open(f, NULL, 0, 1, 1, &s, &e);
    CHECK(rc == FSTW_OK, "stream_open: %s", e.message);
    if (rc) { free(ps); fstw_close(f); return; }
    fstw_change c;
    int r, have_prev = 0;
    uint64_t prev_time = 0;
    uint32_t prev_block = 0;
    size_t bad_order = 0, bad_step = 0, bad_changed = 0, bad_value = 0;
    while ((r = fstw_stream_next(s, &c, &e)) == 1) {
        if (c.ref >= ns) { CHECK(0, "ref %u out of range", c.ref); break; }
        if (have_prev && c.block == prev_block && c.time < prev_time) bad_order++;
        if (have_prev && c.block < prev_block) bad_order++;
        if (c.new_step != (!have_prev || c.time > prev_time)) bad_step++;
        per_signal *p = &ps[c.ref];
        int expect_changed = c.value.kind == FSTW_VAL_EVENT || !p->has_last || !same_changed(&p->last, &c.value);
        if (c.changed != expect_changed) bad_changed++;
        if (expect_changed) {
            if (p->has_last) free(p->last.data);
            copy_value(&p->last, c.time, &c.value);
            p->has_last = 1;
        }
        fstw_value latest;
        /* (bit-wise: a NaN is its own latest value) */
        if (!fstw_stream_value(s, c.ref, &latest) ||
            (latest.kind != FSTW_VAL_EVENT && !same(&p->last, &latest)) || latest.kind != p->last.kind)
            bad_value++;
        /* the storage's de-duplication: drop a change equal to the last kept one */
        if (p->n == 0 || !same(&p->v[p->n - 1], &c.value)) push(p, c.time, &c.value);
        if (n_all == cap_all) {
            cap_all = cap_all ? 2 * cap_all : 1024;
            all = realloc(all, cap_all * sizeof *all);
        }
        all[n_all++] = (seen_change){ c.time, c.ref };
        have_prev = 1;
        prev_time = c.time;
        prev_block = c.block;
    }
    CHECK(r == 0, "stream ended with %d: %s", r, e.message);
    CHECK(bad_order == 0, "%zu changes out of time order", bad_order);
    CHECK(bad_step == 0, "%zu wrong new_step flags", bad_step);
    CHECK(bad_changed == 0, "%zu wrong changed flags", bad_changed);
    CHECK(bad_value == 0, "%zu wrong latest values", bad_value);
    uint64_t done, total;
    fstw_stream_progress(s, &done, &total);
    CHECK(r != 0 || done == total, "progress ends at %llu of %llu", (unsigned long long)done, (unsigned long long)total);
    fstw_stream_close(s);

    /* the loaded signals hold the same changes */
    if (r == 0 && fstw_load_body(f, &e) == FSTW_OK) {
        uint32_t *refs = malloc((ns ? ns : 1) * sizeof *refs);
        fstw_signal **sig = calloc(ns ? ns : 1, sizeof *sig);
        for (uint32_t i = 0; i < ns; i++) refs[i] = i;
        if (fstw_load_signals(f, refs, ns, sig, 0, &e) == FSTW_OK) {
            for (uint32_t i = 0; i < ns; i++) {
                per_signal *p = &ps[i];
                size_t n = fstw_signal_len(sig[i]);
                size_t scratch_len = fstw_signal_scratch_size(sig[i]);
                uint8_t *scratch = malloc(scratch_len ? scratch_len : 1);
                int ok = n == p->n;
                for (size_t k = 0; ok && k < n; k++) {
                    fstw_value v;
                    fstw_signal_value(sig[i], k, &v, scratch, scratch_len);
                    ok = fstw_signal_time(sig[i], k) == p->v[k].time &&
                         (v.kind == FSTW_VAL_EVENT ? p->v[k].kind == FSTW_VAL_EVENT : same(&p->v[k], &v));
                    if (!ok) CHECK(0, "signal %u: change %zu differs (time %llu / %llu)", i, k,
                                   (unsigned long long)fstw_signal_time(sig[i], k), (unsigned long long)p->v[k].time);
                }
                if (n != p->n) CHECK(0, "signal %u: %zu changes loaded, %zu streamed (de-duplicated)", i, n, p->n);
                else if (ok) passed++;
                free(scratch);
                fstw_signal_free(sig[i]);
            }
        }
        /* a subset: every third signal, in reverse order with a repeat.  Its
         * file signals come in the full stream's order; its derived ones
         * (whose order within a step follows a hash set's history) at the
         * same times, as many */
        size_t nsub = 0;
        for (uint32_t i = ns; i-- > 0;)
            if (i % 3 == 1) refs[nsub++] = i;
        if (nsub) refs[nsub++] = refs[0];
        if (fstw_stream_open(f, refs, nsub, 0, 0, &s, &e) == FSTW_OK) {
            size_t k = 0, mismatch = 0, n_derived_full = 0, n_derived_sub = 0;
            uint64_t sum_full = 0, sum_sub = 0;
            for (size_t j = 0; j < n_all; j++)
                if (all[j].ref % 3 == 1 && fstw_signal_inputs(f, all[j].ref, NULL, 0)) {
                    n_derived_full++;
                    sum_full += all[j].time * 31 + all[j].ref;
                }
            while ((r = fstw_stream_next(s, &c, &e)) == 1) {
                if (fstw_signal_inputs(f, c.ref, NULL, 0)) {
                    n_derived_sub++;
                    sum_sub += c.time * 31 + c.ref;
                    continue;
                }
                while (k < n_all && (all[k].ref % 3 != 1 || fstw_signal_inputs(f, all[k].ref, NULL, 0))) k++;
                if (k >= n_all || all[k].ref != c.ref || all[k].time != c.time) mismatch++;
                k++;
            }
            while (k < n_all && (all[k].ref % 3 != 1 || fstw_signal_inputs(f, all[k].ref, NULL, 0))) k++;
            CHECK(r == 0 && mismatch == 0 && k == n_all, "subset stream: %zu mismatches", mismatch);
            CHECK(n_derived_sub == n_derived_full && sum_sub == sum_full,
                  "subset stream: %zu derived changes, full stream %zu", n_derived_sub, n_derived_full);
            fstw_stream_close(s);
        }
        free(refs);
        free(sig);
    }
    /* opened and closed early */
    if (fstw_stream_open(f, NULL, 0, 1, 1, &s, &e) == FSTW_OK) {
        fstw_stream_next(s, &c, &e);
        fstw_stream_close(s);
    }
    /* a ref out of range is refused */
    uint32_t bad = ns;
    CHECK(fstw_stream_open(f, &bad, 1, 0, 0, &s, &e) == FSTW_ERR_ARG, "ref out of range accepted");

    for (uint32_t i = 0; i < ns; i++) {
        for (size_t k = 0; k < ps[i].n; k++) free(ps[i].v[k].data);
        free(ps[i].v);
        if (ps[i].has_last) free(ps[i].last.data);
    }
    free(ps);
    free(all);
    fstw_close(f);
}

int main(int argc, char **argv)
{
    (void)set_parallel_min_bytes;
    if (argc < 2) return fputs("usage: test_stream FILE.fst...\n", stderr), 2;
    /* both hierarchies: pywellen 0.25's adds derived signals (split vectors
     * put together), streamed at the end of each step and loaded from their
     * pieces by separate code */
    for (int i = 1; i < argc; i++) {
        check_file(argv[i], FSTW_HIERARCHY_PYWELLEN_020);
        check_file(argv[i], FSTW_HIERARCHY_PYWELLEN_025);
    }
    printf("test_stream: %d files, %d passed, %d failed\n", argc - 1, passed, failed);
    return failed ? 1 : 0;
}
