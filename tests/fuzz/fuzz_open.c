/*
 * fuzz_open.c - libFuzzer harness over the fstwave core.
 *
 * One input = one FST file.  The core opens paths, so each input is written
 * to a per-process anonymous file (memfd_create; a /dev/shm or /tmp file
 * unlinked at once when memfd is missing) and opened as /proc/self/fd/N.
 * Per input:
 *   - fstw_open with the defaults (body loaded at open);
 *   - the hierarchy walk: header, timescale, every scope (fstw_scope_get,
 *     its child lists), every var (fstw_var_get), full names of the scopes
 *     and vars and fstw_lookup_var of the vars' full names (all of them, or
 *     the first and last 64 and 64 between for long lists), top scopes and
 *     vars, every enum table and pair, a few fixed lookups;
 *   - the load-all path: fstw_load_signals of every unique var (plus one
 *     repeated ref and up to 4096 signals without a var), then every value
 *     with fstw_signal_value, fstw_signal_find and fstw_signal_query at each
 *     change (of long signals the first and last 64 and 64 between) and
 *     around the ends;
 *   - the viewer calls on the first 256 of them (windows copied out,
 *     summaries, gathers) and the tools' text and picture of the first 4;
 *   - the other load paths, each compared with the batch (a difference is a
 *     finding): before the batch, one signal on the fresh handle (the
 *     chain-table index is built during that load), after it up to 4
 *     signals one at a time (checkpoint walks over windows of the table);
 *     for odd-length inputs the batch is split over threads whenever the
 *     file has several blocks (FSTWAVE_PARALLEL_MIN_BYTES=0);
 *   - for odd-length inputs, a second open with load_body = 0 and
 *     remove_scopes_with_empty_name = 1, so the lazy body load and the
 *     flattening path are fuzzed too;
 *   - an input holding the marker "FSTWHIER" is an FST file (the bytes
 *     before it) plus its hierarchy side file `<file>.fst.hier` (the bytes
 *     after it), written as two files in a private directory in /dev/shm,
 *     so the side-file path of truncated and live files is fuzzed too
 *     (side_seeds.py makes such seeds).
 * Every byte handed out is read (checksummed) so ASan sees out-of-bounds
 * ranges.  Errors from the core are fine; only crashes, sanitizer reports,
 * leaks, hangs and huge allocations are findings.
 *
 * The same file is the body of the replay program (replay_main.c supplies
 * main() when built without -fsanitize=fuzzer).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fstwave.h"
#include "../c/same_signal.h"

static int g_fd = -1;
static char g_path[64];
/* side-file inputs (see LLVMFuzzerTestOneInput) */
static const char SIDE_MARKER[8] = { 'F', 'S', 'T', 'W', 'H', 'I', 'E', 'R' };
static char g_dir[64], g_side_fst[96], g_side_hier[96];

static volatile uint64_t g_sink; /* keeps the reads from being optimised away */

static void fail_setup(const char *what)
{
    fprintf(stderr, "fuzz_open: %s: %s\n", what, strerror(errno));
    abort();
}

static int g_verbose; /* FUZZ_VERBOSE=1: print what each open gave (for the replay) */

static void setup_file(void)
{
    if (g_fd >= 0) return;
    const char *v = getenv("FUZZ_VERBOSE");
    g_verbose = v && *v && *v != '0';

#ifdef MFD_CLOEXEC
    g_fd = memfd_create("fstwave-fuzz", MFD_CLOEXEC);
#endif
    if (g_fd < 0) {
        char tmpl[] = "/dev/shm/fstwave-fuzz-XXXXXX";
        g_fd = mkstemp(tmpl);
        if (g_fd < 0) {
            char tmpl2[] = "/tmp/fstwave-fuzz-XXXXXX";
            g_fd = mkstemp(tmpl2);
            if (g_fd < 0) fail_setup("mkstemp");
            unlink(tmpl2);
        } else {
            unlink(tmpl);
        }
    }
    snprintf(g_path, sizeof g_path, "/proc/self/fd/%d", g_fd);
}

static void write_input(const uint8_t *data, size_t size)
{
    if (ftruncate(g_fd, 0) != 0) fail_setup("ftruncate");
    size_t done = 0;
    while (done < size) {
        ssize_t w = pwrite(g_fd, data + done, size - done, (off_t)done);
        if (w < 0) {
            if (errno == EINTR) continue;
            fail_setup("pwrite");
        }
        done += (size_t)w;
    }
}

