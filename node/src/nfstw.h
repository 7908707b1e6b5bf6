/*
 * nfstw.h - shared declarations of the fstwave Node-API addon (plain C).
 *
 * Node-API version 8: BigInt (napi_create_bigint_words) and instance data
 * need 6, type tags (napi_type_tag_object) need 8.  binding.gyp defines
 * NAPI_VERSION=8; nothing newer is used.
 *
 * Files, each one concern; a file uses only the files listed after it, so
 * no two call each other in a loop:
 *
 *   nfstw_module.c  init, the instance data, the env cleanup hook, stats()
 *   nfstw_file.c    open/openAsync, loadBody/loadBodyAsync, bodyLoaded, timeTable
 *   nfstw_load.c    loadSignals/loadSignalsAsync and their load batches
 *   nfstw_hier.c    hierarchy and header accessors
 *   nfstw_view.c    windows of changes and summaries as typed arrays
 *   nfstw_render.c  renderSvg/showText (sync and async): the tool's picture and text
 *   nfstw_stream.c  streams of changes (streamOpen, streamNext/streamNextAsync, streamClose)
 *   nfstw_cache.c   a Waveform's signal cache (D10 in docs/api.md): weak references to live
 *                   Signal objects plus the core's cache of recent signals
 *   nfstw_signal.c  signal handles and their values, cursor values
 *   nfstw_work.c    the work layer: one core call run inline (sync natives)
 *                   or on the thread pool (async natives), settled in one place
 *   nfstw_progress.c  progress reports and the cancel flag of a work
 *   nfstw_wave.c    the wave's life: handle, references, busy count, its
 *                   signal list, close, teardown detach, memory accounting
 *   nfstw_util.c    JS errors from core errors, argument and value conversion
 *
 * Native objects handed to JavaScript (all plain objects, type-tagged and
 * napi_wrap'ed; the JS layer node/index.js keeps them in private fields):
 *
 *   file handle   - nfstw_wave  (one open fstw_file)
 *   signal handle - nfstw_sig   (one loaded fstw_signal; a reference on its wave)
 *   cache handle  - nfstw_cache (one Waveform's signal cache, nfstw_cache.c;
 *                   no reference on the wave: it only holds signals)
 *   load batch    - the result of an async load, taken apart by batchTake
 *                   (nfstw_load.c; a reference on its wave)
 *   stream handle - one core stream of changes (nfstw_stream.c; a reference
 *                   on its wave, and a hold while the core stream is open)
 *
 * Ownership (everything below runs on the env's main thread, except the
 * `execute` half of async work, which only reads the fstw_file and writes
 * into its own work struct):
 *
 *   nfstw_wave.refs counts the holders of the struct: the JS file-handle
 *   object (released by its finalizer), every live signal handle (released
 *   by its finalizer or sigDispose), every load batch and stream handle
 *   (released by its finalizer) and every work in flight (taken when it
 *   starts, released when it is settled).  At 0 the signals are gone
 *   already, the file is closed and the struct freed.
 *
 *   nfstw_wave.busy counts works in flight and holds (open core streams,
 *   which read the file between works); the file is never closed while
 *   busy > 0, so `execute` can use it without locks of ours (the core is
 *   thread-safe per file).  close() marks the wave closed at once (no new
 *   calls), closes its holds (each at once, or when its work in flight
 *   ends) and closes the file now or when busy drops to 0; its signals stay
 *   alive (the core keeps their time table after fstw_close).
 *
 *   Per-instance state (nfstw_inst, napi_set_instance_data) lists the live
 *   waves.  The env cleanup hook (worker exit, env teardown) detaches every
 *   wave from the instance and frees its signals and closes its file at once
 *   (or, if async work is still in flight, when the last one completes); the
 *   wave structs themselves are freed when their last holder's finalizer
 *   runs.  There is no static mutable state anywhere.
 */
#ifndef NFSTW_H
#define NFSTW_H

#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

#include "fstwave.h"

typedef struct nfstw_inst nfstw_inst;
typedef struct nfstw_wave nfstw_wave;
typedef struct nfstw_sig nfstw_sig;
typedef struct nfstw_work nfstw_work;
typedef struct nfstw_work_ops nfstw_work_ops;
typedef struct nfstw_prog nfstw_prog;
typedef struct nfstw_hold nfstw_hold;
typedef struct nfstw_cache nfstw_cache;
typedef struct nfstw_tracked nfstw_tracked;

