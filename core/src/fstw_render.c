/* fstw_render.c - a waveform picture as SVG (fstw_render_svg): the summary of
 * each row's signal with one slice per pixel (fstw_signal_summary) turned into
 * runs of one change each, drawn as a viewer draws them; values as people read
 * them (fstw_format.c).  The geometry is in docs/tools.md.
 *
 * Every coordinate is an integer.  Lines of 1-bit signals, edges, dense
 * blocks and x shading are filled rectangles on whole pixels (no stroke, so
 * no anti-aliasing decides which pixel column an edge lights): an edge of a
 * change in slice k is pixel column LABEL + k + 1 (the end of the slice). */
#include "fstw_internal.h"

#include <stdlib.h>

enum {
    CHAR_W = 7,       /* estimated advance of a 12 px monospace character */
    PAD = 8,          /* left margin of labels, gap before the waves */
    LABEL_MIN = 64,   /* the label column is at least this wide */
    LABEL_CHARS = 48, /* labels longer than this keep their last 47 characters after "…" */
    RIGHT = 48,       /* room right of the waves for the last tick label */
    AXIS_H = 30,      /* the time axis band at the top */
    ROW_H = 24,       /* one row */
    HI = 4,           /* offsets in a row: high line, mid line, low line, text baseline */
    MID = 12,
    LO = 20,
    BASE = 16
};

#define C_LINE "#1a7f37"   /* 1-bit lines and bus outlines */
#define C_BUS "#e6f4ea"    /* bus box fill */
#define C_X "#ff8080"      /* x (unknown) shading */
#define C_Z "#c8a000"      /* z (high impedance) mid line */
#define C_DENSE "#808080"  /* slices with more than one change */
#define C_TEXT "#000000"

/* A run of pixel columns [x0, x1) of the wave area: one change in force
 * (change >= 0), no value yet (change -1), or a dense block (dense). */
typedef struct run {
    uint32_t x0, x1;
    int64_t change;
    int dense;
} run;

/* The runs of a row from its summary: a slice with one change ends the run
 * at its right edge, a slice with several starts a dense block. */
static size_t make_runs(const int64_t *first, const uint64_t *counts, const int64_t *last, uint32_t w,
                        run *runs)
{
    size_t n = 0;
    uint32_t start = 0;
    int64_t cur = first[0];
    for (uint32_t k = 0; k < w; k++) {
        if (counts[k] == 0) continue;
        if (counts[k] == 1) {
            runs[n++] = (run){start, k + 1, cur, 0};
            cur = last[k];
            start = k + 1;
            continue;
        }
        if (k > start) runs[n++] = (run){start, k, cur, 0};
        uint32_t e = k;
        while (e < w && counts[e] >= 2) e++;
        runs[n++] = (run){k, e, -1, 1};
        cur = last[e - 1];
        start = e;
        k = e - 1;
    }
    if (start < w) runs[n++] = (run){start, w, cur, 0};
    return n;
}

/* The number of characters (code points) of UTF-8 text. */
static size_t chars_of(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) c += ((uint8_t)s[i] & 0xc0) != 0x80;
    return c;
}

/* The label as drawn: at most LABEL_CHARS characters, a longer one as "…" and
 * its last LABEL_CHARS - 1 characters.  Returns the byte offset to start at. */
static size_t label_start(const char *s, size_t n, size_t *chars)
{
    size_t c = chars_of(s, n);
    if (c <= LABEL_CHARS) {
        *chars = c;
        return 0;
    }
    size_t skip = c - (LABEL_CHARS - 1), i = 0;
    while (i < n && skip > 0) {
        i++;
        while (i < n && ((uint8_t)s[i] & 0xc0) == 0x80) i++;
        skip--;
    }
    *chars = LABEL_CHARS;
    return i;
}

static void rect(fstwi_text *t, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
    fstwi_text_printf(t, "M%u %uh%uv%uh-%uz", x, y, w, h, w);
}

/* The state of a 1-bit change: '0' '1' 'x' 'z' ... ('?' when unreadable). */
static char bit_state(const fstw_signal *s, int64_t change)
{
    uint8_t scratch[8];
    fstw_value v;
    if (fstw_signal_value(s, (size_t)change, &v, scratch, sizeof scratch) != FSTW_OK) return '?';
    if (v.kind == FSTW_VAL_BITS2) return v.data[v.len - 1] & 1 ? '1' : '0';
    return v.kind == FSTW_VAL_LOGIC ? (char)v.data[0] : '?';
}

