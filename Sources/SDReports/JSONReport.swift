import SDModels
import SDMetrics
import SDConfig
import SDAnalysis

/// The machine-readable report of a run: one pretty-printed JSON document.
///
/// Shape (keys in this order; times in seconds as floating-point numbers):
/// ```
/// { "scenario", "partial" and "stopped_early" (only for a run stopped before its end), "lesson" (when the scenario has one), "seed", "simulated_seconds", "warmup_seconds", "events", "replications",
///   "workload": { "<name>": { "arrived", "completed", "failed", "in_flight",
///       "failed_by": { "<reason>": n }, "retries", "late_replies", "arrived_by_type": { "<type>": n }, "bytes",
///       "availability", "availability_series": [a, …] (per slice; null where nothing finished),
///       "series": { "<name>": { "start", "interval", "values": [x or null, …] } } with "throughput"
///                   (req/s), "latency_mean", "latency_p50", "latency_p99" (s, within 6.25%), per slice of
///                   the measured window by arrival time,
///       "latency": { "count", "mean", "mean_ci95": [lo, hi], "p50", "p90", "p99", "p999", "max",
///                    "out_of_range" } } },
///   "components": { "<name>": { "kind", "group" (instances of a replicated group only),
///       "is_group": true (group rows only), "workers", "utilization", "throughput",
///       "queue_length_mean", "wait_mean", "response_mean", "hit_ratio" (caches only),
///       "arrived", "completed", "rejected", "target_shares": { "<replica>": f } (load balancers),
///       "keys_moved_on_add" (hash load balancers), then per-kind extras,
///       "series": { "<name>": { "start", "interval", "values": [x, …] } } (stations: "utilization" and
///       "queue_length" averaged over each slice; message queues: sampled "depth") } },
///   "network": { "ingress_bytes", "egress_bytes", "egress_bytes_per_second", "egress_cost",
///       "egress_cost_per_month", "edge_bytes" (bytes CDN edges delivered, when any) } (when links are configured),
///   "storage": { "<component>": { "kind", "start_bytes", "end_bytes", "window_bytes", "growth_bytes_per_second",
///       "cycle_factor", "per_month", "per_year", "copies", "per_year_all_copies", "estimate_per_month" } }
///       (databases and object stores),
///   "autoscaling": { "<group>": { "min", "max", "interval", "cooldown", the rule, "initial_replicas", "actions",
///       "series" } } (with `autoscale:`; see `JSONReport.autoscaling`),
///   "machines", "cost_per_hour", "cost_of_run" (when components are placed on machines),
///   "expectations": [ { "expect", "value", "passed", "problem" (when unmeasurable) } ],
///   "expectations_passed" (when the scenario has expectations) }
/// ```
/// Workloads and components appear in the order of the `RunResult` arrays. Non-finite numbers
/// are written as `null`. Equal inputs give byte-identical output.
public enum JSONReport {
    /// The report of `r` as one JSON document followed by a newline.
    public static func render(_ r: RunResult) -> String {
        value(r).rendered(indent: 2) + "\n"
    }

    /// The report of `r` as a JSON value, for callers that embed it in a larger document.
    public static func value(_ r: RunResult) -> JSONValue {
        .object([("scenario", .string(r.scenario))]
            + (r.stoppedEarly.map { [("partial", JSONValue.bool(true)), ("stopped_early", JSONValue.string($0))] } ?? [])
            + (r.lesson.map { [("lesson", JSONValue.string($0))] } ?? []) + [
            ("seed", .uint(r.seed)),
            ("simulated_seconds", .double(r.simulatedSeconds)),
            ("warmup_seconds", .double(r.warmupSeconds)),
            ("events", .integer(r.events)),
            ("replications", .integer(r.replications)),
            ("steady_state", .bool(r.intervalsReliable)),
            ("workload", .object(r.workloads.map { ($0.name, workload($0, reliable: r.intervalsReliable)) })),
            ("components", .object(r.components.map { ($0.name, component($0)) })),
        ] + (r.population.map { p in [("population", population(p))] } ?? [])
            + (r.network.map { n in [("network", network(n))] } ?? [])
            + (r.storage.isEmpty ? [] : [("storage", .object(r.storage.map { ($0.component, storage($0)) }))])
            + (r.autoscaling.isEmpty ? [] : [("autoscaling", autoscaling(r.autoscaling))])
            + (r.machines.isEmpty ? [] : [
            ("machines", .object(r.machines.map { ($0.name, machine($0)) })),
            ("cost_per_hour", .double(r.costPerHour)),
            ("cost_of_run", .double(r.costPerHour * r.simulatedSeconds / 3600)),
        ]) + (r.stability.map { [("stability", stability($0))] } ?? [])
          + (r.bottleneck.map { [("bottleneck", bottleneck($0))] } ?? []) + (r.expectations.isEmpty ? [] : [
            ("expectations", .array(r.expectations.map(expectation))),
            ("expectations_passed", .bool(r.expectationsHold)),
        ]))
    }

