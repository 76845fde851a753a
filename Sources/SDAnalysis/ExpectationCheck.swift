import SDEngine
import SDMetrics
import SDConfig
import SDModels


extension Expectations {
    /// The measured value of `metric` for `subject` in `r`, or why there is none. Subjects are
    /// looked up as a workload, then a component row, then a machine type or instance.
    public static func measure(subject: String, metric: String, in r: RunResult) -> Result<Double, MeasureError> {
        if let w = r.workloads.first(where: { $0.name == subject }) {
            return workloadValue(metric, w).map(Result.success)
                ?? .failure(MeasureError("workload '\(subject)' has no metric '\(metric)' (metrics: \(workloadMetrics.joined(separator: ", ")), failed_by.REASON)"))
        }
        if let c = r.components.first(where: { $0.name == subject }) {
            if let x = componentValue(metric, c) { return .success(x) }
            if metric == "hit_ratio" { return .failure(MeasureError("'\(subject)' is a \(c.kind), not a cache: it has no hit_ratio")) }
            let names = componentMetrics.filter { $0 != "hit_ratio" && $0 != "keys_moved_on_add" }
                + (c.hitRatio == nil ? [] : ["hit_ratio"]) + (c.keysMovedOnAdd == nil ? [] : ["keys_moved_on_add"])
                + c.extra.map(\.name)
            return .failure(MeasureError("component '\(subject)' has no metric '\(metric)' (metrics: \(names.joined(separator: ", ")))"))
        }
        let ofType = r.machines.filter { $0.type == subject }
        let machines = ofType.isEmpty ? r.machines.filter { $0.name == subject } : ofType
        if !machines.isEmpty {
            let n = Double(machines.count)
            switch metric {
            case "cost_per_hour": return .success(machines.reduce(0) { $0 + $1.costPerHour })
            case "utilization": return .success(machines.reduce(0) { $0 + $1.utilization } / n)
            case "cores": return .success(Double(machines.reduce(0) { $0 + $1.cores }))
            case "speed": return .success(machines[0].speed)
            case "instances": return .success(n)
            default:
                return .failure(MeasureError("machine '\(subject)' has no metric '\(metric)' (metrics: \(machineMetrics.joined(separator: ", ")))"))
            }
        }
        return .failure(MeasureError("no workload, component or machine named '\(subject)' in the results"))
    }

    /// Why a value could not be measured.
    public struct MeasureError: Error, Sendable, Equatable {
        /// The reason, in lowercase.
        public var message: String
        /// An error with `message`.
        public init(_ message: String) { self.message = message }
    }

    static func workloadValue(_ metric: String, _ w: WorkloadResult) -> Double? {
        if metric.hasPrefix("failed_by.") {
            let reason = String(metric.dropFirst("failed_by.".count))
            return Double(w.failedBy.first { $0.reason == reason }?.count ?? 0)
        }
        if metric.hasPrefix("arrived_by_type.") {
            let type = String(metric.dropFirst("arrived_by_type.".count))
            return Double(w.arrivedByType.first { $0.type == type }?.count ?? 0)
        }
        let l = w.latency
        switch metric {
        case "arrived": return Double(w.arrived)
        case "completed": return Double(w.completed)
        case "failed": return Double(w.failed)
        case "in_flight": return Double(w.inFlight)
        case "retries": return Double(w.retries)
        case "late_replies": return Double(w.lateReplies)
        case "bytes": return w.bytes
        case "availability": return w.availability
        case "mean": return l.mean
        case "p50": return l.p50
        case "p90": return l.p90
        case "p99": return l.p99
        case "p999": return l.p999
        case "max": return l.max
        default: return nil
        }
    }

    static func componentValue(_ metric: String, _ c: ComponentResult) -> Double? {
        switch metric {
        case "utilization": return c.utilization
        case "throughput": return c.throughput
        case "queue_length_mean": return c.queueLengthMean
        case "wait_mean": return c.waitMean
        case "response_mean": return c.responseMean
        case "hit_ratio": return c.hitRatio
        case "arrived": return Double(c.arrived)
        case "completed": return Double(c.completed)
        case "rejected": return Double(c.rejected)
        case "workers": return Double(c.workers)
        case "keys_moved_on_add": return c.keysMovedOnAdd
        default: return c.extra.first { $0.name == metric }?.value
        }
    }

    /// Checks every expectation against `r`, in order. On a run without a steady state every
    /// expectation fails, with that reason: its figures depend on how long the run was.
    public static func evaluate(_ expectations: [Expectation], on r: RunResult) -> [ExpectationOutcome] {
        let unsteady = r.stability.flatMap { $0.steady ? nil : "no steady state: " + $0.reasons.joined(separator: "; ") }
        return expectations.map { e in
            switch measure(subject: e.subject, metric: e.metric, in: r) {
            case .success(let x) where unsteady != nil:
                return ExpectationOutcome(expectation: e, value: x, passed: false, problem: unsteady)
            case .success(let x): return ExpectationOutcome(expectation: e, value: x, passed: e.holds(for: x))
            case .failure(let why): return ExpectationOutcome(expectation: e, value: nil, passed: false, problem: why.message)
            }
        }
    }

    /// `r` with the scenario's lesson and the outcome of its expectations attached, for reports.
    public static func check(_ config: ModelConfig, _ r: RunResult) -> RunResult {
        var out = r
        out.lesson = config.lesson
        out.expectations = evaluate(config.expectations, on: r)
        return out
    }
}
