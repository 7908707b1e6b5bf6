/* fstw_show.c - the text of the `show` command of both tools: the changes of a
 * window of each row's signal, one line each, values as people read them
 * (fstw_format.c); the format is fstw_show_text's comment in fstwave.h and
 * docs/tools.md. */
#include "fstw_internal.h"

#include <stdlib.h>

static const char *radix_name(int radix)
{
    switch (radix) {
    case FSTW_RADIX_BIN: return "bin";
    case FSTW_RADIX_DEC: return "dec";
    case FSTW_RADIX_HEX: return "hex";
    default: return NULL;
    }
}

/* One line "TIME\tVALUE[\t(in force at T0)]". */
static int show_change(fstwi_text *t, const fstw_file *f, const fstw_render_row *row, size_t change,
                       int radix, int initial, uint64_t t0)
{
    char *value;
    size_t len;
    int rc = fstwi_format_change(f, row->var, row->signal, change, radix, &value, &len);
    if (rc != FSTW_OK) return rc;
    fstwi_text_printf(t, "%llu\t", (unsigned long long)fstw_signal_time(row->signal, change));
    fstwi_text_people(t, value, len, 0);
    free(value);
    if (initial) fstwi_text_printf(t, "\t(in force at %llu)", (unsigned long long)t0);
    fstwi_text_put(t, "\n", 1);
    return FSTW_OK;
}

int fstw_show_text(const fstw_file *f, const fstw_render_row *rows, size_t n, uint64_t t0, uint64_t t1,
                   int radix, char **out, size_t *len, fstw_error *err)
{
    const char *rname = radix_name(radix);
    if (!rname) return fstwi_fail(err, FSTW_ERR_ARG, "radix %d is not 2, 10 or 16", radix);
    if (t1 < t0)
        return fstwi_fail(err, FSTW_ERR_ARG, "the window (%llu, %llu] ends before it starts",
                          (unsigned long long)t0, (unsigned long long)t1);
    for (size_t i = 0; i < n; i++)
        if (!rows[i].signal || !rows[i].label)
            return fstwi_fail(err, FSTW_ERR_ARG, "row %zu has no signal or no label", i);

    fstwi_text t = {{NULL, 0, 0}, 0};
    uint32_t factor;
    int unit;
    fstwi_text_printf(&t, "window (%llu, %llu], times in ", (unsigned long long)t0,
                      (unsigned long long)t1);
    if (fstw_timescale(f, &factor, &unit) == 0)
        fstwi_text_printf(&t, "%u %s", factor, fstw_timescale_unit_name(unit));
    else
        fstwi_text_put(&t, "timescale units", 15);
    fstwi_text_printf(&t, ", radix %s\n", rname);

    for (size_t i = 0; i < n; i++) {
        const fstw_render_row *row = &rows[i];
        fstwi_text_put(&t, "\n", 1);
        fstwi_text_people(&t, row->label, strlen(row->label), 0);
        fstwi_text_put(&t, "\n", 1);
        fstw_window win;
        fstw_signal_window(row->signal, t0, t1, &win);
        if (win.first == win.end) fstwi_text_put(&t, "(no value in the window)\n", 25);
        for (size_t c = win.first; c < win.end && !t.failed; c++) {
            int rc = show_change(&t, f, row, c, radix, win.has_initial && c == win.first, t0);
            if (rc != FSTW_OK) {
                fstwi_buf_free(&t.b);
                return fstwi_fail(err, rc, "cannot format change %zu of row %zu", c, i);
            }
        }
    }
    return fstwi_text_finish(&t, out, len, err);
}
