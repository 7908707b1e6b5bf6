/*
 * nfstw_render.c - the picture and the text of the tool's `render` and
 * `show` commands (fstw_render_svg, fstw_show_text; docs/tools.md), over the
 * work layer (nfstw_work.c): inline for the sync natives, on the libuv
 * thread pool for the async ones.  Labels are the vars' full names
 * (fstw_var_full_name), as in the Python binding, so both write the same
 * bytes.
 *
 * Exports (h a file handle, s a signal handle):
 *   renderSvg(h, ids, sigs, from, to, width, radix) -> string
 *   renderSvgAsync(h, ids, sigs, from, to, width, radix) -> Promise<string>
 *   showText(h, ids, sigs, from, to, radix) -> string
 *   showTextAsync(h, ids, sigs, from, to, radix) -> Promise<string>
 * ids: Uint32Array of var ids; sigs: the loaded signal of each (same
 * length); from/to: bigint or number, null/undefined for the file's start
 * and end time; radix 2, 10 or 16.  The caller keeps sigs reachable until
 * an async call settles.  Bad windows, widths and radixes are the core's
 * RangeError.
 */
#include "nfstw.h"

#include <stdlib.h>
#include <string.h>

typedef struct render_work {
    nfstw_work base;
    fstw_render_row *rows;
    char **labels;
    size_t n;
    fstw_render_options opts;
    int show;
    char *out;
    size_t len;
} render_work;

static void render_execute(nfstw_work *work)
{
    render_work *rw = (render_work *)work;
    if (rw->show)
        work->rc = fstw_show_text(work->wave->file, rw->rows, rw->n, rw->opts.t0, rw->opts.t1, rw->opts.radix,
                                  &rw->out, &rw->len, &work->err);
    else
        work->rc = fstw_render_svg(work->wave->file, rw->rows, rw->n, &rw->opts, &rw->out, &rw->len, &work->err);
}

static napi_value render_result(napi_env env, nfstw_work *work)
{
    render_work *rw = (render_work *)work;
    napi_value s;
    if (napi_create_string_utf8(env, rw->out, rw->len, &s) != napi_ok)
        return NULL;
    return s;
}

static void render_dispose(napi_env env, nfstw_work *work)
{
    (void)env;
    render_work *rw = (render_work *)work;
    fstw_free(rw->out);
    if (rw->labels)
        for (size_t i = 0; i < rw->n; i++)
            free(rw->labels[i]);
    free(rw->labels);
    free(rw->rows);
}

static const nfstw_work_ops RENDER_OPS = {
    "fstwave.render", "fstwave: the render was cancelled", "fstwave: cannot create the rendered text",
    render_execute, render_result, render_dispose,
};

/* A time argument, or `def` when null/undefined. */
static int time_arg(napi_env env, napi_value v, const char *what, uint64_t def, uint64_t *out)
{
    napi_valuetype t;
    if (napi_typeof(env, v, &t) != napi_ok)
        return -1;
    if (t == napi_null || t == napi_undefined) {
        *out = def;
        return 0;
    }
    return nfstw_get_u64(env, v, what, UINT64_MAX, out);
}

/* The rows from ids (var ids) and sigs (signal handles). */
static int rows_arg(napi_env env, nfstw_wave *w, napi_value ids, napi_value sigs, render_work *rw)
{
    bool is_ta = false, is_arr = false;
    napi_typedarray_type tt;
    size_t n;
    void *data;
    uint32_t ns;
    if (napi_is_typedarray(env, ids, &is_ta) != napi_ok || !is_ta ||
        napi_get_typedarray_info(env, ids, &tt, &n, &data, NULL, NULL) != napi_ok || tt != napi_uint32_array ||
        napi_is_array(env, sigs, &is_arr) != napi_ok || !is_arr || napi_get_array_length(env, sigs, &ns) != napi_ok ||
        ns != n) {
        nfstw_throw_type(env, "expected a Uint32Array of var ids and an array of as many signals");
        return -1;
    }
    const uint32_t *id = data;
    rw->rows = calloc(n ? n : 1, sizeof *rw->rows);
    rw->labels = calloc(n ? n : 1, sizeof *rw->labels);
    if (!rw->rows || !rw->labels) {
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return -1;
    }
    rw->n = n;
    for (size_t i = 0; i < n; i++) {
        napi_value e;
        if (id[i] >= fstw_var_count(w->file)) {
            nfstw_throw_range(env, "var id %u is out of range", (unsigned)id[i]);
            return -1;
        }
        if (napi_get_element(env, sigs, (uint32_t)i, &e) != napi_ok)
            return -1;
        nfstw_sig *s = nfstw_sig_get(env, e);
        if (!s)
            return -1;
        size_t len = fstw_var_full_name(w->file, id[i], NULL, 0);
        rw->labels[i] = malloc(len + 1);
        if (!rw->labels[i]) {
            nfstw_throw_plain(env, "ENOMEM", "out of memory");
            return -1;
        }
        fstw_var_full_name(w->file, id[i], rw->labels[i], len + 1);
        rw->rows[i] = (fstw_render_row){s->sig, rw->labels[i], id[i]};
    }
    return 0;
}

/* renderSvg/showText (show) and their async forms: arguments checked here, at once. */
static napi_value run(napi_env env, napi_callback_info info, int async, int show)
{
    napi_value argv[7];
    uint64_t width = 0, radix;
    render_work rw = {.base = {.ops = &RENDER_OPS}, .show = show};
    nfstw_wave *w = nfstw_wave_args(env, info, show ? 6 : 7, argv);
    if (!w)
        return NULL;
    rw.base.wave = w;
    const fstw_header *h = fstw_file_header(w->file);
    napi_value radix_v = argv[show ? 5 : 6];
    if (rows_arg(env, w, argv[1], argv[2], &rw) < 0 || time_arg(env, argv[3], "from", h->start_time, &rw.opts.t0) < 0 ||
        time_arg(env, argv[4], "to", h->end_time, &rw.opts.t1) < 0 ||
        (!show && nfstw_get_u64(env, argv[5], "width", UINT32_MAX, &width) < 0) ||
        nfstw_get_u64(env, radix_v, "radix", 16, &radix) < 0) {
        render_dispose(env, &rw.base);
        return NULL;
    }
    rw.opts.width = (uint32_t)width;
    rw.opts.radix = (int)radix;
    return nfstw_work_run(env, &rw.base, sizeof rw, async);
}

static napi_value render_run(napi_env env, napi_callback_info info, int async)
{
    return run(env, info, async, 0);
}

static napi_value show_run(napi_env env, napi_callback_info info, int async)
{
    return run(env, info, async, 1);
}

NFSTW_WORK_NATIVES(fn_render_svg, render_run)
NFSTW_WORK_NATIVES(fn_show_text, show_run)

napi_status nfstw_render_init(napi_env env, napi_value exports)
{
    napi_property_descriptor props[] = {
        NFSTW_FN("renderSvg", fn_render_svg),
        NFSTW_FN("renderSvgAsync", fn_render_svg_async),
        NFSTW_FN("showText", fn_show_text),
        NFSTW_FN("showTextAsync", fn_show_text_async),
    };
    return napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
