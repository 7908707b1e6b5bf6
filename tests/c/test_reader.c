/* test_reader.c - fstw_open_reader: every file given on the command line
 * opened through a read-at-offset callback (pread on a descriptor of the
 * test's) gives the same header, hierarchy, time table and values as
 * fstw_open of its path (or the same error); a callback that fails midway
 * gives FSTW_ERR_IO (or the errno's status) with its message, never a crash;
 * a NULL reader is FSTW_ERR_ARG.  The hierarchy side file through the
 * reader's open_side: each multiblock_*.fst fixture cut before its hierarchy
 * block opens as fstw_open opens it (same error without the side file or with
 * a directory in its place, same file with it), and open_side's reader is
 * released once.  Usage: test_reader FILE.fst ... */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "fstwave.h"
#include "check.h"
#include "same_signal.h"

typedef struct fd_ctx {
    int fd;
    long calls;     /* read_at calls so far */
    long fail_at;   /* the call that fails (-1: none) */
    int fail_errno; /* what it returns then */
} fd_ctx;

static int read_fd(void *ctx, uint64_t off, void *buf, size_t len)
{
    fd_ctx *c = ctx;
    long call = c->calls++;
    if (c->fail_at >= 0 && call >= c->fail_at) return c->fail_errno;
    uint8_t *p = buf;
    while (len) {
        ssize_t r = pread(c->fd, p, len, (off_t)off);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return r < 0 ? errno : EIO;
        p += r;
        off += (uint64_t)r;
        len -= (size_t)r;
    }
    return 0;
}

static int same_str(fstw_str a, fstw_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

/* Header, hierarchy, time table and every signal's values of a and b. */
static void compare(fstw_file *a, fstw_file *b)
{
    const fstw_header *ha = fstw_file_header(a), *hb = fstw_file_header(b);
    CHECK(ha->start_time == hb->start_time && ha->end_time == hb->end_time &&
              ha->timescale_exponent == hb->timescale_exponent && ha->max_handle == hb->max_handle &&
              strcmp(ha->version, hb->version) == 0 && strcmp(ha->date, hb->date) == 0,
          "same header");
    uint32_t ns = fstw_scope_count(a), nv = fstw_var_count(a), ng = fstw_signal_count(a);
    CHECK(ns == fstw_scope_count(b) && nv == fstw_var_count(b) && ng == fstw_signal_count(b),
          "same counts");
    if (ns != fstw_scope_count(b) || nv != fstw_var_count(b) || ng != fstw_signal_count(b)) return;
    char na[4096], nb[4096];
    int bad = 0;
    for (uint32_t s = 0; s < ns; s++) {
        fstw_scope_info sa, sb;
        fstw_scope_get(a, s, &sa);
        fstw_scope_get(b, s, &sb);
        fstw_scope_full_name(a, s, na, sizeof na);
        fstw_scope_full_name(b, s, nb, sizeof nb);
        bad += !(same_str(sa.name, sb.name) && sa.parent == sb.parent && sa.type == sb.type &&
                 sa.n_scopes == sb.n_scopes && sa.n_vars == sb.n_vars && strcmp(na, nb) == 0);
    }
    for (uint32_t v = 0; v < nv; v++) {
        fstw_var_info va, vb;
        fstw_var_get(a, v, &va);
        fstw_var_get(b, v, &vb);
        fstw_var_full_name(a, v, na, sizeof na);
        fstw_var_full_name(b, v, nb, sizeof nb);
        bad += !(same_str(va.name, vb.name) && va.parent == vb.parent && va.var_type == vb.var_type &&
                 va.direction == vb.direction && va.encoding == vb.encoding && va.bitwidth == vb.bitwidth &&
                 va.signal_ref == vb.signal_ref && va.enum_id == vb.enum_id && strcmp(na, nb) == 0);
    }
    CHECK(bad == 0, "same hierarchy (%d scopes/vars differ)", bad);
    size_t nta, ntb;
    const uint64_t *ta = fstw_time_table(a, &nta), *tb = fstw_time_table(b, &ntb);
    CHECK(nta == ntb && (nta == 0 || memcmp(ta, tb, nta * sizeof *ta) == 0), "same time table");
    if (!ng) return;
    uint32_t *refs = malloc(ng * sizeof *refs);
    fstw_signal **sa = calloc(ng, sizeof *sa), **sb = calloc(ng, sizeof *sb);
    for (uint32_t i = 0; i < ng; i++) refs[i] = i;
    fstw_error ea, eb;
    int ra = fstw_load_signals(a, refs, ng, sa, 1, &ea), rb = fstw_load_signals(b, refs, ng, sb, 1, &eb);
    CHECK(ra == rb, "same load status (%d, %d)", ra, rb);
    if (!ra && !rb) {
        int diff = 0;
        for (uint32_t i = 0; i < ng; i++) diff += !same_signal(sa[i], sb[i]);
        CHECK(diff == 0, "same values (%d of %u signals differ)", diff, ng);
        for (uint32_t i = 0; i < ng; i++) { fstw_signal_free(sa[i]); fstw_signal_free(sb[i]); }
    } else if (ra == rb) {
        CHECK(strcmp(ea.message, eb.message) == 0, "same load error: %s / %s", ea.message, eb.message);
    }
    free(refs);
    free(sa);
    free(sb);
}

/* Opens path through the reader that fails at read_at call fail_at (with
 * e), loads every signal: an error with that status, or success when the
 * reader was not called that often. */
static void check_failing(const char *path, long fail_at, int e, long *calls)
{
    fd_ctx c = { open(path, O_RDONLY), 0, fail_at, e };
    struct stat st;
    fstat(c.fd, &st);
    fstw_reader r = { &c, (uint64_t)st.st_size, read_fd, path, NULL, NULL };
    fstw_file *f = NULL;
    fstw_error err;
    int rc = fstw_open_reader(&r, NULL, &f, &err);
    if (!rc) {
        uint32_t ng = fstw_signal_count(f);
        uint32_t *refs = malloc((ng ? ng : 1) * sizeof *refs);
        fstw_signal **s = calloc(ng ? ng : 1, sizeof *s);
        for (uint32_t i = 0; i < ng; i++) refs[i] = i;
        rc = ng ? fstw_load_signals(f, refs, ng, s, 0, &err) : 0;
        if (!rc)
            for (uint32_t i = 0; i < ng; i++) fstw_signal_free(s[i]);
        free(refs);
        free(s);
        fstw_close(f);
    }
    int want = e == ENOENT ? FSTW_ERR_NOENT : FSTW_ERR_IO;
    if (fail_at >= 0 && c.calls > fail_at) {
        CHECK(rc == want, "a reader failing at call %ld gives %s, not %s", fail_at, fstw_status_name(want),
              fstw_status_name(rc));
        CHECK(rc != want || strstr(err.message, "read failed") != NULL, "the message says so: %s", err.message);
    }
    if (calls) *calls = c.calls;
    close(c.fd);
}

/* ---------------------------------------------------------- side files */

static int releases, side_opens;
static char side_asked[4096];

static void release_fd(void *ctx)
{
    fd_ctx *c = ctx;
    close(c->fd);
    free(c);
    releases++;
}

/* open_side over open(2): EISDIR for anything but a regular file. */
static int open_side_fd(void *ctx, const char *side_name, fstw_reader *side)
{
    (void)ctx;
    side_opens++;
    snprintf(side_asked, sizeof side_asked, "%s", side_name);
    int fd = open(side_name, O_RDONLY);
    if (fd < 0) return errno;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return EISDIR;
    }
    fd_ctx *c = calloc(1, sizeof *c);
    c->fd = fd;
    c->fail_at = -1;
    side->ctx = c;
    side->size = (uint64_t)st.st_size;
    side->read_at = read_fd;
    side->release = release_fd;
    return 0;
}

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | p[i];
    return v;
}

