#!/usr/bin/env python3
"""Turns LibreOffice's Japanese help (Debian's libreoffice-help-ja, fetched by bench/corpus.sh)
into a MediaWiki export: a real Japanese software manual as wiki articles, for the article load
benchmark. Each help page becomes a page of wikitext: headings, paragraphs, lists, tables, bold
and links between help pages as [[links]]. The PAGES largest pages whose text is mostly Japanese
are kept (parts of the help are untranslated English).

usage: help-wiki.py HELP_DIR PAGES OUTPUT.xml
Also writes OUTPUT.xml.articles: the titles of the 20 pages with the most links to other pages
(then the longest), which the load benchmark views.
"""
import html
import os
import sys
from html.parser import HTMLParser
from xml.sax.saxutils import escape

help_dir, limit, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
root = os.path.join(help_dir, "text")
files = []
for d, _, names in os.walk(root):
    for n in names:
        if n.endswith(".html"):
            p = os.path.join(d, n)
            files.append((os.path.getsize(p), p))
files.sort(key=lambda f: (-f[0], f[1]))


def mostly_japanese(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    body = text[text.find('id="DisplayArea"') :]
    jp = sum(1 for c in body if "\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff")
    latin = sum(1 for c in body if c.isascii() and c.isalpha())
    # Markup is Latin too: a translated page still has more kana and kanji than a tenth of it.
    return jp > latin * 0.15


def title_of(path):
    with open(path, encoding="utf-8") as f:
        head = f.read(4000)
    start = head.find("<title>")
    end = head.find("</title>")
    return html.unescape(head[start + 7 : end]).strip() if start >= 0 and end > start else None


# Titles must be unique: the first (largest) page keeps a title, later ones get their file name.
chosen, titles, seen = [], {}, set()
for _, p in files:
    t = title_of(p)
    if not t or not mostly_japanese(p):
        continue
    if t in seen:
        # MediaWiki reads "_" in a title as a space.
        t = f"{t} ({os.path.splitext(os.path.basename(p))[0]})".replace("_", " ")
    if t in seen:
        continue
    seen.add(t)
    rel = "ja/" + os.path.relpath(p, help_dir)
    titles[rel] = t
    chosen.append((p, rel, t))
    if len(chosen) == limit:
        break


class Wikitext(HTMLParser):
    """The DisplayArea of one help page as wikitext."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.line = [], []
        self.inside = 0  # depth inside DisplayArea
        self.skip = 0  # depth inside hidden or navigational parts
        self.link = None
        self.list_depth = 0
        self.in_cell = False
        self.spans = []  # for each open span: whether it is bold

    def flush(self, prefix=""):
        text = " ".join("".join(self.line).split())
        if text:
            self.out.append(prefix + text)
        self.line = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id") == "DisplayArea":
            self.inside = 1
            return
        if not self.inside:
            return
        self.inside += 1
        if self.skip or "hidden" in a or a.get("class") in ("howtoget", "noteicon", "relatedtopics"):
            self.skip += 1
            return
        if tag in ("h1", "h2", "h3", "h4", "h5"):
            self.flush()
        elif tag == "p" and not self.in_cell:
            self.flush()
        elif tag in ("ul", "ol"):
            self.flush()
            self.list_depth += 1
        elif tag == "li":
            self.flush()
        elif tag == "table":
            self.flush()
            self.out.append('{| class="wikitable"')
        elif tag == "tr":
            self.out.append("|-")
        elif tag in ("td", "th"):
            self.in_cell = True
            self.line = []
        elif tag == "span":
            bold = a.get("class") == "emph"
            self.spans.append(bold)
            if bold:
                self.line.append("'''")
        elif tag == "a" and a.get("href", "").startswith("ja/text/"):
            target = titles.get(a["href"].split("#")[0])
            self.link = target
            if target:
                self.line.append("[[" + target + "|")

    def handle_endtag(self, tag):
        if not self.inside:
            return
        self.inside -= 1
        if self.skip:
            self.skip -= 1
            return
        if tag in ("h1", "h2", "h3", "h4", "h5"):
            level = int(tag[1]) + 1
            text = " ".join("".join(self.line).split())
            self.line = []
            if text:
                self.out.append("")
                self.out.append("=" * level + " " + text + " " + "=" * level)
        elif tag == "p" and not self.in_cell:
            self.flush()
            self.out.append("")
        elif tag in ("ul", "ol"):
            self.flush()
            self.list_depth = max(0, self.list_depth - 1)
        elif tag == "li":
            self.flush("*" * max(1, self.list_depth) + " ")
        elif tag in ("td", "th"):
            text = " ".join("".join(self.line).split())
            self.out.append(("! " if tag == "th" else "| ") + (text or " "))
            self.line = []
            self.in_cell = False
        elif tag == "table":
            self.out.append("|}")
            self.out.append("")
        elif tag == "span" and self.spans:
            if self.spans.pop():
                self.line.append("'''")
        elif tag == "a" and self.link:
            self.line.append("]]")
            self.link = None

    def handle_data(self, data):
        if self.inside and not self.skip:
            self.line.append(data.replace("[", "(").replace("]", ")").replace("|", "｜"))


def wikitext(path):
    p = Wikitext()
    with open(path, encoding="utf-8") as f:
        p.feed(f.read())
    p.flush()
    return "\n".join(p.out).strip() + "\n\n[[カテゴリ:LibreOffice ヘルプ]]\n"


texts = {title: wikitext(path) for path, _, title in chosen}
with open(out, "w", encoding="utf-8") as w:
    w.write('<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="ja">\n')
    w.write("  <siteinfo>\n    <sitename>LibreOffice ヘルプ</sitename>\n    <namespaces>\n")
    w.write('      <namespace key="0" case="first-letter" />\n      <namespace key="14" case="first-letter">カテゴリ</namespace>\n')
    w.write("    </namespaces>\n  </siteinfo>\n")
    for n, (path, rel, title) in enumerate(chosen, 1):
        text = texts[title]
        w.write(f"  <page>\n    <title>{escape(title)}</title>\n    <ns>0</ns>\n    <id>{n}</id>\n")
        w.write(
            f"    <revision>\n      <id>{n}</id>\n      <timestamp>2022-08-01T00:00:00Z</timestamp>\n"
            f"      <contributor><username>LibreOffice</username><id>1</id></contributor>\n"
            f"      <comment>{escape(rel)}</comment>\n      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
            f'      <text xml:space="preserve">{escape(text)}</text>\n    </revision>\n  </page>\n'
        )
    w.write("</mediawiki>\n")
ranked = sorted(texts, key=lambda t: (-(texts[t].count("[[") - 1), -len(texts[t]), t))
with open(out + ".articles", "w", encoding="utf-8") as w:
    w.write("\n".join(ranked[:20]) + "\n")
print(f"{len(chosen)} help pages -> {out}; {sum(texts[t].count('[[') - 1 for t in ranked[:20])} links in the 20 articles", file=sys.stderr)
