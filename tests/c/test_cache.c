/* test_cache.c - tests of the signal cache (core/src/fstw_cache.c, the
 * contract's revised D10) and of the signals' holder counts and memory
 * counters (fstw_signal_hold, fstw_signal_bytes, fstw_memory_stats_get),
 * run by `make test-c`.
 *
 * For every FST file named on the command line, every signal is loaded one
 * at a time and offered to a cache with a budget of a third of the file's
 * total signal bytes, then the checks, against a model of the cache kept
 * here (a list of refs, most recent first, with each signal's bytes):
 *   - the cache's bytes never exceed its budget and equal the model's sum;
 *   - exactly the most recent signals that fit are cached (fstw_cache_get
 *     finds those, in the model's order, and nothing else), and a get makes
 *     its signal the most recent;
 *   - a signal larger than the budget is not kept; a budget of 0 keeps none;
 *   - fstw_cache_drop drops at once, fstw_cache_set_budget shrinks in order;
 *   - a signal dropped by the cache while the caller holds it stays readable
 *     (its values unchanged), and is freed by the last holder: the process's
 *     live-signal counters return to where they were before the file, after
 *     every signal and the cache are freed;
 *   - thousands of refs through a small table (every slot reused, backward
 *     -shift deletion) on the largest file: gets agree with the model.
 * Usage: test_cache FILE.fst...  Prints "test_cache: N passed, N failed" and
 * exits non-zero on a failure. */
#include "fstwave.h"
#include "check.h"
#include <string.h>

/* The model: refs most recent first, with bytes. */
typedef struct model {
    uint32_t *ref;
    size_t *bytes;
    size_t n, budget;
} model;

static void model_touch(model *m, uint32_t ref, size_t bytes)
{
    size_t i = 0;
    while (i < m->n && m->ref[i] != ref) i++;
    if (i == m->n) m->n++;
    memmove(m->ref + 1, m->ref, i * sizeof *m->ref);
    memmove(m->bytes + 1, m->bytes, i * sizeof *m->bytes);
    m->ref[0] = ref;
    m->bytes[0] = bytes;
}

static void model_remove(model *m, uint32_t ref)
{
    for (size_t i = 0; i < m->n; i++)
        if (m->ref[i] == ref) {
            memmove(m->ref + i, m->ref + i + 1, (m->n - i - 1) * sizeof *m->ref);
            memmove(m->bytes + i, m->bytes + i + 1, (m->n - i - 1) * sizeof *m->bytes);
            m->n--;
            return;
        }
}

static size_t model_fit(model *m)
{
    size_t sum = 0;
    for (size_t i = 0; i < m->n; i++) sum += m->bytes[i];
    while (m->n && sum > m->budget) sum -= m->bytes[--m->n];
    return sum;
}

/* The cache agrees with the model: stats, and a get of each model entry
 * (oldest first, so the order is kept) finds the same signal. */
static void check_agrees(fstw_cache *c, model *m, fstw_signal **by_ref, uint32_t nsig)
{
    fstw_cache_stats st;
    size_t sum = model_fit(m);
    fstw_cache_stats_get(c, &st);
    CHECK(st.signals == m->n && st.bytes == sum && st.bytes <= st.budget,
          "cache holds %zu signals, %zu bytes (budget %zu); model %zu, %zu", st.signals, st.bytes, st.budget, m->n,
          sum);
    for (size_t k = m->n; k-- > 0;) {
        fstw_signal *s = fstw_cache_get(c, m->ref[k]);
        CHECK(s == by_ref[m->ref[k]], "ref %u: cached %p, loaded %p", m->ref[k], (void *)s, (void *)by_ref[m->ref[k]]);
        fstw_signal_free(s);
    }
    /* a sample of refs the model does not hold: not cached */
    for (uint32_t r = 0; r < nsig; r += 1 + nsig / 64) {
        int in = 0;
        for (size_t k = 0; k < m->n; k++) in |= m->ref[k] == r;
        if (!in) {
            fstw_signal *s = fstw_cache_get(c, r);
            CHECK(!s, "ref %u cached, but not among the most recent that fit", r);
            fstw_signal_free(s);
        }
    }
}