/* Index sampling for long lists: every index of short ones; of long ones
 * the first and last EDGE and about EDGE evenly spaced ones between.  Used
 * for per-item calls that cost O(depth) or O(log n) each (full names,
 * lookups, value queries), so a deep or long input stays fast while the
 * ends, where off-by-one errors live, are always covered. */
enum { EDGE = 64 };
static size_t next_index(size_t i, size_t n)
{
    if (i < EDGE || i + EDGE >= n) return i + 1;
    size_t step = n > 3 * EDGE ? (n - 2 * EDGE) / EDGE : 1;
    return i + step < n - EDGE ? i + step : n - EDGE;
}

static uint64_t sum_bytes(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t s = 0;
    for (size_t i = 0; i < n; i++) s = s * 31 + b[i];
    return s;
}

static uint64_t sum_str(fstw_str s)
{
    if (s.len && !s.ptr) abort(); /* a length without bytes is a core bug */
    return sum_bytes(s.ptr, s.len);
}

/* Full name through both the measuring and the writing call. */
static uint64_t full_names(const fstw_file *f, int is_var, uint32_t id, char *buf, size_t cap,
                           size_t *len_out)
{
    size_t need = is_var ? fstw_var_full_name(f, id, NULL, 0) : fstw_scope_full_name(f, id, NULL, 0);
    size_t got = is_var ? fstw_var_full_name(f, id, buf, cap) : fstw_scope_full_name(f, id, buf, cap);
    if (need != got) abort();
    /* a tiny buffer must be cut, not overrun */
    char small[4];
    size_t again = is_var ? fstw_var_full_name(f, id, small, sizeof small)
                          : fstw_scope_full_name(f, id, small, sizeof small);
    if (again != need || strlen(small) >= sizeof small) abort();
    *len_out = got < cap ? got : cap - 1;
    return sum_bytes(buf, *len_out);
}

static void walk_hierarchy(const fstw_file *f)
{
    uint64_t s = 0;
    const fstw_header *h = fstw_file_header(f);
    s += h->start_time + h->end_time + h->scope_count + h->var_count + h->max_handle;
    s += strlen(h->version) + strlen(h->date);
    uint32_t factor;
    int unit;
    if (fstw_timescale(f, &factor, &unit) == 0) s += factor + (uint64_t)unit;

    enum { NAME_CAP = 1 << 16 };
    char *name = malloc(NAME_CAP);
    if (!name) abort();
    size_t nlen;

    uint32_t ns = fstw_scope_count(f), nv = fstw_var_count(f);
    for (uint32_t i = 0; i < ns; i++) {
        fstw_scope_info si;
        if (fstw_scope_get(f, i, &si) != FSTW_OK) abort();
        s += sum_str(si.name) + sum_str(si.component) + si.parent + si.type;
        if (si.parent != FSTW_NONE && si.parent >= ns) abort();
        s += fstw_scope_type_name(si.type)[0];
        for (uint32_t k = 0; k < si.n_scopes; k++) {
            if (si.scopes[k] >= ns) abort();
            s += si.scopes[k];
        }
        for (uint32_t k = 0; k < si.n_vars; k++) {
            if (si.vars[k] >= nv) abort();
            s += si.vars[k];
        }
    }
    for (uint32_t i = 0; i < ns; i = (uint32_t)next_index(i, ns))
        s += full_names(f, 0, i, name, NAME_CAP, &nlen);
    fstw_scope_info bad;
    if (fstw_scope_get(f, ns, &bad) != FSTW_ERR_ARG) abort();

    for (uint32_t i = 0; i < nv; i++) {
        fstw_var_info vi;
        if (fstw_var_get(f, i, &vi) != FSTW_OK) abort();
        s += sum_str(vi.name) + vi.parent + vi.var_type + vi.direction + vi.encoding;
        s += vi.bitwidth + vi.signal_ref + (uint64_t)vi.msb + (uint64_t)vi.lsb + vi.enum_id;
        if (vi.has_vhdl_type_name) s += sum_str(vi.vhdl_type_name);
        s += fstw_var_type_name(vi.var_type)[0] + fstw_direction_name(vi.direction)[0];
        if (vi.parent != FSTW_NONE && vi.parent >= ns) abort();
        if (vi.enum_id != FSTW_NONE) {
            fstw_str en;
            uint32_t np;
            if (fstw_enum_get(f, vi.enum_id, &en, &np) != FSTW_OK) abort();
        }
    }
    for (uint32_t i = 0; i < nv; i = (uint32_t)next_index(i, nv)) {
        s += full_names(f, 1, i, name, NAME_CAP, &nlen);
        /* the lookup of a full name terminates and stays in range, whatever it finds */
        uint32_t found = fstw_lookup_var(f, name, nlen);
        if (found != FSTW_NONE && found >= nv) abort();
        s += found;
    }
    fstw_var_info vbad;
    if (fstw_var_get(f, nv, &vbad) != FSTW_ERR_ARG) abort();

    uint32_t n;
    const uint32_t *top = fstw_top_scopes(f, &n);
    for (uint32_t k = 0; k < n; k++) if (top[k] >= ns) abort();
    top = fstw_top_vars(f, &n);
    for (uint32_t k = 0; k < n; k++) if (top[k] >= nv) abort();

    uint32_t ne = fstw_enum_count(f);
    for (uint32_t e = 0; e < ne; e++) {
        fstw_str en, val, lit;
        uint32_t np;
        if (fstw_enum_get(f, e, &en, &np) != FSTW_OK) abort();
        s += sum_str(en);
        for (uint32_t k = 0; k < np; k++) {
            if (fstw_enum_pair(f, e, k, &val, &lit) != FSTW_OK) abort();
            s += sum_str(val) + sum_str(lit);
        }
        if (fstw_enum_pair(f, e, np, &val, &lit) != FSTW_ERR_ARG) abort();
    }

    static const char *const paths[] = { "", ".", "..", "top", "top.clk", "a.b.c", "TOP.t.x",
                                         "x[0]", ".a", "a." };
    for (size_t k = 0; k < sizeof paths / sizeof *paths; k++) {
        uint32_t v = fstw_lookup_var(f, paths[k], strlen(paths[k]));
        if (v != FSTW_NONE && v >= nv) abort();
        s += v;
    }
    free(name);
    g_sink += s;
}

