/* test_oracle.c - the fstwave decoder against libfst's reader, change by change.
 *
 * Run by `make test-oracle` (mk/oracle.mk) over every corpus file, every generated
 * fixture and the bundled example:
 *
 *     test_oracle FILE.fst...
 *
 * For each file:
 *
 *   libfst side (vendor/libfst, unmodified): in a forked child with a time limit
 *   (ORACLE_TIMEOUT seconds, default 120), because libfst calls exit()/abort() or
 *   crashes on odd input.  The child opens a COPY of the file in a private directory
 *   (mkdtemp under $TMPDIR or /tmp, removed afterwards): libfst reads `<file>.hier`
 *   instead of the embedded hierarchy when such a file exists, and unpacks whole-file
 *   gzip files and hierarchies into temporary files next to its input, so it never
 *   sees the original path (a `<file>.hier` that exists beside the original is copied
 *   along, as fstwave reads it too).  fstReaderOpen, the hierarchy (fstReaderIterateHier:
 *   each var's handle and type), then fstReaderSetFacProcessMaskAll,
 *   fstReaderIterBlocksSetNativeDoublesOnCallback(ctx, 1) and fstReaderIterBlocks2 with
 *   both callbacks; every change (handle, time, value bytes) goes to a file in that
 *   directory.  A fixed-width value is the callback's NUL-terminated text, except for
 *   signals whose geometry entry (as fstwave read it) is 0 = real: 8 bytes of native
 *   double.  A variable-length value is the varlen callback's (bytes, length).
 *
 *   fstwave side: fstw_open (default options), fstw_load_signals of every signal ref
 *   0 .. fstw_signal_count-1 in one call (the batch path), and on a second handle of the
 *   same file each signal loaded alone, one call per ref in ascending order (the single-
 *   signal path: the first call indexes the blocks' chain tables on the way, the later
 *   ones read windows of those tables; every signal of every file, about 0.2 s of CPU in
 *   all); both lists are read through fstw_signal_time and fstw_signal_value.  ref = libfst handle - 1: checked for every var by comparing
 *   fstwave's var list (declaration order) with libfst's hierarchy (same count, handle =
 *   signal_ref + 1, same encoding class).
 *
 *   libfst's stream is normalised to what fstwave (and pywellen/wellen) promise
 *   (docs/api.md, section 3.1):
 *
 *   (1) de-duplication: a change equal to the previous KEPT change of the same signal
 *       is dropped; bit vectors compare after rule (3) (so case-insensitively), reals
 *       bit-wise, strings as bytes; events (signals whose var has type event) are never
 *       dropped and their values are not compared, only their times.
 *   (2) changes at times after the header's end time (fstReaderGetEndTime) are dropped.
 *   (3) bit-vector characters are lowercased and any character outside 01xzhuwl-
 *       becomes 'x' (fstwave stores that; wellen would panic).
 *   (4) the frame (initial values): libfst emits the first value-change block's frame
 *       values (at the block's start time, variable-length signals excepted) only when
 *       the block's start time differs from the first entry of its time table
 *       (fstReaderIterBlocks2: beg_tim != time_table[0]); fstwave emits them when that
 *       first entry is after the start time, or the time table is empty (where libfst
 *       reads past an empty array).  They can disagree only for a time table starting
 *       before its block (not seen in any file), so nothing is rewritten here: both
 *       lists include the frame or both do not.  9 compared files have one (aldec,
 *       my-hdl x2, quartus, systemc x2, treadle, fixtures frame_late, multiblock_lz4).
 *   (5) width: fstwave pads/truncates each value to its var's bit width (the var that
 *       names the signal: the last one declared with that handle, as wellen's
 *       all_vars), stores a real var's changes only from real chains and a string var's
 *       only from variable-length or fixed chains.  Only signals whose var matches what
 *       the file stores are compared: bit vector with var width = geometry width, real
 *       with geometry "real", string with geometry "variable length", events always.
 *       The others are counted and listed as skipped with the reason.
 *
 *   Values from fstwave: FSTW_VAL_BITS2 (packed big-endian bits) becomes `bits`
 *   '0'/'1' characters, FSTW_VAL_LOGIC is characters already, a real is the double's 8
 *   bytes, a string its bytes, an event nothing.
 *
 *   libfst's list is compared per signal with each of fstwave's two: same count, same
 *   times, same values.  The first difference of a signal is printed (file, signal ref,
 *   var full name, "batch load" or "single load", change index, both (time, value)) and
 *   counts as a failure.
 *
 * A file libfst cannot read (fstReaderOpen fails, or the child exits, crashes or runs
 * out of time) is a failure unless it is in ALLOWED below with the same outcome; an
 * allowed file that libfst reads, or fails on differently, is a failure too (the list
 * must stay exact).  fstwave's side of an allowed file is still opened and loaded.
 *
 * ORACLE_CUT_END=1: the private copy's header end time is set to the middle of its
 * [start, end] and both readers read that copy, so rule (2) has changes to drop (no
 * writer leaves changes after its end time; gzip-wrapped files are compared uncut).
 *
 * ORACLE_SELFTEST=1: after normalising, corrupt the first value of the first compared
 * non-event signal that has a change, to show that the comparison fails on it, for the
 * batch and the single load (the make target runs this once and expects both failures).
 *
 * Prints one line per file (signals and changes compared, signals skipped, libfst changes
 * dropped by rules 1 and 2, vars whose handle was checked) and a summary line;
 * exits 1 on any failure, 2 on a usage or setup error. */
#define _GNU_SOURCE
#include "fstw_internal.h"
#include "fstapi.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define GEOM_REAL 0u
#define GEOM_VARLEN UINT32_MAX

