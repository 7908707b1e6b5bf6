/* sweep.c - the truncation and mutation sweep of the fstwave core (issue 5).
 *
 * For every FST file given, N damaged copies are made (deterministically
 * from the seed and the file's contents): truncations at offsets spread over
 * the whole file and around every block boundary, and byte mutations (xor,
 * 0x00/0xff/0x7f/0x80, +-1 on one to eight bytes) uniformly over the file,
 * in the header and near block headers and block trailers (where the
 * lengths live); some are both cut and mutated.  Each damaged input is
 * handled by a forked child that writes it to a file in a private temporary
 * directory (mkdtemp under $TMPDIR or /tmp, never next to the input) and
 * opens and fully reads it with the core: header, the whole hierarchy (every
 * scope, var, full name, enum; sampled path lookups), the body and time
 * table, every signal ref loaded, every value read and looked up.
 *
 * The parent runs up to -j children at once and waits for each with a
 * timeout (-t, default 10 s; the child is killed and counted as a hang).  A
 * child that dies of a signal is a crash; one that exits with anything but
 * the sweep's own result codes is an exit (e.g. an exit() in the library).
 * A contract violation (an id out of range, a status other than
 * FSTW_ERR_FORMAT / FSTW_ERR_NOMEM, an error without a message) is reported
 * by the child and also fails the run.  Clean FSTW_ERR_FORMAT and
 * FSTW_ERR_NOMEM results are counted, not failures; so are files whose
 * (damaged) time table decreases, where time queries are not checked.
 *
 *   sweep [-n N] [-s SEED] [-j JOBS] [-t SECONDS] [-k KEEPDIR] [-q] [-v] FILE...
 *       -k saves every failing input there; -v prints every error the core returns
 *   sweep --only K [-n N] [-s SEED] [-o OUT] FILE
 *                                             replay mutation K in-process (-o: save it)
 *   sweep --write DIR [-n N] [-s SEED] FILE...
 *                                             write the damaged inputs of a sweep to DIR
 *                                             (F-NAME-K.fst: file F, mutation K), read none
 *                                             (for other readers: the wasm backend's test)
 *   sweep --readonly [FILE...]                the read-only directory check
 *
 * --readonly copies the files (and each cut in half) into a fresh directory,
 * records what each gives in a writable copy elsewhere, makes files and
 * directory read-only (chmod a-w), opens and reads every file there in a
 * child - as root, where a write attempt would succeed and show, and as
 * nobody, where the permissions bind - and checks that each result equals
 * the writable one and that the directory listing (names, sizes, modes,
 * mtimes) is unchanged.
 *
 * Exit status: 0 when there was no crash, hang or exit; 1 otherwise; 2 on
 * usage or setup errors. */
#define _GNU_SOURCE
#include "fstwave.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SWEEP_SANITIZED 1
#else
#define SWEEP_SANITIZED 0
#endif

/* child exit codes: anything else is an "exit" */
enum {
    R_READ = 100,     /* opened and read completely */
    R_REJECT = 101,   /* fstw_open: FSTW_ERR_FORMAT with a message */
    R_LOADERR = 102,  /* opened; body or signal load: FSTW_ERR_FORMAT with a message */
    R_NOMEM = 103,    /* FSTW_ERR_NOMEM somewhere (clean, but reported) */
    R_BACKWARDS = 104,/* read completely, but the time table decreases somewhere (a
                         damaged time delta): time queries are then not checked */
    R_BAD = 110       /* the core broke its contract (reported on stderr) */
};

static int quiet;

/* ------------------------------------------------------------ random */

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}
static uint64_t rnd(uint64_t *s, uint64_t n) { return n ? splitmix(s) % n : 0; }

static uint64_t hash_bytes(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | p[i];
    return v;
}

/* ------------------------------------------------------------ inputs */

typedef struct input {
    const char *path;
    uint8_t *data;
    size_t size;
    uint64_t hash;
    uint64_t *blocks;   /* offsets of block starts (type byte), plus the end */
    size_t n_blocks;
} input;

static int load_input(input *in, const char *path)
{
    memset(in, 0, sizeof *in);
    in->path = path;
    FILE *fp = fopen(path, "rb");
    if (!fp) { fprintf(stderr, "sweep: cannot open %s: %s\n", path, strerror(errno)); return -1; }
    struct stat st;
    if (fstat(fileno(fp), &st) || !S_ISREG(st.st_mode)) { fprintf(stderr, "sweep: %s: not a regular file\n", path); fclose(fp); return -1; }
    in->size = (size_t)st.st_size;
    in->data = malloc(in->size + 1);
    if (!in->data || fread(in->data, 1, in->size, fp) != in->size) {
        fprintf(stderr, "sweep: cannot read %s\n", path);
        fclose(fp);
        return -1;
    }
    fclose(fp);
    in->hash = hash_bytes(in->data, in->size);
    /* the block chain of the original (type byte, u64 length incl. itself) */
    size_t cap = 16;
    in->blocks = malloc(cap * sizeof *in->blocks);
    uint64_t pos = 0;
    while (pos + 9 <= in->size) {
        if (in->n_blocks + 1 >= cap) in->blocks = realloc(in->blocks, (cap *= 2) * sizeof *in->blocks);
        in->blocks[in->n_blocks++] = pos;
        uint64_t len = be64(in->data + pos + 1);
        if (len < 8 || len > in->size - pos - 1) break;
        pos += 1 + len;
    }
    in->blocks[in->n_blocks++] = in->size;
    return 0;
}

