/*
 * fstwave.h - the public interface of the fstwave core: a reader for FST
 * waveform files (the format of GTKWave's libfst, written by Verilator,
 * Icarus, GHDL, nvc and others).
 *
 * Design (after libuv and SQLite): opaque handles, explicit status codes,
 * an fstw_error that carries a message; nothing here prints, exits or
 * aborts.  Times are always in the file's timescale units (see
 * fstw_timescale).  Strings handed out are byte ranges owned by the file
 * handle (valid until fstw_close) and are not NUL-terminated unless said.
 *
 * Threading: one fstw_file may be used from several threads at once; body
 * and signal loads serialise on an internal lock where they touch shared
 * state, and read the file at offsets (pread; ReadFile with an offset on
 * Windows), never through a shared file position.  A loaded fstw_signal is
 * immutable.
 *
 * Behaviour follows pywellen 0.20.5 / wellen (hierarchy building, name
 * parsing, value storage and de-duplication) except for the deliberate
 * deviations D1-D10 described in docs/api.md.
 */
#ifndef FSTWAVE_H
#define FSTWAVE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define FSTW_VERSION "0.1.0"

/* Sentinel for "no scope / no var / no enum / no index". */
#define FSTW_NONE UINT32_MAX

/* ---------------------------------------------------------------- errors */

/* Export control.  Every public function is declared FSTW_API.  The core is
 * built as a static library and linked into the Python extension and the
 * Node addon, which are compiled with -fvisibility=hidden: then FSTW_API is
 * empty and none of the core's symbols leaves the extension.  A shared build
 * of the core defines FSTW_SHARED (and FSTW_BUILDING while compiling it). */
#if defined(FSTW_SHARED) && defined(_WIN32)
#  ifdef FSTW_BUILDING
#    define FSTW_API __declspec(dllexport)
#  else
#    define FSTW_API __declspec(dllimport)
#  endif
#elif defined(FSTW_SHARED) && defined(__GNUC__)
#  define FSTW_API __attribute__((visibility("default")))
#else
#  define FSTW_API
#endif

/* The status codes, one row each (after libuv's UV_ERRNO_MAP): the enum
 * constant, its value, the errno an OS error of that kind defaults to (0:
 * not an OS error; the tokens need <errno.h> where the list is expanded),
 * the short code both bindings give their errors (Node's `err.code`, the
 * `code` attribute of Python's FstError), and a description in libuv's
 * words (the text of Node's fs errors).  Expand it with a macro
 * XX(constant, value, errno, code, description). */
#define FSTW_STATUS_MAP(XX)                                                                   \
    XX(FSTW_OK,         0, 0,      "OK",               "success")                             \
    XX(FSTW_ERR_NOENT,  1, ENOENT, "ENOENT",           "no such file or directory")           \
    XX(FSTW_ERR_ACCES,  2, EACCES, "EACCES",           "permission denied")                   \
    XX(FSTW_ERR_ISDIR,  3, EISDIR, "EISDIR",           "illegal operation on a directory")    \
    XX(FSTW_ERR_IO,     4, EIO,    "EIO",              "i/o error")                           \
    XX(FSTW_ERR_FORMAT, 5, 0,      "FST_FORMAT",       "not an FST file, or a malformed one") \
    XX(FSTW_ERR_NOMEM,  6, ENOMEM, "ENOMEM",           "not enough memory")                   \
    XX(FSTW_ERR_ARG,    7, 0,      "ERR_OUT_OF_RANGE", "an argument out of range")          \
    XX(FSTW_ERR_CANCELED, 8, 0,      "ABORT_ERR",        "the operation was aborted")

/* Status codes returned by every fallible call:
 *   FSTW_ERR_NOENT  the file does not exist (errno ENOENT, ENOTDIR)
 *   FSTW_ERR_ACCES  permission denied (errno EACCES, EPERM)
 *   FSTW_ERR_ISDIR  the path names a directory
 *   FSTW_ERR_IO     another operating-system error (a failed read)
 *   FSTW_ERR_FORMAT not an FST file, or a malformed one
 *   FSTW_ERR_NOMEM  out of memory
 *   FSTW_ERR_ARG    a bad argument (an id or signal ref out of range, ...)
 *   FSTW_ERR_CANCELED  a long call stopped by its fstw_progress (a progress
 *                   function that returned nonzero, or the cancel flag); the
 *                   code is Node's AbortError code */
typedef enum fstw_status {
#define FSTW_STATUS_ENUM_(constant, value, errno_, code, description) constant = value,
    FSTW_STATUS_MAP(FSTW_STATUS_ENUM_)
#undef FSTW_STATUS_ENUM_
} fstw_status;

/* Error details: code is an fstw_status, sys_errno the errno of an OS
 * error (0 otherwise), message a NUL-terminated text that says what was
 * wrong and where (block number, file offset).  The structured fields say
 * the same for programs: offset is the byte offset in the (unpacked) file of
 * the malformed structure (-1 when the error has none), strerror the OS's
 * text for sys_errno ("" when sys_errno is 0). */
typedef struct fstw_error {
    int code;
    int sys_errno;
    char message[512];
    int64_t offset;
    char strerror[128];
} fstw_error;

/* Name of a status code, e.g. "FSTW_ERR_FORMAT"; "FSTW_ERR_UNKNOWN" for
 * other numbers.  Never NULL. */
FSTW_API const char *fstw_status_name(int code);
/* The short code of the bindings' errors ("ENOENT", "FST_FORMAT",
 * "ERR_OUT_OF_RANGE", ...; FSTW_STATUS_MAP); "FST_ERROR" for other numbers. */
FSTW_API const char *fstw_status_code(int code);
/* libuv's description of the status ("no such file or directory"); "unknown
 * error" for other numbers. */
FSTW_API const char *fstw_status_description(int code);
/* The errno an error of this status stands for when the OS gave none
 * (ENOENT for FSTW_ERR_NOENT, ...), 0 for a status that is not an OS error. */
FSTW_API int fstw_status_errno(int code);

/* What went wrong, without the path, as Python's OSError.strerror and the
 * command-line tools print it after the file name: for an OS error raised
 * while opening (NOENT, ACCES, ISDIR, NOMEM from the OS) the OS's text
 * (err->strerror), for a failed read (FSTW_ERR_IO) and every other error
 * the message (which says where the read failed or the file is malformed).
 * Never NULL. */
FSTW_API const char *fstw_error_reason(const fstw_error *err);
/* The system call an OS error comes from, for Node's `err.syscall`: "read"
 * for FSTW_ERR_IO, "open" for NOENT/ACCES/ISDIR, NULL for other errors. */