struct nfstw_inst {
    nfstw_wave *waves;   /* live waves attached to this env (doubly linked) */
    size_t open_files;   /* waves whose fstw_file is open */
    size_t live_signals; /* fstw_signals not yet freed */
    int64_t trim_debt;   /* bytes freed since the last malloc_trim (glibc) */
    int hook_pending;    /* the env cleanup hook is registered and has not run */
    int torn_down;       /* the cleanup hook has run */
    /* sigQuery's out-parameters: a 32-byte ArrayBuffer owned by the JS layer
     * (float64 change, float64 next change, uint64 actual time, uint64 next
     * time), kept alive by qbuf_ref */
    uint8_t *qbuf;
    napi_ref qbuf_ref;
    /* the signal handles registered in any Waveform's signal cache, for its
     * sweeps (nfstw_cache.c; NULL until the first) */
    nfstw_tracked *tracked;
};

struct nfstw_wave {
    fstw_file *file;          /* NULL once closed */
    nfstw_inst *inst;         /* NULL once detached (env teardown) */
    nfstw_wave *prev, *next;  /* in inst->waves */
    nfstw_sig *sigs;          /* live signals of this file (doubly linked) */
    nfstw_hold *holds;        /* open holds on the file (doubly linked) */
    uint32_t refs;            /* holders, see above */
    uint32_t busy;            /* works in flight */
    int closed;               /* close() was called: no new calls; the file is
                                 closed when the last work in flight ends */
    int multi_threaded;       /* the Waveform's multiThreaded option */
    char *path;               /* NUL-terminated, for error objects */
    int64_t ext_mem;          /* bytes reported with napi_adjust_external_memory */
};

struct nfstw_sig {
    fstw_signal *sig;        /* NULL once freed */
    nfstw_wave *wave;        /* strong (a ref) until released */
    nfstw_sig *prev, *next;  /* in wave->sigs while sig != NULL */
    int64_t ext_mem;
    /* The entry of a Waveform's signal cache (nfstw_cache.c) while the
     * handle is registered there: `forget` (set by the cache, a function
     * pointer so that the handle's finalizer calls up to the cache without a
     * loop between the two files) unregisters it; NULL when not registered. */
    void (*forget)(napi_env env, nfstw_sig *s);
    nfstw_cache *cache;      /* the cache that can find it, or NULL */
    napi_ref weak;           /* weak reference to the JS Signal object */
    size_t slot;             /* index in the instance's tracked handles */
    uint32_t ref;            /* the signal ref, kept for after sig is freed */
};

/* A hold: something that keeps its wave's file open between works (a core
 * stream, nfstw_stream.c), counted in busy while it is linked.  close() and
 * env teardown ask it to let go through `release` (env NULL at teardown),
 * which must end it with nfstw_wave_unhold, at once or (when a work of its
 * own is in flight) when that work ends.  A function pointer, so the wave
 * calls up to the hold's file without a loop between the two. */
struct nfstw_hold {
    void (*release)(napi_env env, nfstw_hold *h);
    nfstw_wave *wave;          /* set while linked */
    nfstw_hold *prev, *next;   /* in wave->holds */
};

/* ------------------------------------------------------ nfstw_util.c */

/* Creates the JS error for a failed core call: Error with `code`
 * ENOENT/EACCES/EISDIR/EIO (+ errno, syscall, path), FST_FORMAT (+ path),
 * ENOMEM, or a RangeError for FSTW_ERR_ARG.  Returns NULL if even that
 * fails. */
napi_value nfstw_make_error(napi_env env, const fstw_error *err, const char *path);
/* Throws it (no-op if an exception is already pending). */
void nfstw_throw(napi_env env, const fstw_error *err, const char *path);
void nfstw_throw_type(napi_env env, const char *fmt, ...);
void nfstw_throw_range(napi_env env, const char *fmt, ...);
void nfstw_throw_plain(napi_env env, const char *code, const char *fmt, ...);

/* Reads the callback's arguments; throws a TypeError when fewer than
 * `want` were passed.  argv gets `want` slots (extra ones undefined). */
int nfstw_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv);
/* A new plain object carrying `tag` and wrapping data (finalize runs when it
 * is collected); NULL with an exception pending when that fails (then
 * finalize will not run: the caller frees data). */