/* ------------------------------------------------------------ mutations */

typedef struct mutation {
    size_t len;             /* bytes kept (truncation) */
    int n_edits;
    size_t pos[8];
    uint8_t val[8];
    const char *kind;
} mutation;

/* Mutation k of input `in` (deterministic in seed, contents and k).  The
 * first third of the indices are truncations, the rest mutations, every
 * fifth of those also truncated. */
static void make_mutation(const input *in, uint64_t seed, uint64_t k, uint64_t n_total, mutation *m)
{
    uint64_t s = seed ^ in->hash ^ (k * 0xd1342543de82ef95ULL);
    splitmix(&s);
    memset(m, 0, sizeof *m);
    m->len = in->size;
    size_t size = in->size;
    if (size == 0) { m->kind = "empty"; return; }
    uint64_t n_trunc = n_total / 3 + 1;
    if (k < n_trunc) {
        m->kind = "truncation";
        if (k % 2 == 0) {
            /* stratified over the whole file: stratum k/2 of n_trunc/2 */
            uint64_t strata = n_trunc / 2 + 1, j = k / 2;
            uint64_t lo = j * size / strata, hi = (j + 1) * size / strata;
            m->len = (size_t)(lo + rnd(&s, hi > lo ? hi - lo : 1));
        } else {
            /* around a block boundary: -16 .. +40 bytes of a block start */
            uint64_t b = in->blocks[rnd(&s, in->n_blocks)];
            int64_t d = (int64_t)rnd(&s, 57) - 16;
            int64_t cut = (int64_t)b + d;
            if (cut < 0) cut = 0;
            if ((uint64_t)cut >= size) cut = (int64_t)size - 1;
            m->len = (size_t)cut;
        }
        return;
    }
    m->kind = "mutation";
    if (rnd(&s, 5) == 0) {
        m->len = (size_t)(1 + rnd(&s, size));
        m->kind = "mutation+truncation";
    }
    size_t len = m->len;
    m->n_edits = rnd(&s, 10) < 7 ? 1 : 2 + (int)rnd(&s, 7);
    for (int e = 0; e < m->n_edits; e++) {
        size_t pos;
        uint64_t where = rnd(&s, 8);
        if (where < 4) {
            pos = (size_t)rnd(&s, len);                                  /* anywhere */
        } else if (where < 5) {
            pos = (size_t)rnd(&s, len < 512 ? len : 512);                /* header and early blocks */
        } else {
            /* near a block start (type, length, block header fields) or
             * end (trailers: time-table sizes, chain-table length) */
            size_t bi = (size_t)rnd(&s, in->n_blocks);
            uint64_t b = in->blocks[bi];
            int64_t p = where < 7 ? (int64_t)b + (int64_t)rnd(&s, 48) : (int64_t)b - 1 - (int64_t)rnd(&s, 48);
            if (p < 0) p = 0;
            pos = (size_t)p % len;
        }
        uint8_t old = in->data[pos], v;
        switch (rnd(&s, 8)) {
        case 0: v = 0x00; break;
        case 1: v = 0xff; break;
        case 2: v = (uint8_t)(rnd(&s, 2) ? 0x7f : 0x80); break;
        case 3: v = (uint8_t)(old + (rnd(&s, 2) ? 1 : -1)); break;
        default: v = (uint8_t)(old ^ (1 + rnd(&s, 255))); break;
        }
        if (v == old) v = (uint8_t)(old ^ 0x01);
        m->pos[e] = pos;
        m->val[e] = v;
    }
}

static void apply_mutation(uint8_t *data, const mutation *m)
{
    for (int e = 0; e < m->n_edits; e++) data[m->pos[e]] = m->val[e];
}

static void describe(const mutation *m, char *buf, size_t n)
{
    int w = snprintf(buf, n, "%s, %zu bytes kept", m->kind, m->len);
    for (int e = 0; e < m->n_edits && w > 0 && (size_t)w < n; e++)
        w += snprintf(buf + w, n - (size_t)w, "%s@%zu=0x%02x", e ? " " : "; ", m->pos[e], m->val[e]);
}

