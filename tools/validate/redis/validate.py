#!/usr/bin/env python3
"""Checks sdsim's Redis eviction policies against a real Redis.

For each case it replays a cache-aside trace (GET; on a miss, SET) of Zipf-distributed keys against
a redis-server it starts itself, at a controlled request rate in real time, and runs sdsim on a
scenario with the same cache, keys and rate; then it prints both hit ratios. It exits 1 when any
case differs by more than --tolerance (default 0.01: one point of hit ratio), 2 on a usage or
set-up error, and 0 (printing why) when redis-server is not installed.

Time: Redis's LRU clock is wall time (1 s ticks, refreshed every 10 ms at --hz 100) and its LFU
decay counts wall minutes, so the trace is paced in real time: request i is sent at t0 + i/rate,
with t0 on a whole wall second (on a whole minute when the case has LFU decay). sdsim's clock
starts at 0 with its ticks on whole seconds and minutes of simulated time, so one second of the
trace is one second of simulated time. The sdsim side uses Poisson arrivals at the same rate; the
number of requests per clock tick is what matters, and it is the same on average.

Capacity: each case gives Redis a maxmemory meant to hold about `items` entries, and the
cache-aside script reports DBSIZE on every request; the sdsim cache gets the mean number of keys
Redis held during the measured requests as its capacity, so that the comparison is of eviction,
not of memory accounting (client buffers count against maxmemory too, so Redis holds fewer than
aimed at). Before the cases, the tool prints how many entries maxmemory 4mb holds and the bytes
per entry Redis used, next to what sdsim's 'maxmemory: 4MiB' with its default 'entry-overhead'
holds.

Keys are "k:<n>" for n in 1..N, values are --value-size bytes. The server listens on 127.0.0.1
only, keeps nothing on disk (--save '' --appendonly no), runs in a temporary directory, and is shut
down when the tool ends, also on an error or Ctrl-C.

    tools/validate/redis/validate.py            # the full table (about 15 minutes)
    tools/validate/redis/validate.py --quick    # two short cases (about 30 s), as in make test
"""

import argparse
import itertools
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SDSIM_ENTRY_OVERHEAD = 88   # sdsim's default entry-overhead with maxmemory (Schema+RedisCache.swift)
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

# The cases. items: about how many items the maxmemory given to Redis holds (the exact number is
# calibrated, and given to sdsim as its capacity); rate: requests per
# second of real (Redis) and simulated (sdsim) time; warmup and requests: counts of requests.
CASES = [
    dict(name="random", redis="allkeys-random", sdsim="redis-random", items=1500,
         rate=5000, warmup=30000, requests=150000),
    dict(name="lru-fast", redis="allkeys-lru", sdsim="redis-lru", items=1500,
         rate=10000, warmup=30000, requests=200000),
    dict(name="lru-slow", redis="allkeys-lru", sdsim="redis-lru", items=1500,
         rate=200, warmup=10000, requests=40000),
    dict(name="lru-fast-10", redis="allkeys-lru", sdsim="redis-lru", items=1500,
         rate=10000, warmup=30000, requests=200000, samples=10),
    dict(name="lfu", redis="allkeys-lfu", sdsim="redis-lfu", items=1500,
         rate=2000, warmup=30000, requests=200000),
    dict(name="lfu-decay", redis="allkeys-lfu", sdsim="redis-lfu", items=1500,
         rate=2000, warmup=30000, requests=300000, lfu_log_factor=1),
    dict(name="volatile-lru", redis="volatile-lru", sdsim="volatile-lru", items=1500,
         rate=10000, warmup=30000, requests=150000, ttl_ms=3600000),
    dict(name="volatile-ttl", redis="volatile-ttl", sdsim="volatile-ttl", items=1500,
         rate=5000, warmup=30000, requests=150000, ttl_ms=3600000),
]
QUICK = ["random", "lru-fast"]
QUICK_REQUESTS = 100000
BATCH = 20    # commands per pipelined round trip: small, because client buffers count against maxmemory

CACHE_ASIDE = """
local v = redis.call('GET', KEYS[1])
if v then return {1, redis.call('DBSIZE')} end
if ARGV[2] == '0' then redis.call('SET', KEYS[1], ARGV[1])
else redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return {0, redis.call('DBSIZE') - 1}
"""


class RedisError(Exception):
    pass


