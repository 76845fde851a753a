import SDConfig

/// Plain values that the load analyses (``OfferedLoad``, ``StabilityCheck``, ``BottleneckAnalysis``)
/// attach to a ``RunResult``. They hold numbers and names only, so that reports (text, JSON, HTML,
/// the results database) can show them without knowing how they were computed.

/// How one of the operational laws compares with what the run measured.
public struct LawCheck: Sendable, Equatable {
    /// The value the law gives from the other measured quantities.
    public var expected: Double
    /// The value measured directly.
    public var measured: Double

    /// A check.
    public init(expected: Double, measured: Double) { self.expected = expected; self.measured = measured }

    /// Relative deviation (measured − expected) / expected; 0 when both are (nearly) zero.
    public var deviation: Double {
        if abs(expected) < 1e-12 { return abs(measured) < 1e-12 ? 0 : .infinity }
        return (measured - expected) / expected
    }

    /// Whether the law holds within ``LawCheck/tolerance`` (or both sides are tiny).
    public var holds: Bool { abs(measured - expected) <= LawCheck.tolerance * max(abs(expected), 1e-3) }

    /// Relative tolerance of the checks: 10%. The laws are exact for the measured quantities of a run
    /// that ends empty; they drift by the work left in progress at the end, and by sampling noise.
    public static let tolerance = 0.10
}

/// The load on one component group (or a database's primaries or replicas) or one machine instance.
public struct LoadRow: Sendable, Equatable {
    /// The group (`app`), a database role (`db.primary`, `db.replica`) or a machine instance (`web-8`).
    public var name: String
    /// The component kind, `primary`/`replica` for a database's stations, or `machine`.
    public var kind: String
    /// Servers working in parallel: workers × replicas (× shards), or a machine's cores.
    public var servers: Int
    /// Visits per system request (the forced-flow law's V), from the configuration; nil when the
    /// analysis has no static model for what reaches it (behind a queue, a keyed cache before the run).
    public var visits: Double?
    /// Mean service time of one visit, in seconds (for a machine: CPU seconds at its speed); nil when unknown.
    public var serviceTime: Double?
    /// Demand per system request on one server, in seconds: V × S ÷ servers (the configuration's),
    /// or, without a static model, the measured utilization ÷ the system's throughput.
    public var demand: Double
    /// Whether ``demand`` comes from the measurements rather than the configuration.
    public var demandMeasured: Bool
    /// Offered load per server (ρ = λ × demand) at the workloads' arrival rates.
    public var offeredLoad: Double
    /// Whether its waiting room is bounded (`queue-limit`): at ρ ≥ 1 it then turns the excess away
    /// and still has a steady state. A machine is bounded when every component on it is.
    public var bounded = false
    /// Measured mean utilization of one server (nil before the run, or without workers).
    public var utilization: Double?
    /// Measured completions per second (nil before the run or for a machine).
    public var throughput: Double?
    /// Utilization law U = X × S ÷ servers: expected from the measured throughput and the configured service time.
    public var utilizationLaw: LawCheck?
    /// Little's law for the waiting room, Lq = λ × Wq: expected from the measured arrival rate and mean wait.
    public var littlesLaw: LawCheck?
    /// Forced-flow law X_k = V_k × X_0: expected from the visits and the system's measured arrival rate.
    public var forcedFlowLaw: LawCheck?

    /// A row.
    public init(name: String, kind: String, servers: Int, visits: Double?, serviceTime: Double?, demand: Double,
                demandMeasured: Bool, offeredLoad: Double) {
        self.name = name; self.kind = kind; self.servers = servers; self.visits = visits; self.serviceTime = serviceTime
        self.demand = demand; self.demandMeasured = demandMeasured; self.offeredLoad = offeredLoad
    }
}

/// Whether a run had a steady state, and if not, why.
public struct StabilityVerdict: Sendable, Equatable {
    public static func == (a: StabilityVerdict, b: StabilityVerdict) -> Bool {
        a.steady == b.steady && a.reasons == b.reasons && a.inFlightFraction == b.inFlightFraction
            && a.overloaded.map(\.name) == b.overloaded.map(\.name) && a.overloaded.map(\.load) == b.overloaded.map(\.load)
            && a.backlogGrowthPerSecond == b.backlogGrowthPerSecond && a.scriptedChanges == b.scriptedChanges
    }

    /// Changes the scenario itself makes during the measured window (a workload that starts or
    /// stops, an autoscaler's changes), one sentence each. The run is a designed transient: its
    /// confidence intervals are marked unreliable, but its expectations are still checked.
    public var scriptedChanges: [String] = []

    /// False when the run has no steady state: its means and confidence intervals describe a
    /// transient that depends on the run's length, and are marked unreliable.
    public var steady: Bool { reasons.isEmpty }
    /// Why there is no steady state, one sentence each (empty when steady).
    public var reasons: [String] = []
    /// Components and machines whose offered load is at or above 1, with that load, highest first.
    public var overloaded: [(name: String, load: Double)] = []
    /// Requests still in flight at the end, as a fraction of the measured arrivals (all workloads).
    public var inFlightFraction: Double = 0
    /// How fast the requests in flight grew over the measured window (least-squares slope, per
    /// second, summed over workloads); nil without samples.
    public var backlogGrowthPerSecond: Double?

    /// A verdict.
    public init() {}
}

/// The bottleneck analysis of a run: every demand, the bottleneck, the throughput ceiling.
public struct BottleneckReport: Sendable, Equatable {
    /// One row per component group (a database: one for its primaries, one for its replicas) and per
    /// machine instance, in declaration order, machines last.
    public var rows: [LoadRow]
    /// The system's measured throughput (arrivals per second after the warm-up, all workloads).
    public var throughput: Double
    /// The row with the highest demand (first on a tie); nil when no row has any demand.
    public var busiest: String?
    /// The bottleneck: ``busiest`` when its load reaches ``BottleneckReport/threshold``; nil when
    /// there is no bottleneck at this load.
    public var bottleneck: String?
    /// The highest demand, in seconds per system request.
    public var maxDemand: Double
    /// Throughput ceiling 1 / D_max, in system requests per second, with the same mix of requests.
    public var ceiling: Double
    /// How much more traffic the ceiling leaves: ceiling ÷ throughput − 1 (negative when overloaded).
    public var headroom: Double
    /// What to change, worded from the numbers.
    public var advice: String

    /// Below this load (per server) the busiest component is not called a bottleneck.
    public static let threshold = 0.5
    /// The utilization that sizing advice aims at.
    public static let target = 0.7

    /// A report.
    public init(rows: [LoadRow], throughput: Double, busiest: String?, bottleneck: String?, maxDemand: Double,
                ceiling: Double, headroom: Double, advice: String) {
        self.rows = rows; self.throughput = throughput; self.busiest = busiest; self.bottleneck = bottleneck
        self.maxDemand = maxDemand; self.ceiling = ceiling; self.headroom = headroom; self.advice = advice
    }
}
