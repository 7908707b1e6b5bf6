/*
 * pyfstw.h - shared declarations of the fstwave._fstwave extension module.
 *
 * Object model (no reference cycles, so no type needs GC support):
 *
 *   Waveform ──> Hierarchy (owns the fstw_file; closes it in its dealloc)
 *      │  └─ signal cache (pyfstw_sigcache: weakrefs to live Signals and the
 *      │     core's fstw_cache), TimeTable (lazily), path
 *      │
 *   Var, Scope, VarIter, ScopeIter, TimeTable, Signal ──> Hierarchy
 *   Signal ──> the live dict of its Waveform's signal cache (weakrefs only)
 *   SignalChangeIter ──> Signal
 *   Changes, Summary ──> Array (each owns a copy of its data; no file)
 *
 * Every object that points into memory owned by the fstw_file holds a
 * strong reference to the Hierarchy, so the file is closed only after the
 * last such object is gone, and every fstw_signal (freed in Signal's
 * dealloc) is freed before the file it points into.
 *
 * Waveform.close() closes the file early: Hierarchy.file becomes NULL, and
 * every object that reads the file gets it through pyfstw_open_file, which
 * then raises ValueError.  Signals stay readable (the core keeps what a
 * signal needs alive after fstw_close).  Hierarchy.busy counts the core
 * calls running with the GIL released (loads); close() refuses while it is
 * not 0, so the file is never closed under a running load.
 *
 * Types are heap types created per module (PyType_FromModuleAndSpec) and
 * kept in the module state; none of them is subclassable, so
 * PyType_GetModuleState(Py_TYPE(obj)) always finds the state.
 */
#ifndef PYFSTW_H
#define PYFSTW_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h> /* PyMemberDef, T_OBJECT, READONLY (Python < 3.12) */
#include <stdint.h>

#include "fstwave.h"

/* ------------------------------------------------------------ state */

typedef struct {
    PyTypeObject *Waveform_Type;
    PyTypeObject *Hierarchy_Type;
    PyTypeObject *Scope_Type;
    PyTypeObject *ScopeIter_Type;
    PyTypeObject *Var_Type;
    PyTypeObject *VarIter_Type;
    PyTypeObject *VarIndex_Type;
    PyTypeObject *Signal_Type;
    PyTypeObject *SignalChangeIter_Type;
    PyTypeObject *TimeTable_Type;
    PyTypeObject *Timescale_Type;
    PyTypeObject *TimescaleUnit_Type;
    PyTypeObject *QueryResult_Type;
    PyTypeObject *Array_Type;
    PyTypeObject *Changes_Type;
    PyTypeObject *Summary_Type;
    PyTypeObject *SignalId_Type;     /* fstwave.pywellen25 (pyfstw_stream.c) */
    PyTypeObject *SignalValues_Type; /* fstwave.pywellen25 (pyfstw_stream.c) */
    PyObject *FstError;
} pyfstw_state;

static inline pyfstw_state *pyfstw_state_of(PyObject *obj)
{
    return (pyfstw_state *)PyType_GetModuleState(Py_TYPE(obj));
}

/* ----------------------------------------------------------- objects */

typedef struct {
    PyObject_HEAD
    fstw_file *file; /* owned: closed in dealloc or by Waveform.close() (then NULL) */
    int busy;        /* core calls on file running with the GIL released */
} pyfstw_HierarchyObject;

/* The open file of h, or NULL with ValueError("I/O operation on closed
 * waveform") after Waveform.close() (the message of a closed Python file). */
static inline fstw_file *pyfstw_open_file(pyfstw_HierarchyObject *h)
{
    if (!h->file)
        PyErr_SetString(PyExc_ValueError, "I/O operation on closed waveform");
    return h->file;
}

/* The signal cache of one Waveform (pyfstw_cache.c; D10 in docs/api.md). */
typedef struct {
    PyObject *live;     /* dict: int signal_ref -> weakref to the live Signal */
    fstw_cache *recent; /* the core's cache of recent signals (byte budget) */
} pyfstw_sigcache;