/* ---------------------------------------------------------------------------
 * Files libfst itself cannot read.  Matched against the end of the path given on
 * the command line; `outcome` must equal what the child reports (see
 * describe_child()).  Each reason is what was observed with vendor/libfst. */
static const struct allowed {
    const char *suffix;
    const char *outcome;
    const char *reason;
} ALLOWED[] = {
    /* sigrok: the header, then a value-change block of type 255 (FST_BL_SKIP) with
     * length 0 that the writer never finished (start/end time 0, a 7-byte frame), then
     * geometry and an LZ4 hierarchy block.  libfst's block scan stops at the 255 block,
     * so it never sees the hierarchy, and fstReaderOpen crashes (fstReaderInit ->
     * fstReaderProcessHier -> fstReaderRecreateHierFile).  fstwave keeps the open
     * block's frame (7 signals, 7 changes). */
    { "sigrok/libsigrok.vcd.fst", "killed by SIGSEGV",
      "header + an open block of type 255 (geometry, hierarchy after it): libfst segfaults in fstReaderOpen" },
    /* the same layout written by libfst's own writer (gen_fixtures: values only in the
     * frame, then time steps without changes; geometry and a zlib hierarchy after the
     * open block): fstReaderOpen aborts in fstReaderInit -> fstReaderVarint64
     * (chk_report_abort, TALOS-2023-1783).  fstwave: 2 signals, 2 frame changes. */
    { "fixtures/unfinished_block.fst", "killed by SIGABRT",
      "open block of type 255 before geometry/hierarchy: libfst aborts (TALOS-2023-1783)" },
};
#define N_ALLOWED (sizeof ALLOWED / sizeof ALLOWED[0])

/* ---------------------------------------------------------------- small helpers */

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) { fprintf(stderr, "test_oracle: out of memory (%zu bytes)\n", n); exit(2); }
    return p;
}

static void *xcalloc(size_t n, size_t sz)
{
    void *p = calloc(n ? n : 1, sz ? sz : 1);
    if (!p) { fprintf(stderr, "test_oracle: out of memory\n"); exit(2); }
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) { fprintf(stderr, "test_oracle: out of memory (%zu bytes)\n", n); exit(2); }
    return p;
}

/* a growable byte arena */
typedef struct arena {
    uint8_t *p;
    size_t len, cap;
} arena;

static size_t arena_put(arena *a, const void *src, size_t n)
{
    if (a->len + n > a->cap) {
        size_t c = a->cap ? a->cap : 4096;
        while (c < a->len + n) c *= 2;
        a->p = xrealloc(a->p, c);
        a->cap = c;
    }
    size_t off = a->len;
    if (n) memcpy(a->p + off, src, n);
    a->len += n;
    return off;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    if (m > n) return 0;
    if (strcmp(s + n - m, suffix) != 0) return 0;
    return m == n || s[n - m - 1] == '/';
}

/* snprintf that treats truncation as a setup error (paths) */
static void fmt_path(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fmt_path(char *buf, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= cap) { fprintf(stderr, "test_oracle: path too long: %s\n", buf); exit(2); }
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY | O_CLOEXEC);
    if (in < 0) return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (out < 0) { close(in); return -1; }
    char buf[1 << 16];
    ssize_t n;
    int rc = 0;
    while ((n = read(in, buf, sizeof buf)) != 0) {
        if (n < 0) { if (errno == EINTR) continue; rc = -1; break; }
        for (ssize_t w = 0; w < n;) {
            ssize_t k = write(out, buf + w, (size_t)(n - w));
            if (k < 0) { if (errno == EINTR) continue; rc = -1; break; }
            w += k;
        }
        if (rc) break;
    }
    close(in);
    if (close(out)) rc = -1;
    return rc;
}

static uint64_t get_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | p[i];
    return v;
}

/* ORACLE_CUT_END: sets the header's end time of the file at path (a private copy) to
 * the middle of its [start, end], so that changes after the end time exist (writers
 * never make such files; rule 2 is exercised).  Returns 0 when patched, -1 when the
 * file has no plain header block first (a gzip wrapper) or nothing to cut. */
static int cut_end_time(const char *path, char *msg, size_t cap)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    uint8_t h[25];
    if (fd < 0 || pread(fd, h, sizeof h, 0) != (ssize_t)sizeof h || h[0] != FST_BL_HDR) {
        if (fd >= 0) close(fd);
        snprintf(msg, cap, "not cut (no header block first)");
        return -1;
    }
    uint64_t st = get_be64(h + 9), et = get_be64(h + 17);
    if (et <= st) {
        close(fd);
        snprintf(msg, cap, "not cut (end time %" PRIu64 " <= start time %" PRIu64 ")", et, st);
        return -1;
    }
    uint64_t nt = st + (et - st) / 2;
    for (int i = 0; i < 8; i++) h[17 + i] = (uint8_t)(nt >> (56 - 8 * i));
    int rc = pwrite(fd, h + 17, 8, 17) == 8 ? 0 : -1;
    close(fd);
    snprintf(msg, cap, rc ? "not cut (write failed)" : "end time %" PRIu64 " -> %" PRIu64, et, nt);
    return rc;
}

/* removes every file in dir (libfst's leftovers included), then dir */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char p[4096];
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            fmt_path(p, sizeof p, "%s/%s", dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    if (rmdir(dir)) fprintf(stderr, "test_oracle: warning: could not remove %s: %s\n", dir, strerror(errno));
}

