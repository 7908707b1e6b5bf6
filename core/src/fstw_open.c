/* fstw_open.c - opening an FST file: the whole-file gzip wrapper, the block
 * walk, the header, geometry and hierarchy blocks (or the hierarchy side
 * file of an unfinished file); closing.  What the hierarchy answers once
 * read is in fstw_hier_read.c and fstw_full_names.c. */
#include "fstw_internal.h"
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_LEN 329

void fstw_open_options_init(fstw_open_options *opts)
{
    opts->multi_threaded = 1;
    opts->remove_scopes_with_empty_name = 0;
    opts->load_body = 1;
    opts->progress = NULL;
    opts->hierarchy_rules = FSTW_HIERARCHY_PYWELLEN_020;
}

/* A text file starting with '$' (after white space) is a VCD; "GHDLwave" a GHW. */
static int other_format_error(const uint8_t *p, size_t n, fstw_error *err)
{
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) i++;
    if (i < n && p[i] == '$')
        return fstwi_fail(err, FSTW_ERR_FORMAT,
                         "this is a VCD file, not an FST file: fstwave reads only FST");
    if (n >= 8 && memcmp(p, "GHDLwave", 8) == 0)
        return fstwi_fail(err, FSTW_ERR_FORMAT,
                         "this is a GHW file, not an FST file: fstwave reads only FST");
    return fstwi_fail(err, FSTW_ERR_FORMAT,
                     "not an FST file: the first block has type %u (expected 0, the header, or "
                     "254, a gzip wrapper)", p[0]);
}

/* Unpacks a whole-file gzip wrapper (block 254: u64 length, u64 unpacked
 * size, a gzip member) into memory; the source then reads from there. */
static int unwrap_gzip(fstw_file *f, fstw_error *err)
{
    uint8_t hdr[17];
    int rc = fstwi_source_read(&f->src, 0, hdr, sizeof hdr, "gzip wrapper header", err);
    if (rc) return rc;
    uint64_t section_len = fstwi_be64(hdr + 1), unpacked = fstwi_be64(hdr + 9);
    if (section_len == 0)
        return fstwi_fail(err, FSTW_ERR_FORMAT,
                         "the FST file is still being packed into its gzip wrapper");
    uint64_t packed = f->src.size - 17;
    if (unpacked == 0 || unpacked / 1100 > packed + 1024)
        return fstwi_fail(err, FSTW_ERR_FORMAT,
                         "gzip wrapper: implausible unpacked size %llu for %llu packed bytes",
                         (unsigned long long)unpacked, (unsigned long long)packed);
    uint8_t *in = malloc(packed ? packed : 1), *out = malloc(unpacked);
    if (!in || !out) {
        free(in);
        free(out);
        return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory unpacking the gzip wrapper (%llu bytes)",
                         (unsigned long long)unpacked);
    }
    rc = fstwi_source_read(&f->src, 17, in, packed, "gzip wrapper", err);
    if (!rc && fstwi_inflate_gzip(in, packed, out, unpacked))
        rc = fstwi_fail(err, FSTW_ERR_FORMAT, "gzip wrapper: the packed data is corrupt or truncated");
    free(in);
    if (rc) { free(out); return rc; }
    fstwi_source_use_memory(&f->src, out, unpacked);
    return FSTW_OK;
}

static void copy_trimmed(char *dst, const uint8_t *src, size_t max)
{
    size_t n = 0;
    while (n < max && src[n]) n++;
    if (n == max) n = max - 1; /* no NUL: fst-reader keeps max-1 bytes */
    size_t a = 0, b = n;
    while (a < b && (src[a] == ' ' || (src[a] >= '\t' && src[a] <= '\r'))) a++;
    while (b > a && (src[b - 1] == ' ' || (src[b - 1] >= '\t' && src[b - 1] <= '\r'))) b--;
    memcpy(dst, src + a, b - a);
    dst[b - a] = 0;
}

