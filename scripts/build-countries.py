#!/usr/bin/env python3
"""Adds the world's countries to the curated gazetteer, and their names in
English, Chinese, Thai and Burmese to every country.

News about the scam compounds names the victims' countries (Indonesia, Kenya,
the Philippines, ...) and is written in Chinese, Thai and Burmese too; the
geoparser needs those names. Sources:
- points and areas: npm world-countries@5.1.0 (countries.json: latlng, area;
  ODbL 1.0). The point is the package's reference point, an estimate
  (estimate=yes); the radius is that of a circle of the country's area,
  rounded up to 10 km;
- names: Unicode CLDR 48 territory names via npm cldr-localenames-full@48.2.0
  (Unicode-3.0), locales en, zh, zh-Hant, th, my.

Countries already in places.tsv keep their row; they only gain names.
Re-running replaces the rows this script wrote before.

Usage: python3 scripts/build-countries.py   (downloads the two packages with npm)
"""
import json
import math
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
PLACES = os.path.join(ROOT, "gazetteer", "places.tsv")
ALIASES = os.path.join(ROOT, "gazetteer", "aliases.tsv")
WC = "world-countries@5.1.0"
CLDR = "cldr-localenames-full@48.2.0"
COORD_SOURCE = f"npm {WC} countries.json latlng (reference point, approx)"
LOCALES = [("en", "en"), ("zh", "zh-Hans"), ("zh-Hant", "zh-Hant"), ("th", "th"), ("my", "my")]


def npm_file(spec, member, tmp):
    subprocess.run(["npm", "pack", spec, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
    name = [f for f in os.listdir(tmp) if f.startswith(spec.split("@")[0]) and f.endswith(".tgz")][0]
    with tarfile.open(os.path.join(tmp, name)) as t:
        return json.load(t.extractfile("package/" + member))


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    header = lines[0].split("\t")
    rows = [l.split("\t") for l in lines[1:] if l]
    return header, rows


def write_tsv(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\t".join(header) + "\n")
        for r in rows:
            f.write("\t".join(r) + "\n")


def slug(name):
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "_", ascii_name.lower()).strip("_")
    return s or "country"


QUALIFIERS = {"Republic", "Rep.", "共和国", "共和國"}


def split_names(value):
    """'Myanmar (Burma)' -> ['Myanmar', 'Burma']."""
    out = []
    m = re.match(r"^(.*?)\s*[(（](.*)[)）]\s*$", value)
    if m:
        out.append(m.group(1).strip())
        # A second name ("Myanmar (Burma)"), not a qualifier ("Congo (Republic)").
        if m.group(2).strip() not in QUALIFIERS:
            out.append(m.group(2).strip())
    else:
        out.append(value.strip())
    return [n for n in out if n and "\t" not in n]


def main():
    with tempfile.TemporaryDirectory() as tmp:
        countries = npm_file(WC, "countries.json", tmp)
        cldr = {}
        subprocess.run(["npm", "pack", CLDR, "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        name = [f for f in os.listdir(tmp) if f.startswith("cldr") and f.endswith(".tgz")][0]
        with tarfile.open(os.path.join(tmp, name)) as t:
            for loc, _ in LOCALES:
                d = json.load(t.extractfile(f"package/main/{loc}/territories.json"))
                cldr[loc] = d["main"][loc]["localeDisplayNames"]["territories"]

    p_header, places = read_tsv(PLACES)
    a_header, aliases = read_tsv(ALIASES)
    places = [r for r in places if WC not in r[12]]
    aliases = [r for r in aliases if CLDR not in r[3]]
    ids = {r[0] for r in places}
    by_code = {}
    for r in places:
        if r[3] == "country":
            by_code[r[4]] = r[0]
    names_of = {}
    for r in places:
        names_of.setdefault(r[0], set()).add(r[1])
    for r in aliases:
        names_of.setdefault(r[0], set()).add(r[1])

    added = 0
    for c in sorted(countries, key=lambda c: c["cca2"]):
        code = c["cca2"]
        if not re.fullmatch(r"[A-Z]{2}", code) or not c.get("latlng"):
            continue
        if code not in by_code:
            lat, lon = c["latlng"][0], c["latlng"][1]
            area = float(c.get("area") or 0)
            radius_km = max(10, math.ceil(math.sqrt(max(area, 1) / math.pi) / 10) * 10)
            pid = slug(c["name"]["common"])
            while pid in ids:
                pid += "_" + code.lower()
            ids.add(pid)
            places.append([
                pid, c["name"]["common"], "area", "country", code, "", "", f"{lat}", f"{lon}",
                f"{radius_km * 1000}", "", "", COORD_SOURCE, "yes",
                "country reference point (approx); radius = circle of the country's area "
                f"({WC} area), rounded up to 10 km; added by scripts/build-countries.py",
            ])
            by_code[code] = pid
            names_of.setdefault(pid, set()).add(c["name"]["common"])
            added += 1
        pid = by_code[code]
        for loc, lang in LOCALES:
            t = cldr[loc]
            for key in (code, f"{code}-alt-short", f"{code}-alt-variant"):
                if key not in t:
                    continue
                for n in split_names(t[key]):
                    if len(n) < 2 or n in names_of[pid] or re.fullmatch(r"[A-Z]{2}", n):
                        continue
                    names_of[pid].add(n)
                    aliases.append([pid, n, lang, f"Unicode CLDR 48 territory names via npm {CLDR} ({loc})"])

    write_tsv(PLACES, p_header, places)
    write_tsv(ALIASES, a_header, aliases)
    print(f"{added} countries added; {len(aliases)} aliases in all", file=sys.stderr)


if __name__ == "__main__":
    main()
