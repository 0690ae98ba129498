#!/usr/bin/env python3
"""Generates the minimum-wage benchmark set: 20 fiscal years (FY2006–FY2025) × 47 prefectures ×
250 industries of industry minimum wages, and the regional wages FY2005–FY2018 the shipped table
lacks (FY2019–FY2025 are built in). Synthetic, deterministic; written as the import files.

    python3 bench/minwage-data.py OUT_DIR [YEARS] [INDUSTRIES]
"""
import csv, os, random, sys

out = sys.argv[1]
years = int(sys.argv[2]) if len(sys.argv) > 2 else 20
industries = int(sys.argv[3]) if len(sys.argv) > 3 else 250
first = 2026 - years
os.makedirs(out, exist_ok=True)
rng = random.Random(2026)
here = os.path.dirname(os.path.abspath(__file__))
shipped = {}
with open(os.path.join(here, "../crates/minwage/data/regional.csv"), encoding="utf-8") as f:
    for r in csv.DictReader(f):
        shipped[(int(r["fiscal_year"]), r["prefecture_code"])] = int(r["hourly_yen"])
prefs = [f"{i:02d}" for i in range(1, 48)]
regional = dict(shipped)
# Earlier years: the FY2019 figure less about 1.5–2.5 % a year, rounded to the yen.
with open(os.path.join(out, "regional-early.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["fiscal_year", "prefecture_code", "hourly_yen", "effective_date", "note"])
    for p in prefs:
        v = shipped[(2019, p)]
        for y in range(2018, first - 2, -1):
            v = round(v / (1.015 + rng.random() * 0.01))
            regional[(y, p)] = v
            w.writerow([y, p, v, f"{y}-10-0{1 + rng.randrange(9)}", "synthetic (benchmark)"])
statuses = 0
with open(os.path.join(out, "industry.csv"), "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["fiscal_year", "prefecture_code", "industry", "title", "hourly_yen", "previous_hourly_yen", "effective_date", "covered_workers", "status", "note"])
    for p in prefs:
        for i in range(industries):
            name = f"業種{i:03d}"
            hourly = regional[(first, p)] + rng.randrange(-10, 160)
            covered = rng.randrange(500, 60000) if rng.random() < 0.8 else ""
            for y in range(first, 2026):
                prev = hourly
                rr = regional[(y, p)] - regional.get((y - 1, p), regional[(y, p)])
                if y > first and prev < regional[(y - 1, p)]:
                    status, date = "unchanged", ""
                else:
                    hourly = prev + max(0, rr - 12 + rng.randrange(0, 18))
                    status = "revised" if y > first else "new"
                    date = f"{y}-12-{1 + rng.randrange(28):02d}" if rng.random() < 0.8 else f"{y + 1}-0{1 + rng.randrange(3)}-15"
                known_prev = "" if (y == first or rng.random() < 0.03) else prev
                w.writerow([y, p, name, f"{name}製造業", hourly, known_prev, date, covered, status, ""])
print(f"{len(prefs) * industries * years} industry wages FY{first}–FY2025 in {out}/industry.csv")