/* ------------------------------------------------------------ reading */

static int bad(const char *label, const char *what, uint32_t a, uint32_t b)
{
    fprintf(stderr, "sweep: [%s] contract broken: %s (%u, %u)\n", label, what, a, b);
    return R_BAD;
}

static int verbose;
static int unlink_after_open;
static char tmpdir[4096];

static int classify(int rc, const fstw_error *err, int format_code, const char *label, const char *what)
{
    if (verbose) fprintf(stderr, "sweep: [%s] %s: %s: %s\n", label, what, fstw_status_name(rc), err->message);
    if (rc == FSTW_ERR_NOMEM) return R_NOMEM;
    if (rc == FSTW_ERR_FORMAT && err->code == FSTW_ERR_FORMAT && err->message[0]) return format_code;
    fprintf(stderr, "sweep: [%s] %s returned %s (%d): \"%s\"\n", label, what, fstw_status_name(rc), rc, err->message);
    return R_BAD;
}

/* Opens and reads everything; returns an R_ code. */
static int read_all(const char *path, int variant, const char *label)
{
    fstw_open_options o;
    fstw_open_options_init(&o);
    o.load_body = variant & 1;
    o.remove_scopes_with_empty_name = (variant >> 1) & 1;
    o.multi_threaded = (variant >> 2) & 1;
    fstw_file *f = NULL;
    fstw_error err;
    memset(&err, 0, sizeof err);
    int rc = fstw_open(path, &o, &f, &err);
    if (unlink_after_open) {
        /* --only: the core reads through its descriptor from here on, so a crash
         * while loading leaves no temporary file behind */
        unlink(path);
        rmdir(tmpdir);
    }
    if (rc) return f ? bad(label, "failed open left a handle", 0, 0) : classify(rc, &err, R_REJECT, label, "fstw_open");

    const fstw_header *h = fstw_file_header(f);
    volatile size_t sink = strlen(h->version) + strlen(h->date);
    uint32_t fac;
    int unit;
    (void)fstw_timescale(f, &fac, &unit);

    /* hierarchy */
    uint32_t ns = fstw_scope_count(f), nv = fstw_var_count(f), nsig = fstw_signal_count(f);
    size_t cap = 256;
    char *buf = malloc(cap);
    uint32_t n;
    const uint32_t *ids = fstw_top_scopes(f, &n);
    for (uint32_t i = 0; i < n; i++) if (ids[i] >= ns) return bad(label, "top scope out of range", ids[i], ns);
    ids = fstw_top_vars(f, &n);
    for (uint32_t i = 0; i < n; i++) if (ids[i] >= nv) return bad(label, "top var out of range", ids[i], nv);
    for (uint32_t s = 0; s < ns; s++) {
        fstw_scope_info si;
        if (fstw_scope_get(f, s, &si)) return bad(label, "fstw_scope_get failed", s, ns);
        if (si.parent != FSTW_NONE && si.parent >= ns) return bad(label, "scope parent out of range", s, si.parent);
        for (uint32_t i = 0; i < si.n_scopes; i++) if (si.scopes[i] >= ns) return bad(label, "child scope out of range", s, si.scopes[i]);
        for (uint32_t i = 0; i < si.n_vars; i++) if (si.vars[i] >= nv) return bad(label, "child var out of range", s, si.vars[i]);
        sink += fstw_scope_type_name(si.type)[0] + (si.name.len ? (uint8_t)si.name.ptr[si.name.len - 1] : 0) +
                (si.component.len ? (uint8_t)si.component.ptr[si.component.len - 1] : 0);
        size_t len = fstw_scope_full_name(f, s, buf, cap);
        if (len >= cap) { cap = len + 1; buf = realloc(buf, cap); fstw_scope_full_name(f, s, buf, cap); }
        if (strlen(buf) != len) return bad(label, "scope full name length", s, (uint32_t)len);
    }
    uint32_t lookup_every = nv / 256 + 1;
    for (uint32_t v = 0; v < nv; v++) {
        fstw_var_info vi;
        if (fstw_var_get(f, v, &vi)) return bad(label, "fstw_var_get failed", v, nv);
        if (vi.parent != FSTW_NONE && vi.parent >= ns) return bad(label, "var parent out of range", v, vi.parent);
        if (vi.signal_ref >= nsig) return bad(label, "var signal_ref out of range", v, vi.signal_ref);
        sink += fstw_var_type_name(vi.var_type)[0] + fstw_direction_name(vi.direction)[0] +
                (vi.name.len ? (uint8_t)vi.name.ptr[vi.name.len - 1] : 0) +
                (vi.has_vhdl_type_name && vi.vhdl_type_name.len ? (uint8_t)vi.vhdl_type_name.ptr[0] : 0);
        if (vi.enum_id != FSTW_NONE) {
            fstw_str en;
            uint32_t np;
            if (fstw_enum_get(f, vi.enum_id, &en, &np)) return bad(label, "var enum id out of range", v, vi.enum_id);
        }
        size_t len = fstw_var_full_name(f, v, buf, cap);
        if (len >= cap) { cap = len + 1; buf = realloc(buf, cap); fstw_var_full_name(f, v, buf, cap); }
        if (strlen(buf) > len) return bad(label, "var full name length", v, (uint32_t)len);
        if (v % lookup_every == 0) {
            uint32_t hit = fstw_lookup_var(f, buf, len);
            if (hit != FSTW_NONE && hit >= nv) return bad(label, "lookup out of range", v, hit);
        }
    }
    (void)fstw_lookup_var(f, "", 0);
    (void)fstw_lookup_var(f, "a.b..c.", 7);
    uint32_t ne = fstw_enum_count(f);
    for (uint32_t e = 0; e < ne; e++) {
        fstw_str en, val, lit;
        uint32_t np;
        if (fstw_enum_get(f, e, &en, &np)) return bad(label, "fstw_enum_get failed", e, ne);
        for (uint32_t i = 0; i < np; i++) {
            if (fstw_enum_pair(f, e, i, &val, &lit)) return bad(label, "fstw_enum_pair failed", e, i);
            sink += (val.len ? (uint8_t)val.ptr[0] : 0) + (lit.len ? (uint8_t)lit.ptr[lit.len - 1] : 0);
        }
    }
    n = 0;
    ids = fstw_unique_vars(f, &n);
    for (uint32_t i = 0; i < n; i++) if (ids[i] >= nv) return bad(label, "unique var out of range", ids[i], nv);
    free(buf);

    /* body */
    if (!fstw_body_loaded(f) && (rc = fstw_load_body(f, &err))) {
        fstw_close(f);
        return classify(rc, &err, R_LOADERR, label, "fstw_load_body");
    }
    size_t nt;
    const uint64_t *tt = fstw_time_table(f, &nt);
    int backwards = 0;
    for (size_t i = 0; i < nt; i++) {
        sink += (size_t)tt[i];
        backwards |= i > 0 && tt[i] < tt[i - 1];
    }
    if (backwards && verbose) fprintf(stderr, "sweep: [%s] the time table decreases\n", label);
    if (nt) {
        (void)fstw_time_index_at(f, tt[0]);
        (void)fstw_time_index_at(f, tt[nt - 1] + 1);
    }
    (void)fstw_time_index_at(f, 0);

    /* every signal, in chunks (a damaged file may claim many) */
    const uint32_t chunk = 1u << 16;
    uint32_t *refs = malloc((size_t)(nsig < chunk ? nsig : chunk) * sizeof *refs + 4);
    fstw_signal **sigs = malloc((size_t)(nsig < chunk ? nsig : chunk) * sizeof *sigs + 8);
    int result = R_READ;
    for (uint32_t base = 0; base < nsig && result == R_READ; base += chunk) {
        uint32_t cnt = nsig - base < chunk ? nsig - base : chunk;
        for (uint32_t i = 0; i < cnt; i++) refs[i] = base + i;
        rc = fstw_load_signals(f, refs, cnt, sigs, o.multi_threaded, &err);
        if (rc) { result = classify(rc, &err, R_LOADERR, label, "fstw_load_signals"); break; }
        for (uint32_t i = 0; i < cnt; i++) {
            fstw_signal *s = sigs[i];
            size_t sl = fstw_signal_len(s), scratch_len = fstw_signal_scratch_size(s);
            uint8_t *scratch = malloc(scratch_len + 1);
            if (fstw_signal_ref(s) != refs[i]) result = bad(label, "signal ref", refs[i], fstw_signal_ref(s));
            for (size_t k = 0; k < sl && result == R_READ; k++) {
                fstw_value val;
                uint32_t ti = fstw_signal_time_index(s, k);
                if (ti >= nt) { result = bad(label, "change time index out of the time table", ti, (uint32_t)nt); break; }
                if (fstw_signal_value(s, k, &val, scratch, scratch_len)) { result = bad(label, "fstw_signal_value failed", refs[i], (uint32_t)k); break; }
                if (val.data && val.len) sink += val.data[0] + val.data[val.len - 1];
                uint64_t t = fstw_signal_time(s, k);
                fstw_query q;
                fstw_signal_query(s, t, &q);
                if (q.change < -1 || q.change >= (int64_t)sl || q.next_change < -1 || q.next_change >= (int64_t)sl ||
                    (!backwards && q.change < (int64_t)k)) { result = bad(label, "query", refs[i], (uint32_t)k); break; }
                if (fstw_signal_find(s, ti) < (int64_t)k) { result = bad(label, "find", refs[i], (uint32_t)k); break; }
            }
            free(scratch);
            fstw_signal_free(s);
            if (result != R_READ)
                for (uint32_t j = i + 1; j < cnt; j++) fstw_signal_free(sigs[j]);
            if (result != R_READ) break;
        }
    }
    free(refs);
    free(sigs);
    (void)sink;
    fstw_close(f);
    return result == R_READ && backwards ? R_BACKWARDS : result;
}

