/* floor.c - the floor of each signal load of the benchmark: the time to
 * decompress the chains that load decompresses, with the library fstwave uses
 * for them, and nothing else.
 *
 *   build/bench/floor [--runs N] FILE.fst SEL.json
 *
 * SEL.json is the selection bench/run.py writes (indices into
 * hierarchy.all_vars() order: "first", "next", "pct1", "pct10").  For each
 * operation of bench/worker_py.py that loads signals, the chains of its
 * signals in every value-change block the load reads (blocks after the
 * header's end time are skipped, as the load does) are located with the
 * core's chain-table index and read into memory; only the decompression is
 * timed: LZ4_decompress_safe ('4'), fastlz_decompress ('F'), or for zlib
 * chains libdeflate_zlib_decompress, as the core (core/src/fstw_decompress.c;
 * with --zlib: zlib's inflate on one z_stream reset per chain, what the core
 * did before libdeflate, for comparison).  Chains stored unpacked cost
 * nothing.  Not counted: the frame
 * (initial values, one zlib stream per load), the chain tables, the reads,
 * the decode of the changes.
 *
 * Output: one JSON line: {"file", "pack", "zlib_lib", "runs", "ops": {"get_signal_first",
 * "get_signal_next_median", "get_signal_next_total", "load_1pct",
 * "load_10pct"} (seconds, median over the runs), "chains": {op: count},
 * "packed_bytes": {op: n}, "unpacked_bytes": {op: n}} (chains, packed and
 * unpacked bytes: of the chains decompressed, per run).  Exit status 1 with a
 * message on stderr when the file or the selection cannot be read. */
#include "fstw_internal.h"
#include "fastlz.h"
#include "lz4.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>
#include "libdeflate.h"

static struct libdeflate_decompressor *ld;
static int use_zlib;   /* --zlib: zlib's inflate for zlib chains instead */

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* ---- the selection (the fixed JSON shape run.py writes) */

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    if (!fp) return NULL;
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (s && fread(s, 1, (size_t)n, fp) != (size_t)n) { free(s); s = NULL; }
    if (s) s[n] = '\0';
    fclose(fp);
    return s;
}

/* The integers of key's value (a number or a list of numbers); -1 when the
 * key is missing. */
static long sel_ints(const char *json, const char *key, long **out)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\"", key);
    const char *p = strstr(json, pat);
    *out = NULL;
    if (!p) return -1;
    p = strchr(p + strlen(pat), ':');
    if (!p) return -1;
    p++;
    while (*p == ' ') p++;
    int list = *p == '[';
    if (list) p++;
    long n = 0, cap = 16;
    long *v = malloc((size_t)cap * sizeof *v);
    while (v) {
        while (*p == ' ' || *p == ',' || *p == '\n') p++;
        if (*p == ']' || !*p) break;
        char *end;
        long x = strtol(p, &end, 10);
        if (end == p) break;
        if (n == cap && !(v = realloc(v, (size_t)(cap *= 2) * sizeof *v))) break;
        v[n++] = x;
        p = end;
        if (!list) break;
    }
    *out = v;
    return v ? n : -1;
}

/* ---- decompression, with the core's libraries */

typedef struct chain {
    const uint8_t *in;
    size_t in_len, out_len;
} chain;

static z_stream zs;

/* One chain; 0 when exactly out_len bytes came out. */
static int unpack(uint8_t pack, const chain *c, uint8_t *out)
{
    switch (pack) {
    case '4':
        return LZ4_decompress_safe((const char *)c->in, (char *)out, (int)c->in_len, (int)c->out_len) ==
               (int)c->out_len ? 0 : -1;
    case 'F':
        return fastlz_decompress(c->in, (int)c->in_len, out, (int)c->out_len) == (int)c->out_len ? 0 : -1;
    default:
        if (!use_zlib)
            return libdeflate_zlib_decompress(ld, c->in, c->in_len, out, c->out_len, NULL) == LIBDEFLATE_SUCCESS
                       ? 0 : -1;
        if (inflateReset(&zs) != Z_OK) return -1;
        zs.next_in = (Bytef *)c->in;
        zs.avail_in = (uInt)c->in_len;
        zs.next_out = out;
        zs.avail_out = (uInt)c->out_len;
        return inflate(&zs, Z_FINISH) == Z_STREAM_END && zs.avail_out == 0 ? 0 : -1;
    }
}