napi_value nfstw_new_tagged(napi_env env, const napi_type_tag *tag, void *data, napi_finalize finalize);
/* The native struct wrapped in obj when obj is an object carrying `tag`,
 * else NULL with nothing thrown (the caller names what it expected). */
void *nfstw_unwrap_tagged(napi_env env, napi_value obj, const napi_type_tag *tag);

/* bigint or integral number in [0, max] -> *out; TypeError / RangeError. */
int nfstw_get_u64(napi_env env, napi_value v, const char *what, uint64_t max, uint64_t *out);
/* A JS boolean. */
int nfstw_get_bool(napi_env env, napi_value v, const char *what, int *out);
/* A string (UTF-8) or Buffer/Uint8Array path -> malloc'd NUL-terminated copy;
 * TypeError for other types or embedded NUL bytes. */
int nfstw_get_path(napi_env env, napi_value v, char **out);
/* A JS string -> malloc'd UTF-8 bytes (*len without the added NUL). */
int nfstw_get_utf8(napi_env env, napi_value v, const char *what, char **out, size_t *len);

/* Names from the file: UTF-8, invalid sequences replaced by U+FFFD
 * (deviation D9 in docs/api.md, same replacement as Python's errors="replace"). */
napi_value nfstw_str_utf8(napi_env env, const char *p, size_t len);
napi_value nfstw_str_latin1(napi_env env, const char *p, size_t len);
napi_value nfstw_u32(napi_env env, uint32_t v);
napi_value nfstw_i64(napi_env env, int64_t v);   /* a number (exact up to 2^53) */
napi_value nfstw_big_u64(napi_env env, uint64_t v);
napi_value nfstw_null(napi_env env);
napi_value nfstw_undefined(napi_env env);
napi_value nfstw_bool(napi_env env, int b);
/* A Uint32Array holding a copy of ids[0..n) (never an external buffer). */
napi_value nfstw_u32_array(napi_env env, const uint32_t *ids, size_t n);
/* A BigUint64Array holding a copy of v[0..n). */
napi_value nfstw_u64_array(napi_env env, const uint64_t *v, size_t n);
int nfstw_set(napi_env env, napi_value obj, const char *key, napi_value v);

/* ------------------------------------------------------ nfstw_wave.c */

/* This env's instance data (set by nfstw_module.c at init), or NULL. */
nfstw_inst *nfstw_inst_get(napi_env env);

/* Wraps an open file in a new file-handle object attached to inst (takes
 * ownership of file and path: on failure both are freed and NULL is
 * returned with an exception pending). */
napi_value nfstw_wave_new(napi_env env, nfstw_inst *inst, fstw_file *file, char *path, int multi_threaded);
/* The nfstw_wave of a file-handle object (TypeError if obj is anything
 * else); with require_open also Error code ERR_FSTWAVE_CLOSED if the file
 * was closed (close(): "I/O operation on closed waveform") or by env
 * teardown. */
nfstw_wave *nfstw_wave_unwrap(napi_env env, napi_value obj, int require_open);
/* 0 when w's file is open; else -1 with the closed-file Error thrown
 * (ERR_FSTWAVE_CLOSED, as nfstw_wave_unwrap with require_open). */
int nfstw_wave_check_open(napi_env env, const nfstw_wave *w);
/* The callback's `want` arguments into argv, the first being an open
 * file handle: its nfstw_wave, or NULL with a TypeError / closed-file Error
 * thrown (nfstw_args + nfstw_wave_unwrap). */
nfstw_wave *nfstw_wave_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv);

void nfstw_wave_ref(nfstw_wave *w);
/* Drops a reference; at 0 frees the signals, closes the file, frees w. */
void nfstw_wave_unref(napi_env env, nfstw_wave *w);
/* A work on w starts: a reference and a busy count, so the file stays open
 * (even through env teardown) until nfstw_wave_end_work. */
void nfstw_wave_begin_work(nfstw_wave *w);
/* The work ended: drops both; if the env was torn down meanwhile and this
 * was the last work, frees the signals and closes the file now. */
void nfstw_wave_end_work(napi_env env, nfstw_wave *w);
/* close(): no new calls on w; its file is closed now, or when the last work
 * in flight ends.  Its signals stay alive (the core's signals outlive
 * fstw_close).  Idempotent. */
