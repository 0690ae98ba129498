#!/usr/bin/env python3
"""The main answer day's submissions, for bench/answer-day.sh: every union's answer PUT once
through the API, paced to finish within the window, while a probe reads the head office's tally
every 100 ms. Prints JSON: submissions/s, latency percentiles, the tally's latency and how long a
submission took to show in it, and the exactly-once checks."""
import json, sys, threading, time, urllib.request, urllib.error, random
from concurrent.futures import ThreadPoolExecutor

base, token, year, codes_file, window = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
codes = [c.strip() for c in open(codes_file) if c.strip()]
headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

def call(method, path, body=None):
    req = urllib.request.Request(base + path, method=method, headers=headers, data=json.dumps(body).encode() if body is not None else None)
    t = time.monotonic()
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            data = r.read()
            return r.status, data, time.monotonic() - t
    except urllib.error.HTTPError as e:
        return e.code, e.read(), time.monotonic() - t

def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(len(xs) * p / 100))] if xs else None

done_at, latencies, statuses = [], [], {}
lock = threading.Lock()
start = time.monotonic()

def submit(i, code):
    # Paced: submission i goes at i * window / n.
    delay = start + i * window / len(codes) - time.monotonic()
    if delay > 0:
        time.sleep(delay)
    rnd = random.Random(i)
    body = {"version": 0, "members": str(rnd.randint(50, 5000)), "base_up_demand_yen": "13000", "base_up_state": "won",
            "base_up_won_yen": str(8000 + rnd.randint(0, 60) * 100), "answered_at": f"{year}-03-12T10:00"}
    status, _, took = call("PUT", f"/api/v1/campaign/{year}/answers/{code}", body)
    with lock:
        statuses[status] = statuses.get(status, 0) + 1
        latencies.append(took)
        if status == 200:
            done_at.append(time.monotonic())

probes, probe_lat, stop = [], [], threading.Event()
def probe():
    while not stop.is_set():
        status, data, took = call("GET", f"/api/v1/campaign/{year}/tally")
        if status == 200:
            probes.append((time.monotonic(), json.loads(data)["all"]["overall"]["registered"]))
            probe_lat.append(took)
        time.sleep(0.1)

prober = threading.Thread(target=probe)
prober.start()
with ThreadPoolExecutor(max_workers=32) as pool:
    for i, c in enumerate(codes):
        pool.submit(submit, i, c)
elapsed = time.monotonic() - start
time.sleep(1.5)
stop.set()
prober.join()

# How long until the tally counted the k-th stored submission (probe interval included).
done_at.sort()
lags, j = [], 0
for k, t in enumerate(done_at, start=1):
    while j < len(probes) and (probes[j][0] < t or probes[j][1] < k):
        j += 1
    if j < len(probes):
        lags.append(probes[j][0] - t)
# Exactly once: the tally counts every union once; a second first-entry for a union is refused.
status, data, _ = call("GET", f"/api/v1/campaign/{year}/tally")
final = json.loads(data)["all"]["overall"]
again = [call("PUT", f"/api/v1/campaign/{year}/answers/{c}", {"version": 0, "base_up_won_yen": "1"})[0] for c in random.Random(1).sample(codes, 20)]
print(json.dumps({
    "unions": len(codes), "window_s": window, "elapsed_s": round(elapsed, 2),
    "submissions_per_s": round(len(done_at) / elapsed, 1), "statuses": statuses,
    "submit_p50_ms": round(pct(latencies, 50) * 1000, 1), "submit_p99_ms": round(pct(latencies, 99) * 1000, 1),
    "tally_p50_ms": round(pct(probe_lat, 50) * 1000, 1), "tally_p99_ms": round(pct(probe_lat, 99) * 1000, 1),
    "reflected_p99_ms": round(pct(lags, 99) * 1000, 1) if lags else None, "reflected_max_ms": round(max(lags) * 1000, 1) if lags else None,
    "tally_registered": final["registered"], "tally_answered": final["answered"],
    "resubmissions_refused": sum(1 for s in again if s == 409), "resubmissions": len(again),
}))