/* y offset in the row of a 1-bit level, or -1 for a state drawn as x. */
static int level_y(char c)
{
    switch (c) {
    case '1': case 'h': return HI;
    case '0': case 'l': return LO;
    case 'z': return MID;
    default: return -1;
    }
}

/* A 1-bit row: lines (high, low; z mid in its own colour), vertical edges
 * between two lines, x shaded, dense blocks. */
static void draw_bit_row(fstwi_text *t, const fstw_signal *s, const run *runs, size_t n, uint32_t x,
                         uint32_t top)
{
    fstwi_text_printf(t, "<path fill=\"" C_LINE "\" d=\"");
    int prev_y = -1;
    for (size_t i = 0; i < n; i++) {
        const run *r = &runs[i];
        int y = (r->dense || r->change < 0) ? -1 : level_y(bit_state(s, r->change));
        if (y >= 0 && y != MID) rect(t, x + r->x0, top + (uint32_t)y, r->x1 - r->x0, 1);
        if (y >= 0 && prev_y >= 0 && i > 0 && y != prev_y) {
            uint32_t a = (uint32_t)(y < prev_y ? y : prev_y), b = (uint32_t)(y < prev_y ? prev_y : y);
            rect(t, x + r->x0, top + a, 1, b - a + 1);
        }
        prev_y = y;
    }
    fstwi_text_printf(t, "\"/>\n<path fill=\"" C_Z "\" d=\"");
    for (size_t i = 0; i < n; i++) {
        const run *r = &runs[i];
        if (!r->dense && r->change >= 0 && bit_state(s, r->change) == 'z')
            rect(t, x + r->x0, top + MID, r->x1 - r->x0, 1);
    }
    fstwi_text_printf(t, "\"/>\n<path fill=\"" C_X "\" d=\"");
    for (size_t i = 0; i < n; i++) {
        const run *r = &runs[i];
        if (!r->dense && r->change >= 0 && level_y(bit_state(s, r->change)) < 0)
            rect(t, x + r->x0, top + HI, r->x1 - r->x0, LO - HI + 1);
    }
    fstwi_text_printf(t, "\"/>\n");
}

/* An event row: a vertical line at the end of each slice with an event. */
static void draw_event_row(fstwi_text *t, const uint64_t *counts, uint32_t w, uint32_t x, uint32_t top)
{
    fstwi_text_printf(t, "<path fill=\"" C_LINE "\" d=\"");
    for (uint32_t k = 0; k < w; k++)
        if (counts[k]) rect(t, x + k + 1, top + HI, 1, LO - HI + 1);
    fstwi_text_printf(t, "\"/>\n");
}

/* How a bus change is drawn: 0 a value box, 1 a box shaded as unknown (a bit
 * vector with a state other than 0/1 that is not all z), 2 all z (a middle line). */
static int bus_state(const fstw_signal *s, int64_t change)
{
    fstw_value v;
    if (fstw_signal_encoding(s) != FSTW_ENC_BITS) return 0;
    /* 9-state values need no scratch; 2-state ones are packed into it (not read here) */
    uint8_t stack[64];
    size_t need = fstw_signal_scratch_size(s);
    uint8_t *scratch = need <= sizeof stack ? stack : malloc(need);
    if (!scratch || fstw_signal_value(s, (size_t)change, &v, scratch, need) != FSTW_OK) {
        if (scratch != stack) free(scratch);
        return 0;
    }
    if (scratch != stack) free(scratch);
    if (v.kind != FSTW_VAL_LOGIC) return 0;
    for (uint32_t i = 0; i < v.bits; i++)
        if (v.data[i] != 'z') return 1;
    return 2;
}

/* A bus row (bit vectors, reals, strings): a box per run with its value
 * where it fits, x boxes shaded, all-z runs as a mid line. */
