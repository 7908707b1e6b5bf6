/*
 * pyfstw.h - shared declarations of the fstwave._fstwave extension module.
 *
 * Object model (no reference cycles, so no type needs GC support):
 *
 *   Waveform ──> Hierarchy (owns the fstw_file; closes it in its dealloc)
 *      │  └─ cache dict {signal_ref: Signal}, TimeTable (lazily), path
 *      │
 *   Var, Scope, VarIter, ScopeIter, TimeTable, Signal ──> Hierarchy
 *   SignalChangeIter ──> Signal
 *
 * Every object that points into memory owned by the fstw_file holds a
 * strong reference to the Hierarchy, so the file is closed only after the
 * last such object is gone, and every fstw_signal (freed in Signal's
 * dealloc) is freed before the file it points into.
 *
 * Types are heap types created per module (PyType_FromModuleAndSpec) and
 * kept in the module state; none of them is subclassable, so
 * PyType_GetModuleState(Py_TYPE(obj)) always finds the state.
 */
#ifndef PYFSTW_H
#define PYFSTW_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
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
    PyObject *FstError;
} pyfstw_state;

static inline pyfstw_state *pyfstw_state_of(PyObject *obj)
{
    return (pyfstw_state *)PyType_GetModuleState(Py_TYPE(obj));
}

/* ----------------------------------------------------------- objects */

typedef struct {
    PyObject_HEAD
    fstw_file *file; /* owned: closed in dealloc */
} pyfstw_HierarchyObject;

typedef struct {
    PyObject_HEAD
    pyfstw_HierarchyObject *hier; /* strong; the file owner */
    fstw_file *file;              /* borrowed from hier */
    PyObject *path;               /* os.fspath(path) as given (str or bytes) */
    PyObject *cache;              /* dict: int signal_ref -> Signal */
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
    fstw_signal *sig; /* owned: freed in dealloc (before hier is released) */
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

/* ---------------------------------------------------------- objects */

/* Object constructors (return new references). */
PyObject *pyfstw_signal_new(pyfstw_state *st, pyfstw_HierarchyObject *hier, fstw_signal *sig);
PyObject *pyfstw_timetable_new(pyfstw_state *st, pyfstw_HierarchyObject *hier);
PyObject *pyfstw_timescale_new(pyfstw_state *st, uint32_t factor, int unit_exponent);

#endif /* PYFSTW_H */