static uint64_t read_value(const fstw_signal *sig, size_t i, uint8_t *scratch, size_t scratch_len)
{
    fstw_value v;
    if (fstw_signal_value(sig, i, &v, scratch, scratch_len) != FSTW_OK) abort();
    uint64_t s = (uint64_t)v.kind + v.bits + v.len;
    switch (v.kind) {
    case FSTW_VAL_BITS2:
    case FSTW_VAL_LOGIC:
    case FSTW_VAL_STRING:
        if (v.len && !v.data) abort();
        s += sum_bytes(v.data, v.len);
        break;
    case FSTW_VAL_REAL: {
        uint64_t r;
        memcpy(&r, &v.real, sizeof r);
        s += r;
        break;
    }
    default:
        break;
    }
    return s;
}

static void read_signal(const fstw_file *f, const fstw_signal *sig)
{
    uint64_t s = fstw_signal_ref(sig) + (uint64_t)fstw_signal_encoding(sig) + fstw_signal_bitwidth(sig);
    size_t n = fstw_signal_len(sig);
    size_t scratch_len = fstw_signal_scratch_size(sig);
    uint8_t *scratch = scratch_len ? malloc(scratch_len) : NULL;
    if (scratch_len && !scratch) abort();
    size_t ntt;
    const uint64_t *tt = fstw_time_table(f, &ntt);
    for (size_t i = 0; i < n; i = next_index(i, n)) {
        uint32_t ti = fstw_signal_time_index(sig, i);
        uint64_t t = fstw_signal_time(sig, i);
        s += ti + t + read_value(sig, i, scratch, scratch_len);
        int64_t k = fstw_signal_find(sig, ti);
        if (k < 0 || (size_t)k >= n) abort();
        fstw_query q;
        fstw_signal_query(sig, t, &q);
        if (q.change >= (int64_t)n || q.next_change >= (int64_t)n) abort();
        if (q.change >= 0) s += read_value(sig, (size_t)q.change, scratch, scratch_len);
        if (q.next_change >= 0) s += read_value(sig, (size_t)q.next_change, scratch, scratch_len);
        if (t) {
            fstw_signal_query(sig, t - 1, &q);
            if (q.change >= (int64_t)n || q.next_change >= (int64_t)n) abort();
        }
        if (tt && ti < ntt) s += tt[ti];
    }
    fstw_value v;
    if (fstw_signal_value(sig, n, &v, scratch, scratch_len) != FSTW_ERR_ARG) abort();
    s += (uint64_t)fstw_signal_find(sig, 0) + (uint64_t)fstw_signal_find(sig, UINT64_MAX);
    fstw_query q;
    fstw_signal_query(sig, 0, &q);
    fstw_signal_query(sig, UINT64_MAX, &q);
    if (q.change >= (int64_t)n) abort();
    free(scratch);
    g_sink += s;
}

