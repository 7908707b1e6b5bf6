/*
 * nfstw_view.c - what a waveform viewer asks of a loaded signal, as typed
 * arrays (contract section 6): the window of changes and the display
 * summary.  Every array is allocated inside V8 (napi_create_arraybuffer)
 * and the core copies into it (fstw_signal_copy_times/values,
 * fstw_signal_gather_values); never an external buffer (Electron forbids
 * them), so each array's buffer can be transferred to a worker.
 *
 * The value arrays follow the signal's array kind (fstw_signal_array_kind):
 *   'u64'     BigUint64Array, one per change (2-state, 1..64 bits)
 *   'f64'     Float64Array (reals)
 *   'rows'    Uint8Array of rowBytes (= bit width) ASCII bytes per change
 *   'strings' Uint8Array of the concatenated bytes, plus offsets, a
 *             BigUint64Array of count + 1 (the first 0)
 *   'none'    null (events: times only)
 *
 * Exports (s a signal handle; times bigint or integral number):
 *   sigWindow(s, t0, t1) -> { kind, rowBytes, first, hasInitial, times,
 *     values, offsets? }: the change in force at t0 (hasInitial) and the
 *     changes in (t0, t1] (fstw_signal_window); first is the index of the
 *     first of them in the signal's change list.
 *   sigSummary(s, t0, t1, buckets) -> { kind, rowBytes, bounds, counts,
 *     first, last, firstValues, lastValues, firstOffsets?, lastOffsets? }:
 *     fstw_signal_summary; counts, first and last as Float64Array (change
 *     indices, -1 for none; exact, a signal has fewer than 2^53 changes),
 *     the values of first/last gathered in the kind's layout (a zero value
 *     where the index is -1).
 * RangeError for t1 < t0 or buckets 0 (the core's FSTW_ERR_ARG).
 */
#include "nfstw.h"

#include <string.h>

static const char *const KIND_NAMES[] = {"none", "u64", "f64", "rows", "strings"};

/* A typed array of n elements over a new ArrayBuffer of n * elem bytes;
 * *data gets its bytes. */
static napi_value new_array(napi_env env, napi_typedarray_type type, size_t elem, size_t n, void **data)
{
    napi_value ab, ta;
    *data = NULL;
    if (napi_create_arraybuffer(env, n * elem, data, &ab) != napi_ok ||
        napi_create_typedarray(env, type, n, ab, 0, &ta) != napi_ok)
        return NULL;
    return ta;
}

/* The value arrays of n values taking `bytes` bytes in the kind's layout. */
typedef struct value_arrays {
    napi_value values, offsets; /* offsets: NULL unless strings */
    void *vdata;
    uint64_t *odata;
} value_arrays;

static int new_values(napi_env env, int kind, size_t n, size_t bytes, value_arrays *va)
{
    memset(va, 0, sizeof *va);
    switch (kind) {
    case FSTW_ARR_U64:
        va->values = new_array(env, napi_biguint64_array, 8, n, &va->vdata);
        break;
    case FSTW_ARR_F64:
        va->values = new_array(env, napi_float64_array, 8, n, &va->vdata);
        break;
    case FSTW_ARR_ROWS:
        va->values = new_array(env, napi_uint8_array, 1, bytes, &va->vdata);
        break;
    case FSTW_ARR_STRINGS:
        va->values = new_array(env, napi_uint8_array, 1, bytes, &va->vdata);
        if (va->values)
            va->offsets = new_array(env, napi_biguint64_array, 8, n + 1, (void **)&va->odata);
        return va->values && va->offsets ? 0 : -1;
    default:
        va->values = nfstw_null(env);
        break;
    }
    return va->values ? 0 : -1;
}

/* The kind and rowBytes properties of a new result object. */
static napi_value new_result(napi_env env, const fstw_signal *s, int kind)
{
    napi_value o, k;
    if (napi_create_object(env, &o) != napi_ok ||
        napi_create_string_utf8(env, KIND_NAMES[kind], NAPI_AUTO_LENGTH, &k) != napi_ok ||
        nfstw_set(env, o, "kind", k) || nfstw_set(env, o, "rowBytes", nfstw_i64(env, (int64_t)fstw_signal_row_bytes(s))))
        return NULL;
    return o;
}

/* The signal handle and the window (t0, t1] of argv[0..2]. */
static nfstw_sig *window_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv, uint64_t *t0,
                              uint64_t *t1)
{
    if (nfstw_args(env, info, want, argv) < 0)
        return NULL;
    nfstw_sig *s = nfstw_sig_get(env, argv[0]);
    if (!s || nfstw_get_u64(env, argv[1], "t0", UINT64_MAX, t0) < 0 || nfstw_get_u64(env, argv[2], "t1", UINT64_MAX, t1) < 0)
        return NULL;
    if (*t1 < *t0) {
        nfstw_throw_range(env, "t1 (%llu) must not be before t0 (%llu)", (unsigned long long)*t1,
                          (unsigned long long)*t0);
        return NULL;
    }
    return s;
}

