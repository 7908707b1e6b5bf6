/*
 * nfstw_stream.c - streams of changes: one pass over the value-change
 * blocks in the core's stream order (fstw_stream_* in fstwave.h, pywellen
 * 0.25's stream_changes), handed to JS in batches over the work layer
 * (nfstw_work.c): streamNext runs inline, streamNextAsync on the libuv
 * thread pool, so the event loop never waits for a block to be read.
 *
 * Exports (h a file handle, st a stream handle):
 *   streamOpen(h, refs) -> st      refs: Uint32Array / array of signal refs
 *                                  (checked by the core), or null for every
 *                                  signal; nothing is read yet
 *   streamNext(st, max) -> batch | null
 *   streamNextAsync(st, max) -> Promise<batch | null>
 *       the next changes of the stream, at most `max` of them (and about
 *       BATCH_BYTES of memory), as
 *       [times BigUint64Array, refs Uint32Array, values Array, done, total]
 *       (values converted as every value of the API, nfstw_value_js; done
 *       and total the bytes of value-change blocks read so far and in all,
 *       fstw_stream_progress); null at the end of the stream.  The first
 *       call opens the core stream.  An error met after some changes is
 *       reported by the call after the one that returns them.
 *   streamClose(st)                closes the core stream now, or when the
 *                                  batch in flight ends; idempotent
 *
 * A stream handle holds a reference on its wave for its life and, while
 * its core stream is open, a hold (nfstw_wave_hold): the file stays open
 * between batches.  The wave's close() (and env teardown) releases the
 * hold like streamClose, and streamNext then throws ERR_FSTWAVE_CLOSED.
 * At most one batch of a stream is in flight (another call throws); the
 * batch's memory is bounded by `max` changes and BATCH_BYTES, the core
 * stream's by one block.
 */
#include "nfstw.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes (times, refs, values and their bytes) after which a batch ends,
 * whatever its count of changes. */
#define BATCH_BYTES ((size_t)8 << 20)
/* The bytes one change takes in a batch besides its value's bytes. */
#define CHANGE_BYTES (sizeof(uint64_t) + sizeof(uint32_t) + sizeof(stored_value))
/* The largest `max` a call may ask. */
#define MAX_BATCH ((uint64_t)1 << 24)

static const napi_type_tag STREAM_TAG = {0x6673747761766534ULL, 0x73747265616d6864ULL};

/* One change's value, its bytes at off in the batch's value bytes. */
typedef struct stored_value {
    int kind;
    uint32_t bits;
    size_t off, len;
    double real;
} stored_value;

/* The changes of one batch, copied out of the core stream (its values are
 * valid only until the next fstw_stream_next); kept by the stream and
 * reused by each batch (one is in flight at a time). */
typedef struct change_buf {
    size_t n, cap;       /* changes stored, slots allocated */
    uint64_t *times;
    uint32_t *refs;
    stored_value *vals;
    uint8_t *bytes;      /* the values' bytes */
    size_t nbytes, bytes_cap;
    uint64_t done, total; /* fstw_stream_progress after the batch */
} change_buf;

typedef struct stream_h {
    nfstw_hold hold;       /* first member: the wave's release callback gets it */
    nfstw_wave *wave;      /* a reference for the struct's life */
    uint32_t *refs;        /* the signals to open the core stream with */
    size_t n;
    int all;               /* every signal (refs unused) */
    fstw_stream *s;        /* open core stream (set on a pool thread) */
    int held;              /* the hold is linked */
    int ended;             /* the core stream reached its end (or failed) */
    int in_flight;         /* a batch work runs */
    int close_pending;     /* close once the batch in flight ends */
    int has_err;           /* err is the next call's error */
    fstw_error err;
    uint32_t refcnt;       /* the handle object and the work in flight */
    change_buf buf;        /* the batch being read or handed out */
} stream_h;

/* ============================================================ lifetime */

/* Closes the core stream and lets go of the file (main thread). */
static void stream_close_now(napi_env env, stream_h *st)
{
    fstw_stream_close(st->s);
    st->s = NULL;
    st->ended = 1;
    free(st->refs);
    st->refs = NULL;
    free(st->buf.times);
    free(st->buf.refs);
    free(st->buf.vals);
    free(st->buf.bytes);
    memset(&st->buf, 0, sizeof st->buf);
    if (st->held) {
        st->held = 0;
        nfstw_wave_unhold(env, &st->hold);
    }
}

/* Closes now, or when the batch in flight ends. */
static void stream_close(napi_env env, stream_h *st)
{
    if (st->in_flight)
        st->close_pending = 1;
    else
        stream_close_now(env, st);
}

/* The wave's close() or env teardown (nfstw_hold.release). */
static void stream_release(napi_env env, nfstw_hold *h)
{
    stream_close(env, (stream_h *)h);
}

