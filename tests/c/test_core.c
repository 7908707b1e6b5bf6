/* test_core.c - tests of the fstwave C core, run by `make test-c`.
 *
 * For every FST file named on the command line (the corpus and the
 * generated fixtures): open, walk the hierarchy checking its invariants,
 * load every signal and check the stored changes and lookups; then the
 * error paths (missing file, directory, empty file, VCD text, truncated
 * copies).  Prints "N passed, N failed" and exits non-zero on any failure. */
#include "fstwave.h"
#include "same_signal.h"

/* internal (fstw_load.c): loads run on several threads, by split */
void fstwi_split_counts(unsigned long *by_signal, unsigned long *by_block);
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int passed, failed;
static const char *current;

#define CHECK(cond, ...)                                              \
    do {                                                              \
        if (cond) passed++;                                           \
        else {                                                        \
            failed++;                                                 \
            fprintf(stderr, "FAIL %s:%d [%s] ", __FILE__, __LINE__, current); \
            fprintf(stderr, __VA_ARGS__);                             \
            fputc('\n', stderr);                                      \
        }                                                             \
    } while (0)

static void check_hierarchy(fstw_file *f)
{
    uint32_t ns = fstw_scope_count(f), nv = fstw_var_count(f), nsig = fstw_signal_count(f);
    uint32_t *seen_scope = calloc(ns + 1, sizeof *seen_scope), *seen_var = calloc(nv + 1, sizeof *seen_var);
    /* every scope and var is reachable exactly once from the top, and its parent link agrees */
    uint32_t n_top, n_top_vars;
    const uint32_t *top = fstw_top_scopes(f, &n_top);
    const uint32_t *top_vars = fstw_top_vars(f, &n_top_vars);
    uint32_t *stack = malloc((ns + 1) * sizeof *stack);
    size_t sp = 0;
    for (uint32_t i = 0; i < n_top; i++) stack[sp++] = top[i];
    for (uint32_t i = 0; i < n_top_vars; i++) {
        fstw_var_info vi;
        CHECK(fstw_var_get(f, top_vars[i], &vi) == FSTW_OK && vi.parent == FSTW_NONE, "top var %u parent", top_vars[i]);
        seen_var[top_vars[i]]++;
    }
    while (sp) {
        uint32_t s = stack[--sp];
        fstw_scope_info si;
        CHECK(fstw_scope_get(f, s, &si) == FSTW_OK, "scope %u", s);
        seen_scope[s]++;
        for (uint32_t i = 0; i < si.n_scopes; i++) {
            fstw_scope_info ci;
            fstw_scope_get(f, si.scopes[i], &ci);
            CHECK(ci.parent == s, "child scope %u of %u has parent %u", si.scopes[i], s, ci.parent);
            if (sp < ns) stack[sp++] = si.scopes[i];
        }
        for (uint32_t i = 0; i < si.n_vars; i++) {
            fstw_var_info vi;
            fstw_var_get(f, si.vars[i], &vi);
            CHECK(vi.parent == s, "var %u of scope %u has parent %u", si.vars[i], s, vi.parent);
            seen_var[si.vars[i]]++;
        }
        /* the full name ends with the name, and the parent's full name is its prefix */
        char buf[4096], pbuf[4096];
        size_t n = fstw_scope_full_name(f, s, buf, sizeof buf);
        if (n < sizeof buf && si.parent != FSTW_NONE) {
            size_t pn = fstw_scope_full_name(f, si.parent, pbuf, sizeof pbuf);
            CHECK(pn + 1 + si.name.len == n && memcmp(buf, pbuf, pn) == 0 && buf[pn] == '.',
                  "scope full name %s vs parent %s", buf, pbuf);
        }
    }
    int all_once = 1;
    for (uint32_t i = 0; i < ns; i++) all_once &= seen_scope[i] == 1;
    for (uint32_t i = 0; i < nv; i++) all_once &= seen_var[i] == 1;
    CHECK(all_once, "every scope and var reachable exactly once");
    CHECK(fstw_scope_get(f, ns, &(fstw_scope_info){0}) == FSTW_ERR_ARG, "scope id out of range");
    CHECK(fstw_var_get(f, nv, &(fstw_var_info){0}) == FSTW_ERR_ARG, "var id out of range");

    /* vars: encodings and widths agree, refs in range, lookup by full name finds a var of that name */
    for (uint32_t v = 0; v < nv; v++) {
        fstw_var_info vi;
        fstw_var_get(f, v, &vi);
        CHECK(vi.signal_ref < nsig, "var %u signal_ref %u < %u", v, vi.signal_ref, nsig);
        CHECK((vi.encoding == FSTW_ENC_BITS) == (vi.bitwidth >= 1), "var %u bitwidth %u encoding %u", v, vi.bitwidth, vi.encoding);
        CHECK(strcmp(fstw_var_type_name(vi.var_type), "Unknown") != 0, "var %u type %u has a name", v, vi.var_type);
        if (vi.enum_id != FSTW_NONE) {
            fstw_str name;
            uint32_t np;
            CHECK(fstw_enum_get(f, vi.enum_id, &name, &np) == FSTW_OK, "var %u enum %u", v, vi.enum_id);
        }
        /* get_signal_from_path finds a var of this name (names with dots cannot be looked up) */
        char buf[4096];
        size_t n = fstw_var_full_name(f, v, buf, sizeof buf);
        int dotted = memchr(vi.name.ptr, '.', vi.name.len) != NULL;
        for (uint32_t p = vi.parent; p != FSTW_NONE && !dotted;) {
            fstw_scope_info pi;
            fstw_scope_get(f, p, &pi);
            dotted = pi.name.len == 0 || memchr(pi.name.ptr, '.', pi.name.len) != NULL;
            p = pi.parent;
        }
        if (n < sizeof buf && !dotted) {
            uint32_t hit = fstw_lookup_var(f, buf, n);
            fstw_var_info hi;
            CHECK(hit != FSTW_NONE && fstw_var_get(f, hit, &hi) == FSTW_OK && hi.name.len == vi.name.len &&
                      memcmp(hi.name.ptr, vi.name.ptr, vi.name.len) == 0,
                  "lookup of %s", buf);
        }
    }
    /* unique vars: ascending signal refs, each the last var declared with its ref */
    uint32_t *last = malloc((nsig + 1) * sizeof *last);
    for (uint32_t i = 0; i <= nsig; i++) last[i] = FSTW_NONE;
    for (uint32_t v = 0; v < nv; v++) {
        fstw_var_info vi;
        fstw_var_get(f, v, &vi);
        if (vi.signal_ref < nsig) last[vi.signal_ref] = v;
    }
    uint32_t nu, expect = 0;
    const uint32_t *uv = fstw_unique_vars(f, &nu);
    int uniq_ok = 1;
    for (uint32_t r = 0; r < nsig; r++) {
        if (last[r] == FSTW_NONE) continue;
        uniq_ok &= expect < nu && uv[expect] == last[r];
        expect++;
    }
    CHECK(uniq_ok && expect == nu, "unique vars are the last var of each signal, ascending");
    free(last);
    free(seen_scope);
    free(seen_var);
    free(stack);
}