static int read_header(fstw_file *f, uint64_t off, fstw_error *err)
{
    uint8_t h[HEADER_LEN];
    int rc = fstwi_source_read(&f->src, off, h, sizeof h, "header block", err);
    if (rc) return rc;
    if (fstwi_be64(h) != HEADER_LEN)
        return fstwi_fail_at(err, FSTW_ERR_FORMAT, off, "header block at offset %llu has length %llu, expected 329",
                         (unsigned long long)off, (unsigned long long)fstwi_be64(h));
    f->header.start_time = fstwi_be64(h + 8);
    f->header.end_time = fstwi_be64(h + 16);
    /* the double e tells the byte order of reals */
    double e_le, e_be;
    uint8_t be[8];
    for (int i = 0; i < 8; i++) be[i] = h[24 + 7 - i];
    memcpy(&e_le, h + 24, 8);
    memcpy(&e_be, be, 8);
    const double E = 2.7182818284590452354;
    f->float_big_endian = (e_le != E && e_be == E);
    f->header.scope_count = fstwi_be64(h + 40);
    f->header.var_count = fstwi_be64(h + 48);
    f->header.max_handle = fstwi_be64(h + 56);
    f->header.vc_section_count = fstwi_be64(h + 64);
    f->header.timescale_exponent = (int8_t)h[72];
    copy_trimmed(f->version, h + 73, 128);
    copy_trimmed(f->date, h + 201, 119);
    f->header.file_type = h[320];
    f->header.version = f->version;
    f->header.date = f->date;
    return FSTW_OK;
}

