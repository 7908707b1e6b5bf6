/*
 * nfstw_wave.c - the life of a file handle (nfstw_wave): its JS object and
 * type tag, its references and busy count, its list of live signals, the
 * closing of its file, its detaching at env teardown, and the memory
 * accounting reported to V8 (with malloc_trim on glibc).
 *
 * The rules (see nfstw.h): refs counts the holders (handle object, signal
 * handles, load batches, stream handles, works in flight); busy counts
 * works in flight and holds (open core streams), and the file is never
 * closed while busy > 0.  The cleanup hook of
 * nfstw_module.c calls nfstw_inst_detach_all; a wave still busy then is
 * closed by nfstw_wave_end_work when its last work ends.  close() (the JS
 * Waveform's) works the same way but frees no signal: the core's signals
 * outlive fstw_close, so loaded Signals stay readable.  Both ask the holds
 * to let go first (nfstw_hold.release).
 */
#include "nfstw.h"

#include <stdlib.h>
#if defined(__GLIBC__)
#include <malloc.h> /* malloc_trim */
#endif

/* The type tag of file-handle objects (a constant, not mutable state). */
static const napi_type_tag WAVE_TAG = {0x6673747761766531ULL, 0x66696c6568616e64ULL};

nfstw_inst *nfstw_inst_get(napi_env env)
{
    void *data = NULL;
    if (napi_get_instance_data(env, &data) != napi_ok)
        return NULL;
    return (nfstw_inst *)data;
}

/* ============================================================ memory */

/* Reports bytes (in place of what *slot said before) to V8. */
static void adjust_mem(napi_env env, int64_t *slot, int64_t bytes)
{
    int64_t delta = bytes - *slot;
    if (delta == 0)
        return;
    int64_t total;
    if (napi_adjust_external_memory(env, delta, &total) == napi_ok)
        *slot = bytes;
}

/* glibc keeps freed memory in its heaps and arenas (the core allocates from
 * thread-pool and loader threads too), so a viewer that opens and drops many
 * files would keep its peak RSS forever.  After every TRIM_STEP bytes freed
 * (the estimates reported to V8), malloc_trim hands free pages back. */
#define TRIM_STEP ((int64_t)16 << 20)