class Resp:
    """A minimal RESP2 client over one socket: enough for a few commands and pipelines."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.reader = self.sock.makefile("rb")

    @staticmethod
    def encode(args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            b = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(b), b))
        return b"".join(out)

    def read(self):
        line = self.reader.readline()
        if not line:
            raise RedisError("connection closed")
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RedisError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            if n < 0:
                return None
            data = self.reader.read(n + 2)
            return data[:-2]
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise RedisError("unexpected reply %r" % line)

    def call(self, *args):
        self.sock.sendall(self.encode(args))
        return self.read()

    def pipeline(self, commands):
        self.sock.sendall(b"".join(self.encode(c) for c in commands))
        return [self.read() for _ in commands]

    def info(self, section):
        text = self.call("INFO", section).decode()
        return dict(line.split(":", 1) for line in text.splitlines() if ":" in line and not line.startswith("#"))

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class Server:
    """A redis-server of our own on a free loopback port, in a temporary directory."""

    def __init__(self, binary):
        self.dir = tempfile.mkdtemp(prefix="sdsim-redis-")
        self.proc = None
        for _ in range(5):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                self.port = s.getsockname()[1]
            self.proc = subprocess.Popen(
                [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--protected-mode", "yes",
                 "--save", "", "--appendonly", "no", "--dir", self.dir, "--daemonize", "no",
                 "--logfile", os.path.join(self.dir, "redis.log"), "--hz", "100",
                 "--lazyfree-lazy-eviction", "no"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            deadline = time.time() + 10
            while time.time() < deadline and self.proc.poll() is None:
                try:
                    c = Resp(self.port)
                    if c.call("PING") == "PONG":
                        c.close()
                        return
                except (OSError, RedisError):
                    time.sleep(0.05)
            self.stop()
        raise SystemExit("validate: could not start redis-server (log in %s)" % self.dir)

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                c = Resp(self.port)
                c.sock.sendall(Resp.encode(["SHUTDOWN", "NOSAVE"]))
                c.close()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        self.proc = None
        shutil.rmtree(self.dir, ignore_errors=True)


def value_of(size):
    return b"v" * size


def calibrate(c, maxmemory, value_size):
    """Items Redis holds under `maxmemory` (bytes) with these keys and values, through the same
    cache-aside script and batches as the replay (client buffers count against maxmemory too):
    (mean items, fewest, most, bytes per entry, used_memory when empty)."""
    c.call("CONFIG", "SET", "maxmemory", "0")
    c.call("FLUSHALL")
    sha = c.call("SCRIPT", "LOAD", CACHE_ASIDE).decode()
    empty = int(c.info("memory")["used_memory"])
    c.call("CONFIG", "SET", "maxmemory-policy", "allkeys-random")
    c.call("CONFIG", "SET", "maxmemory", str(maxmemory))
    c.call("CONFIG", "RESETSTAT")
    value = value_of(value_size)
    n = 0

    def insert(count):
        nonlocal n
        for start in range(0, count, BATCH):
            c.pipeline([["EVALSHA", sha, 1, "k:%d" % (n + i), value, "0"] for i in range(start, min(count, start + BATCH))])
        n += count

    while int(c.info("stats")["evicted_keys"]) == 0:
        insert(1000)
        if n > 10_000_000:
            raise SystemExit("validate: no evictions after 10M keys; is maxmemory ignored?")
    # Redis's own structures keep growing for a while after the first eviction (the hash table,
    # client buffers): go on until the cache has turned over ten times, then read.
    insert(10 * n)
    sizes = []
    for _ in range(10):
        insert(max(n // 100, BATCH))
        sizes.append(c.call("DBSIZE"))
    items = round(sum(sizes) / len(sizes))
    used = int(c.info("memory")["used_memory"])
    c.call("CONFIG", "SET", "maxmemory", "0")
    c.call("FLUSHALL")
    return items, min(sizes), max(sizes), (used - empty) / items, empty





def zipf_trace(n, exponent, count, seed):
    cum = list(itertools.accumulate(k ** -exponent for k in range(1, n + 1)))
    return random.Random(seed).choices(range(1, n + 1), cum_weights=cum, k=count)


def wait_for_boundary(period):
    """Sleeps until the wall clock is on a whole multiple of `period` seconds; returns that time."""
    now = time.time()
    start = (int(now // period) + 1) * period
    time.sleep(max(0.0, start - now))
    return start


def replay(c, case, args):
    """Replays the case's trace against Redis in real time; returns (hit ratio, mean items held
    after the warm-up, achieved rate, worst lag in seconds, share of requests sent over 0.1 s late)."""
    c.call("CONFIG", "SET", "maxmemory", "0")
    c.call("FLUSHALL")
    c.call("CONFIG", "SET", "maxmemory-policy", case["redis"])
    c.call("CONFIG", "SET", "maxmemory-samples", str(case.get("samples", 5)))
    c.call("CONFIG", "SET", "lfu-log-factor", str(case.get("lfu_log_factor", 10)))
    c.call("CONFIG", "SET", "lfu-decay-time", str(case.get("lfu_decay_time", 1)))
    c.call("CONFIG", "SET", "maxmemory", str(case["maxmemory_bytes"]))
    sha = c.call("SCRIPT", "LOAD", CACHE_ASIDE).decode()
    warmup, total = case["warmup"], case["warmup"] + case["requests"]
    trace = zipf_trace(args.keys, args.exponent, total, args.seed)
    value, ttl = value_of(args.value_size), str(case.get("ttl_ms", 0))
    rate = case["rate"]
    decay = case["redis"].endswith("lfu") and case.get("lfu_decay_time", 1) > 0
    t0 = wait_for_boundary(60 if decay else 1)
    i, hits, worst_lag, held, late = 0, 0, 0.0, 0, 0
    while i < total:
        elapsed = time.time() - t0
        due = min(total, int(elapsed * rate) + 1, i + BATCH)
        if due <= i:
            time.sleep(max(0.0, (i / rate) - elapsed))
            continue
        lag = elapsed - i / rate
        worst_lag = max(worst_lag, lag)
        if lag > 0.1:
            late += due - i
        replies = c.pipeline([["EVALSHA", sha, 1, "k:%d" % trace[j], value, ttl] for j in range(i, due)])
        for j, (hit, size) in enumerate(replies, start=i):
            if j >= warmup:
                hits += hit
                held += size
        i = due
    achieved = total / (time.time() - t0)
    return hits / case["requests"], held / case["requests"], achieved, worst_lag, late / total


def sdsim_hit_ratio(case, items, args, workdir):
    rate = case["rate"]
    lines = [
        "name: redis-check-%s" % case["name"],
        "seed: %d" % args.seed,
        "duration: %gs" % ((case["warmup"] + case["requests"]) / rate),
        "warmup: %gs" % (case["warmup"] / rate),
        "workload:",
        "  - name: reads",
        "    arrival: poisson(%g/s)" % rate,
        "    keys: zipf(%d, %g)" % (args.keys, args.exponent),
        "    route: [cache]",
        "components:",
        "  cache:",
        "    kind: cache",
        "    policy: %s" % case["sdsim"],
        "    capacity: %d" % items,
        "    service: constant(0s)",
    ]
    if case["sdsim"] not in ("redis-random", "volatile-random"):
        lines.append("    samples: %d" % case.get("samples", 5))
    if case["sdsim"].endswith("lfu"):
        lines.append("    lfu-log-factor: %g" % case.get("lfu_log_factor", 10))
        lines.append("    lfu-decay-time: %d" % case.get("lfu_decay_time", 1))
    if "ttl_ms" in case:
        lines.append("    ttl: %dms" % case["ttl_ms"])
    path = os.path.join(workdir, case["name"] + ".yaml")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    out = subprocess.run([args.sdsim, "run", path, "--format", "json", "--no-db", "--quiet",
                          "--replications", str(args.replications)],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("validate: sdsim failed on %s:\n%s" % (path, out.stderr))
    doc = json.loads(out.stdout)
    return find_hit_ratio(doc), path


def find_hit_ratio(doc):
    """The cache's hit ratio in sdsim's JSON report (the mean over replications when there are several)."""
    comp = doc.get("components", {}).get("cache", {})
    if "hit_ratio" not in comp:
        raise SystemExit("validate: no hit ratio for 'cache' in sdsim's JSON output")
    return comp["hit_ratio"]


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="\n\n".join(__doc__.split("\n\n")[1:]))
    p.add_argument("--quick", action="store_true", help="run only %s, with %d measured requests each" % (
        " and ".join(QUICK), QUICK_REQUESTS))
    p.add_argument("--cases", help="comma-separated case names (default: all): " + ", ".join(c["name"] for c in CASES))
    p.add_argument("--sdsim", default=os.path.join(ROOT, ".build", "release", "sdsim"), help="the sdsim binary")
    p.add_argument("--redis-server", default=shutil.which("redis-server"), help="the redis-server binary")
    p.add_argument("--keys", type=int, default=100000, help="distinct keys N (default 100000)")
    p.add_argument("--exponent", type=float, default=1.0, help="Zipf exponent (default 1.0)")
    p.add_argument("--value-size", type=int, default=100, help="bytes per value (default 100)")
    p.add_argument("--seed", type=int, default=1, help="seed of the trace and of sdsim (default 1)")
    p.add_argument("--replications", type=int, default=4, help="sdsim replications averaged (default 4)")
    p.add_argument("--tolerance", type=float, default=0.01, help="largest accepted difference (default 0.01)")
    args = p.parse_args()

    if not args.redis_server:
        print("validate: skipped: redis-server is not installed (tools/install-deps.sh installs it when run as root)")
        return 0
    if not os.access(args.sdsim, os.X_OK):
        print("validate: no sdsim binary at %s; build it with 'swift build -c release --product sdsim'" % args.sdsim,
              file=sys.stderr)
        return 2
    cases = CASES
    if args.cases:
        names = args.cases.split(",")
        unknown = [n for n in names if n not in {c["name"] for c in CASES}]
        if unknown:
            print("validate: unknown case(s) %s; cases are %s" % (", ".join(unknown), ", ".join(c["name"] for c in CASES)),
                  file=sys.stderr)
            return 2
        cases = [c for c in CASES if c["name"] in names]
    elif args.quick:
        cases = [dict(c, requests=QUICK_REQUESTS) for c in CASES if c["name"] in QUICK]

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(130))
    server = Server(args.redis_server)
    workdir = tempfile.mkdtemp(prefix="sdsim-redis-cases-")
    failed = 0
    try:
        c = Resp(server.port)
        version = c.info("server").get("redis_version", "?")
        print("Redis %s on 127.0.0.1:%d; keys zipf(%d, %g), values %d B, seed %d, sdsim %d replications"
              % (version, server.port, args.keys, args.exponent, args.value_size, args.seed, args.replications))
        # Redis's memory accounting, and sdsim's model of it (maxmemory: the values plus entry-overhead).
        mm = 4 * 1024 * 1024
        items4, low, high, per_entry, empty = calibrate(c, mm, args.value_size)
        print("maxmemory 4mb holds %d items of %d B (%d to %d; %.0f B per entry: overhead %.0f B; %.0f KB used when empty); "
              "sdsim's 'maxmemory: 4MiB' holds %d (overhead %d B, the empty server's memory not counted)"
              % (items4, args.value_size, low, high, per_entry, per_entry - args.value_size, empty / 1024,
                 mm // (args.value_size + SDSIM_ENTRY_OVERHEAD), SDSIM_ENTRY_OVERHEAD))
        header = "%-13s %-15s %-13s %7s %7s %9s %10s %7s %7s %7s" % (
            "case", "redis", "sdsim", "items", "rate/s", "requests", "achieved/s", "redis", "sdsim", "diff")
        print(header)
        print("-" * len(header))
        for case in cases:
            case = dict(case, maxmemory_bytes=int(empty + case["items"] * per_entry))
            redis_hit, held, achieved, lag, late = replay(c, case, args)
            items = round(held)
            sdsim_hit, _ = sdsim_hit_ratio(case, items, args, workdir)
            diff = sdsim_hit - redis_hit
            bad = abs(diff) > args.tolerance
            paced = achieved >= 0.97 * case["rate"] and late < 0.01
            failed += bad
            print("%-13s %-15s %-13s %7d %7d %9d %10.0f %7.4f %7.4f %+7.4f%s%s" % (
                case["name"], case["redis"], case["sdsim"], items, case["rate"], case["requests"], achieved,
                redis_hit, sdsim_hit, diff, "  DIFFERS" if bad else "",
                "" if paced else "  (fell behind the rate: %.1f%% of requests over 0.1 s late, worst %.2f s)" % (100 * late, lag)))
            sys.stdout.flush()
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    if failed:
        print("validate: %d case(s) differ by more than %.3f" % (failed, args.tolerance))
        return 1
    print("validate: every case within %.3f" % args.tolerance)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