/* printable form of a value (escapes, cut at 96 bytes) */
static const char *show(const uint8_t *v, size_t n, int is_real, char *buf, size_t cap)
{
    if (!v) { snprintf(buf, cap, "(none)"); return buf; }
    if (is_real) {
        double d;
        uint64_t u;
        memcpy(&d, v, 8);
        memcpy(&u, v, 8);
        snprintf(buf, cap, "%.17g [0x%016" PRIx64 "]", d, u);
        return buf;
    }
    size_t o = 0;
    buf[o++] = '"';
    for (size_t i = 0; i < n && o + 8 < cap; i++) {
        if (i == 96) { o += (size_t)snprintf(buf + o, cap - o, "...(%zu bytes)", n); break; }
        uint8_t c = v[i];
        if (c >= 32 && c < 127 && c != '"' && c != '\\') buf[o++] = (char)c;
        else o += (size_t)snprintf(buf + o, cap - o, "\\x%02x", c);
    }
    if (o + 2 <= cap) buf[o++] = '"';
    buf[o < cap ? o : cap - 1] = 0;
    return buf;
}

/* ------------------------------------------------------------ the libfst child */

/* Record stream written by the child (native byte order):
 *   'H' u64 start_time, u64 end_time, u32 max_handle
 *   'V' u32 handle, u8 type, u32 length, u8 is_alias          (hierarchy order)
 *   'C' u8 kind (0 text, 1 real, 2 varlen), u32 handle, u64 time, u32 len, bytes
 *   'E' u64 number of 'C' records                              (only after a full run) */
typedef struct child_ctx {
    FILE *out;
    const uint32_t *geom;   /* fstwave's geometry, or NULL (then real-ness from the vars) */
    uint32_t n_geom;
    uint8_t *real_by_handle; /* used when geom is NULL; index handle-1 */
    uint32_t n_real;
    uint64_t n_changes;
} child_ctx;

static void wr(child_ctx *c, const void *p, size_t n)
{
    if (fwrite(p, 1, n, c->out) != n) _exit(4);
}

static void put_change(child_ctx *c, uint8_t kind, fstHandle h, uint64_t t, const void *v, uint32_t len)
{
    uint8_t tag = 'C';
    uint32_t hh = h;
    wr(c, &tag, 1);
    wr(c, &kind, 1);
    wr(c, &hh, 4);
    wr(c, &t, 8);
    wr(c, &len, 4);
    if (len) wr(c, v, len);
    c->n_changes++;
}

static void cb_fixed(void *user, uint64_t t, fstHandle h, const unsigned char *v)
{
    child_ctx *c = user;
    uint32_t ref = h - 1;
    int real;
    if (c->geom) real = ref < c->n_geom && c->geom[ref] == GEOM_REAL;
    else real = ref < c->n_real && c->real_by_handle[ref];
    if (real) put_change(c, 1, h, t, v, 8);
    else put_change(c, 0, h, t, v, (uint32_t)strlen((const char *)v));
}

static void cb_varlen(void *user, uint64_t t, fstHandle h, const unsigned char *v, uint32_t len)
{
    put_change(user, 2, h, t, v, len);
}

static int is_real_type(unsigned typ)
{
    return typ == FST_VT_VCD_REAL || typ == FST_VT_VCD_REAL_PARAMETER || typ == FST_VT_VCD_REALTIME ||
           typ == FST_VT_SV_SHORTREAL;
}

static void libfst_child(const char *copy, const char *out_path, const char *log_path,
                         const uint32_t *geom, uint32_t n_geom, unsigned timeout)
{
    int log = open(log_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (log >= 0) { dup2(log, 1); dup2(log, 2); close(log); }
    alarm(timeout);
    child_ctx c;
    memset(&c, 0, sizeof c);
    c.geom = geom;
    c.n_geom = n_geom;
    fstReaderContext *ctx = fstReaderOpen(copy);
    if (!ctx) _exit(3);
    c.out = fopen(out_path, "wb");
    if (!c.out) _exit(4);
    static char obuf[1 << 20];
    setvbuf(c.out, obuf, _IOFBF, sizeof obuf);
    uint64_t st = fstReaderGetStartTime(ctx), et = fstReaderGetEndTime(ctx);
    uint32_t maxh = fstReaderGetMaxHandle(ctx);
    wr(&c, "H", 1);
    wr(&c, &st, 8);
    wr(&c, &et, 8);
    wr(&c, &maxh, 4);
    if (!geom) c.real_by_handle = xcalloc(maxh + 1, 1), c.n_real = maxh;
    struct fstHier *hv;
    while ((hv = fstReaderIterateHier(ctx))) {
        if (hv->htyp != FST_HT_VAR) continue;
        uint32_t handle = hv->u.var.handle, len = hv->u.var.length;
        uint8_t typ = hv->u.var.typ, alias = hv->u.var.is_alias;
        wr(&c, "V", 1);
        wr(&c, &handle, 4);
        wr(&c, &typ, 1);
        wr(&c, &len, 4);
        wr(&c, &alias, 1);
        if (!geom && !alias && handle >= 1 && handle <= c.n_real) c.real_by_handle[handle - 1] = (uint8_t)is_real_type(typ);
    }
    fstReaderSetFacProcessMaskAll(ctx);
    fstReaderIterBlocksSetNativeDoublesOnCallback(ctx, 1);
    fstReaderIterBlocks2(ctx, cb_fixed, cb_varlen, &c, NULL);
    wr(&c, "E", 1);
    wr(&c, &c.n_changes, 8);
    if (fclose(c.out)) _exit(4);
    fstReaderClose(ctx);
    _exit(0);
}

/* outcome of the child as a short text ("ok" when it finished normally) */
static void describe_child(int status, char *buf, size_t cap, unsigned timeout)
{
    if (WIFEXITED(status)) {
        int code = WEXITSTATUS(status);
        if (code == 0) snprintf(buf, cap, "ok");
        else if (code == 3) snprintf(buf, cap, "fstReaderOpen failed");
        else if (code == 4) snprintf(buf, cap, "could not write the change stream (test setup)");
        else snprintf(buf, cap, "exited with status %d", code);
    } else if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sig == SIGALRM) snprintf(buf, cap, "timed out after %u s", timeout);
        else {
            const char *nm = sig == SIGSEGV ? "SIGSEGV" : sig == SIGABRT ? "SIGABRT" : sig == SIGBUS ? "SIGBUS"
                           : sig == SIGFPE ? "SIGFPE" : sig == SIGILL ? "SIGILL" : sig == SIGKILL ? "SIGKILL" : NULL;
            if (nm) snprintf(buf, cap, "killed by %s", nm);
            else snprintf(buf, cap, "killed by signal %d", sig);
        }
    } else {
        snprintf(buf, cap, "unexpected wait status 0x%x", status);
    }
}