FSTW_API const char *fstw_error_syscall(const fstw_error *err);
/* Fills err as the core fills it for a failed OS call of its own, for a
 * binding that made the call itself (the WebAssembly build, where the host
 * opens the file): the status sys_errno maps to (ENOENT, ENOTDIR:
 * FSTW_ERR_NOENT; EACCES, EPERM: FSTW_ERR_ACCES; EISDIR: FSTW_ERR_ISDIR;
 * ENOMEM: FSTW_ERR_NOMEM; any other: FSTW_ERR_IO), the message
 * "<what>: <text>: <path>" and err->strerror the text, which is the core's
 * own (glibc's words) for the errnos a file open or read gives (ENOENT,
 * EACCES, EISDIR, EIO, EMFILE, ...; fstw_errno_text), so every build
 * (glibc, musl in WebAssembly, Windows) says the same.  Returns the status.
 * err may be NULL. */
FSTW_API int fstw_error_from_errno(fstw_error *err, int sys_errno, const char *what, const char *path);
/* The core's text for an errno (glibc's words, "No such file or directory"),
 * or NULL for an errno outside its table (the C library's text is used then). */
FSTW_API const char *fstw_errno_text(int sys_errno);

/* ------------------------------------------------------------ open/close */

typedef struct fstw_file fstw_file;     /* an open FST file */
typedef struct fstw_signal fstw_signal; /* one loaded signal */

/* Progress and cancellation of a long call (fstw_open, fstw_load_body_ex,
 * fstw_load_signals_ex), for viewers that show a bar and offer a Cancel
 * button (contract section 6).
 *
 * fn(user, done, total) is called on the thread that made the call, never on
 * the core's worker threads (a binding may take its interpreter lock in it):
 * once before the first value-change block with done = 0, after each block
 * (and in a signal load about every 10 ms within a block; while worker
 * threads decode, the calling thread reports about every 10 ms instead), and
 * last with done == total when the call succeeds.  done and
 * total count bytes of the value-change blocks the call reads (their lengths
 * in the file); total is fixed for the call and done never decreases.  A call
 * with nothing to read (the body already loaded, no signals asked for, an open
 * without load_body) reports (0, 0) once.  fn returns 0 to go on and nonzero
 * to cancel.  cancel, when not NULL, is a flag another thread may set to
 * nonzero at any time (read atomically); it is checked at the same points.
 *
 * A cancelled call returns FSTW_ERR_CANCELED within one block (one block per
 * worker thread) and leaves nothing half-built: what it made is freed, a
 * cancelled body load leaves the body unloaded, a cancelled open returns no
 * handle.  (The chain-table index of a block is kept once complete: it is a
 * cache of the file, valid whatever the call.) */
typedef struct fstw_progress {
    int (*fn)(void *user, uint64_t done, uint64_t total); /* may be NULL */
    void *user;
    const int *cancel;                                    /* may be NULL */
} fstw_progress;

/* Options of fstw_open (pywellen's Waveform() arguments plus load_body). */
typedef struct fstw_open_options {
    int multi_threaded;                /* allow worker threads for loads (default 1); the
                                          bindings pass it to fstw_load_signals */
    int remove_scopes_with_empty_name; /* flatten scopes named "" into their parent (default 0) */
    int load_body;                     /* read the time table at open (default 1) */
    const fstw_progress *progress;     /* progress and cancel of the open (default NULL):
                                          checked after the hierarchy and for each block of
                                          the body (when load_body) */
    int hierarchy_rules;               /* FSTW_HIERARCHY_PYWELLEN_020 (default) or
                                          FSTW_HIERARCHY_PYWELLEN_025, see below */
} fstw_open_options;

/* The hierarchy rules of fstw_open_options.hierarchy_rules:
 *   FSTW_HIERARCHY_PYWELLEN_020: wellen 0.20.5's, as pywellen 0.20.5 (the
 *     `fstwave` module and the Node package) shows a file;
 *   FSTW_HIERARCHY_PYWELLEN_025: wellen 0.25's, as pywellen 0.25.7 (the
 *     `fstwave.pywellen25` module) shows it: vectors that a writer split into
 *     one var per bit or per slice (ModelSim/QuestaSim VCDs: "bus[0]",
 *     "bus[1]", ... declared one after the other in one scope, each with
 *     its own signal) are merged into one var whose signal is *derived*: a
 *     concatenation of the pieces' signals (wellen's check_for_split_var:
 *     the new piece's bit range must extend the previous var's, on its MSB or
 *     LSB side, and each piece's range must be as wide as its signal).
 *     Derived signals get the refs after every signal of the file (in the
 *     order their vars were declared; wellen numbers them in hash-map
 *     order), fstw_signal_count counts them, fstw_load_signals and the
 *     stream compute their values (fstw_signal_inputs).  Also wellen 0.25's
 *     rule for Verilator's array elements: inside an array scope "mem", a
 *     var named "mem[0]" is the var "[0]" of that scope (wellen 0.20 made a
 *     second scope "mem"). */
enum { FSTW_HIERARCHY_PYWELLEN_020 = 0, FSTW_HIERARCHY_PYWELLEN_025 = 25 };

/* Fills opts with the defaults above. */
FSTW_API void fstw_open_options_init(fstw_open_options *opts);

/* Opens the FST file at path (a NUL-terminated file-system path; UTF-8 on
 * Windows, where '/' and '\\' both separate names), reads the header block
 * and the hierarchy, and with opts->load_body also the body
 * (time table and block index).  A whole-file gzip wrapper (block 254) is
 * unpacked into memory; nothing is ever written to disk.
 * opts may be NULL (defaults).  On success *out is a new handle to free with
 * fstw_close.  Errors: FSTW_ERR_NOENT, _ACCES, _ISDIR, _IO for OS errors;
 * FSTW_ERR_FORMAT for anything that is not a readable FST file (VCD and GHW
 * files are named as such in the message); FSTW_ERR_NOMEM. */
FSTW_API int fstw_open(const char *path, const fstw_open_options *opts, fstw_file **out,
              fstw_error *err);