static void stream_unref(napi_env env, stream_h *st)
{
    if (--st->refcnt > 0)
        return;
    nfstw_wave_unref(env, st->wave);
    free(st);
}

static void stream_finalize(napi_env env, void *data, void *hint)
{
    (void)hint;
    stream_h *st = (stream_h *)data;
    stream_close(env, st);
    stream_unref(env, st);
}

static stream_h *stream_arg(napi_env env, napi_callback_info info, size_t want, napi_value *argv)
{
    if (nfstw_args(env, info, want, argv) < 0)
        return NULL;
    stream_h *st = nfstw_unwrap_tagged(env, argv[0], &STREAM_TAG);
    if (!st)
        nfstw_throw_type(env, "expected a fstwave stream handle");
    return st;
}

/* streamOpen(h, refs | null) -> stream handle */
static napi_value fn_stream_open(napi_env env, napi_callback_info info)
{
    napi_value argv[2], obj;
    napi_valuetype t;
    nfstw_wave *w = nfstw_wave_args(env, info, 2, argv);
    if (!w || napi_typeof(env, argv[1], &t) != napi_ok)
        return NULL;
    stream_h *st = calloc(1, sizeof *st);
    if (!st) {
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return NULL;
    }
    st->all = t == napi_null;
    if (!st->all && nfstw_refs_arg(env, w, argv[1], &st->refs, &st->n) < 0) {
        free(st);
        return NULL;
    }
    st->wave = w;
    nfstw_wave_ref(w);
    st->refcnt = 1;
    obj = nfstw_new_tagged(env, &STREAM_TAG, st, stream_finalize);
    if (!obj) {
        stream_close_now(env, st);
        stream_unref(env, st);
        return NULL;
    }
    st->hold.release = stream_release;
    nfstw_wave_hold(w, &st->hold);
    st->held = 1;
    return obj;
}

/* streamClose(st) */
static napi_value fn_stream_close(napi_env env, napi_callback_info info)
{
    napi_value argv[1];
    stream_h *st = stream_arg(env, info, 1, argv);
    if (!st)
        return NULL;
    stream_close(env, st);
    return nfstw_undefined(env);
}

/* ============================================================ batches */

typedef struct batch_work {
    nfstw_work base;
    stream_h *st;
    size_t max;
} batch_work;

/* Room for one more change (at most max) and `len` more value bytes; 0 or
 * FSTW_ERR_NOMEM. */
static int batch_reserve(change_buf *bw, size_t max, size_t len)
{
    if (bw->n == bw->cap) {
        size_t cap = bw->cap ? 2 * bw->cap : 1024;
        if (cap > max)
            cap = max;
        uint64_t *t = realloc(bw->times, cap * sizeof *t);
        if (t)
            bw->times = t;
        uint32_t *r = realloc(bw->refs, cap * sizeof *r);
        if (r)
            bw->refs = r;
        stored_value *v = realloc(bw->vals, cap * sizeof *v);
        if (v)
            bw->vals = v;
        if (!t || !r || !v)
            return FSTW_ERR_NOMEM;
        bw->cap = cap;
    }
    if (bw->nbytes + len > bw->bytes_cap) {
        size_t cap = bw->bytes_cap ? 2 * bw->bytes_cap : 4096;
        while (cap < bw->nbytes + len)
            cap *= 2;
        uint8_t *b = realloc(bw->bytes, cap);
        if (!b)
            return FSTW_ERR_NOMEM;
        bw->bytes = b;
        bw->bytes_cap = cap;
    }
    return FSTW_OK;
}

/* Copies change c into the batch (its value is valid only until the next
 * fstw_stream_next). */
static int batch_add(change_buf *bw, size_t max, const fstw_change *c)
{
    const fstw_value *v = &c->value;
    size_t len = v->kind == FSTW_VAL_REAL || v->kind == FSTW_VAL_EVENT ? 0 : v->len;
    if (batch_reserve(bw, max, len) != FSTW_OK)
        return FSTW_ERR_NOMEM;
    bw->times[bw->n] = c->time;
    bw->refs[bw->n] = c->ref;
    bw->vals[bw->n] = (stored_value){v->kind, v->bits, bw->nbytes, len, v->real};
    if (len)
        memcpy(bw->bytes + bw->nbytes, v->data, len);
    bw->nbytes += len;
    bw->n++;
    return FSTW_OK;
}