static void note_freed(nfstw_inst *inst, int64_t bytes)
{
    if (!inst || bytes <= 0)
        return;
    inst->trim_debt += bytes;
    if (inst->trim_debt < TRIM_STEP)
        return;
    inst->trim_debt = 0;
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

void nfstw_inst_note_freed(nfstw_inst *inst, int64_t bytes)
{
    note_freed(inst, bytes);
}

/* Rough size of what the core holds for an open file. */
static int64_t wave_mem_estimate(const nfstw_wave *w)
{
    if (!w->file)
        return 0;
    size_t n_time = 0;
    fstw_time_table(w->file, &n_time);
    return 4096 + (int64_t)fstw_scope_count(w->file) * 96 + (int64_t)fstw_var_count(w->file) * 96 +
           (int64_t)fstw_signal_count(w->file) * 16 + (int64_t)n_time * 8;
}

void nfstw_wave_note_mem(napi_env env, nfstw_wave *w)
{
    adjust_mem(env, &w->ext_mem, wave_mem_estimate(w));
}

/* ============================================================ lifetime */

void nfstw_wave_ref(nfstw_wave *w)
{
    w->refs++;
}

/* Closes w's file (its signals stay valid: the core's signals outlive it). */
static void wave_close_handle(nfstw_wave *w)
{
    if (w->file) {
        fstw_close(w->file);
        w->file = NULL;
        if (w->inst)
            w->inst->open_files--;
    }
}

/* Frees w's signals and closes its file (teardown or last unref). */
static void wave_close_file(nfstw_wave *w)
{
    nfstw_inst *inst = w->inst;
    nfstw_sig *s = w->sigs;
    while (s) {
        nfstw_sig *next = s->next;
        if (s->sig) {
            fstw_signal_free(s->sig); /* before the file its times point into */
            s->sig = NULL;
            if (inst)
                inst->live_signals--;
        }
        s->prev = s->next = NULL;
        s = next;
    }
    w->sigs = NULL;
    wave_close_handle(w);
}

static void wave_unlink(nfstw_wave *w)
{
    nfstw_inst *inst = w->inst;
    if (!inst)
        return;
    if (w->prev)
        w->prev->next = w->next;
    else
        inst->waves = w->next;
    if (w->next)
        w->next->prev = w->prev;
    w->prev = w->next = NULL;
    w->inst = NULL;
}

void nfstw_wave_unref(napi_env env, nfstw_wave *w)
{
    if (--w->refs > 0)
        return;
    nfstw_inst *inst = w->inst;
    int64_t mem = w->ext_mem;
    wave_close_file(w);
    wave_unlink(w);
    if (inst && env)
        adjust_mem(env, &w->ext_mem, 0);
    free(w->path);
    free(w);
    note_freed(inst, mem);
}

void nfstw_wave_begin_work(nfstw_wave *w)
{
    nfstw_wave_ref(w);
    w->busy++;
}

void nfstw_wave_end_work(napi_env env, nfstw_wave *w)
{
    w->busy--;
    if (!w->inst && w->busy == 0)
        wave_close_file(w); /* the env was torn down meanwhile */
    else if (w->closed && w->busy == 0) {
        wave_close_handle(w); /* close() was called meanwhile */
        if (env && w->inst)
            nfstw_wave_note_mem(env, w);
    }
    nfstw_wave_unref(env, w);
}

/* Asks every hold of w to let go (each unholds at once or when its own work
 * in flight ends); w stays allocated meanwhile (the caller holds it). */
static void release_holds(napi_env env, nfstw_wave *w)
{
    nfstw_hold *h = w->holds;
    while (h) {
        nfstw_hold *next = h->next; /* h may unlink itself */
        h->release(env, h);
        h = next;
    }
}

void nfstw_wave_close(napi_env env, nfstw_wave *w)
{
    w->closed = 1;
    nfstw_wave_ref(w);
    release_holds(env, w);
    nfstw_wave_unref(env, w); /* the JS handle still holds w */
    if (w->busy == 0) {
        wave_close_handle(w);
        if (w->inst)
            nfstw_wave_note_mem(env, w);
    }
}

void nfstw_inst_detach_all(nfstw_inst *inst)
{
    while (inst->waves) {
        nfstw_wave *w = inst->waves;
        nfstw_wave_ref(w); /* a hold may have been the last holder */
        release_holds(NULL, w);
        if (w->busy == 0)
            wave_close_file(w); /* else: closed when its last work ends */
        wave_unlink(w);
        nfstw_wave_unref(NULL, w);
    }
}

/* ============================================================ holds */

void nfstw_wave_hold(nfstw_wave *w, nfstw_hold *h)
{
    nfstw_wave_begin_work(w);
    h->wave = w;
    h->prev = NULL;
    h->next = w->holds;
    if (w->holds)
        w->holds->prev = h;
    w->holds = h;
}

void nfstw_wave_unhold(napi_env env, nfstw_hold *h)
{
    nfstw_wave *w = h->wave;
    if (!w)
        return;
    if (h->prev)
        h->prev->next = h->next;
    else
        w->holds = h->next;
    if (h->next)
        h->next->prev = h->prev;
    h->prev = h->next = NULL;
    h->wave = NULL;
    nfstw_wave_end_work(env, w);
}

/* ============================================================ handle */

static void wave_finalize(napi_env env, void *data, void *hint)
{
    (void)hint;
    nfstw_wave_unref(env, (nfstw_wave *)data);
}

napi_value nfstw_wave_new(napi_env env, nfstw_inst *inst, fstw_file *file, char *path, int multi_threaded)
{
    nfstw_wave *w = calloc(1, sizeof *w);
    if (!w) {
        fstw_close(file);
        free(path);
        nfstw_throw_plain(env, "ENOMEM", "out of memory");
        return NULL;
    }
    w->file = file;
    w->path = path;
    w->multi_threaded = multi_threaded;
    w->refs = 1; /* the handle object */
    w->inst = inst;
    w->next = inst->waves;
    if (inst->waves)
        inst->waves->prev = w;
    inst->waves = w;
    inst->open_files++;
    napi_value obj = nfstw_new_tagged(env, &WAVE_TAG, w, wave_finalize);
    if (!obj) {
        nfstw_wave_unref(env, w);
        return NULL;
    }
    nfstw_wave_note_mem(env, w);
    return obj;
}

nfstw_wave *nfstw_wave_unwrap(napi_env env, napi_value obj, int require_open)
{
    nfstw_wave *w = nfstw_unwrap_tagged(env, obj, &WAVE_TAG);
    if (!w) {
        nfstw_throw_type(env, "expected a fstwave file handle");
        return NULL;
    }
    if (require_open && nfstw_wave_check_open(env, w) < 0)
        return NULL;
    return w;
}

int nfstw_wave_check_open(napi_env env, const nfstw_wave *w)
{
    if (w->closed) {
        nfstw_throw_plain(env, "ERR_FSTWAVE_CLOSED", "I/O operation on closed waveform");
        return -1;
    }
    if (!w->file) {
        nfstw_throw_plain(env, "ERR_FSTWAVE_CLOSED", "the file is closed (its environment was torn down)");
        return -1;
    }
    return 0;
}

nfstw_wave *nfstw_wave_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv)
{
    if (nfstw_args(env, info, want, argv) < 0)
        return NULL;
    return nfstw_wave_unwrap(env, argv[0], 1);
}

/* ============================================================ signals */

void nfstw_wave_add_sig(nfstw_wave *w, nfstw_sig *s, fstw_signal *sig)
{
    s->sig = sig;
    s->wave = w;
    nfstw_wave_ref(w);
    s->prev = NULL;
    s->next = w->sigs;
    if (w->sigs)
        w->sigs->prev = s;
    w->sigs = s;
    if (w->inst)
        w->inst->live_signals++;
}

void nfstw_sig_release(napi_env env, nfstw_sig *s)
{
    nfstw_wave *w = s->wave;
    if (s->sig) {
        fstw_signal_free(s->sig);
        s->sig = NULL;
        if (w) {
            if (s->prev)
                s->prev->next = s->next;
            else
                w->sigs = s->next;
            if (s->next)
                s->next->prev = s->prev;
            if (w->inst) {
                int64_t mem = s->ext_mem;
                w->inst->live_signals--;
                if (env)
                    adjust_mem(env, &s->ext_mem, 0);
                note_freed(w->inst, mem);
            }
        }
        s->prev = s->next = NULL;
    }
    if (w) {
        s->wave = NULL;
        nfstw_wave_unref(env, w);
    }
}
