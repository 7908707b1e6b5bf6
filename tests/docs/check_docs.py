#!/usr/bin/env python3
"""The documentation a user gets with fstwave must be complete and must not point away.

Run by ``make test-docs`` (mk/docs.mk, a stage of ``make test``); no build needed::

    python3 tests/docs/check_docs.py [REPO]

What it checks, in the files that ship (the README, LICENSE and docs/*.md, the Python
package's sources and stubs, the Node package's JavaScript, types, README and addon
sources, the C core's sources) and what they cite:

1. No file points outside the repository: no ``../shared`` path (except the corpus
   location ``../shared/fst-corpus`` that the README and the Makefile name as the default
   CORPUS), no ``shared/spec``, ``shared/tools`` or ``api-contract``.
2. Every relative Markdown link in README.md, docs/*.md and node/README.md names a file
   that exists inside the repository.
3. Every ``docs/NAME.md`` (or ``fstwave/docs/NAME.md``) named in a shipped file exists.
4. docs/api.md defines the deviations D1..Dn as table rows, in order, and every deviation
   id cited in a shipped source file is one of them and names docs/api.md near the
   citation (within CITE_WINDOW characters after it), so a reader can find its definition.
5. Every class the packages export (Python ``fstwave.__all__``, Node ``module.exports``)
   is named in docs/api.md.
6. README.md has the list of what ``make test`` installs between the markers that
   scripts/run_tests.sh prints from.

Prints one line per check ("ok" or "FAIL" with the offending places) and a closing line
"check_docs: N passed, N failed"; exits 1 when a check failed.
"""

import ast
import os
import re
import sys

#: characters after a deviation id within which its citation must name docs/api.md
CITE_WINDOW = 200

#: shipped files, as globs relative to the repository
SHIPPED = [
    "README.md", "LICENSE", "docs/*.md",
    "python/fstwave/*.py", "python/fstwave/*.pyi", "python/fstwave/*.c",
    "python/src/*.c", "python/src/*.h",
    "node/*.js", "node/*.ts", "node/*.md", "node/lib/*.js", "node/lib/*.json",
    "node/src/*.c", "node/src/*.h",
    "core/include/*.h", "core/src/*.c", "core/src/*.h",
]

#: source files (not Markdown) in which each deviation citation must name docs/api.md
CITING_EXTS = (".py", ".pyi", ".c", ".h", ".js", ".ts")

OUTSIDE = re.compile(r"\.\./shared(?!/fst-corpus)|shared/spec|shared/tools|api-contract")
MD_LINK = re.compile(r"\]\(([^)\s]+)\)")
DOC_PATH = re.compile(r"\b(?:fstwave/)?docs/([A-Za-z0-9_-]+\.md)")
DEV_ID = re.compile(r"\bD(\d+)\b")
DEV_ROW = re.compile(r"^\| D(\d+) \|", re.M)
INSTALLS = re.compile(r"<!-- make-test-installs -->\n(.+?)<!-- /make-test-installs -->", re.S)


def shipped_files(root):
    import glob
    out = []
    for pattern in SHIPPED:
        out.extend(sorted(glob.glob(os.path.join(root, pattern))))
    return [p for p in out if os.path.isfile(p)]


def rel(root, path):
    return os.path.relpath(path, root)


def check_outside(root, texts):
    bad = []
    for path, text in texts.items():
        for m in OUTSIDE.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            bad.append(f"{rel(root, path)}:{line}: {m.group(0)}")
    return bad, f"{len(texts)} shipped files name nothing outside the repository"


