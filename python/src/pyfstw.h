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

/* ---------------------------------------------------------- helpers */

/* Raises the Python exception for a failed core call and returns NULL.
 * filename (may be NULL) becomes OSError.filename. */
PyObject *pyfstw_raise(pyfstw_state *st, const fstw_error *err, PyObject *filename);

/* UTF-8 with errors="replace" (names from the file). */
PyObject *pyfstw_decode_name(const char *p, size_t len);

/* Converts an int-like object (via __index__) to an unsigned integer not
 * above max; negative or too large raise OverflowError, like pyo3's
 * extraction of u32/u64 arguments. Returns 0 or -1. */
int pyfstw_as_unsigned(PyObject *obj, uint64_t max, uint64_t *out);

/* Parses the optional or required ignored `hier` argument of a
 * METH_FASTCALL|METH_KEYWORDS method that takes only that argument. */
int pyfstw_parse_hier(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
                      int required, const char *fname);

/* Object constructors (return new references). */
PyObject *pyfstw_var_new(pyfstw_state *st, pyfstw_HierarchyObject *hier, uint32_t id);
PyObject *pyfstw_scope_new(pyfstw_state *st, pyfstw_HierarchyObject *hier, uint32_t id);
PyObject *pyfstw_itemiter_new(PyTypeObject *type, pyfstw_HierarchyObject *hier, const uint32_t *ids,
                              uint32_t n);
PyObject *pyfstw_signal_new(pyfstw_state *st, pyfstw_HierarchyObject *hier, fstw_signal *sig);
PyObject *pyfstw_timetable_new(pyfstw_state *st, pyfstw_HierarchyObject *hier);
PyObject *pyfstw_timescale_new(pyfstw_state *st, uint32_t factor, int unit_exponent);

#endif /* PYFSTW_H */
