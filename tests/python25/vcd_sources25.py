"""VCD sources for the ported pywellen 0.25 tests, and a reference reading of FST files.

pywellen's own tests read many VCD files of wellen's input folder. fstwave reads FST only, so a
ported test writes a small VCD of its own with the feature the original checks (``VcdBuilder``),
turns it into FST with GTKWave's ``vcd2fst`` (Debian package gtkwave, installed by
scripts/bootstrap25.sh) and reads that FST file (``vcd_to_fst``).

Where a test needs the changes of a real FST file as its expected result, they come from a third
reader: GTKWave's ``fst2vcd`` (libfst), parsed by ``read_fst_reference`` into full var names and
change lists. Neither pywellen nor fstwave takes part in that reading.
"""
import contextlib
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

_FIRST_CODE, _LAST_CODE = 33, 126  # printable VCD identifier characters, '!' to '~'


def _tool(name):
    """Path of a GTKWave command line tool; a clear failure when gtkwave is not installed."""
    found = shutil.which(name)
    assert found, f'{name} not found: install Debian package gtkwave (scripts/bootstrap25.sh)'
    return found


class VcdBuilder:
    """Writes the text of a VCD file: scopes, vars, then value changes sorted by time.

    ``timescale`` is VCD's timescale text (e.g. ``'1ps'``); FST keeps only powers of ten.
    """

    def __init__(self, timescale='1ns'):
        self._decls = [f'$timescale\n\t{timescale}\n$end']
        self._changes = {}  # time -> list of value lines in the order given
        self._count = 0

    @contextlib.contextmanager
    def scope(self, kind, name):
        """Declares scope ``name`` of VCD scope keyword ``kind``; vars declared inside belong to it."""
        self._decls.append(f'$scope {kind} {name} $end')
        yield
        self._decls.append('$upscope $end')

    def var(self, kind, width, name, code=None):
        """Declares a var (``kind`` is VCD's var keyword) and returns its identifier code.

        Passing the ``code`` of an earlier var declares an alias of that var's signal.
        """
        if code is None:
            code, n = '', self._count
            self._count += 1
            span = _LAST_CODE - _FIRST_CODE + 1
            while True:
                code += chr(_FIRST_CODE + n % span)
                n //= span
                if n == 0:
                    break
        self._decls.append(f'$var {kind} {width} {code} {name} $end')
        return code

    def change(self, time, code, value):
        """Records a value change at ``time`` (timescale units).

        ``value`` is VCD's value text: one character ``0 1 x z`` for a scalar, ``b0101`` for a
        vector, ``r3.5`` for a real, ``sText`` for a string.
        """
        line = f'{value}{code}' if len(value) == 1 else f'{value} {code}'
        self._changes.setdefault(time, []).append(line)

    def text(self):
        """The whole VCD file."""
        lines = self._decls + ['$enddefinitions $end']
        for time in sorted(self._changes):
            lines.append(f'#{time}')
            lines.extend(self._changes[time])
        return '\n'.join(lines) + '\n'


def vcd_to_fst(builder, folder, stem):
    """Writes ``builder``'s VCD as ``folder/stem.vcd``, converts it with vcd2fst, returns the FST path."""
    vcd = Path(folder) / f'{stem}.vcd'
    fst = Path(folder) / f'{stem}.fst'
    vcd.write_text(builder.text())
    run = subprocess.run([_tool('vcd2fst'), str(vcd), str(fst)], stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, timeout=120)
    assert run.returncode == 0 and fst.is_file(), f'vcd2fst {vcd} failed:\n{run.stdout}'
    return fst


@dataclass
class FstReference:
    """What GTKWave's fst2vcd reads from an FST file.

    ``timescale``: the text of its $timescale (e.g. ``'1ps'``); ``vars``: (full name, code) in
    declaration order, the full name being the scope names and the var name joined by dots
    without the var's bit range (wellen's naming); ``changes``: code -> [(time, value text)],
    every change fst2vcd prints, value text without VCD's ``b``/``r``/``s`` prefix.
    """
    timescale: str = ''
    vars: list = field(default_factory=list)
    changes: dict = field(default_factory=dict)

    def var_changes(self, full_name):
        """The change list of the var named ``full_name``."""
        code = dict(self.vars)[full_name]
        return self.changes.get(code, [])


def read_fst_reference(path):
    """Reads ``path`` with fst2vcd (see FstReference)."""
    run = subprocess.run([_tool('fst2vcd'), str(path)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, timeout=120)
    assert run.returncode == 0, f'fst2vcd {path} failed:\n{run.stderr}'
    ref, scopes, time = FstReference(), [], None
    tokens = iter(run.stdout.split('\n'))
    for line in tokens:
        words = line.split()
        if not words:
            continue
        if time is None:  # the declarations
            if words[0] == '$timescale':
                ref.timescale = ''.join(words[1:-1]) if words[-1] == '$end' and len(words) > 2 \
                    else next(tokens).strip()
            elif words[0] == '$scope':
                scopes.append(words[2])
            elif words[0] == '$upscope':
                scopes.pop()
            elif words[0] == '$var':
                ref.vars.append(('.'.join(scopes + [words[4]]), words[3]))
            elif words[0].startswith('#'):
                time = int(words[0][1:])
            continue
        first = words[0]
        if first.startswith('#'):
            time = int(first[1:])
        elif first[0] in 'bBrRsS':
            ref.changes.setdefault(words[1], []).append((time, first[1:]))
        elif first[0] in '01xXzZuUwWlLhH-':
            ref.changes.setdefault(first[1:], []).append((time, first[0]))
    return ref


def pywellen_value(text):
    """The Python value pywellen gives for a bit-vector value text: an int when every digit is
    0 or 1, else the text itself (pywellen's rule, e.g. in pywellen/tests/swerv.py)."""
    return int(text, 2) if text and set(text) <= {'0', '1'} else text