/* The viewer calls on a loaded signal (fstw_view.c): the window of the whole
 * range and of its middle, copied out into buffers of the sizes the API
 * gives, a summary of 16 slices and the gather of its first and last
 * changes; every byte is read. */
static void view_signal(const fstw_signal *sig, uint64_t t0, uint64_t t1)
{
    uint64_t s = 0;
    for (int pass = 0; pass < 2; pass++) {
        uint64_t a = pass ? t0 + (t1 - t0) / 3 : t0, b = pass ? t1 - (t1 - t0) / 3 : t1;
        fstw_window w;
        if (fstw_signal_window(sig, a, b, &w) != FSTW_OK || w.first > w.end || w.end > fstw_signal_len(sig)) abort();
        size_t n = w.end - w.first, nb = fstw_signal_values_bytes(sig, w.first, w.end);
        uint64_t *times = malloc((n ? n : 1) * sizeof *times), *offs = malloc((n + 1) * sizeof *offs);
        uint8_t *vals = malloc(nb ? nb : 1);
        if (!times || !offs || !vals) abort();
        if (fstw_signal_copy_times(sig, w.first, w.end, times) != FSTW_OK) abort();
        if (fstw_signal_copy_values(sig, w.first, w.end, vals, offs) != FSTW_OK) abort();
        for (size_t i = 0; i < n; i++) s += times[i];
        for (size_t i = 0; i < nb; i++) s += vals[i];
        free(times);
        free(offs);
        free(vals);
        enum { B = 16 };
        uint64_t bounds[B + 1], counts[B], goffs[B + 1];
        int64_t first[B], last[B];
        if (fstw_signal_summary(sig, a, b, B, bounds, first, counts, last) != FSTW_OK) abort();
        size_t gb = fstw_signal_gather_bytes(sig, first, B);
        uint8_t *g = malloc(gb ? gb : 1);
        if (!g || fstw_signal_gather_values(sig, first, B, g, goffs) != FSTW_OK) abort();
        for (size_t i = 0; i < gb; i++) s += g[i];
        for (int k = 0; k < B; k++) s += bounds[k] + counts[k] + (uint64_t)first[k] + (uint64_t)last[k];
        free(g);
    }
    if (t1 > t0) {
        fstw_window w;
        if (fstw_signal_window(sig, t1, t0, &w) != FSTW_ERR_ARG) abort();
    }
    g_sink += s;
}

/* The tools' text and picture of the first signals (fstw_show.c, fstw_render.c). */
static void draw_signals(const fstw_file *f, fstw_signal *const *sigs, size_t n)
{
    const fstw_header *hd = fstw_file_header(f);
    fstw_render_row rows[4];
    size_t k = n < 4 ? n : 4;
    for (size_t i = 0; i < k; i++) {
        rows[i].signal = sigs[i];
        rows[i].label = "top.x<&>";
        rows[i].var = FSTW_NONE;
    }
    if (!k) return;
    fstw_error err;
    char *out = NULL;
    size_t len = 0;
    fstw_render_options o = { hd->start_time, hd->end_time, 64, FSTW_RADIX_HEX };
    if (o.t1 <= o.t0) o.t1 = o.t0 + 1;
    if (fstw_render_svg(f, rows, k, &o, &out, &len, &err) == FSTW_OK) {
        for (size_t i = 0; i < len; i++) g_sink += (uint8_t)out[i];
        fstw_free(out);
    }
    out = NULL;
    if (fstw_show_text(f, rows, k, hd->start_time, hd->end_time, FSTW_RADIX_DEC, &out, &len, &err) == FSTW_OK) {
        for (size_t i = 0; i < len; i++) g_sink += (uint8_t)out[i];
        fstw_free(out);
    }
}