def check_md_links(root, texts):
    bad, n = [], 0
    for path, text in texts.items():
        if not path.endswith(".md"):
            continue
        for m in MD_LINK.finditer(text):
            target = m.group(1).split("#", 1)[0]
            if not target or re.match(r"^[a-z][a-z0-9+.-]*:", target):
                continue  # an anchor in the page, or a URL
            n += 1
            full = os.path.normpath(os.path.join(os.path.dirname(path), target))
            if os.path.relpath(full, root).startswith(".."):
                bad.append(f"{rel(root, path)}: link {target} leaves the repository")
            elif not os.path.exists(full):
                bad.append(f"{rel(root, path)}: link {target} names no file")
    return bad, f"{n} relative Markdown links resolve inside the repository"


def check_doc_paths(root, texts):
    bad, n = [], 0
    for path, text in texts.items():
        for m in DOC_PATH.finditer(text):
            n += 1
            if not os.path.isfile(os.path.join(root, "docs", m.group(1))):
                line = text.count("\n", 0, m.start()) + 1
                bad.append(f"{rel(root, path)}:{line}: {m.group(0)} does not exist")
    return bad, f"{n} mentions of docs/*.md name existing pages"


def check_deviations(root, texts):
    api = texts[os.path.join(root, "docs", "api.md")]
    ids = [int(x) for x in DEV_ROW.findall(api)]
    bad = []
    if not ids or ids != list(range(1, len(ids) + 1)):
        bad.append(f"docs/api.md: deviation rows {ids}, want D1..Dn in order")
    n = 0
    for path, text in texts.items():
        if not path.endswith(CITING_EXTS):
            continue
        for m in DEV_ID.finditer(text):
            n += 1
            line = text.count("\n", 0, m.start()) + 1
            if int(m.group(1)) not in ids:
                bad.append(f"{rel(root, path)}:{line}: D{m.group(1)} is not defined in docs/api.md")
            elif "docs/api.md" not in text[m.start():m.end() + CITE_WINDOW]:
                bad.append(f"{rel(root, path)}:{line}: D{m.group(1)} is cited without docs/api.md")
    return bad, f"D1..D{len(ids)} defined in docs/api.md; {n} citations in sources name it"


def check_exports(root, texts):
    api = texts[os.path.join(root, "docs", "api.md")]
    init = os.path.join(root, "python", "fstwave", "__init__.py")
    tree = ast.parse(texts[init])
    py = next(ast.literal_eval(node.value) for node in tree.body
              if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "__all__" for t in node.targets))
    js_src = texts[os.path.join(root, "node", "index.js")]
    block = re.search(r"module\.exports = \{(.*?)\};", js_src, re.S).group(1)
    js = re.findall(r"^\s*([A-Za-z_$][\w$]*)\s*[,:]", block, re.M)
    names = sorted(set(py) | set(js))
    # diagnostics, not part of the API
    names = [x for x in names if not x.startswith("_") or x == "__version__"]
    bad = [f"docs/api.md does not name `{x}`" for x in names if f"`{x}`" not in api]
    return bad, f"{len(names)} exported names (Python {len(py)}, Node {len(js)}) are in docs/api.md"


def check_installs(root, texts):
    readme = texts[os.path.join(root, "README.md")]
    m = INSTALLS.search(readme)
    items = [ln for ln in m.group(1).splitlines() if ln.startswith("- ")] if m else []
    bad = [] if items else ["README.md: no list between <!-- make-test-installs --> markers"]
    return bad, f"README.md lists {len(items)} kinds of install that make test prints first"


def main(argv):
    root = os.path.abspath(argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(__file__), "..", ".."))
    texts = {}
    for path in shipped_files(root):
        with open(path, encoding="utf-8", errors="replace") as f:
            texts[path] = f.read()
    checks = [check_outside, check_md_links, check_doc_paths, check_deviations, check_exports,
              check_installs]
    passed = failed = 0
    for check in checks:
        bad, what = check(root, texts)
        if bad:
            failed += 1
            print(f"FAIL {check.__name__}: {len(bad)} problem(s)")
            for b in bad:
                print(f"     {b}")
        else:
            passed += 1
            print(f"ok   {what}")
    print(f"check_docs: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
