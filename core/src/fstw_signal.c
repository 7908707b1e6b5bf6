/* fstw_signal.c - loading signals from the value-change blocks and the
 * compact per-signal storage behind the value lookups.
 *
 * Per block (FST format, libfst's block_format): the frame (initial values,
 * zlib), the chains of value changes (one per signal, packed with zlib,
 * FastLZ or LZ4), the chain table (varint offsets, runs of signals without
 * data, aliases) and the time table.  A change's time-table index is the
 * block's base plus the running sum of the deltas in its chain, mapped to
 * the first index with the same time as fst-reader's callback does.
 *
 * Storage follows wellen's SignalWriter (wellen/src/fst.rs): a change equal
 * to the previous stored change is dropped (bit vectors compare
 * case-insensitively, reals bit-wise, strings as bytes; events never).
 * Bit vectors are kept packed (1 bit per bit, big-endian) while every value
 * is 2-state, and one lowercase character per bit once any value is not. */
#include "fstw_internal.h"
#include <stdlib.h>
#include <string.h>

#define GEOM_REAL 0u
#define GEOM_VARLEN UINT32_MAX

typedef struct builder {
    uint32_t ref;
    uint8_t enc;        /* fstw_encoding of the signal's var */
    uint32_t bits;
    int ascii;
    size_t stride;
    size_t n;
    fstw_buf tidx, data, stroff;
    int failed;
} builder;

static const char RCV[8] = { 'x', 'z', 'h', 'u', 'w', 'l', '-', '?' };

static int push_tidx(builder *b, uint32_t idx)
{
    if (fstw_buf_append(&b->tidx, &idx, sizeof idx)) return -1;
    b->n++;
    return 0;
}

/* lowercase; anything outside 01xzhuwl- becomes x (wellen would panic) */
static uint8_t norm_state(uint8_t c)
{
    switch (c) {
    case '0': case '1': case 'x': case 'z': case 'h': case 'u': case 'w': case 'l': case '-':
        return c;
    case 'X': case 'Z': case 'H': case 'U': case 'W': case 'L':
        return (uint8_t)(c + 32);
    default:
        return 'x';
    }
}

static void pack_bits(const uint8_t *chars, uint32_t bits, uint8_t *out, size_t nbytes)
{
    memset(out, 0, nbytes);
    size_t pad = nbytes * 8 - bits;
    for (uint32_t i = 0; i < bits; i++)
        if (chars[i] == '1') {
            size_t pos = pad + i;
            out[pos >> 3] |= (uint8_t)(0x80u >> (pos & 7));
        }
}

/* Switches a 2-state packed signal to one character per bit. */
static int to_ascii(builder *b)
{
    fstw_buf nd = { 0 };
    size_t nbytes = b->stride;
    if (fstw_buf_reserve(&nd, b->n * (size_t)b->bits + 1)) return -1;
    size_t pad = nbytes * 8 - b->bits;
    for (size_t k = 0; k < b->n; k++) {
        const uint8_t *src = b->data.data + k * nbytes;
        for (uint32_t i = 0; i < b->bits; i++) {
            size_t pos = pad + i;
            nd.data[nd.len++] = (src[pos >> 3] & (0x80u >> (pos & 7))) ? '1' : '0';
        }
    }
    fstw_buf_free(&b->data);
    b->data = nd;
    b->ascii = 1;
    b->stride = b->bits;
    return 0;
}

/* Appends a fixed-size value unless it equals the previous one. */
static int push_fixed(builder *b, uint32_t idx, const uint8_t *v)
{
    if (b->n && memcmp(b->data.data + (b->n - 1) * b->stride, v, b->stride) == 0) return 0;
    if (fstw_buf_append(&b->data, v, b->stride)) return -1;
    return push_tidx(b, idx);
}

