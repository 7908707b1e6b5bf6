"""The structured fields of fstwave's errors: ``code``, ``reason``, ``offset``.

FstError and the OSError subclasses raised for OS errors carry them (from the core's
fstw_error: FSTW_STATUS_MAP's code, fstw_error_reason, the offset); the ``fstwave``
command prints ``reason`` (after the file name for an OSError).  Expected values come
from Python's own tables (errno.errorcode, os.strerror) and from the error's message.
"""
import errno
import os
import re
import subprocess
import sys

import pytest

import fstwave
from conftest import corpus_path

VCD = ('$date today $end\n$timescale 1ns $end\n$scope module top $end\n'
       '$var wire 1 ! clk $end\n$upscope $end\n$enddefinitions $end\n#0\n0!\n#10\n1!\n')


def raised(path):
    """The exception of opening path and loading every signal."""
    try:
        w = fstwave.Waveform(path)
        w.load_signals(list(w.hierarchy.all_vars()))
    except (fstwave.FstError, OSError) as e:
        return e
    raise AssertionError(f'{path} opened without error')


def cli_error(path):
    proc = subprocess.run([sys.executable, '-m', 'fstwave', 'dump', str(path)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=600)
    assert proc.returncode == 1
    return proc.stderr.decode()


def check_os_error(e, cls, err, path):
    assert type(e) is cls
    assert e.errno == err
    assert e.code == errno.errorcode[err]
    assert e.reason == e.strerror == os.strerror(err)
    assert e.offset is None
    assert os.fsdecode(e.filename) == str(path)
    assert cli_error(path) == f'fstwave: error: {path}: {e.reason}\n'


def test_missing_file(tmp_path):
    path = tmp_path / 'missing.fst'
    check_os_error(raised(path), FileNotFoundError, errno.ENOENT, path)


def test_directory(tmp_path):
    check_os_error(raised(tmp_path), IsADirectoryError, errno.EISDIR, tmp_path)


@pytest.mark.skipif(hasattr(os, 'geteuid') and os.geteuid() == 0,
                    reason='root reads a file without read permission')
def test_unreadable_file(tmp_path):
    path = tmp_path / 'locked.fst'
    path.write_bytes(corpus_path('icarus/test1.vcd.fst').read_bytes())
    path.chmod(0)
    try:
        check_os_error(raised(path), PermissionError, errno.EACCES, path)
    finally:
        path.chmod(0o600)


def check_format_error(e, path):
    assert type(e) is fstwave.FstError
    assert e.code == 'FST_FORMAT'
    assert e.reason == str(e) and e.reason
    m = re.search(r'\bat offset (\d+)', e.reason)
    if m:  # the offset the message names is the field
        assert e.offset == int(m.group(1))
    if e.offset is not None:
        assert 0 <= e.offset < max(path.stat().st_size, 1)
    # the tool's line names the file, then what is wrong (docs/tools.md)
    assert cli_error(path) == f'fstwave: error: {path}: {" ".join(e.reason.split())}\n'
    return e


def test_vcd_file(tmp_path):
    path = tmp_path / 'small.vcd'
    path.write_text(VCD)
    e = check_format_error(raised(path), path)
    assert 'VCD' in e.reason


def test_cut_and_flipped_files(tmp_path):
    src = corpus_path('verilator/vlt_dump.vcd.fst').read_bytes()
    with_offset = 0
    for k in range(1, 40, 3):
        path = tmp_path / f'cut{k}.fst'
        path.write_bytes(src[:len(src) * k // 40])
        try:
            e = raised(path)
        except AssertionError:
            continue  # a cut between blocks: the complete blocks open fine
        with_offset += check_format_error(e, path).offset is not None
    # a block whose length field points past the end of the file
    path = tmp_path / 'bad_length.fst'
    data = bytearray(src)
    data[1:9] = (len(src) * 2).to_bytes(8, 'big')
    path.write_bytes(bytes(data))
    e = check_format_error(raised(path), path)
    assert e.offset == 0
    assert with_offset + 1 >= 2