    static func expectation(_ o: ExpectationOutcome) -> JSONValue {
        .object([
            ("expect", .string(o.expectation.text)),
            ("value", o.value.map(JSONValue.double) ?? .null),
            ("passed", .bool(o.passed)),
        ] + (o.problem.map { [("problem", JSONValue.string($0))] } ?? []))
    }

    static func storage(_ g: StorageGrowth) -> JSONValue {
        .object([
            ("kind", .string(g.kind)),
            ("start_bytes", .double(g.startBytes)),
            ("end_bytes", .double(g.endBytes)),
            ("window_bytes", .double(g.windowBytes)),
            ("growth_bytes_per_second", .double(g.growthRate)),
            ("cycle_factor", .double(g.cycleFactor)),
            ("per_month", .double(g.perMonth)),
            ("per_year", .double(g.perYear)),
            ("copies", .integer(g.copies)),
            ("per_year_all_copies", .double(g.perYearAllCopies)),
            ("estimate_per_month", g.estimatePerMonth.map { .double($0) } ?? .null),
        ])
    }

    static func network(_ n: NetworkSummary) -> JSONValue {
        .object([
            ("ingress_bytes", .double(n.ingressBytes)),
            ("egress_bytes", .double(n.egressBytes)),
            ("egress_bytes_per_second", .double(n.egressRate)),
            ("egress_cost", n.egressCost.map { .double($0) } ?? .null),
            ("egress_cost_per_month", n.egressCostPerMonth.map { .double($0) } ?? .null),
        ] + (n.edgeBytes > 0 ? [("edge_bytes", .double(n.edgeBytes))] : []))
    }

    static func population(_ p: PopulationSummary) -> JSONValue {
        .object([
            ("users", .uint(p.users)),
            ("daily_active_users", .double(p.dailyActiveUsers)),
            ("reads", .integer(p.reads)),
            ("writes", .integer(p.writes)),
            ("read_to_write", p.readToWrite.map { .double($0) } ?? .null),
            ("read_to_write_theory", p.readToWriteTheory.map { .double($0) } ?? .null),
        ])
    }

    static func machine(_ m: MachineResult) -> JSONValue {
        .object([
            ("type", .string(m.type)),
            ("cores", .integer(m.cores)),
            ("speed", .double(m.speed)),
            ("memory_bytes", .double(m.memory)),
            ("cost_per_hour", .double(m.costPerHour)),
            ("utilization", .double(m.utilization)),
            ("demand", .double(m.demand)),
            ("components", .array(m.components.map { .string($0) })),
        ])
    }

    /// Series as `{ "<name>": { "start", "interval", "values": [x, …] } }` (NaN written as null).
    static func series(_ list: [Series]) -> JSONValue {
        .object(list.map { ($0.name, series($0)) })
    }

    /// Whether the run had a steady state and why not.
    static func stability(_ v: StabilityVerdict) -> JSONValue {
        .object([
            ("steady_state", .bool(v.steady)),
            ("reasons", .array(v.reasons.map { .string($0) })),
            ("overloaded", .object(v.overloaded.map { ($0.name, .double($0.load)) })),
            ("in_flight_fraction", .double(v.inFlightFraction)),
            ("backlog_growth_per_second", v.backlogGrowthPerSecond.map { .double($0) } ?? .null),
        ] + (v.scriptedChanges.isEmpty ? [] : [("scripted_changes", .array(v.scriptedChanges.map { .string($0) }))]))
    }

