/* fstw_full_names.c - full names of scopes and vars (their ancestors' names
 * joined with '.'): the scopes' names are joined once, on the first call, so
 * that a var's full name is two copies; too large a hierarchy (or one whose
 * parents do not come first) is joined on each call instead. */
#include "fstw_internal.h"
#include <stdlib.h>
#include <string.h>

/* Puts the full name of internal scope s (its ancestors' names joined by
 * '.') at buf[0..], within buflen; returns its whole length.  Iterative: the
 * nesting depth comes from the file (one recursion per level overflows the
 * stack of a thread at a few 100000 levels).  The length is summed first,
 * then the names are written from the innermost backwards. */
static size_t join_scope_name(const fstw_file *f, uint32_t s, char *buf, size_t buflen)
{
    size_t total = 0;
    for (uint32_t x = s;; x = f->hier.scopes[x].parent) {
        total += f->hier.scopes[x].name_len;
        if (!f->hier.scopes[x].parent) break;
        total++; /* the '.' before it */
    }
    size_t at = total;
    for (uint32_t x = s;; x = f->hier.scopes[x].parent) {
        const fstwi_scope_rec *r = &f->hier.scopes[x];
        at -= r->name_len;
        for (uint32_t i = 0; i < r->name_len; i++)
            if (at + i + 1 < buflen) buf[at + i] = (char)f->hier.strings.data[r->name_off + i];
        if (!r->parent) break;
        at--;
        if (at + 1 < buflen) buf[at] = '.';
    }
    return total;
}

/* The scopes' full names joined once (at most this many bytes), so a var's
 * full name is two copies. */
#define SCOPE_NAMES_MAX ((uint64_t)64 << 20)

static void make_scope_names(fstw_file *f)
{
    const fstwi_hier *h = &f->hier;
    uint32_t n = h->n_scopes;
    uint64_t *len = malloc(((size_t)n + 1) * sizeof *len);
    if (!len) return;
    uint64_t total = 0;
    int ok = 1;
    for (uint32_t s = 0; s < n && ok; s++) {
        uint32_t p = h->scopes[s].parent;
        if (s == 0) { len[0] = 0; continue; }
        if (p >= s) { ok = 0; break; }  /* parents come first; else no cache */
        len[s] = (p ? len[p] + 1 : 0) + h->scopes[s].name_len;
        total += len[s];
        if (total > SCOPE_NAMES_MAX) ok = 0;
    }
    char *names = ok ? malloc(total + 1) : NULL;
    if (!names) { free(len); return; }
    /* len becomes the offsets (n + 1 of them) */
    uint64_t at = 0;
    for (uint32_t s = 0; s < n; s++) {
        uint64_t l = len[s];
        len[s] = at;
        if (s) {
            uint32_t p = h->scopes[s].parent;
            char *dst = names + at;
            if (p) {
                /* p < s: len[p] and len[p + 1] are offsets already (len[s] = at) */
                uint64_t pl = len[p + 1] - len[p];
                memcpy(dst, names + len[p], pl);
                dst[pl] = '.';
                dst += pl + 1;
            }
            if (h->scopes[s].name_len)
                memcpy(dst, h->strings.data + h->scopes[s].name_off, h->scopes[s].name_len);
        }
        at += l;
    }
    len[n] = at;
    f->scope_names = names;
    f->scope_name_off = len;
}

/* The joined scope names, made on first use (thread-safe); NULL when they are
 * not cached. */
static const fstw_file *scope_names(const fstw_file *cf)
{
    fstw_file *f = (fstw_file *)cf; /* a cache behind a const handle */
    int st = __atomic_load_n(&f->scope_names_state, __ATOMIC_ACQUIRE);
    if (st == 0) {
        fstwi_mutex_lock(&f->lock);
        if (f->scope_names_state == 0) {
            make_scope_names(f);
            __atomic_store_n(&f->scope_names_state, f->scope_names ? 1 : 2, __ATOMIC_RELEASE);
        }
        fstwi_mutex_unlock(&f->lock);
        st = f->scope_names_state;
    }
    return st == 1 ? f : NULL;
}

/* Copies bytes to buf[pos..] within buflen (keeping room for the NUL). */
static void put_bytes(char *buf, size_t buflen, size_t pos, const void *src, size_t n)
{
    if (n == 0 || pos + 1 >= buflen) return;
    size_t room = buflen - 1 - pos;
    memcpy(buf + pos, src, n < room ? n : room);
}

/* The full name of internal scope s at buf[0..] within buflen (no NUL),
 * from the joined names when they are cached; returns its whole length. */
static size_t put_scope_name(const fstw_file *f, uint32_t s, char *buf, size_t buflen)
{
    const fstw_file *c = scope_names(f);
    if (!c) return join_scope_name(f, s, buf, buflen);
    size_t n = (size_t)(c->scope_name_off[s + 1] - c->scope_name_off[s]);
    put_bytes(buf, buflen, 0, c->scope_names + c->scope_name_off[s], n);
    return n;
}

size_t fstw_scope_full_name(const fstw_file *f, uint32_t scope, char *buf, size_t buflen)
{
    if (scope >= fstw_scope_count(f)) { if (buflen) buf[0] = 0; return 0; }
    size_t n = put_scope_name(f, scope + 1, buf, buflen);
    if (buflen) buf[n < buflen ? n : buflen - 1] = 0;
    return n;
}

size_t fstw_var_full_name(const fstw_file *f, uint32_t var, char *buf, size_t buflen)
{
    if (var >= f->hier.n_vars) { if (buflen) buf[0] = 0; return 0; }
    const fstwi_var_rec *v = &f->hier.vars[var];
    size_t pos = 0;
    if (v->parent) {
        pos = put_scope_name(f, v->parent, buf, buflen);
        if (pos + 1 < buflen) buf[pos] = '.';
        pos++;
    }
    put_bytes(buf, buflen, pos, f->hier.strings.data + v->name_off, v->name_len);
    pos += v->name_len;
    if (buflen) buf[pos < buflen ? pos : buflen - 1] = 0;
    return pos;
}
