/* test_core.c - tests of the fstwave C core, run by `make test-c`.
 *
 * For every FST file named on the command line (the corpus and the
 * generated fixtures): open, walk the hierarchy checking its invariants
 * (Var width and predicates against the var's type and encoding, the
 * signal-ref check at the last ref and one past it), load every signal and
 * check the stored changes and lookups; fstw_time_index_at against a linear
 * scan of the time table, and on the small files fstw_signal_lower_bound and
 * fstw_signal_at_time against linear scans over each signal's changes.
 * Then the status table and unit names, the error paths (missing file,
 * directory, empty file, VCD, GHW and other non-FST files, truncated and
 * mutated copies: codes and the structured fields), and truncated copies of
 * the multi-block fixtures, cut at and inside every block, whose kept blocks
 * are checked exactly against the complete file.  Prints "N passed, N
 * failed" and exits non-zero on any failure. */
#define _GNU_SOURCE /* strerrorname_np */
#include "fstwave.h"
#include "same_signal.h"
#include "check.h"

/* internal (fstw_load.c): loads run on several threads, by split */
void fstwi_split_counts(unsigned long *by_signal, unsigned long *by_block);
/* internal (fstw_thread.c): the processors the loads may use */
unsigned fstwi_cpu_count(void);
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#ifdef _WIN32
#include <direct.h>
#define make_dir(path) _mkdir(path)
#else
#include <sys/stat.h>
#define make_dir(path) mkdir(path, 0777)
#endif

/* The name of an errno ("ENOENT"): glibc's strerrorname_np where there is
 * one; elsewhere (Windows, macOS) the names of the errnos FSTW_STATUS_MAP
 * uses, from the C library's own <errno.h> constants. */
static const char *errno_name(int e)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 32)
    return strerrorname_np(e);
#else
    static const struct { int e; const char *name; } names[] = {
#define NAME(e) { e, #e }
        NAME(ENOENT), NAME(EACCES), NAME(EISDIR), NAME(EIO), NAME(ENOMEM),
#undef NAME
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].e == e) return names[i].name;
    return NULL;
#endif
}

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

/* pywellen's Var.bitwidth() and is_real/is_string/is_bit_vector/is_1bit for
 * every var: the FST type name says real (Real, RealTime, RealParameter,
 * ShortReal), string (String) or event (Event), and so the encoding (a type
 * a VHDL attribute selected, Boolean ... StdULogicVector, replaces the FST
 * type's name but not its encoding: there the encoding alone decides); the
 * width is the bit count of a bit vector, 0 for an event, -1 (None) else. */
static void check_var_rules(fstw_file *f)
{
    static const char *const real_types[] = { "Real", "RealTime", "RealParameter", "ShortReal" };
    uint32_t nv = fstw_var_count(f);
    uint32_t bad = FSTW_NONE;
    for (uint32_t v = 0; v < nv && bad == FSTW_NONE; v++) {
        fstw_var_info vi;
        fstw_var_get(f, v, &vi);
        const char *tn = fstw_var_type_name(vi.var_type);
        int real = 0;
        for (size_t k = 0; k < sizeof real_types / sizeof real_types[0]; k++) real |= !strcmp(tn, real_types[k]);
        int string = !strcmp(tn, "String"), event = !strcmp(tn, "Event");
        int ok = vi.encoding == (real ? FSTW_ENC_REAL : string ? FSTW_ENC_STRING : event ? FSTW_ENC_EVENT : FSTW_ENC_BITS);
        if (vi.var_type >= FSTW_VT_BOOLEAN) { /* a VHDL type name */
            ok = vi.var_type < FSTW_VT_COUNT;
            real = vi.encoding == FSTW_ENC_REAL;
            string = vi.encoding == FSTW_ENC_STRING;
            event = vi.encoding == FSTW_ENC_EVENT;
        }
        int bits = !real && !string && !event;
        ok &= fstw_var_width(&vi) == (bits ? (int64_t)vi.bitwidth : event ? 0 : -1);
        ok &= !bits || vi.bitwidth >= 1;
        ok &= fstw_var_is_real(&vi) == real && fstw_var_is_string(&vi) == string;
        ok &= fstw_var_is_bit_vector(&vi) == bits && fstw_var_is_1bit(&vi) == (bits && vi.bitwidth == 1);
        if (!ok) bad = v;
    }
    if (bad != FSTW_NONE) {
        fstw_var_info vi;
        fstw_var_get(f, bad, &vi);
        CHECK(0, "var %u (%s, encoding %u, %u bits): width %lld, real %d string %d bit vector %d 1bit %d", bad,
              fstw_var_type_name(vi.var_type), vi.encoding, vi.bitwidth, (long long)fstw_var_width(&vi),
              fstw_var_is_real(&vi), fstw_var_is_string(&vi), fstw_var_is_bit_vector(&vi), fstw_var_is_1bit(&vi));
    } else {
        CHECK(1, "var width and predicates");
    }
}

/* fstw_check_signal_ref: the last ref is in range, one past it is not (with the
 * documented message), and err may be NULL. */
