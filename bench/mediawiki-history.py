#!/usr/bin/env python3
"""Builds a full-history MediaWiki export from a real one, for the import benchmark: every page of
the input gets REVS revisions that grow line by line to its real text (authors rotate, times
advance), so the importer meets thousands of revisions of real wikitext.

usage: mediawiki-history.py INPUT.xml.bz2 REVS OUTPUT.xml.bz2
"""
import bz2
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from xml.sax.saxutils import escape

src, revs, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
NS = "{http://www.mediawiki.org/xml/export-0.10/}"
authors = ["Alice", "Bob", "Chiyo", "Daisuke", "Emi"]

with bz2.open(out, "wt", encoding="utf-8") as w:
    w.write('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" version="0.10" xml:lang="en">\n')
    pages = 0
    for _, el in ET.iterparse(bz2.open(src), events=("end",)):
        if el.tag != NS + "page":
            continue
        title = el.findtext(NS + "title")
        ns = el.findtext(NS + "ns")
        text = el.find(NS + "revision").findtext(NS + "text") or ""
        lines = text.split("\n")
        w.write(f"  <page>\n    <title>{escape(title)}</title>\n    <ns>{ns}</ns>\n    <id>{pages + 1}</id>\n")
        for k in range(1, revs + 1):
            part = "\n".join(lines[: max(1, len(lines) * k // revs)])
            when = (datetime(2010, 1, 1) + timedelta(days=k, minutes=pages)).strftime("%Y-%m-%dT%H:%M:%SZ")
            w.write(
                f"    <revision>\n      <id>{pages * revs + k}</id>\n"
                f"      <timestamp>{when}</timestamp>\n"
                f"      <contributor><username>{authors[k % len(authors)]}</username><id>{k % len(authors) + 1}</id></contributor>\n"
                f"      <comment>revision {k} of {revs}</comment>\n      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
                f'      <text xml:space="preserve">{escape(part)}</text>\n    </revision>\n'
            )
        w.write("  </page>\n")
        pages += 1
        el.clear()
    w.write("</mediawiki>\n")
print(f"{pages} pages x {revs} revisions -> {out}", file=sys.stderr)