/* A source of the bytes of an FST file that is not a path: a file descriptor
 * of the caller's, a File or Blob in a browser, bytes in memory, ... read
 * at offsets through a callback (fstw_open_reader).
 *   ctx      passed back to read_at, never looked at by the core
 *   size     the file's size in bytes (the core reads nothing at or past it:
 *            a structure that would needs more bytes than the file has and
 *            gives FSTW_ERR_FORMAT "truncated FST file", as for a path)
 *   read_at  fills buf with exactly len bytes (len >= 1, off + len <= size)
 *            of the file at byte offset off and returns 0, or returns an
 *            errno (EIO, ...) when it cannot; the call then fails with the
 *            status that errno maps to (FSTW_ERR_IO for EIO and any errno
 *            without a status of its own) and the message "read failed:
 *            <strerror>: <what was read>".  A return that is not a positive
 *            errno (e.g. -1) counts as EIO.  It must not longjmp or throw
 *            through the core.
 *   name     the file's name in messages, or NULL; copied at open.
 *   open_side  optional (NULL: the file has no side file): the hierarchy
 *            side file of a file whose writer did not finish (no hierarchy
 *            block; fstw_open reads "<path>.hier" then).  Called at most once
 *            per open, only for such a file and only when name is not NULL,
 *            with side_name the side file's name the core derives from name
 *            by fstw_open's rule (the extension replaced by ".fst.hier",
 *            wellen's): it fills *side (ctx, size, read_at, release; name and
 *            open_side are ignored) and returns 0, or returns EISDIR when
 *            side_name is something other than a regular file, or any other
 *            errno when there is no such file (ENOENT, ...).  The core then
 *            reads the side file through side->read_at (its size bytes, once)
 *            and calls side->release.
 *   release  optional: called once with ctx when the core is done with a
 *            reader that open_side filled (never for the reader passed to
 *            fstw_open_reader, whose ctx the caller frees after fstw_close).
 * Threads: read_at is called from the thread that calls into the file and,
 * for loads with multi_threaded (fstw_load_signals), from the core's worker
 * threads at the same time: it must be safe to call concurrently, or the
 * caller passes multi_threaded = 0 and makes its calls one at a time (the
 * WebAssembly build, single-threaded, does so).  ctx and read_at must stay
 * valid until fstw_close; loaded signals need neither. */
typedef struct fstw_reader {
    void *ctx;
    uint64_t size;
    int (*read_at)(void *ctx, uint64_t off, void *buf, size_t len);
    const char *name;
    int (*open_side)(void *ctx, const char *side_name, struct fstw_reader *side);
    void (*release)(void *ctx);
} fstw_reader;

/* Opens an FST file whose bytes come from r (copied; see fstw_reader), as
 * fstw_open does for a path: the same header, hierarchy, body, values and
 * errors for the same bytes.  A whole-file gzip wrapper is read through r
 * once and unpacked into memory; r is not called again for such a file.
 * Differences from fstw_open: there is no directory and no permission, and
 * the hierarchy side file comes through r->open_side (without it, an
 * incomplete FST file without its hierarchy block gives FSTW_ERR_FORMAT,
 * naming r->name; with it, the same result as fstw_open of a path named
 * r->name).  Errors: FSTW_ERR_ARG for a NULL r
 * or read_at; the read errors above (FSTW_ERR_IO, ...); FSTW_ERR_FORMAT;
 * FSTW_ERR_NOMEM.  On success *out is a new handle to free with fstw_close. */
FSTW_API int fstw_open_reader(const fstw_reader *r, const fstw_open_options *opts, fstw_file **out,
                              fstw_error *err);

/* Closes the file and frees everything it owns.  Signals loaded from it stay
 * valid (each holds the time table it needs) and are freed with
 * fstw_signal_free as before.  No call on f may be running in another thread.
 * NULL is allowed. */
FSTW_API void fstw_close(fstw_file *f);

/* ---------------------------------------------------------------- header */

/* The FST header block (block type 0), read at open. */
typedef struct fstw_header {
    uint64_t start_time;       /* first time, timescale units */
    uint64_t end_time;         /* last time, timescale units */
    int8_t timescale_exponent; /* one time unit is 10^exponent seconds */
    uint64_t scope_count;
    uint64_t var_count;
    uint64_t max_handle;       /* number of distinct signals */
    uint64_t vc_section_count; /* value-change blocks the writer counted */
    uint8_t file_type;         /* 0 Verilog, 1 VHDL, 2 mixed */
    const char *version;       /* NUL-terminated, cut at the first NUL, trimmed */
    const char *date;          /* NUL-terminated, cut at the first NUL, trimmed */
} fstw_header;

/* The header of an open file; owned by f. */
FSTW_API const fstw_header *fstw_file_header(const fstw_file *f);

/* wellen's timescale: the FST exponent mapped to the largest unit not above
 * it (-11 -> factor 10, unit exponent -12).  *unit_exponent is one of
 * -21 -18 -15 -12 -9 -6 -3 0.  Returns 0, or -1 (nothing written) when the
 * exponent is outside -21..9 (wellen has no unit for it). */
FSTW_API int fstw_timescale(const fstw_file *f, uint32_t *factor, int *unit_exponent);

/* pywellen's TimescaleUnit names: "zs" "as" "fs" "ps" "ns" "us" "ms" "s"
 * for the exponents -21 -18 ... 0 that fstw_timescale gives, "unknown" for
 * any other exponent.  Never NULL. */
FSTW_API const char *fstw_timescale_unit_name(int unit_exponent);

/* ------------------------------------------------------------- hierarchy */

/* A byte string owned by the file handle (not NUL-terminated). */
typedef struct fstw_str {
    const char *ptr;
    uint32_t len;
} fstw_str;

/* Scope types: FST codes 0..21 (module .. vhdl_package), 22 SV array (reported
 * "unknown" as pywellen does), and FSTW_SCOPE_VHDL_ARRAY for scopes made from
 * array-style var names. */
enum { FSTW_SCOPE_SV_ARRAY = 22, FSTW_SCOPE_VHDL_ARRAY = 23, FSTW_SCOPE_TYPE_COUNT = 24 };

/* Var types: FST codes 0..29 (Event .. ShortReal), then the types the VHDL
 * supplemental attributes of GHDL/nvc select (wellen's merge rule). */
enum {
    FSTW_VT_BOOLEAN = 30, FSTW_VT_BIT_VECTOR, FSTW_VT_STD_LOGIC, FSTW_VT_STD_LOGIC_VECTOR,
    FSTW_VT_STD_ULOGIC, FSTW_VT_STD_ULOGIC_VECTOR, FSTW_VT_COUNT
};

/* How a var's values are encoded (from the FST var type, never from VHDL
 * attributes). */
typedef enum fstw_encoding {
    FSTW_ENC_BITS = 0,   /* bit vector of `bitwidth` bits */
    FSTW_ENC_REAL = 1,   /* IEEE double */
    FSTW_ENC_STRING = 2, /* variable-length bytes (GEN_STRING) */
    FSTW_ENC_EVENT = 3   /* an event: no value */
} fstw_encoding;

/* pywellen's names: "module" ... "vhdl_package", "unknown", "vhdl_array";
 * "Event" ... "ShortReal", "Boolean" ... "StdULogicVector";
 * "Implicit" "Input" "Output" "InOut" "Buffer" "Linkage".  Never NULL
 * ("unknown"/"Unknown" for codes out of range). */
FSTW_API const char *fstw_scope_type_name(unsigned type);
FSTW_API const char *fstw_var_type_name(unsigned type);
FSTW_API const char *fstw_direction_name(unsigned direction);

typedef struct fstw_scope_info {
    fstw_str name;             /* may be empty */
    fstw_str component;        /* empty when none */
    uint32_t parent;           /* scope id, FSTW_NONE at top level */
    uint8_t type;              /* see scope types above */
    const uint32_t *scopes;    /* child scope ids, declaration order */
    uint32_t n_scopes;
    const uint32_t *vars;      /* child var ids, declaration order */
    uint32_t n_vars;
} fstw_scope_info;

