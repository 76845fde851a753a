#!/usr/bin/env python3
"""M/M/1 queue in SimPy: arrivals at rate 0.5/s, one server with exponential service (mean 1 s).

Theory: utilisation 0.5, mean sojourn (wait + service) 1 / (mu - lambda) = 2.0 s.
Prints one line:
  peer=simpy customers=N events=2N wall_s=... customers_per_s=... events_per_s=... mean_sojourn_s=...
Events are counted as 2 per customer (arrival + departure), not as SimPy counts them internally.
wall_s covers building the model and running it to the last departure.
"""
import argparse
import random
import time

import simpy

ARRIVAL_RATE = 0.5
SERVICE_RATE = 1.0


def run(customers: int, seed: int) -> tuple[float, int, float]:
    arrivals = random.Random(seed)
    services = random.Random(seed + 1)
    env = simpy.Environment()
    server = simpy.Resource(env, capacity=1)
    totals = [0.0, 0]  # sum of sojourn times, customers done

    def customer(env, server, service_time):
        arrived = env.now
        with server.request() as req:
            yield req
            yield env.timeout(service_time)
        totals[0] += env.now - arrived
        totals[1] += 1

    def source(env, server):
        for _ in range(customers):
            yield env.timeout(arrivals.expovariate(ARRIVAL_RATE))
            env.process(customer(env, server, services.expovariate(SERVICE_RATE)))

    start = time.perf_counter()
    env.process(source(env, server))
    env.run()
    wall = time.perf_counter() - start
    return wall, totals[1], totals[0] / totals[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    wall, done, mean = run(args.customers, args.seed)
    print(f"peer=simpy customers={done} events={2 * done} wall_s={wall:.3f} "
          f"customers_per_s={done / wall:.0f} events_per_s={2 * done / wall:.0f} "
          f"mean_sojourn_s={mean:.4f}")


if __name__ == "__main__":
    main()