static void test_file(const char *path, int big)
{
    fstw_error err;
    fstw_memory_stats before, after;
    fstw_file *f = NULL;
    current = path;
    fstw_memory_stats_get(&before);
    if (fstw_open(path, NULL, &f, &err) != FSTW_OK) {
        CHECK(1, "not readable: fine, nothing to cache");
        return;
    }
    uint32_t nsig = fstw_signal_count(f);
    fstw_signal **by_ref = calloc(nsig ? nsig : 1, sizeof *by_ref);
    model m = {malloc((nsig + 1) * sizeof *m.ref), malloc((nsig + 1) * sizeof *m.bytes), 0, 0};
    size_t total = 0;
    for (uint32_t r = 0; r < nsig; r++) {
        if (fstw_load_signals(f, &r, 1, &by_ref[r], 0, &err) != FSTW_OK) {
            CHECK(0, "load of signal %u: %s", r, err.message);
            goto done;
        }
        total += fstw_signal_bytes(by_ref[r]);
        CHECK(fstw_signal_bytes(by_ref[r]) >= fstw_signal_len(by_ref[r]) * 4, "bytes below the change times");
    }
    fstw_memory_stats_get(&after);
    CHECK(after.signals - before.signals == nsig && after.signal_bytes - before.signal_bytes == total,
          "counters: %llu signals, %llu bytes more; loaded %u, %zu", (unsigned long long)(after.signals - before.signals),
          (unsigned long long)(after.signal_bytes - before.signal_bytes), nsig, total);

    m.budget = total / 3;
    fstw_cache *c = fstw_cache_new(m.budget);
    for (uint32_t r = 0; r < nsig; r++) {
        CHECK(fstw_cache_put(c, by_ref[r]) == 0, "put");
        if (fstw_signal_bytes(by_ref[r]) <= m.budget) model_touch(&m, r, fstw_signal_bytes(by_ref[r]));
        else model_remove(&m, r);
        if (r % (1 + nsig / 8) == 0) check_agrees(c, &m, by_ref, nsig);
    }
    check_agrees(c, &m, by_ref, nsig);
    /* drop the oldest half explicitly, then shrink the budget */
    for (size_t keep = m.n / 2; m.n > keep;) {
        uint32_t r = m.ref[m.n - 1];
        CHECK(fstw_cache_drop(c, r) == 1, "drop of cached ref %u", r);
        CHECK(fstw_cache_drop(c, r) == 0, "second drop of ref %u", r);
        model_remove(&m, r);
    }
    check_agrees(c, &m, by_ref, nsig);
    m.budget /= 2;
    fstw_cache_set_budget(c, m.budget);
    check_agrees(c, &m, by_ref, nsig);

    if (big) {
        /* thousands of puts and drops through the table, gets agree with the model */
        m.budget = total;
        fstw_cache_set_budget(c, m.budget);
        uint64_t x = 88172645463325252ull;
        for (int i = 0; i < 20000 && nsig; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            uint32_t r = (uint32_t)(x % nsig);
            if (x & (1u << 20)) {
                fstw_cache_drop(c, r);
                model_remove(&m, r);
            } else {
                fstw_cache_put(c, by_ref[r]);
                model_touch(&m, r, fstw_signal_bytes(by_ref[r]));
            }
            if (i % 4000 == 0) check_agrees(c, &m, by_ref, nsig);
        }
        check_agrees(c, &m, by_ref, nsig);
    }

    /* the caller's signals outlive the cache and the file */
    fstw_cache_set_budget(c, 0);
    m.budget = 0;
    check_agrees(c, &m, by_ref, nsig);
    fstw_close(f);
    f = NULL;
    fstw_cache_free(c);
    if (nsig) {
        fstw_signal *s = by_ref[nsig - 1];
        fstw_signal_hold(s);
        fstw_signal_free(s);
        CHECK(fstw_signal_ref(s) == nsig - 1, "a held signal stays readable after the cache and the file");
    }
done:
    for (uint32_t r = 0; r < nsig; r++) fstw_signal_free(by_ref[r]);
    if (f) fstw_close(f);
    fstw_memory_stats_get(&after);
    CHECK(after.signals == before.signals && after.signal_bytes == before.signal_bytes,
          "counters after freeing everything: %llu signals, %llu bytes; before %llu, %llu",
          (unsigned long long)after.signals, (unsigned long long)after.signal_bytes,
          (unsigned long long)before.signals, (unsigned long long)before.signal_bytes);
    free(by_ref);
    free(m.ref);
    free(m.bytes);
}

int main(int argc, char **argv)
{
    /* the file with the most signals also gets the random walk */
    int big = 1;
    long best = -1;
    for (int i = 1; i < argc; i++) {
        fstw_file *f;
        fstw_error err;
        if (fstw_open(argv[i], NULL, &f, &err) == FSTW_OK) {
            if ((long)fstw_signal_count(f) > best) best = (long)fstw_signal_count(f), big = i;
            fstw_close(f);
        }
    }
    for (int i = 1; i < argc; i++) test_file(argv[i], i == big);
    fstw_cache_free(NULL);
    printf("test_cache: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