static int draw_bus_row(fstwi_text *t, const fstw_file *f, const fstw_render_row *row, int radix,
                        const run *runs, size_t n, uint32_t x, uint32_t top)
{
    for (size_t i = 0; i < n; i++) {
        const run *r = &runs[i];
        uint32_t x0 = x + r->x0, x1 = x + r->x1, w = r->x1 - r->x0;
        if (r->dense || r->change < 0) continue;
        char *v;
        size_t len;
        int rc = fstwi_format_change(f, row->var, row->signal, (size_t)r->change, radix, &v, &len);
        if (rc != FSTW_OK) return rc;
        int state = bus_state(row->signal, r->change);
        if (state == 2) {
            fstwi_text_printf(t, "<path fill=\"" C_Z "\" d=\"");
            rect(t, x0, top + MID, w, 1);
            fstwi_text_printf(t, "\"/>\n");
            free(v);
            continue;
        }
        const char *fill = state == 1 ? C_X : C_BUS;
        if (w >= 6)
            fstwi_text_printf(t,
                              "<polygon fill=\"%s\" stroke=\"" C_LINE "\" points=\"%u,%u %u,%u %u,%u "
                              "%u,%u %u,%u %u,%u\"/>\n",
                              fill, x0, top + MID, x0 + 2, top + HI, x1 - 2, top + HI, x1, top + MID,
                              x1 - 2, top + LO, x0 + 2, top + LO);
        else
            fstwi_text_printf(t, "<rect fill=\"%s\" x=\"%u\" y=\"%u\" width=\"%u\" height=\"%u\"/>\n",
                              fill, x0, top + HI, w, LO - HI + 1);
        if (chars_of(v, len) * CHAR_W + 8 <= w) {
            fstwi_text_printf(t, "<text x=\"%u\" y=\"%u\">", x0 + 4, top + BASE);
            fstwi_text_people(t, v, len, 1);
            fstwi_text_put(t, "</text>\n", 8);
        }
        free(v);
    }
    return FSTW_OK;
}

/* The dense blocks of a row. */
static void draw_dense(fstwi_text *t, const run *runs, size_t n, uint32_t x, uint32_t top)
{
    fstwi_text_printf(t, "<path fill=\"" C_DENSE "\" d=\"");
    for (size_t i = 0; i < n; i++)
        if (runs[i].dense) rect(t, x + runs[i].x0, top + HI, runs[i].x1 - runs[i].x0, LO - HI + 1);
    fstwi_text_printf(t, "\"/>\n");
}

/* The time axis: a line over the waves and ticks at round times (1, 2 or 5
 * times a power of ten, in the file's unit), labelled "120 ns": at most 10,
 * and no more than labels of the widest time fit in the width. */
static void draw_axis(fstwi_text *t, const fstw_file *f, uint64_t t0, uint64_t t1, uint32_t w, uint32_t x)
{
    uint32_t factor = 1;
    int unit = 0;
    int has_unit = fstw_timescale(f, &factor, &unit) == 0;
    unsigned __int128 a = (unsigned __int128)t0 * factor, b = (unsigned __int128)t1 * factor;
    unsigned __int128 span = b - a, step = 1;
    /* as many ticks as labels of the widest time fit, 2..10 */
    unsigned label_chars = 1 + (has_unit ? 1 + (unsigned)strlen(fstw_timescale_unit_name(unit)) : 0);
    for (unsigned __int128 q = b; q >= 10; q /= 10) label_chars++;
    unsigned __int128 ticks = w / (label_chars * CHAR_W + 12);
    if (ticks > 10) ticks = 10;
    if (ticks < 2) ticks = 2;
    static const unsigned mult[3] = {1, 2, 5};
    for (unsigned __int128 p = 1;; p *= 10) {
        int found = 0;
        for (int m = 0; m < 3 && !found; m++)
            if (span <= (unsigned __int128)mult[m] * p * ticks) {
                step = mult[m] * p;
                found = 1;
            }
        if (found) break;
    }
    fstwi_text_printf(t, "<path fill=\"" C_TEXT "\" d=\"");
    rect(t, x, AXIS_H - 5, w, 1);
    unsigned __int128 first = (a + step - 1) / step * step;
    for (unsigned __int128 v = first; v <= b; v += step)
        rect(t, x + (uint32_t)((v - a) * w / span), AXIS_H - 11, 1, 6);
    fstwi_text_printf(t, "\"/>\n<g text-anchor=\"middle\">\n");
    for (unsigned __int128 v = first; v <= b; v += step) {
        char digits[48];
        size_t nd = 0;
        unsigned __int128 q = v;
        do {
            digits[nd++] = (char)('0' + (int)(q % 10));
            q /= 10;
        } while (q);
        fstwi_text_printf(t, "<text x=\"%u\" y=\"14\">", x + (uint32_t)((v - a) * w / span));
        while (nd) fstwi_text_put(t, &digits[--nd], 1);
        if (has_unit) fstwi_text_printf(t, " %s", fstw_timescale_unit_name(unit));
        fstwi_text_put(t, "</text>\n", 8);
    }
    fstwi_text_printf(t, "</g>\n");
}