/* A bit-vector change given as `len` state characters. */
static int add_chars(builder *b, uint32_t idx, const uint8_t *chars, size_t len, uint8_t *tmp)
{
    if (b->enc == FSTW_ENC_EVENT) return push_tidx(b, idx);
    if (b->enc == FSTW_ENC_STRING) {
        /* a string var whose chain holds fixed-size values: keep the text */
        size_t last = b->n ? ((uint64_t *)b->stroff.data)[b->n] - ((uint64_t *)b->stroff.data)[b->n - 1] : 0;
        if (b->n && last == len &&
            memcmp(b->data.data + ((uint64_t *)b->stroff.data)[b->n - 1], chars, len) == 0)
            return 0;
        uint64_t end = b->data.len + len;
        if (fstw_buf_append(&b->data, chars, len) || fstw_buf_append(&b->stroff, &end, sizeof end)) return -1;
        return push_tidx(b, idx);
    }
    if (b->enc != FSTW_ENC_BITS) return 0; /* a real var with a bit-vector chain: skipped */
    /* normalise to exactly `bits` characters, right-aligned */
    uint32_t bits = b->bits;
    int two_state = 1;
    if (len >= bits) {
        chars += len - bits;
        for (uint32_t i = 0; i < bits; i++) {
            uint8_t c = norm_state(chars[i]);
            tmp[i] = c;
            two_state &= (c == '0' || c == '1');
        }
    } else {
        size_t padn = bits - len;
        memset(tmp, '0', padn);
        for (size_t i = 0; i < len; i++) {
            uint8_t c = norm_state(chars[i]);
            tmp[padn + i] = c;
            two_state &= (c == '0' || c == '1');
        }
    }
    if (!b->ascii && !two_state && to_ascii(b)) return -1;
    if (b->ascii) return push_fixed(b, idx, tmp);
    uint8_t *packed = tmp + bits;
    pack_bits(tmp, bits, packed, b->stride);
    return push_fixed(b, idx, packed);
}

static int add_real(builder *b, uint32_t idx, double v)
{
    if (b->enc == FSTW_ENC_EVENT) return push_tidx(b, idx);
    if (b->enc != FSTW_ENC_REAL) return 0; /* mismatched var: skipped */
    uint8_t bytes[8];
    memcpy(bytes, &v, 8);
    return push_fixed(b, idx, bytes);
}

static int add_bytes(builder *b, uint32_t idx, const uint8_t *s, size_t len, uint8_t *tmp)
{
    if (b->enc == FSTW_ENC_STRING || b->enc == FSTW_ENC_EVENT || b->enc == FSTW_ENC_BITS)
        return add_chars(b, idx, s, len, tmp);
    return 0;
}

static double read_double(const fstw_file *f, const uint8_t *p)
{
    uint8_t q[8];
    if (f->float_big_endian) for (int i = 0; i < 8; i++) q[i] = p[7 - i];
    else memcpy(q, p, 8);
    double d;
    memcpy(&d, q, 8);
    return d;
}

static uint32_t geom_of(const fstw_file *f, uint32_t ref)
{
    return ref < f->n_geom ? f->geom[ref] : GEOM_VARLEN;
}

static size_t frame_size(uint32_t g)
{
    return g == GEOM_REAL ? 8 : g == GEOM_VARLEN ? 0 : g;
}

typedef struct load_ctx {
    fstw_file *f;
    const uint32_t *refs;   /* unique, ascending */
    builder *bs;
    size_t n;
    uint8_t *tmp;           /* scratch: 2 * max bits + 16 */
    fstw_error *err;
} load_ctx;

#define CORRUPT(...) return fstw_fail(ctx->err, FSTW_ERR_FORMAT, __VA_ARGS__)