/* Loads the signal of every unique var in one call; *refs and *sigs are
 * allocated (nu entries each, the signals NULL on failure). */
static int load_all(fstw_file *f, uint32_t *nu, uint32_t **refs, fstw_signal ***sigs, fstw_error *err)
{
    const uint32_t *uv = fstw_unique_vars(f, nu);
    *refs = malloc((*nu + 1) * sizeof **refs);
    *sigs = calloc(*nu + 1, sizeof **sigs);
    for (uint32_t i = 0; i < *nu; i++) {
        fstw_var_info vi;
        fstw_var_get(f, uv[i], &vi);
        (*refs)[i] = vi.signal_ref;
    }
    return fstw_load_signals(f, *refs, *nu, *sigs, 0, err);
}


/* The load paths give the same signals as the one-pass batch load: signals
 * loaded one at a time (checkpoint lookups in the chain-table index, with
 * windows of the table read on demand), the batch on several threads (forced
 * with FSTWAVE_PARALLEL_MIN_BYTES=0; the blocks are split between threads and
 * joined), and first loads on a fresh handle (index built during the load,
 * serially and in parallel). */
static void check_load_paths(const char *path, uint32_t nu, const uint32_t *refs, fstw_signal **sigs)
{
    fstw_error err;
    uint32_t step = nu > 1500 ? nu / 1500 + 1 : 1;
    int ok = 1;
    fstw_file *f;
    if (fstw_open(path, NULL, &f, &err) != FSTW_OK) { CHECK(0, "reopen: %s", err.message); return; }
    /* first load on a fresh handle: a single signal (index built on the way) */
    if (nu) {
        fstw_signal *one = NULL;
        uint32_t k = nu / 2;
        ok = fstw_load_signals(f, &refs[k], 1, &one, 0, &err) == FSTW_OK && same_signal(one, sigs[k]);
        fstw_signal_free(one);
        CHECK(ok, "first load of one signal (ref %u) equals the batch", refs[k]);
    }
    /* then one at a time through the checkpoints */
    ok = 1;
    for (uint32_t k = 0; k < nu && ok; k += step) {
        fstw_signal *one = NULL;
        ok = fstw_load_signals(f, &refs[k], 1, &one, 0, &err) == FSTW_OK && same_signal(one, sigs[k]);
        if (!ok) CHECK(0, "single load of ref %u equals the batch", refs[k]);
        fstw_signal_free(one);
    }
    CHECK(ok, "single loads equal the batch");
    /* the batch on several threads */
    setenv("FSTWAVE_PARALLEL_MIN_BYTES", "0", 1);
    for (int fresh = 0; fresh < 2; fresh++) {
        fstw_file *g = f;
        if (fresh && fstw_open(path, NULL, &g, &err) != FSTW_OK) { CHECK(0, "reopen: %s", err.message); break; }
        fstw_signal **par = calloc(nu + 1, sizeof *par);
        ok = fstw_load_signals(g, refs, nu, par, 1, &err) == FSTW_OK;
        for (uint32_t k = 0; k < nu && ok; k++) ok = same_signal(par[k], sigs[k]);
        CHECK(ok, "parallel batch load (%s handle) equals the serial one", fresh ? "fresh" : "indexed");
        for (uint32_t k = 0; k < nu; k++) fstw_signal_free(par[k]);
        free(par);
        if (fresh) fstw_close(g);
    }
    /* a few signals on threads (up to 7 at a time, for up to 210 signals): the
     * blocks are split between the threads and the runs joined (many signals
     * are split by signal instead) */
    ok = 1;
    for (uint32_t k0 = 0; k0 < nu && k0 < 210 && ok; k0 += 7) {
        uint32_t nf = nu - k0 < 7 ? nu - k0 : 7;
        fstw_signal *par[7] = { NULL };
        ok = fstw_load_signals(f, refs + k0, nf, par, 1, &err) == FSTW_OK;
        for (uint32_t k = 0; k < nf && ok; k++) ok = same_signal(par[k], sigs[k0 + k]);
        for (uint32_t k = 0; k < nf; k++) fstw_signal_free(par[k]);
    }
    CHECK(ok, "parallel loads of a few signals (blocks split) equal the serial one");
    unsetenv("FSTWAVE_PARALLEL_MIN_BYTES");
    fstw_close(f);
}