/* Pool thread (or inline): the stream's next changes into the batch. */
static void batch_execute(nfstw_work *work)
{
    batch_work *bw = (batch_work *)work;
    stream_h *st = bw->st;
    change_buf *b = &st->buf;
    b->n = b->nbytes = 0;
    work->rc = FSTW_OK;
    if (st->has_err) { /* met after the previous batch's changes */
        st->has_err = 0;
        work->err = st->err;
        work->rc = st->err.code;
        return;
    }
    if (st->ended)
        return;
    if (!st->s) {
        work->rc = fstw_stream_open(work->wave->file, st->refs, st->n, st->all, 0, &st->s, &work->err);
        if (work->rc != FSTW_OK) {
            st->ended = 1;
            return;
        }
    }
    fstw_change c;
    fstw_error err;
    while (b->n < bw->max && b->n * CHANGE_BYTES + b->nbytes < BATCH_BYTES) {
        int r = fstw_stream_next(st->s, &c, &err);
        if (r == 0) {
            st->ended = 1;
            break;
        }
        if (r > 0 && batch_add(b, bw->max, &c) != FSTW_OK) {
            memset(&err, 0, sizeof err);
            err.code = FSTW_ERR_NOMEM;
            err.offset = -1;
            snprintf(err.message, sizeof err.message, "out of memory for a batch of %zu changes", b->n + 1);
            r = -1;
        }
        if (r < 0) {
            st->ended = 1;
            if (b->n == 0) {
                work->err = err;
                work->rc = err.code;
            } else { /* the changes first, the error at the next call */
                st->err = err;
                st->has_err = 1;
            }
            break;
        }
    }
    fstw_stream_progress(st->s, &b->done, &b->total);
}

/* [times, refs, values, done, total], or null when the batch is empty. */
static napi_value batch_result(napi_env env, nfstw_work *work)
{
    const change_buf *b = &((batch_work *)work)->st->buf;
    napi_value out, values;
    if (b->n == 0)
        return nfstw_null(env);
    if (napi_create_array_with_length(env, b->n, &values) != napi_ok)
        return NULL;
    for (size_t i = 0; i < b->n; i++) {
        const stored_value *sv = &b->vals[i];
        fstw_value v = {sv->kind, sv->bits, b->bytes + sv->off, sv->len, sv->real};
        napi_value x = nfstw_value_js(env, &v);
        if (!x || napi_set_element(env, values, (uint32_t)i, x) != napi_ok)
            return NULL;
    }
    napi_value items[5] = {
        nfstw_u64_array(env, b->times, b->n), nfstw_u32_array(env, b->refs, b->n), values,
        nfstw_i64(env, (int64_t)b->done), nfstw_i64(env, (int64_t)b->total),
    };
    if (napi_create_array_with_length(env, 5, &out) != napi_ok)
        return NULL;
    for (uint32_t i = 0; i < 5; i++)
        if (!items[i] || napi_set_element(env, out, i, items[i]) != napi_ok)
            return NULL;
    return out;
}

static void batch_dispose(napi_env env, nfstw_work *work)
{
    stream_h *st = ((batch_work *)work)->st;
    st->in_flight = 0;
    /* the file is let go as soon as nothing more will be read from it */
    if (st->close_pending || (st->ended && !st->has_err))
        stream_close_now(env, st);
    stream_unref(env, st);
}

static const nfstw_work_ops BATCH_OPS = {
    "fstwave.streamNext", "fstwave: the stream was cancelled", "fstwave: cannot create the batch of changes",
    batch_execute, batch_result, batch_dispose,
};

/* streamNext / streamNextAsync (async 1): the arguments are checked here, at once. */
static napi_value batch_run(napi_env env, napi_callback_info info, int async)
{
    napi_value argv[2];
    uint64_t max;
    stream_h *st = stream_arg(env, info, 2, argv);
    if (!st || nfstw_get_u64(env, argv[1], "max", MAX_BATCH, &max) < 0)
        return NULL;
    if (max == 0) {
        nfstw_throw_range(env, "max must be at least 1");
        return NULL;
    }
    if (nfstw_wave_check_open(env, st->wave) < 0) {
        stream_close(env, st); /* released already by the wave's close() or teardown */
        return NULL;
    }
    if (st->in_flight) {
        napi_throw_error(env, "ERR_FSTWAVE_BUSY", "a batch of this stream is still being read");
        return NULL;
    }
    if (!st->held && !st->has_err) /* closed: the stream has ended */
        return nfstw_null(env);
    batch_work bw = {.base = {.ops = &BATCH_OPS, .wave = st->wave}, .st = st, .max = (size_t)max};
    st->in_flight = 1;
    st->refcnt++;
    return nfstw_work_run(env, &bw.base, sizeof bw, async);
}

NFSTW_WORK_NATIVES(fn_stream_next, batch_run)

napi_status nfstw_stream_init(napi_env env, napi_value exports)
{
    napi_property_descriptor props[] = {
        NFSTW_FN("streamOpen", fn_stream_open),
        NFSTW_FN("streamNext", fn_stream_next),
        NFSTW_FN("streamNextAsync", fn_stream_next_async),
        NFSTW_FN("streamClose", fn_stream_close),
    };
    return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