typedef struct fstw_var_info {
    fstw_str name;             /* after wellen's name parsing */
    uint32_t parent;           /* scope id, FSTW_NONE for a top-level var */
    uint8_t var_type;          /* see var types above */
    uint8_t direction;         /* 0..5 */
    uint8_t encoding;          /* fstw_encoding */
    uint32_t bitwidth;         /* bits for FSTW_ENC_BITS (>= 1), 0 otherwise */
    uint32_t signal_ref;       /* FST handle - 1; equal for aliases */
    int has_index;             /* 1 when the name carried a bit range */
    int64_t msb, lsb;          /* the bit range when has_index */
    uint32_t enum_id;          /* enum table id or FSTW_NONE */
    int has_vhdl_type_name;
    fstw_str vhdl_type_name;   /* when has_vhdl_type_name */
} fstw_var_info;

/* A derived signal's pieces (FSTW_HIERARCHY_PYWELLEN_025): 0 for a signal
 * of the file (not derived), else the number of pieces, each a bit range
 * [msb:lsb] of a file signal, most significant piece first; fills at most
 * `cap` of them. */
typedef struct fstw_piece {
    uint32_t ref;      /* a signal of the file */
    uint32_t msb, lsb; /* the bits taken from it (msb >= lsb) */
} fstw_piece;
FSTW_API size_t fstw_signal_inputs(const fstw_file *f, uint32_t ref, fstw_piece *pieces, size_t cap);

/* Counts of scopes and vars (all declared vars, aliases included; merged
 * duplicate scopes count once; array scopes made from names count). */
FSTW_API uint32_t fstw_scope_count(const fstw_file *f);
FSTW_API uint32_t fstw_var_count(const fstw_file *f);
/* Number of signals (the FST max handle). */
FSTW_API uint32_t fstw_signal_count(const fstw_file *f);
/* FSTW_OK when ref names a signal of f (ref < fstw_signal_count), else
 * FSTW_ERR_ARG with "signal ref R is out of range for this file (N
 * signals)" in err (which may be NULL).  fstw_load_signals applies it to
 * every ref; the bindings call it to refuse a Var of another file early. */
FSTW_API int fstw_check_signal_ref(const fstw_file *f, uint32_t ref, fstw_error *err);

/* Fill *out for scope/var `id` (0 <= id < count). FSTW_ERR_ARG when out of range. */
FSTW_API int fstw_scope_get(const fstw_file *f, uint32_t id, fstw_scope_info *out);
/* With FSTW_HIERARCHY_PYWELLEN_025, a var's encoding and bitwidth are its
 * signal's, as wellen 0.25 keeps them (the last var declared for a handle
 * sets them for every alias; a derived signal is a bit vector of its width),
 * and an event is a bit vector of width 0 (wellen 0.25's BitVector(0)); so
 * fstw_var_width and the fstw_var_is_* predicates answer as pywellen 0.25. */
FSTW_API int fstw_var_get(const fstw_file *f, uint32_t id, fstw_var_info *out);

/* pywellen's Var.bitwidth() and Var.length() (both the same): the bits of a
 * bit vector, 0 for an event, -1 for reals and strings (None in Python, null
 * in Node). */
FSTW_API int64_t fstw_var_width(const fstw_var_info *v);
/* pywellen's Var predicates: is_real, is_string, is_bit_vector (every
 * FSTW_ENC_BITS var, 1 bit included) and is_1bit (a bit vector of width 1);
 * 1 or 0. */
FSTW_API int fstw_var_is_real(const fstw_var_info *v);
FSTW_API int fstw_var_is_string(const fstw_var_info *v);
FSTW_API int fstw_var_is_bit_vector(const fstw_var_info *v);
FSTW_API int fstw_var_is_1bit(const fstw_var_info *v);

/* Top-level scopes / top-level vars in declaration order; *n gets the count. */
FSTW_API const uint32_t *fstw_top_scopes(const fstw_file *f, uint32_t *n);
FSTW_API const uint32_t *fstw_top_vars(const fstw_file *f, uint32_t *n);

/* pywellen's Hierarchy.all_vars(): one var id per signal that has a var, in
 * ascending signal order; for each signal the LAST var declared with it. */
FSTW_API const uint32_t *fstw_unique_vars(const fstw_file *f, uint32_t *n);

/* Full names (names of all ancestors and itself joined with '.'), written
 * like snprintf: at most buflen-1 bytes plus a NUL; returns the full length
 * (without NUL).  buf may be NULL when buflen is 0. */
FSTW_API size_t fstw_scope_full_name(const fstw_file *f, uint32_t scope, char *buf, size_t buflen);
FSTW_API size_t fstw_var_full_name(const fstw_file *f, uint32_t var, char *buf, size_t buflen);

/* pywellen's get_signal_from_path lookup: path split on every '.', the pieces
 * before the last name top-level scope then child scopes (first match at each
 * level), the last piece a var directly in that scope (a top-level var when
 * there is no dot).  Returns the var id or FSTW_NONE. */
FSTW_API uint32_t fstw_lookup_var(const fstw_file *f, const char *path, size_t len);

/* pywellen 0.25's item lookup (wellen's Hierarchy::lookup_item_by_name and
 * lookup_item_in_scope_by_name), used by w["a.b.c"] and scope["b.c"]: among
 * the items (scopes and vars) directly in `scope` (FSTW_NONE: the top level),
 * in declaration order, the first whose name equals `path` wins; otherwise
 * the one with the longest name that is a prefix of `path`.  The rest after a
 * scope must start with '.', and the lookup goes on inside that scope; the
 * rest after a var is accepted when it has no '.' (so "top.data[3]" finds the
 * var "data"; wellen's rule).  Returns FSTW_ITEM_SCOPE or FSTW_ITEM_VAR with
 * the public id in *id, or FSTW_ITEM_NONE. */
enum { FSTW_ITEM_NONE = 0, FSTW_ITEM_SCOPE = 1, FSTW_ITEM_VAR = 2 };
FSTW_API int fstw_lookup_item(const fstw_file *f, uint32_t scope, const char *path, size_t len,
                              uint32_t *id);

/* The items (scopes and vars) directly in `scope` (FSTW_NONE: the top level)
 * in declaration order, as wellen's items() lists them (pywellen 0.25 names
 * them in its KeyError message): item i is a scope when kind[i] ==
 * FSTW_ITEM_SCOPE, a var otherwise, with public id ids[i].  Fills at most
 * `cap` entries and returns the number of items. */
FSTW_API size_t fstw_scope_items(const fstw_file *f, uint32_t scope, uint8_t *kind, uint32_t *ids,
                                 size_t cap);

/* Enum tables (FST enum-table attributes), in file order.  For table id:
 * *name, *n pairs; fstw_enum_pair gives pair i as (value, literal), raw. */
