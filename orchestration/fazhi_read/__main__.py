"""python -m fazhi_read FILE... : what each file is and how it reads (one line
each), then the count per format; --text prints the text read."""
from __future__ import annotations

import argparse
import sys
from collections import Counter

from . import ReadOptions, read_path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m fazhi_read", description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--text", action="store_true", help="print the text read")
    ap.add_argument("--no-ocr", action="store_true", help="read as if OCR were not installed")
    args = ap.parse_args(argv)
    opts = ReadOptions(ocr=not args.no_ocr)
    counts: Counter = Counter()
    for name in args.files:
        try:
            res = read_path(name, options=opts)
        except OSError as exc:
            print(f"{name}\tunreadable: {exc}")
            counts["unreadable"] += 1
            continue
        counts[res.format] += 1
        if not res.handled:
            print(f"{name}\t{res.format}\t(left to the text path)")
        elif res.ok:
            conf = f"\tOCR confidence {res.ocr_confidence:.3f}" if res.ocr_confidence is not None else ""
            print(f"{name}\t{res.format}\t{res.reader}\t{res.page_count or '-'} pages\t{len(res.text):,} chars"
                  f"\t{res.seconds:.2f} s{conf}")
            for w in res.warnings:
                print(f"\twarning: {w}")
            if args.text:
                print(res.text)
        else:
            print(f"{name}\t{res.format}\t{res.problem}")
    print("per format: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
