import SDEngine

/// One thing that goes wrong, as a scenario's `failures:` section describes it.
public enum FailureAction: Sendable, Equatable {
    /// A component group (every replica) or one instance (`app-2`) crashes; or a part of one
    /// (`db.primary`: every shard's primary; `db.shard-2.primary`: one shard's). A crash of a whole
    /// database is a crash of its primaries.
    case crash(String)
    /// A crashed component or instance comes back.
    case restart(String)
    /// Service times of a component are multiplied by `factor`: a gray failure health checks miss.
    case slow(String, factor: Double)
    /// The network splits: components on different sides cannot reach each other.
    case partition([[String]])
    /// Every hop to or from a component takes `extra` longer.
    case latencySpike(String, extra: Distribution)
    /// A cache loses its contents.
    case flush(String)
    /// Every component in a zone crashes at once.
    case zoneOutage(String)
    /// A dispatcher's worker (`notifier.worker-2`), or all its workers, stop for a while without
    /// crashing (a GC pause, a frozen VM): no heartbeats, no work; then they carry on where they were.
    case pause(String)
}

/// A failure at a fixed time, for a while (or, without `duration`, until the run ends or a `restart`).
public struct FailureEvent: Sendable, Equatable {
    /// When it starts, from the beginning of the run.
    public var at: SimDuration
    /// What happens.
    public var action: FailureAction
    /// How long it lasts (nil: until the end, or until a restart for crashes).
    public var duration: SimDuration?

    /// A scheduled failure.
    public init(at: SimDuration, action: FailureAction, duration: SimDuration? = nil) {
        self.at = at; self.action = action; self.duration = duration
    }
}

/// Failures that come and go at random, per replica: up for a time drawn from `mttf`, then down
/// for a time drawn from `mttr`, over and over.
public struct RandomFailure: Sendable, Equatable {
    /// A component group (each replica fails on its own) or one instance.
    public var target: String
    /// Time to failure (its mean is the MTTF).
    public var mttf: Distribution
    /// Time to repair (its mean is the MTTR).
    public var mttr: Distribution

    /// A random failure process.
    public init(target: String, mttf: Distribution, mttr: Distribution) {
        self.target = target; self.mttf = mttf; self.mttr = mttr
    }

    /// Steady-state availability of one replica: MTTF / (MTTF + MTTR).
    public var availability: Double? {
        guard let f = mttf.mean, let r = mttr.mean, f + r > 0 else { return nil }
        return f / (f + r)
    }
}

/// How a load balancer finds out that a replica is down: it probes each replica every `interval`;
/// a probe of a dead replica fails after `timeout`, and only then does the balancer stop sending
/// to it. A probe of a live replica marks it up again at once.
public struct HealthCheck: Sendable, Equatable {
    /// Time between probes of one replica.
    public var interval: SimDuration
    /// How long a probe waits before declaring the replica dead.
    public var timeout: SimDuration

    /// A health check.
    public init(interval: SimDuration, timeout: SimDuration) { self.interval = interval; self.timeout = timeout }
}