static int read_geometry(fstw_file *f, uint64_t off, uint64_t len, fstw_error *err)
{
    if (len < 24) return fstwi_fail_at(err, FSTW_ERR_FORMAT, off, "geometry block at offset %llu is too short", (unsigned long long)off);
    uint8_t h[24];
    int rc = fstwi_source_read(&f->src, off, h, 24, "geometry block", err);
    if (rc) return rc;
    uint64_t unpacked = fstwi_be64(h + 8), count = fstwi_be64(h + 16), packed = len - 24;
    if (count > unpacked || unpacked / 1100 > packed + 1024 || count > UINT32_MAX)
        return fstwi_fail_at(err, FSTW_ERR_FORMAT, off, "geometry block at offset %llu: implausible sizes", (unsigned long long)off);
    uint8_t *in = malloc(packed ? packed : 1), *out = malloc(unpacked ? unpacked : 1);
    f->geom = malloc((count ? count : 1) * sizeof *f->geom);
    if (!in || !out || !f->geom) { free(in); free(out); return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory reading the geometry"); }
    rc = fstwi_source_read(&f->src, off + 24, in, packed, "geometry block", err);
    if (!rc) {
        if (packed == unpacked) memcpy(out, in, packed);
        else if (fstwi_inflate_zlib(in, packed, out, unpacked))
            rc = fstwi_fail_at(err, FSTW_ERR_FORMAT, off, "geometry block at offset %llu: corrupt zlib data", (unsigned long long)off);
    }
    if (!rc) {
        fstwi_cursor c = { out, out + unpacked };
        for (uint64_t i = 0; i < count; i++) {
            uint64_t v;
            if (fstwi_cur_varint(&c, &v)) {
                rc = fstwi_fail(err, FSTW_ERR_FORMAT, "geometry block: truncated at signal %llu", (unsigned long long)i);
                break;
            }
            if (v != 0 && v != UINT32_MAX && v > FSTW_MAX_BITS) {
                rc = fstwi_fail(err, FSTW_ERR_FORMAT, "geometry block: signal %llu has length %llu (at most %u)",
                               (unsigned long long)i, (unsigned long long)v, FSTW_MAX_BITS);
                break;
            }
            f->geom[i] = (uint32_t)v;
        }
        f->n_geom = (uint32_t)count;
    }
    free(in);
    free(out);
    return rc;
}

/* The header's counts as sizes for the hierarchy's arrays. */
static fstwi_hier_hints hints_of(const fstw_file *f)
{
    fstwi_hier_hints h = { f->header.scope_count, f->header.var_count, f->header.max_handle };
    return h;
}

static int read_hierarchy(fstw_file *f, uint8_t type, uint64_t off, uint64_t len,
                          int hier_flags, fstw_error *err)
{
    if (len < 16) return fstwi_fail_at(err, FSTW_ERR_FORMAT, off, "hierarchy block at offset %llu is too short", (unsigned long long)off);
    uint8_t h[16];
    int rc = fstwi_source_read(&f->src, off, h, 16, "hierarchy block", err);
    if (rc) return rc;
    uint64_t unpacked = fstwi_be64(h + 8), packed = len - 16;
    if (unpacked / 1100 > packed + 1024 || unpacked > ((uint64_t)1 << 40))
        return fstwi_fail_at(err, FSTW_ERR_FORMAT, off, "hierarchy block at offset %llu: implausible size %llu", (unsigned long long)off, (unsigned long long)unpacked);
    uint8_t *in = malloc(packed ? packed : 1), *out = malloc(unpacked ? unpacked : 1), *mid = NULL;
    if (!in || !out) { free(in); free(out); return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory reading the hierarchy"); }
    rc = fstwi_source_read(&f->src, off + 16, in, packed, "hierarchy block", err);
    if (!rc) {
        int bad = 0;
        if (type == FSTW_BL_HIER) {
            bad = fstwi_inflate_gzip(in, packed, out, unpacked);
        } else if (type == FSTW_BL_HIER_LZ4) {
            bad = fstwi_unlz4(in, packed, out, unpacked);
        } else { /* LZ4 twice: varint size of the first stage, then LZ4 of LZ4 */
            fstwi_cursor c = { in, in + packed };
            uint64_t mid_len;
            if (fstwi_cur_varint(&c, &mid_len) || mid_len / 300 > packed + 1024) bad = 1;
            else if (!(mid = malloc(mid_len ? mid_len : 1))) bad = 2;
            else bad = fstwi_unlz4(c.p, (size_t)(c.end - c.p), mid, mid_len) ||
                       fstwi_unlz4(mid, mid_len, out, unpacked);
        }
        if (bad == 2) rc = fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory reading the hierarchy");
        else if (bad) rc = fstwi_fail_at(err, FSTW_ERR_FORMAT, off, "hierarchy block at offset %llu: corrupt compressed data", (unsigned long long)off);
    }
    free(in);
    free(mid);
    if (rc) {
        free(out);
        return rc;
    }
    fstwi_hier_hints hints = hints_of(f);
    return fstwi_hier_parse(&f->hier, out, unpacked, &hints, hier_flags, err);
}

static int add_block(fstw_file *f, const fstwi_vc_block *b, size_t *cap)
{
    if (f->n_blocks == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        fstwi_vc_block *p = realloc(f->blocks, c * sizeof *p);
        if (!p) return -1;
        f->blocks = p;
        *cap = c;
    }
    f->blocks[f->n_blocks++] = *b;
    return 0;
}

/* True when well-formed non-value-change blocks tile [pos, size) exactly.
 * A failed read (an I/O error: the reads are inside the file) sets *rc. */
static int tail_is_blocks(const fstw_file *f, uint64_t pos, int *rc, fstw_error *err)
{
    int seen = 0;
    while (pos < f->src.size) {
        uint8_t h[9];
        if (f->src.size - pos < 9) return 0;
        if ((*rc = fstwi_source_read(&f->src, pos, h, 9, "block", err))) return 0;
        uint64_t len = fstwi_be64(h + 1);
        if ((h[0] != FSTW_BL_BLACKOUT && h[0] != FSTW_BL_GEOM && h[0] != FSTW_BL_HIER &&
             h[0] != FSTW_BL_HIER_LZ4 && h[0] != FSTW_BL_HIER_LZ4DUO) ||
            len < 8 || len > f->src.size - pos - 1)
            return 0;
        pos += 1 + len;
        seen = 1;
    }
    return seen;
}

/* A block of type 255 with length 0 at pos is a value-change block that was
 * still being written when the writer stopped (sigrok does this and then
 * appends geometry and hierarchy).  When its frame is complete and only
 * well-formed blocks follow, keep it as a frame-only block; returns the
 * offset after the frame, or 0 (with *rc set when a read failed). */
static uint64_t recover_open_block(fstw_file *f, uint64_t pos, size_t *cap, int *rc, fstw_error *err)
{
    *rc = FSTW_OK; /* set on a failed read: an I/O error, not a malformed block */
    uint8_t buf[24 + 30];
    if (f->src.size - pos < 9 + 24 + 3) return 0;
    uint64_t avail = f->src.size - (pos + 9);
    size_t n = avail < sizeof buf ? (size_t)avail : sizeof buf;
    if ((*rc = fstwi_source_read(&f->src, pos + 9, buf, n, "open block", err))) return 0;
    fstwi_cursor c = { buf + 24, buf + n };
    uint64_t unpacked, packed, maxh;
    if (fstwi_cur_varint(&c, &unpacked) || fstwi_cur_varint(&c, &packed) || fstwi_cur_varint(&c, &maxh))
        return 0;
    uint64_t after = pos + 9 + (uint64_t)(c.p - buf);
    if (packed > f->src.size - after) return 0;
    after += packed;
    if (!tail_is_blocks(f, after, rc, err)) return 0;
    fstwi_vc_block b;
    memset(&b, 0, sizeof b);
    b.type = FSTW_BL_VCDATA_DYN_ALIAS2;
    b.offset = pos + 1;
    b.start_time = fstwi_be64(buf);
    b.end_time = fstwi_be64(buf + 8);
    b.incomplete = 1;
    b.frame_off = pos + 9 + 24;
    if (add_block(f, &b, cap)) return 0;
    return after;
}

/* wellen's side-file name: the path with its extension replaced by
 * ".fst.hier" ("wave.fst" -> "wave.fst.hier", "wave" -> "wave.fst.hier"),
 * where libfst's writer keeps the uncompressed hierarchy while it runs. */
static char *hier_side_path(const char *path)
{
    size_t n = strlen(path);
    const char *base = fstwi_path_base(path);
    const char *dot = strrchr(path, '.');
    size_t stem = (dot && (base == path || dot > base)) ? (size_t)(dot - path) : n;
    char *out = malloc(stem + 10);
    if (!out) return NULL;
    memcpy(out, path, stem);
    memcpy(out + stem, ".fst.hier", 10);
    return out;
}

/* Rebuilds the geometry (per-signal FST length: 0 real, UINT32_MAX
 * variable length) from the hierarchy, as fst-reader does for files whose
 * writer did not finish. */
static int geometry_from_hierarchy(fstw_file *f, fstw_error *err)
{
    uint32_t n = 0;
    for (uint32_t v = 0; v < f->hier.n_vars; v++)
        if (f->hier.vars[v].signal_ref + 1 > n) n = f->hier.vars[v].signal_ref + 1;
    f->geom = malloc((n ? n : 1) * sizeof *f->geom);
    if (!f->geom) return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
    for (uint32_t i = 0; i < n; i++) f->geom[i] = 1;
    for (uint32_t v = f->hier.n_vars; v-- > 0;) { /* the first declaration wins */
        const fstwi_var_rec *r = &f->hier.vars[v];
        uint32_t g;
        switch (r->encoding) {
        case FSTW_ENC_REAL: g = 0; break;
        case FSTW_ENC_STRING: g = UINT32_MAX; break;
        case FSTW_ENC_EVENT: g = 1; break;
        default: g = r->var_type == 18 ? r->bitwidth * 3 + 2 : r->bitwidth; break; /* PORT */
        }
        f->geom[r->signal_ref] = g;
    }
    f->n_geom = n;
    return FSTW_OK;
}

/* Opens the hierarchy side file hp: through the OS for a path, through the
 * reader's open_side (r, whose release then goes to *side_r) otherwise.
 * Returns 0 (side open), 1 when there is no such file, 2 when hp is not a
 * regular file. */
static int open_side_file(fstwi_source *side, const char *hp, const fstw_reader *r, fstw_reader *side_r)
{
    memset(side_r, 0, sizeof *side_r);
    memset(side, 0, sizeof *side);
    side->file = FSTWI_NO_FILE;
    if (r) {
        int e = r->open_side(r->ctx, hp, side_r);
        if (e == EISDIR) return 2;
        if (e || !side_r->read_at) return 1;
        fstwi_source_use_reader(side, side_r);
        return 0;
    }
    fstw_error os_err;
    int kind, rc = fstwi_source_open(side, hp, &kind, &os_err);
    if (rc && kind < 0) return 1; /* could not be opened */
    if (rc || kind != FSTWI_FILE_REGULAR) {
        fstwi_source_close(side);
        return 2;
    }
    return 0;
}

/* Reads the hierarchy from the side file of an FST whose hierarchy block is
 * missing (the writer was killed or is still running): next to path, or,
 * for a file opened through a reader r named name, through r->open_side. */
static int read_hier_side_file(fstw_file *f, const char *path, const char *name, const fstw_reader *r,
                               int hier_flags, fstw_error *err)
{
    if (!path && !(r && r->open_side && name)) /* no place to look for a side file */
        return fstwi_fail(err, FSTW_ERR_FORMAT,
                          "incomplete FST file: the hierarchy block is missing (the writer did not "
                          "finish) and %s was opened through a reader, which has no hierarchy side file",
                          name ? name : "the file");
    char *hp = hier_side_path(path ? path : name);
    if (!hp) return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
    fstwi_source side;
    fstw_reader side_r;
    int opened = open_side_file(&side, hp, path ? NULL : r, &side_r);
    int rc;
    if (opened == 1) {
        rc = fstwi_fail(err, FSTW_ERR_FORMAT,
                        "incomplete FST file: the hierarchy block is missing (the writer did not "
                        "finish) and there is no hierarchy side file %s", hp);
        free(hp);
        return rc;
    }
    uint8_t *data = NULL;
    if (opened == 2) {
        rc = fstwi_fail(err, FSTW_ERR_FORMAT, "hierarchy side file %s is not a regular file", hp);
    } else if (side.size > SIZE_MAX - 1 || !(data = malloc(side.size ? (size_t)side.size : 1))) {
        rc = fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory reading %s", hp);
    } else {
        rc = fstwi_source_read(&side, 0, data, (size_t)side.size, "hierarchy side file", err);
        if (!rc) {
            fstwi_hier_hints hints = hints_of(f);
            rc = fstwi_hier_parse(&f->hier, data, (size_t)side.size, &hints, hier_flags, err);
            data = NULL; /* the hierarchy owns it */
        }
    }
    if (opened == 0) fstwi_source_close(&side);
    if (side_r.release) side_r.release(side_r.ctx);
    free(data);
    free(hp);
    return rc;
}

/* Walks the chain of blocks and reads header, geometry and hierarchy. */
static int scan_blocks(fstw_file *f, const char *path, const char *name, const fstw_reader *r, int hier_flags,
                       fstw_error *err)
{
    uint64_t pos = 0, hier_off = 0, hier_len = 0, geom_off = 0, geom_len = 0;
    int have_header = 0, have_geom = 0, have_hier = 0, rc;
    uint8_t hier_type = 0;
    size_t cap = 0;
    unsigned block_no = 0;
    while (pos < f->src.size) {
        uint8_t h[9];
        if (f->src.size - pos < 9) break; /* a cut-off block header: stop here */
        if ((rc = fstwi_source_read(&f->src, pos, h, 9, "block header", err))) return rc;
        uint8_t type = h[0];
        uint64_t len = fstwi_be64(h + 1);
        if (type == FSTW_BL_SKIP && len == 0) {
            uint64_t next = recover_open_block(f, pos, &cap, &rc, err);
            if (rc) return rc;
            if (!next) break;
            pos = next;
            block_no++;
            continue;
        }
        if (len < 8 || len > f->src.size - pos - 1) {
            if (block_no == 0)
                return fstwi_fail_at(err, FSTW_ERR_FORMAT, pos, "block 0 (type %u) at offset %llu has impossible length %llu",
                                 type, (unsigned long long)pos, (unsigned long long)len);
            break; /* a truncated last block: keep what came before */
        }
        if (block_no == 0 && type != FSTW_BL_HDR)
            return fstwi_fail(err, FSTW_ERR_FORMAT, "not an FST file: the first block has type %u, not a header", type);
        switch (type) {
        case FSTW_BL_HDR:
            if ((rc = read_header(f, pos + 1, err))) return rc;
            have_header = 1;
            break;
        case FSTW_BL_VCDATA: case FSTW_BL_VCDATA_DYN_ALIAS: case FSTW_BL_VCDATA_DYN_ALIAS2: {
            uint8_t t[16];
            if (len < 8 + 24 + 24) {
                if ((rc = fstwi_fail_at(err, FSTW_ERR_FORMAT, pos, "value-change block %u at offset %llu is too short", block_no, (unsigned long long)pos))) return rc;
            }
            if ((rc = fstwi_source_read(&f->src, pos + 9, t, 16, "value-change block", err))) return rc;
            fstwi_vc_block b;
            memset(&b, 0, sizeof b);
            b.type = type;
            b.offset = pos + 1;
            b.length = len;
            b.start_time = fstwi_be64(t);
            b.end_time = fstwi_be64(t + 8);
            b.frame_off = pos + 1 + 32;
            if (add_block(f, &b, &cap)) return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory");
            break;
        }
        case FSTW_BL_GEOM:
            geom_off = pos + 1; geom_len = len; have_geom = 1;
            break;
        case FSTW_BL_HIER: case FSTW_BL_HIER_LZ4: case FSTW_BL_HIER_LZ4DUO:
            hier_off = pos + 1; hier_len = len; hier_type = type; have_hier = 1;
            break;
        case FSTW_BL_BLACKOUT: case FSTW_BL_SKIP:
            break;
        default:
            return fstwi_fail_at(err, FSTW_ERR_FORMAT, pos, "block %u at offset %llu has unknown type %u",
                             block_no, (unsigned long long)pos, type);
        }
        pos += 1 + len;
        block_no++;
    }
    if (!have_header) return fstwi_fail(err, FSTW_ERR_FORMAT, "truncated FST file: no complete header block");
    if (have_hier) {
        if ((rc = read_hierarchy(f, hier_type, hier_off, hier_len, hier_flags, err))) return rc;
    } else if ((rc = read_hier_side_file(f, path, name, r, hier_flags, err))) {
        return rc;
    }
    if (have_geom) rc = read_geometry(f, geom_off, geom_len, err);
    else rc = geometry_from_hierarchy(f, err);
    if (rc) return rc;
    /* a file whose writer did not finish has start and end time 0 in its
     * header; fst-reader takes them from the blocks */
    if (f->n_blocks && f->header.start_time == 0 && f->header.end_time == 0) {
        f->header.start_time = f->blocks[0].start_time;
        f->header.end_time = f->blocks[f->n_blocks - 1].end_time;
    }
    return FSTW_OK;
}

/* The open of both entry points, from src (owned from here on): path is the
 * file's path (for the hierarchy side file), NULL for a reader r named name. */
static int open_source(fstwi_source src, const char *path, const char *name, const fstw_reader *r,
                       const fstw_open_options *opts, fstw_file **out, fstw_error *err)
{
    int rc;
    fstw_file *f = calloc(1, sizeof *f);
    if (!f) { fstwi_source_close(&src); return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory"); }
    f->src = src;
    f->multi_threaded = opts->multi_threaded;
    fstwi_mutex_init(&f->lock);
    fstwi_cond_init(&f->body_cond);
    uint8_t first[16] = {0};
    size_t nfirst = f->src.size < sizeof first ? (size_t)f->src.size : sizeof first;
    if (f->src.size == 0) {
        rc = fstwi_fail(err, FSTW_ERR_FORMAT, "empty file: not an FST file");
    } else if ((rc = fstwi_source_read(&f->src, 0, first, nfirst, "first block", err))) {
        /* rc set */
    } else if (first[0] != FSTW_BL_HDR && first[0] != FSTW_BL_ZWRAPPER) {
        rc = other_format_error(first, nfirst, err);
    } else if (first[0] == FSTW_BL_ZWRAPPER && (rc = unwrap_gzip(f, err))) {
        /* rc set */
    } else {
        rc = scan_blocks(f, path, name, r,
                         (opts->remove_scopes_with_empty_name ? FSTWI_HIER_REMOVE_EMPTY : 0) |
                             (opts->hierarchy_rules == FSTW_HIERARCHY_PYWELLEN_025 ? FSTWI_HIER_RULES_025 : 0),
                         err);
    }
    /* progress: checked after the hierarchy, then the body's blocks */
    fstwi_progress pr;
    if (!rc) rc = fstwi_progress_begin(&pr, opts->progress, "open", opts->load_body ? fstwi_body_bytes(f) : 0, err);
    if (!rc && opts->load_body) rc = fstwi_body_load(f, &pr, 0, 0, err);
    if (!rc) rc = fstwi_progress_end(&pr, err);
    if (rc) {
        fstw_close(f);
        return rc;
    }
    *out = f;
    return FSTW_OK;
}

int fstw_open(const char *path, const fstw_open_options *opts, fstw_file **out, fstw_error *err)
{
    fstw_open_options defaults;
    if (!opts) { fstw_open_options_init(&defaults); opts = &defaults; }
    *out = NULL;
    fstwi_error_clear(err);
    fstwi_source src;
    int kind, rc = fstwi_source_open(&src, path, &kind, err);
    if (rc) return rc;
    if (kind == FSTWI_FILE_DIRECTORY) {
        fstwi_source_close(&src);
        return fstwi_fail_errno(err, EISDIR, "cannot read", path);
    }
    return open_source(src, path, NULL, NULL, opts, out, err);
}

int fstw_open_reader(const fstw_reader *r, const fstw_open_options *opts, fstw_file **out, fstw_error *err)
{
    fstw_open_options defaults;
    if (!opts) { fstw_open_options_init(&defaults); opts = &defaults; }
    if (out) *out = NULL;
    fstwi_error_clear(err);
    if (!r || !r->read_at || !out)
        return fstwi_fail(err, FSTW_ERR_ARG, "fstw_open_reader: a reader with a read_at callback is needed");
    fstwi_source src;
    memset(&src, 0, sizeof src);
    fstwi_source_use_reader(&src, r);
    return open_source(src, NULL, r->name, r, opts, out, err);
}

void fstw_close(fstw_file *f)
{
    if (!f) return;
    fstwi_source_close(&f->src);
    free(f->geom);
    fstwi_lookup_free(f);
    fstwi_hier_free(&f->hier);
    fstwi_chains_free(f);
    free(f->scope_names);
    free(f->scope_name_off);
    free(f->blocks);
    fstwi_times_release(f->times); /* signals may still hold it */
    free(f->dups);
    fstwi_cond_destroy(&f->body_cond);
    fstwi_mutex_destroy(&f->lock);
    free(f);
}

const fstw_header *fstw_file_header(const fstw_file *f) { return &f->header; }