/* The frame of block b: initial values at the block's start time. */
static int read_frame(load_ctx *ctx, const fstw_vc_block *b)
{
    fstw_file *f = ctx->f;
    uint8_t hdr[30];
    uint64_t avail = f->src.size - b->frame_off;
    size_t hn = avail < sizeof hdr ? (size_t)avail : sizeof hdr;
    int rc = fstw_source_read(&f->src, b->frame_off, hdr, hn, "frame", ctx->err);
    if (rc) return rc;
    fstw_cursor c = { hdr, hdr + hn };
    uint64_t ulen, clen, maxh;
    if (fstw_cur_varint(&c, &ulen) || fstw_cur_varint(&c, &clen) || fstw_cur_varint(&c, &maxh))
        CORRUPT("block at offset %llu: truncated frame header", (unsigned long long)(b->offset - 1));
    if (clen > f->src.size || ulen / 1100 > clen + 1024)
        CORRUPT("block at offset %llu: implausible frame size", (unsigned long long)(b->offset - 1));
    uint8_t *in = malloc(clen ? clen : 1), *raw = malloc(ulen ? ulen : 1);
    if (!in || !raw) { free(in); free(raw); return fstw_fail(ctx->err, FSTW_ERR_NOMEM, "out of memory reading a frame"); }
    rc = fstw_source_read(&f->src, b->frame_off + (uint64_t)(c.p - hdr), in, clen, "frame", ctx->err);
    if (!rc) {
        if (clen == ulen) memcpy(raw, in, clen);
        else if (fstw_inflate_zlib(in, clen, raw, ulen))
            rc = fstw_fail(ctx->err, FSTW_ERR_FORMAT, "block at offset %llu: corrupt frame", (unsigned long long)(b->offset - 1));
    }
    free(in);
    uint64_t pos = 0;
    uint32_t next_ref = 0;
    for (size_t k = 0; !rc && k < ctx->n; k++) {
        uint32_t ref = ctx->refs[k];
        if (ref >= maxh || ref >= f->n_geom) break;
        while (next_ref < ref) pos += frame_size(f->geom[next_ref++]);
        uint32_t g = f->geom[ref];
        size_t sz = frame_size(g);
        if (pos + sz > ulen) break; /* a short frame: no initial values beyond it */
        builder *bd = &ctx->bs[k];
        if (g == GEOM_VARLEN) continue; /* variable-length signals have no frame value */
        if (g == GEOM_REAL) rc = add_real(bd, 0, read_double(f, raw + pos)) ? FSTW_ERR_NOMEM : 0;
        else rc = add_chars(bd, 0, raw + pos, g, ctx->tmp) ? FSTW_ERR_NOMEM : 0;
        if (rc) rc = fstw_fail(ctx->err, FSTW_ERR_NOMEM, "out of memory");
    }
    free(raw);
    return rc;
}

/* Decodes one signal's chain (unpacked bytes) of block b into its builder. */
static int decode_chain(load_ctx *ctx, const fstw_vc_block *b, builder *bd, uint32_t g,
                        const uint8_t *p, size_t len)
{
    fstw_file *f = ctx->f;
    fstw_cursor c = { p, p + len };
    uint64_t local = 0;
    int first = 1;
    const uint64_t end_time = f->header.end_time;
    while (c.p < c.end) {
        uint64_t vli, delta;
        if (fstw_cur_varint(&c, &vli)) CORRUPT("block at offset %llu: truncated chain of signal %u", (unsigned long long)(b->offset - 1), bd->ref);
        uint8_t one;
        const uint8_t *val = NULL;
        size_t vlen = 0;
        double real = 0;
        int kind; /* 0 chars, 1 real, 2 bytes */
        if (g == 1) {
            if (vli & 1) { one = (uint8_t)RCV[(vli >> 1) & 7]; delta = vli >> 4; }
            else { one = (uint8_t)('0' + ((vli >> 1) & 1)); delta = vli >> 2; }
            val = &one; vlen = 1; kind = 0;
        } else if (g == GEOM_VARLEN) {
            uint64_t sl;
            delta = vli >> 1;
            if (fstw_cur_varint(&c, &sl) || sl > (uint64_t)(c.end - c.p))
                CORRUPT("block at offset %llu: truncated string value of signal %u", (unsigned long long)(b->offset - 1), bd->ref);
            val = c.p; vlen = (size_t)sl; c.p += sl; kind = 2;
        } else if (g == GEOM_REAL) {
            delta = vli >> 1;
            if (c.end - c.p < 8) CORRUPT("block at offset %llu: truncated real value of signal %u", (unsigned long long)(b->offset - 1), bd->ref);
            real = read_double(f, c.p); c.p += 8; kind = 1;
        } else {
            delta = vli >> 1;
            if (vli & 1) {
                if ((uint64_t)(c.end - c.p) < g) CORRUPT("block at offset %llu: truncated value of signal %u", (unsigned long long)(b->offset - 1), bd->ref);
                val = c.p; vlen = g; c.p += g;
            } else {
                size_t nb = ((size_t)g + 7) / 8;
                if ((size_t)(c.end - c.p) < nb) CORRUPT("block at offset %llu: truncated value of signal %u", (unsigned long long)(b->offset - 1), bd->ref);
                uint8_t *chars = ctx->tmp + 2 * (size_t)bd->bits + 16 + 8; /* after add_chars' scratch */
                for (uint32_t i = 0; i < g; i++) chars[i] = (c.p[i >> 3] >> (7 - (i & 7)) & 1) ? '1' : '0';
                c.p += nb;
                val = chars; vlen = g;
            }
            kind = 0;
        }
        local = first ? delta : local + delta;
        first = 0;
        if (local >= b->tt_count)
            CORRUPT("block at offset %llu: signal %u has a change at time step %llu of %llu",
                    (unsigned long long)(b->offset - 1), bd->ref, (unsigned long long)local, (unsigned long long)b->tt_count);
        uint64_t gi = b->tt_base + local;
        if (f->time_table[gi] > end_time) break; /* after the header's end time: dropped */
        uint32_t idx = f->canon_index[gi];
        int r = kind == 0 ? add_chars(bd, idx, val, vlen, ctx->tmp)
              : kind == 1 ? add_real(bd, idx, real)
                          : add_bytes(bd, idx, val, vlen, ctx->tmp);
        if (r) return fstw_fail(ctx->err, FSTW_ERR_NOMEM, "out of memory loading signal %u", bd->ref);
    }
    return FSTW_OK;
}

