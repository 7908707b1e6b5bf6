"""Shared settings for the fstwave Python tests.

The FST conformance corpus is read in place from ``../shared/fst-corpus`` (never copied).
Generated fixtures are written by ``build/gen_fixtures`` into a per-session temporary folder.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

# pywellen panics (D4, D5) print a Rust backtrace each when RUST_BACKTRACE is set: slow, noisy
os.environ["RUST_BACKTRACE"] = "0"

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # make the helper module importable for every test module
    sys.path.insert(0, str(HERE))

REPO_ROOT = Path(__file__).resolve().parents[2]
#: ../shared/fst-corpus beside the project, or FSTWAVE_CORPUS (the Makefile exports its CORPUS)
CORPUS = Path(os.environ.get('FSTWAVE_CORPUS') or
              Path(__file__).resolve().parents[2].parent / 'shared' / 'fst-corpus')

#: The corpus holds exactly this many FST files (see its README); fewer is a test failure.
EXPECTED_CORPUS_COUNT = 43
CORPUS_FILES = sorted(CORPUS.rglob('*.fst'))


def corpus_id(path):
    return Path(path).relative_to(CORPUS).as_posix()


CORPUS_IDS = [corpus_id(p) for p in CORPUS_FILES]

#: Files the fixture generator (tests/fixtures/gen_fixtures.c) must write.
EXPECTED_FIXTURES = [
    'multiblock_zlib.fst',
    'multiblock_fastlz.fst',
    'multiblock_lz4.fst',
    'gzip_wrapper.fst',
    'glitches.fst',
    'events.fst',
    'reals.fst',
    'strings.fst',
    'wide.fst',
    'long_names.fst',
    'empty_scope_names.fst',
    'toplevel_vars.fst',
    'aliases.fst',
    'names.fst',
    'duplicate_scopes.fst',
    'enums_vhdl.fst',
    'frame_only.fst',
    'nonzero_start.fst',
    'port_vars.fst',
    'empty.fst',
]


def corpus_path(rel):
    """Path of a corpus file given its corpus-relative name; it must exist."""
    p = CORPUS / rel
    assert p.is_file(), f'corpus file missing: {p}'
    return p


@pytest.fixture(scope='session')
def fixtures_dir(tmp_path_factory):
    """Build the fixture generator and run it into a fresh temporary folder."""
    out = tmp_path_factory.mktemp('fst-fixtures')
    build = subprocess.run(['make', '-C', str(REPO_ROOT), 'build/gen_fixtures'],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=600)
    assert build.returncode == 0, f'building build/gen_fixtures failed:\n{build.stdout}'
    gen = subprocess.run([str(REPO_ROOT / 'build' / 'gen_fixtures'), str(out)],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                         timeout=600)
    assert gen.returncode == 0, f'build/gen_fixtures {out} failed:\n{gen.stdout}'
    return out


@pytest.fixture(scope='session')
def fixture_files(fixtures_dir):
    """All FST files the generator wrote (discovered by globbing)."""
    return sorted(fixtures_dir.rglob('*.fst'))