static void check_signal_ref_rule(fstw_file *f)
{
    uint32_t n = fstw_signal_count(f);
    fstw_error err;
    if (n) {
        memset(&err, 0x55, sizeof err);
        CHECK(fstw_check_signal_ref(f, n - 1, &err) == FSTW_OK, "ref %u of %u signals", n - 1, n);
        CHECK(fstw_check_signal_ref(f, n - 1, NULL) == FSTW_OK, "ref %u, no err", n - 1);
    }
    char want[160];
    snprintf(want, sizeof want, "signal ref %u is out of range for this file (%u signals)", n, n);
    int rc = fstw_check_signal_ref(f, n, &err);
    CHECK(rc == FSTW_ERR_ARG && err.code == FSTW_ERR_ARG && !strcmp(err.message, want) && err.offset == -1 &&
              err.sys_errno == 0 && !strcmp(fstw_error_reason(&err), want) && !fstw_error_syscall(&err),
          "ref %u of %u signals: %d %.80s", n, n, rc, rc ? err.message : "(accepted)");
    CHECK(fstw_check_signal_ref(f, n, NULL) == FSTW_ERR_ARG && fstw_check_signal_ref(f, UINT32_MAX, NULL) == FSTW_ERR_ARG,
          "refs %u and UINT32_MAX of %u signals, no err", n, n);
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
    set_parallel_min_bytes("0");
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
    set_parallel_min_bytes(NULL);
    fstw_close(f);
}

/* ---- lookups against linear scans (the definitions in fstwave.h) */

/* The last index i with tt[i] <= t, or -1. */
static int64_t scan_time_index(const uint64_t *tt, size_t nt, uint64_t t)
{
    int64_t r = -1;
    for (size_t i = 0; i < nt; i++)
        if (tt[i] <= t) r = (int64_t)i;
    return r;
}

static long n_repeats_probed; /* repeated table times looked up, over all files */
static long n_small_files;    /* files whose signals' lookups were checked by brute force */
#define SMALL_TABLE 2100      /* "small": at most this many table entries */
#define SMALL_CHANGES 20000   /* and changes in all */

/* fstw_time_index_at against scan_time_index at 0, UINT64_MAX and at each
 * table time, one below and one above it (every index of a table of up to
 * 2048 entries; else about 256 spread indices, the last and every repeat);
 * then the edge cases one by one: before the first time, after the last, a
 * repeated time (its LAST index), between two times (the earlier one). */
static void check_time_index_at(fstw_file *f)
{
    size_t nt;
    const uint64_t *tt = fstw_time_table(f, &nt);
    size_t step = nt <= 2048 ? 1 : nt / 256;
    uint64_t bad = 0;
    int ok = 1;
    for (size_t i = 0; i <= nt + 1 && ok; i++) {
        uint64_t probes[3];
        size_t np = 0;
        if (i == nt) probes[np++] = 0;
        else if (i == nt + 1) probes[np++] = UINT64_MAX;
        else if (i % step == 0 || i + 1 == nt || (i > 0 && tt[i] == tt[i - 1])) {
            probes[np++] = tt[i];
            if (tt[i] > 0) probes[np++] = tt[i] - 1;
            if (tt[i] < UINT64_MAX) probes[np++] = tt[i] + 1;
        }
        for (size_t k = 0; k < np && ok; k++)
            if (fstw_time_index_at(f, probes[k]) != scan_time_index(tt, nt, probes[k])) ok = 0, bad = probes[k];
    }
    CHECK(ok, "fstw_time_index_at(%llu) = %lld, a linear scan of the table gives %lld", (unsigned long long)bad,
          (long long)fstw_time_index_at(f, bad), (long long)scan_time_index(tt, nt, bad));
    if (nt == 0) {
        CHECK(fstw_time_index_at(f, 0) == -1 && fstw_time_index_at(f, UINT64_MAX) == -1, "empty time table: -1");
        return;
    }
    if (tt[0] > 0) CHECK(fstw_time_index_at(f, tt[0] - 1) == -1, "before the first time %llu: -1", (unsigned long long)tt[0]);
    CHECK(fstw_time_index_at(f, UINT64_MAX) == (int64_t)nt - 1 &&
              (tt[nt - 1] == UINT64_MAX || fstw_time_index_at(f, tt[nt - 1] + 1) == (int64_t)nt - 1),
          "after the last time: the last index %zu", nt - 1);
    int rep_ok = 1, between_ok = 1;
    for (size_t i = 0; i < nt; i++) {
        int64_t r = fstw_time_index_at(f, tt[i]);
        /* exactly at a time: an index of that time, the last one */
        rep_ok &= r >= (int64_t)i && tt[r] == tt[i] && ((size_t)r + 1 == nt || tt[r + 1] > tt[i]);
        if (i > 0 && tt[i] == tt[i - 1]) n_repeats_probed++;
        if (i + 1 < nt && tt[i + 1] > tt[i] + 1) between_ok &= fstw_time_index_at(f, tt[i] + 1) == (int64_t)i;
    }
    CHECK(rep_ok, "at each time (repeats included): the last index of that time");
    CHECK(between_ok, "between two times: the last index of the earlier one");
}

/* fstw_signal_lower_bound (first change with time >= t, else the length) and
 * fstw_signal_at_time (the last change at or before the last table step at or
 * before t, else -1) against linear scans over s's changes and the table, at
 * 0, UINT64_MAX and each change's time, one below and one above it.  Returns
 * 1, or 0 with the first difference in why. */