int fstw_render_svg(const fstw_file *f, const fstw_render_row *rows, size_t n,
                    const fstw_render_options *opts, char **out, size_t *len, fstw_error *err)
{
    if (n == 0) return fstwi_fail(err, FSTW_ERR_ARG, "nothing to render: no rows");
    if (opts->t1 <= opts->t0)
        return fstwi_fail(err, FSTW_ERR_ARG, "the window (%llu, %llu] is empty",
                          (unsigned long long)opts->t0, (unsigned long long)opts->t1);
    if (opts->width < 16 || opts->width > 65536)
        return fstwi_fail(err, FSTW_ERR_ARG, "width %u is not within 16..65536", opts->width);
    if (opts->radix != FSTW_RADIX_BIN && opts->radix != FSTW_RADIX_DEC && opts->radix != FSTW_RADIX_HEX)
        return fstwi_fail(err, FSTW_ERR_ARG, "radix %d is not 2, 10 or 16", opts->radix);
    if (n > (UINT32_MAX - AXIS_H) / ROW_H - 1)
        return fstwi_fail(err, FSTW_ERR_ARG, "too many rows: %zu", n);
    size_t label_chars = 0;
    for (size_t i = 0; i < n; i++) {
        if (!rows[i].signal || !rows[i].label)
            return fstwi_fail(err, FSTW_ERR_ARG, "row %zu has no signal or no label", i);
        size_t c;
        label_start(rows[i].label, strlen(rows[i].label), &c);
        if (c > label_chars) label_chars = c;
    }
    uint32_t w = opts->width;
    uint32_t x = (uint32_t)(PAD + label_chars * CHAR_W + PAD);
    if (x < LABEL_MIN) x = LABEL_MIN;
    uint32_t total_w = x + w + RIGHT, total_h = AXIS_H + (uint32_t)n * ROW_H + 4;

    int64_t *first = malloc(sizeof(int64_t) * w * 2);
    uint64_t *counts = malloc(sizeof(uint64_t) * w);
    run *runs = malloc(sizeof(run) * (w + 1));
    if (!first || !counts || !runs) {
        free(first);
        free(counts);
        free(runs);
        return fstwi_fail(err, FSTW_ERR_NOMEM, "out of memory for a render %u pixels wide", w);
    }
    int64_t *last = first + w;

    fstwi_text t = {{NULL, 0, 0}, 0};
    fstwi_text_printf(&t,
                      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%u\" "
                      "height=\"%u\" viewBox=\"0 0 %u %u\" font-family=\"monospace\" font-size=\"12\">\n",
                      total_w, total_h, total_w, total_h);
    fstwi_text_printf(&t, "<rect width=\"%u\" height=\"%u\" fill=\"#ffffff\"/>\n", total_w, total_h);
    draw_axis(&t, f, opts->t0, opts->t1, w, x);
    int rc = FSTW_OK;
    for (size_t i = 0; i < n && rc == FSTW_OK; i++) {
        const fstw_render_row *row = &rows[i];
        uint32_t top = AXIS_H + (uint32_t)i * ROW_H;
        size_t c, lbytes = strlen(row->label), off = label_start(row->label, lbytes, &c);
        fstwi_text_printf(&t, "<g>\n<text x=\"%u\" y=\"%u\" fill=\"" C_TEXT "\">%s", PAD, top + BASE,
                          off ? "\xe2\x80\xa6" : "");
        fstwi_text_people(&t, row->label + off, lbytes - off, 1);
        fstwi_text_put(&t, "</text>\n", 8);
        rc = fstw_signal_summary(row->signal, opts->t0, opts->t1, w, NULL, first, counts, last);
        if (rc != FSTW_OK) break;
        int enc = fstw_signal_encoding(row->signal);
        if (enc == FSTW_ENC_EVENT) {
            draw_event_row(&t, counts, w, x, top);
        } else {
            size_t nr = make_runs(first, counts, last, w, runs);
            if (enc == FSTW_ENC_BITS && fstw_signal_bitwidth(row->signal) == 1)
                draw_bit_row(&t, row->signal, runs, nr, x, top);
            else
                rc = draw_bus_row(&t, f, row, opts->radix, runs, nr, x, top);
            draw_dense(&t, runs, nr, x, top);
        }
        fstwi_text_put(&t, "</g>\n", 5);
    }
    fstwi_text_put(&t, "</svg>\n", 7);
    free(first);
    free(counts);
    free(runs);
    if (rc != FSTW_OK) {
        fstwi_buf_free(&t.b);
        return fstwi_fail(err, rc, "cannot render: reading a value failed");
    }
    return fstwi_text_finish(&t, out, len, err);
}
