/* fstw_internal.h - structures shared by the core's source files (not public). */
#ifndef FSTW_INTERNAL_H
#define FSTW_INTERNAL_H

/* mingw-w64: the C library's printf family with C99 formats (%zu, %llu),
 * whatever C runtime the build links; before any system header */
#if defined(__MINGW32__) && !defined(__USE_MINGW_ANSI_STDIO)
#define __USE_MINGW_ANSI_STDIO 1
#endif
#include "fstwave.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#ifndef _WIN32
#include <pthread.h>
#endif

/* printf-style format checking (mingw-w64's <stdio.h> names its flavour:
 * gnu_printf with __USE_MINGW_ANSI_STDIO) */
#ifdef __MINGW_PRINTF_FORMAT
#define FSTWI_PRINTF(fmt, args) __attribute__((format(__MINGW_PRINTF_FORMAT, fmt, args)))
#else
#define FSTWI_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#endif

/* FST block types (libfst's fstBlockType). */
enum {
    FSTW_BL_HDR = 0, FSTW_BL_VCDATA = 1, FSTW_BL_BLACKOUT = 2, FSTW_BL_GEOM = 3,
    FSTW_BL_HIER = 4, FSTW_BL_VCDATA_DYN_ALIAS = 5, FSTW_BL_HIER_LZ4 = 6,
    FSTW_BL_HIER_LZ4DUO = 7, FSTW_BL_VCDATA_DYN_ALIAS2 = 8,
    FSTW_BL_ZWRAPPER = 254, FSTW_BL_SKIP = 255
};

/* The widest bit vector accepted (var length, geometry entry): 16M bits.  A
 * wider declaration is a malformed file, not an allocation request. */
#define FSTW_MAX_BITS (1u << 24)

/* ---- fstw_error.c */
/* Records code and a printf-style message in err (which may be NULL), no
 * offset; returns code, so that callers can `return fstwi_fail(...)`. */
int fstwi_fail(fstw_error *err, int code, const char *fmt, ...) FSTWI_PRINTF(3, 4);
/* fstwi_fail for a malformed structure at byte `offset` of the file (the
 * error's offset field; the message should name it too). */
int fstwi_fail_at(fstw_error *err, int code, uint64_t offset, const char *fmt, ...)
    FSTWI_PRINTF(4, 5);
/* An OS error: the status for sys_errno, the message "<what>: <strerror>:
 * <path>", sys_errno and strerror set. */
int fstwi_fail_errno(fstw_error *err, int sys_errno, const char *what, const char *path);
/* No error yet: code 0, empty texts, offset -1 (err may be NULL). */
void fstwi_error_clear(fstw_error *err);

/* The index of the last of a[0..n) (ascending) that is <= t, or -1 when
 * none is (the time table's and a signal's lookups of a time). */
static inline int64_t fstwi_last_le(const uint64_t *a, size_t n, uint64_t t)
{
    if (n == 0 || a[0] > t) return -1;
    size_t lo = 0, hi = n; /* the answer is in [lo, hi) */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (a[mid] <= t) lo = mid; else hi = mid;
    }
    return (int64_t)lo;
}

/* ---- fstw_buf.c: growable arrays and byte cursors */
typedef struct fstwi_buf {
    uint8_t *data;
    size_t len, cap;
} fstwi_buf;
int fstwi_buf_reserve(fstwi_buf *b, size_t extra);
/* Room for exactly `extra` more bytes (no growth slack); 0 or -1. */
int fstwi_buf_reserve_exact(fstwi_buf *b, size_t extra);
/* Reallocates to exactly cap bytes (>= len; at least 1); 0, or -1 with b
 * unchanged. */
