/* fstw_hashorder.c - the order in which pywellen 0.25 walks its hash maps of
 * u32 keys, where that order is observable: the numbering of derived signals
 * (wellen's generate_signal_refs_for_derived walks an FxHashMap keyed by
 * VarRef) and the order of derived changes at the end of a stream step (an
 * FxHashSet of SignalRef drained).
 *
 * A model of Rust's std HashMap (hashbrown's SwissTable: groups of 16 control
 * bytes with SSE2 on x86-64, of 8 on other machines) with rustc-hash 2's
 * FxHasher: a key's hash
 * is rotl64((key * 0xf1357aea2e62a9c5), 26); its bucket index the hash's low
 * bits, its control byte the top 7 bits.  Insertion probes groups
 * from that index (triangular steps) for the first empty slot; tables grow
 * (capacity 3, 7, 14, 28, ...: buckets 4, 8, 16, 32, ...) by re-inserting
 * in iteration order; iteration is bucket order.  Only what wellen's uses
 * need: inserts (no removal) and clear (a drain keeps the capacity).
 * Checked against pywellen 0.25.7 by the differential test (tests/python25)
 * on files with many derived signals. */
#include "fstw_internal.h"
#include <stdlib.h>
#include <string.h>

/* hashbrown's group of control bytes: 16 with SSE2 (x86, x86-64: the machines
 * pywellen's x86 wheels run on), 8 otherwise (NEON on ARM64, or its portable
 * 64-bit word) */
#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64) || defined(_M_IX86)
#define GROUP 16
#else
#define GROUP 8
#endif
#define CTRL_EMPTY 0xFF

static uint64_t fx_hash(uint32_t key)
{
    uint64_t h = (uint64_t)key * 0xf1357aea2e62a9c5ull;
    return (h << 26) | (h >> 38);
}

static uint32_t cap_to_buckets(uint32_t cap)
{
    if (cap < 8) return cap < 4 ? 4 : 8;
    uint64_t adjusted = (uint64_t)cap * 8 / 7, b = 1;
    while (b < adjusted) b *= 2;
    return (uint32_t)b;
}

static uint32_t mask_to_cap(uint32_t mask)
{
    return mask < 8 ? mask : (mask + 1) / 8 * 7;
}

void fstwi_fxset_init(fstwi_fxset *t)
{
    memset(t, 0, sizeof *t);
}

void fstwi_fxset_free(fstwi_fxset *t)
{
    free(t->ctrl);
    free(t->keys);
    memset(t, 0, sizeof *t);
}

static void set_ctrl(fstwi_fxset *t, uint32_t i, uint8_t v)
{
    uint32_t mask = t->buckets - 1;
    t->ctrl[i] = v;
    t->ctrl[((i - GROUP) & mask) + GROUP] = v; /* the mirror after the last bucket */
}

static uint32_t find_insert_slot(const fstwi_fxset *t, uint64_t h)
{
    uint32_t mask = t->buckets - 1, pos = (uint32_t)h & mask, stride = 0;
    for (;;) {
        for (uint32_t bit = 0; bit < GROUP; bit++)
            if (t->ctrl[pos + bit] & 0x80) {
                uint32_t idx = (pos + bit) & mask;
                if (!(t->ctrl[idx] & 0x80)) {
                    /* a table smaller than a group: the slot seen was past its
                     * end; take the first empty slot of the table */
                    for (idx = 0; !(t->ctrl[idx] & 0x80); idx++) {}
                }
                return idx;
            }
        stride += GROUP;
        pos = (pos + stride) & mask;
    }
}

static int contains(const fstwi_fxset *t, uint32_t key, uint64_t h)
{
    if (!t->buckets) return 0;
    uint32_t mask = t->buckets - 1, pos = (uint32_t)h & mask, stride = 0;
    uint8_t h2 = (uint8_t)(h >> 57);
    for (;;) {
        int empty = 0;
        for (uint32_t bit = 0; bit < GROUP; bit++) {
            uint8_t c = t->ctrl[pos + bit];
            if (c == h2 && t->keys[(pos + bit) & mask] == key) return 1;
            empty |= c == CTRL_EMPTY;
        }
        if (empty) return 0;
        stride += GROUP;
        pos = (pos + stride) & mask;
    }
}

static void raw_insert(fstwi_fxset *t, uint32_t key, uint64_t h)
{
    uint32_t idx = find_insert_slot(t, h);
    if (t->ctrl[idx] == CTRL_EMPTY) t->growth_left--;
    set_ctrl(t, idx, (uint8_t)(h >> 57));
    t->keys[idx] = key;
    t->items++;
}

/* hashbrown's reserve(1): a full table grows, its keys re-inserted in
 * iteration order. */
static int reserve1(fstwi_fxset *t)
{
    if (t->growth_left >= 1) return 0;
    uint32_t full = t->buckets ? mask_to_cap(t->buckets - 1) : 0;
    uint32_t want = t->items + 1 > full + 1 ? t->items + 1 : full + 1;
    uint32_t nb = cap_to_buckets(want);
    uint32_t n_old = t->items;
    uint32_t *old = malloc((n_old ? n_old : 1) * sizeof *old);
    uint8_t *ctrl = malloc((size_t)nb + GROUP);
    uint32_t *keys = malloc((size_t)nb * sizeof *keys);
    if (!old || !ctrl || !keys) { free(old); free(ctrl); free(keys); return -1; }
    fstwi_fxset_order(t, old);
    free(t->ctrl);
    free(t->keys);
    t->ctrl = ctrl;
    t->keys = keys;
    memset(t->ctrl, CTRL_EMPTY, (size_t)nb + GROUP);
    t->buckets = nb;
    t->items = 0;
    t->growth_left = mask_to_cap(nb - 1);
    for (uint32_t i = 0; i < n_old; i++) raw_insert(t, old[i], fx_hash(old[i]));
    free(old);
    return 0;
}

int fstwi_fxset_insert(fstwi_fxset *t, uint32_t key)
{
    /* HashSet::insert reserves before it looks */
    if (reserve1(t)) return -1;
    uint64_t h = fx_hash(key);
    if (!contains(t, key, h)) raw_insert(t, key, h);
    return 0;
}

int fstwi_fxset_entry(fstwi_fxset *t, uint32_t key)
{
    /* HashMap::entry reserves only for a new key */
    uint64_t h = fx_hash(key);
    if (contains(t, key, h)) return 0;
    if (reserve1(t)) return -1;
    raw_insert(t, key, h);
    return 0;
}

size_t fstwi_fxset_order(const fstwi_fxset *t, uint32_t *out)
{
    size_t n = 0;
    for (uint32_t i = 0; i < t->buckets; i++)
        if (!(t->ctrl[i] & 0x80)) out[n++] = t->keys[i];
    return n;
}

void fstwi_fxset_clear(fstwi_fxset *t)
{
    if (!t->buckets) return;
    memset(t->ctrl, CTRL_EMPTY, (size_t)t->buckets + GROUP);
    t->items = 0;
    t->growth_left = mask_to_cap(t->buckets - 1);
}