FSTW_API uint32_t fstw_enum_count(const fstw_file *f);
FSTW_API int fstw_enum_get(const fstw_file *f, uint32_t id, fstw_str *name, uint32_t *n);
FSTW_API int fstw_enum_pair(const fstw_file *f, uint32_t id, uint32_t i, fstw_str *value, fstw_str *literal);

/* ------------------------------------------------------------------ body */

/* Reads the body if not read yet: every value-change block's header and
 * time table.  Thread-safe; cheap once loaded.  Errors: FSTW_ERR_FORMAT,
 * FSTW_ERR_IO, FSTW_ERR_NOMEM. */
FSTW_API int fstw_load_body(fstw_file *f, fstw_error *err);
/* fstw_load_body with progress and cancel (see fstw_progress; progress may be
 * NULL); FSTW_ERR_CANCELED leaves the body unloaded.  total is the sum of the
 * lengths of every value-change block (0 when the body is loaded), reported
 * after each block whose time table is read.  When another thread is loading
 * the body, waits for it (reporting done unchanged and checking cancel about
 * every 10 ms), and reads it itself when that load fails or is cancelled. */
FSTW_API int fstw_load_body_ex(fstw_file *f, const fstw_progress *progress, fstw_error *err);
FSTW_API int fstw_body_loaded(const fstw_file *f);

/* The time table (times in timescale units, one per time step, block
 * boundary duplicates kept as pywellen keeps them).  NULL with *n = 0 when
 * the body is not loaded.  Owned by f. */
FSTW_API const uint64_t *fstw_time_table(const fstw_file *f, size_t *n);

/* Index of the last time-table entry with time <= t, or -1 when t is before
 * the first entry (or the table is empty / not loaded). */
FSTW_API int64_t fstw_time_index_at(const fstw_file *f, uint64_t t);

/* --------------------------------------------------------------- signals */

/* Loads the given signals (signal refs, each < fstw_signal_count) in one pass
 * over the value-change blocks; loads the body first if needed.  out[i]
 * receives the signal of refs[i] (repeated refs give separate handles).
 * A load also indexes each block's chain table (FST format: per-signal
 * chain offsets) as far as the highest signal it wants, once per file (a later
 * load of a higher signal extends the index); loads of a few signals then
 * read only small windows of those tables and their own chains (reads at
 * offsets), so each costs about one read per block instead of a pass over
 * the file (libfst and pywellen decode every chain table on every load).
 * multi_threaded allows worker threads: when the estimated work is large
 * (about 512 KB of chains; FSTWAVE_PARALLEL_MIN_BYTES in the environment
 * overrides it), the work is split between up to one thread per CPU: by
 * signal for batches of many signals, by block (the parts then joined) for a
 * few long ones; the result is identical to a single-threaded load.
 * Thread-safe: several threads may load from one f at once.  On error
 * nothing is returned (all partial results freed): FSTW_ERR_ARG (a ref out
 * of range), FSTW_ERR_FORMAT (malformed block, naming its offset),
 * FSTW_ERR_IO, FSTW_ERR_NOMEM.  Each out[i] comes with one holder, dropped
 * with fstw_signal_free; signals may outlive f. */
FSTW_API int fstw_load_signals(fstw_file *f, const uint32_t *refs, size_t n, fstw_signal **out,
                      int multi_threaded, fstw_error *err);

/* fstw_load_signals with progress and cancel (see fstw_progress; progress
 * may be NULL).  total = (the body's bytes as fstw_load_body_ex counts them,
 * when the body is not loaded when the call starts) + the lengths of the
 * blocks the load decodes (each block once, however the work is split; none
 * when n is 0); the body's blocks are reported first, then the load's.  On
 * FSTW_ERR_CANCELED nothing is returned, as on any error; the body, when
 * the load read it completely before the cancel, stays loaded. */
FSTW_API int fstw_load_signals_ex(fstw_file *f, const uint32_t *refs, size_t n, fstw_signal **out,
                         int multi_threaded, const fstw_progress *progress, fstw_error *err);

/* Drops one holder of s (NULL is ignored); the last holder's call frees it.
 * A loaded signal starts with one holder (the caller of fstw_load_signals);
 * fstw_signal_hold and fstw_cache_put / fstw_cache_get add holders.  Safe
 * from any thread (the count is atomic). */
FSTW_API void fstw_signal_free(fstw_signal *s);
/* Adds one holder to s (each is dropped by one fstw_signal_free); returns s.
 * A held signal stays valid after fstw_close of its file. */
FSTW_API fstw_signal *fstw_signal_hold(fstw_signal *s);
/* The heap bytes s holds (its change times, values and string offsets plus
 * the handle; not the time table, which the file and its signals share):
 * what the signal cache's budget counts. */
FSTW_API size_t fstw_signal_bytes(const fstw_signal *s);

/* Process-wide counters of loaded signals (every fstw_signal not yet freed,
 * from every file): how many and their fstw_signal_bytes.  For tests and
 * memory reports ("the addon's own counters"); read atomically. */
typedef struct fstw_memory_stats {
    uint64_t signals;
    uint64_t signal_bytes;
} fstw_memory_stats;
FSTW_API void fstw_memory_stats_get(fstw_memory_stats *out);

/* ---------------------------------------------------------- signal cache
 *
 * The signal cache (deviation D10 in docs/api.md, section 3.5 there): the
 * most recently loaded signals, kept up to a budget of bytes
 * (fstw_signal_bytes) even when nobody else holds them, so that loading a
 * signal again is free.  The other half of that rule (a signal stays cached while
 * the program holds it, as the same object) is the bindings': they keep weak
 * references to their Signal objects and look here only when none is alive.
 * One cache per open file, made by the binding.  Not thread-safe: a binding
 * calls it from one thread at a time (under the GIL, on Node's main thread);
 * the signals it holds may be read from any thread. */
typedef struct fstw_cache fstw_cache;

/* The budget bindings use when the user gives none, in bytes.  Chosen by
 * measurement (bench/RESULTS.md): with it, peak memory stays at or below
 * pywellen 0.20.5's on every benchmark operation. */
#define FSTW_CACHE_DEFAULT_BYTES ((size_t)8 << 20)

/* A new, empty cache that keeps up to budget bytes (0: keeps nothing);
 * NULL when out of memory. */
FSTW_API fstw_cache *fstw_cache_new(size_t budget);
/* Drops every signal the cache holds and frees it (NULL is ignored). */
FSTW_API void fstw_cache_free(fstw_cache *c);
/* The cached signal of ref, with one holder added for the caller (drop it
 * with fstw_signal_free), and made the most recent; NULL when not cached. */