static int check_signal_lookups(const fstw_signal *s, const uint64_t *tt, size_t nt, char *why, size_t cap)
{
    size_t n = fstw_signal_len(s);
    for (size_t k = 0; k <= n + 1; k++) {
        uint64_t probes[3];
        size_t np = 0;
        if (k == n) probes[np++] = 0;
        else if (k == n + 1) probes[np++] = UINT64_MAX;
        else {
            uint64_t t = fstw_signal_time(s, k);
            probes[np++] = t;
            if (t > 0) probes[np++] = t - 1;
            if (t < UINT64_MAX) probes[np++] = t + 1;
        }
        for (size_t p = 0; p < np; p++) {
            uint64_t t = probes[p];
            size_t lb = n;
            for (size_t j = n; j-- > 0;)
                if (fstw_signal_time(s, j) >= t) lb = j;
            int64_t step = scan_time_index(tt, nt, t), at = -1;
            for (size_t j = 0; step >= 0 && j < n; j++)
                if (fstw_signal_time_index(s, j) <= (uint64_t)step) at = (int64_t)j;
            if (fstw_signal_lower_bound(s, t) != lb || fstw_signal_at_time(s, t) != at) {
                snprintf(why, cap, "t=%llu: lower bound %zu (scan %zu), at time %lld (scan %lld)", (unsigned long long)t,
                         fstw_signal_lower_bound(s, t), lb, (long long)fstw_signal_at_time(s, t), (long long)at);
                return 0;
            }
        }
    }
    return 1;
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
    check_time_index_at(f);
    /* the small files (the brute force costs changes x (changes + table) per signal) */
    size_t total = 0;
    for (uint32_t i = 0; rc == FSTW_OK && i < nu; i++) total += fstw_signal_len(sigs[i]);
    if (rc == FSTW_OK && nt <= SMALL_TABLE && total <= SMALL_CHANGES) {
        char why[256] = "";
        uint32_t bad = FSTW_NONE;
        for (uint32_t i = 0; i < nu && bad == FSTW_NONE; i++)
            if (!check_signal_lookups(sigs[i], tt, nt, why, sizeof why)) bad = i;
        CHECK(bad == FSTW_NONE, "signal ref %u: %s", bad == FSTW_NONE ? 0 : refs[bad], why);
        n_small_files++;
    }
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
    check_var_rules(f);
    check_signal_ref_rule(f);
    CHECK(fstw_time_index_at(f, 0) == -1 && fstw_time_index_at(f, UINT64_MAX) == -1, "no time index before the body is loaded");
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

/* ---- the status table, unit names, error fields */

/* libuv's descriptions of these errnos (uv.h, UV_ERRNO_MAP; Node's
 * util.getSystemErrorMap() gives the same texts), which FSTW_STATUS_MAP
 * promises for its OS-error rows (Node's fs-style messages use them). */
static const struct { const char *code, *text; } LIBUV_TEXTS[] = {
    { "ENOENT", "no such file or directory" },
    { "EACCES", "permission denied" },
    { "EISDIR", "illegal operation on a directory" },
    { "EIO", "i/o error" },
    /* FSTW_STATUS_MAP's row says "out of memory": fails until the row takes libuv's
     * words as fstwave.h says it does (or the header says it does not) */
    { "ENOMEM", "not enough memory" },
};
#define N_LIBUV_TEXTS (sizeof LIBUV_TEXTS / sizeof LIBUV_TEXTS[0])

/* Every FSTW_STATUS_MAP row through fstw_status_name/code/description/errno;
 * values 0, 1, ... in row order; distinct codes; an OS-error row's code is
 * its errno's own name (errno_name) and its description
 * libuv's; numbers outside the table get the documented fallbacks. */
static void check_status_map(void)
{
    current = "FSTW_STATUS_MAP";
    static const struct { int constant, value, err; const char *name, *code, *desc; } rows[] = {
#define XX(constant, value, errno_, code, description) { constant, value, errno_, #constant, code, description },
        FSTW_STATUS_MAP(XX)
#undef XX
    };
    const size_t n = sizeof rows / sizeof rows[0];
    size_t libuv_used = 0;
    for (size_t i = 0; i < n; i++) {
        int c = rows[i].value;
        CHECK(rows[i].constant == c && c == (int)i, "row %zu (%s) has value %d", i, rows[i].name, c);
        CHECK(!strcmp(fstw_status_name(c), rows[i].name), "fstw_status_name(%d) = %s, row %s", c, fstw_status_name(c), rows[i].name);
        CHECK(!strcmp(fstw_status_code(c), rows[i].code), "fstw_status_code(%d) = %s, row %s", c, fstw_status_code(c), rows[i].code);
        CHECK(!strcmp(fstw_status_description(c), rows[i].desc) && rows[i].desc[0], "fstw_status_description(%d) = %s, row %s", c,
              fstw_status_description(c), rows[i].desc);
        CHECK(fstw_status_errno(c) == rows[i].err, "fstw_status_errno(%d) = %d, row %d", c, fstw_status_errno(c), rows[i].err);
        for (size_t j = 0; j < i; j++) CHECK(strcmp(rows[i].code, rows[j].code) != 0, "rows %zu and %zu share code %s", j, i, rows[i].code);
        if (rows[i].err == 0) continue;
        const char *ename = errno_name(rows[i].err);
        CHECK(ename && !strcmp(ename, rows[i].code), "row %s: errno %d is %s, code %s", rows[i].name, rows[i].err, ename ? ename : "?",
              rows[i].code);
        for (size_t k = 0; k < N_LIBUV_TEXTS; k++)
            if (!strcmp(LIBUV_TEXTS[k].code, rows[i].code)) {
                CHECK(!strcmp(rows[i].desc, LIBUV_TEXTS[k].text), "row %s: \"%s\", libuv says \"%s\"", rows[i].name, rows[i].desc,
                      LIBUV_TEXTS[k].text);
                libuv_used++;
            }
    }
    CHECK(libuv_used == N_LIBUV_TEXTS, "%zu of %zu libuv texts have a row", libuv_used, N_LIBUV_TEXTS);
    const int others[] = { -1, (int)n, 255, INT_MAX, INT_MIN };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        int c = others[i];
        CHECK(!strcmp(fstw_status_name(c), "FSTW_ERR_UNKNOWN") && !strcmp(fstw_status_code(c), "FST_ERROR") &&
                  !strcmp(fstw_status_description(c), "unknown error") && fstw_status_errno(c) == 0,
              "status %d outside the table: %s %s %s %d", c, fstw_status_name(c), fstw_status_code(c),
              fstw_status_description(c), fstw_status_errno(c));
    }
}

