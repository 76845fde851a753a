import Foundation
import SDEngine
import SDModels

let mm1 = ModelConfig(name: "mm1", seed: 1, duration: SimDuration(seconds: 2_000_000), warmup: SimDuration(seconds: 1000),
    workloads: [WorkloadConfig(name: "jobs", arrival: .poisson(ratePerSecond: 0.5), route: ["station"])],
    components: [ComponentConfig(name: "station", kind: .server(ServerConfig(workers: 1, service: .exponential(mean: 1))))])
var t0 = Date()
var r = Runner.run(mm1)
var dt = Date().timeIntervalSince(t0)
print("mm1 events=\(r.events) wall=\(dt) ev/s=\(Double(r.events)/dt) mean=\(r.workloads[0].latency.mean) ci=\(r.workloads[0].latency.meanCI95) p99=\(r.workloads[0].latency.p99)")
print(r.components[0])
let tt = ModelConfig(name: "three-tier", seed: 7, duration: SimDuration(seconds: 120), warmup: SimDuration(seconds: 10),
    network: NetworkConfig(latency: nil),
    workloads: [WorkloadConfig(name: "feed-read", arrival: .poisson(ratePerSecond: 2400), route: ["lb", "app", "cache"])],
    components: [
        ComponentConfig(name: "lb", kind: .loadBalancer(LoadBalancerConfig(policy: .random, targets: "app"))),
        ComponentConfig(name: "app", replicas: 4, kind: .server(ServerConfig(workers: 8, service: .exponential(mean: 0.010)))),
        ComponentConfig(name: "cache", kind: .cache(CacheConfig(hitRatio: 0.8, workers: 64, service: .constant(0.0005), onMiss: "db"))),
        ComponentConfig(name: "db", kind: .server(ServerConfig(workers: 16, service: .exponential(mean: 0.025)))),
    ])
t0 = Date()
r = Runner.run(tt)
dt = Date().timeIntervalSince(t0)
print("3tier events=\(r.events) wall=\(dt) ev/s=\(Double(r.events)/dt) mean=\(r.workloads[0].latency.mean) ci=\(r.workloads[0].latency.meanCI95)")
for c in r.components { print(c.name, c.utilization, c.throughput, c.waitMean, c.responseMean, c.hitRatio ?? -1) }
var tt2 = tt; tt2.network = NetworkConfig(latency: .constant(0.00025))
t0 = Date()
r = Runner.run(tt2)
dt = Date().timeIntervalSince(t0)
print("3tier-net events=\(r.events) wall=\(dt) ev/s=\(Double(r.events)/dt) mean=\(r.workloads[0].latency.mean) ci=\(r.workloads[0].latency.meanCI95)")
