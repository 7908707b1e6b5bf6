"""Smoke test of an installed fstwave, as a user gets it from the wheel or the sdist.

tests/packaging/python/run.sh runs it with the python of a fresh venv that installed
the repaired wheel (PATH without a C compiler; ``--no-compiler``) or the sdist:

    python smoke.py --repo ROOT --reference-python PY [--no-compiler] FILE...

PY is the repository's environment (.venv/bin/python, fstwave built in place), the
reference for every comparison; ROOT the repository.  The checks, one line each:

- fstwave and its extension come from this interpreter's site-packages, not from the
  repository; with ``--no-compiler`` no C compiler is reachable on PATH (so the package
  was installed without one);
- for each FILE, what the API shows (header, time table, the scope tree walked with
  scopes()/vars(), every var, every signal loaded with load_signals(), its changes and
  lookups, and the same through fstwave.pywellen25 with a stream, its stub installed)
  equals what the repository's fstwave shows for the same calls (``--summary``, run by PY);
- ``python -m fstwave dump FILE`` prints the same bytes as the repository's tool;
- the ``fstwave`` console script runs (``fstwave info FILE``);
- the installed fstwave/docs/*.md are the repository's docs/*.md, byte for byte, and the
  doc path ``fstwave --help`` cites exists in the installed package;
- the distribution's licence files (LICENSE and the vendored LZ4 and FastLZ licences)
  are installed and equal the repository's; the metadata has a License-Expression.

Exit code 0 when every check passes, 1 at the first failure (its message on stderr).
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import sysconfig

# compiler names a build could find on PATH (sysconfig's CC is added at run time)
COMPILERS = ("cc", "gcc", "clang", "c99", "tcc", "x86_64-linux-gnu-gcc", "aarch64-linux-gnu-gcc")
# the licence files of pyproject.toml's license-files, relative to the repository
LICENSE_FILES = ("LICENSE", "vendor/libfst/LICENSE-lz4.txt", "vendor/libfst/LICENSE-fastlz.txt")


class SmokeFailure(Exception):
    pass


def check(cond, what):
    """Print ``ok  what`` when cond holds, raise SmokeFailure(what) otherwise."""
    if not cond:
        raise SmokeFailure(what)
    print("ok  " + what, flush=True)


def _inside(path, root):
    path, root = os.path.realpath(path), os.path.realpath(root)
    return os.path.commonpath([path, root]) == root


# ---------------------------------------------------------------------------
# what the API shows of a file


def summary(path):
    """Lines describing what the API shows of the file at path (repr of every result)."""
    import fstwave

    w = fstwave.Waveform(path)
    h = w.hierarchy
    tt = list(w.time_table)
    lines = [
        "header %r %r %r %r" % (h.file_format(), h.date(), h.version(), str(h.timescale())),
        "time_range %r table %d %r" % (w.time_range, len(tt), tt[:3] + tt[-3:]),
    ]

    def walk(scope, depth):
        lines.append("%sscope %r %r" % ("  " * depth, scope.full_name(h), scope.scope_type()))
        for v in scope.vars(h):
            lines.append("%s  var %r %r %r %r %r %r" % (
                "  " * depth, v.name(h), v.var_type(), v.direction(), v.bitwidth(),
                v.signal_ref(), v.enum_type(h)))
        for child in scope.scopes(h):
            walk(child, depth + 1)

    for top in h.top_scopes():
        walk(top, 0)

    vars_ = list(h.all_vars())
    signals = w.load_signals(vars_)
    for v, s in zip(vars_, signals):
        changes = list(s.all_changes())
        t_mid = changes[len(changes) // 2][0] if changes else 0
        lines.append("signal %r %d %r at(%d)=%r query=%r" % (
            v.full_name(h), len(changes), changes[:2] + changes[-2:], t_mid,
            s.value_at_time(t_mid), tuple(s.query_signal(t_mid))))

    # fstwave.pywellen25 (pywellen 0.25's API, its stubs ship beside it): lookups, slices,
    # and the first changes of a stream
    import fstwave.pywellen25 as pw25

    pkg = os.path.dirname(fstwave.__file__)
    lines.append("pywellen25 stub %r" % os.path.isfile(os.path.join(pkg, "pywellen25.pyi")))
    w25 = pw25.Waveform(path)
    for v in w25.all_vars():
        sig = v.signal
        lines.append("pywellen25 %r %r %r %r" % (v, w25[v.full_name], len(sig), sig[:3] if len(sig) else []))
    streamed = []
    w25.stream_changes(lambda t, sid, value: streamed.append((t, str(sid), value)), None)
    lines.append("pywellen25 stream %d %r" % (len(streamed), streamed[:20]))
    return lines


# ---------------------------------------------------------------------------
# the checks


def check_installed(no_compiler):
    import fstwave
    import fstwave._fstwave as ext

    site = sysconfig.get_paths()["platlib"]
    check(_inside(fstwave.__file__, site) and _inside(ext.__file__, site),
          "fstwave and its extension come from %s (%s)" % (site, os.path.basename(ext.__file__)))
    if no_compiler:
        names = list(COMPILERS) + (sysconfig.get_config_var("CC") or "cc").split()[:1]
        found = {n: shutil.which(n) for n in names if shutil.which(n)}
        check(not found and "CC" not in os.environ,
              "no C compiler on PATH (%s) and CC unset: %s" % (", ".join(sorted(set(names))),
                                                                found or "none found"))


def check_file(path, ref_python):
    ref = subprocess.run([ref_python, os.path.abspath(__file__), "--summary", path],
                         stdout=subprocess.PIPE, check=True).stdout.decode("utf-8")
    mine = "\n".join(summary(path)) + "\n"
    check(mine == ref, "API walk of %s equals the repository's (%d lines)"
          % (os.path.basename(path), mine.count("\n")))

    cmd = ["-m", "fstwave", "dump", path]
    ref_dump = subprocess.run([ref_python] + cmd, stdout=subprocess.PIPE, check=True).stdout
    dump = subprocess.run([sys.executable] + cmd, stdout=subprocess.PIPE, check=True).stdout
    check(dump == ref_dump and len(dump) > 0,
          "python -m fstwave dump %s equals the repository tool's output (%d bytes)"
          % (os.path.basename(path), len(dump)))


def check_console_script(path):
    exe = os.path.join(os.path.dirname(sys.executable), "fstwave")
    r = subprocess.run([exe, "info", path], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    check(r.returncode == 0 and r.stdout and not r.stderr,
          "console script: fstwave info %s exits 0 (%s)" % (os.path.basename(path), exe))


def check_docs(repo):
    import fstwave

    pkg = os.path.dirname(fstwave.__file__)
    repo_docs = sorted(glob.glob(os.path.join(repo, "docs", "*.md")))
    names = [os.path.basename(p) for p in repo_docs]
    installed = sorted(os.listdir(os.path.join(pkg, "docs")))
    check(names and installed == names, "fstwave/docs/ holds the repository's docs/*.md: %s"
          % ", ".join(installed))
    for p in repo_docs:
        with open(p, "rb") as a, open(os.path.join(pkg, "docs", os.path.basename(p)), "rb") as b:
            check(a.read() == b.read(), "fstwave/docs/%s equals docs/%s" % ((os.path.basename(p),) * 2))

    # the help text cites the format doc by a path relative to the package (argparse
    # wraps at COLUMNS - 2: wide enough here for the path to stay on one line)
    env = dict(os.environ, COLUMNS="250")
    helptext = subprocess.run([sys.executable, "-m", "fstwave", "--help"], env=env,
                              stdout=subprocess.PIPE, check=True).stdout.decode()
    cited = sorted(set(re.findall(r"\b(docs/[\w.-]+\.md)\b", helptext)))
    check(cited, "fstwave --help cites a doc: %s" % ", ".join(cited))
    for rel in cited:
        check(os.path.isfile(os.path.join(pkg, rel)),
              "the cited %s exists in the installed package (fstwave/%s)" % (rel, rel))


def check_licences(repo):
    from importlib import metadata

    dist = metadata.distribution("fstwave")
    check(dist.metadata.get("License-Expression"),
          "metadata License-Expression: %s" % dist.metadata.get("License-Expression"))
    files = {os.path.basename(str(f)): f for f in dist.files or () if "/licenses/" in str(f)}
    for rel in LICENSE_FILES:
        name = os.path.basename(rel)
        ok = name in files
        if ok:
            with open(os.path.join(repo, rel), "rb") as fh:
                ok = files[name].read_binary() == fh.read()
        check(ok, "%s installed (%s) and equal to the repository's"
              % (rel, files[name] if name in files else "missing"))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--summary", action="store_true",
                   help="print what the API shows of each FILE and exit (the reference run)")
    p.add_argument("--repo", help="the repository (its docs/ and licence files)")
    p.add_argument("--reference-python", help="python of the repository's environment")
    p.add_argument("--no-compiler", action="store_true",
                   help="also check that no C compiler is reachable on PATH")
    p.add_argument("files", nargs="+", metavar="FILE")
    args = p.parse_args(argv)
    if args.summary:
        for path in args.files:
            sys.stdout.write("\n".join(summary(path)) + "\n")
        return 0
    if not (args.repo and args.reference_python):
        p.error("--repo and --reference-python are required (unless --summary)")
    try:
        check_installed(args.no_compiler)
        for path in args.files:
            check_file(os.path.abspath(path), args.reference_python)
        check_console_script(args.files[0])
        check_docs(args.repo)
        check_licences(args.repo)
    except SmokeFailure as e:
        print("FAIL " + str(e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