typedef struct {
    PyObject_HEAD
    pyfstw_HierarchyObject *hier; /* strong; the file owner (hier->file: NULL after close()) */
    PyObject *path;               /* os.fspath(path) as given (str or bytes) */
    pyfstw_sigcache sigs;         /* the signal cache */
    PyObject *time_table;         /* TimeTable or NULL until first asked */
    int multi_threaded;
    PyObject *weakreflist;
} pyfstw_WaveformObject;

typedef struct {
    PyObject_HEAD
    pyfstw_HierarchyObject *hier;
    uint32_t id;
} pyfstw_ItemObject; /* Var and Scope */

typedef struct {
    PyObject_HEAD
    pyfstw_HierarchyObject *hier;
    const uint32_t *ids; /* owned by the file; NULL means 0..n-1 */
    uint32_t n;
    uint32_t pos;
} pyfstw_ItemIterObject; /* VarIter and ScopeIter */

typedef struct {
    PyObject_HEAD
    int64_t msb;
    int64_t lsb;
} pyfstw_VarIndexObject;

typedef struct {
    PyObject_HEAD
    pyfstw_HierarchyObject *hier;
    const uint64_t *times; /* owned by the file */
    size_t n;
} pyfstw_TimeTableObject;

typedef struct {
    PyObject_HEAD
    pyfstw_HierarchyObject *hier;
    fstw_signal *sig; /* one holder, dropped in dealloc (before hier is released) */
    PyObject *live;   /* the dict of pyfstw_sigcache.live it is remembered in, or NULL */
    PyObject *weakreflist;
} pyfstw_SignalObject;

typedef struct {
    PyObject_HEAD
    pyfstw_SignalObject *signal;
    size_t pos;
    size_t end;
} pyfstw_SignalChangeIterObject;

typedef struct {
    PyObject_HEAD
    int exponent; /* -21 .. 0 in steps of 3; INT32_MIN means unknown */
} pyfstw_TimescaleUnitObject;

typedef struct {
    PyObject_HEAD
    uint32_t factor;
    PyObject *unit; /* TimescaleUnit */
} pyfstw_TimescaleObject;

#define PYFSTW_UNIT_UNKNOWN INT32_MIN

/* ------------------------------------------------------------ specs */

extern PyType_Spec pyfstw_Waveform_spec;
extern PyType_Spec pyfstw_Hierarchy_spec;
extern PyType_Spec pyfstw_Scope_spec;
extern PyType_Spec pyfstw_ScopeIter_spec;
extern PyType_Spec pyfstw_Var_spec;
extern PyType_Spec pyfstw_VarIter_spec;
extern PyType_Spec pyfstw_VarIndex_spec;
extern PyType_Spec pyfstw_Signal_spec;
extern PyType_Spec pyfstw_SignalChangeIter_spec;
extern PyType_Spec pyfstw_TimeTable_spec;
extern PyType_Spec pyfstw_Timescale_spec;
extern PyType_Spec pyfstw_TimescaleUnit_spec;
extern PyType_Spec pyfstw_Array_spec;
extern PyType_Spec pyfstw_Changes_spec;
extern PyType_Spec pyfstw_Summary_spec;
extern PyType_Spec pyfstw_SignalId_spec;
extern PyType_Spec pyfstw_SignalValues_spec;
extern PyStructSequence_Desc pyfstw_QueryResult_desc;

/* Type flags shared by every non-constructible type. */
#if PY_VERSION_HEX >= 0x030A0000
#define PYFSTW_TPFLAGS (Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE | Py_TPFLAGS_DISALLOW_INSTANTIATION)
#define PYFSTW_TPFLAGS_NEW (Py_TPFLAGS_DEFAULT | Py_TPFLAGS_IMMUTABLETYPE)
#define PYFSTW_NO_NEW_SLOT
#else
#define PYFSTW_TPFLAGS Py_TPFLAGS_DEFAULT
#define PYFSTW_TPFLAGS_NEW Py_TPFLAGS_DEFAULT
/* Python 3.9 has no DISALLOW_INSTANTIATION flag: a tp_new that refuses. */
PyObject *pyfstw_no_new(PyTypeObject *type, PyObject *args, PyObject *kwds);
#define PYFSTW_NO_NEW_SLOT {Py_tp_new, (void *)pyfstw_no_new},
#endif

