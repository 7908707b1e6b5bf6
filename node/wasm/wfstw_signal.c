/*
 * wfstw_signal.c - loading signals and reading their changes for the wasm
 * backend (node/lib/backend/signals.js, view.js): a load into an array of
 * signal pointers, and a change's value as out[] = [kind, data pointer,
 * length, real, bits] (the JS side converts it as the addon's
 * nfstw_value_js does).  The bulk copies of viewers (window, summary) use
 * the core's exported fstw_signal_* functions directly.
 */
#include "wfstw.h"

#include <stdlib.h>

/* fstw_load_signals_ex of refs[0..n) into out[0..n), on this one thread:
 * 0 or the status (last error). */
WFSTW_API int wfstw_load(fstw_file *f, const uint32_t *refs, uint32_t n, fstw_signal **out, int progress)
{
    return fstw_load_signals_ex(f, refs, n, out, 0, progress ? &wfstw_progress : NULL, &wfstw_last_error);
}

/* Checks a signal ref: 0 or FSTW_ERR_ARG (last error). */
WFSTW_API int wfstw_check_ref(fstw_file *f, uint32_t ref)
{
    return fstw_check_signal_ref(f, ref, &wfstw_last_error);
}

static uint8_t *scratch;
static size_t scratch_len;

static void put_value(const fstw_value *v, double *out)
{
    out[0] = v->kind;
    out[1] = (double)(uintptr_t)v->data;
    out[2] = (double)v->len;
    out[3] = v->real;
    out[4] = v->bits;
}

/* Change i of s into out (see above): 0, or -1 when it cannot be read
 * (out of memory for the scratch, or a bad index). */
WFSTW_API int wfstw_value(const fstw_signal *s, uint32_t i, double *out)
{
    size_t need = fstw_signal_scratch_size(s);
    if (need > scratch_len) {
        uint8_t *p = realloc(scratch, need);
        if (!p) return -1;
        scratch = p;
        scratch_len = need;
    }
    fstw_value v;
    if (fstw_signal_value(s, i, &v, scratch, scratch_len) != FSTW_OK) return -1;
    put_value(&v, out);
    return 0;
}

/* fstw_signal_query at t: out = [change, next change] (-1 for none). */
WFSTW_API void wfstw_query(const fstw_signal *s, uint64_t t, double *out)
{
    fstw_query q;
    fstw_signal_query(s, t, &q);
    out[0] = (double)q.change;
    out[1] = (double)q.next_change;
}

/* fstw_signal_window: out = [first, end, has initial]; 0 or FSTW_ERR_ARG. */
WFSTW_API int wfstw_window(const fstw_signal *s, uint64_t t0, uint64_t t1, double *out)
{
    fstw_window w;
    int rc = fstw_signal_window(s, t0, t1, &w);
    if (rc) return wfstw_fail(rc, "t1 must not be before t0");
    out[0] = (double)w.first;
    out[1] = (double)w.end;
    out[2] = w.has_initial;
    return 0;
}

/* The show text (show) or the SVG of the rows (var ids and their signals),
 * labels the vars' full names as the addon gives them: the document in
 * *out (free with wfstw_free_core) of *len bytes, or the status. */
WFSTW_API int wfstw_render(fstw_file *f, int show, const uint32_t *ids, fstw_signal *const *sigs, uint32_t n,
                           uint64_t t0, uint64_t t1, uint32_t width, int radix, char **out, uint32_t *len)
{
    fstw_render_row *rows = calloc(n ? n : 1, sizeof *rows);
    char **labels = calloc(n ? n : 1, sizeof *labels);
    int rc = rows && labels ? FSTW_OK : wfstw_fail(FSTW_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < n && !rc; i++) {
        size_t l = fstw_var_full_name(f, ids[i], NULL, 0);
        if (!(labels[i] = malloc(l + 1))) {
            rc = wfstw_fail(FSTW_ERR_NOMEM, "out of memory");
            break;
        }
        fstw_var_full_name(f, ids[i], labels[i], l + 1);
        rows[i] = (fstw_render_row){ sigs[i], labels[i], ids[i] };
    }
    size_t l = 0;
    *out = NULL;
    if (!rc) {
        if (show) {
            rc = fstw_show_text(f, rows, n, t0, t1, radix, out, &l, &wfstw_last_error);
        } else {
            fstw_render_options o = { t0, t1, width, radix };
            rc = fstw_render_svg(f, rows, n, &o, out, &l, &wfstw_last_error);
        }
    }
    *len = (uint32_t)l;
    if (labels)
        for (uint32_t i = 0; i < n; i++) free(labels[i]);
    free(labels);
    free(rows);
    return rc;
}

/* Stream: fstw_stream_open (refs NULL: every signal), then wfstw_stream_next
 * until 0: out = [time as double, ref, value kind, p, len, real, bits] and
 * *time exact; -1 on an error (last error). */
WFSTW_API fstw_stream *wfstw_stream_open(fstw_file *f, const uint32_t *refs, uint32_t n, int all)
{
    fstw_stream *s = NULL;
    if (fstw_stream_open(f, refs, n, all, 0, &s, &wfstw_last_error)) return NULL;
    return s;
}

WFSTW_API int wfstw_stream_next(fstw_stream *s, uint64_t *time, double *out)
{
    fstw_change c;
    int r = fstw_stream_next(s, &c, &wfstw_last_error);
    if (r != 1) return r;
    *time = c.time;
    out[0] = (double)c.time;
    out[1] = c.ref;
    put_value(&c.value, out + 2);
    return 1;
}

/* fstw_stream_progress: out = [done, total]. */
WFSTW_API void wfstw_stream_progress(const fstw_stream *s, double *out)
{
    uint64_t d, t;
    fstw_stream_progress(s, &d, &t);
    out[0] = (double)d;
    out[1] = (double)t;
}

WFSTW_API void wfstw_stream_close(fstw_stream *s) { fstw_stream_close(s); }

/* FSTW_CACHE_DEFAULT_BYTES: the budget of a cache made without one. */
WFSTW_API double wfstw_cache_default_bytes(void) { return (double)FSTW_CACHE_DEFAULT_BYTES; }