static void load_all(fstw_file *f)
{
    fstw_error err;
    uint32_t nu;
    const uint32_t *uv = fstw_unique_vars(f, &nu);
    uint32_t nsig = fstw_signal_count(f);
    /* the unique vars' signals, one repeated ref (it gets its own handle),
     * and up to 4096 signals no var names (shaped by the geometry) */
    enum { UNNAMED_MAX = 4096 };
    size_t cap = (size_t)nu + 1 + UNNAMED_MAX, n = 0;
    uint32_t *refs = malloc(cap * sizeof *refs);
    fstw_signal **sigs = calloc(cap, sizeof *sigs);
    uint8_t *named = calloc(nsig ? nsig : 1, 1);
    if (!refs || !sigs || !named) abort();
    for (uint32_t i = 0; i < nu; i++) {
        fstw_var_info vi;
        if (uv[i] >= fstw_var_count(f) || fstw_var_get(f, uv[i], &vi) != FSTW_OK) abort();
        if (vi.signal_ref >= nsig) abort();
        refs[n++] = vi.signal_ref;
        named[vi.signal_ref] = 1;
    }
    if (nu) refs[n++] = refs[0];
    for (uint32_t r = 0, extra = 0; r < nsig && extra < UNNAMED_MAX; r++)
        if (!named[r]) { refs[n++] = r; extra++; }
    free(named);

    size_t ntt;
    const uint64_t *tt = fstw_time_table(f, &ntt);
    uint64_t s = 0;
    for (size_t i = 0; i < ntt; i++) s += tt[i];
    if (ntt) {
        s += (uint64_t)fstw_time_index_at(f, tt[0]) + (uint64_t)fstw_time_index_at(f, tt[ntt - 1]);
        s += (uint64_t)fstw_time_index_at(f, UINT64_MAX) + (uint64_t)fstw_time_index_at(f, 0);
    }
    g_sink += s;

    /* a single signal first: the chain-table index is built by this load */
    fstw_signal *first = NULL;
    size_t first_k = n / 2;
    if (n && fstw_load_signals(f, &refs[first_k], 1, &first, 0, &err) != FSTW_OK) {
        if (first) abort();
        first = NULL;
    }
    if (fstw_load_signals(f, refs, n, sigs, 1, &err) == FSTW_OK) {
        const fstw_header *hd = fstw_file_header(f);
        uint64_t v0 = hd->start_time, v1 = hd->end_time > v0 ? hd->end_time : v0;
        for (size_t i = 0; i < n; i++) {
            if (!sigs[i]) abort();
            read_signal(f, sigs[i]);
            if (i < 256) view_signal(sigs[i], v0, v1);
        }
        draw_signals(f, sigs, n);
        /* what the batch read completely, a single load reads the same */
        if (n && (!first || !same_signal(first, sigs[first_k]))) abort();
        size_t step = n > 4 ? n / 4 : 1;
        for (size_t i = 0; i < n; i += step) {
            fstw_signal *one = NULL;
            if (fstw_load_signals(f, &refs[i], 1, &one, 0, &err) != FSTW_OK || !same_signal(one, sigs[i])) abort();
            fstw_signal_free(one);
        }
        for (size_t i = 0; i < n; i++) fstw_signal_free(sigs[i]);
    } else {
        for (size_t i = 0; i < n; i++) if (sigs[i]) abort(); /* nothing on error */
        if (!err.message[0]) abort();
        if (g_verbose) fprintf(stderr, "  load: %s: %s\n", fstw_status_name(err.code), err.message);
    }
    /* an out-of-range ref is an argument error, not a crash */
    fstw_signal_free(first);
    uint32_t badref = nsig;
    fstw_signal *one = NULL;
    if (fstw_load_signals(f, &badref, 1, &one, 0, &err) == FSTW_OK || one) abort();
    free(refs);
    free(sigs);
}

/* The one-pass stream over every signal (with values tracked), then over a
 * few refs, then one stopped early; every reported value is read. */
static void stream_all(fstw_file *f)
{
    fstw_error err;
    fstw_stream *s = NULL;
    if (fstw_stream_open(f, NULL, 0, 1, 1, &s, &err) != FSTW_OK) {
        if (s || !err.message[0]) abort();
        return;
    }
    fstw_change c;
    int r;
    size_t n = 0;
    while ((r = fstw_stream_next(s, &c, &err)) == 1 && n < 2000000) {
        g_sink += c.time + c.ref + (uint64_t)c.new_step + (uint64_t)c.changed + sum_bytes(c.value.data, c.value.len);
        fstw_value v;
        if (!fstw_stream_value(s, c.ref, &v)) abort(); /* the change just reported */
        n++;
    }
    if (r < 0 && !err.message[0]) abort();
    fstw_stream_close(s);
    uint32_t ns = fstw_signal_count(f);
    uint32_t refs[3] = { 0, ns / 2, ns ? ns - 1 : 0 };
    if (ns && fstw_stream_open(f, refs, 3, 0, 0, &s, &err) == FSTW_OK) {
        for (int k = 0; k < 50 && fstw_stream_next(s, &c, &err) == 1; k++) g_sink += c.time;
        fstw_stream_close(s);
    }
    uint32_t bad = ns;
    s = NULL;
    if (fstw_stream_open(f, &bad, 1, 0, 0, &s, &err) != FSTW_ERR_ARG || s) abort();
}

