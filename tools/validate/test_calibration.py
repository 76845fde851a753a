"""Unit tests of the validation tool's calibration parsers on recorded samples
(python3 -m unittest discover -s tools/validate)."""
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import calibration as cal  # noqa: E402


def sample(name):
    with open(os.path.join(HERE, "samples", name)) as f:
        return f.read()


class ProcStatTests(unittest.TestCase):
    def lines(self):
        return [l for l in sample("proc-stat.txt").splitlines() if l.strip()]

    def test_command_name_with_spaces_and_parentheses(self):
        s = cal.parse_stat(self.lines()[0])
        self.assertEqual(s["comm"], "x) (y z")
        self.assertEqual(s["state"], "S")
        self.assertEqual(s["ppid"], 15732)
        self.assertEqual((s["utime_ticks"], s["stime_ticks"]), (0, 0))

    def test_times_are_fields_14_to_17(self):
        s = cal.parse_stat(self.lines()[1])
        self.assertEqual(s["comm"], "bash")
        self.assertEqual(s["ppid"], 4018)
        self.assertEqual((s["utime_ticks"], s["stime_ticks"], s["cutime_ticks"], s["cstime_ticks"]), (11, 20, 25790, 1267))

    def test_tree_adds_reaped_and_live_children(self):
        bash = cal.parse_stat(self.lines()[1])
        child = dict(cal.parse_stat(self.lines()[0]), ppid=4034, utime_ticks=7, stime_ticks=3)
        other = dict(child, ppid=1)
        stats = {4034: bash, 15733: child, 99: other}
        # 11 + 20 + 25790 + 1267 of bash itself, 10 of its live child; the unrelated process is not counted.
        self.assertAlmostEqual(cal.tree_cpu_seconds(4034, hz=100, stats=stats), (11 + 20 + 25790 + 1267 + 10) / 100)
        self.assertEqual(cal.tree_cpu_seconds(12345, hz=100, stats=stats), 0)


class MachineStatTests(unittest.TestCase):
    def test_busy_and_total_ticks(self):
        busy, total = cal.parse_proc_stat_cpu(sample("proc-stat-machine.txt"))
        # user nice system idle iowait irq softirq steal
        self.assertEqual(total, 410644 + 2 + 27256 + 31536 + 1371 + 0 + 158 + 337)
        self.assertEqual(busy, total - 31536 - 1371)


class RedisInfoTests(unittest.TestCase):
    def test_counters(self):
        info = cal.parse_redis_info(sample("redis-info-stats.txt"))
        self.assertEqual(info["keyspace_hits"], "2")
        self.assertEqual(info["keyspace_misses"], "2")
        self.assertNotIn("# Stats", info)


class ArithmeticTests(unittest.TestCase):
    def test_per_request_and_percentiles(self):
        self.assertEqual(cal.per_request({"a": 1.0, "b": 2.0}, {"a": 3.0, "b": 2.5}, 100), {"a": 0.02, "b": 0.005})
        values = [i / 100 for i in range(1, 101)]
        self.assertEqual(cal.percentile(values, 0.5), 0.5)
        self.assertEqual(cal.percentile(values, 0.99), 0.99)

    def test_scenario_uses_the_calibration(self):
        c = {"cores": 2, "keys": 100, "zipf": 1.0, "ttl": 10, "burn": 0.002, "threads": 8, "one_way": 30e-6,
             "cpu": {"nginx": 0.0001, "loadgen": 0.0002}, "scheduling": "fifo", "app_call_cost": 0.00005, "app_rest": 0.0003,
             "redis_op": 0.00001, "pg_select": 0.0002}
        text = cal.scenario(c, 210, 100, 10, 1)
        for line in ["arrival: poisson(210.000/s)", "scheduling: fifo", "placement: together", "route: [loadgen]", "calls: [nginx]",
                     "after-calls: [constant(0.1000ms)]",
                     "process-lock: true", "service: exponential(2.0000ms)", "fill: constant(0.0100ms)",
                     "local-latency: constant(0.0300ms)", "duration: 110s"]:
            self.assertIn(line, text)