static napi_value fn_sig_window(napi_env env, napi_callback_info info)
{
    napi_value argv[3], o, times;
    uint64_t t0, t1;
    nfstw_sig *s = window_args(env, info, 3, argv, &t0, &t1);
    fstw_window win;
    if (!s)
        return NULL;
    fstw_signal_window(s->sig, t0, t1, &win); /* t1 >= t0: cannot fail */
    int kind = fstw_signal_array_kind(s->sig);
    size_t n = win.end - win.first;
    void *tdata;
    value_arrays va;
    if (!(o = new_result(env, s->sig, kind)) || !(times = new_array(env, napi_biguint64_array, 8, n, &tdata)) ||
        new_values(env, kind, n, fstw_signal_values_bytes(s->sig, win.first, win.end), &va) < 0)
        return NULL;
    if (fstw_signal_copy_times(s->sig, win.first, win.end, tdata) != FSTW_OK ||
        fstw_signal_copy_values(s->sig, win.first, win.end, va.vdata, va.odata) != FSTW_OK) {
        nfstw_throw_range(env, "cannot copy changes %zu..%zu", win.first, win.end);
        return NULL;
    }
    if (nfstw_set(env, o, "first", nfstw_i64(env, (int64_t)win.first)) ||
        nfstw_set(env, o, "hasInitial", nfstw_bool(env, win.has_initial)) || nfstw_set(env, o, "times", times) ||
        nfstw_set(env, o, "values", va.values) || (va.offsets && nfstw_set(env, o, "offsets", va.offsets)))
        return NULL;
    return o;
}

/* Change indices or counts (int64, -1 for none) to doubles, in place. */
static void indices_to_doubles(void *data, size_t n)
{
    uint8_t *p = data;
    for (size_t i = 0; i < n; i++) {
        int64_t x;
        memcpy(&x, p + 8 * i, 8);
        double d = (double)x;
        memcpy(p + 8 * i, &d, 8);
    }
}

/* The values of the changes idx[0..n) as property `name` (and name's
 * offsets `oname` for strings) of o. */
static int set_gathered(napi_env env, napi_value o, const fstw_signal *s, int kind, const int64_t *idx, size_t n,
                        const char *name, const char *oname)
{
    value_arrays va;
    if (new_values(env, kind, n, fstw_signal_gather_bytes(s, idx, n), &va) < 0)
        return -1;
    if (fstw_signal_gather_values(s, idx, n, va.vdata, va.odata) != FSTW_OK) {
        nfstw_throw_range(env, "cannot gather the values of the summary");
        return -1;
    }
    if (nfstw_set(env, o, name, va.values) || (va.offsets && nfstw_set(env, o, oname, va.offsets)))
        return -1;
    return 0;
}

static napi_value fn_sig_summary(napi_env env, napi_callback_info info)
{
    napi_value argv[4], o, bounds, counts, first, last;
    uint64_t t0, t1, buckets;
    nfstw_sig *s = window_args(env, info, 4, argv, &t0, &t1);
    if (!s || nfstw_get_u64(env, argv[3], "buckets", UINT32_MAX, &buckets) < 0)
        return NULL;
    if (buckets == 0) {
        nfstw_throw_range(env, "buckets must be at least 1");
        return NULL;
    }
    int kind = fstw_signal_array_kind(s->sig);
    size_t n = (size_t)buckets;
    void *bd, *cd, *fd, *ld;
    if (!(o = new_result(env, s->sig, kind)) || !(bounds = new_array(env, napi_biguint64_array, 8, n + 1, &bd)) ||
        !(counts = new_array(env, napi_float64_array, 8, n, &cd)) ||
        !(first = new_array(env, napi_float64_array, 8, n, &fd)) ||
        !(last = new_array(env, napi_float64_array, 8, n, &ld)))
        return NULL;
    /* the core writes uint64/int64 into the Float64Arrays' bytes; converted in place below */
    if (fstw_signal_summary(s->sig, t0, t1, (uint32_t)buckets, bd, fd, cd, ld) != FSTW_OK) {
        nfstw_throw_range(env, "bad summary window");
        return NULL;
    }
    if (set_gathered(env, o, s->sig, kind, fd, n, "firstValues", "firstOffsets") < 0 ||
        set_gathered(env, o, s->sig, kind, ld, n, "lastValues", "lastOffsets") < 0)
        return NULL;
    indices_to_doubles(cd, n); /* counts: below 2^63 too */
    indices_to_doubles(fd, n);
    indices_to_doubles(ld, n);
    if (nfstw_set(env, o, "bounds", bounds) || nfstw_set(env, o, "counts", counts) || nfstw_set(env, o, "first", first) ||
        nfstw_set(env, o, "last", last))
        return NULL;
    return o;
}

napi_status nfstw_view_init(napi_env env, napi_value exports)
{
    napi_property_descriptor props[] = {
        NFSTW_FN("sigWindow", fn_sig_window),
        NFSTW_FN("sigSummary", fn_sig_summary),
    };
    return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