/* ------------------------------------------------------------- libfst's stream */

typedef struct lchange {
    uint64_t time;
    uint64_t off;     /* value bytes in the stream buffer */
    uint32_t len;
    uint8_t kind;
} lchange;

typedef struct lvar {
    uint32_t handle, length;
    uint8_t typ, alias;
} lvar;

typedef struct lstream {
    uint8_t *buf;
    size_t size;
    uint64_t start_time, end_time;
    uint32_t max_handle;
    lvar *vars;
    size_t n_vars;
    lchange *ch;           /* grouped by handle: ch[first[h] .. first[h+1]) for handle h+1 */
    size_t *first;         /* max_handle + 1 entries */
    uint64_t n_changes;
    int complete;
} lstream;

static int read_stream(const char *path, lstream *s, char *why, size_t cap)
{
    memset(s, 0, sizeof *s);
    FILE *fp = fopen(path, "rb");
    if (!fp) { snprintf(why, cap, "no change stream: %s", strerror(errno)); return -1; }
    struct stat st;
    if (fstat(fileno(fp), &st)) { fclose(fp); snprintf(why, cap, "stat failed"); return -1; }
    s->size = (size_t)st.st_size;
    s->buf = xmalloc(s->size);
    if (s->size && fread(s->buf, 1, s->size, fp) != s->size) { fclose(fp); snprintf(why, cap, "short read of the change stream"); return -1; }
    fclose(fp);
    /* pass 1: counts; pass 2: place */
    size_t *count = NULL;
    size_t cap_vars = 0;
    for (int pass = 0; pass < 2; pass++) {
        size_t pos = 0;
        uint64_t seen = 0;
        while (pos < s->size) {
            uint8_t tag = s->buf[pos++];
            if (tag == 'H') {
                if (s->size - pos < 20) goto bad;
                memcpy(&s->start_time, s->buf + pos, 8);
                memcpy(&s->end_time, s->buf + pos + 8, 8);
                memcpy(&s->max_handle, s->buf + pos + 16, 4);
                pos += 20;
                if (pass == 0) count = xcalloc((size_t)s->max_handle + 1, sizeof *count);
            } else if (tag == 'V') {
                if (s->size - pos < 10) goto bad;
                if (pass == 0) {
                    if (s->n_vars == cap_vars) {
                        cap_vars = cap_vars ? 2 * cap_vars : 64;
                        s->vars = xrealloc(s->vars, cap_vars * sizeof *s->vars);
                    }
                    lvar *v = &s->vars[s->n_vars++];
                    memcpy(&v->handle, s->buf + pos, 4);
                    v->typ = s->buf[pos + 4];
                    memcpy(&v->length, s->buf + pos + 5, 4);
                    v->alias = s->buf[pos + 9];
                }
                pos += 10;
            } else if (tag == 'C') {
                if (s->size - pos < 17 || !count) goto bad;
                uint8_t kind = s->buf[pos];
                uint32_t h, len;
                uint64_t t;
                memcpy(&h, s->buf + pos + 1, 4);
                memcpy(&t, s->buf + pos + 5, 8);
                memcpy(&len, s->buf + pos + 13, 4);
                pos += 17;
                if (s->size - pos < len) goto bad;
                if (h < 1 || h > s->max_handle) {
                    snprintf(why, cap, "libfst reported a change for handle %u (max handle %u)", h, s->max_handle);
                    return -1;
                }
                if (pass == 0) count[h - 1]++;
                else {
                    lchange *c = &s->ch[s->first[h - 1] + count[h - 1]++];
                    c->time = t;
                    c->off = pos;
                    c->len = len;
                    c->kind = kind;
                }
                pos += len;
                seen++;
            } else if (tag == 'E') {
                if (s->size - pos < 8) goto bad;
                uint64_t n;
                memcpy(&n, s->buf + pos, 8);
                pos += 8;
                if (n != seen) goto bad;
                s->complete = 1;
            } else {
                goto bad;
            }
        }
        if (!count) goto bad;
        if (pass == 0) {
            s->n_changes = seen;
            s->first = xmalloc(((size_t)s->max_handle + 1) * sizeof *s->first);
            size_t acc = 0;
            for (uint32_t h = 0; h < s->max_handle; h++) { s->first[h] = acc; acc += count[h]; count[h] = 0; }
            s->first[s->max_handle] = acc;
            s->ch = xmalloc(acc * sizeof *s->ch);
            s->complete = 0;
        }
    }
    free(count);
    if (!s->complete) { snprintf(why, cap, "change stream without its end record"); return -1; }
    return 0;
bad:
    free(count);
    snprintf(why, cap, "malformed change stream");
    return -1;
}