void nfstw_wave_close(napi_env env, nfstw_wave *w);
/* env teardown: detach every wave from inst, closing idle files. */
void nfstw_inst_detach_all(nfstw_inst *inst);

/* Links s into w's signal list with sig as its signal and a reference on w
 * (counted in the instance's live signals). */
void nfstw_wave_add_sig(nfstw_wave *w, nfstw_sig *s, fstw_signal *sig);
/* Frees s's signal now, unlinks it and drops its reference on the wave
 * (sigDispose, finalizers); idempotent, the struct itself stays. */
void nfstw_sig_release(napi_env env, nfstw_sig *s);

/* Links h into w's holds: a reference and a busy count, so the file stays
 * open until nfstw_wave_unhold (w must be open). */
void nfstw_wave_hold(nfstw_wave *w, nfstw_hold *h);
/* Unlinks h and drops its reference and busy count (closing the file when
 * close() was called or the env torn down and nothing else is busy);
 * idempotent.  env may be NULL (teardown, finalizers). */
void nfstw_wave_unhold(napi_env env, nfstw_hold *h);

/* bytes were freed outside the paths above (nfstw_cache.c: a collected
 * Waveform's kept signals): counted towards the next malloc_trim. */
void nfstw_inst_note_freed(nfstw_inst *inst, int64_t bytes);

/* Reports what the core holds for w's file (estimated) to V8, so that the
 * GC knows dropping a Waveform frees memory; call again after it grew. */
void nfstw_wave_note_mem(napi_env env, nfstw_wave *w);

/* ------------------------------------------------------ nfstw_progress.c */

/* The progress and cancel of one work, from the JS layer's cancel flag (an
 * Int32Array, set to 1 by its AbortSignal listener) and onProgress (a
 * function or undefined).  *out is NULL (and 0 returned) when flag is
 * undefined or null: no progress wanted.  async: reports come from a pool
 * thread and go to JS through a napi_threadsafe_function (at most one call
 * queued).  -1 with an exception pending on bad arguments. */
int nfstw_prog_new(napi_env env, napi_value flag, napi_value on_progress, int async, nfstw_prog **out);
/* What the core call gets (NULL for a NULL p). */
const fstw_progress *nfstw_prog_core(const nfstw_prog *p);
/* Main thread, just before the work settles: delivers the latest report if
 * it was not delivered yet and stops deliveries; returns the exception
 * onProgress threw (which cancelled the work), or NULL. */
napi_value nfstw_prog_settle(napi_env env, nfstw_prog *p);
/* Releases p (the layer calls it once the work is settled); NULL allowed. */
void nfstw_prog_free(napi_env env, nfstw_prog *p);

/* ------------------------------------------------------ nfstw_work.c */

/*
 * One core call on behalf of a native, run inline by the sync natives and on
 * the libuv thread pool by the async ones (Promise).  An operation embeds
 * nfstw_work as the first member of its own struct (no pointer into itself:
 * async runs work on a heap copy) and describes itself with nfstw_work_ops:
 *
 *   execute(work)      the core call; sets work->rc and work->err.  Async:
 *                      on a pool thread, so it reads only its own struct and
 *                      work->wave->file.
 *   result(env, work)  on the main thread when rc == FSTW_OK and the env is
 *                      still there: the JS value; NULL with an exception
 *                      pending when that fails.
 *   dispose(env, work) frees what the struct still owns (whatever happened;
 *                      may be NULL), on the main thread.  The layer frees
 *                      the struct it copied.
 *
 * With progress (work->prog, see nfstw_progress.c) the layer delivers the
 * last report before it settles, settles with onProgress's exception when
 * it threw one, and frees the progress.
 *
 * The layer settles every outcome the same way: rc != FSTW_OK becomes the
 * error of nfstw_make_error (path: the wave's, else work->path); a failed
 * result() or a failed napi call the pending exception (else an Error with
 * ops->failed); an env torn down before the work is settled (worker exit)
 * an Error with ops->cancelled, the result being freed by dispose.  Sync
 * calls throw that error, async ones reject their promise with it.
 */
struct nfstw_work_ops {
    const char *name;      /* async resource name, e.g. "fstwave.open" */
    const char *cancelled; /* message when the env went away first */
    const char *failed;    /* message when result() fails without an exception */
    void (*execute)(nfstw_work *work);
    napi_value (*result)(napi_env env, nfstw_work *work);
    void (*dispose)(napi_env env, nfstw_work *work);
};

