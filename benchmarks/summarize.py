#!/usr/bin/env python3
"""Prints the budget table of docs/performance.md from one run of benchmarks/run.sh (its results folder)."""
import glob
import json
import os
import re
import sys

results = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "results")
bench = {}
exceptions = {}
machine = ""
for path in glob.glob(os.path.join(results, "bdn", "results", "*-report-full.json")):
    data = json.load(open(path))
    for b in data["Benchmarks"]:
        params = b["Parameters"].replace("Algorithm=", "")
        key = (b["Type"], b["Method"], params)
        stats = b.get("Statistics") or {}
        bench[key] = (stats.get("Median"), (b.get("Memory") or {}).get("BytesAllocatedPerOperation"))
        for metric in b.get("Metrics") or []:
            descriptor = metric.get("Descriptor") or {}
            if "Exception" in (descriptor.get("Id") or "") + (descriptor.get("DisplayName") or ""):
                exceptions[key] = metric.get("Value")
for path in glob.glob(os.path.join(results, "bdn", "results", "*-report-github.md")):
    text = open(path).read()
    machine = text.split("```")[1].strip() if "```" in text else ""
    break


def us(ns):
    return "n/a" if ns is None else f"{ns / 1000:,.2f} µs"


def alloc(b):
    return "n/a" if b is None else f"{b:,} B"


def get(t, m, p=""):
    return bench.get((t, m, p), (None, None))


rows = []


def ratio_row(what, ours, floor, budget, le=True):
    (a, aa), (f, fa) = ours, floor
    if a is None or f is None:
        rows.append((what, us(a), us(f), "n/a", "—" if budget is None else ("≤ " if le else "≥ ") + f"{budget:.2f}", "not run"))
        return
    r = a / f
    if budget is None:
        rows.append((what, f"{us(a)} / {alloc(aa)}", f"{us(f)} / {alloc(fa)}", f"{r:.2f}", "—", "—"))
        return
    ok = r <= budget if le else r >= budget
    rows.append((what, f"{us(a)} / {alloc(aa)}", f"{us(f)} / {alloc(fa)}", f"{r:.2f}", ("≤ " if le else "≥ ") + f"{budget:.2f}", "met" if ok else "MISSED"))


# The budgets of issue 17 ("Performance: own the hot path").
for alg, budget in (("RS256", 1.10), ("ES256", 1.30), ("HS256", 1.50)):
    ratio_row(f"Send {alg} ÷ floor", get("SendBenchmarks", "Send", alg), get("SendBenchmarks", "Floor", alg), budget)
for alg, budget in (("RS256", 1.10), ("ES256", 1.30), ("HS256", 1.50)):
    ratio_row(f"Verify {alg} ÷ floor", get("VerifyBenchmarks", "Verify", alg), get("VerifyBenchmarks", "Floor", alg), budget)
ratio_row("HS256 send + verify ÷ Identity generate + validate", get("PeerBenchmarks", "SendVerifyHs256"), get("PeerBenchmarks", "IdentityGenerateValidate"), 2.0)
ratio_row("forged id rejection ÷ raw RSA verify", get("RejectBenchmarks", "ForgedId"), get("RejectBenchmarks", "RawVerify"), 1.10)
_, forged_alloc = get("RejectBenchmarks", "ForgedId")
forged_exceptions = exceptions.get(("RejectBenchmarks", "ForgedId", ""))
if forged_alloc is None:
    rows.append(("forged id rejection: allocated, exceptions", "n/a", "—", "—", "≤ 512 B, 0", "not run"))
else:
    ok = forged_alloc <= 512 and (forged_exceptions is None or forged_exceptions == 0)
    shown = "n/a" if forged_exceptions is None else f"{forged_exceptions:g}"
    rows.append(("forged id rejection: allocated, exceptions", f"{alloc(forged_alloc)}, {shown} exceptions", "—", "—", "≤ 512 B, 0", "met" if ok else "MISSED"))
ratio_row("unknown (validly signed) id ÷ raw RSA verify (no budget)", get("RejectBenchmarks", "UnknownId"), get("RejectBenchmarks", "RawVerify"), None)
ratio_row("Redis store send + verify ÷ two PINGs", get("RedisBenchmarks", "StoreSendVerify"), get("RedisBenchmarks", "TwoPings"), 1.5)