static void free_stream(lstream *s)
{
    free(s->buf);
    free(s->vars);
    free(s->ch);
    free(s->first);
    memset(s, 0, sizeof *s);
}

/* ------------------------------------------------------------------ comparison */

static long g_files, g_signals, g_changes, g_skipped, g_failures, g_allowed, g_dup, g_late, g_single;
static int selftest, selftest_done, cut_end;

/* lowercase; anything outside 01xzhuwl- becomes x (rule 3) */
static uint8_t norm_char(uint8_t c)
{
    if (c >= 'A' && c <= 'Z') c = (uint8_t)(c + 32);
    switch (c) {
    case '0': case '1': case 'x': case 'z': case 'h': case 'u': case 'w': case 'l': case '-':
        return c;
    default:
        return 'x';
    }
}

static int encoding_of_fst_type(unsigned typ)
{
    if (typ == FST_VT_GEN_STRING) return FSTW_ENC_STRING;
    if (is_real_type(typ)) return FSTW_ENC_REAL;
    if (typ == FST_VT_VCD_EVENT) return FSTW_ENC_EVENT;
    return FSTW_ENC_BITS;
}

static const char *enc_name(int enc)
{
    switch (enc) {
    case FSTW_ENC_BITS: return "bit vector";
    case FSTW_ENC_REAL: return "real";
    case FSTW_ENC_STRING: return "string";
    case FSTW_ENC_EVENT: return "event";
    default: return "?";
    }
}

static void geom_text(uint32_t g, char *buf, size_t cap)
{
    if (g == GEOM_REAL) snprintf(buf, cap, "reals");
    else if (g == GEOM_VARLEN) snprintf(buf, cap, "variable-length values");
    else snprintf(buf, cap, "%u bits per value", g);
}


/* one change of libfst's normalised list: time, value bytes in the arena */
typedef struct nchange {
    uint64_t time;
    size_t off;
    uint32_t len;
} nchange;

/* growable buffers for fstwave's values */
typedef struct vbufs {
    uint8_t *scratch, *fbuf;
    size_t scratch_cap, fbuf_cap;
} vbufs;

/* fstwave's value of change i of s as bytes comparable with libfst's normalised ones (see
 * the header comment); 0, or -1 when fstw_signal_value fails. */
static int fstwave_value(const fstw_signal *s, size_t i, vbufs *b, const uint8_t **fv, size_t *flen)
{
    fstw_value val;
    if (fstw_signal_value(s, i, &val, b->scratch, b->scratch_cap) != FSTW_OK) return -1;
    switch (val.kind) {
    case FSTW_VAL_BITS2:
        if (b->fbuf_cap < val.bits) { b->fbuf_cap = val.bits; b->fbuf = xrealloc(b->fbuf, b->fbuf_cap); }
        for (uint32_t k = 0; k < val.bits; k++) {
            size_t pos = val.len * 8 - val.bits + k;
            b->fbuf[k] = (val.data[pos >> 3] >> (7 - (pos & 7)) & 1) ? '1' : '0';
        }
        *fv = b->fbuf;
        *flen = val.bits;
        break;
    case FSTW_VAL_LOGIC:
    case FSTW_VAL_STRING:
        *fv = val.data ? val.data : (const uint8_t *)"";
        *flen = val.len;
        break;
    case FSTW_VAL_REAL:
        if (b->fbuf_cap < 8) { b->fbuf_cap = 8; b->fbuf = xrealloc(b->fbuf, b->fbuf_cap); }
        memcpy(b->fbuf, &val.real, 8);
        *fv = b->fbuf;
        *flen = 8;
        break;
    default: /* event */
        *fv = (const uint8_t *)"";
        *flen = 0;
        break;
    }
    return 0;
}

#define MAX_PRINTED_DIFFS 10

/* Compares fstwave's changes of signal ref r (s, loaded as `how` says) with libfst's
 * normalised list nl[0..nn) (values in norm): same count, times and values.  Prints the
 * first difference (up to MAX_PRINTED_DIFFS per file, counted in *n_diff).  Returns the
 * number of changes found equal; *differs is set when they are not all equal. */
static size_t compare_signal(const char *path, uint32_t r, const char *name, int enc, const char *how,
                             const fstw_signal *s, const nchange *nl, size_t nn, const arena *norm,
                             vbufs *b, long *n_diff, int *differs)
{
    size_t fn = fstw_signal_len(s);
    size_t need = fstw_signal_scratch_size(s);
    if (need > b->scratch_cap) { b->scratch_cap = need; b->scratch = xrealloc(b->scratch, b->scratch_cap); }
    int is_real = enc == FSTW_ENC_REAL;
    size_t m = nn > fn ? nn : fn, i;
    *differs = 0;
    for (i = 0; i < m; i++) {
        const uint8_t *fv = NULL;
        size_t flen = 0;
        uint64_t ft = 0;
        int have_f = i < fn, have_l = i < nn;
        if (have_f) {
            if (fstwave_value(s, i, b, &fv, &flen)) {
                printf("FAIL %s: ref %u %s (%s): fstw_signal_value(%zu) failed\n", path, r, name, how, i);
                (*n_diff)++;
                *differs = 1;
                break;
            }
            ft = fstw_signal_time(s, i);
        }
        const uint8_t *lv = have_l ? norm->p + nl[i].off : NULL;
        size_t llen = have_l ? nl[i].len : 0;
        int same = have_f && have_l && ft == nl[i].time && flen == llen && (llen == 0 || memcmp(fv, lv, llen) == 0);
        if (!same) {
            if (*n_diff < MAX_PRINTED_DIFFS) {
                char a[512], bb[512];
                char lt[32] = "-", ftx[32] = "-";
                if (have_l) snprintf(lt, sizeof lt, "%" PRIu64, nl[i].time);
                if (have_f) snprintf(ftx, sizeof ftx, "%" PRIu64, ft);
                printf("FAIL %s: ref %u %s (%s, %s, %zu libfst / %zu fstwave changes): change %zu differs:\n"
                       "       libfst  (%s, %s)\n       fstwave (%s, %s)\n",
                       path, r, name, how, enc_name(enc), nn, fn, i, lt,
                       have_l ? show(lv, llen, is_real, a, sizeof a) : "(none)", ftx,
                       have_f ? show(fv, flen, is_real, bb, sizeof bb) : "(none)");
            } else if (*n_diff == MAX_PRINTED_DIFFS) {
                printf("FAIL %s: (more differing signals not shown)\n", path);
            }
            (*n_diff)++;
            *differs = 1;
            break;
        }
    }
    return i;
}