    /// The bottleneck analysis: one entry per component group (database roles) and machine.
    static func bottleneck(_ b: BottleneckReport) -> JSONValue {
        func law(_ c: LawCheck?) -> JSONValue {
            guard let c else { return .null }
            return .object([("expected", .double(c.expected)), ("measured", .double(c.measured)), ("holds", .bool(c.holds))])
        }
        return .object([
            ("bottleneck", b.bottleneck.map { .string($0) } ?? .null),
            ("busiest", b.busiest.map { .string($0) } ?? .null),
            ("max_demand", .double(b.maxDemand)),
            ("throughput", .double(b.throughput)),
            ("throughput_ceiling", .double(b.ceiling)),
            ("headroom", .double(b.headroom)),
            ("threshold", .double(BottleneckReport.threshold)),
            ("advice", .string(b.advice)),
            ("demands", .object(b.rows.map { row in
                (row.name, .object([
                    ("kind", .string(row.kind)),
                    ("servers", .integer(row.servers)),
                    ("visits", row.visits.map { .double($0) } ?? .null),
                    ("service_time", row.serviceTime.map { .double($0) } ?? .null),
                    ("demand", .double(row.demand)),
                    ("demand_measured", .bool(row.demandMeasured)),
                    ("offered_load", .double(row.offeredLoad)),
                    ("utilization", row.utilization.map { .double($0) } ?? .null),
                    ("throughput", row.throughput.map { .double($0) } ?? .null),
                    ("utilization_law", law(row.utilizationLaw)),
                    ("littles_law", law(row.littlesLaw)),
                    ("forced_flow_law", law(row.forcedFlowLaw)),
                ]))
            })),
        ])
    }

    /// A workload's latency summary; with no completed request every figure is `null` (a mean of
    /// nothing is not zero).
    static func latency(_ l: LatencySummary, reliable: Bool = true) -> JSONValue {
        let none = l.count == 0
        func v(_ x: Double) -> JSONValue { none ? .null : .double(x) }
        return .object([
            ("count", .integer(l.count)),
            ("mean", v(l.mean)),
            ("mean_ci95", none ? .null : .array([.double(l.meanCI95.low), .double(l.meanCI95.high)])),
            ("mean_ci95_reliable", .bool(reliable && !none)),
            ("p50", v(l.p50)),
            ("p90", v(l.p90)),
            ("p99", v(l.p99)),
            ("p999", v(l.p999)),
            ("max", v(l.max)),
            ("out_of_range", .integer(l.outOfRange)),
        ])
    }

    static func workload(_ w: WorkloadResult, reliable: Bool = true) -> JSONValue {
        let l = w.latency
        return .object([
            ("arrived", .integer(w.arrived)),
            ("completed", .integer(w.completed)),
            ("failed", .integer(w.failed)),
            ("in_flight", .integer(w.inFlight)),
            ("failed_by", .object(w.failedBy.map { ($0.reason, .integer($0.count)) })),
            ("retries", .integer(w.retries)),
            ("late_replies", .integer(w.lateReplies)),
            ("arrived_by_type", .object(w.arrivedByType.map { ($0.type, .integer($0.count)) })),
        ] + (w.arrivedByRegion.isEmpty ? [] : [("arrived_by_region", JSONValue.object(w.arrivedByRegion.map { ($0.region, .integer($0.count)) }))]) + [
            ("bytes", .double(w.bytes)),
            ("availability", .double(w.availability)),
        ] + (w.availabilityTheory.map { [("availability_theory", JSONValue.double($0))] } ?? []) + [
            ("availability_series", .array(w.availabilitySeries.map { $0.map(JSONValue.double) ?? .null })),
        ] + (w.series.isEmpty ? [] : [("series", series(w.series))]) + [
            ("latency", latency(l, reliable: reliable)),
        ] + (w.focus.map { f in [("focus", JSONValue.object([
            ("arrived", .integer(f.arrived)), ("completed", .integer(f.completed)), ("failed", .integer(f.failed)),
            ("availability", .double(f.availability)), ("p99", .double(f.p99)),
        ]))] } ?? []))
    }

    static func component(_ c: ComponentResult) -> JSONValue {
        var members: [(String, JSONValue)] = [("kind", .string(c.kind))]
        if let g = c.group { members.append(("group", .string(g))) }
        if c.isGroup { members.append(("is_group", .bool(true))) }
        members += [
            ("workers", .integer(c.workers)),
            ("utilization", .double(c.utilization)),
            ("throughput", .double(c.throughput)),
            ("queue_length_mean", .double(c.queueLengthMean)),
            ("wait_mean", .double(c.waitMean)),
            ("response_mean", .double(c.responseMean)),
        ]
        if let h = c.hitRatio { members.append(("hit_ratio", .double(h))) }
        members += [
            ("arrived", .integer(c.arrived)),
            ("completed", .integer(c.completed)),
            ("rejected", .integer(c.rejected)),
        ]
        if !c.targetShares.isEmpty {
            members.append(("target_shares", .object(c.targetShares.map { ($0.name, .double($0.share)) })))
        }
        if let moved = c.keysMovedOnAdd { members.append(("keys_moved_on_add", .double(moved))) }
        for (name, value) in c.extra { members.append((name, .double(value))) }
        if !c.series.isEmpty {
            members.append(("series", series(c.series)))
        }
        return .object(members)
    }
}