int fstwi_buf_set_cap(fstwi_buf *b, size_t cap);
int fstwi_buf_append(fstwi_buf *b, const void *p, size_t n);
/* fstwi_buf_append with the room check inline (the per-change paths); 0 or -1. */
static inline int fstwi_buf_push(fstwi_buf *b, const void *p, size_t n)
{
    if (b->cap - b->len < n) return fstwi_buf_append(b, p, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}
void fstwi_buf_free(fstwi_buf *b);

/* A bounded reader over bytes in memory. All reads fail (return -1) instead
 * of running past `end`. */
typedef struct fstwi_cursor {
    const uint8_t *p, *end;
} fstwi_cursor;
int fstwi_cur_u8(fstwi_cursor *c, uint8_t *v);
int fstwi_cur_varint(fstwi_cursor *c, uint64_t *v);       /* LEB128, at most 10 bytes */
int fstwi_cur_svarint(fstwi_cursor *c, int64_t *v);       /* signed LEB128 */
/* fstwi_cur_varint with the one-byte case inline (the hot loops) */
static inline int fstwi_varint(fstwi_cursor *c, uint64_t *v)
{
    if (c->p < c->end && !(*c->p & 0x80)) { *v = *c->p++; return 0; }
    return fstwi_cur_varint(c, v);
}
int fstwi_cur_cstr(fstwi_cursor *c, const char **s, uint32_t *len); /* up to a NUL */
uint64_t fstwi_be64(const uint8_t *p);

/* ---- fstw_file.c: the operating system's file calls, a POSIX half (open,
 * fstat, pread) and a Windows half (CreateFileW on the UTF-8 path as UTF-16,
 * shared for reading, writing and deleting; GetFileInformationByHandle;
 * ReadFile at an OVERLAPPED offset).  Errors are errno values on both (a
 * Windows error as the C runtime's _dosmaperr maps it: file or path not
 * found ENOENT, access denied or a sharing violation EACCES). */
#ifdef _WIN32
typedef void *fstwi_os_file;             /* a HANDLE */
#define FSTWI_NO_FILE ((fstwi_os_file)0)
#else
typedef int fstwi_os_file;               /* a descriptor */
#define FSTWI_NO_FILE (-1)
#endif
enum { FSTWI_FILE_REGULAR, FSTWI_FILE_DIRECTORY, FSTWI_FILE_OTHER };
/* Opens path (UTF-8) for reading, not inherited by child processes; a
 * directory opens too (fstwi_file_stat tells it).  0 or an errno. */
int fstwi_file_open(const char *path, fstwi_os_file *out);
/* The size in bytes and the kind (FSTWI_FILE_*) of an open file; 0 or an errno. */
int fstwi_file_stat(fstwi_os_file f, uint64_t *size, int *kind);
/* Reads len bytes at offset off, never through a shared file position
 * (several threads may read one file at once): 0 with *done = len, or 0 with
 * *done < len when the file ends first; an errno when the read fails. */
int fstwi_file_read_at(fstwi_os_file f, uint64_t off, void *buf, size_t len, size_t *done);
void fstwi_file_close(fstwi_os_file f);
/* The file name in path: after its last '/' (on Windows also '\\' or a
 * drive's ':'); path itself when it has none. */
const char *fstwi_path_base(const char *path);

/* ---- fstw_source.c: where bytes come from (a file read at offsets, a
 * caller's fstw_reader, or memory holding an unpacked whole-file gzip
 * wrapper) */
typedef struct fstwi_source {
    fstwi_os_file file; /* FSTWI_NO_FILE when reading from the reader or memory */
    fstw_reader reader; /* read_at NULL when not reading from a reader */
    uint8_t *mem;       /* owned */
    uint64_t size;
} fstwi_source;
/* Reads through r (copied; r->name is not kept) from now on. */
void fstwi_source_use_reader(fstwi_source *s, const fstw_reader *r);
/* Opens path as a source of its bytes; *kind is its FSTWI_FILE_* kind, -1
 * when it could not be opened.  OS errors as fstwi_fail_errno ("cannot
 * open", "cannot stat"). */
int fstwi_source_open(fstwi_source *s, const char *path, int *kind, fstw_error *err);
/* Reads from mem (size bytes, now owned by s) instead of the file, which is closed. */
void fstwi_source_use_memory(fstwi_source *s, uint8_t *mem, uint64_t size);
/* Closes the file and frees the memory; s reads nothing after it. */
void fstwi_source_close(fstwi_source *s);
/* Reads exactly len bytes at off; FSTW_ERR_FORMAT when the file is shorter,
 * FSTW_ERR_IO on OS errors. `what` names the structure for the message. */
int fstwi_source_read(const fstwi_source *s, uint64_t off, void *buf, size_t len,
                     const char *what, fstw_error *err);

/* ---- fstw_thread.c: a mutex, a condition variable, joinable threads, the
 * processor count.
 * POSIX threads; on Windows an SRW lock and _beginthreadex, the system's own
 * (no winpthreads DLL to ship beside an extension, and MSVC has no pthreads). */
#ifdef _WIN32
typedef struct fstwi_mutex { void *srw; } fstwi_mutex;  /* an SRWLOCK */
#define FSTWI_MUTEX_INITIALIZER { NULL }                   /* SRWLOCK_INIT */
void fstwi_mutex_init(fstwi_mutex *m);
void fstwi_mutex_lock(fstwi_mutex *m);
void fstwi_mutex_unlock(fstwi_mutex *m);
void fstwi_mutex_destroy(fstwi_mutex *m);
typedef struct fstwi_thread {
    void *handle;
    void *(*fn)(void *);
    void *arg;
} fstwi_thread;
#else
typedef pthread_mutex_t fstwi_mutex;
#define FSTWI_MUTEX_INITIALIZER PTHREAD_MUTEX_INITIALIZER  /* a static mutex, no init call */
static inline void fstwi_mutex_init(fstwi_mutex *m) { pthread_mutex_init(m, NULL); }
static inline void fstwi_mutex_lock(fstwi_mutex *m) { pthread_mutex_lock(m); }
static inline void fstwi_mutex_unlock(fstwi_mutex *m) { pthread_mutex_unlock(m); }
static inline void fstwi_mutex_destroy(fstwi_mutex *m) { pthread_mutex_destroy(m); }
typedef struct fstwi_thread { pthread_t id; } fstwi_thread;
#endif
/* A condition variable used with an fstwi_mutex (POSIX: pthread_cond_t on
 * the monotonic clock where there is one; Windows: CONDITION_VARIABLE). */
#ifdef _WIN32
typedef struct fstwi_cond { void *cv; } fstwi_cond;     /* a CONDITION_VARIABLE */
#else
typedef struct fstwi_cond { pthread_cond_t c; } fstwi_cond;
#endif
void fstwi_cond_init(fstwi_cond *c);
void fstwi_cond_destroy(fstwi_cond *c);
/* Waits on c with m locked (m is unlocked while waiting, locked again on
 * return): until fstwi_cond_broadcast, or when ms > 0 at most about ms
 * milliseconds.  Spurious wake-ups happen: callers re-check their state. */
void fstwi_cond_wait(fstwi_cond *c, fstwi_mutex *m, unsigned ms);
void fstwi_cond_broadcast(fstwi_cond *c);
/* Runs fn(arg) on a new thread; 0, or -1 when no thread could be started.
 * *t stays in place until fstwi_thread_join(t). */
int fstwi_thread_start(fstwi_thread *t, void *(*fn)(void *), void *arg);
void fstwi_thread_join(fstwi_thread *t);
/* The number of processors online, at least 1. */
unsigned fstwi_cpu_count(void);
/* Milliseconds on a monotonic clock (from an unspecified start). */
uint64_t fstwi_now_ms(void);

/* ---- fstw_progress.c: the progress reports and cancel checks of one long
 * call (fstw_open, fstw_load_body_ex, fstw_load_signals_ex), made on the
 * calling thread only (see fstw_progress in fstwave.h). */
typedef struct fstwi_progress {
    const fstw_progress *p;  /* the caller's; NULL: nothing to report or check */
    const char *what;        /* "open", "body load", "load": for the message */
    uint64_t total;          /* fixed for the call */
    uint64_t done;           /* the last done reported (never decreases) */
    int canceled;            /* the call was cancelled (nothing reported after) */
} fstwi_progress;
/* Starts the call's reports: records total, reports (0, total) and checks
 * cancel.  p may be NULL.  FSTW_OK or FSTW_ERR_CANCELED (message in err). */
int fstwi_progress_begin(fstwi_progress *pr, const fstw_progress *p, const char *what,
                        uint64_t total, fstw_error *err);
/* Reports done (kept within [last done, total]; a report that reaches total
 * is left to fstwi_progress_end, or to begin when total is 0) and checks
 * cancel: FSTW_OK or FSTW_ERR_CANCELED (message in err). */
int fstwi_progress_report(fstwi_progress *pr, uint64_t done, fstw_error *err);
/* The last report, (total, total), when the call is about to succeed;
 * FSTW_OK or FSTW_ERR_CANCELED. */
int fstwi_progress_end(fstwi_progress *pr, fstw_error *err);
/* Whether the caller's cancel flag is set (read atomically; any thread may
 * call it: no report). */
int fstwi_progress_flag(const fstwi_progress *pr);
/* Whether the call asks for anything (a progress function or a cancel flag). */
static inline int fstwi_progress_active(const fstwi_progress *pr)
{
    return pr && pr->p && (pr->p->fn || pr->p->cancel);
}
/* FSTW_ERR_CANCELED with "<what> cancelled after N of M bytes" in err. */
int fstwi_progress_fail(fstwi_progress *pr, fstw_error *err);

/* ---- fstw_decompress.c */
/* zlib stream (RFC 1950) of exactly in_len bytes into exactly out_len bytes. */
int fstwi_inflate_zlib(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);
/* gzip member (RFC 1952: the hierarchy block) into exactly out_len bytes;
 * 0 or -1.  libdeflate first (CRC-32 and length checked), zlib when it
 * refuses (zlib stops once out_len bytes are out, so a cut trailer reads). */
int fstwi_inflate_gzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);
int fstwi_unlz4(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);
int fstwi_unfastlz(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);
/* A reusable inflate state (one per thread): libdeflate's decompressor and
 * zlib's stream (fstw_decompress.c); zero-initialise, end with
 * fstwi_inflater_end. */
