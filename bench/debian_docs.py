"""Build the documentation library for `eval/docs-questions.jsonl` from Debian packages.

    python -m bench.debian_docs DIR [--no-install] [--no-index]

Run as root, it installs the packages with apt-get; otherwise it prints the apt-get line and
uses what is installed. It copies the chosen files into DIR flat, each name prefixed with its
package (`postgresql-sql-vacuum.html`, `flask-patterns-sqlite3.html`), renders the chosen man
pages to hard-wrapped plain text with `man`, then indexes DIR with qa and prints what it made.
Nothing here is committed: the files come from the packages.

Kinds (the `kind` of each question in the set):
  html      PostgreSQL 15 (DocBook) and SQLite 3.40 manuals
  sphinx    Flask, Click and Jinja manuals (Sphinx-built HTML)
  man       man pages of installed tools, rendered 80 columns wide
  pdf       the Debian Reference, the ledger manual, the zsh manual
  markdown  rclone's manual and the READMEs of httpie, micro and zstd

python3-doc, git-doc, vim-runtime, gnuplot-doc, bash-doc, r-doc-pdf, asymptote-doc,
libtasn1-doc and the Node.js/npm docs are never used: a held-out library is built from those.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

PACKAGES = [
    "postgresql-doc-15", "sqlite3-doc", "python-flask-doc", "python-click-doc", "python-jinja2-doc",
    "debian-reference-en", "zsh-doc", "ledger", "rclone", "httpie", "micro", "zstd",
    "man-db", "rsync", "openssh-client", "curl", "wget", "jq", "ripgrep", "sqlite3", "tar",
]

POSTGRES = Path("/usr/share/doc/postgresql-doc-15/html")
# The reference pages, the server configuration chapters, the tutorial and the chapters on
# types, functions, queries, indexes, authentication, text search, PL/pgSQL and backups;
# the release notes, system catalogs and C interfaces are left out to keep the set moderate.
POSTGRES_PREFIXES = (
    "sql-", "app-", "tutorial", "runtime", "datatype", "functions", "ddl", "indexes", "queries",
    "auth-", "client-authentication", "textsearch", "plpgsql", "glossary", "routine", "backup",
    "mvcc", "wal", "dml", "arrays", "rowtypes", "config-setting", "performance-tips", "populate",
)

SQLITE = Path("/usr/share/doc/sqlite3")
# Cross-reference tables, the requirements list, the whole C API on one page, syntax
# diagrams and the change logs are lists, not prose a user reads.
SQLITE_SKIPPED = {
    "doc_backlink_crossref.html", "doc_keyword_crossref.html", "doc_pagelink_crossref.html",
    "doc_target_crossref.html", "requirements.html", "capi3ref.html", "syntaxdiagrams.html",
    "changes.html", "chronology.html", "index.html", "docs.html", "doclist.html", "sitemap.html",
    "toc.html", "keyword_index.html",
}

SPHINX = {
    "flask": Path("/usr/share/doc/python-flask-doc/html"),
    "click": Path("/usr/share/doc/python-click-doc/html"),
    "jinja": Path("/usr/share/doc/python-jinja2-doc/html"),
}

PDFS = {
    "debian-reference.pdf": Path("/usr/share/debian-reference/debian-reference.en.pdf"),
    "ledger-manual.pdf": Path("/usr/share/doc/ledger/ledger3.pdf"),
    "zsh-manual.pdf": Path("/usr/share/doc/zsh-common/zsh.pdf"),
}

MARKDOWN = {
    "rclone-manual.md": Path("/usr/share/doc/rclone/MANUAL.md.gz"),
    "httpie-readme.md": Path("/usr/share/doc/httpie/README.md.gz"),
    "micro-readme.md": Path("/usr/share/doc/micro/README.md.gz"),
    "zstd-readme.md": Path("/usr/share/doc/zstd/README.md.gz"),
    "zstd-contributing.md": Path("/usr/share/doc/zstd/CONTRIBUTING.md.gz"),
}

# (page, section): everyday tools whose man pages are mostly option lists.
MAN_PAGES = [
    ("tar", "1"), ("rsync", "1"), ("ssh", "1"), ("ssh_config", "5"), ("scp", "1"),
    ("ssh-keygen", "1"), ("ssh-agent", "1"), ("curl", "1"), ("wget", "1"), ("grep", "1"),
    ("find", "1"), ("xargs", "1"), ("sed", "1"), ("jq", "1"), ("zstd", "1"), ("rg", "1"),
    ("sqlite3", "1"), ("apt-get", "8"), ("apt-cache", "8"), ("apt", "8"), ("sources.list", "5"),
    ("apt.conf", "5"), ("dpkg", "1"), ("dpkg-query", "1"), ("systemctl", "1"), ("journalctl", "1"),
    ("systemd.service", "5"), ("systemd.timer", "5"), ("systemd.unit", "5"), ("less", "1"),
    ("ls", "1"), ("cp", "1"), ("mv", "1"), ("rm", "1"), ("chmod", "1"), ("chown", "1"), ("ln", "1"),
    ("du", "1"), ("df", "1"), ("sort", "1"), ("uniq", "1"), ("cut", "1"), ("tr", "1"),
    ("date", "1"), ("stat", "1"), ("touch", "1"), ("mkdir", "1"), ("head", "1"), ("tail", "1"),
    ("wc", "1"), ("tee", "1"), ("env", "1"), ("timeout", "1"), ("nice", "1"), ("kill", "1"),
    ("man", "1"), ("ledger", "1"), ("micro", "1"), ("http", "1"), ("gzip", "1"), ("split", "1"),
    ("crontab", "5"), ("passwd", "5"), ("fstab", "5"), ("hosts", "5"), ("locale", "1"),
]


def install() -> None:
    command = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *PACKAGES]
    if os.geteuid() != 0:
        print("not root: using what is installed; to install everything run\n  sudo " + " ".join(command))
        return
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-q"], check=True, env=environment, stdout=subprocess.DEVNULL)
    subprocess.run(command, check=True, env=environment, stdout=subprocess.DEVNULL)


def flat_name(prefix: str, root: Path, path: Path) -> str:
    """`flask` + `patterns/sqlite3.html` → `flask-patterns-sqlite3.html`."""
    return "-".join([prefix, *path.relative_to(root).parts])


def html_files() -> Iterator[tuple[str, str, Path]]:
    """(kind, name in the library, original) for every chosen HTML page."""
    if POSTGRES.is_dir():
        for path in sorted(POSTGRES.glob("*.html")):
            if path.name.startswith(POSTGRES_PREFIXES):
                yield "html", f"postgresql-{path.name}", path
    if SQLITE.is_dir():
        for path in sorted(SQLITE.glob("*.html")):
            if path.name not in SQLITE_SKIPPED:
                yield "html", f"sqlite-{path.name}", path
    for prefix, root in SPHINX.items():
        if root.is_dir():
            for path in sorted(root.rglob("*.html")):
                if path.name != "search.html" and "_static" not in path.parts:
                    yield "sphinx", flat_name(prefix, root, path), path


def copied_files() -> Iterator[tuple[str, str, Path]]:
    yield from html_files()
    for name, path in PDFS.items():
        if path.is_file():
            yield "pdf", name, path
    for name, path in MARKDOWN.items():
        if path.is_file():
            yield "markdown", name, path


def copy(original: Path, target: Path) -> None:
    if original.suffix == ".gz":
        with gzip.open(original, "rb") as source, open(target, "wb") as out:
            shutil.copyfileobj(source, out)
    else:
        shutil.copyfile(original, target)


def render_man(page: str, section: str) -> str | None:
    """The page as plain text, 80 columns, no overstrike; None when it is not installed."""
    environment = {**os.environ, "MANWIDTH": "80", "MAN_KEEP_FORMATTING": "", "LANG": "C.UTF-8"}
    shown = subprocess.run(["man", "-P", "cat", section, page], capture_output=True, env=environment)
    if shown.returncode != 0 or not shown.stdout.strip():
        return None
    plain = subprocess.run(["col", "-bx"], input=shown.stdout, capture_output=True, check=True)
    return plain.stdout.decode("utf-8", errors="replace")


def build(folder: Path) -> tuple[Counter[str], Counter[str]]:
    """Copy and render everything into `folder`; return files and bytes per kind."""
    folder.mkdir(parents=True, exist_ok=True)
    sizes: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for kind, name, original in copied_files():
        target = folder / name
        copy(original, target)
        sizes[kind] += target.stat().st_size
        counts[kind] += 1
    missing = []
    for page, section in MAN_PAGES:
        text = render_man(page, section)
        if text is None:
            missing.append(f"{page}({section})")
            continue
        target = folder / f"{page}.{section}.txt"
        target.write_text(text, encoding="utf-8")
        sizes["man"] += target.stat().st_size
        counts["man"] += 1
    if missing:
        print("man pages not installed, skipped: " + ", ".join(missing))
    return counts, sizes


def summary(counts: Counter[str], sizes: Counter[str]) -> Iterable[str]:
    for kind in ("html", "sphinx", "man", "pdf", "markdown"):
        yield f"{kind:<10} {counts[kind]:>5} files {sizes[kind] / 1e6:7.1f} MB"
    yield f"{'total':<10} {sum(counts.values()):>5} files {sum(sizes.values()) / 1e6:7.1f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.debian_docs", description=__doc__.split("\n")[0])
    parser.add_argument("folder", type=Path, metavar="DIR", help="the library folder to fill")
    parser.add_argument("--no-install", action="store_true", help="use what is installed")
    parser.add_argument("--no-index", action="store_true", help="copy the files but do not run qa")
    args = parser.parse_args(argv)
    if not args.no_install:
        install()
    counts, sizes = build(args.folder)
    print("\n".join(summary(counts, sizes)))
    if args.no_index:
        return 0
    print(f"indexing {args.folder} with qa...", flush=True)
    indexed = subprocess.run([sys.executable, "-m", "qa", "--sources", str(args.folder), "sources", "--json"],
                             stdout=subprocess.PIPE, text=True)
    if indexed.returncode != 0:
        print(f"qa could not index {args.folder} (exit {indexed.returncode})")
        return indexed.returncode
    sources = json.loads(indexed.stdout)
    chunks = sum(source["chunks"] for source in sources)
    print(f"qa indexed {len(sources)} sources, {chunks} chunks")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