/* fstw_timescale_unit_name: the SI prefixes of 10^-21 ... 10^0 s at those
 * exponents, "unknown" at every other. */
static void check_unit_names(void)
{
    static const char *const si[] = { "zs", "as", "fs", "ps", "ns", "us", "ms", "s" };
    current = "unit names";
    for (int e = -64; e <= 64; e++) {
        const char *want = e >= -21 && e <= 0 && e % 3 == 0 ? si[(e + 21) / 3] : "unknown";
        CHECK(!strcmp(fstw_timescale_unit_name(e), want), "exponent %d: %s, want %s", e, fstw_timescale_unit_name(e), want);
    }
    CHECK(!strcmp(fstw_timescale_unit_name(INT_MIN), "unknown") && !strcmp(fstw_timescale_unit_name(INT_MAX), "unknown"),
          "INT_MIN, INT_MAX");
}

/* fstw_open of path fails with an OS error: code, errno, the OS's text as
 * strerror and reason, syscall "open", no offset, the bindings' code the
 * errno's name, the path in the message. */
static void check_os_error(const char *what, const char *path, int want_code, int want_errno)
{
    fstw_file *f = NULL;
    fstw_error err;
    int rc = fstw_open(path, NULL, &f, &err);
    const char *ename = errno_name(want_errno), *text = strerror(want_errno), *sc = fstw_error_syscall(&err);
    CHECK(rc == want_code && err.code == want_code && err.sys_errno == want_errno, "%s: code %s, errno %d", what,
          fstw_status_name(rc), err.sys_errno);
    CHECK(!strcmp(err.strerror, text) && !strcmp(fstw_error_reason(&err), text), "%s: strerror \"%s\", reason \"%s\"", what,
          err.strerror, fstw_error_reason(&err));
    CHECK(sc && !strcmp(sc, "open") && err.offset == -1, "%s: syscall %s, offset %lld", what, sc ? sc : "NULL", (long long)err.offset);
    CHECK(ename && !strcmp(fstw_status_code(rc), ename), "%s: code %s, errno name %s", what, fstw_status_code(rc), ename ? ename : "?");
    CHECK(strstr(err.message, path) != NULL, "%s: the message names the path: %s", what, err.message);
    if (rc == FSTW_OK) fstw_close(f);
}

/* fstw_open of path (size bytes) fails with FSTW_ERR_FORMAT: no errno, no OS
 * text, the message as reason, no syscall; with at_offset an offset inside
 * the file that the message names, else none; needle in the message. */
static void check_format_error(const char *what, const char *path, long size, int at_offset, const char *needle)
{
    fstw_file *f = NULL;
    fstw_error err;
    int rc = fstw_open(path, NULL, &f, &err);
    CHECK(rc == FSTW_ERR_FORMAT && err.code == rc && err.sys_errno == 0 && err.strerror[0] == 0, "%s: code %s, errno %d",
          what, fstw_status_name(rc), err.sys_errno);
    CHECK(!strcmp(fstw_error_reason(&err), err.message) && !fstw_error_syscall(&err), "%s: reason \"%s\"", what,
          fstw_error_reason(&err));
    if (at_offset) {
        char at[40];
        snprintf(at, sizeof at, "offset %lld", (long long)err.offset);
        CHECK(err.offset >= 0 && err.offset < size && strstr(err.message, at), "%s: offset %lld of %ld bytes: %s", what,
              (long long)err.offset, size, err.message);
    } else {
        CHECK(err.offset == -1, "%s: offset %lld", what, (long long)err.offset);
    }
    if (needle) CHECK(strstr(err.message, needle) != NULL, "%s: \"%s\" in %s", what, needle, err.message);
    if (rc == FSTW_OK) fstw_close(f);
}

static void write_file(const char *path, const void *data, size_t n)
{
    FILE *fp = fopen(path, "wb");
    int ok = fp && fwrite(data, 1, n, fp) == n;
    if (fp) ok &= fclose(fp) == 0;
    if (!ok) CHECK(0, "write %s", path);
}