typedef struct fstwi_inflater { void *state, *ld; } fstwi_inflater;
int fstwi_inflater_zlib(fstwi_inflater *z, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);
void fstwi_inflater_end(fstwi_inflater *z);
/* A value-change chain of pack type 'F' (FastLZ), '4' (LZ4) or anything else
 * (zlib, as libfst reads it) into exactly out_len bytes; 0 or -1. */
int fstwi_unpack_chain(fstwi_inflater *z, uint8_t pack, const uint8_t *in, size_t in_len,
                      uint8_t *out, size_t out_len);

/* ---- hierarchy (fstw_hier.c builds it; fstw_hier_read.c and fstw_full_names.c answer from it) */
typedef struct fstwi_scope_rec {
    uint32_t name_off, name_len, comp_off, comp_len;
    uint32_t parent;          /* internal id; 0 is the invisible root */
    uint8_t type;
    uint32_t vars_before;     /* vars declared before this scope: its place among its
                                 parent's items (fstw_scope_items) */
    uint32_t *scopes, n_scopes;  /* filled by finish: public ids */
    uint32_t *vars, n_vars;
} fstwi_scope_rec;

/* A var in 28 bytes (a file may declare millions; each byte is paid in page
 * faults at open): its bit range, enum and VHDL type name are in h->var_ext,
 * one record per distinct combination shared by all vars that have it (an nvc
 * file gives each of 400,000 vars one of a few type names). */
typedef struct fstwi_var_rec {
    uint32_t name_off, name_len;
    uint32_t parent;          /* internal scope id; 0 = top level */
    uint32_t bitwidth;
    uint32_t signal_ref;
    uint8_t var_type, direction, encoding, has_index; /* has_index: the range is in ext */
    uint32_t ext;             /* into h->var_ext, or FSTW_NONE (no range, enum or type name) */
} fstwi_var_rec;

/* Shared by every var with the same contents (never changed once made). */
typedef struct fstwi_var_ext {
    int64_t msb, lsb;            /* the bit range when the var's has_index, else 0 */
    uint32_t enum_id;            /* FSTW_NONE: none */
    uint32_t vhdl_off, vhdl_len; /* vhdl_len == UINT32_MAX: none */
} fstwi_var_ext;

typedef struct fstwi_enum_rec {
    uint32_t name_off, name_len;
    uint32_t first_pair, n_pairs;   /* into pair arrays */
} fstwi_enum_rec;