def stack_tool():
    """tools/validate/stack as a module (it has no .py suffix)."""
    import importlib.machinery
    import importlib.util
    loader = importlib.machinery.SourceFileLoader("validate_stack", os.path.join(HERE, "stack"))
    spec = importlib.util.spec_from_loader("validate_stack", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


class CalibrationTests(unittest.TestCase):
    """The model's parameters from a recorded CPU window and round trips (seconds per request)."""

    def window(self, rate):
        return {"rate": rate, "requests": 1000, "errors": 0, "hits": 600, "misses": 400, "commands": 1400,
                "per_request_cpu": {"app-1": 0.0012, "app-2": 0.0012, "loadgen": 0.0003, "nginx": 0.0001,
                                    "postgres": 0.0001, "redis": 0.0001},
                "redis_cpu": 0.1, "postgres_cpu": 0.08, "mean_latency": 0.003, "other_cores": 0.5, "loadavg": 3.0}

    def test_parameters_from_one_window(self):
        tool = stack_tool()
        args = type("Args", (), {"priority": "realtime", "keys": 100, "zipf": 1.0, "ttl": 10, "burn_ms": 2.0})()
        rt = {"redis": {"rtt": 50e-6, "client": 20e-6, "server": 10e-6},
              "postgres": {"rtt": 90e-6, "client": 30e-6, "server": 40e-6}}
        c = tool.calibration(rt, self.window(300), args)
        self.assertAlmostEqual(c["miss_ratio"], 0.4)
        # A GET per request and, on a miss, a SELECT and a SET: 20 us × 1.4 + 30 us × 0.4.
        self.assertAlmostEqual(c["app_call_cost"], 20e-6 * 1.4 + 30e-6 * 0.4)
        self.assertAlmostEqual(c["app"], 0.0024)
        self.assertAlmostEqual(c["app_rest"], 0.0024 - 0.002 - c["app_call_cost"])
        self.assertAlmostEqual(c["redis_op"], 0.1 / 1400)
        self.assertAlmostEqual(c["pg_select"], 0.08 / 400)
        self.assertAlmostEqual(c["one_way"], (50e-6 - 10e-6 - 20e-6) / 2)
        self.assertAlmostEqual(c["cpu_per_request"], 0.0030)
        # Capacity: 2 cores ÷ 3 ms = 667/s, or 2 locks ÷ 2.4 ms = 833/s: the cores.
        self.assertAlmostEqual(c["capacity"], 2 / 0.0030)
        self.assertEqual(c["scheduling"], "fifo")

    def test_report_shows_each_prediction_with_its_error(self):
        tool = stack_tool()
        args = type("Args", (), {"repetitions": 1, "priority": "realtime"})()
        c = {"calibration": {"rate": 100}, "cpu_per_request": 0.003, "other_cores": 0.1, "cores": 2, "loadavg": 1.0,
             "at_load": {"0.3": {"cpu_per_request": 0.0028}}}
        real = [{"mean": 0.004, "p50": 0.003, "p90": 0.008, "p99": 0.020, "others": 0.2, "loadavg": 1.5, "send_lag": 0.0003}]
        same = [{"mean": 0.004, "p50": 0.003, "p90": 0.008, "p99": 0.020}]
        half = [{"mean": 0.002, "p50": 0.0015, "p90": 0.004, "p99": 0.010}]
        table = tool.report([(0.3, 200.0, real, [("sdsim", same), ("sdsim, calibrated at 100/s", half)])], c, 666.0, args)
        self.assertIn("at each load 30%: 2.80", table)
        self.assertIn("| 30% | 200/s | real | 4.00 ± 0.00 | 3.00 ± 0.00 | 8.00 ± 0.00 | 20.00 ± 0.00 |", table)
        self.assertIn("| | | sdsim | 4.00 ± 0.00 |", table)
        self.assertIn("| | | error | +0% | +0% | +0% | +0% |", table)
        self.assertIn("| | | error | -50% | -50% | -50% | -50% |", table)
        self.assertIn("0.300", table)   # the send lag, ms

if __name__ == "__main__":
    unittest.main()