/* The tp_dealloc of a type whose objects hold no references. */
static inline void pyfstw_plain_dealloc(PyObject *self)
{
    PyTypeObject *tp = Py_TYPE(self);
    tp->tp_free(self);
    Py_DECREF(tp); /* heap types own a reference to their type */
}

/* The flags and the function cast of a METH_FASTCALL|METH_KEYWORDS method
 * (its arguments are parsed with pyfstw_parse_args). */
#define PYFSTW_METH_FASTCALL (METH_FASTCALL | METH_KEYWORDS)
#define PYFSTW_FASTCALL_FN(f) (PyCFunction)(void (*)(void))(f)

/* ---------------------------------------------------------- arguments */

/* The signature of a method or constructor that takes arguments: every
 * one of them is parsed by pyfstw_parse_args (methods) or
 * pyfstw_parse_tuple_args (constructors).  Written with PYFSTW_ARGSPEC:
 *
 *   PYFSTW_ARGSPEC("value_at_time", "O", "", "time")
 *   PYFSTW_ARGSPEC("Waveform", "O", "ppp", "path", "multi_threaded", ...)
 *
 * fname is the name the messages show; required and optional are the
 * PyArg format units of the required and the optional parameters (one
 * unit per name: "O" any object, "p" a truth value), then the parameter
 * names in order (each can be given by position or by keyword). */
typedef struct {
    const char *fname;
    const char *format;       /* required "|" optional ":" fname, for PyArg_ParseTupleAndKeywords */
    const char *const *names; /* n_args names, then NULL */
    int n_required;
    int n_args;
} pyfstw_argspec;

#define PYFSTW_MAX_ARGS 8

/* The number of names in a list of string literals. */
#define PYFSTW_COUNT_NAMES(...) (sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

/* The spec of fname(...).  One format unit per name and at most
 * PYFSTW_MAX_ARGS names, else a compile error (an array of size -1). */
#define PYFSTW_ARGSPEC(fname, required, optional, ...)                                             \
    {fname, required "|" optional ":" fname, (const char *const[]){__VA_ARGS__, NULL},            \
     (int)sizeof(required) - 1,                                                                    \
     (int)PYFSTW_COUNT_NAMES(__VA_ARGS__) +                                                        \
         0 * (int)sizeof(char[PYFSTW_COUNT_NAMES(__VA_ARGS__) == sizeof(required) + sizeof(optional) - 2 && \
                                      PYFSTW_COUNT_NAMES(__VA_ARGS__) <= PYFSTW_MAX_ARGS                 \
                                  ? 1                                                              \
                                  : -1])}

/* The keyword path and the error path of pyfstw_parse_args. */
int pyfstw_parse_args_slow(const pyfstw_argspec *spec, PyObject *const *args, Py_ssize_t nargs,
                           PyObject *kwnames, PyObject **out);

/* Parses the arguments of a METH_FASTCALL|METH_KEYWORDS call against spec:
 * out[i] (spec->n_args slots) receives the i-th parameter (borrowed), or
 * NULL for an optional one not given; the 'p' units are not converted
 * (the caller applies PyObject_IsTrue).  A wrong call (too many arguments,
 * an unknown keyword, a parameter given twice, a required one missing)
 * raises the TypeError that Python's own parser (PyArg_ParseTupleAndKeywords,
 * of the running Python) raises for the same signature, and returns -1;
 * 0 on success.  Positional calls take the inline path below. */
static inline int pyfstw_parse_args(const pyfstw_argspec *spec, PyObject *const *args, Py_ssize_t nargs,
                                    PyObject *kwnames, PyObject **out)
{
    if (kwnames == NULL && nargs >= spec->n_required && nargs <= spec->n_args) {
        /* one loop with the test inside: gcc turns two plain loops into
         * memcpy and memset calls, which cost more than the copy of 1-4 slots */
        for (int i = 0; i < spec->n_args; i++)
            out[i] = i < nargs ? args[i] : NULL;
        return 0;
    }
    return pyfstw_parse_args_slow(spec, args, nargs, kwnames, out);
}

