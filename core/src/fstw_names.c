/* fstw_names.c - wellen's parse_name (wellen/src/vcd.rs, v0.20.5): splits an
 * FST var name into the var's own name, a trailing bit range (kept only when
 * its width equals the declared length) and array scopes made from the other
 * trailing [...] groups. */
#include "fstw_internal.h"
#include <stdlib.h>
#include <string.h>

enum { ST_SEARCH, ST_LSB, ST_MSB, ST_NAME };

/* wellen's extract_suffix_index: scans from the back, ignoring spaces.
 * Returns the length of the prefix before the index; *has_index tells
 * whether an index was parsed. Integer arithmetic wraps as Rust's release
 * build does. */
static size_t extract_suffix_index(const uint8_t *v, size_t len, int *has_index,
                                   int64_t *msb, int64_t *lsb)
{
    int st = ST_SEARCH;
    size_t end = 0;
    uint64_t num = 0, factor = 1, lsb_num = 0;
    *has_index = 0;
    for (size_t k = len; k-- > 0;) {
        uint8_t c = v[k];
        if (c == ' ') continue;
        switch (st) {
        case ST_SEARCH:
            if (c == ']') { st = ST_LSB; end = k; num = 0; factor = 1; }
            else return k + 1;
            break;
        case ST_LSB:
            if (c >= '0' && c <= '9') { num += (uint64_t)(c - '0') * factor; factor *= 10; }
            else if (c == '-') num = (uint64_t)0 - num;
            else if (c == ':') { lsb_num = num; num = 0; factor = 1; st = ST_MSB; }
            else if (c == '[') { *msb = (int64_t)num; *lsb = (int64_t)num; st = ST_NAME; }
            else return end + 1;
            break;
        case ST_MSB:
            if (c >= '0' && c <= '9') { num += (uint64_t)(c - '0') * factor; factor *= 10; }
            else if (c == '-') num = (uint64_t)0 - num;
            else if (c == '[') { *msb = (int64_t)num; *lsb = (int64_t)lsb_num; st = ST_NAME; }
            else return end + 1;
            break;
        default: /* ST_NAME: any non-space character ends the name */
            *has_index = 1;
            return k + 1;
        }
    }
    return len;
}

static size_t trim_right(const uint8_t *v, size_t len)
{
    while (len && v[len - 1] == ' ') len--;
    return len;
}

int fstwi_parse_name(const uint8_t *raw, size_t len, uint32_t declared_len, fstwi_parsed_name *out)
{
    /* not a memset: the scope arrays (512 bytes) are filled only up to n_scopes */
    out->name = raw;
    out->name_len = 0;
    out->has_index = 0;
    out->msb = out->lsb = 0;
    out->n_scopes = 0;
    out->owned = NULL;
    if (len == 0) return 0;

    int has_index;
    int64_t msb = 0, lsb = 0;
    size_t name_len = extract_suffix_index(raw, len, &has_index, &msb, &lsb);
    if (has_index) {
        /* wellen's VarIndex keeps lsb and an i32 width (msb - lsb) */
        int32_t width = (int32_t)(uint32_t)((uint64_t)msb - (uint64_t)lsb);
        uint32_t length = (width == 0 || width == INT32_MIN) ? 1
                          : (uint32_t)(width < 0 ? -(int64_t)width : width) + 1;
        if (length != declared_len) {
            name_len = len;
            has_index = 0;
        } else {
            out->has_index = 1;
            out->lsb = lsb;
            out->msb = (width == 0 || width == INT32_MIN) ? lsb : (int64_t)width + lsb;
        }
    }

    /* trailing [...] groups become array scopes */
    const uint8_t *grp_ptr[256];
    size_t grp_len[256];
    int n = 0;
    while (name_len && raw[name_len - 1] == ']') {
        size_t start = name_len - 1;
        int found = 0;
        while (start-- > 0)
            if (raw[start] == '[') { found = 1; break; }
        if (!found) break; /* no '[': wellen fails here; we keep the name whole */
        if (n == 256) break;
        grp_ptr[n] = raw + start;
        grp_len[n] = name_len - start;
        n++;
        name_len = trim_right(raw, start);
    }
    if (n == 0) {
        out->name_len = name_len;
        return 0;
    }
    /* scopes: the base name, then the groups left to right except the last;
     * the var's name is the rightmost group */
    int ns = n; /* base + (n - 1) groups */
    if (ns > 32) ns = 32; /* deeper arrays are folded into the name (never seen) */
    out->scope_ptr[0] = raw;
    out->scope_len[0] = name_len;
    out->n_scopes = 1;
    for (int i = n - 1; i >= 1 && out->n_scopes < ns; i--) {
        out->scope_ptr[out->n_scopes] = grp_ptr[i];
        out->scope_len[out->n_scopes] = grp_len[i];
        out->n_scopes++;
    }
    out->name = grp_ptr[0];
    out->name_len = grp_len[0];
    return 0;
}