typedef struct fstwi_hier {
    fstwi_buf strings;          /* every distinct name once (the hierarchy block's names,
                                   copied out when it is parsed: the block is freed) */
    fstwi_scope_rec *scopes;    /* [0] is the root */
    uint32_t n_scopes, cap_scopes;
    fstwi_var_rec *vars;
    uint32_t n_vars, cap_vars;
    fstwi_var_ext *var_ext;
    uint32_t n_var_ext, cap_var_ext;
    fstwi_enum_rec *enums;
    uint32_t n_enums, cap_enums;
    uint32_t *pair_offs;       /* 4 per pair: value off/len, literal off/len */
    uint32_t n_pairs, cap_pairs;
    uint32_t *unique_vars, n_unique;
    uint32_t *handle_to_var, n_handles; /* by signal ref; FSTW_NONE when none */
    uint32_t cap_handles;      /* allocated entries of handle_to_var (>= n_handles) */
    uint32_t *all_child_ids;   /* storage behind scope_rec.scopes/vars */
    /* derived signals (FSTW_HIERARCHY_PYWELLEN_025): refs n_ground.. */
    struct fstwi_derived *derived;
    uint32_t n_derived, cap_derived;
    uint32_t n_ground;         /* the file's own signals (derived refs start here) */
    int rules25;               /* built with FSTW_HIERARCHY_PYWELLEN_025 */
    /* (rules25) per file signal, the encoding and width its last var gave it */
    uint8_t *sig_enc;
    uint32_t *sig_bits;
    uint32_t cap_sig;
} fstwi_hier;

/* A derived signal: the concatenation of pieces of file signals, most
 * significant first (wellen's DerivedBitVecSignal of split vars). */
typedef struct fstwi_derived {
    uint32_t var;              /* the merged var */
    uint32_t width;
    fstw_piece *pieces;
    uint32_t n, cap;
} fstwi_derived;
/* The derived signal of ref, or NULL for a file signal. */
static inline const fstwi_derived *fstwi_derived_of(const fstwi_hier *h, uint32_t ref)
{
    return h->n_derived && ref >= h->n_ground && ref - h->n_ground < h->n_derived
               ? &h->derived[ref - h->n_ground] : NULL;
}
/* fstwi_hier_parse's flags */
enum { FSTWI_HIER_REMOVE_EMPTY = 1, FSTWI_HIER_RULES_025 = 2 };

/* Counts from the FST header (scopes, vars, signals) that size the arrays
 * once; only hints: a damaged header costs a reallocation, not an error. */
typedef struct fstwi_hier_hints {
    uint64_t scopes, vars, handles;
} fstwi_hier_hints;

/* Parses the uncompressed FST hierarchy block (scope, upscope, var and
 * attribute entries) into h the way wellen's HierarchyBuilder does, and takes
 * ownership of data (a malloc'd buffer of len bytes, freed with h even on
 * failure): the names stay in it.  hints may be NULL.  Errors:
 * FSTW_ERR_FORMAT (a truncated or unknown entry, naming its byte offset in
 * the block), FSTW_ERR_NOMEM. */
int fstwi_hier_parse(fstwi_hier *h, uint8_t *data, size_t len, const fstwi_hier_hints *hints,
                    int flags, fstw_error *err);
void fstwi_hier_free(fstwi_hier *h);

/* wellen's parse_name: see fstw_names.c */
typedef struct fstwi_parsed_name {
    const uint8_t *name; size_t name_len;       /* the var's own name */
    int has_index; int64_t msb, lsb;
    /* array scopes made from the name, outermost first */
    const uint8_t *scope_ptr[32]; size_t scope_len[32]; int n_scopes;
    uint8_t *owned;                              /* heap copy when > 32 scopes */
} fstwi_parsed_name;
int fstwi_parse_name(const uint8_t *raw, size_t len, uint32_t declared_len, fstwi_parsed_name *out);

/* ---- value-change blocks (fstw_body.c, fstw_chains.c) */

/* The chain table's decoder state at one entry: where the next entry starts
 * (byte position in the table), the running chain offset, the handle index
 * (0-based) the next entry is for, and the last alias target (alias2). */
typedef struct fstwi_chain_ckpt {
    uint64_t pos, offset;
    uint32_t idx, prev_alias;
} fstwi_chain_ckpt;

/* One checkpoint per this many handles (sparse chain-table index). */
#define FSTW_CKPT_EVERY 128u

typedef struct fstwi_vc_block {
    uint8_t type;
    uint64_t offset;      /* of the block's length field (type byte + 1) */
    uint64_t length;      /* section length including the length field */
    uint64_t start_time, end_time;
    int incomplete;       /* a block still being written: frame only */
    uint64_t frame_off;   /* absolute offset of the frame's varints */
    uint64_t tt_base;     /* global time-table index of this block's first entry */
    uint64_t tt_count;    /* entries of its own time table (from its trailer) */
    uint64_t tt_packed, tt_unpacked; /* the time table's sizes (from its trailer) */
    uint64_t tt_shift;    /* 1 when the block start time was put in front (first block) */
    int tt_sorted;        /* its times never decrease */
    uint64_t tt_limit;    /* when sorted: entries with time <= the header's end time */
    /* chain layout, set once by fstw_chains.c (chains_ready is read and
     * published atomically), and the sparse chain-table index, built only as
     * far as the loads so far needed: ckpt[0, ckpt_done) (ckpt_done read and
     * published atomically; it only grows) */
    int chains_ready;
    uint8_t pack;         /* 'Z'/'!' zlib, 'F' FastLZ, '4' LZ4 */
    uint64_t vc_start;    /* absolute offset of the pack byte; chain offsets count from it */
    uint64_t table_off;   /* absolute offset of the chain table (the chains end there) */
    uint64_t table_len;
    uint64_t maxh;        /* handles covered by the chain table */
    uint32_t n_ckpt;      /* maxh / FSTW_CKPT_EVERY + 1 */
    fstwi_chain_ckpt *ckpt; /* ckpt[j]: state at the entry that covers handle j * FSTW_CKPT_EVERY */
    uint32_t ckpt_done;   /* checkpoints built so far (n_ckpt: the whole table) */
} fstwi_vc_block;