/* ------------------------------------------------------------ children */

static pid_t parent_pid;

static void child_limits(void)
{
    struct rlimit core = { 0, 0 };
    setrlimit(RLIMIT_CORE, &core);
#if !SWEEP_SANITIZED
    /* a runaway allocation must fail (FSTW_ERR_NOMEM), not take the machine */
    struct rlimit as = { (rlim_t)2 << 30, (rlim_t)2 << 30 };
    setrlimit(RLIMIT_AS, &as);
#endif
}

static int write_file(const char *path, const uint8_t *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0) { if (errno == EINTR) continue; close(fd); return -1; }
        off += (size_t)w;
    }
    return close(fd);
}

/* In the child: build mutation k in our copy of the data, write it, read it. */
static void run_child(input *in, const mutation *m, uint64_t k)
{
    child_limits();
    apply_mutation(in->data, m);
    char path[4200], label[4400];
    snprintf(path, sizeof path, "%s/in-%ld.fst", tmpdir, (long)getpid());
    snprintf(label, sizeof label, "%s mutation %" PRIu64, in->path, k);
    if (write_file(path, in->data, m->len)) { perror("sweep: child write"); _exit(3); }
    _exit(read_all(path, (int)(k % 8), label));
}

typedef struct slot {
    pid_t pid;
    size_t input;
    uint64_t k;
    struct timespec start;
    int killed;
} slot;