/* ---- one operation */

typedef struct tally {
    double seconds;
    uint64_t chains, packed, unpacked;
} tally;

/* Decompresses every chain of refs[0..n) in every block the load reads;
 * adds the decompression time and the counts to *t. */
static int floor_of(fstw_file *f, const uint32_t *refs, size_t n, tally *t, uint8_t *pack_out)
{
    fstw_error err;
    fstwi_table_src src;
    memset(&src, 0, sizeof src);
    uint32_t max_ref = 0;
    for (size_t k = 0; k < n; k++)
        if (refs[k] > max_ref) max_ref = refs[k];
    fstwi_buf packed = { 0 }, unpacked = { 0 };
    chain *cs = malloc((n ? n : 1) * sizeof *cs);
    size_t *at = malloc((n ? n : 1) * sizeof *at);
    int rc = cs && at ? 0 : -1;
    for (size_t bi = 0; !rc && bi < f->n_blocks; bi++) {
        fstwi_vc_block *b = &f->blocks[bi];
        if (b->start_time > f->header.end_time || b->incomplete || b->tt_count == 0) continue;
        if ((rc = fstwi_chains_prepare(&src, f, b, n, max_ref, &err))) break;
        /* the block's chains, read into one buffer (not timed) */
        packed.len = 0;
        size_t nc = 0, out_max = 0;
        for (size_t k = 0; !rc && k < n; k++) {
            uint64_t off, len;
            if ((rc = fstwi_chain_find(&src, refs[k], &off, &len))) break;
            if (len == 0) continue;
            if (fstwi_buf_reserve(&packed, len)) { rc = -1; break; }
            if ((rc = fstwi_source_read(&f->src, off, packed.data + packed.len, len, "chain", &err))) break;
            fstwi_cursor c = { packed.data + packed.len, packed.data + packed.len + len };
            uint64_t ulen;
            if (fstwi_cur_varint(&c, &ulen)) { rc = -1; break; }
            at[nc] = packed.len + (size_t)(c.p - (packed.data + packed.len));
            cs[nc].in_len = (size_t)(c.end - c.p);
            cs[nc].out_len = (size_t)ulen;
            packed.len += len;
            if (ulen == 0) continue;     /* stored unpacked: nothing to decompress */
            t->packed += cs[nc].in_len;
            if (ulen > out_max) out_max = (size_t)ulen;
            nc++;
        }
        if (rc) break;
        unpacked.len = 0;
        if (fstwi_buf_reserve(&unpacked, out_max ? out_max : 1)) { rc = -1; break; }
        for (size_t k = 0; k < nc; k++) cs[k].in = packed.data + at[k];
        *pack_out = b->pack;
        double t0 = now_s();
        for (size_t k = 0; k < nc && !rc; k++) rc = unpack(b->pack, &cs[k], unpacked.data);
        t->seconds += now_s() - t0;
        t->chains += nc;
        for (size_t k = 0; k < nc; k++) t->unpacked += cs[k].out_len;
    }
    fstwi_table_src_free(&src);
    fstwi_buf_free(&packed);
    fstwi_buf_free(&unpacked);
    free(cs);
    free(at);
    return rc;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The upper median, as bench/worker_py.py takes it. */
static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n ? v[n / 2] : 0.0;
}

/* The signal refs of the selection's var indices (all_vars() order). */
static uint32_t *refs_of(fstw_file *f, const long *vi, long n)
{
    uint32_t nv = 0;
    const uint32_t *ids = fstw_unique_vars(f, &nv);
    uint32_t *r = malloc((size_t)(n > 0 ? n : 1) * sizeof *r);
    for (long i = 0; r && i < n; i++) {
        fstw_var_info v;
        if (vi[i] < 0 || (uint32_t)vi[i] >= nv || fstw_var_get(f, ids[vi[i]], &v)) { free(r); return NULL; }
        r[i] = v.signal_ref;
    }
    return r;
}

