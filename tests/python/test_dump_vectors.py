"""The shared dump-format vectors (tests/vectors/dump-format.json) against
fstwave.dumpformat.

The same file is run against the Node tool's node/lib/dump-format.js by the mocha suite,
so the two implementations of docs/dump-format.md agree primitive by primitive (escape,
quote, value tokens), not only on the dumps of the files at hand.  Each vector's expected
string was taken from the Python tool and checked against the format page (§2 escaping,
§1 string fields, §3 value tokens).
"""
import json
from pathlib import Path

import pytest

from fstwave import dumpformat

VECTORS_FILE = Path(__file__).resolve().parents[1] / 'vectors' / 'dump-format.json'
VECTORS = json.loads(VECTORS_FILE.read_text(encoding='ascii'))


def typed_value(v):
    """The Python value of a typed vector value (see the file's format)."""
    (kind, text), = v.items()
    if kind == 'int':
        return int(text)
    if kind == 'str':
        return text
    if kind == 'float':
        return float(text)  # also 'inf', '-inf', 'nan', '-0.0'
    assert kind == 'none' and text is True
    return None


class StubVar:
    """The Var predicates value_formatter() reads, for a vector's flags."""

    def __init__(self, is_string, is_event):
        self._string = is_string
        self._bits = not (is_string or is_event)

    def is_string(self):
        return self._string

    def is_bit_vector(self):
        return self._bits

    def is_real(self):
        return False


def _id(kind, i, vec):
    shown = json.dumps(vec.get('input', vec.get('value')), ensure_ascii=True)
    return f'{kind}-{i:02d}-{shown[:40]}'


def _cases(kind):
    return pytest.mark.parametrize('vec', VECTORS[kind],
                                   ids=[_id(kind, i, v) for i, v in enumerate(VECTORS[kind])])


def test_file_shape():
    assert VECTORS['format'] == 1
    assert set(VECTORS) == {'format', 'escape', 'quote', 'value'}
    assert sum(len(VECTORS[k]) for k in ('escape', 'quote', 'value')) >= 40
    # the format's output is pure ASCII (§1)
    for kind in ('escape', 'quote', 'value'):
        assert all(v['expected'].isascii() for v in VECTORS[kind])


@_cases('escape')
def test_escape(vec):
    assert dumpformat.escape(vec['input']) == vec['expected']


@_cases('quote')
def test_quote(vec):
    assert dumpformat.quote(vec['input']) == vec['expected']


@_cases('value')
def test_value(vec):
    value = typed_value(vec['value'])
    got = dumpformat.format_value(value, vec['is_string'], vec['is_event'])
    assert got == vec['expected']
    # the per-signal fast path writes the same token
    fmt = dumpformat.value_formatter(StubVar(vec['is_string'], vec['is_event']))
    assert fmt(value) == vec['expected']