typedef struct stats {
    uint64_t inputs, truncations, mutations;
    uint64_t read, backwards, rejected, loaderr, nomem;
    uint64_t crashes, hangs, exits, bad;
} stats;

static double since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

static uint64_t g_seed, g_n;
static const char *keep_dir;

static void report_failure(const input *in, uint64_t k, const char *what)
{
    mutation m;
    char desc[512];
    make_mutation(in, g_seed, k, g_n, &m);
    describe(&m, desc, sizeof desc);
    fprintf(stderr, "sweep: %s: %s mutation %" PRIu64 " (%s)\n  replay: sweep --only %" PRIu64 " -n %" PRIu64 " -s %" PRIu64 " %s\n",
            what, in->path, k, desc, k, g_n, g_seed, in->path);
    if (keep_dir) {
        char path[4200];
        const char *base = strrchr(in->path, '/');
        base = base ? base + 1 : in->path;
        snprintf(path, sizeof path, "%s/%s.%s.%" PRIu64 ".fst", keep_dir, base, what, k);
        uint8_t *copy = malloc(in->size + 1);
        memcpy(copy, in->data, in->size);
        apply_mutation(copy, &m);
        if (write_file(path, copy, m.len) == 0) fprintf(stderr, "  saved as %s\n", path);
        free(copy);
    }
}

static void reap(slot *sl, int status, input *inputs, stats *st)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/in-%ld.fst", tmpdir, (long)sl->pid);
    unlink(path);
    input *in = &inputs[sl->input];
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sl->killed) { st->hangs++; report_failure(in, sl->k, "hang"); }
        else {
            st->crashes++;
            char what[64];
            snprintf(what, sizeof what, "crash-%s", sigabbrev_np(sig) ? sigabbrev_np(sig) : "signal");
            report_failure(in, sl->k, what);
        }
        return;
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    switch (code) {
    case R_READ: st->read++; break;
    case R_BACKWARDS: st->read++; st->backwards++; break;
    case R_REJECT: st->rejected++; break;
    case R_LOADERR: st->loaderr++; break;
    case R_NOMEM: st->nomem++; break;
    case R_BAD: st->bad++; report_failure(in, sl->k, "contract"); break;
    default: {
        char what[64];
        snprintf(what, sizeof what, "exit-%d", code);
        st->exits++;
        report_failure(in, sl->k, what);
    }
    }
}

