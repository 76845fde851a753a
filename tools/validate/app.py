"""The application of the validation stack: a Python ThreadingHTTPServer. Each request burns CPU
(exponential, mean --burn-ms), reads a Zipf-distributed key from Redis and, on a miss, selects it
from PostgreSQL by key and stores it in Redis with a --ttl expiry (cache-aside)."""
import argparse
import bisect
import http.server
import random
import sys
import threading
import time

sys.path.insert(0, __import__("os").path.dirname(__file__))
import wire  # noqa: E402


def zipf_cdf(n, s):
    weights = [1.0 / (k ** s) for k in range(1, n + 1)]
    total, acc, cdf = sum(weights), 0.0, []
    for w in weights:
        acc += w
        cdf.append(acc / total)
    return cdf


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--redis-port", type=int, required=True)
    ap.add_argument("--pg-port", type=int, required=True)
    ap.add_argument("--keys", type=int, default=10000)
    ap.add_argument("--zipf", type=float, default=1.0)
    ap.add_argument("--burn-ms", type=float, default=2.0)
    ap.add_argument("--ttl", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    cdf = zipf_cdf(args.keys, args.zipf)
    rng_lock = threading.Lock()
    rng = random.Random(args.seed)
    local = threading.local()
    burn_mean = args.burn_ms / 1000.0

    def connections():
        if not hasattr(local, "redis"):
            local.redis = wire.Redis(args.redis_port)
            local.pg = wire.Postgres(args.pg_port)
        return local.redis, local.pg

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in separate writes; with Nagle's algorithm on, the body waits for
        # nginx's delayed ACK (40 ms on Linux) — a stall no real server has.
        disable_nagle_algorithm = True

        def log_message(self, *a):
            pass

        def do_GET(self):
            with rng_lock:
                burn = rng.expovariate(1.0 / burn_mean)
                key = bisect.bisect_left(cdf, rng.random()) + 1
            end = time.thread_time() + burn
            while time.thread_time() < end:
                pass
            redis, pg = connections()
            value = redis.command("GET", "k:%d" % key)
            hit = value is not None
            if not hit:
                rows = pg.query("SELECT v FROM kv WHERE k = %d" % key)
                value = rows[0][0] if rows else b""
                redis.command("SET", "k:%d" % key, value, "EX", args.ttl)
            body = b"hit\n" if hit else b"miss\n"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(http.server.ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 1024

    server = Server(("127.0.0.1", args.port), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
