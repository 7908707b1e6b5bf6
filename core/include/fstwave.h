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
    XX(FSTW_ERR_ARG,    7, 0,      "ERR_OUT_OF_RANGE", "an argument out of range")

/* Status codes returned by every fallible call:
 *   FSTW_ERR_NOENT  the file does not exist (errno ENOENT, ENOTDIR)
 *   FSTW_ERR_ACCES  permission denied (errno EACCES, EPERM)
 *   FSTW_ERR_ISDIR  the path names a directory
 *   FSTW_ERR_IO     another operating-system error (a failed read)
 *   FSTW_ERR_FORMAT not an FST file, or a malformed one
 *   FSTW_ERR_NOMEM  out of memory
 *   FSTW_ERR_ARG    a bad argument (an id or signal ref out of range, ...) */
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

/* ------------------------------------------------------------ open/close */

typedef struct fstw_file fstw_file;     /* an open FST file */
typedef struct fstw_signal fstw_signal; /* one loaded signal */

/* Options of fstw_open (pywellen's Waveform() arguments plus load_body). */
typedef struct fstw_open_options {
    int multi_threaded;                /* allow worker threads for loads (default 1); the
                                          bindings pass it to fstw_load_signals */
    int remove_scopes_with_empty_name; /* flatten scopes named "" into their parent (default 0) */
    int load_body;                     /* read the time table at open (default 1) */
} fstw_open_options;

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

/* Closes the file and frees everything it owns. Signals loaded from it must
 * be freed before (they point into its time table). NULL is allowed. */
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
 * The first load of a file also indexes every block's chain table (FST
 * format: per-signal chain offsets); later loads of a few signals read only
 * small windows of those tables and their own chains (reads at offsets), so each costs
 * about one read per block instead of a pass over the file (libfst and
 * pywellen decode every chain table on every load).
 * multi_threaded allows worker threads: when the estimated work is large
 * (about 512 KB of chains; FSTWAVE_PARALLEL_MIN_BYTES in the environment
 * overrides it), the work is split between up to one thread per CPU: by
 * signal for batches of many signals, by block (the parts then joined) for a
 * few long ones; the result is identical to a single-threaded load.
 * Thread-safe: several threads may load from one f at once.  On error
 * nothing is returned (all partial results freed): FSTW_ERR_ARG (a ref out
 * of range), FSTW_ERR_FORMAT (malformed block, naming its offset),
 * FSTW_ERR_IO, FSTW_ERR_NOMEM.  Each out[i] is freed with fstw_signal_free
 * and must not outlive f. */
FSTW_API int fstw_load_signals(fstw_file *f, const uint32_t *refs, size_t n, fstw_signal **out,
                      int multi_threaded, fstw_error *err);

FSTW_API void fstw_signal_free(fstw_signal *s);

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

#ifdef __cplusplus
}
#endif
#endif /* FSTWAVE_H */