struct fstw_file {
    fstwi_source src;
    fstw_header header;
    char version[129], date[120];
    int multi_threaded;
    int float_big_endian;   /* doubles stored big-endian */
    /* geometry: per signal ref, FST length: 0 = real, UINT32_MAX = variable length */
    uint32_t *geom;
    uint32_t n_geom;
    fstwi_hier hier;
    /* full names of the internal scopes, made on the first full-name call
     * (fstw_full_names.c): scope s is scope_names[scope_name_off[s] ..
     * scope_name_off[s + 1]); scope_names_state: 0 not yet, 1 made, 2 not
     * cached (too large: the names are then put together on each call) */
    int scope_names_state;
    char *scope_names;
    uint64_t *scope_name_off;
    fstwi_vc_block *blocks;
    size_t n_blocks;
    /* body */
    fstwi_mutex lock;
    int body_loaded;
    int body_loading;              /* a thread is reading the body (under lock) */
    fstwi_cond body_cond;          /* broadcast when that read ends (with lock) */
    struct fstwi_times *times;     /* the time table's storage (time_table points into it) */
    uint64_t *time_table;
    size_t n_time;
    /* time-table indices whose time equals the one before (block seams, a
     * time written twice), ascending, with the first index of that time;
     * every other index is its own first.  fst-reader (and so pywellen)
     * reports every change at the first index of its time; fstw_decode.c
     * walks this list alongside a chain */
    uint32_t (*dups)[2];
    size_t n_dups;
    /* pywellen 0.25's lookup index (fstw_lookup.c), built by the first lookup */
    struct item_index *item_index;
};

/* ---- fstw_lookup.c */
/* Frees the lookup index (fstw_close). */
void fstwi_lookup_free(fstw_file *f);

/* ---- fstw_body.c */
/* The bytes a body load reads in progress units: every value-change block's
 * length. */
uint64_t fstwi_body_bytes(const fstw_file *f);
/* Loads the body unless loaded, reporting pr's done as base + the bytes of
 * the blocks read so far (fstwi_body_bytes in all); ends_call: the body is
 * the whole call, whose last report (fstwi_progress_end) is made before the
 * body is published.  When another thread is reading it, waits, reporting
 * base every 10 ms when pr asks for anything.  Errors: FSTW_ERR_FORMAT,
 * FSTW_ERR_IO, FSTW_ERR_NOMEM, FSTW_ERR_CANCELED; the body then stays
 * unloaded. */
int fstwi_body_load(fstw_file *f, fstwi_progress *pr, uint64_t base, int ends_call, fstw_error *err);

/* Block b's own time table, read on its own (the body need not be loaded;
 * nothing of f is changed): *count times in a new array *times (free), NULL
 * and 0 for an open block; *packed the table's packed size (as the body
 * load's b->tt_packed).  Errors: FSTW_ERR_FORMAT, FSTW_ERR_IO,
 * FSTW_ERR_NOMEM. */
int fstwi_block_times(const fstw_file *f, const fstwi_vc_block *b, uint64_t **times, uint64_t *count,
                      uint64_t *packed, fstw_error *err);

/* The time table's storage, shared by the file and every signal loaded from
 * it, so that signals outlive fstw_close (a count of holders, changed
 * atomically; the last release frees it). */
typedef struct fstwi_times {
    long holders;
    size_t n;
    int sorted;      /* the times never decrease (every well-formed file); set by the body */
    /* the time-table steps of the last summary's slice bounds (fstw_view.c): a
     * screen of signals summarised over the same window finds them here */
    fstwi_mutex lock;
    struct fstwi_bound_steps *steps;
    uint64_t t[];
} fstwi_times;
/* The time-table step of each bound of a summary (t0, t1, buckets). */
typedef struct fstwi_bound_steps {
    uint64_t t0, t1;
    uint32_t buckets;
    int64_t step[]; /* buckets + 1 */
} fstwi_bound_steps;
/* A new table of room for n times, held once; NULL when out of memory. */
fstwi_times *fstwi_times_new(size_t n);
fstwi_times *fstwi_times_hold(fstwi_times *tt);  /* one more holder; tt may be NULL */
void fstwi_times_release(fstwi_times *tt);       /* one holder less; tt may be NULL */

/* ---- fstw_chains.c: where a signal's chain lies in a value-change block */

/* Reads the chain table of block b.  A table source gives the table's bytes
 * to the lookups: a window read at its offset around the entry being decoded
 * (as much of the table as a pass over it will decode, or a small window for
 * a lookup). */
typedef struct fstwi_table_src {
    fstw_file *f;
    fstwi_vc_block *b;
    fstwi_buf win;            /* window of the table at win_pos */
    uint64_t win_pos;
    size_t win_len;
    uint64_t hint;            /* bytes to read on a window miss (0: a small window) */
    /* dense mode: every handle's chain (offset from vc_start, packed length) */
    uint64_t *loc, *clen;
    size_t cap_dense;
    int dense;
    fstw_error *err;
} fstwi_table_src;

/* Gets block b ready for lookups of n_wanted signals, none above max_ref:
 * its layout is read on the first call; its checkpoints are extended up to
 * max_ref (reading and decoding the table only that far: UINT32_MAX for all);
 * when many of the block's signals are wanted, the whole table is parsed into
 * per-handle offsets instead (cheaper than a checkpoint walk per signal).
 * Thread-safe: two threads may build the same block; one result is published. */
int fstwi_chains_prepare(fstwi_table_src *t, fstw_file *f, fstwi_vc_block *b, size_t n_wanted,
                        uint32_t max_ref, fstw_error *err);
/* Chain of signal `ref` in the prepared block: absolute file offset and packed
 * length in bytes (length 0: no value changes of that signal in the block).
 * Aliases resolve as libfst's table parse does.  Errors: FSTW_ERR_FORMAT (a
 * malformed table or a chain outside the block), FSTW_ERR_IO, FSTW_ERR_NOMEM. */