/* The bytes of the file at path (malloc'd; *size set), or NULL. */
static uint8_t *read_file(const char *path, long *size)
{
    FILE *in = fopen(path, "rb");
    uint8_t *data = NULL;
    if (in && fseek(in, 0, SEEK_END) == 0 && (*size = ftell(in)) >= 0 && fseek(in, 0, SEEK_SET) == 0 &&
        (data = malloc((size_t)*size + 1)) && fread(data, 1, (size_t)*size, in) != (size_t)*size) {
        free(data);
        data = NULL;
    }
    if (in) fclose(in);
    return data;
}

/* Sets current to what and path to tmpdir/name; the sample's bytes (*size
 * set), or NULL after a failed check. */
static uint8_t *sample_copy_start(const char *what, const char *tmpdir, const char *name, const char *sample,
                                  char *path, size_t cap, long *size)
{
    current = what;
    snprintf(path, cap, "%s/%s", tmpdir, name);
    uint8_t *data = read_file(sample, size);
    if (!data) CHECK(0, "read %s", sample);
    return data;
}

/* A file whose name is not ASCII ("wave-\u00e9\u6ce2.fst") opens by its UTF-8 path,
 * what both bindings pass: on Windows the core turns it into the UTF-16 name, under
 * which the file is written here (_wfopen; tmpdir must be ASCII there).  It
 * opens with the sample's signal count; once removed, it is missing (ENOENT). */
static void check_utf8_name(const char *tmpdir, const char *sample)
{
    char path[4096];
    long size;
    uint8_t *data = sample_copy_start("UTF-8 file name", tmpdir, "wave-\xc3\xa9\xe6\xb3\xa2.fst", sample, path, sizeof path, &size);
    fstw_file *f = NULL, *g = NULL;
    fstw_error err;
    if (!data) return;
    if (fstw_open(sample, NULL, &g, &err) != FSTW_OK) { CHECK(0, "open %s: %s", sample, err.message); free(data); return; }
#ifdef _WIN32
    wchar_t wpath[4096];
    size_t n = 0;
    for (const char *p = tmpdir; *p && n < 4000; p++) {
        if ((unsigned char)*p >= 0x80) { printf("UTF-8 file name: skipped on Windows, the tmp dir %s is not ASCII\n", tmpdir); goto done; }
        wpath[n++] = (wchar_t)*p;
    }
    wcscpy(wpath + n, L"/wave-\u00e9\u6ce2.fst");
    FILE *fp = _wfopen(wpath, L"wb");
#else
    FILE *fp = fopen(path, "wb");
#endif
    int ok = fp && fwrite(data, 1, (size_t)size, fp) == (size_t)size;
    if (fp) ok &= fclose(fp) == 0;
    CHECK(ok, "write %s", path);
    int rc = fstw_open(path, NULL, &f, &err);
    CHECK(rc == FSTW_OK && fstw_signal_count(f) == fstw_signal_count(g), "open %s: %s", path, rc ? err.message : "");
    if (rc == FSTW_OK) fstw_close(f);
#ifdef _WIN32
    _wremove(wpath);
#else
    remove(path);
#endif
    check_os_error("removed non-ASCII name", path, FSTW_ERR_NOENT, ENOENT);
#ifdef _WIN32
done:
#endif
    fstw_close(g);
    free(data);
}

/* An open file does not lock its path: while an fstw_file holds it, another
 * program may open it for writing (a simulator still writing a live file) and
 * remove it (a new run replacing it), and the handle goes on reading (the body
 * loads after the removal).  POSIX gives this; on Windows it is the core's
 * share mode (FILE_SHARE_WRITE | FILE_SHARE_DELETE). */
static void check_open_file_shared(const char *tmpdir, const char *sample)
{
    char path[4096];
    long size;
    uint8_t *data = sample_copy_start("sharing an open file", tmpdir, "shared.fst", sample, path, sizeof path, &size);
    if (!data) return;
    write_file(path, data, (size_t)size);
    free(data);
    fstw_file *f = NULL;
    fstw_error err;
    fstw_open_options o;
    fstw_open_options_init(&o);
    o.load_body = 0;
    int rc = fstw_open(path, &o, &f, &err);
    CHECK(rc == FSTW_OK, "open %s: %s", path, rc ? err.message : "");
    if (rc) return;
    FILE *w = fopen(path, "r+b");
    CHECK(w != NULL, "opened for writing while open: %s", strerror(errno));
    if (w) fclose(w);
    CHECK(remove(path) == 0, "removed while open: %s", strerror(errno));
    CHECK(fstw_load_body(f, &err) == FSTW_OK && fstw_body_loaded(f), "the body loads after the removal: %s", err.message);
    fstw_close(f);
    remove(path);
}