FSTW_API fstw_signal *fstw_cache_get(fstw_cache *c, uint32_t ref);
/* Offers a freshly loaded signal, or one the program asked for again while
 * it held it (a binding's live Signal: a request makes a signal recent, as
 * a load does: D10 in docs/api.md): the cache adds its own holder and keeps
 * s as the most recent (replacing an entry of the same ref), then drops the least recent
 * signals until its bytes fit the budget (s too, when s alone is larger).
 * The caller keeps its own holder.  Returns 0, or FSTW_ERR_NOMEM (then
 * nothing is kept; s is unchanged). */
FSTW_API int fstw_cache_put(fstw_cache *c, fstw_signal *s);
/* Drops the entry of ref at once (unload_signals); returns 1 when there was
 * one, else 0. */
FSTW_API int fstw_cache_drop(fstw_cache *c, uint32_t ref);
/* Drops every entry (close, or a budget of 0). */
FSTW_API void fstw_cache_clear(fstw_cache *c);
/* Changes the budget, dropping the least recent entries that no longer fit. */
FSTW_API void fstw_cache_set_budget(fstw_cache *c, size_t budget);
/* What the cache holds now: entries, their bytes, and the budget. */
typedef struct fstw_cache_stats {
    size_t signals;
    size_t bytes;
    size_t budget;
} fstw_cache_stats;
FSTW_API void fstw_cache_stats_get(const fstw_cache *c, fstw_cache_stats *out);

/* The signal ref, encoding and bit width (0 unless FSTW_ENC_BITS). */
FSTW_API uint32_t fstw_signal_ref(const fstw_signal *s);
FSTW_API int fstw_signal_encoding(const fstw_signal *s);
FSTW_API uint32_t fstw_signal_bitwidth(const fstw_signal *s);

/* Number of stored changes (after pywellen's de-duplication). */
FSTW_API size_t fstw_signal_len(const fstw_signal *s);

/* Time-table index and time of change i (i < fstw_signal_len). */
FSTW_API uint32_t fstw_signal_time_index(const fstw_signal *s, size_t i);
FSTW_API uint64_t fstw_signal_time(const fstw_signal *s, size_t i);

/* Value kinds handed out by fstw_signal_value. */
typedef enum fstw_value_kind {
    FSTW_VAL_BITS2 = 0,  /* only 0/1: data = big-endian packed bytes, ceil(bits/8) of
                            them, unused high bits of data[0] zero */
    FSTW_VAL_LOGIC = 1,  /* other states: data = `bits` ASCII chars, MSB first,
                            lowercase 0 1 x z h u w l - */
    FSTW_VAL_REAL = 2,   /* real: in .real */
    FSTW_VAL_STRING = 3, /* string: data/len raw bytes (decode as Latin-1) */
    FSTW_VAL_EVENT = 4   /* event: no data */
} fstw_value_kind;

typedef struct fstw_value {
    int kind;             /* fstw_value_kind */
    uint32_t bits;        /* width for BITS2/LOGIC */
    const uint8_t *data;  /* see kinds; points into s or into scratch */
    size_t len;           /* bytes at data */
    double real;          /* for FSTW_VAL_REAL */
} fstw_value;

/* Bytes of scratch space fstw_signal_value may need for this signal. */
FSTW_API size_t fstw_signal_scratch_size(const fstw_signal *s);

/* Value of change i.  scratch must hold fstw_signal_scratch_size(s) bytes
 * (it may be used to pack a 2-state value); it may be NULL when that size is
 * 0.  Returns FSTW_OK or FSTW_ERR_ARG (i out of range / scratch missing). */
FSTW_API int fstw_signal_value(const fstw_signal *s, size_t i, fstw_value *out, uint8_t *scratch,
                      size_t scratch_len);

/* Index of the last change whose time-table index is <= time_idx (the
 * settled value of that step, deviation D2 in docs/api.md), or -1 when
 * there is none. */
FSTW_API int64_t fstw_signal_find(const fstw_signal *s, uint64_t time_idx);

/* The contract's query_signal(t): the change in effect at time t and the
 * first change after t. */
typedef struct fstw_query {
    int64_t change;      /* change index in effect at t, -1 before the first change */
    int64_t next_change; /* index of the first change with time > t, -1 when none */
} fstw_query;
FSTW_API void fstw_signal_query(const fstw_signal *s, uint64_t t, fstw_query *out);

/* pywellen's all_changes_after(t): the index of the first change whose time
 * is >= t (t in timescale units; change times never decrease), or
 * fstw_signal_len(s) when there is none. */
FSTW_API size_t fstw_signal_lower_bound(const fstw_signal *s, uint64_t t);

/* pywellen's value_at_time(t): the change in force at time t, found as
 * pywellen does: the last time-table step at or before t (fstw_time_index_at),
 * then the last change at or before that step (fstw_signal_find; the settled
 * value of a step, deviation D2 in docs/api.md).  -1 when t is before the
 * first step or before the signal's first change. */
FSTW_API int64_t fstw_signal_at_time(const fstw_signal *s, uint64_t t);

/* ------------------------------------------------- what viewers need
 * (contract section 6): windows of changes as arrays, display summaries,
 * cursor values.  All of them are O(log changes) per answer, never a walk
 * over a signal's changes outside the window asked for. */

/* The window of changes (t0, t1] of a signal, as change indices [first, end):
 * the change in force at t0 (the last change whose time is <= t0), when
 * there is one, then every change with t0 < time <= t1.  has_initial says
 * whether change `first` is that change in force at t0 (0: the signal had no
 * value yet at t0, and every change of the window is after t0).  An empty
 * window has first == end. */
typedef struct fstw_window {
    size_t first;
    size_t end;
    int has_initial;
} fstw_window;
/* Fills *out for the window (t0, t1], times in timescale units.  FSTW_OK, or
 * FSTW_ERR_ARG when t1 < t0. */
FSTW_API int fstw_signal_window(const fstw_signal *s, uint64_t t0, uint64_t t1, fstw_window *out);

/* How a signal's values are laid out as a bulk array (contract section 6). */
typedef enum fstw_array_kind {
    FSTW_ARR_NONE = 0,    /* events: no values, only times */
    FSTW_ARR_U64 = 1,     /* bit vectors of 1..64 bits whose every change is 0/1 only:
                             one uint64 per change (bit 0 = the var's LSB) */
    FSTW_ARR_F64 = 2,     /* reals: one IEEE double per change */
    FSTW_ARR_ROWS = 3,    /* other bit vectors (wider than 64 bits, or with x, z or
                             other states in any change): one row of `bitwidth`
                             ASCII bytes per change, MSB first, as fstw_value's
                             FSTW_VAL_LOGIC ('0' '1' 'x' 'z' 'h' 'u' 'w' 'l' '-') */
    FSTW_ARR_STRINGS = 4  /* strings: offsets (count + 1 uint64, the first 0) into
                             the concatenated bytes */
} fstw_array_kind;

/* The signal's fstw_array_kind; the same for every window of it. */
FSTW_API int fstw_signal_array_kind(const fstw_signal *s);
/* Bytes of one value in the array: 8 for U64 and F64, the bit width for
 * ROWS, 0 for NONE and STRINGS. */