static const char *g_path_now; /* the path run_once opens */

static void run_once(const fstw_open_options *opts)
{
    fstw_file *f = NULL;
    fstw_error err;
    int rc = fstw_open(g_path_now, opts, &f, &err);
    if (g_path_now != g_path) { /* side-file input: nothing stays on disk */
        unlink(g_side_fst);
        unlink(g_side_hier);
    }
    if (rc != FSTW_OK) {
        if (f || !err.message[0] || err.code != rc) abort();
        g_sink += fstw_status_name(rc)[0];
        if (g_verbose) fprintf(stderr, "  open: %s: %s\n", fstw_status_name(rc), err.message);
        return;
    }
    if (g_verbose)
        fprintf(stderr, "  open: ok, %u scopes, %u vars, %u signals\n", fstw_scope_count(f),
                fstw_var_count(f), fstw_signal_count(f));
    walk_hierarchy(f);
    stream_all(f);
    load_all(f);
    fstw_close(f);
}

/* ---- inputs with a hierarchy side file: FST bytes, "FSTWHIER", side file.
 * They are written as DIR/w.fst and DIR/w.fst.hier in a per-process
 * directory under /dev/shm (or /tmp), both unlinked once each open has
 * returned (the core keeps its own descriptor). */

static void remove_dir(void)
{
    if (!g_dir[0]) return;
    unlink(g_side_fst);
    unlink(g_side_hier);
    rmdir(g_dir);
}

static void write_file(const char *path, const uint8_t *data, size_t size)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) fail_setup(path);
    size_t done = 0;
    while (done < size) {
        ssize_t w = write(fd, data + done, size - done);
        if (w < 0) {
            if (errno == EINTR) continue;
            fail_setup("write");
        }
        done += (size_t)w;
    }
    close(fd);
}

static void setup_dir(void)
{
    if (g_dir[0]) return;
    snprintf(g_dir, sizeof g_dir, "/dev/shm/fstwave-fuzz-XXXXXX");
    if (!mkdtemp(g_dir)) {
        snprintf(g_dir, sizeof g_dir, "/tmp/fstwave-fuzz-XXXXXX");
        if (!mkdtemp(g_dir)) fail_setup("mkdtemp");
    }
    snprintf(g_side_fst, sizeof g_side_fst, "%s/w.fst", g_dir);
    snprintf(g_side_hier, sizeof g_side_hier, "%s/w.fst.hier", g_dir);
    atexit(remove_dir);
}

/* One input: the defaults, and for odd sizes (of the whole input) the lazy,
 * flattening options too. With side, the files are rewritten before each
 * open (run_once unlinks them). */
static void run_modes(const char *path, size_t size, const uint8_t *fst, size_t fst_len,
                      const uint8_t *side, size_t side_len)
{
    fstw_open_options o;
    fstw_open_options_init(&o);
    /* half of the inputs build pywellen 0.25's hierarchy (split vectors merged into
     * derived signals, which the loads and the stream then compute) */
    if (size & 2) o.hierarchy_rules = FSTW_HIERARCHY_PYWELLEN_025;
    for (int mode = 0; mode < 1 + (int)(size & 1); mode++) {
        if (mode == 1) {
            o.load_body = 0;
            o.remove_scopes_with_empty_name = 1;
            o.multi_threaded = 0;
            setenv("FSTWAVE_PARALLEL_MIN_BYTES", "0", 1); /* the batch on threads */
        } else {
            unsetenv("FSTWAVE_PARALLEL_MIN_BYTES");
        }
        if (side) {
            write_file(g_side_fst, fst, fst_len);
            write_file(g_side_hier, side, side_len);
        }
        g_path_now = path;
        run_once(&o);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup_file();
    const uint8_t *m = memmem(data, size, SIDE_MARKER, sizeof SIDE_MARKER);
    if (!m) {
        write_input(data, size);
        run_modes(g_path, size, data, size, NULL, 0);
    } else {
        setup_dir();
        size_t fst_len = (size_t)(m - data);
        const uint8_t *side = m + sizeof SIDE_MARKER;
        run_modes(g_side_fst, size, data, fst_len, side, size - fst_len - sizeof SIDE_MARKER);
    }
    return 0;
}