print("## Budgets (one run)\n")
print("| what | ours (median / alloc) | baseline (median / alloc) | ratio | budget | |")
print("|---|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")

print("\n## Allocations per operation\n")
print("| operation | allocated | budget | |")
print("|---|---|---|---|")
for alg in ("RS256", "ES256", "HS256"):
    for kind, method, limit in (("send", "SendBenchmarks", 2048), ("verify", "VerifyBenchmarks", 2048)):
        name = "Send" if kind == "send" else "Verify"
        _, a = get(method, name, alg)
        print(f"| {kind} {alg} | {alloc(a)} | ≤ {limit:,} B | {'n/a' if a is None else ('met' if a <= limit else 'MISSED')} |")

print("\n## Throughput, memory, HTTP\n")
for line in open(os.path.join(results, "throughput.log")) if os.path.exists(os.path.join(results, "throughput.log")) else []:
    if line.startswith("RESULT"):
        m = dict(kv.split("=") for kv in line.split()[3:])
        algorithm = line.split()[2]
        budget = 0.90 if algorithm == "RS256" else 0.70
        ok = float(m["ratio"]) >= budget
        print(f"- throughput {algorithm}: service {m['service_ops_s']} ops/s, floor loop {m['floor_ops_s']} ops/s, ratio {m['ratio']} (≥ {budget:.2f}: {'met' if ok else 'MISSED'})")
for line in open(os.path.join(results, "memory.log")) if os.path.exists(os.path.join(results, "memory.log")) else []:
    if line.startswith("RESULT"):
        m = dict(kv.split("=") for kv in line.split()[3:])
        kind = line.split()[2]
        budget = f" (≤ 200: {'met' if float(m['bytes_per_record']) <= 200 else 'MISSED'})" if kind == "record" else " (no budget: record + its counters)"
        print(f"- in-memory store per pending {kind}: {m['bytes_per_record']} bytes with {int(m.get('records', 1000000)):,} live{budget}; after expiry {int(m['after_expiry_bytes']) / 1048576:.2f} MiB retained, {m['entries_left']} entries left")

for line in open(os.path.join(results, "redis-ceiling.log")) if os.path.exists(os.path.join(results, "redis-ceiling.log")) else []:
    if line.startswith("RESULT"):
        m = dict(kv.split("=") for kv in line.split()[2:])
        print(f"- single-slot ceiling (no budget): {int(m['pairs_s']):,} send + verify pairs/s through the store on one Redis master ({m['callers']} concurrent callers); inside Redis per save {m['save_commands']} commands / {m['save_us']} µs, per attempt {m['attempt_commands']} commands / {m['attempt_us']} µs")
for line in open(os.path.join(results, "allocations.log")) if os.path.exists(os.path.join(results, "allocations.log")) else []:
    if line.startswith("forged id rejection:"):
        print("- allocations program, " + line.strip())


def rps(name):
    # A round with refusals (non-2xx answers or socket errors) measured something else than the endpoint's work
    # (a limit, a full store): it does not count, and the summary says so.
    best = None
    for path in glob.glob(os.path.join(results, f"wrk-{name}-*.log")):
        text = open(path).read()
        refused = re.search(r"Non-2xx.*|non-2xx or socket errors: [1-9]\d*", text)
        if refused:
            print(f"- NOT COUNTED {os.path.basename(path)}: " + refused.group(0))
            continue
        m = re.search(r"Requests/sec:\s+([\d.]+)", text)
        if m:
            best = max(best or 0.0, float(m.group(1)))
    return best


send, trivial = rps("send"), rps("trivial")
if send and trivial:
    r = send / trivial
    print(f"- HTTP: POST /auth/v1/verification {send:,.0f} req/s, GET /ping {trivial:,.0f} req/s, ratio {r:.2f} (≥ 0.6: {'met' if r >= 0.6 else 'MISSED'})")
elif glob.glob(os.path.join(results, "wrk-*.log")):
    print("- HTTP: NOT MEASURED (no round of each endpoint without refusals; see above)")

print("\n## Machine\n\n```\n" + machine + "\n```")
for line in open(os.path.join(results, "load.txt")) if os.path.exists(os.path.join(results, "load.txt")) else []:
    print(line.rstrip())
