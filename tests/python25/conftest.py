"""Shared settings for the tests of fstwave.pywellen25 (run in .venv25, beside pywellen 0.25.7).

The corpus and the fixtures are the ones of tests/python (its conftest.py is reused: the
same corpus list, the same generated fixtures), so both generations are tested on the same
files.
"""
import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY_TESTS = HERE.parent / 'python'
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

_spec = importlib.util.spec_from_file_location('fstwave_tests_conftest', PY_TESTS / 'conftest.py')
_shared = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_shared)

CORPUS = _shared.CORPUS
CORPUS_FILES = _shared.CORPUS_FILES
CORPUS_IDS = _shared.CORPUS_IDS
EXPECTED_CORPUS_COUNT = _shared.EXPECTED_CORPUS_COUNT
EXPECTED_FIXTURES = _shared.EXPECTED_FIXTURES
corpus_id = _shared.corpus_id
REPO_ROOT = _shared.REPO_ROOT
# the session fixtures of tests/python/conftest.py (fixture_dir, ...), under the same names
for _name in dir(_shared):
    _obj = getattr(_shared, _name)
    if hasattr(_obj, '_pytestfixturefunction') or type(_obj).__name__ == 'FixtureFunctionDefinition':
        globals()[_name] = _obj