static void check_signals(fstw_file *f)
{
    size_t nt;
    const uint64_t *tt = fstw_time_table(f, &nt);
    for (size_t i = 1; i < nt; i++)
        if (tt[i] < tt[i - 1]) { CHECK(0, "time table decreases at %zu", i); break; }
    uint32_t nu, *refs;
    fstw_signal **sigs;
    fstw_error err;
    int rc = load_all(f, &nu, &refs, &sigs, &err);
    CHECK(rc == FSTW_OK, "load all signals: %s", rc ? err.message : "");
    if (rc == FSTW_OK) check_load_paths(current, nu, refs, sigs);
    for (uint32_t i = 0; rc == FSTW_OK && i < nu; i++) {
        fstw_signal *s = sigs[i];
        size_t n = fstw_signal_len(s);
        size_t scratch_len = fstw_signal_scratch_size(s);
        uint8_t *scratch = malloc(scratch_len + 1);
        int ok = fstw_signal_ref(s) == refs[i];
        fstw_value prev_v = {0};
        for (size_t k = 0; k < n && ok; k++) {
            uint32_t ti = fstw_signal_time_index(s, k);
            ok &= ti < nt;
            ok &= k == 0 || ti >= fstw_signal_time_index(s, k - 1);
            ok &= fstw_signal_time(s, k) == tt[ti];
            ok &= ti == 0 || tt[ti - 1] != tt[ti]; /* first index of its time */
            fstw_value v;
            ok &= fstw_signal_value(s, k, &v, scratch, scratch_len) == FSTW_OK;
            if (v.kind == FSTW_VAL_BITS2) {
                ok &= v.len == (v.bits + 7) / 8;
                if (v.bits % 8) ok &= (v.data[0] >> (v.bits % 8)) == 0; /* unused high bits zero */
            } else if (v.kind == FSTW_VAL_LOGIC) {
                ok &= v.len == v.bits;
                int other = 0;
                for (size_t j = 0; j < v.len; j++) {
                    ok &= strchr("01xzhuwl-", v.data[j]) != NULL && v.data[j] != 0;
                    other |= v.data[j] != '0' && v.data[j] != '1';
                }
                ok &= other; /* a LOGIC value has a state other than 0/1 */
            }
            /* de-duplication: a stored change differs from the one before it (events excepted) */
            if (k > 0 && v.kind != FSTW_VAL_EVENT && v.kind == prev_v.kind && v.kind != FSTW_VAL_REAL &&
                v.kind != FSTW_VAL_BITS2)
                ok &= !(v.len == prev_v.len && memcmp(v.data, prev_v.data, v.len) == 0);
            if (v.kind != FSTW_VAL_BITS2) prev_v = v;
            else prev_v.kind = -1;
            /* lookups: the step's settled value and the query agree */
            int64_t at = fstw_signal_find(s, ti);
            ok &= at >= (int64_t)k && fstw_signal_time_index(s, (size_t)at) == ti;
            fstw_query q;
            fstw_signal_query(s, tt[ti], &q);
            ok &= q.change == at;
            ok &= q.next_change == (at + 1 < (int64_t)n ? at + 1 : -1);
        }
        if (n) {
            fstw_query q;
            uint64_t t0 = fstw_signal_time(s, 0);
            if (t0 > 0) {
                fstw_signal_query(s, t0 - 1, &q);
                ok &= q.change == -1 && q.next_change == 0;
                ok &= fstw_signal_find(s, fstw_signal_time_index(s, 0) - 1) == -1 || fstw_signal_time_index(s, 0) == 0;
            }
        }
        CHECK(ok, "signal %u (ref %u) changes and lookups", i, refs[i]);
        free(scratch);
    }
    /* a repeated ref gives an equal, separate signal */
    if (nu) {
        uint32_t two[2] = { refs[0], refs[0] };
        fstw_signal *out[2];
        CHECK(fstw_load_signals(f, two, 2, out, 1, &err) == FSTW_OK && out[0] != out[1] &&
                  fstw_signal_len(out[0]) == fstw_signal_len(out[1]) && fstw_signal_len(out[0]) == fstw_signal_len(sigs[0]),
              "repeated ref");
        fstw_signal_free(out[0]);
        fstw_signal_free(out[1]);
        uint32_t bad = fstw_signal_count(f);
        CHECK(fstw_load_signals(f, &bad, 1, out, 0, &err) == FSTW_ERR_ARG, "ref out of range rejected");
    }
    for (uint32_t i = 0; i < nu; i++) fstw_signal_free(sigs[i]);
    free(sigs);
    free(refs);
}