static int write_bytes(const char *path, const uint8_t *d, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = fwrite(d, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

/* fstw_open of path and fstw_open_reader with open_side: the same outcome. */
static void same_open(const char *path, const char *what)
{
    fstw_file *a = NULL, *b = NULL;
    fstw_error ea, eb;
    int ra = fstw_open(path, NULL, &a, &ea);
    fd_ctx c = { open(path, O_RDONLY), 0, -1, 0 };
    struct stat st;
    fstat(c.fd, &st);
    fstw_reader r = { &c, (uint64_t)st.st_size, read_fd, path, open_side_fd, NULL };
    int opens = side_opens, rel = releases;
    int rb = fstw_open_reader(&r, NULL, &b, &eb);
    CHECK(ra == rb, "%s: same open status: path %s, reader %s (%s)", what, fstw_status_name(ra),
          fstw_status_name(rb), rb ? eb.message : "");
    if (ra && ra == rb) CHECK(strcmp(ea.message, eb.message) == 0, "%s: same error: %s / %s", what, ea.message, eb.message);
    if (!ra && !rb) compare(a, b);
    CHECK(side_opens == opens + 1, "%s: open_side called once", what);
    CHECK(releases == rel + (rb == FSTW_OK), "%s: the side reader released once", what);
    fstw_close(a);
    fstw_close(b);
    close(c.fd);
}

static int n_side_files;

/* A multiblock_*.fst fixture (libfst's layout: the gzip hierarchy block
 * last) cut before its hierarchy block: no side file, a directory in its
 * place, the side file (the inflated hierarchy, as libfst's writer keeps it). */
static void check_side_file(const char *path)
{
    const char *base = strrchr(path, '/');
    if (strncmp(base ? base + 1 : path, "multiblock_", 11) != 0) return;
    current = path;
    FILE *f = fopen(path, "rb");
    if (!f) return;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *d = malloc((size_t)size);
    size_t got = fread(d, 1, (size_t)size, f);
    fclose(f);
    long pos = 0, hier = -1;
    while (got == (size_t)size && size - pos >= 9) { /* blocks: u8 type, u64 length, payload */
        uint64_t len = be64(d + pos + 1);
        if (len < 8 || len > (uint64_t)(size - pos - 1)) break;
        if (d[pos] == 4) hier = pos; /* the gzip hierarchy block */
        pos += 1 + (long)len;
    }
    if (hier < 0 || pos != size) { /* the LZ4 one has an LZ4 hierarchy: not what libfst's side file holds */
        free(d);
        return;
    }
    uint64_t unpacked = be64(d + hier + 9);
    uint8_t *side = unpacked < (1u << 30) ? malloc(unpacked + 1) : NULL;
    z_stream z;
    memset(&z, 0, sizeof z);
    int ok = side && inflateInit2(&z, 16 + MAX_WBITS) == Z_OK;
    if (ok) {
        z.next_in = d + hier + 17;
        z.avail_in = (uInt)(size - hier - 17);
        z.next_out = side;
        z.avail_out = (uInt)unpacked;
        ok = inflate(&z, Z_FINISH) == Z_STREAM_END && z.total_out == unpacked;
        inflateEnd(&z);
    }
    CHECK(ok, "the hierarchy block inflates");
    const char *tmp = getenv("TMPDIR");
    char dir[4096], cut[4200], hp[4300];
    snprintf(dir, sizeof dir, "%s/test_reader.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (ok && mkdtemp(dir)) {
        snprintf(cut, sizeof cut, "%s/cut.fst", dir);
        snprintf(hp, sizeof hp, "%s/cut.fst.hier", dir);
        write_bytes(cut, d, (size_t)hier);
        same_open(cut, "no side file");
        CHECK(strcmp(side_asked, hp) == 0, "open_side asked for %s, not %s", hp, side_asked);
        mkdir(hp, 0755);
        same_open(cut, "a directory in the side file's place");
        rmdir(hp);
        write_bytes(hp, side, (size_t)unpacked);
        same_open(cut, "side file");
        remove(hp);
        remove(cut);
        rmdir(dir);
        n_side_files++;
    }
    free(side);
    free(d);
}

static void check_file(const char *path)
{
    current = path;
    fstw_file *a = NULL, *b = NULL;
    fstw_error ea, eb;
    int ra = fstw_open(path, NULL, &a, &ea);
    fd_ctx c = { open(path, O_RDONLY), 0, -1, 0 };
    CHECK(c.fd >= 0, "opened for the reader");
    if (c.fd < 0) { fstw_close(a); return; }
    struct stat st;
    fstat(c.fd, &st);
    fstw_reader r = { &c, (uint64_t)st.st_size, read_fd, path, NULL, NULL };
    int rb = fstw_open_reader(&r, NULL, &b, &eb);
    CHECK(ra == rb, "same open status: path %s, reader %s (%s)", fstw_status_name(ra), fstw_status_name(rb),
          rb ? eb.message : "");
    if (ra && ra == rb) CHECK(strcmp(ea.message, eb.message) == 0, "same error: %s / %s", ea.message, eb.message);
    if (!ra && !rb) compare(a, b);
    fstw_close(a);
    fstw_close(b);
    close(c.fd);
    if (ra) return;
    /* failing midway: at the first call, in the middle, at the last one */
    long calls = 0;
    check_failing(path, -1, 0, &calls);
    CHECK(calls > 0, "the reader was called");
    long at[3] = { 0, calls / 2, calls - 1 };
    for (int i = 0; i < 3; i++) check_failing(path, at[i], i == 1 ? -1 : EIO, NULL);
    check_failing(path, calls / 3, ENOENT, NULL);
}

int main(int argc, char **argv)
{
    current = "arguments";
    fstw_file *f = (fstw_file *)1;
    fstw_error err;
    CHECK(fstw_open_reader(NULL, NULL, &f, &err) == FSTW_ERR_ARG && f == NULL, "a NULL reader is FSTW_ERR_ARG");
    fstw_reader none = { NULL, 10, NULL, "x", NULL, NULL };
    CHECK(fstw_open_reader(&none, NULL, &f, &err) == FSTW_ERR_ARG, "no read_at is FSTW_ERR_ARG");
    for (int i = 1; i < argc; i++) {
        check_file(argv[i]);
        check_side_file(argv[i]);
    }
    current = "side files";
    CHECK(argc == 1 || n_side_files >= 2, "%d fixtures cut before their hierarchy block", n_side_files);
    printf("test_reader: %d files, %d cut before the hierarchy, %d passed, %d failed\n", argc - 1, n_side_files,
           passed, failed);
    return failed ? 1 : 0;
}