static int sweep(input *inputs, size_t n_inputs, int jobs, double timeout, stats *st)
{
    slot *slots = calloc((size_t)jobs, sizeof *slots);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    size_t fi = 0;
    uint64_t k = 0;
    int running = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    uint64_t total = (uint64_t)n_inputs * g_n, done = 0, next_report = total / 10;
    for (;;) {
        /* start children while there are free slots and inputs left */
        while (running < jobs && fi < n_inputs) {
            int j = 0;
            while (slots[j].pid) j++;
            mutation m;
            make_mutation(&inputs[fi], g_seed, k, g_n, &m);
            if (strncmp(m.kind, "truncation", 10) == 0) st->truncations++; else st->mutations++;
            fflush(NULL);
            pid_t pid = fork();
            if (pid < 0) { perror("sweep: fork"); return -1; }
            if (pid == 0) {
                sigprocmask(SIG_UNBLOCK, &chld, NULL);
                run_child(&inputs[fi], &m, k);
            }
            slots[j] = (slot){ pid, fi, k, { 0, 0 }, 0 };
            clock_gettime(CLOCK_MONOTONIC, &slots[j].start);
            running++;
            st->inputs++;
            if (++k == g_n) { k = 0; fi++; }
        }
        if (running == 0) break;
        /* reap whatever finished */
        int status;
        pid_t pid;
        while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
            for (int j = 0; j < jobs; j++)
                if (slots[j].pid == pid) {
                    reap(&slots[j], status, inputs, st);
                    slots[j].pid = 0;
                    running--;
                    done++;
                    break;
                }
        }
        if (!quiet && total >= 1000 && done >= next_report) {
            fprintf(stderr, "sweep: %" PRIu64 "/%" PRIu64 " inputs (%.0f s)\n", done, total, since(&t0));
            next_report += total / 10;
        }
        if (running < jobs && fi < n_inputs) continue;
        /* kill children over the time limit */
        for (int j = 0; j < jobs; j++)
            if (slots[j].pid && !slots[j].killed && since(&slots[j].start) > timeout) {
                kill(slots[j].pid, SIGKILL);
                slots[j].killed = 1;
            }
        struct timespec wait = { 0, 50 * 1000 * 1000 };
        sigtimedwait(&chld, NULL, &wait);
    }
    sigprocmask(SIG_UNBLOCK, &chld, NULL);
    free(slots);
    return 0;
}

/* ------------------------------------------------------------ read-only check */

typedef struct entry {
    char name[256];
    off_t size;
    mode_t mode;
    struct timespec mtime;
} entry;

static int listing(const char *dir, entry *out, int max, struct timespec *dir_mtime)
{
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < max) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        char p[4500];
        struct stat st;
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        if (lstat(p, &st)) continue;
        snprintf(out[n].name, sizeof out[n].name, "%s", e->d_name);
        out[n].size = st.st_size;
        out[n].mode = st.st_mode;
        out[n].mtime = st.st_mtim;
        n++;
    }
    closedir(d);
    struct stat st;
    if (stat(dir, &st)) return -1;
    *dir_mtime = st.st_mtim;
    /* sort by name for comparison */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && strcmp(out[j - 1].name, out[j].name) > 0; j--) {
            entry t = out[j]; out[j] = out[j - 1]; out[j - 1] = t;
        }
    return n;
}

static int run_in_child(const char *path, int drop_root)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) return -1;
    if (pid == 0) {
        child_limits();
        if (drop_root && geteuid() == 0) {
            /* as root, chmod a-w binds nothing: read as nobody */
            if (setgroups(0, NULL) || setgid(65534) || setuid(65534)) { perror("sweep: drop privileges"); _exit(4); }
        }
        _exit(read_all(path, 1, path));
    }
    int status;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid) break;
        if (since(&t0) > 30) { kill(pid, SIGKILL); waitpid(pid, &status, 0); return -2; }
        struct timespec ms = { 0, 10 * 1000 * 1000 };
        nanosleep(&ms, NULL);
    }
    if (WIFSIGNALED(status)) return -100 - WTERMSIG(status);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Removes dir and the files in it. */
