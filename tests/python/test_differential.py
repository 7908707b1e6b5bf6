"""fstwave against pywellen 0.20.5 on every corpus file and every generated fixture.

Every observable result is compared (see wavecompare.py); differences are accepted only by the
named deviation rules D1-D10 of docs/api.md section 5.  Files that pywellen cannot
read are handled by rule D5 (or D9 for invalid UTF-8 names), which checks fstwave on its own.
Nothing is skipped.
"""
import pytest

import fstwave
import pywellen

from conftest import (CORPUS_FILES, CORPUS_IDS, EXPECTED_CORPUS_COUNT, EXPECTED_FIXTURES,
                      corpus_id)
from wavecompare import (Comparison, PyRaised, dev_D5_pywellen_cannot_read,
                         dev_D7_vcd_ghw_rejected, dev_D9_invalid_utf8, pw_call)

#: corpus files pywellen 0.20.5 cannot read (verified: RuntimeError "io error"; a header
#: followed by an unfinished block of type 255).  Any other pywellen failure on the corpus
#: is a test failure.
PYWELLEN_CANNOT_READ = {'sigrok/libsigrok.vcd.fst'}

#: the deviation rule each fixture exists to exercise (asserted to have fired)
FIXTURE_RULES = {
    'glitches.fst': 'D2',
    'events.fst': 'D4',
    'empty_scope_names.fst': 'D8',
}


def run_differential(label, path, corpus=False):
    """Compare everything; returns the Comparison (or None when pywellen cannot read)."""
    fw = fstwave.Waveform(str(path))  # fstwave must read every file
    pw = pw_call(pywellen.Waveform, str(path))
    if isinstance(pw, PyRaised):
        if corpus:
            assert label in PYWELLEN_CANNOT_READ, (
                f'{label}: pywellen raised {pw!r}, not a known pywellen failure')
        errs = dev_D9_invalid_utf8(label, pw.exc, path, fw)
        if isinstance(errs, str):  # D9 does not apply
            errs = dev_D5_pywellen_cannot_read(label, pw.exc, path, fw)
        assert not errs, '\n'.join(errs[:40])
        return None
    if corpus:
        assert label not in PYWELLEN_CANNOT_READ, f'{label}: pywellen reads it now'
    cmp = Comparison(label, path, pw, fw).run_all()
    msg = cmp.report()
    assert msg is None, msg
    return cmp


def test_corpus_is_complete():
    assert len(CORPUS_FILES) >= EXPECTED_CORPUS_COUNT, (
        f'found only {len(CORPUS_FILES)} corpus files, expected {EXPECTED_CORPUS_COUNT}')
    assert len(CORPUS_FILES) == EXPECTED_CORPUS_COUNT


@pytest.mark.parametrize('path', CORPUS_FILES, ids=CORPUS_IDS)
def test_corpus_differential(path):
    run_differential(corpus_id(path), path, corpus=True)


def test_expected_fixtures_exist(fixture_files):
    names = {p.name for p in fixture_files}
    missing = [n for n in EXPECTED_FIXTURES if n not in names]
    assert not missing, f'gen_fixtures did not write {missing} (wrote {sorted(names)})'


@pytest.mark.parametrize('name', EXPECTED_FIXTURES)
def test_fixture_differential(fixtures_dir, name):
    path = fixtures_dir / name
    assert path.is_file(), f'gen_fixtures did not write {name}'
    cmp = run_differential(f'fixture {name}', path)
    rule = FIXTURE_RULES.get(name)
    if rule is not None:
        assert cmp is not None and cmp.rules[rule] > 0, (
            f'{name} should exercise deviation {rule}; rules used: '
            f'{dict(cmp.rules) if cmp else "pywellen cannot read it"}')


def test_other_fixtures_differential(fixtures_dir, fixture_files):
    """Fixtures the generator writes beyond the expected list get the same comparison."""
    extra = [p for p in fixture_files if p.name not in EXPECTED_FIXTURES]
    failures = []
    for p in extra:
        try:
            run_differential(f'fixture {p.relative_to(fixtures_dir).as_posix()}', p)
        except AssertionError as exc:
            failures.append(str(exc))
    assert not failures, '\n\n'.join(failures)


VCD_TEXT = """$date today $end
$version handwritten $end
$timescale 1ns $end
$scope module top $end
$var wire 1 ! clk $end
$var wire 4 " cnt [3:0] $end
$upscope $end
$enddefinitions $end
#0
0!
b0000 "
#5
1!
b0001 "
#10
0!
"""


def test_dev_D7_vcd_rejected(tmp_path):
    """D7: pywellen reads VCD; fstwave rejects it with an FstError naming VCD."""
    path = tmp_path / 'small.vcd'
    path.write_text(VCD_TEXT)
    pw = pywellen.Waveform(str(path))
    assert pw.hierarchy.file_format() == 'VCD'
    with pytest.raises(Exception) as info:
        fstwave.Waveform(str(path))
    assert dev_D7_vcd_ghw_rejected(info.value, 'VCD') is None, dev_D7_vcd_ghw_rejected(
        info.value, 'VCD')


def test_dev_D5_missing_file(tmp_path):
    """D5: pywellen panics (PanicException, a BaseException) on a missing file; fstwave
    raises FileNotFoundError."""
    missing = tmp_path / 'missing.fst'
    pw = pw_call(pywellen.Waveform, str(missing))
    assert isinstance(pw, PyRaised) and not isinstance(pw.exc, Exception), pw
    with pytest.raises(FileNotFoundError):
        fstwave.Waveform(str(missing))
