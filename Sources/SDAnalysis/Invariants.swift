import SDConfig
import SDEngine
import SDMetrics
import SDModels

/// The invariants a finished run must satisfy, checked from outside the models (the way
/// TigerBeetle's state checker sits beside its replicas): every request and every message is
/// accounted for exactly once, and, optionally, Little's law holds at every station.
///
/// The ledgers are exact: a violation is a bug of ours, and ``Runner`` stops the run with the seed
/// and a command that reproduces it. Little's law is statistical (edge effects of a finite window),
/// so it is checked only when asked (`sdsim run --check`, and the tests).
public enum Invariants {
    /// One broken invariant: where, and what the numbers were.
    public struct Violation: Sendable, Equatable, CustomStringConvertible {
        /// The workload, queue or component it concerns.
        public var subject: String
        /// What does not add up, with the figures.
        public var problem: String
        public var description: String { "\(subject): \(problem)" }
    }

    /// The request ledger of every workload, `arrived = completed + failed + in flight`, where
    /// in flight is counted from the live request records, and every count is non-negative.
    public static func requestLedgers(_ r: RunResult) -> [Violation] {
        r.workloads.compactMap { w in
            let accounted = w.completed + w.failed + w.inFlight
            guard accounted != w.arrived || w.inFlight < 0 || w.completed < 0 || w.failed < 0 else { return nil }
            return Violation(subject: "workload '\(w.name)'", problem: "ledger: \(w.arrived) arrived but \(w.completed) completed + "
                             + "\(w.failed) failed + \(w.inFlight) in flight = \(accounted)")
        }
    }

    /// The message ledger of every queue in `model`: each message enqueued is acknowledged,
    /// dead-lettered, waiting or in flight, and the running counts match the message table.
    public static func messageLedgers(_ model: Model) -> [Violation] {
        model.nodes.compactMap { $0 as? MessageQueue }.flatMap { q in
            q.ledger().problems.map { Violation(subject: "queue '\(q.name)'", problem: "ledger: " + $0) }
        }
    }

    /// The exact invariants of one finished run.
    public static func exact(_ model: Model, _ r: RunResult) -> [Violation] {
        requestLedgers(r) + messageLedgers(model)
    }

    /// Little's law at every station that queues (L_q = X·W_q, the mean number waiting against
    /// throughput times mean wait), for rows with at least `minimumCompletions` completions.
    /// Over a finite window the two sides differ by the requests waiting at its edges, so the
    /// tolerance is relative (`relative`) with an absolute floor of one request per window
    /// (1 / window seconds): a real violation (a wait that is not counted, a queue that is
    /// not sampled) is off by far more.
    public static func littlesLaw(_ r: RunResult, relative: Double = 0.05, minimumCompletions: Int = 1_000) -> [Violation] {
        let window = r.measuredSeconds
        return r.components.compactMap { c in
            guard !c.isGroup, c.workers > 0, c.completed >= minimumCompletions,
                  c.queueLengthMean.isFinite, c.waitMean.isFinite, c.throughput.isFinite else { return nil }
            let l = c.queueLengthMean, xw = c.throughput * c.waitMean
            let tolerance = relative * max(l, xw) + 1 / window
            guard abs(l - xw) > tolerance else { return nil }
            return Violation(subject: "component '\(c.name)'",
                             problem: "Little's law: mean queue \(l) but throughput × mean wait = \(c.throughput) × \(c.waitMean) = \(xw)")
        }
    }

    /// The text that reports `violations` of the run of `scenario` with `seed`, with the command
    /// that reproduces it.
    public static func report(_ violations: [Violation], scenario: String, seed: UInt64) -> String {
        "invariant broken in scenario '\(scenario)' with seed \(seed):\n"
            + violations.map { "  " + $0.description }.joined(separator: "\n")
            + "\nreproduce: sdsim run <the scenario file of '\(scenario)'> --seed \(seed) --check"
    }
}