struct nfstw_work {
    const nfstw_work_ops *ops;
    nfstw_wave *wave;       /* the file worked on (held while the work runs), or NULL */
    const char *path;       /* the path named in errors when wave is NULL */
    int async;              /* set by the layer: run on the thread pool */
    nfstw_prog *prog;       /* progress and cancel (pass nfstw_prog_core(prog)
                               to the core), or NULL; owned by the layer */
    int rc;                 /* execute's status */
    fstw_error err;         /* execute's error */
    napi_async_work uv;     /* async only */
    napi_deferred deferred; /* async only */
};

/* Runs the work described by work[0..size) (size: the operation's struct).
 * Sync (async 0): runs it inline (work may be on the caller's stack) and
 * returns the result, or NULL with the error thrown.  Async: copies it to
 * the heap, queues it and returns a Promise settled with the result or the
 * error; NULL with an exception pending only when not even the promise can
 * be made.  Either way work's resources belong to the layer from here on
 * (released through ops->dispose). */
napi_value nfstw_work_run(napi_env env, nfstw_work *work, size_t size, int async);

/* Defines the natives fn (sync) and fn##_async over one function
 * run(env, info, async) that reads the arguments and calls nfstw_work_run. */
#define NFSTW_WORK_NATIVES(fn, run)                                                        \
    static napi_value fn(napi_env env, napi_callback_info info) { return run(env, info, 0); } \
    static napi_value fn##_async(napi_env env, napi_callback_info info) { return run(env, info, 1); }

/* ------------------------------------------------------ nfstw_signal.c */

/* The nfstw_sig of a live signal handle: TypeError for anything else,
 * Error ERR_FSTWAVE_CLOSED once disposed (or freed by env teardown).  A
 * signal stays live after close(). */
nfstw_sig *nfstw_sig_get(napi_env env, napi_value obj);

/* A value as the API hands it out (the contract, section 3): BITS2 ->
 * BigInt, LOGIC and STRING -> string (Latin-1), REAL -> number (NaN payloads
 * kept), EVENT -> "".  NULL with an exception pending on failure. */
napi_value nfstw_value_js(napi_env env, const fstw_value *v);

/* Wraps out[0..n) (each owned from here on, its slot set to NULL) into a JS
 * array of new signal handles on w; on failure frees the rest and returns
 * NULL with an exception pending. */
napi_value nfstw_sig_wrap_all(napi_env env, nfstw_wave *w, fstw_signal **out, size_t n);

/* sigChanges: changes [start, end) of sig (clamped to its length) as a JS
 * array [t0, v0, t1, v1, ...] (times BigInt, values as nfstw_value_js);
 * RangeError for more than 2^20 changes; NULL with an exception pending on
 * failure. */
napi_value nfstw_sig_changes(napi_env env, const fstw_signal *sig, uint64_t start, uint64_t end);

/* ------------------------------------------------------ nfstw_load.c */

/* Signal refs from v, a Uint32Array or an array of numbers, each checked
 * by the core (fstw_check_signal_ref: a RangeError when out of range for
 * w's file) -> malloc'd *refs[0 .. *n); -1 with an exception pending. */
int nfstw_refs_arg(napi_env env, nfstw_wave *w, napi_value v, uint32_t **refs, size_t *n);

/* ------------------------------------------------------ exports */

/* Each file's functions, added to the module's exports at init. */
napi_status nfstw_file_init(napi_env env, napi_value exports);
napi_status nfstw_hier_init(napi_env env, napi_value exports);
napi_status nfstw_signal_init(napi_env env, napi_value exports);
napi_status nfstw_load_init(napi_env env, napi_value exports);
napi_status nfstw_view_init(napi_env env, napi_value exports);
napi_status nfstw_render_init(napi_env env, napi_value exports);
napi_status nfstw_stream_init(napi_env env, napi_value exports);
napi_status nfstw_cache_init(napi_env env, napi_value exports);
/* The instance's tracked signal handles are let go (its finalizer: the env
 * is going away); the handles' own finalizers then skip the cache. */
void nfstw_cache_inst_free(nfstw_inst *inst);

#define NFSTW_FN(name, fn) { name, NULL, fn, NULL, NULL, NULL, napi_enumerable, NULL }

#endif /* NFSTW_H */