FSTW_API size_t fstw_signal_row_bytes(const fstw_signal *s);
/* Bytes the values of changes [first, end) take in the array: (end - first)
 * * fstw_signal_row_bytes, or for strings the sum of their lengths.  0 when
 * the range is not within the signal. */
FSTW_API size_t fstw_signal_values_bytes(const fstw_signal *s, size_t first, size_t end);

/* Copies the times (timescale units) of changes [first, end) to
 * times[0 .. end-first).  FSTW_ERR_ARG when first > end or end > len. */
FSTW_API int fstw_signal_copy_times(const fstw_signal *s, size_t first, size_t end, uint64_t *times);
/* Copies the values of changes [first, end) in the signal's array layout:
 * U64 as uint64_t, F64 as double, ROWS as bytes, all to `values` (which holds
 * fstw_signal_values_bytes bytes; may be NULL for NONE); for STRINGS the bytes
 * go to `values` and end - first + 1 offsets (the first 0) to `offsets`
 * (ignored, may be NULL, for the other kinds).  FSTW_ERR_ARG for a bad
 * range or a missing buffer. */
FSTW_API int fstw_signal_copy_values(const fstw_signal *s, size_t first, size_t end, void *values,
                            uint64_t *offsets);

/* The values of the changes idx[0 .. n) (any order, repeats allowed; -1 for
 * "no value", which gives a zero value: 0, 0.0, a row of NUL bytes, an empty
 * string) in the array layout of fstw_signal_copy_values.  For STRINGS the
 * byte count is fstw_signal_gather_bytes.  FSTW_ERR_ARG for an index out of
 * range or a missing buffer. */
FSTW_API size_t fstw_signal_gather_bytes(const fstw_signal *s, const int64_t *idx, size_t n);
FSTW_API int fstw_signal_gather_values(const fstw_signal *s, const int64_t *idx, size_t n,
                              void *values, uint64_t *offsets);

/* The display summary of the window (t0, t1] in `buckets` equal slices: slice
 * k is (a_k, a_{k+1}] with a_k = t0 + floor((t1 - t0) * k / buckets) (exact,
 * no overflow), so a_0 = t0 and a_buckets = t1.  For each slice k:
 *   bounds[k]   a_k (bounds has buckets + 1 entries, bounds[buckets] = t1);
 *   first[k]    the change in force at a_k (last change with time <= a_k), -1
 *               when none;
 *   counts[k]   the number of changes with a_k < time <= a_{k+1};
 *   last[k]     the change in force at a_{k+1} (= first[k + 1]), -1 when none.
 * Any of the four arrays may be NULL when not wanted.  O(buckets * log
 * changes): one binary search per slice bound, never a walk over the changes.
 * Values of first/last come from fstw_signal_gather_values.  FSTW_ERR_ARG
 * when t1 < t0 or buckets == 0, FSTW_ERR_NOMEM when the (buckets + 1) * 16
 * bytes of working memory cannot be had.  The first summary of a long signal
 * also keeps a sample of its steps (1/32 of their memory), and the time
 * table keeps the time steps of the last summary's slice bounds (buckets + 1
 * of them), so that the other signals of a screen summarised over the same
 * window and slices skip those lookups. */
FSTW_API int fstw_signal_summary(const fstw_signal *s, uint64_t t0, uint64_t t1, uint32_t buckets,
                        uint64_t *bounds, int64_t *first, uint64_t *counts, int64_t *last);

/* Cursor values: for each of signals[0 .. n), the change in force at time t
 * as fstw_signal_at_time gives it (pywellen's value_at_time: the last time
 * step at or before t, then the settled change of that step), -1 when none;
 * the time-table lookup is made once for signals of one file. */
FSTW_API void fstw_signals_at_time(const fstw_signal *const *signals, size_t n, uint64_t t,
                          int64_t *out);

/* --------------------------------------------- streaming (contract section 5)
 *
 * One pass over the value-change blocks in file (time) order, as pywellen
 * 0.25's stream_changes / stream_time_steps and Node's streamChanges make it:
 * memory is bounded by one block (its time table and the included signals'
 * chains, unpacked), never by the file; the body need not be loaded.
 *
 * Changes come in fst-reader's order (wellen's FST streaming, the same as
 * libfst's fstReaderIterBlocks): for each block whose start time is at or
 * before the header's end time, the frame (initial values, in signal-ref
 * order, at the block's start time) when it is the first such block and its
 * time table is empty or starts after its start time; then each time-table
 * step of the block in table order, up to the first step after the header's
 * end time, and within a step the signals in the order of libfst's scatter
 * lists (at the block's first step in descending ref order; a signal whose
 * next change lands on a later step is put in front of that step's list).
 * Every change of the file is reported, also a value equal to the one before
 * and several changes of one signal in one step (unlike loaded signals,
 * which store pywellen's de-duplicated changes).
 *
 * Values follow the signal's var as loaded signals do (fstw_signal_value):
 * events FSTW_VAL_EVENT, strings FSTW_VAL_STRING, reals FSTW_VAL_REAL, bit
 * vectors normalised to the var's width (lowercase states, anything else as
 * x), FSTW_VAL_BITS2 when this value has only 0/1 (each value on its own, as
 * wellen's stream does), FSTW_VAL_LOGIC otherwise.  A change whose kind does
 * not fit its var (a real chain for a bit-vector var) is not reported, as a
 * signal load drops it. */
typedef struct fstw_stream fstw_stream;

typedef struct fstw_change {
    uint64_t time;      /* timescale units */
    uint32_t ref;       /* signal ref */
    uint32_t block;     /* index of the value-change block it comes from */
    int new_step;       /* 1 for the stream's first change and for a change whose
                           time is greater than the previous change's (pywellen
                           0.25 groups stream_time_steps by this) */
    int changed;        /* with track_values: 1 when the value differs from the
                           signal's previous value in the stream (or it has none)
                           or it is an event (wellen's rule for the `changed`
                           list of stream_time_steps); 1 without track_values */
    fstw_value value;   /* valid until the next fstw_stream_next or close */
} fstw_change;

/* Starts a stream over the signals refs[0..n) (any order, repeats ignored),
 * or over every signal when all is nonzero (refs ignored).  track_values
 * keeps each signal's latest value (fstw_stream_value, fstw_change.changed).
 * Errors: FSTW_ERR_ARG (a ref out of range), FSTW_ERR_NOMEM.  Thread-safe
 * against other calls on f; one stream is used by one thread at a time.
 * The stream holds f: close it before fstw_close(f). */
FSTW_API int fstw_stream_open(fstw_file *f, const uint32_t *refs, size_t n, int all,
                              int track_values, fstw_stream **out, fstw_error *err);

/* The next change: 1 with *out filled, 0 at the end of the stream, -1 on an
 * error (err filled: FSTW_ERR_FORMAT naming the block offset and signal,
 * FSTW_ERR_IO, FSTW_ERR_NOMEM; the stream then stays at its end).  Reading a
 * block's chains happens inside the call that reaches the block. */