static void check_file(const char *path)
{
    current = path;
    fstw_file *f;
    fstw_error err;
    fstw_open_options o;
    fstw_open_options_init(&o);
    o.load_body = 0;
    int rc = fstw_open(path, &o, &f, &err);
    CHECK(rc == FSTW_OK, "open: %s", rc ? err.message : "");
    if (rc) return;
    CHECK(!fstw_body_loaded(f), "lazy body");
    const fstw_header *h = fstw_file_header(f);
    CHECK(h->start_time <= h->end_time || h->end_time == 0, "time range %llu..%llu",
          (unsigned long long)h->start_time, (unsigned long long)h->end_time);
    check_hierarchy(f);
    CHECK(fstw_load_body(f, &err) == FSTW_OK && fstw_body_loaded(f), "load body");
    check_signals(f);
    fstw_close(f);
}

static int open_code(const char *path, char *msg, size_t msglen)
{
    fstw_file *f = NULL;
    fstw_error err;
    int rc = fstw_open(path, NULL, &f, &err);
    if (msg) snprintf(msg, msglen, "%s", rc ? err.message : "");
    if (rc == FSTW_OK) {
        /* whatever opened must read completely */
        uint32_t nu, *refs;
        fstw_signal **sigs;
        if (load_all(f, &nu, &refs, &sigs, &err) == FSTW_OK)
            for (uint32_t i = 0; i < nu; i++) fstw_signal_free(sigs[i]);
        free(refs);
        free(sigs);
        fstw_close(f);
    }
    return rc;
}