int fstwi_chain_find(fstwi_table_src *t, uint32_t ref, uint64_t *off, uint64_t *len);
/* Frees t's buffers (table copy, window, dense arrays); t may be reused. */
void fstwi_table_src_free(fstwi_table_src *t);
/* Frees the index of every block (fstw_close). */
void fstwi_chains_free(fstw_file *f);

/* ---- fstw_load.c */
/* How many loads so far ran on several threads, split by signal and by
 * block (process-wide; for tests). */
void fstwi_split_counts(unsigned long *by_signal, unsigned long *by_block);

/* ---- fstw_signal.c: per-signal storage */

/* A signal being loaded: its changes so far (time-table indices, values). */
typedef struct fstwi_builder {
    uint32_t ref;
    uint8_t enc;        /* fstw_encoding of the signal's var */
    uint32_t bits;
    int ascii;          /* bit vectors: 0 = packed 2-state, 1 = one char per bit */
    size_t stride;      /* bytes per change for fixed-size storage */
    size_t n;
    fstwi_buf tidx, data, stroff;
} fstwi_builder;

/* a == b for st value bytes, without a call for the common widths (the
 * per-change equality check of the storage) */
static inline int fstwi_same_value(const uint8_t *a, const uint8_t *b, size_t st)
{
    switch (st) {
    case 1: return a[0] == b[0];
    case 2: { uint16_t x, y; memcpy(&x, a, 2); memcpy(&y, b, 2); return x == y; }
    case 4: { uint32_t x, y; memcpy(&x, a, 4); memcpy(&y, b, 4); return x == y; }
    case 8: { uint64_t x, y; memcpy(&x, a, 8); memcpy(&y, b, 8); return x == y; }
    default: return memcmp(a, b, st) == 0;
    }
}

/* An FST-packed 2-state value (first bit in the MSB of the first byte, the
 * last byte's low `pad` bits unused) into storage order (right-aligned, pad
 * bits in front): nb bytes from p to dst, 0 < pad < 8. */
static inline void fstwi_fst_bits_to_storage(uint8_t *dst, const uint8_t *p, size_t nb, unsigned pad)
{
    dst[0] = (uint8_t)(p[0] >> pad);
    for (size_t i = 1; i < nb; i++) dst[i] = (uint8_t)((p[i - 1] << (8 - pad)) | (p[i] >> pad));
}

/* A bit-vector value given as `len` state characters, as the storage keeps
 * it: exactly `bits` characters into out (right-aligned: the leftmost ones
 * dropped, or '0's put in front), lowercase, anything outside 01xzhuwl- as x
 * (wellen would panic).  Returns 1 when every state is 0 or 1. */
int fstwi_norm_chars(uint32_t bits, const uint8_t *chars, size_t len, uint8_t *out);
/* `bits` characters '0'/'1' packed into nbytes bytes, big-endian and
 * right-aligned (the storage's 2-state form, fstw_value's FSTW_VAL_BITS2). */
void fstwi_pack_bits(const uint8_t *chars, uint32_t bits, uint8_t *out, size_t nbytes);

/* Shape from the signal's var (or its geometry when no var names it);
 * FSTW_ERR_FORMAT for a var far wider than what the file stores. */
int fstwi_builder_init(fstwi_builder *b, const fstw_file *f, uint32_t ref, fstw_error *err);
/* An empty builder of the same shape (for another thread's blocks); 0 or -1. */
int fstwi_builder_init_like(fstwi_builder *b, const fstwi_builder *shape);
/* Appends a change unless it equals the previous one; 0, or -1 out of memory.
 * tmp: scratch of 2 * bits + 16 bytes. */
int fstwi_builder_add_chars(fstwi_builder *b, uint32_t idx, const uint8_t *chars, size_t len, uint8_t *tmp);
int fstwi_builder_add_real(fstwi_builder *b, uint32_t idx, double v);
int fstwi_builder_add_bytes(fstwi_builder *b, uint32_t idx, const uint8_t *s, size_t len, uint8_t *tmp);
/* A 2-state value of exactly b->bits bits, packed as FST chains store it
 * (first bit in the first byte's MSB). */
int fstwi_builder_add_fst_bits(fstwi_builder *b, uint32_t idx, const uint8_t *packed, uint8_t *tmp);
/* Moves src's changes (from later blocks) behind dst's, deduplicating across
 * the seam as if they had been added one by one; 0 or -1. */
int fstwi_builder_append(fstwi_builder *dst, fstwi_builder *src);
/* Sizes b's buffers for the load's next stretch from what `done` of `total`
 * bytes of its blocks gave; called at each doubling of `done`.  With many
 * builders filling at once, 1.5x growth change by change would hold up to a
 * third unused at the peak and leave freed copies behind (wide 10 % load:
 * 491 MB peak RSS instead of ~380 MB).  Never fails. */
void fstwi_builder_project(fstwi_builder *b, uint64_t done, uint64_t total);
fstw_signal *fstwi_builder_finish(fstwi_builder *b, const fstw_file *f);
void fstwi_builder_free(fstwi_builder *b);
fstw_signal *fstwi_signal_clone(const fstw_signal *s);

/* ---- fstw_decode.c: one value-change block into builders */

/* Per-thread decoding state, reused from block to block. */
typedef struct fstwi_decoder {
    fstw_file *f;
    fstwi_table_src tsrc;
    fstwi_inflater z;
    fstwi_buf packed, unpacked;
    uint8_t *tmp;           /* 4 * max bits + 64 bytes */
    fstw_error *err;
    /* when set, called before each chain of a block: nonzero stops the block
     * with FSTW_ERR_CANCELED (no message: the caller writes it) */
    int (*between)(void *ctx);
    void *between_ctx;
} fstwi_decoder;

