/*
 * wfstw_file.c - opening a file in WebAssembly: the core's fstw_reader
 * (fstw_open_reader) whose read_at calls back into JS (Module.fstwRead,
 * set by node/lib/backend/module.js: a file descriptor read with
 * fs.readSync in Node, a Uint8Array, or a Blob sliced by FileReaderSync in
 * a browser Worker), and the file's life: open, body load, close.  Progress
 * and cancel of a call go through Module.fstwProgress (a nonzero return
 * cancels; single-threaded, so JS is called on the one thread there is).
 */
#include "wfstw.h"

#include <stdlib.h>
#include <string.h>

/* Reads len bytes at off of JS source `src` into buf: 0 or an errno
 * (EIO when JS threw). */
EM_JS(int, wfstw_js_read, (int src, double off, void *buf, double len), {
    return Module.fstwRead(src, off, buf, len);
});

static int read_at(void *ctx, uint64_t off, void *buf, size_t len)
{
    return wfstw_js_read((int)(intptr_t)ctx, (double)off, buf, (double)len);
}

/* The hierarchy side file of source src (fstw_reader.open_side): JS opens
 * side_name (Module.fstwOpenSide: only sources that are files at a path
 * have one) and returns 0 with out = [its source id, its size], or an errno
 * of this libc (EISDIR: not a regular file; ENOENT, ...: none). */
EM_JS(int, wfstw_js_open_side, (int src, const char *side_name, double *out), {
    return Module.fstwOpenSide(src, UTF8ToString(side_name), out);
});
/* Forgets a source JS opened for open_side (Module.fstwRelease). */
EM_JS(void, wfstw_js_release, (int src), {
    Module.fstwRelease(src);
});

static void release(void *ctx)
{
    wfstw_js_release((int)(intptr_t)ctx);
}

static int open_side(void *ctx, const char *side_name, fstw_reader *side)
{
    double out[2] = { 0, 0 };
    int e = wfstw_js_open_side((int)(intptr_t)ctx, side_name, out);
    if (e) return e;
    side->ctx = (void *)(intptr_t)out[0];
    side->size = (uint64_t)out[1];
    side->read_at = read_at;
    side->release = release;
    return 0;
}

/* Opens JS source src (size bytes, named name) through the reader;
 * progress: report to Module.fstwProgress.  The file or NULL (last error). */
WFSTW_API fstw_file *wfstw_open(int src, double size, const char *name, int multi_threaded,
                                int remove_empty, int load_body, int rules, int progress)
{
    fstw_open_options o;
    fstw_open_options_init(&o);
    o.multi_threaded = multi_threaded;
    o.remove_scopes_with_empty_name = remove_empty;
    o.load_body = load_body;
    o.hierarchy_rules = rules;
    o.progress = progress ? &wfstw_progress : NULL;
    fstw_reader r = { (void *)(intptr_t)src, (uint64_t)size, read_at, name, open_side, NULL };
    fstw_file *f = NULL;
    if (fstw_open_reader(&r, &o, &f, &wfstw_last_error)) return NULL;
    return f;
}

/* fstw_load_body_ex: 0 or the status (last error). */
WFSTW_API int wfstw_load_body(fstw_file *f, int progress)
{
    return fstw_load_body_ex(f, progress ? &wfstw_progress : NULL, &wfstw_last_error);
}

WFSTW_API void wfstw_close(fstw_file *f) { fstw_close(f); }
WFSTW_API int wfstw_body_loaded(fstw_file *f) { return fstw_body_loaded(f); }

/* The time table: its length in *n, a pointer into the core's table. */
WFSTW_API const uint64_t *wfstw_time_table(fstw_file *f, uint32_t *n)
{
    size_t k = 0;
    const uint64_t *t = fstw_time_table(f, &k);
    *n = t ? (uint32_t)k : 0;
    return t;
}

/* A buffer of the wasm heap for the JS side (NULL when out of memory). */
WFSTW_API void *wfstw_alloc(double n) { return malloc(n > 0 ? (size_t)n : 1); }
WFSTW_API void wfstw_free(void *p) { free(p); }
WFSTW_API void wfstw_free_core(void *p) { fstw_free(p); }

/* fstw_memory_stats_get into out[0..1]. */
WFSTW_API void wfstw_memory_stats(double *out)
{
    fstw_memory_stats st;
    fstw_memory_stats_get(&st);
    out[0] = (double)st.signals;
    out[1] = (double)st.signal_bytes;
}

WFSTW_API const char *wfstw_version(void) { return FSTW_VERSION; }