int main(int argc, char **argv)
{
    int runs = 5, a = 1;
    for (;;) {
        if (argc > a + 1 && !strcmp(argv[a], "--runs")) { runs = atoi(argv[a + 1]); a += 2; }
        else if (argc > a && !strcmp(argv[a], "--zlib")) { use_zlib = 1; a++; }
        else break;
    }
    if (argc - a != 2 || runs < 1) {
        fprintf(stderr, "usage: floor [--runs N] [--zlib] FILE.fst SEL.json\n");
        return 1;
    }
    const char *path = argv[a], *selp = argv[a + 1];
    char *sel = slurp(selp);
    if (!sel) { fprintf(stderr, "floor: cannot read %s\n", selp); return 1; }
    fstw_file *f;
    fstw_error err;
    if (fstw_open(path, NULL, &f, &err) != FSTW_OK) {
        fprintf(stderr, "floor: %s: %s\n", path, err.message);
        return 1;
    }
    if (inflateInit2(&zs, 15) != Z_OK) { fprintf(stderr, "floor: zlib init failed\n"); return 1; }
    if (!(ld = libdeflate_alloc_decompressor())) { fprintf(stderr, "floor: libdeflate init failed\n"); return 1; }
    static const char *const keys[] = { "first", "next", "pct1", "pct10" };
    long nsel[4];
    uint32_t *refs[4];
    for (int k = 0; k < 4; k++) {
        long *vi;
        nsel[k] = sel_ints(sel, keys[k], &vi);
        refs[k] = nsel[k] >= 0 ? refs_of(f, vi, nsel[k]) : NULL;
        free(vi);
        if (!refs[k]) { fprintf(stderr, "floor: %s: bad or missing \"%s\"\n", selp, keys[k]); return 1; }
    }
    static const char *const ops[] = { "get_signal_first", "get_signal_next_median", "get_signal_next_total",
                                       "load_1pct", "load_10pct" };
    double *samples[5];
    tally counts[5];
    memset(counts, 0, sizeof counts);
    uint8_t pack = 0;
    double *per_call = malloc((size_t)(nsel[1] > 0 ? nsel[1] : 1) * sizeof *per_call);
    for (int o = 0; o < 5; o++) samples[o] = calloc((size_t)runs, sizeof(double));
    for (int r = 0; r < runs; r++) {
        tally t[5];
        memset(t, 0, sizeof t);
        int rc = floor_of(f, refs[0], (size_t)nsel[0], &t[0], &pack);
        for (long i = 0; !rc && i < nsel[1]; i++) {
            tally one = { 0, 0, 0, 0 };
            rc = floor_of(f, &refs[1][i], 1, &one, &pack);
            per_call[i] = one.seconds;
            t[2].seconds += one.seconds;
            t[2].chains += one.chains; t[2].packed += one.packed; t[2].unpacked += one.unpacked;
        }
        if (!rc) rc = floor_of(f, refs[2], (size_t)nsel[2], &t[3], &pack);
        if (!rc) rc = floor_of(f, refs[3], (size_t)nsel[3], &t[4], &pack);
        if (rc) { fprintf(stderr, "floor: %s: a chain could not be read or unpacked\n", path); return 1; }
        t[1] = t[2];
        t[1].seconds = median(per_call, (size_t)nsel[1]);
        for (int o = 0; o < 5; o++) { samples[o][r] = t[o].seconds; counts[o] = t[o]; }
    }
    printf("{\"file\": \"%s\", \"pack\": \"%c\", \"zlib_lib\": \"%s\", \"runs\": %d, \"ops\": {", path,
           pack ? pack : '-', use_zlib ? "zlib" : "libdeflate", runs);
    for (int o = 0; o < 5; o++) printf("%s\"%s\": %.9f", o ? ", " : "", ops[o], median(samples[o], (size_t)runs));
    const char *what[3] = { "chains", "packed_bytes", "unpacked_bytes" };
    for (int w = 0; w < 3; w++) {
        printf("}, \"%s\": {", what[w]);
        for (int o = 0; o < 5; o++) {
            uint64_t v = w == 0 ? counts[o].chains : w == 1 ? counts[o].packed : counts[o].unpacked;
            printf("%s\"%s\": %llu", o ? ", " : "", ops[o], (unsigned long long)v);
        }
    }
    printf("}}\n");
    for (int o = 0; o < 5; o++) free(samples[o]);
    for (int k = 0; k < 4; k++) free(refs[k]);
    free(per_call);
    free(sel);
    inflateEnd(&zs);
    libdeflate_free_decompressor(ld);
    fstw_close(f);
    return 0;
}
