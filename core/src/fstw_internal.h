/* fstw_internal.h - structures shared by the core's source files (not public). */
#ifndef FSTW_INTERNAL_H
#define FSTW_INTERNAL_H

#include "fstwave.h"
#include <pthread.h>
#include <stdarg.h>

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
int fstw_fail(fstw_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int fstw_fail_errno(fstw_error *err, int sys_errno, const char *what, const char *path);

/* ---- fstw_buf.c: growable arrays and byte cursors */
typedef struct fstw_buf {
    uint8_t *data;
    size_t len, cap;
} fstw_buf;
int fstw_buf_reserve(fstw_buf *b, size_t extra);
int fstw_buf_append(fstw_buf *b, const void *p, size_t n);
void fstw_buf_free(fstw_buf *b);

/* A bounded reader over bytes in memory. All reads fail (return -1) instead
 * of running past `end`. */
typedef struct fstw_cursor {
    const uint8_t *p, *end;
} fstw_cursor;
int fstw_cur_u8(fstw_cursor *c, uint8_t *v);
int fstw_cur_varint(fstw_cursor *c, uint64_t *v);       /* LEB128, at most 10 bytes */
int fstw_cur_svarint(fstw_cursor *c, int64_t *v);       /* signed LEB128 */
int fstw_cur_cstr(fstw_cursor *c, const char **s, uint32_t *len); /* up to a NUL */
uint64_t fstw_be64(const uint8_t *p);

/* ---- fstw_source.c: where bytes come from (a descriptor read with pread, or
 * memory holding an unpacked whole-file gzip wrapper) */
typedef struct fstw_source {
    int fd;            /* -1 when reading from memory */
    uint8_t *mem;      /* owned when fd < 0 */
    uint64_t size;
} fstw_source;
/* Reads exactly len bytes at off; FSTW_ERR_FORMAT when the file is shorter,
 * FSTW_ERR_IO on OS errors. `what` names the structure for the message. */
int fstw_source_read(const fstw_source *s, uint64_t off, void *buf, size_t len,
                     const char *what, fstw_error *err);

/* ---- fstw_decompress.c */
/* zlib stream (RFC 1950) of exactly in_len bytes into exactly out_len bytes. */
int fstw_inflate_zlib(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);
/* gzip member (RFC 1952) into exactly out_len bytes. */
int fstw_inflate_gzip(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);
int fstw_unlz4(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);
int fstw_unfastlz(const uint8_t *in, size_t in_len, uint8_t *out, size_t out_len);

/* ---- hierarchy (fstw_hier.c) */
typedef struct fstw_scope_rec {
    uint32_t name_off, name_len, comp_off, comp_len;
    uint32_t parent;          /* internal id; 0 is the invisible root */
    uint8_t type;
    uint32_t first_child, last_child; /* tagged child refs, see fstw_hier.c */
    uint32_t next;            /* next sibling (tagged) */
    uint32_t *scopes, n_scopes;  /* filled by finish: public ids */
    uint32_t *vars, n_vars;
} fstw_scope_rec;

typedef struct fstw_var_rec {
    uint32_t name_off, name_len;
    uint32_t parent;          /* internal scope id; 0 = top level */
    uint32_t next;            /* next sibling (tagged) */
    uint8_t var_type, direction, encoding, has_index;
    uint32_t bitwidth;
    uint32_t signal_ref;
    int64_t msb, lsb;
    uint32_t enum_id;
    uint32_t vhdl_off, vhdl_len; /* vhdl_len == UINT32_MAX: none */
} fstw_var_rec;

typedef struct fstw_enum_rec {
    uint32_t name_off, name_len;
    uint32_t first_pair, n_pairs;   /* into pair arrays */
} fstw_enum_rec;

typedef struct fstw_hier {
    fstw_buf strings;          /* string arena */
    fstw_scope_rec *scopes;    /* [0] is the root */
    uint32_t n_scopes, cap_scopes;
    fstw_var_rec *vars;
    uint32_t n_vars, cap_vars;
    fstw_enum_rec *enums;
    uint32_t n_enums, cap_enums;
    uint32_t *pair_offs;       /* 4 per pair: value off/len, literal off/len */
    uint32_t n_pairs, cap_pairs;
    uint32_t *unique_vars, n_unique;
    uint32_t *handle_to_var, n_handles; /* by signal ref; FSTW_NONE when none */
    uint32_t cap_handles;      /* allocated entries of handle_to_var (>= n_handles) */
    uint32_t *all_child_ids;   /* storage behind scope_rec.scopes/vars */
} fstw_hier;

/* Parses the uncompressed hierarchy bytes into h. */
int fstw_hier_parse(fstw_hier *h, const uint8_t *data, size_t len,
                    int remove_empty_scopes, fstw_error *err);
void fstw_hier_free(fstw_hier *h);

/* wellen's parse_name: see fstw_names.c */
typedef struct fstw_parsed_name {
    const uint8_t *name; size_t name_len;       /* the var's own name */
    int has_index; int64_t msb, lsb;
    /* array scopes made from the name, outermost first */
    const uint8_t *scope_ptr[32]; size_t scope_len[32]; int n_scopes;
    uint8_t *owned;                              /* heap copy when > 32 scopes */
} fstw_parsed_name;
int fstw_parse_name(const uint8_t *raw, size_t len, uint32_t declared_len, fstw_parsed_name *out);

/* ---- value-change blocks (fstw_body.c) */
typedef struct fstw_vc_block {
    uint8_t type;
    uint64_t offset;      /* of the block's length field (type byte + 1) */
    uint64_t length;      /* section length including the length field */
    uint64_t start_time, end_time;
    int incomplete;       /* a block still being written: frame only */
    uint64_t frame_off;   /* absolute offset of the frame's varints */
    uint64_t tt_base;     /* global time-table index of this block's first entry */
    uint64_t tt_count;    /* entries of its own time table */
    uint64_t tt_shift;    /* 1 when the block start time was put in front (first block) */
} fstw_vc_block;

struct fstw_file {
    fstw_source src;
    fstw_header header;
    char version[129], date[120];
    int multi_threaded;
    int float_big_endian;   /* doubles stored big-endian */
    /* geometry: per signal ref, FST length: 0 = real, UINT32_MAX = variable length */
    uint32_t *geom;
    uint32_t n_geom;
    fstw_hier hier;
    fstw_vc_block *blocks;
    size_t n_blocks;
    /* body */
    pthread_mutex_t lock;
    int body_loaded;
    uint64_t *time_table;
    size_t n_time;
    uint32_t *canon_index;   /* first index with the same time, per index */
};

int fstw_body_read(fstw_file *f, fstw_error *err);

/* Reads a value-change block's time table (len entries) into out, from its
 * trailer. */
int fstw_block_time_table(const fstw_file *f, const fstw_vc_block *b, uint64_t *out,
                          uint64_t count, fstw_error *err);

/* ---- fstw_signal.c */
struct fstw_signal {
    uint32_t ref;
    uint8_t encoding;
    uint32_t bits;
    int ascii;              /* bit vectors: 0 = packed 2-state, 1 = one char per bit */
    size_t stride;          /* bytes per change for fixed-size storage */
    size_t n;
    uint32_t *tidx;         /* time-table index per change */
    uint8_t *data;          /* fixed-size values, or string bytes */
    uint64_t *str_off;      /* strings: n+1 offsets into data */
    const uint64_t *tt;     /* the file's time table */
    size_t n_tt;
};

#endif