static void check_errors(const char *tmpdir, const char *sample)
{
    char path[4096], msg[512];
    current = "errors";
    snprintf(path, sizeof path, "%s/does-not-exist.fst", tmpdir);
    check_os_error("missing file", path, FSTW_ERR_NOENT, ENOENT);
    snprintf(path, sizeof path, "%s/no-such-dir/x.fst", tmpdir);
    check_os_error("missing directory", path, FSTW_ERR_NOENT, ENOENT);
    check_os_error("directory", tmpdir, FSTW_ERR_ISDIR, EISDIR);
    snprintf(path, sizeof path, "%s/empty.fst", tmpdir);
    write_file(path, "", 0);
    check_format_error("empty file", path, 0, 0, "empty file");
    static const char vcd[] = "$date today $end\n$timescale 1ns $end\n$scope module top $end\n$var wire 1 ! a $end\n"
                              "$upscope $end\n$enddefinitions $end\n#0\n1!\n";
    snprintf(path, sizeof path, "%s/wave.vcd", tmpdir);
    write_file(path, vcd, sizeof vcd - 1);
    check_format_error("VCD file", path, (long)sizeof vcd - 1, 0, "VCD");
    static const char ghw[] = "GHDLwave\n\x10\x00\x01\x00";
    snprintf(path, sizeof path, "%s/wave.ghw", tmpdir);
    write_file(path, ghw, sizeof ghw - 1);
    check_format_error("GHW file", path, (long)sizeof ghw - 1, 0, "GHW");
    snprintf(path, sizeof path, "%s/notes.txt", tmpdir);
    write_file(path, "hello, world\n", 13);
    check_format_error("text file", path, 13, 0, "first block has type 104");

    /* truncated copies of a real file: never a crash, either a clean open or FSTW_ERR_FORMAT */
    long size;
    uint8_t *data = read_file(sample, &size);
    CHECK(data != NULL, "read sample %s", sample);
    if (!data) return;
    snprintf(path, sizeof path, "%s/cut.fst", tmpdir);
    int bad = 0;
    for (long cut = 1; cut < size; cut += (cut < 400 ? 7 : 97)) {
        write_file(path, data, (size_t)cut);
        int rc = open_code(path, msg, sizeof msg);
        if (rc != FSTW_OK && rc != FSTW_ERR_FORMAT) { bad++; fprintf(stderr, "cut at %ld: %d %s\n", cut, rc, msg); }
    }
    CHECK(bad == 0, "truncated copies give FSTW_OK or FSTW_ERR_FORMAT");
    /* flipped bytes: same rule */
    bad = 0;
    for (long pos = 0; pos < size; pos += 13) {
        uint8_t keep = data[pos];
        data[pos] ^= 0x5a;
        write_file(path, data, (size_t)size);
        data[pos] = keep;
        int rc = open_code(path, msg, sizeof msg);
        if (rc != FSTW_OK && rc != FSTW_ERR_FORMAT && rc != FSTW_ERR_NOMEM) { bad++; fprintf(stderr, "flip at %ld: %d %s\n", pos, rc, msg); }
    }
    CHECK(bad == 0, "mutated copies give FSTW_OK or FSTW_ERR_FORMAT");
    free(data);
    remove(path);
}

/* ---- truncated copies of a multi-block file: the kept blocks, exactly */

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | p[i];
    return v;
}

/* A block of an FST file: u8 type, u64 big-endian length (counting itself),
 * payload; end is the offset after it. */
typedef struct fst_block {
    uint8_t type;
    long off, end;
} fst_block;

enum { BL_HEADER = 0, BL_VC = 8, BL_GEOM = 3, BL_HIER_GZ = 4, HEADER_END = 330 /* 1 + 329 */ };

/* The complete blocks of d (size bytes) in order, at most cap. */
static size_t list_blocks(const uint8_t *d, long size, fst_block *out, size_t cap)
{
    size_t n = 0;
    for (long pos = 0; size - pos >= 9 && n < cap;) {
        uint64_t len = be64(d + pos + 1);
        if (len < 8 || len > (uint64_t)(size - pos - 1)) break;
        out[n].type = d[pos];
        out[n].off = pos;
        out[n].end = pos + 1 + (long)len;
        pos = out[n++].end;
    }
    return n;
}

/* The uncompressed hierarchy of a gzip hierarchy block (type 4: u64 unpacked
 * size, a gzip member): what libfst's writer keeps in the side file while it
 * runs.  NULL when it does not inflate to that size. */
static uint8_t *gunzip_hierarchy(const uint8_t *d, const fst_block *b, size_t *n)
{
    uint64_t unpacked = be64(d + b->off + 9);
    uint8_t *out = unpacked < (1u << 30) ? malloc(unpacked + 1) : NULL;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (!out || inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) { free(out); return NULL; }
    z.next_in = (Bytef *)(d + b->off + 17);
    z.avail_in = (uInt)(b->end - b->off - 17);
    z.next_out = out;
    z.avail_out = (uInt)unpacked;
    int rc = inflate(&z, Z_FINISH);
    inflateEnd(&z);
    if (rc != Z_STREAM_END || z.total_out != unpacked) { free(out); return NULL; }
    *n = (size_t)unpacked;
    return out;
}

/* The complete file's signals (one per unique var) and time table. */
typedef struct full_file {
    fstw_file *f;
    const uint64_t *tt;
    size_t nt;
    uint32_t nu, *refs;
    fstw_signal **sigs;
} full_file;

/* Opens cut (which must open) and compares it with the complete file: the time
 * table is the complete one's first kept_n entries, the signals the same, each
 * with the complete file's changes before index kept_n.  0 or why it fails. */
