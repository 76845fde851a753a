import SDMetrics
import SDModels
import SDConfig
import SDAnalysis

/// Hand-built results shared by the report tests.
enum Fixtures {
    static func latency(mean: Double, lo: Double, hi: Double, p50: Double, p90: Double, p99: Double,
                        p999: Double, max: Double, count: Int, outOfRange: Int = 0) -> LatencySummary {
        LatencySummary(count: count, mean: mean, meanCI95: ConfidenceInterval(low: lo, high: hi), p50: p50,
                       p90: p90, p99: p99, p999: p999, max: max, outOfRange: outOfRange)
    }

    static func component(_ name: String, kind: String = "server", group: String? = nil, isGroup: Bool = false,
                          workers: Int = 4, utilization: Double, throughput: Double, queue: Double = 0.25,
                          wait: Double = 0.0021, response: Double = 0.0125, hit: Double? = nil,
                          arrived: Int = 1000, completed: Int = 990, rejected: Int = 0) -> ComponentResult {
        ComponentResult(name: name, kind: kind, group: group, isGroup: isGroup, workers: workers,
                        utilization: utilization, throughput: throughput, queueLengthMean: queue,
                        waitMean: wait, responseMean: response, hitRatio: hit, arrived: arrived,
                        completed: completed, rejected: rejected)
    }

    /// A three-tier system: a load balancer, two app replicas (plus their group row), a cache and a database.
    static func threeTier() -> RunResult {
        RunResult(
            scenario: "three-tier", seed: 7, simulatedSeconds: 120, warmupSeconds: 10, events: 1_234_567,
            replications: 1,
            workloads: [
                WorkloadResult(name: "feed-read", arrived: 264_000, completed: 263_990, failed: 0,
                               latency: latency(mean: 0.0176, lo: 0.0174, hi: 0.0178, p50: 0.0152, p90: 0.0301,
                                                p99: 0.0623, p999: 0.0999, max: 0.25, count: 263_990)),
                WorkloadResult(name: "post-write", arrived: 12_000, completed: 11_900, failed: 95,
                               latency: latency(mean: 1.5, lo: 1.25, hi: 1.75, p50: 0.000_85, p90: 2.5e-7,
                                                p99: 3, p999: 12.5, max: 1234.5, count: 11_900, outOfRange: 3)),
            ],
            components: [
                component("lb", kind: "load-balancer", workers: 0, utilization: 0, throughput: 2400,
                          queue: 0, wait: 0, response: 0, arrived: 288_000, completed: 288_000),
                component("app-1", group: "app", utilization: 0.7512, throughput: 600.24),
                component("app-2", group: "app", utilization: 0.7488, throughput: 599.76, rejected: 12),
                component("app", group: nil, isGroup: true, utilization: 0.75, throughput: 1200),
                component("cache", kind: "cache", workers: 2, utilization: 0.1, throughput: 1200,
                          queue: 0.01, wait: 0.000_001_5, response: 0.000_5, hit: 0.8),
                component("db", workers: 8, utilization: 0.753, throughput: 240.5, queue: 1234.5678,
                          wait: 0.0456, response: 0.0789),
            ])
    }
}
