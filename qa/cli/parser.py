"""The `qa` command line: its commands, arguments and help."""

from __future__ import annotations

import argparse
from pathlib import Path


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--sources", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                        help="the sources folder (default: $QA_SOURCES, else ./sources if it exists, "
                             "else your own library in the user data folder)")
    parser = argparse.ArgumentParser(
        prog="qa", parents=[common],
        description="Ask questions of a folder of sources; answers are verbatim quotes with citations. "
                    "With no command, opens the terminal UI.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    ask = commands.add_parser("ask", parents=[common], help="answer a question")
    ask.add_argument("question", help="the question, or - to read one question per line from stdin")
    ask.add_argument("--json", action="store_true", help="print JSON (JSON Lines with -)")
    ask.add_argument("--conversation", action="store_true",
                     help="with -: each line may follow up the lines before it")
    add = commands.add_parser("add", parents=[common], help="copy files or folders in and index them")
    add.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    add.add_argument("--link", action="store_true",
                     help="link instead of copying: a file gets a symbolic link; a folder is followed, read "
                          "where it is and kept in sync (its new, changed and deleted files are picked up "
                          "at each question and by `qa sync`)")
    add.add_argument("--hidden", action="store_true",
                     help="also a folder's hidden files and folders (names starting with a dot)")
    add.add_argument("--ocr", action="store_true",
                     help="read scanned PDF pages with Tesseract (sudo apt install tesseract-ocr); setting QA_OCR")
    add.add_argument("--verbose", "-v", action="store_true", help="a line for every file")
    add.add_argument("--json", action="store_true", help="print one JSON object per file")
    add.add_argument("--progress", action="store_true", help=argparse.SUPPRESS)  # the UI's child: qa.background
    listing = commands.add_parser("sources", parents=[common], help="list the sources")
    listing.add_argument("pattern", nargs="?", metavar="PATTERN",
                         help="only sources whose id, file name or title matches (a word or a *glob*)")
    listing.add_argument("--json", action="store_true", help="print JSON")
    commands.add_parser("sync", parents=[common],
                        help="bring the index up to date with the folder and the folders it follows")
    remove = commands.add_parser("remove", parents=[common],
                                 help="delete sources from the folder, or stop following a folder")
    remove.add_argument("references", nargs="*", metavar="SOURCE",
                        help="an id, file name, path or *glob* (see `qa sources`), or a followed folder: "
                             "its sources go, its files are never touched")
    remove.add_argument("--all-from", type=Path, metavar="FOLDER",
                        help="every source that was added from FOLDER")
    remove.add_argument("--yes", "-y", action="store_true",
                        help="no question on a terminal before removing several sources or a glob's")
    text = commands.add_parser("text", parents=[common], help="print a source's text, as citations index it")
    text.add_argument("source", metavar="SOURCE",
                      help="its id, file name or path, or a PATTERN as `qa sources` takes (a word or a *glob*): "
                           "each source it matches, under a ==> header <== when there are several")
    evaluate = commands.add_parser("eval", parents=[common], help="score answers against a question set")
    evaluate.add_argument("questions", type=Path, nargs="?", metavar="QUESTIONS.jsonl")
    evaluate.add_argument("--squad", type=Path, metavar="FILE.json", help="a SQuAD 2.0 file instead")
    evaluate.add_argument("--per-article", action="store_true",
                          help="with --squad: one folder per article instead of all in one")
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    return parser