/* pyfstw_parse_args for a constructor's (args tuple, kwargs dict or NULL). */
int pyfstw_parse_tuple_args(const pyfstw_argspec *spec, PyObject *args, PyObject *kwds, PyObject **out);

/* Raises TypeError "fname(): argument 'name' must be <expected>, not <type
 * of obj>" (a parameter of the wrong type) and returns -1. */
int pyfstw_bad_argument(const char *fname, const char *name, const char *expected, PyObject *obj);

/* Converts an int-like object (via __index__) to an unsigned integer not
 * above max; negative or too large raise OverflowError, like pyo3's
 * extraction of u32/u64 arguments. Returns 0 or -1. */
int pyfstw_as_unsigned(PyObject *obj, uint64_t max, uint64_t *out);

/* ------------------------------------------------------------ errors */

/* Raises the Python exception for a failed core call and returns NULL:
 * MemoryError, OSError (subclass by errno; filename, strerror set) for
 * open/read errors, fstwave.FstError for malformed files, ValueError for
 * bad arguments, RuntimeError otherwise.  Each carries the structured
 * fields code, reason and offset (see fstwave.FstError).  filename (may be
 * NULL) becomes OSError.filename. */
PyObject *pyfstw_raise(pyfstw_state *st, const fstw_error *err, PyObject *filename);

/* ---------------------------------------------------- signal cache */

/* The object a weak reference points to (a new reference), or NULL when it
 * is dead (no exception). */
static inline PyObject *pyfstw_weak_get(PyObject *wr)
{
#if PY_VERSION_HEX >= 0x030D0000
    PyObject *obj = NULL;
    return PyWeakref_GetRef(wr, &obj) > 0 ? obj : NULL;
#else
    PyObject *obj = PyWeakref_GetObject(wr); /* borrowed; Py_None when dead */
    if (obj == Py_None || !obj)
        return NULL;
    Py_INCREF(obj);
    return obj;
#endif
}

/* Sets c up with an empty dict and a core cache of budget bytes.  0, or -1
 * with MemoryError. */
int pyfstw_sigcache_init(pyfstw_sigcache *c, size_t budget);
/* Forgets every live Signal and empties the core cache (close()); Signals
 * still referenced stay readable. */
void pyfstw_sigcache_clear(pyfstw_sigcache *c);
/* pyfstw_sigcache_clear, then frees what c owns (the Waveform's dealloc). */
void pyfstw_sigcache_free(pyfstw_sigcache *c);
/* The Signal of ref without reading the file (a new reference): the live
 * one, else a new Signal around the core cache's signal (then remembered as
 * the live one).  NULL when neither exists (no exception) or on error
 * (exception set: check PyErr_Occurred). */
PyObject *pyfstw_sigcache_find(pyfstw_sigcache *c, pyfstw_state *st, pyfstw_HierarchyObject *hier, uint32_t ref);
/* Takes a freshly loaded sig (its holder is consumed): returns the live
 * Signal of its ref when another thread made one meanwhile (sig freed),
 * else a new Signal around sig, remembered as live and offered to the core
 * cache (fstw_cache_put).  NULL with an exception on error. */
PyObject *pyfstw_sigcache_adopt(pyfstw_sigcache *c, pyfstw_state *st, pyfstw_HierarchyObject *hier,
                                fstw_signal *sig);
/* unload_signals: drops ref from the core cache and forgets its live Signal
 * at once (that Signal stays valid; the next load makes a new one).  0 or -1. */
int pyfstw_sigcache_forget(pyfstw_sigcache *c, uint32_t ref);

/* Called by a dying Signal of ref remembered in the dict live (after its
 * weak references were cleared): removes its entry unless the entry is a
 * newer live Signal's.  Errors are reported as unraisable; a pending
 * exception is kept.  Inline so that pyfstw_signal.c and pyfstw_cache.c
 * do not call each other. */
static inline void pyfstw_sigcache_forget_dead(PyObject *live, uint32_t ref)
{
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyObject *key = PyLong_FromUnsignedLong(ref);
    PyObject *wr = key ? PyDict_GetItemWithError(live, key) : NULL; /* borrowed */
    PyObject *obj = wr ? pyfstw_weak_get(wr) : NULL;
    if (obj)
        Py_DECREF(obj); /* a newer Signal of ref (after unload_signals): keep its entry */
    else if (wr)
        PyDict_DelItem(live, key);
    if (PyErr_Occurred())
        PyErr_WriteUnraisable(live);
    Py_XDECREF(key);
    PyErr_Restore(type, value, tb);
}