static void remove_all(const char *dir)
{
    /* again until empty: unlinking while reading a directory may skip entries */
    for (int round = 0; round < 10 && rmdir(dir) != 0 && errno == ENOTEMPTY; round++) {
        DIR *d = opendir(dir);
        if (!d) return;
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            char p[4500];
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
}

static int readonly_check(char **files, int n_files)
{
    char dir[4200];
    snprintf(dir, sizeof dir, "%s/ro", tmpdir);
    if (mkdir(dir, 0755)) { perror("sweep: mkdir"); return 2; }
    int failures = 0;
    char names[64][300];
    int n = 0;
    for (int i = 0; i < n_files && n < 64; i++) {
        input in;
        if (load_input(&in, files[i])) return 2;
        const char *base = strrchr(files[i], '/');
        base = base ? base + 1 : files[i];
        /* the file itself and a copy cut in half (the shape of a live file) */
        for (int half = 0; half < 2 && n < 64; half++) {
            snprintf(names[n], sizeof names[n], "%d-%s%s", i, half ? "half-" : "", base);
            char p[4600];
            snprintf(p, sizeof p, "%s/%.255s", dir, names[n]);
            if (write_file(p, in.data, half ? in.size / 2 : in.size) || chmod(p, 0444)) { perror("sweep: copy"); return 2; }
            n++;
        }
        free(in.data);
        free(in.blocks);
    }
    /* what each file gives in a writable directory (a separate copy, removed after) */
    int expect[64];
    char rw[4200];
    snprintf(rw, sizeof rw, "%s/rw", tmpdir);
    if (mkdir(rw, 0755)) { perror("sweep: mkdir"); return 2; }
    for (int i = 0; i < n; i++) {
        char p[4600], q[4600];
        snprintf(p, sizeof p, "%s/%.255s", dir, names[i]);
        snprintf(q, sizeof q, "%s/%.255s", rw, names[i]);
        if (link(p, q) && errno != EEXIST) { perror("sweep: link"); return 2; }
        expect[i] = run_in_child(q, 0);
    }
    remove_all(rw);
    if (chmod(dir, 0555)) { perror("sweep: chmod"); return 2; }
    entry before[200], after[200];
    struct timespec mt_before, mt_after;
    int nb = listing(dir, before, 200, &mt_before);
    int ok_opens = 0, same = 1;
    /* pass 0 as we are (as root the permissions bind nothing, so a write
     * attempt would succeed and show in the listing); pass 1 as nobody (the
     * permissions bind: the files must still read as before) */
    int passes = geteuid() == 0 ? 2 : 1;
    for (int pass = 0; pass < passes; pass++) {
        for (int i = 0; i < n; i++) {
            char p[4600];
            snprintf(p, sizeof p, "%s/%.255s", dir, names[i]);
            int r = run_in_child(p, pass == 1);
            if (r != expect[i]) {
                fprintf(stderr, "sweep: read-only: %s gave %d in a read-only directory%s, %d in a writable one\n",
                        names[i], r, pass ? " as nobody" : "", expect[i]);
                failures++;
            } else if (r != R_READ && r != R_BACKWARDS && r != R_REJECT && r != R_LOADERR) {
                fprintf(stderr, "sweep: read-only: %s gave %d\n", names[i], r);
                failures++;
            }
            ok_opens += pass == 0 && r == R_READ;
        }
        int na = listing(dir, after, 200, &mt_after);
        int same_now = nb == na && mt_before.tv_sec == mt_after.tv_sec && mt_before.tv_nsec == mt_after.tv_nsec;
        for (int i = 0; same_now && i < nb; i++)
            same_now = !strcmp(before[i].name, after[i].name) && before[i].size == after[i].size &&
                       before[i].mode == after[i].mode && before[i].mtime.tv_sec == after[i].mtime.tv_sec &&
                       before[i].mtime.tv_nsec == after[i].mtime.tv_nsec;
        if (!same_now) {
            fprintf(stderr, "sweep: read-only: the directory changed while its files were read%s (%d entries before, %d after)\n",
                    pass ? " as nobody" : "", nb, na);
            failures++;
        }
        same &= same_now;
    }
    /* the private temp dir around it must hold only ro/ */
    entry top[8];
    struct timespec mt_top;
    int nt = listing(tmpdir, top, 8, &mt_top);
    if (nt != 1) { fprintf(stderr, "sweep: read-only: %d entries next to the read-only directory\n", nt); failures++; }
    chmod(dir, 0755);
    remove_all(dir);
    printf("sweep --readonly: %d files (%d read completely) in a read-only directory (%s); listing %s; %d failures\n",
           n, ok_opens, geteuid() == 0 ? "as root and as nobody" : "as this user", same ? "unchanged" : "CHANGED", failures);
    return failures ? 1 : 0;
}

/* ------------------------------------------------------------ main */

static void usage(void)
{
    fprintf(stderr,
            "usage: sweep [-n N] [-s SEED] [-j JOBS] [-t SECONDS] [-k KEEPDIR] [-q] [-v] FILE...\n"
            "       sweep --only K [-n N] [-s SEED] [-o OUT] FILE\n"
            "       sweep --write DIR [-n N] [-s SEED] FILE...\n"
            "       sweep --readonly FILE...\n");
    exit(2);
}

static void cleanup_tmpdir(void)
{
    if (!tmpdir[0] || getpid() != parent_pid) return; /* not from a child that called exit() */
    char ro[4200];
    snprintf(ro, sizeof ro, "%s/ro", tmpdir);
    chmod(ro, 0755);
    remove_all(ro);
    remove_all(tmpdir);
}

int main(int argc, char **argv)
{
    g_seed = 1;
    g_n = 100;
    int jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
    double timeout = 10;
    int64_t only = -1;
    const char *save_as = NULL;
    const char *write_dir = NULL;
    int readonly = 0;
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--")) { i++; break; }
        if (!strcmp(a, "-q")) { quiet = 1; continue; }
        if (!strcmp(a, "-v")) { verbose = 1; continue; }
        if (!strcmp(a, "--readonly")) { readonly = 1; continue; }
        if (i + 1 >= argc) usage();
        const char *v = argv[++i];
        if (!strcmp(a, "-n")) g_n = strtoull(v, NULL, 10);
        else if (!strcmp(a, "-s")) g_seed = strtoull(v, NULL, 10);
        else if (!strcmp(a, "-j")) jobs = atoi(v);
        else if (!strcmp(a, "-t")) timeout = atof(v);
        else if (!strcmp(a, "-k")) keep_dir = v;
        else if (!strcmp(a, "--only")) only = (int64_t)strtoull(v, NULL, 10);
        else if (!strcmp(a, "-o")) save_as = v;
        else if (!strcmp(a, "--write")) write_dir = v;
        else usage();
    }
    if (i >= argc || g_n == 0) usage();
    if (jobs < 1) jobs = 1;
    if (keep_dir) mkdir(keep_dir, 0755);

    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/fstw-sweep.XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(tmpdir)) { perror("sweep: mkdtemp"); return 2; }
    chmod(tmpdir, 0755); /* the read-only check reads in it as nobody */
    parent_pid = getpid();
    atexit(cleanup_tmpdir);

    if (readonly) return readonly_check(argv + i, argc - i);

    size_t n_inputs = (size_t)(argc - i);
    input *inputs = calloc(n_inputs, sizeof *inputs);
    for (size_t j = 0; j < n_inputs; j++)
        if (load_input(&inputs[j], argv[i + (int)j])) return 2;

    if (write_dir) { /* the inputs only, as files */
        mkdir(write_dir, 0755);
        for (size_t j = 0; j < n_inputs; j++) {
            const char *b = strrchr(inputs[j].path, '/');
            b = b ? b + 1 : inputs[j].path;
            for (uint64_t k = 0; k < g_n; k++) {
                mutation m;
                char path[4400];
                make_mutation(&inputs[j], g_seed, k, g_n, &m);
                uint8_t *copy = malloc(inputs[j].size ? inputs[j].size : 1);
                if (!copy) { perror("sweep: malloc"); return 2; }
                memcpy(copy, inputs[j].data, inputs[j].size);
                apply_mutation(copy, &m);
                snprintf(path, sizeof path, "%s/%zu-%s-%" PRIu64 ".fst", write_dir, j, b, k);
                int rc = write_file(path, copy, m.len);
                free(copy);
                if (rc) { perror("sweep: --write"); return 2; }
            }
        }
        printf("sweep --write: %zu files x %" PRIu64 " inputs, seed %" PRIu64 ", in %s\n", n_inputs, g_n, g_seed, write_dir);
        return 0;
    }

    if (only >= 0) {
        /* replay one mutation in this process (for a debugger), also writes it */
        mutation m;
        char desc[512], path[4200];
        make_mutation(&inputs[0], g_seed, (uint64_t)only, g_n, &m);
        describe(&m, desc, sizeof desc);
        apply_mutation(inputs[0].data, &m);
        snprintf(path, sizeof path, "%s/in-replay.fst", tmpdir);
        if (write_file(path, inputs[0].data, m.len)) { perror("sweep: write"); return 2; }
        if (save_as && write_file(save_as, inputs[0].data, m.len)) { perror("sweep: -o"); return 2; }
        unlink_after_open = 1;
        int r = read_all(path, (int)(only % 8), inputs[0].path);
        printf("sweep: %s mutation %" PRId64 " (%s): result %d\n", inputs[0].path, only, desc, r);
        unlink(path);
        return r == R_READ || r == R_BACKWARDS || r == R_REJECT || r == R_LOADERR || r == R_NOMEM ? 0 : 1;
    }

    stats st;
    memset(&st, 0, sizeof st);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (sweep(inputs, n_inputs, jobs, timeout, &st)) return 2;
    uint64_t failures = st.crashes + st.hangs + st.exits + st.bad;
    printf("sweep: %zu files, %" PRIu64 " inputs (%" PRIu64 " truncations, %" PRIu64 " byte mutations), seed %" PRIu64 ", %.0f s\n"
           "  read completely %" PRIu64 " (%" PRIu64 " with a decreasing time table), rejected at open %" PRIu64 ", rejected while loading %" PRIu64 ", out of memory %" PRIu64 "\n"
           "  crashes %" PRIu64 ", hangs %" PRIu64 ", exits %" PRIu64 ", contract violations %" PRIu64 "%s\n",
           n_inputs, st.inputs, st.truncations, st.mutations, g_seed, since(&t0),
           st.read, st.backwards, st.rejected, st.loaderr, st.nomem, st.crashes, st.hangs, st.exits, st.bad,
           failures ? "  FAILED" : "");
    for (size_t j = 0; j < n_inputs; j++) { free(inputs[j].data); free(inputs[j].blocks); }
    free(inputs);
    return failures ? 1 : 0;
}