/* Compares one file; returns the number of failures. */
static long run_file(const char *path, unsigned timeout)
{
    long fails = 0;
    char msg[1024];
    g_files++;

    const struct allowed *allow = NULL;
    for (size_t i = 0; i < N_ALLOWED; i++)
        if (ends_with(path, ALLOWED[i].suffix)) allow = &ALLOWED[i];

    fstw_file *f = NULL;
    fstw_error err;

    /* libfst in a child, on a private copy */
    const char *tmproot = getenv("TMPDIR");
    if (!tmproot || !*tmproot) tmproot = "/tmp";
    char dir[4096], copy[4096], side[4096], outp[4096], logp[4096];
    fmt_path(dir, sizeof dir, "%s/fstw-oracle.XXXXXX", tmproot);
    if (!mkdtemp(dir)) { fprintf(stderr, "test_oracle: mkdtemp under %s: %s\n", tmproot, strerror(errno)); exit(2); }
    fmt_path(copy, sizeof copy, "%s/%s", dir, base_name(path));
    fmt_path(outp, sizeof outp, "%s/oracle-changes.bin", dir);
    fmt_path(logp, sizeof logp, "%s/oracle-libfst.log", dir);
    if (copy_file(path, copy)) {
        printf("FAIL %s: cannot copy it to %s: %s\n", path, copy, strerror(errno));
        remove_dir(dir);
        g_failures++;
        return 1;
    }
    /* ORACLE_CUT_END: both readers read the copy with the header's end time halved */
    const char *read_path = path;
    if (cut_end) {
        if (cut_end_time(copy, msg, sizeof msg) == 0) read_path = copy;
        printf("  cut %s: %s\n", path, msg);
    }
    /* fstwave: open first (its geometry tells the child which signals are reals) */
    int orc = fstw_open(read_path, NULL, &f, &err);
    /* a second handle for the signals loaded one at a time: its first load indexes the
     * blocks' chain tables on the way, later ones read windows of those tables */
    fstw_file *single = NULL;
    if (orc == FSTW_OK && fstw_open(read_path, NULL, &single, &err) != FSTW_OK) {
        printf("FAIL %s: a second fstw_open fails: %s\n", path, err.message);
        fails++;
        single = NULL;
    }
    {
        char orig_side[4096];
        fmt_path(orig_side, sizeof orig_side, "%s.hier", path);
        fmt_path(side, sizeof side, "%s.hier", copy);
        if (access(orig_side, F_OK) == 0 && copy_file(orig_side, side)) {
            printf("FAIL %s: cannot copy its side file %s\n", path, orig_side);
            fails++;
        }
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) { perror("test_oracle: fork"); exit(2); }
    if (pid == 0)
        libfst_child(copy, outp, logp, orc == FSTW_OK ? f->geom : NULL, orc == FSTW_OK ? f->n_geom : 0, timeout);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) { perror("test_oracle: waitpid"); exit(2); }
    char outcome[256];
    describe_child(status, outcome, sizeof outcome, timeout);
    int child_ok = strcmp(outcome, "ok") == 0;

    lstream ls;
    memset(&ls, 0, sizeof ls);
    if (child_ok && read_stream(outp, &ls, msg, sizeof msg)) {
        snprintf(outcome, sizeof outcome, "%.200s", msg);
        child_ok = 0;
    }
    char logline[512] = "";
    if (!child_ok) {
        FILE *lf = fopen(logp, "r");
        if (lf) {
            if (fgets(logline, sizeof logline, lf)) logline[strcspn(logline, "\n")] = 0;
            fclose(lf);
        }
    }
    remove_dir(dir);

    if (!child_ok) {
        if (allow && strcmp(allow->outcome, outcome) == 0) {
            g_allowed++;
            /* still exercise fstwave on it */
            size_t nchg = 0;
            uint32_t nsig = orc == FSTW_OK ? fstw_signal_count(f) : 0;
            int lrc = orc;
            if (orc == FSTW_OK && nsig) {
                uint32_t *refs = xmalloc(nsig * sizeof *refs);
                fstw_signal **sigs = xcalloc(nsig, sizeof *sigs);
                for (uint32_t r = 0; r < nsig; r++) refs[r] = r;
                lrc = fstw_load_signals(f, refs, nsig, sigs, 1, &err);
                for (uint32_t r = 0; r < nsig && lrc == FSTW_OK; r++) { nchg += fstw_signal_len(sigs[r]); fstw_signal_free(sigs[r]); }
                free(refs);
                free(sigs);
            }
            printf("allowed %s: libfst %s (%s)\n", path, outcome, allow->reason);
            if (lrc == FSTW_OK) printf("        fstwave reads it: %u signals, %zu changes (not compared)\n", nsig, nchg);
            else printf("        fstwave rejects it too: %s\n", err.message);
        } else {
            printf("FAIL %s: libfst %s%s%s%s\n", path, outcome, logline[0] ? " [libfst: " : "", logline,
                   logline[0] ? "]" : "");
            if (allow) printf("     (allow-listed with a different outcome: \"%s\")\n", allow->outcome);
            fails++;
        }
        fstw_close(single);
        if (f) fstw_close(f);
        free_stream(&ls);
        g_failures += fails;
        return fails;
    }
    if (allow) {
        printf("FAIL %s: allow-listed (\"%s\") but libfst read it: remove it from ALLOWED\n", path, allow->outcome);
        fails++;
    }
    if (orc != FSTW_OK) {
        printf("FAIL %s: libfst reads it (%" PRIu64 " changes) but fstw_open fails: %s\n", path, ls.n_changes, err.message);
        free_stream(&ls);
        g_failures += fails + 1;
        return fails + 1;
    }

    /* ---- the hierarchy: same vars in the same order, handle = signal_ref + 1 */
    uint32_t nvar = fstw_var_count(f);
    uint32_t nsig = fstw_signal_count(f);
    size_t vars_ok = 0;
    if (ls.n_vars != nvar) {
        printf("FAIL %s: libfst's hierarchy has %zu vars, fstwave's %u\n", path, ls.n_vars, nvar);
        fails++;
    } else {
        for (uint32_t v = 0; v < nvar; v++) {
            fstw_var_info vi;
            fstw_var_get(f, v, &vi);
            int lenc = encoding_of_fst_type(ls.vars[v].typ);
            if (ls.vars[v].handle != vi.signal_ref + 1 || lenc != vi.encoding) {
                char name[512];
                fstw_var_full_name(f, v, name, sizeof name);
                printf("FAIL %s: var %u (%s): libfst handle %u type %u (%s), fstwave signal_ref %u (%s)\n", path, v,
                       name, ls.vars[v].handle, ls.vars[v].typ, enc_name(lenc), vi.signal_ref, enc_name(vi.encoding));
                fails++;
                break;
            }
            vars_ok++;
        }
    }
    if (ls.max_handle != nsig)
        printf("note %s: libfst max handle %u, fstw_signal_count %u\n", path, ls.max_handle, nsig);
    const fstw_header *hdr = fstw_file_header(f);
    if (hdr->end_time != ls.end_time)
        printf("note %s: end time: libfst %" PRIu64 ", fstwave header %" PRIu64 "\n", path, ls.end_time, hdr->end_time);

    /* the var naming each signal: the last one declared with it */
    uint32_t *sigvar = xmalloc((nsig ? nsig : 1) * sizeof *sigvar);
    for (uint32_t r = 0; r < nsig; r++) sigvar[r] = FSTW_NONE;
    for (uint32_t v = 0; v < nvar; v++) {
        fstw_var_info vi;
        fstw_var_get(f, v, &vi);
        if (vi.signal_ref < nsig) sigvar[vi.signal_ref] = v;
    }

    /* ---- fstwave: every signal in one load */
    uint32_t *refs = xmalloc((nsig ? nsig : 1) * sizeof *refs);
    fstw_signal **sigs = xcalloc(nsig, sizeof *sigs);
    for (uint32_t r = 0; r < nsig; r++) refs[r] = r;
    int lrc = nsig ? fstw_load_signals(f, refs, nsig, sigs, 1, &err) : FSTW_OK;
    if (lrc != FSTW_OK) {
        printf("FAIL %s: libfst reads it but fstw_load_signals fails: %s\n", path, err.message);
        fails++;
        nsig = 0;
    }
    /* libfst changes for handles fstwave does not have */
    for (uint32_t h = nsig; h < ls.max_handle && lrc == FSTW_OK; h++)
        if (ls.first[h + 1] > ls.first[h]) {
            printf("FAIL %s: libfst reports %zu changes for handle %u, fstwave has %u signals\n", path,
                   ls.first[h + 1] - ls.first[h], h + 1, nsig);
            fails++;
            break;
        }

    long n_cmp = 0, n_chg = 0, n_skip = 0, n_diff = 0, n_dup = 0, n_late = 0, n_single = 0;
    arena norm = { 0 };
    vbufs vb = { 0 };
    nchange *nl = NULL;
    size_t nl_cap = 0;

    for (uint32_t r = 0; r < nsig; r++) {
        uint32_t g = r < f->n_geom ? f->geom[r] : GEOM_VARLEN;
        uint32_t var = sigvar[r];
        int enc;
        uint32_t width;
        char name[1024];
        if (var != FSTW_NONE) {
            fstw_var_info vi;
            fstw_var_get(f, var, &vi);
            enc = vi.encoding;
            width = vi.bitwidth;
            fstw_var_full_name(f, var, name, sizeof name);
        } else { /* no var: fstwave takes the shape from the geometry */
            enc = g == GEOM_REAL ? FSTW_ENC_REAL : g == GEOM_VARLEN ? FSTW_ENC_STRING : FSTW_ENC_BITS;
            width = (g == GEOM_REAL || g == GEOM_VARLEN) ? 0 : (g ? g : 1);
            snprintf(name, sizeof name, "(no var)");
        }
        const lchange *lc = r < ls.max_handle ? ls.ch + ls.first[r] : NULL;
        size_t ln = r < ls.max_handle ? ls.first[r + 1] - ls.first[r] : 0;

        /* rule 5: only signals whose var matches what the file stores */
        int comparable;
        switch (enc) {
        case FSTW_ENC_BITS: comparable = g != GEOM_REAL && g != GEOM_VARLEN && g == width; break;
        case FSTW_ENC_REAL: comparable = g == GEOM_REAL; break;
        case FSTW_ENC_STRING: comparable = g == GEOM_VARLEN; break;
        default: comparable = 1; break;
        }
        if (!comparable) {
            char gt[64];
            geom_text(g, gt, sizeof gt);
            if (enc == FSTW_ENC_BITS)
                printf("  skipped %s ref %u %s: var is %u bits wide, the file stores %s (%zu libfst changes)\n", path, r,
                       name, width, gt, ln);
            else
                printf("  skipped %s ref %u %s: %s var, the file stores %s (%zu libfst changes)\n", path, r, name,
                       enc_name(enc), gt, ln);
            n_skip++;
            continue;
        }

        /* normalise libfst's list (rules 1-3) */
        norm.len = 0;
        size_t nn = 0;
        if (ln > nl_cap) { nl_cap = ln; nl = xrealloc(nl, nl_cap * sizeof *nl); }
        for (size_t i = 0; i < ln; i++) {
            const lchange *c = &lc[i];
            if (c->time > ls.end_time) { n_late++; continue; } /* rule 2 */
            const uint8_t *v = ls.buf + c->off;
            uint32_t len = c->len;
            size_t off = norm.len;
            if (enc == FSTW_ENC_EVENT) {
                len = 0;
            } else if (enc == FSTW_ENC_BITS) {
                for (uint32_t k = 0; k < len; k++) {
                    uint8_t ch = norm_char(v[k]); /* rule 3 */
                    arena_put(&norm, &ch, 1);
                }
            } else {
                arena_put(&norm, v, len);
            }
            /* rule 1 */
            if (enc != FSTW_ENC_EVENT && nn && nl[nn - 1].len == len &&
                memcmp(norm.p + nl[nn - 1].off, norm.p + off, len) == 0) {
                norm.len = off;
                n_dup++;
                continue;
            }
            nl[nn].time = c->time;
            nl[nn].off = off;
            nl[nn].len = len;
            nn++;
        }
        if (selftest && !selftest_done && enc != FSTW_ENC_EVENT && nn && nl[0].len) {
            norm.p[nl[0].off] ^= 1;
            selftest_done = 1;
            printf("ORACLE_SELFTEST: corrupted change 0 of signal ref %u (%s) in libfst's list\n", r, name);
        }

        /* fstwave's lists: the signal from the batch load, and loaded alone */
        int differs;
        size_t eq = compare_signal(path, r, name, enc, "batch load", sigs[r], nl, nn, &norm, &vb, &n_diff, &differs);
        fails += differs;
        if (single) {
            fstw_signal *one = NULL;
            if (fstw_load_signals(single, &r, 1, &one, 0, &err) != FSTW_OK) {
                printf("FAIL %s: ref %u %s: loading it alone fails: %s\n", path, r, name, err.message);
                fails++;
            } else {
                compare_signal(path, r, name, enc, "single load", one, nl, nn, &norm, &vb, &n_diff, &differs);
                fails += differs;
                n_single++;
            }
            fstw_signal_free(one);
        }
        n_cmp++;
        n_chg += (long)eq; /* the changes found equal */
    }
    for (uint32_t r = 0; r < nsig; r++) fstw_signal_free(sigs[r]);
    free(sigs);
    free(refs);
    free(sigvar);
    free(norm.p);
    free(vb.scratch);
    free(vb.fbuf);
    free(nl);
    fstw_close(single);
    fstw_close(f);

    printf("%s %s: %ld signals compared (%ld also loaded alone), %ld changes compared, %ld signals skipped; "
           "libfst gave %" PRIu64 " changes (%ld dropped as repeats, %ld after the end time), %zu vars with "
           "handle = ref + 1\n",
           fails ? "FAIL" : "ok  ", path, n_cmp, n_single, n_chg, n_skip, ls.n_changes, n_dup, n_late, vars_ok);
    free_stream(&ls);
    g_signals += n_cmp;
    g_single += n_single;
    g_changes += n_chg;
    g_skipped += n_skip;
    g_dup += n_dup;
    g_late += n_late;
    g_failures += fails;
    return fails;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE.fst...\n  env: ORACLE_TIMEOUT (seconds per file, default 120), "
                        "ORACLE_SELFTEST=1 (corrupt one value: must fail), ORACLE_CUT_END=1 (halve the end time)\n", argv[0]);
        return 2;
    }
    const char *st = getenv("ORACLE_SELFTEST");
    selftest = st && *st && strcmp(st, "0") != 0;
    const char *ce = getenv("ORACLE_CUT_END");
    cut_end = ce && *ce && strcmp(ce, "0") != 0;
    const char *to = getenv("ORACLE_TIMEOUT");
    unsigned timeout = to && atoi(to) > 0 ? (unsigned)atoi(to) : 120;
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < argc; i++) run_file(argv[i], timeout);
    if (selftest && !selftest_done) {
        printf("ORACLE_SELFTEST: no value to corrupt in the files given\n");
        g_failures++;
    }
    printf("test_oracle: %ld files (%ld allowed libfst failures), %ld signals compared (%ld also loaded alone), "
           "%ld changes compared, %ld signals skipped, %ld failures (libfst changes dropped: %ld repeats, %ld "
           "after the end time)\n",
           g_files, g_allowed, g_signals, g_single, g_changes, g_skipped, g_failures, g_dup, g_late);
    return g_failures ? 1 : 0;
}
