#!/usr/bin/env python3
"""M/M/1 queue in Ciw: arrivals at rate 0.5/s, one server with exponential service (mean 1 s).

Theory: utilisation 0.5, mean sojourn (wait + service) 1 / (mu - lambda) = 2.0 s.
Prints one line:
  peer=ciw customers=N events=2N wall_s=... customers_per_s=... events_per_s=... mean_sojourn_s=...
Events are counted as 2 per customer (arrival + departure), not as Ciw counts them internally.
wall_s covers building the network and simulating until N customers have completed service
(Ciw's simulate_until_max_customers, method "Complete"); reading the records afterwards is not timed.
Written against Ciw 3.x (ciw.create_network, ciw.dists.Exponential, ciw.seed).
"""
import argparse
import time

import ciw

ARRIVAL_RATE = 0.5
SERVICE_RATE = 1.0


def run(customers: int, seed: int) -> tuple[float, int, float]:
    start = time.perf_counter()
    ciw.seed(seed)
    network = ciw.create_network(
        arrival_distributions=[ciw.dists.Exponential(ARRIVAL_RATE)],
        service_distributions=[ciw.dists.Exponential(SERVICE_RATE)],
        number_of_servers=[1],
    )
    sim = ciw.Simulation(network)
    sim.simulate_until_max_customers(customers, method="Complete")
    wall = time.perf_counter() - start
    done = 0
    total = 0.0
    for individual in sim.nodes[-1].all_individuals:
        for record in individual.data_records:
            if record.record_type == "service":
                done += 1
                total += record.service_end_date - record.arrival_date
    return wall, done, total / done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    wall, done, mean = run(args.customers, args.seed)
    print(f"peer=ciw customers={done} events={2 * done} wall_s={wall:.3f} "
          f"customers_per_s={done / wall:.0f} events_per_s={2 * done / wall:.0f} "
          f"mean_sojourn_s={mean:.4f}")


if __name__ == "__main__":
    main()
