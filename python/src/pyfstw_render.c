/*
 * pyfstw_render.c - Waveform.render_svg() and Waveform.show_text(): the
 * picture and the text of the tool's `render` and `show` commands
 * (fstw_render_svg, fstw_show_text; the formats are in fstwave/docs/tools.md).
 * This file only translates: the vars (Var objects or full names looked up
 * with fstw_lookup_var), the loads (through Waveform.load_signals, so the
 * cache and progress= are the ones of that method), the window defaults (the
 * file's time range) and the radix name.
 */
#include "pyfstw.h"

#include <stdlib.h>
#include <string.h>

static const pyfstw_argspec render_svg_args =
    PYFSTW_ARGSPEC("render_svg", "O", "OOOOO", "vars", "start", "end", "width", "radix", "progress");
static const pyfstw_argspec show_text_args =
    PYFSTW_ARGSPEC("show_text", "O", "OOOO", "vars", "start", "end", "radix", "progress");

/* What one call draws or writes: the rows, their labels, the Signals that
 * keep the rows' fstw_signal alive. */
typedef struct {
    fstw_render_row *rows;
    char **labels;
    size_t n;
    PyObject *signals; /* list of Signal */
} rows_t;

static void rows_free(rows_t *r)
{
    if (r->labels)
        for (size_t i = 0; i < r->n; i++)
            PyMem_Free(r->labels[i]);
    PyMem_Free(r->labels);
    PyMem_Free(r->rows);
    Py_XDECREF(r->signals);
}

/* The var id of one item of vars: a Var of this waveform's hierarchy or a
 * full name (fstw_lookup_var; ValueError "no signal named 'NAME'"). */
static int item_var(pyfstw_WaveformObject *self, fstw_file *f, PyObject *item, const char *fname, uint32_t *id)
{
    pyfstw_state *st = pyfstw_state_of((PyObject *)self);
    if (PyUnicode_Check(item)) {
        Py_ssize_t len;
        const char *s = PyUnicode_AsUTF8AndSize(item, &len);
        if (!s)
            return -1;
        *id = fstw_lookup_var(f, s, (size_t)len);
        if (*id == FSTW_NONE) {
            PyErr_Format(PyExc_ValueError, "no signal named '%U'", item);
            return -1;
        }
        return 0;
    }
    if (!PyObject_TypeCheck(item, st->Var_Type)) {
        PyErr_Format(PyExc_TypeError, "%s(): expected Var or str items, not %.200s", fname,
                     Py_TYPE(item)->tp_name);
        return -1;
    }
    pyfstw_ItemObject *v = (pyfstw_ItemObject *)item;
    if (v->hier != self->hier) {
        PyErr_Format(PyExc_ValueError, "%s(): a Var of another waveform", fname);
        return -1;
    }
    *id = v->id;
    return 0;
}

/* Resolves vars, loads their signals (load_signals(vars, progress=...)) and
 * fills r.  0, or -1 with an exception. */