/* Parses a chain table into per-signal (offset, length); 0 length = no data. */
static int parse_chain_table(load_ctx *ctx, const fstw_vc_block *b, const uint8_t *t, size_t tlen,
                             uint64_t maxh, uint64_t last_entry, uint64_t *loc, uint64_t *clen)
{
    uint32_t *alias = malloc((maxh ? maxh : 1) * sizeof *alias);
    if (!alias) return fstw_fail(ctx->err, FSTW_ERR_NOMEM, "out of memory");
    for (uint64_t i = 0; i < maxh; i++) { loc[i] = 0; clen[i] = 0; alias[i] = UINT32_MAX; }
    fstw_cursor c = { t, t + tlen };
    uint64_t idx = 0, offset = 0, prev_idx = 0;
    uint32_t prev_alias = 0;
    int have = 0, bad = 0;
    while (c.p < c.end && !bad) {
        if (b->type == FSTW_BL_VCDATA_DYN_ALIAS2) {
            if (*c.p & 1) {
                int64_t sv;
                if (fstw_cur_svarint(&c, &sv)) { bad = 1; break; }
                int64_t sh = sv >> 1;
                if (idx >= maxh) { bad = 1; break; }
                if (sh > 0) {
                    uint64_t no = offset + (uint64_t)sh;
                    if (have) { loc[prev_idx] = offset; clen[prev_idx] = no - offset; }
                    offset = no; prev_idx = idx; have = 1; idx++;
                } else {
                    if (sh < 0) prev_alias = (uint32_t)(-(sh + 1));
                    alias[idx++] = prev_alias;
                }
            } else {
                uint64_t v;
                if (fstw_cur_varint(&c, &v)) { bad = 1; break; }
                idx += v >> 1;
            }
        } else {
            uint64_t v;
            if (fstw_cur_varint(&c, &v)) { bad = 1; break; }
            if (v == 0) {
                uint64_t a;
                if (fstw_cur_varint(&c, &a) || idx >= maxh) { bad = 1; break; }
                alias[idx++] = (uint32_t)(a - 1);
            } else if (v & 1) {
                if (idx >= maxh) { bad = 1; break; }
                uint64_t no = offset + (v >> 1);
                if (have) { loc[prev_idx] = offset; clen[prev_idx] = no - offset; }
                offset = no; prev_idx = idx; have = 1; idx++;
            } else {
                idx += v >> 1;
            }
        }
    }
    if (!bad && have) {
        if (last_entry < offset) bad = 1;
        else { loc[prev_idx] = offset; clen[prev_idx] = last_entry - offset; }
    }
    for (uint64_t i = 0; !bad && i < maxh; i++)
        if (alias[i] != UINT32_MAX) {
            if (alias[i] >= maxh) { bad = 1; break; }
            loc[i] = loc[alias[i]];
            clen[i] = clen[alias[i]];
        }
    free(alias);
    if (bad) CORRUPT("block at offset %llu: malformed chain table", (unsigned long long)(b->offset - 1));
    return FSTW_OK;
}