static void check_errors(const char *tmpdir, const char *sample)
{
    char path[4096], msg[512];
    current = "errors";
    snprintf(path, sizeof path, "%s/does-not-exist.fst", tmpdir);
    CHECK(open_code(path, msg, sizeof msg) == FSTW_ERR_NOENT, "missing file: %s", msg);
    CHECK(open_code(tmpdir, msg, sizeof msg) == FSTW_ERR_ISDIR, "directory: %s", msg);
    snprintf(path, sizeof path, "%s/empty.fst", tmpdir);
    fclose(fopen(path, "wb"));
    CHECK(open_code(path, msg, sizeof msg) == FSTW_ERR_FORMAT, "empty file: %s", msg);
    snprintf(path, sizeof path, "%s/wave.vcd", tmpdir);
    FILE *fp = fopen(path, "wb");
    fputs("$date today $end\n$timescale 1ns $end\n$scope module top $end\n$var wire 1 ! a $end\n"
          "$upscope $end\n$enddefinitions $end\n#0\n1!\n", fp);
    fclose(fp);
    CHECK(open_code(path, msg, sizeof msg) == FSTW_ERR_FORMAT && strstr(msg, "VCD"), "VCD file: %s", msg);

    /* truncated copies of a real file: never a crash, either a clean open or FSTW_ERR_FORMAT */
    FILE *in = fopen(sample, "rb");
    CHECK(in != NULL, "sample %s", sample);
    if (!in) return;
    fseek(in, 0, SEEK_END);
    long size = ftell(in);
    fseek(in, 0, SEEK_SET);
    uint8_t *data = malloc((size_t)size);
    CHECK(fread(data, 1, (size_t)size, in) == (size_t)size, "read sample");
    fclose(in);
    snprintf(path, sizeof path, "%s/cut.fst", tmpdir);
    int bad = 0;
    for (long cut = 1; cut < size; cut += (cut < 400 ? 7 : 97)) {
        fp = fopen(path, "wb");
        fwrite(data, 1, (size_t)cut, fp);
        fclose(fp);
        int rc = open_code(path, msg, sizeof msg);
        if (rc != FSTW_OK && rc != FSTW_ERR_FORMAT) { bad++; fprintf(stderr, "cut at %ld: %d %s\n", cut, rc, msg); }
    }
    CHECK(bad == 0, "truncated copies give FSTW_OK or FSTW_ERR_FORMAT");
    /* flipped bytes: same rule */
    bad = 0;
    for (long pos = 0; pos < size; pos += 13) {
        uint8_t keep = data[pos];
        data[pos] ^= 0x5a;
        fp = fopen(path, "wb");
        fwrite(data, 1, (size_t)size, fp);
        fclose(fp);
        data[pos] = keep;
        int rc = open_code(path, msg, sizeof msg);
        if (rc != FSTW_OK && rc != FSTW_ERR_FORMAT && rc != FSTW_ERR_NOMEM) { bad++; fprintf(stderr, "flip at %ld: %d %s\n", pos, rc, msg); }
    }
    CHECK(bad == 0, "mutated copies give FSTW_OK or FSTW_ERR_FORMAT");
    free(data);
    unlink(path);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_core TMPDIR FILE.fst...\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) check_file(argv[i]);
    check_errors(argv[1], argv[2]); /* mutations of the first file: keep it small */
    /* the multi-block files (fixtures multiblock_*, the example) made the forced
     * parallel loads of check_load_paths really run on threads, both ways */
    unsigned long by_signal, by_block;
    fstwi_split_counts(&by_signal, &by_block);
    current = "(all files)";
    if (sysconf(_SC_NPROCESSORS_ONLN) > 1)
        CHECK(by_signal > 0 && by_block > 0, "loads on threads: %lu split by signal, %lu by block", by_signal, by_block);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
