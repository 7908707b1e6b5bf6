/*
 * nfstw.h - shared declarations of the fstwave Node-API addon (plain C).
 *
 * Node-API version 8: BigInt (napi_create_bigint_words) and instance data
 * need 6, type tags (napi_type_tag_object) need 8.  binding.gyp defines
 * NAPI_VERSION=8; nothing newer is used.
 *
 * Native objects handed to JavaScript (all plain objects, type-tagged and
 * napi_wrap'ed; the JS layer node/index.js keeps them in private fields):
 *
 *   file handle   - nfstw_wave  (one open fstw_file)
 *   signal handle - nfstw_sig   (one loaded fstw_signal; a reference on its wave)
 *   load batch    - the result of an async load, taken apart by batchTake
 *                   (nfstw_signal.c; a reference on its wave)
 *
 * Ownership (everything below runs on the env's main thread, except the
 * `execute` half of async work, which only reads the fstw_file and writes
 * into its own work struct):
 *
 *   nfstw_wave.refs counts the holders of the struct: the JS file-handle
 *   object (released by its finalizer), every live signal handle (released
 *   by its finalizer or sigDispose), every load batch (released by its
 *   finalizer) and every async work in flight (taken when queued, released
 *   in `complete`).  At 0 the signals are gone already, the file is closed
 *   and the struct freed.
 *
 *   nfstw_wave.busy counts async works in flight; the file is never closed
 *   while busy > 0, so `execute` can use it without locks of ours (the core
 *   is thread-safe per file).
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
};

struct nfstw_wave {
    fstw_file *file;          /* NULL once closed */
    nfstw_inst *inst;         /* NULL once detached (env teardown) */
    nfstw_wave *prev, *next;  /* in inst->waves */
    nfstw_sig *sigs;          /* live signals of this file (doubly linked) */
    uint32_t refs;            /* holders, see above */
    uint32_t busy;            /* async works in flight */
    int multi_threaded;       /* the Waveform's multiThreaded option */
    char *path;               /* NUL-terminated, for error objects */
    int64_t ext_mem;          /* bytes reported with napi_adjust_external_memory */
};

struct nfstw_sig {
    fstw_signal *sig;        /* NULL once freed */
    nfstw_wave *wave;        /* strong (a ref) until released */
    nfstw_sig *prev, *next;  /* in wave->sigs while sig != NULL */
    int64_t ext_mem;
};

/* ------------------------------------------------------ nfstw_module.c */

nfstw_inst *nfstw_inst_get(napi_env env);

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
 * (deviation D9, same replacement as Python's errors="replace"). */
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

/* ------------------------------------------------------ nfstw_file.c */

/* The nfstw_wave of a file-handle object (TypeError if obj is anything
 * else); with require_open also Error code ERR_FSTWAVE_CLOSED if the file
 * was closed by env teardown. */
nfstw_wave *nfstw_wave_unwrap(napi_env env, napi_value obj, int require_open);
/* The callback's `want` arguments into argv, the first being an open
 * file handle: its nfstw_wave, or NULL with a TypeError / closed-file Error
 * thrown (nfstw_args + nfstw_wave_unwrap). */
nfstw_wave *nfstw_wave_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv);
void nfstw_wave_ref(nfstw_wave *w);
void nfstw_wave_unref(napi_env env, nfstw_wave *w);
/* Frees w's signals and closes its file (teardown or last unref). */
void nfstw_wave_close_file(nfstw_wave *w);
/* env teardown: detach every wave from inst, closing idle files. */
void nfstw_inst_detach_all(nfstw_inst *inst);
void nfstw_adjust_mem(napi_env env, int64_t *slot, int64_t bytes);
/* Counts bytes the core freed; on glibc, returns free heap memory to the OS
 * (malloc_trim) once enough has been freed. */
void nfstw_note_freed(nfstw_inst *inst, int64_t bytes);

/* ------------------------------------------------------ nfstw_signal.c */

/* Release the signal (and its ref on the wave) early or in teardown. */
void nfstw_sig_release(napi_env env, nfstw_sig *s);

/* ------------------------------------------------------ exports */

/* Each file's functions, added to the module's exports at init. */
napi_status nfstw_file_init(napi_env env, napi_value exports);
napi_status nfstw_hier_init(napi_env env, napi_value exports);
napi_status nfstw_signal_init(napi_env env, napi_value exports);

#define NFSTW_FN(name, fn) { name, NULL, fn, NULL, NULL, NULL, napi_enumerable, NULL }

#endif /* NFSTW_H */