/* A decoder for loads of f whose widest signal (var or stored) has max_bits
 * bits; FSTW_ERR_NOMEM.  Free with fstwi_decoder_free. */
int fstwi_decoder_init(fstwi_decoder *d, fstw_file *f, uint32_t max_bits, fstw_error *err);
void fstwi_decoder_free(fstwi_decoder *d);
/* Adds block b's changes of the signals refs[0..n) (ascending, unique) to
 * bs[0..n), at global time-table indices; with_frame: the block's frame
 * values first, at index 0.  Changes after the header's end time are
 * dropped.  Errors: FSTW_ERR_FORMAT naming the block offset and signal,
 * FSTW_ERR_IO, FSTW_ERR_NOMEM. */
int fstwi_decode_block(fstwi_decoder *d, fstwi_vc_block *b, int with_frame,
                      const uint32_t *refs, fstwi_builder *bs, size_t n);

/* Block b's frame (FST format: the values of every signal at the block's
 * start time, by signal ref, each as wide as its geometry, zlib-packed or
 * stored): a new buffer *raw (free) of *ulen bytes, and the handle count the
 * frame covers.  Errors: FSTW_ERR_FORMAT, FSTW_ERR_IO, FSTW_ERR_NOMEM. */
int fstwi_frame_read(const fstw_file *f, const fstwi_vc_block *b, uint8_t **raw, uint64_t *ulen,
                     uint64_t *maxh, fstw_error *err);
/* Signal ref's chain in block b (at off, len packed bytes, from
 * fstwi_chain_find), unpacked: *data and *dlen point into d's buffers, valid
 * until the next call on d.  Errors: FSTW_ERR_FORMAT naming the block and
 * signal, FSTW_ERR_IO, FSTW_ERR_NOMEM. */
int fstwi_chain_get(fstwi_decoder *d, const fstwi_vc_block *b, uint32_t ref, uint64_t off, uint64_t len,
                    const uint8_t **data, size_t *dlen);

/* Signal geometry (FST geometry block): 0 a real, UINT32_MAX variable length
 * (strings), else the bit count of a value. */
#define FSTWI_GEOM_REAL 0u
#define FSTWI_GEOM_VARLEN UINT32_MAX
/* Bytes of a value of geometry g in a frame. */
static inline size_t fstwi_frame_size(uint32_t g)
{
    return g == FSTWI_GEOM_REAL ? 8 : g == FSTWI_GEOM_VARLEN ? 0 : g;
}
/* A double as the file stores it (f->float_big_endian). */
static inline double fstwi_read_double(const fstw_file *f, const uint8_t *p)
{
    uint8_t q[8];
    if (f->float_big_endian) for (int i = 0; i < 8; i++) q[i] = p[7 - i];
    else memcpy(q, p, 8);
    double d;
    memcpy(&d, q, 8);
    return d;
}

/* ---- one change of a chain (FST format, libfst's value-change chains)
 * A record is a varint vli then the value, by the signal's geometry g:
 *   g == 1: the value is in vli (bit 0 clear: '0'/'1' in bit 1, delta vli >> 2;
 *           set: x z h u w l - in bits 1-3, delta vli >> 4);
 *   strings (FSTWI_GEOM_VARLEN): delta vli >> 1, a varint length, the bytes;
 *   reals (FSTWI_GEOM_REAL): delta vli >> 1, 8 bytes;
 *   other widths: delta vli >> 1, then g state characters (vli bit 0 set) or
 *           ceil(g / 8) bytes of packed 2-state bits, first bit in the MSB.
 * delta is in time-table steps of the block: the first record's is the step
 * itself, the others' the distance from the previous record. */
enum { FSTWI_REC_CHARS = 0, FSTWI_REC_REAL = 1, FSTWI_REC_BYTES = 2, FSTWI_REC_PACKED = 3 };
typedef struct fstwi_record {
    uint64_t delta;
    int kind;              /* FSTWI_REC_* */
    const uint8_t *val;    /* chars, bytes or packed bits (len bytes); for g == 1 at `one` */
    size_t len;
    double real;
    uint8_t one;           /* the state character of a 1-bit record */
} fstwi_record;

/* The step delta of a record whose varint is vli, for geometry g. */
static inline uint64_t fstwi_record_delta(uint32_t g, uint64_t vli)
{
    return g == 1 ? ((vli & 1) ? vli >> 4 : vli >> 2) : vli >> 1;
}

/* Reads the record at c (advancing it) into *r; r->val points into the chain,
 * or at r->one (so r must outlive the use of a 1-bit value).  Returns NULL, or
 * what is truncated ("chain", "string value", "real value", "value") for the
 * caller's FSTW_ERR_FORMAT message. */
static inline const char *fstwi_read_record(const fstw_file *f, uint32_t g, fstwi_cursor *c, fstwi_record *r)
{
    static const char RCV[8] = { 'x', 'z', 'h', 'u', 'w', 'l', '-', '?' };
    uint64_t vli;
    if (fstwi_varint(c, &vli)) return "chain";
    r->delta = fstwi_record_delta(g, vli);
    if (g == 1) {
        r->one = (vli & 1) ? (uint8_t)RCV[(vli >> 1) & 7] : (uint8_t)('0' + ((vli >> 1) & 1));
        r->val = &r->one; r->len = 1; r->kind = FSTWI_REC_CHARS;
    } else if (g == FSTWI_GEOM_VARLEN) {
        uint64_t sl;
        if (fstwi_cur_varint(c, &sl) || sl > (uint64_t)(c->end - c->p)) return "string value";
        r->val = c->p; r->len = (size_t)sl; c->p += sl; r->kind = FSTWI_REC_BYTES;
    } else if (g == FSTWI_GEOM_REAL) {
        if (c->end - c->p < 8) return "real value";
        r->real = fstwi_read_double(f, c->p); c->p += 8; r->kind = FSTWI_REC_REAL;
    } else if (vli & 1) {
        if ((uint64_t)(c->end - c->p) < g) return "value";
        r->val = c->p; r->len = g; c->p += g; r->kind = FSTWI_REC_CHARS;
    } else {
        size_t nb = ((size_t)g + 7) / 8;
        if ((size_t)(c->end - c->p) < nb) return "value";
        r->val = c->p; r->len = nb; c->p += nb; r->kind = FSTWI_REC_PACKED;
    }
    return NULL;
}

