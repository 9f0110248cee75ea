#!/usr/bin/env python3
"""Extracts the fi/sv/en labels Kumppani shows on notice pages from the eForms SDK translations
(CC BY 4.0, © European Union) into data/notice/labels-fi-sv-en.csv, so that a Finnish reader sees
the same terms as on Hilma. Run from the repository root with the SDK beside it:

    scripts/notice-labels.py ../shared/data/eforms-sdk/translations > data/notice/labels-fi-sv-en.csv
"""
import csv
import re
import sys
from pathlib import Path

BUSINESS_TERMS = [
    "BT-01", "BT-02", "BT-03", "BT-04", "BT-05", "BT-21", "BT-22", "BT-24", "BT-27", "BT-36",
    "BT-54", "BT-105", "BT-131", "BT-137", "BT-142", "BT-161", "BT-262", "BT-263", "BT-500",
    "BT-501", "BT-505", "BT-506", "BT-513", "BT-512", "BT-510(a)", "BT-514", "BT-5071", "BT-536",
    "BT-537", "BT-539", "BT-541", "BT-702", "BT-720", "BT-765", "BT-766", "BT-53", "BT-759",
    "BT-145", "BT-701", "BT-757", "BT-300", "BT-15", "BT-18",
]
# Fields whose label is not a business term's: the review organisation.
FIELDS = ["OPT-301-Lot-ReviewOrg"]
CODE_PREFIXES = ["procurement-procedure-type.", "award-criterion-type.", "legal-basis.32014L00",
                 "legal-basis.32009L0081", "duration-unit.", "winner-selection-status."]


def entries(path):
    text = Path(path).read_text(encoding="utf-8")
    for key, value in re.findall(r'<entry key="([^"]+)">([^<]*)</entry>', text):
        yield key, value.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


def main(directory):
    d = Path(directory)
    table = {}
    for lang in ("fi", "sv", "en"):
        for kind in ("business-term", "code", "notice", "field"):
            for key, value in entries(d / f"{kind}_{lang}.xml"):
                table.setdefault(key, {})[lang] = value
    wanted = []
    for bt in BUSINESS_TERMS:
        wanted.append(f"business-term|name|{bt}")
    for f in FIELDS:
        wanted.append(f"field|name|{f}")
    for key in sorted(table):
        if key.startswith("notice|name|"):
            wanted.append(key)
        if key.startswith("code|name|") and any(key[len("code|name|"):].startswith(p) for p in CODE_PREFIXES):
            wanted.append(key)
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["key", "fi", "sv", "en"])
    for key in wanted:
        row = table.get(key)
        if not row or not all(row.get(l) for l in ("fi", "sv", "en")):
            continue
        short = key.split("|", 2)
        short = f"{short[0]}:{short[2]}"
        out.writerow([short, row["fi"], row["sv"], row["en"]])


if __name__ == "__main__":
    main(sys.argv[1])