/* Reads block b's chains for the requested signals. */
static int read_block(load_ctx *ctx, const fstw_vc_block *b, int with_frame)
{
    fstw_file *f = ctx->f;
    int rc;
    if (with_frame && (rc = read_frame(ctx, b))) return rc;
    if (b->incomplete || b->tt_count == 0) return FSTW_OK;

    uint64_t end = b->offset + b->length;
    uint8_t t[24];
    if ((rc = fstw_source_read(&f->src, end - 24, t, 24, "time table trailer", ctx->err))) return rc;
    uint64_t time_section = fstw_be64(t + 8) + 24;
    if (time_section + 8 + 32 > b->length) CORRUPT("block at offset %llu: time table larger than the block", (unsigned long long)(b->offset - 1));
    uint64_t chain_len_off = end - time_section - 8;
    if ((rc = fstw_source_read(&f->src, chain_len_off, t, 8, "chain table length", ctx->err))) return rc;
    uint64_t table_len = fstw_be64(t);
    /* frame header, then the value-change section's max handle and pack type */
    uint8_t hdr[40];
    uint64_t avail = chain_len_off - b->frame_off;
    size_t hn = avail < sizeof hdr ? (size_t)avail : sizeof hdr;
    if ((rc = fstw_source_read(&f->src, b->frame_off, hdr, hn, "frame header", ctx->err))) return rc;
    fstw_cursor c = { hdr, hdr + hn };
    uint64_t fu, fc, fm, maxh;
    if (fstw_cur_varint(&c, &fu) || fstw_cur_varint(&c, &fc) || fstw_cur_varint(&c, &fm))
        CORRUPT("block at offset %llu: truncated frame header", (unsigned long long)(b->offset - 1));
    uint64_t vc_hdr = b->frame_off + (uint64_t)(c.p - hdr) + fc;
    if (fc > avail || vc_hdr >= chain_len_off) CORRUPT("block at offset %llu: frame overruns the block", (unsigned long long)(b->offset - 1));
    uint8_t vh[11];
    size_t vn = chain_len_off - vc_hdr < sizeof vh ? (size_t)(chain_len_off - vc_hdr) : sizeof vh;
    if ((rc = fstw_source_read(&f->src, vc_hdr, vh, vn, "value-change header", ctx->err))) return rc;
    fstw_cursor vcur = { vh, vh + vn };
    if (fstw_cur_varint(&vcur, &maxh) || vcur.p >= vcur.end)
        CORRUPT("block at offset %llu: truncated value-change header", (unsigned long long)(b->offset - 1));
    uint64_t vc_start = vc_hdr + (uint64_t)(vcur.p - vh);
    uint8_t pack = *vcur.p;
    if (table_len > chain_len_off - vc_start || maxh > ((uint64_t)1 << 31))
        CORRUPT("block at offset %llu: chain table overruns the block", (unsigned long long)(b->offset - 1));
    if (maxh > fstw_signal_count(f))
        CORRUPT("block at offset %llu: value changes for %llu signals, but the file declares %u",
                (unsigned long long)(b->offset - 1), (unsigned long long)maxh, fstw_signal_count(f));
    uint64_t chain_start = chain_len_off - table_len;

    uint8_t *table = malloc(table_len ? table_len : 1);
    uint64_t *loc = malloc((maxh ? maxh : 1) * sizeof *loc), *clen = malloc((maxh ? maxh : 1) * sizeof *clen);
    if (!table || !loc || !clen) { rc = fstw_fail(ctx->err, FSTW_ERR_NOMEM, "out of memory"); goto out; }
    if ((rc = fstw_source_read(&f->src, chain_start, table, table_len, "chain table", ctx->err))) goto out;
    if ((rc = parse_chain_table(ctx, b, table, table_len, maxh, chain_start - vc_start, loc, clen))) goto out;

    fstw_buf packed = { 0 }, unpacked = { 0 };
    for (size_t k = 0; k < ctx->n && !rc; k++) {
        uint32_t ref = ctx->refs[k];
        if (ref >= maxh || clen[ref] == 0) continue;
        uint64_t off = vc_start + loc[ref], len = clen[ref];
        if (loc[ref] == 0 || off + len > chain_start) { rc = fstw_fail(ctx->err, FSTW_ERR_FORMAT, "block at offset %llu: chain of signal %u outside its block", (unsigned long long)(b->offset - 1), ref); break; }
        packed.len = 0;
        if (fstw_buf_reserve(&packed, len)) { rc = fstw_fail(ctx->err, FSTW_ERR_NOMEM, "out of memory"); break; }
        if ((rc = fstw_source_read(&f->src, off, packed.data, len, "chain", ctx->err))) break;
        fstw_cursor cc = { packed.data, packed.data + len };
        uint64_t ulen;
        if (fstw_cur_varint(&cc, &ulen)) { rc = fstw_fail(ctx->err, FSTW_ERR_FORMAT, "block at offset %llu: truncated chain of signal %u", (unsigned long long)(b->offset - 1), ref); break; }
        size_t plen = (size_t)(cc.end - cc.p);
        const uint8_t *data = cc.p;
        size_t dlen = plen;
        if (ulen) {
            if (ulen / 2048 > plen + 1024) { rc = fstw_fail(ctx->err, FSTW_ERR_FORMAT, "block at offset %llu: implausible chain size for signal %u", (unsigned long long)(b->offset - 1), ref); break; }
            unpacked.len = 0;
            if (fstw_buf_reserve(&unpacked, ulen)) { rc = fstw_fail(ctx->err, FSTW_ERR_NOMEM, "out of memory"); break; }
            int bad = pack == 'F' ? fstw_unfastlz(cc.p, plen, unpacked.data, ulen)
                    : pack == '4' ? fstw_unlz4(cc.p, plen, unpacked.data, ulen)
                                  : fstw_inflate_zlib(cc.p, plen, unpacked.data, ulen);
            if (bad) { rc = fstw_fail(ctx->err, FSTW_ERR_FORMAT, "block at offset %llu: corrupt compressed chain of signal %u", (unsigned long long)(b->offset - 1), ref); break; }
            data = unpacked.data;
            dlen = ulen;
        }
        rc = decode_chain(ctx, b, &ctx->bs[k], geom_of(f, ref), data, dlen);
    }
    fstw_buf_free(&packed);
    fstw_buf_free(&unpacked);
out:
    free(table);
    free(loc);
    free(clen);
    return rc;
}

