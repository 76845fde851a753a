"""Calibration of the validation stack: per-process CPU from /proc/PID/stat, counters from Redis
INFO, and the sdsim scenario written from what was measured. No I/O here beyond reading /proc,
so the parsers can be tested on recorded samples (test_calibration.py)."""
import math
import os


def parse_stat(text):
    """CPU seconds (user + system) of a process from the text of /proc/PID/stat.

    The second field, the command name in parentheses, may itself hold spaces and parentheses,
    so the fields are counted from the last ')'. utime and stime are fields 14 and 15 (1-based),
    in clock ticks."""
    rest = text[text.rindex(")") + 2:].split()
    # rest[0] is field 3 (state); field n is rest[n - 3].
    field = lambda n: int(rest[n - 3])
    return {"comm": text[text.index("(") + 1:text.rindex(")")], "state": rest[0], "ppid": field(4),
            "utime_ticks": field(14), "stime_ticks": field(15), "cutime_ticks": field(16), "cstime_ticks": field(17)}


def ticks_per_second():
    return os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid, hz=None):
    with open("/proc/%d/stat" % pid) as f:
        s = parse_stat(f.read())
    return (s["utime_ticks"] + s["stime_ticks"]) / float(hz or ticks_per_second())


def tree_cpu_seconds(pid, hz=None, stats=None):
    """CPU seconds of a process and everything under it: its own time, the time of children it
    has reaped (cutime, cstime), and the trees of its live children. `stats` maps pid to parsed
    stat (read from /proc when not given), so tests can pass a recorded process table."""
    hz = float(hz or ticks_per_second())
    if stats is None:
        stats = {}
        for name in os.listdir("/proc"):
            if name.isdigit():
                try:
                    with open("/proc/%s/stat" % name) as f:
                        stats[int(name)] = parse_stat(f.read())
                except (OSError, ValueError):
                    continue
    kids = {}
    for p, s in stats.items():
        kids.setdefault(s["ppid"], []).append(p)
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        s = stats.get(p)
        if s is None:
            continue
        total += s["utime_ticks"] + s["stime_ticks"] + s["cutime_ticks"] + s["cstime_ticks"]
        todo.extend(kids.get(p, []))
    return total / hz


def children(pid):
    """Pids whose parent is `pid` (one level), in pid order."""
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                if parse_stat(f.read())["ppid"] == pid:
                    out.append(int(name))
        except (OSError, ValueError):
            continue
    return sorted(out)


def parse_proc_stat_cpu(text):
    """(busy, total) clock ticks of all cores from the first line of /proc/stat (idle and iowait
    count as not busy)."""
    for line in text.splitlines():
        if line.startswith("cpu "):
            v = [int(x) for x in line.split()[1:]]
            idle = v[3] + (v[4] if len(v) > 4 else 0)
            total = sum(v[:8])
            return total - idle, total
    raise ValueError("no 'cpu' line in /proc/stat")


def machine_busy():
    with open("/proc/stat") as f:
        return parse_proc_stat_cpu(f.read())


def parse_redis_info(text):
    """The `key:value` lines of Redis INFO as a dict of strings (sections and blanks skipped)."""
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or ":" not in line:
            continue
        k, v = line.split(":", 1)
        out[k] = v
    return out


def per_request(before, after, requests):
    """CPU seconds per request of each group from two snapshots {group: cpu seconds}."""
    return {g: (after[g] - before[g]) / requests for g in sorted(before)}


def percentile(sorted_values, q):
    """The q-quantile (0..1) of sorted values, by the nearest-rank rule."""
    if not sorted_values:
        return float("nan")
    k = max(0, min(len(sorted_values) - 1, math.ceil(q * len(sorted_values) - 1e-9) - 1))
    return sorted_values[k]


def fmt_ms(seconds):
    return "%.4fms" % (seconds * 1000)


def scenario(cal, rate, seconds, warmup, seed):
    """The sdsim scenario of the stack at `rate` requests per second, from calibration `cal`:
    one machine of `cores` cores, shared as the servers were scheduled (`scheduling`); the load
    generator and nginx are event loops (one process, a lock over its connections) that spend
    half their CPU on the way in and half on the way out; two app processes placed together,
    each an interpreter lock over its threads handed on every switch interval, CPU before the call (the burn and request
    parsing), a client cost per call and CPU after; Redis one thread that fills itself from
    PostgreSQL on a miss; PostgreSQL a process per connection. All hops on loopback."""
    c = cal
    half = lambda x: fmt_ms(x / 2)
    lines = [
        "name: validate-stack",
        "description: nginx, two Python app processes, Redis and PostgreSQL on one machine (tools/validate/stack)",
        "seed: %d" % seed,
        "duration: %ds" % (seconds + warmup),
        "warmup: %ds" % warmup,
        "network:",
        "  latency: constant(%s)" % fmt_ms(c["one_way"]),
        "  local-latency: constant(%s)" % fmt_ms(c["one_way"]),
        "machines:",
        "  box:",
        "    cores: %d" % c["cores"],
        "    scheduling: %s" % c.get("scheduling", "processor-sharing"),
        "workload:",
        "  - name: requests",
        "    arrival: poisson(%.3f/s)" % rate,
        "    keys: zipf(%d, %g)" % (c["keys"], c["zipf"]),
        "    route: [loadgen]",
        "components:",
        "  loadgen:",
        "    kind: server",
        "    threads: 100000",
        "    process-lock: true",
        "    service: constant(%s)" % half(c["cpu"]["loadgen"]),
        "    calls: [nginx]",
        "    after-calls: [constant(%s)]" % half(c["cpu"]["loadgen"]),
        "    machine: box",
        "  nginx:",
        "    kind: server",
        "    threads: 4096",
        "    process-lock: true",
        "    service: constant(%s)" % half(c["cpu"]["nginx"]),
        "    calls: [balancer]",
        "    after-calls: [constant(%s)]" % half(c["cpu"]["nginx"]),
        "    machine: box",
        "  balancer:",
        "    kind: load-balancer",
        "    policy: round-robin",
        "    targets: app",
        "  app:",
        "    kind: server",
        "    replicas: 2",
        "    machine: box",
        "    placement: together",
        "    threads: %d" % c["threads"],
        "    process-lock: true",
    ] + (["    switch-interval: %s" % fmt_ms(c["switch_interval"])] if c.get("switch_interval") else []) + [
        "    service: exponential(%s)" % fmt_ms(c["burn"]),
        "    calls: [redis]",
        "    call-cost: constant(%s)" % fmt_ms(c["app_call_cost"]),
        "    after-calls: [constant(%s)]" % fmt_ms(c["app_rest"]),
        "  redis:",
        "    kind: cache",
        "    capacity: %d" % (c["keys"] * 2),
        "    ttl: %ds" % c["ttl"],
        "    service: constant(%s)" % fmt_ms(c["redis_op"]),
        "    fill: constant(%s)" % fmt_ms(c["redis_op"]),
        "    on-miss: postgres",
        "    machine: box",
        "  postgres:",
        "    kind: server",
        "    workers: %d" % (2 * c["threads"]),
        "    service: constant(%s)" % fmt_ms(c["pg_select"]),
        "    machine: box",
    ]
    return "\n".join(lines) + "\n"