static const char *compare_kept(const char *cut, const full_file *full, size_t kept_n, char *why, size_t cap)
{
    fstw_file *f;
    fstw_error err;
    int rc = fstw_open(cut, NULL, &f, &err);
    if (rc) { snprintf(why, cap, "open fails: %.300s", err.message); return why; }
    size_t nt;
    const uint64_t *tt = fstw_time_table(f, &nt);
    uint32_t nu, *refs;
    fstw_signal **sigs;
    why[0] = 0;
    if (nt != kept_n || (nt && memcmp(tt, full->tt, nt * sizeof *tt)))
        snprintf(why, cap, "time table of %zu entries, want the complete file's first %zu", nt, kept_n);
    else if (nt == 0 && (fstw_time_index_at(f, 0) != -1 || fstw_time_index_at(f, UINT64_MAX) != -1))
        snprintf(why, cap, "an empty time table has a time index");
    else if (fstw_signal_count(f) != fstw_signal_count(full->f) || fstw_var_count(f) != fstw_var_count(full->f))
        snprintf(why, cap, "%u signals and %u vars, the complete file %u and %u", fstw_signal_count(f), fstw_var_count(f),
                 fstw_signal_count(full->f), fstw_var_count(full->f));
    else if ((rc = load_all(f, &nu, &refs, &sigs, &err)))
        snprintf(why, cap, "loading fails: %.300s", err.message);
    else {
        for (uint32_t k = 0; k < nu && !why[0]; k++)
            if (nu != full->nu || refs[k] != full->refs[k] || !same_changes_before(sigs[k], full->sigs[k], kept_n))
                snprintf(why, cap, "signal ref %u: not the complete file's changes before index %zu", refs[k], kept_n);
        for (uint32_t k = 0; k < nu; k++) fstw_signal_free(sigs[k]);
    }
    if (!rc) { free(refs); free(sigs); }
    fstw_close(f);
    return why[0] ? why : NULL;
}

static int n_truncated_files; /* multi-block files cut by check_truncated */

/* The side file's name (wellen's rule, fstw_open.c's hier_side_path): the
 * path's extension replaced by ".fst.hier", where a dot in a directory's name
 * is no extension, and on Windows '\\' separates names as '/' does.  The
 * first at bytes of d (a file whose hierarchy block is cut off), written
 * without an extension as side.d<sep>wave, fail to open naming
 * side.d<sep>wave.fst.hier, and open once the side file is there. */
static void check_side_file_name(const char *tmpdir, const uint8_t *d, long at, const uint8_t *side, size_t side_len)
{
#ifdef _WIN32
    static const char seps[] = { '/', '\\' };
#else
    static const char seps[] = { '/' };
#endif
    char dir[4096], wave[4096 + 8], hier[4096 + 32]; /* room for the suffixes: no truncation */
    snprintf(dir, sizeof dir, "%s/side.d", tmpdir);
    make_dir(dir); /* may be there from an earlier run */
    for (size_t i = 0; i < sizeof seps; i++) {
        snprintf(wave, sizeof wave, "%s%cwave", dir, seps[i]);
        snprintf(hier, sizeof hier, "%s.fst.hier", wave);
        char what[96];
        snprintf(what, sizeof what, "no extension, a dot in the directory, separator '%c'", seps[i]);
        write_file(wave, d, (size_t)at);
        remove(hier);
        check_format_error(what, wave, at, 0, hier);
        write_file(hier, side, side_len);
        fstw_file *f = NULL;
        fstw_error err;
        int rc = fstw_open(wave, NULL, &f, &err);
        CHECK(rc == FSTW_OK, "%s: opens with the side file %s: %s", what, hier, rc ? err.message : "");
        if (rc == FSTW_OK) fstw_close(f);
        remove(wave);
        remove(hier);
    }
}

/* A multi-block fixture of libfst's writer (multiblock_*.fst; not
 * repeated_time.fst, whose later blocks hold changes at the time that ends the
 * block before: cut off, they leave that time's index without them) with a
 * gzip hierarchy block, cut at every block boundary
 * and inside every block (its first byte, inside and right after its length
 * field, the middle, its last byte), with and without the hierarchy side
 * file, and (cuts before the geometry) with the header's times and counts
 * zeroed as libfst leaves them until it closes the file.  The rules (README,
 * "Damaged, truncated and live files"; tests/python/test_live.py): a cut
 * inside the header block is a format error, at offset 0 once the header's
 * length field is there; a cut file opens with the value-change blocks it
 * holds completely when the hierarchy comes from the side file <file>.hier,
 * and is a format error naming that file without one; the complete file needs
 * none.  What opens holds the complete file's time table up to the kept
 * blocks' entries (each block's trailer counts them) and each signal's
 * changes before that index. */