/* The geometry of signal ref (FSTWI_GEOM_VARLEN past the geometry block). */
static inline uint32_t fstwi_geom(const fstw_file *f, uint32_t ref)
{
    return ref < f->n_geom ? f->geom[ref] : FSTWI_GEOM_VARLEN;
}

/* qsort/bsearch order of uint32_t */
int fstwi_cmp_u32(const void *a, const void *b);

struct fstw_signal {
    long holders;           /* fstw_signal_hold / fstw_signal_free; atomic */
    size_t bytes;           /* fstw_signal_bytes, fixed when made */
    uint32_t ref;
    uint8_t encoding;
    uint32_t bits;
    int ascii;              /* bit vectors: 0 = packed 2-state, 1 = one char per bit */
    size_t stride;          /* bytes per change for fixed-size storage */
    size_t n;
    uint32_t *tidx;         /* time-table index per change */
    uint8_t *data;          /* fixed-size values, or string bytes */
    uint64_t *str_off;      /* strings: n+1 offsets into data */
    const uint64_t *tt;     /* the file's time table (in `times`) */
    size_t n_tt;
    fstwi_times *times;     /* held by the signal: it may outlive the file */
    /* the summaries' sample of the signal's steps: tidx[k * FSTWI_SAMPLE_EVERY]
     * for every k; made by the first summary of a long signal (fstw_view.c),
     * published atomically, freed with the signal; NULL until then */
    uint32_t *sample;
};
#define FSTWI_SAMPLE_EVERY 32

/* ---- fstw_hashorder.c: pywellen 0.25's hash-map iteration order */
/* A set of u32 keys laid out as Rust's std HashSet<u32-like, FxBuildHasher>
 * lays them out; start zeroed (fstwi_fxset_init). */
typedef struct fstwi_fxset {
    uint32_t buckets, items, growth_left;
    uint8_t *ctrl;   /* buckets + 16 control bytes */
    uint32_t *keys;
} fstwi_fxset;
void fstwi_fxset_init(fstwi_fxset *t);
void fstwi_fxset_free(fstwi_fxset *t);
/* HashSet::insert (grows first when full, even for a key already there). */
int fstwi_fxset_insert(fstwi_fxset *t, uint32_t key);
/* HashMap::entry(key).or_insert (grows only for a new key).  0 or -1. */
int fstwi_fxset_entry(fstwi_fxset *t, uint32_t key);
/* The keys in iteration order into out (room for t->items); their count. */
size_t fstwi_fxset_order(const fstwi_fxset *t, uint32_t *out);
/* Empty, keeping the capacity (what a drain leaves). */
void fstwi_fxset_clear(fstwi_fxset *t);

/* ---- fstw_derive.c: derived signals (FSTW_HIERARCHY_PYWELLEN_025) */
/* d's value from its pieces' values vals[i] (NULL: no value yet, x bits):
 * d->width state characters into chars, most significant first. */
void fstwi_derive_compose(const fstwi_derived *d, const fstw_value *const *vals, uint8_t *chars);
/* The loaded signal of derived ref from inputs[i], the loaded signal of
 * piece i's signal.  Errors: FSTW_ERR_ARG (not derived), FSTW_ERR_NOMEM. */
int fstwi_derive_load(const fstw_file *f, uint32_t ref, fstw_signal *const *inputs, fstw_signal **out,
                      fstw_error *err);

/* ---- fstw_format.c: the text of the `show` and `render` commands */
/* Growable text with a sticky out-of-memory flag (start zeroed). */
typedef struct fstwi_text {
    fstwi_buf b;
    int failed;
} fstwi_text;
void fstwi_text_put(fstwi_text *t, const char *p, size_t n);
/* printf for short fixed formats (numbers, markup): at most 255 bytes. */
void fstwi_text_printf(fstwi_text *t, const char *fmt, ...) FSTWI_PRINTF(2, 3);
/* Names and values for people: bytes as lossy UTF-8 (invalid sequences as
 * U+FFFD), control characters (U+0000-U+001F, U+007F-U+009F) as \u{HEX}
 * (the tools' rule for names), and with xml the XML escapes of < > & ". */
void fstwi_text_people(fstwi_text *t, const char *p, size_t n, int xml);
/* Change `change` of s as fstw_format_value writes it in radix, with the enum
 * literal of var (FSTW_NONE: none): a new NUL-terminated buffer in *out (free),
 * its length in *len.  FSTW_OK, FSTW_ERR_NOMEM or FSTW_ERR_ARG. */
int fstwi_format_change(const fstw_file *f, uint32_t var, const fstw_signal *s, size_t change,
                        int radix, char **out, size_t *len);
/* Hands the text out (NUL-terminated, *len without the NUL) or frees it and
 * fails with FSTW_ERR_NOMEM when a write failed. */
int fstwi_text_finish(fstwi_text *t, char **out, size_t *len, fstw_error *err);

#endif