static int rows_make(pyfstw_WaveformObject *self, PyObject *vars, PyObject *progress, const char *fname,
                     rows_t *r)
{
    pyfstw_state *st = pyfstw_state_of((PyObject *)self);
    memset(r, 0, sizeof *r);
    fstw_file *f = pyfstw_open_file(self->hier);
    if (!f)
        return -1;
    PyObject *seq = PySequence_Fast(vars, "expected a list of Var or str");
    if (!seq)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject *var_list = PyList_New(n);
    PyObject *kwargs = NULL, *call_args = NULL, *load = NULL;
    int rc = -1;
    if (!var_list)
        goto done;
    if (n == 0) {
        PyErr_Format(PyExc_ValueError, "%s(): no vars given", fname);
        goto done;
    }
    r->n = (size_t)n;
    r->rows = PyMem_Calloc((size_t)n, sizeof *r->rows);
    r->labels = PyMem_Calloc((size_t)n, sizeof *r->labels);
    if (!r->rows || !r->labels) {
        PyErr_NoMemory();
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t id;
        if (item_var(self, f, PySequence_Fast_GET_ITEM(seq, i), fname, &id) < 0)
            goto done;
        PyObject *var = pyfstw_var_new(st, self->hier, id);
        if (!var)
            goto done;
        PyList_SET_ITEM(var_list, i, var);
        size_t len = fstw_var_full_name(f, id, NULL, 0);
        r->labels[i] = PyMem_Malloc(len + 1);
        if (!r->labels[i]) {
            PyErr_NoMemory();
            goto done;
        }
        fstw_var_full_name(f, id, r->labels[i], len + 1);
        r->rows[i].label = r->labels[i];
        r->rows[i].var = id;
    }
    kwargs = PyDict_New();
    call_args = PyTuple_Pack(1, var_list);
    load = PyObject_GetAttrString((PyObject *)self, "load_signals");
    if (!kwargs || !call_args || !load)
        goto done;
    if (progress && progress != Py_None && PyDict_SetItemString(kwargs, "progress", progress) < 0)
        goto done;
    r->signals = PyObject_Call(load, call_args, kwargs);
    if (!r->signals)
        goto done;
    if (!PyList_Check(r->signals) || PyList_GET_SIZE(r->signals) != n) {
        PyErr_SetString(PyExc_RuntimeError, "load_signals() did not return one Signal per var");
        goto done;
    }
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *sig = PyList_GET_ITEM(r->signals, i);
        if (!PyObject_TypeCheck(sig, st->Signal_Type)) {
            PyErr_SetString(PyExc_RuntimeError, "load_signals() did not return Signals");
            goto done;
        }
        r->rows[i].signal = ((pyfstw_SignalObject *)sig)->sig;
    }
    rc = 0;
done:
    Py_XDECREF(load);
    Py_XDECREF(call_args);
    Py_XDECREF(kwargs);
    Py_XDECREF(var_list);
    Py_DECREF(seq);
    return rc;
}

/* start/end (None: the file's start/end time) and the radix name. */
static int window_and_radix(fstw_file *f, PyObject *start, PyObject *end, PyObject *radix, uint64_t *t0,
                            uint64_t *t1, int *rad)
{
    const fstw_header *h = fstw_file_header(f);
    *t0 = h->start_time;
    *t1 = h->end_time;
    if (start && start != Py_None && pyfstw_as_unsigned(start, UINT64_MAX, t0) < 0)
        return -1;
    if (end && end != Py_None && pyfstw_as_unsigned(end, UINT64_MAX, t1) < 0)
        return -1;
    *rad = FSTW_RADIX_HEX;
    if (radix && radix != Py_None) {
        if (!PyUnicode_Check(radix)) {
            PyErr_Format(PyExc_TypeError, "radix must be 'bin', 'dec' or 'hex', not %.200s", Py_TYPE(radix)->tp_name);
            return -1;
        }
        if (PyUnicode_CompareWithASCIIString(radix, "bin") == 0)
            *rad = FSTW_RADIX_BIN;
        else if (PyUnicode_CompareWithASCIIString(radix, "dec") == 0)
            *rad = FSTW_RADIX_DEC;
        else if (PyUnicode_CompareWithASCIIString(radix, "hex") != 0) {
            PyErr_Format(PyExc_ValueError, "radix must be 'bin', 'dec' or 'hex', not %R", radix);
            return -1;
        }
    }
    return 0;
}

/* The text the core handed out as str (valid UTF-8 by construction). */
static PyObject *text_result(pyfstw_WaveformObject *self, int rc, char *out, size_t len, const fstw_error *err)
{
    if (rc != FSTW_OK)
        return pyfstw_raise(pyfstw_state_of((PyObject *)self), err, NULL);
    PyObject *s = PyUnicode_DecodeUTF8(out, (Py_ssize_t)len, "strict");
    fstw_free(out);
    return s;
}