static void check_truncated(const char *tmpdir, const char *path)
{
    const char *base = strrchr(path, '/');
    if (strncmp(base ? base + 1 : path, "multiblock_", 11) != 0) return;
    long size;
    uint8_t *d = read_file(path, &size);
    fst_block blk[64];
    size_t nb = d ? list_blocks(d, size, blk, 64) : 0, n_vc = 0;
    const fst_block *hier = NULL, *geom = NULL;
    uint64_t counts[64], sum = 0;
    for (size_t i = 0; i < nb; i++) {
        if (blk[i].type == BL_VC) sum += counts[n_vc++] = be64(d + blk[i].end - 8);
        if (blk[i].type == BL_HIER_GZ) hier = &blk[i];
        if (blk[i].type == BL_GEOM) geom = &blk[i];
    }
    if (!nb || blk[0].type != BL_HEADER || blk[0].end != HEADER_END || n_vc < 3 || !hier || !geom ||
        blk[nb - 1].end != size || hier != &blk[nb - 1]) {
        free(d);
        return; /* not a multi-block file of libfst's layout with a gzip hierarchy */
    }
    current = path;
    n_truncated_files++;
    full_file full;
    fstw_error err;
    char cut[4096], side[4096], why[512];
    size_t side_len = 0;
    uint8_t *side_data = gunzip_hierarchy(d, hier, &side_len);
    CHECK(side_data != NULL, "hierarchy block inflates");
    if (!side_data || fstw_open(path, NULL, &full.f, &err) != FSTW_OK) { free(d); free(side_data); return; }
    full.tt = fstw_time_table(full.f, &full.nt);
    CHECK(load_all(full.f, &full.nu, &full.refs, &full.sigs, &err) == FSTW_OK, "load: %s", err.message);
    uint64_t shift = full.nt - sum; /* the start time put in front of the first block's table */
    CHECK(full.nt >= sum && shift <= 1, "time table of %zu entries, the blocks count %llu", full.nt, (unsigned long long)sum);
    snprintf(cut, sizeof cut, "%s/truncated.fst", tmpdir);
    snprintf(side, sizeof side, "%s/truncated.fst.hier", tmpdir);

    long cuts[6 * 64 + 8];
    size_t nc = 0;
    const long head[] = { 0, 1, 8, 9, 100, HEADER_END - 1 };
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++) cuts[nc++] = head[i];
    for (size_t i = 1; i < nb; i++) {
        const long in[] = { blk[i].off, blk[i].off + 1, blk[i].off + 8, blk[i].off + 9, (blk[i].off + blk[i].end) / 2, blk[i].end - 1 };
        for (size_t k = 0; k < sizeof in / sizeof in[0]; k++) cuts[nc++] = in[k];
    }
    cuts[nc++] = size;
    uint8_t *live = malloc((size_t)size + 1);
    memcpy(live, d, (size_t)size);
    memset(live + 9, 0, 16);  /* start and end time */
    memset(live + 49, 0, 24); /* scope and var counts, max handle */
    int n_ok = 0, n_err = 0;
    for (size_t c = 0; c < nc; c++) {
        long at = cuts[c];
        size_t kept = 0;
        uint64_t kept_n = 0;
        for (size_t i = 0, v = 0; i < nb; i++)
            if (blk[i].type == BL_VC && v++ < n_vc && blk[i].end <= at) kept_n += counts[kept++];
        if (kept) kept_n += shift;
        for (int variant = 0; variant < 3; variant++) { /* side file: none, present; live header */
            if (variant == 2 && (at < HEADER_END || at > geom->off)) continue;
            write_file(cut, variant == 2 ? live : d, (size_t)at);
            if (variant) write_file(side, side_data, side_len);
            else remove(side);
            char what[96];
            snprintf(what, sizeof what, "cut at %ld of %ld (%s)", at, size,
                     variant == 0 ? "no side file" : variant == 1 ? "side file" : "side file, live header");
            if (at == 0) {
                check_format_error(what, cut, at, 0, "empty file");
            } else if (at < 9) {
                check_format_error(what, cut, at, 0, "no complete header block");
            } else if (at < HEADER_END) {
                check_format_error(what, cut, at, 1, "offset 0");
            } else if (at >= hier->end || variant) {
                const char *bad = compare_kept(cut, &full, at >= hier->end ? full.nt : kept_n, why, sizeof why);
                CHECK(!bad, "%s: %zu blocks kept: %s", what, kept, bad);
                n_ok++;
            } else {
                check_format_error(what, cut, at, 0, side);
                n_err++;
            }
        }
    }
    /* the cuts reached every outcome: no blocks kept, some, all */
    CHECK(n_ok > 3 * (int)n_vc && n_err > 3 * (int)n_vc, "%d cuts opened, %d refused without the side file", n_ok, n_err);
    check_side_file_name(tmpdir, d, hier->off, side_data, side_len);
    remove(cut);
    remove(side);
    for (uint32_t k = 0; k < full.nu; k++) fstw_signal_free(full.sigs[k]);
    free(full.sigs);
    free(full.refs);
    fstw_close(full.f);
    free(live);
    free(side_data);
    free(d);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: test_core TMPDIR FILE.fst...\n");
        return 2;
    }
    for (int i = 2; i < argc; i++) check_file(argv[i]);
    check_status_map();
    check_unit_names();
    check_errors(argv[1], argv[2]); /* mutations of the first file: keep it small */
    check_utf8_name(argv[1], argv[2]);
    check_open_file_shared(argv[1], argv[2]);
    for (int i = 2; i < argc; i++) check_truncated(argv[1], argv[i]);
    /* the multi-block files (fixtures multiblock_*, the example) made the forced
     * parallel loads of check_load_paths really run on threads, both ways */
    unsigned long by_signal, by_block;
    fstwi_split_counts(&by_signal, &by_block);
    current = "(all files)";
    /* the checks that need a kind of file found one (the fixtures multiblock_zlib and
     * _fastlz, repeated_time; most corpus files are small) */
    CHECK(n_truncated_files >= 2, "%d multi-block files with a gzip hierarchy cut", n_truncated_files);
    CHECK(n_repeats_probed >= 10, "%ld repeated table times looked up", n_repeats_probed);
    CHECK(n_small_files >= 30, "%ld small files' lookups checked by brute force", n_small_files);
    if (fstwi_cpu_count() > 1)
        CHECK(by_signal > 0 && by_block > 0, "loads on threads: %lu split by signal, %lu by block", by_signal, by_block);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