/* ---------------------------------------------------------- objects */

/* Object constructors (return new references). */
PyObject *pyfstw_signal_new(pyfstw_state *st, pyfstw_HierarchyObject *hier, fstw_signal *sig);
PyObject *pyfstw_timetable_new(pyfstw_state *st, pyfstw_HierarchyObject *hier);
PyObject *pyfstw_timescale_new(pyfstw_state *st, uint32_t factor, int unit_exponent);
/* A Var (Scope) of hier's file for var (scope) id `id`. */
PyObject *pyfstw_var_new(pyfstw_state *st, pyfstw_HierarchyObject *hier, uint32_t id);
PyObject *pyfstw_scope_new(pyfstw_state *st, pyfstw_HierarchyObject *hier, uint32_t id);

/* Waveform.render_svg() and Waveform.show_text() (pyfstw_render.c). */
PyObject *pyfstw_render_svg(PyObject *waveform, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames);
PyObject *pyfstw_show_text(PyObject *waveform, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames);
extern const char pyfstw_render_svg_doc[];
extern const char pyfstw_show_text_doc[];

/* The value of change `change` of s as Signal.value_at_time gives it (int,
 * str, float, '' for events; see the contract's "Values"), or None when
 * change < 0. */
PyObject *pyfstw_value_or_none(const fstw_signal *s, int64_t change);

/* A core value as a Python object (pyfstw_signal.c, the one conversion):
 * int for FSTW_VAL_BITS2 (unsigned, any width), str for FSTW_VAL_LOGIC and
 * FSTW_VAL_STRING (Latin-1), float for reals, '' for events. */
PyObject *pyfstw_value_object(const fstw_value *v);
/* The value of change i of s (scratch: fstw_signal_scratch_size(s) bytes);
 * RuntimeError when i is out of range. */
PyObject *pyfstw_change_value(const fstw_signal *s, size_t i, uint8_t *scratch, size_t scratch_len);
/* The (time, value) tuple of change i of s, as Signal.all_changes() yields it;
 * scratch as for pyfstw_change_value, or NULL (then allocated as needed). */
PyObject *pyfstw_change_tuple(const fstw_signal *s, size_t i, uint8_t *scratch, size_t scratch_len);

/* ---------------------------------------------- fstwave.pywellen25 */

/* The module functions of the pywellen 0.25 layer (python/fstwave/pywellen25.py),
 * added to the module by _fstwave.c: _signal_getitem (pyfstw_signal25.c),
 * _lookup_item, _scope_items, _all_items (pyfstw_items.c), _stream,
 * _signal_id, _signal_id_ref (pyfstw_stream.c). */
extern PyMethodDef pyfstw_signal25_functions[];
extern PyMethodDef pyfstw_items_functions[];
extern PyMethodDef pyfstw_stream_functions[];

/* ------------------------------------------------------ bulk arrays */

/* A read-only buffer (the buffer protocol) that owns its bytes: 1-D of n
 * items, or 2-D (n, width) for rows.  format is a struct-module code: "Q"
 * uint64, "q" int64, "d" float64, "B" bytes, "c" ASCII rows (NumPy 'S1'). */
typedef struct {
    PyObject_HEAD
    char *data;             /* PyMem_Malloc'ed, at least 1 byte */
    const char *format;     /* static string */
    Py_ssize_t itemsize;
    int ndim;               /* 1 or 2 */
    Py_ssize_t shape[2];
    Py_ssize_t strides[2];
} pyfstw_ArrayObject;

/* A new Array of n items of `format` (1-D), or of n rows of `width` bytes
 * (2-D, format "c") when width > 0; its data is uninitialised.  NULL with
 * MemoryError. */
pyfstw_ArrayObject *pyfstw_array_new(pyfstw_state *st, const char *format, size_t n, size_t width);