static fstw_signal *finish(builder *b, const fstw_file *f)
{
    fstw_signal *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->ref = b->ref;
    s->encoding = b->enc;
    s->bits = b->bits;
    s->ascii = b->ascii;
    s->stride = b->stride;
    s->n = b->n;
    s->tidx = (uint32_t *)b->tidx.data;
    s->data = b->data.data;
    s->str_off = (uint64_t *)b->stroff.data;
    s->tt = f->time_table;
    s->n_tt = f->n_time;
    memset(b, 0, sizeof *b);
    return s;
}

static void builder_free(builder *b)
{
    fstw_buf_free(&b->tidx);
    fstw_buf_free(&b->data);
    fstw_buf_free(&b->stroff);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

static fstw_signal *clone_signal(const fstw_signal *s)
{
    fstw_signal *c = malloc(sizeof *c);
    if (!c) return NULL;
    *c = *s;
    size_t dlen = s->encoding == FSTW_ENC_STRING ? (s->n ? s->str_off[s->n] : 0) : s->n * s->stride;
    c->tidx = malloc(s->n * sizeof *c->tidx + 1);
    c->data = malloc(dlen + 1);
    c->str_off = s->str_off ? malloc((s->n + 1) * sizeof *c->str_off) : NULL;
    if (!c->tidx || !c->data || (s->str_off && !c->str_off)) { fstw_signal_free(c); return NULL; }
    if (s->n) memcpy(c->tidx, s->tidx, s->n * sizeof *c->tidx);
    if (dlen) memcpy(c->data, s->data, dlen);
    if (s->str_off) memcpy(c->str_off, s->str_off, (s->n + 1) * sizeof *c->str_off);
    return c;
}

int fstw_load_signals(fstw_file *f, const uint32_t *refs, size_t n, fstw_signal **out,
                      int multi_threaded, fstw_error *err)
{
    (void)multi_threaded; /* one pass on the calling thread for now */
    int rc = fstw_load_body(f, err);
    if (rc) return rc;
    for (size_t i = 0; i < n; i++) out[i] = NULL;
    if (n == 0) return FSTW_OK;
    uint32_t nsig = fstw_signal_count(f);
    for (size_t i = 0; i < n; i++)
        if (refs[i] >= nsig)
            return fstw_fail(err, FSTW_ERR_ARG, "signal ref %u out of range (the file has %u signals)", refs[i], nsig);

    uint32_t *uniq = malloc(n * sizeof *uniq);
    builder *bs = calloc(n, sizeof *bs);
    if (!uniq || !bs) { free(uniq); free(bs); return fstw_fail(err, FSTW_ERR_NOMEM, "out of memory"); }
    memcpy(uniq, refs, n * sizeof *uniq);
    qsort(uniq, n, sizeof *uniq, cmp_u32);
    size_t nu = 0;
    for (size_t i = 0; i < n; i++)
        if (nu == 0 || uniq[nu - 1] != uniq[i]) uniq[nu++] = uniq[i];

    uint32_t max_bits = 8;
    for (size_t k = 0; k < nu; k++) {
        builder *b = &bs[k];
        b->ref = uniq[k];
        uint32_t var = uniq[k] < f->hier.n_handles ? f->hier.handle_to_var[uniq[k]] : FSTW_NONE;
        uint32_t g = geom_of(f, uniq[k]);
        if (var != FSTW_NONE) {
            b->enc = f->hier.vars[var].encoding;
            b->bits = f->hier.vars[var].bitwidth;
        } else { /* a signal no var names: take its shape from the geometry */
            b->enc = g == GEOM_REAL ? FSTW_ENC_REAL : g == GEOM_VARLEN ? FSTW_ENC_STRING : FSTW_ENC_BITS;
            b->bits = (g == GEOM_REAL || g == GEOM_VARLEN) ? 0 : (g ? g : 1);
        }
        /* every value is padded to the var's width: a var far wider than what the file
         * stores for its signal (a 2^24-bit alias of a 1-bit signal) would turn each
         * one-byte change into megabytes */
        if (b->enc == FSTW_ENC_BITS && b->bits > 64 && g != GEOM_REAL &&
            (g == GEOM_VARLEN ? b->bits > 4096 : b->bits > g)) {
            rc = fstw_fail(err, FSTW_ERR_FORMAT, "signal %u: its var is %u bits wide, but the file stores %s",
                           uniq[k], b->bits, g == GEOM_VARLEN ? "variable-length values" : "fewer bits per value");
            goto done;
        }
        b->stride = b->enc == FSTW_ENC_BITS ? ((size_t)b->bits + 7) / 8 : b->enc == FSTW_ENC_REAL ? 8 : 0;
        if (b->enc == FSTW_ENC_STRING) {
            uint64_t zero = 0;
            /* data is never NULL, so empty strings point into it (NULL + 0 is UB) */
            if (fstw_buf_append(&b->stroff, &zero, sizeof zero) || fstw_buf_reserve(&b->data, 1)) { rc = fstw_fail(err, FSTW_ERR_NOMEM, "out of memory"); goto done; }
        }
        if (b->bits > max_bits) max_bits = b->bits;
        if (g != GEOM_REAL && g != GEOM_VARLEN && g > max_bits) max_bits = g;
    }
    load_ctx ctx = { f, uniq, bs, nu, NULL, err };
    ctx.tmp = malloc(4 * (size_t)max_bits + 64);
    if (!ctx.tmp) { rc = fstw_fail(err, FSTW_ERR_NOMEM, "out of memory"); goto done; }
    int first = 1;
    for (size_t i = 0; i < f->n_blocks && !rc; i++) {
        const fstw_vc_block *b = &f->blocks[i];
        if (b->start_time > f->header.end_time) continue; /* after the end: fst-reader skips it */
        rc = read_block(&ctx, b, first && b->tt_shift);
        first = 0;
    }
    free(ctx.tmp);
    if (rc) goto done;
    /* hand out one signal per request, in request order */
    fstw_signal **made = calloc(nu, sizeof *made);
    if (!made) { rc = fstw_fail(err, FSTW_ERR_NOMEM, "out of memory"); goto done; }
    for (size_t k = 0; k < nu && !rc; k++)
        if (!(made[k] = finish(&bs[k], f))) rc = fstw_fail(err, FSTW_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < n && !rc; i++) {
        uint32_t *hit = bsearch(&refs[i], uniq, nu, sizeof *uniq, cmp_u32);
        size_t k = (size_t)(hit - uniq);
        if (made[k]) { out[i] = made[k]; made[k] = NULL; }
        else {
            /* a repeated ref: copy the first one handed out */
            for (size_t j = 0; j < i; j++)
                if (refs[j] == refs[i]) { out[i] = clone_signal(out[j]); break; }
            if (!out[i]) rc = fstw_fail(err, FSTW_ERR_NOMEM, "out of memory");
        }
    }
    for (size_t k = 0; k < nu; k++) fstw_signal_free(made[k]);
    free(made);
    if (rc)
        for (size_t i = 0; i < n; i++) { fstw_signal_free(out[i]); out[i] = NULL; }
done:
    for (size_t k = 0; k < nu; k++) builder_free(&bs[k]);
    free(bs);
    free(uniq);
    return rc;
}

void fstw_signal_free(fstw_signal *s)
{
    if (!s) return;
    free(s->tidx);
    free(s->data);
    free(s->str_off);
    free(s);
}

uint32_t fstw_signal_ref(const fstw_signal *s) { return s->ref; }
int fstw_signal_encoding(const fstw_signal *s) { return s->encoding; }
uint32_t fstw_signal_bitwidth(const fstw_signal *s) { return s->encoding == FSTW_ENC_BITS ? s->bits : 0; }
size_t fstw_signal_len(const fstw_signal *s) { return s->n; }
uint32_t fstw_signal_time_index(const fstw_signal *s, size_t i) { return i < s->n ? s->tidx[i] : 0; }
uint64_t fstw_signal_time(const fstw_signal *s, size_t i)
{
    return (i < s->n && s->tidx[i] < s->n_tt) ? s->tt[s->tidx[i]] : 0;
}

size_t fstw_signal_scratch_size(const fstw_signal *s)
{
    return (s->encoding == FSTW_ENC_BITS && s->ascii) ? ((size_t)s->bits + 7) / 8 : 0;
}

int fstw_signal_value(const fstw_signal *s, size_t i, fstw_value *out, uint8_t *scratch, size_t scratch_len)
{
    if (i >= s->n) return FSTW_ERR_ARG;
    memset(out, 0, sizeof *out);
    switch (s->encoding) {
    case FSTW_ENC_EVENT:
        out->kind = FSTW_VAL_EVENT;
        return FSTW_OK;
    case FSTW_ENC_REAL:
        out->kind = FSTW_VAL_REAL;
        memcpy(&out->real, s->data + i * 8, 8);
        return FSTW_OK;
    case FSTW_ENC_STRING:
        out->kind = FSTW_VAL_STRING;
        out->data = s->data + s->str_off[i];
        out->len = (size_t)(s->str_off[i + 1] - s->str_off[i]);
        return FSTW_OK;
    default:
        break;
    }
    out->bits = s->bits;
    const uint8_t *v = s->data + i * s->stride;
    if (!s->ascii) {
        out->kind = FSTW_VAL_BITS2;
        out->data = v;
        out->len = s->stride;
        return FSTW_OK;
    }
    for (uint32_t k = 0; k < s->bits; k++)
        if (v[k] != '0' && v[k] != '1') {
            out->kind = FSTW_VAL_LOGIC;
            out->data = v;
            out->len = s->bits;
            return FSTW_OK;
        }
    size_t nb = ((size_t)s->bits + 7) / 8;
    if (!scratch || scratch_len < nb) return FSTW_ERR_ARG;
    pack_bits(v, s->bits, scratch, nb);
    out->kind = FSTW_VAL_BITS2;
    out->data = scratch;
    out->len = nb;
    return FSTW_OK;
}

int64_t fstw_signal_find(const fstw_signal *s, uint64_t time_idx)
{
    if (s->n == 0 || s->tidx[0] > time_idx) return -1;
    size_t lo = 0, hi = s->n;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->tidx[mid] <= time_idx) lo = mid; else hi = mid;
    }
    return (int64_t)lo;
}

void fstw_signal_query(const fstw_signal *s, uint64_t t, fstw_query *out)
{
    /* last change with time <= t; change times never decrease */
    size_t lo = 0, hi = s->n; /* first change with time > t lies in [lo, hi] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (fstw_signal_time(s, mid) <= t) lo = mid + 1; else hi = mid;
    }
    out->change = (int64_t)lo - 1;
    out->next_change = lo < s->n ? (int64_t)lo : -1;
}