FSTW_API int fstw_stream_next(fstw_stream *s, fstw_change *out, fstw_error *err);

/* With track_values: the latest value of signal `ref` so far (valid until the
 * next fstw_stream_next); 1, or 0 when it has had none or is not streamed. */
FSTW_API int fstw_stream_value(const fstw_stream *s, uint32_t ref, fstw_value *out);

/* With track_values: the value the signal of the change just reported had
 * before it (valid until the next fstw_stream_next); 1, or 0 when it had none.
 * A step's end is known only when the next step's first change is reported,
 * and that change is then the latest value of its signal: the values of the
 * finished step (pywellen 0.25's SignalValues of stream_time_steps) are
 * fstw_stream_value's, except for that signal, whose is this one. */
FSTW_API int fstw_stream_previous(const fstw_stream *s, fstw_value *out);

/* Bytes of the blocks the stream reads (their lengths in the file), as the
 * progress of fstw_load_body_ex counts them: done so far and total. */
FSTW_API void fstw_stream_progress(const fstw_stream *s, uint64_t *done, uint64_t *total);

/* Frees the stream (s may be NULL). */
FSTW_API void fstw_stream_close(fstw_stream *s);

/* ---------------------------------------- values as people read them
 * (the `show` and `render` commands of both tools use these, so their bytes
 * are the same) */

enum { FSTW_RADIX_BIN = 2, FSTW_RADIX_DEC = 10, FSTW_RADIX_HEX = 16 };

/* Writes value v as a person reads it, like snprintf (at most buflen - 1
 * bytes and a NUL; returns the full length; buf may be NULL when buflen is
 * 0), UTF-8:
 *   bit vectors, FSTW_RADIX_HEX: one digit per 4 bits from the LSB end,
 *     lowercase "0"-"f"; a nibble whose bits are all x gives "x", all z
 *     "z", any other mix with non-0/1 states "X" (GTKWave's rule);
 *   FSTW_RADIX_BIN: the bits MSB first ('0' '1' 'x' 'z' ...);
 *   FSTW_RADIX_DEC: unsigned decimal of any width; "x" when a bit is not
 *     0/1 (all z: "z");
 *   a 1-bit value is its state in every radix;
 *   reals: the shortest decimal that reads back as the same double ("%.17g"
 *     at most; "inf", "-inf", "nan");
 *   strings: the bytes decoded as Latin-1 (as pywellen), written in UTF-8;
 *   events: "event".
 * enum_literal, when not NULL, is written instead of the digits (see
 * fstw_enum_literal) with libfst's escapes undone (\\ \n \t ... \xHH \ooo:
 * writers store literals escaped), as UTF-8 (invalid sequences as U+FFFD).
 * Returns 0 with nothing written only when memory runs out (a decimal wider
 * than 64 bits, a literal longer than 128 bytes). */
FSTW_API size_t fstw_format_value(const fstw_value *v, int radix, const fstw_str *enum_literal,
                         char *buf, size_t buflen);

/* The literal that var `var`'s enum table (FST enum-table attribute) gives
 * value v: the first pair whose value string equals v's bits MSB first (the
 * shorter of the two padded with '0' on the left: writers pad the strings to
 * the table's min_valbits, not always to the var's width).  The literal is raw
 * (as fstw_enum_pair gives it).  1 with *literal set, 0 when var is FSTW_NONE,
 * has no enum table, v is not a bit vector or its value is not in the table. */
FSTW_API int fstw_enum_literal(const fstw_file *f, uint32_t var, const fstw_value *v, fstw_str *literal);

/* ----------------------------------------------- a waveform picture */

/* One row of fstw_render_svg: a loaded signal, the label drawn for it (UTF-8,
 * NUL-terminated; usually the var's full name) and the var (for its enum
 * table; FSTW_NONE for none). */
typedef struct fstw_render_row {
    const fstw_signal *signal;
    const char *label;
    uint32_t var;
} fstw_render_row;

typedef struct fstw_render_options {
    uint64_t t0, t1;  /* the window (t0, t1], timescale units; t1 > t0 */
    uint32_t width;   /* pixels of the wave area (one summary slice per pixel); 16..65536 */
    int radix;        /* FSTW_RADIX_* for bus values */
} fstw_render_options;

/* Draws the rows as a waveform viewer does, as an SVG 1.1 document (UTF-8):
 * a label column, a time axis with ticks in the file's unit, 1-bit signals as
 * lines (high/low, x and z shaded), buses as value boxes with their value
 * where it fits, slices with more than one change marked as dense, all from
 * fstw_signal_summary with one slice per pixel.  Deterministic: the same
 * input gives the same bytes.  *out is a new NUL-terminated buffer of *len
 * bytes, freed with fstw_free.  f gives the timescale and enum tables.
 * Errors: FSTW_ERR_ARG (t1 <= t0, width out of range, no rows),
 * FSTW_ERR_NOMEM. */
FSTW_API int fstw_render_svg(const fstw_file *f, const fstw_render_row *rows, size_t n,
                    const fstw_render_options *opts, char **out, size_t *len, fstw_error *err);

/* The text of the `show` command of both tools (docs/tools.md) for the rows
 * (their labels and vars as for fstw_render_svg) in the window (t0, t1] of
 * fstw_signal_window, values in radix (FSTW_RADIX_*).  UTF-8 lines ending in
 * "\n":
 *   "window (T0, T1], times in UNIT, radix R"   once: T0, T1 decimal timescale
 *        units, UNIT the timescale ("10 ps": factor, space, unit name;
 *        "timescale units" when the file has none), R "bin", "dec" or "hex";
 *   then per row an empty line, the label, and one line per change of the
 *   window: "TIME\tVALUE", TIME the change's time (decimal, timescale units),
 *   VALUE as fstw_format_value writes it (the enum literal when the var's enum
 *   table has the value); the change in force at t0 comes first, as
 *   "TIME\tVALUE\t(in force at T0)"; a row whose window is empty has the one
 *   line "(no value in the window)".
 * Labels and values are lossy UTF-8 with control characters written as
 * \u{HEX} (so a value never breaks a line).  *out is a new NUL-terminated
 * buffer of *len bytes, freed with fstw_free.  Errors: FSTW_ERR_ARG (t1 < t0,
 * an unknown radix, a NULL signal or label), FSTW_ERR_NOMEM. */
FSTW_API int fstw_show_text(const fstw_file *f, const fstw_render_row *rows, size_t n, uint64_t t0,
                            uint64_t t1, int radix, char **out, size_t *len, fstw_error *err);

/* Frees memory the core handed out (the documents of fstw_render_svg and
 * fstw_show_text). */
FSTW_API void fstw_free(void *p);

#ifdef __cplusplus
}
#endif
#endif /* FSTWAVE_H */