/* The text of show (show) or the picture of render `width` pixels wide:
 * vars resolved and loaded, then the core called with the GIL released. */
static PyObject *show_or_render(pyfstw_WaveformObject *self, PyObject *const *a, int show, uint64_t width,
                                const char *fname)
{
    /* a: vars, start, end, radix, progress */
    rows_t r;
    fstw_render_options opts;
    if (rows_make(self, a[0], a[4], fname, &r) < 0) {
        rows_free(&r);
        return NULL;
    }
    fstw_file *f = pyfstw_open_file(self->hier);
    if (!f || window_and_radix(f, a[1], a[2], a[3], &opts.t0, &opts.t1, &opts.radix) < 0) {
        rows_free(&r);
        return NULL;
    }
    opts.width = (uint32_t)width;
    char *out = NULL;
    size_t len = 0;
    fstw_error err;
    int rc;
    self->hier->busy++;
    Py_BEGIN_ALLOW_THREADS
    if (!show)
        rc = fstw_render_svg(f, r.rows, r.n, &opts, &out, &len, &err);
    else
        rc = fstw_show_text(f, r.rows, r.n, opts.t0, opts.t1, opts.radix, &out, &len, &err);
    Py_END_ALLOW_THREADS
    self->hier->busy--;
    rows_free(&r);
    return text_result(self, rc, out, len, &err);
}

PyObject *pyfstw_render_svg(PyObject *op, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *a[6];
    uint64_t width = 1000;
    if (pyfstw_parse_args(&render_svg_args, args, nargs, kwnames, a) < 0)
        return NULL;
    if (a[3] && a[3] != Py_None && pyfstw_as_unsigned(a[3], UINT32_MAX, &width) < 0)
        return NULL;
    PyObject *b[5] = {a[0], a[1], a[2], a[4], a[5]};
    return show_or_render((pyfstw_WaveformObject *)op, b, 0, width, "render_svg");
}

PyObject *pyfstw_show_text(PyObject *op, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames)
{
    PyObject *a[5];
    if (pyfstw_parse_args(&show_text_args, args, nargs, kwnames, a) < 0)
        return NULL;
    return show_or_render((pyfstw_WaveformObject *)op, a, 1, 0, "show_text");
}

const char pyfstw_render_svg_doc[] =
    "render_svg($self, vars, start=None, end=None, width=1000, radix='hex', progress=None)\n--\n\n"
    "The waveform picture of the tool's ``render`` command, as an SVG document (str):\n"
    "one row per item of ``vars`` (Var objects of this waveform, or full names as\n"
    "get_signal_from_path takes them), drawn over the window (start, end] (timescale\n"
    "units; default the file's time range) ``width`` pixels wide (16..65536, one\n"
    "summary slice per pixel), bus values in ``radix`` ('bin', 'dec' or 'hex').\n"
    "The same bytes as ``renderSvg`` in Node. The signals are loaded as by\n"
    "load_signals(vars, progress=progress) (GIL released, cached); drawing releases\n"
    "the GIL too. Raises ValueError for an unknown name (\"no signal named 'x'\"),\n"
    "an empty list, a bad radix, width or window (end <= start), TypeError for other\n"
    "items. Extension; the picture is described in fstwave/docs/tools.md.";

const char pyfstw_show_text_doc[] =
    "show_text($self, vars, start=None, end=None, radix='hex', progress=None)\n--\n\n"
    "The text of the tool's ``show`` command (str): for each item of ``vars`` (as in\n"
    "render_svg) the value in force at ``start`` and every change in (start, end]\n"
    "(timescale units; default the file's time range), one line each, values as\n"
    "people read them (``radix`` 'bin', 'dec' or 'hex' for bit vectors, decimal reals,\n"
    "enum literals). The format is in fstwave/docs/tools.md; the same bytes as\n"
    "``showText`` in Node. Loads as render_svg. Raises ValueError for an unknown name,\n"
    "an empty list, a bad radix or end < start. Extension.";