/* The arrays that hold the values of a signal in its array layout
 * (fstw_signal_array_kind): *values (NULL for events) and, for strings,
 * *offsets (n + 1 uint64); `bytes` is the byte count of the values
 * (fstw_signal_values_bytes or fstw_signal_gather_bytes).  0, or -1 with an
 * exception and nothing allocated. */
int pyfstw_value_arrays(pyfstw_state *st, const fstw_signal *s, size_t n, size_t bytes,
                        pyfstw_ArrayObject **values, pyfstw_ArrayObject **offsets);

/* The name of an fstw_array_kind: "none", "u64", "f64", "rows", "strings". */
const char *pyfstw_array_kind_name(int kind);

/* The head of Changes and Summary ("bags" of arrays): objects whose
 * attributes are object members (T_OBJECT, NULL reads as None) listed in
 * their type's tp_members. */
typedef struct {
    PyObject_HEAD
    Py_ssize_t len;  /* len(): entries of a window, slices of a summary */
    PyObject *kind;  /* str: pyfstw_array_kind_name */
} pyfstw_BagObject;

/* Their tp_dealloc (Py_CLEAR of every object member), sq_length, tp_repr,
 * and to_numpy(): a dict {name: numpy.asarray(array)} of the members that
 * are Arrays (no copy); ImportError naming the extra fstwave[numpy] when
 * NumPy is missing. */
/* A new bag of type tp for signal s: len set, kind its array kind's name,
 * every member NULL.  NULL with an exception. */
pyfstw_BagObject *pyfstw_bag_new(PyTypeObject *tp, const fstw_signal *s, Py_ssize_t len);
void pyfstw_bag_dealloc(PyObject *self);
Py_ssize_t pyfstw_bag_len(PyObject *self);
PyObject *pyfstw_bag_repr(PyObject *self);
extern PyMethodDef pyfstw_bag_methods[]; /* to_numpy() */

/* The slots every bag type has, besides its Py_tp_doc and Py_tp_members. */
#define PYFSTW_BAG_SLOTS                                                                           \
    {Py_tp_dealloc, (void *)pyfstw_bag_dealloc}, {Py_tp_repr, (void *)pyfstw_bag_repr},            \
        {Py_tp_methods, pyfstw_bag_methods}, {Py_sq_length, (void *)pyfstw_bag_len},               \
        PYFSTW_NO_NEW_SLOT

/* Signal.changes_between(t0, t1) and Signal.summary(t0, t1, buckets). */
PyObject *pyfstw_changes_between(PyObject *signal, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames);
PyObject *pyfstw_summary(PyObject *signal, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames);

/* ------------------------------------------------------ progress */

/* The progress and cancel of one long core call (open, body, signal
 * loads): fstw_progress.fn takes the GIL back, calls the user's
 * progress(done, total) callable (every report) and PyErr_CheckSignals()
 * (Ctrl-C; at most every PYFSTW_SIGNAL_CHECK_NS when there is no callable,
 * always at the first and the last report), and cancels the call when
 * either raises, keeping that exception for pyfstw_progress_end. */
typedef struct {
    fstw_progress core;      /* what the core call gets */
    PyObject *callable;      /* borrowed, or NULL */
    PyThreadState *tstate;   /* the saved thread state while the GIL is released */
    PyObject *exc;           /* the exception that cancelled the call, or NULL */
    uint64_t last_check_ns;  /* monotonic time of the last signal check */
} pyfstw_progress;

#define PYFSTW_SIGNAL_CHECK_NS 10000000u /* 10 ms */

/* Sets p up for callable (None or NULL: no callable; else it must be
 * callable: TypeError naming fname).  0 or -1. */
int pyfstw_progress_init(pyfstw_progress *p, PyObject *callable, const char *fname);
/* Releases the GIL before the core call (PyEval_SaveThread). */
void pyfstw_progress_begin(pyfstw_progress *p);
/* Takes the GIL back after the core call.  When the
 * callable or a signal handler raised (the core call then normally returns
 * FSTW_ERR_CANCELED; a raise at the last report may come too late to stop
 * it), that exception is set again and 1 is returned: the caller frees what
 * the call made, if anything, and returns NULL.  Else 0. */
int pyfstw_progress_end(pyfstw_progress *p);

#endif /* PYFSTW_H */
