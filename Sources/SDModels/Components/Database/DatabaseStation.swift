import DequeModule
import SDEngine
import SDMetrics
import SDConfig

/// One node of a database — a shard's primary or one of its read replicas — as a queueing station
/// behind a connection pool. It is not a ``Node`` of its own: the ``Database`` moves queries
/// between its stations without network hops and drives them with its own events.
///
/// A query first needs a connection: with all `connections` taken it waits in the pool's FIFO
/// (`queueLimit` places, nil unlimited) or is turned away. A query holding a connection waits in a
/// second FIFO for one of the `workers`, then is served. Both are ``WorkerPool``s: the connection
/// pool counts arrivals and refusals, the workers waits, responses, completions and utilization. With `connections == workers` this is
/// exactly a ``Station`` (workers + one FIFO); with more connections than workers, up to
/// `connections` queries are admitted and the rest wait for a connection (M/M/c/K with c workers
/// and K connections when the pool has no queue).
final class DatabaseStation {
    /// What the node holds: the authoritative copy, or a copy that lags behind.
    enum Role { case primary, replica }

    /// Report name (`db.shard-2.replica-1`).
    let name: String
    /// Changes when a replica is promoted, or a former primary rejoins as a replica.
    var role: Role
    /// Index of the shard it belongs to.
    let shard: Int
    let workers: Int
    /// Queries admitted at once (in service or waiting for a worker).
    let connections: Int
    /// Places for queries waiting for a connection; nil is unlimited.
    let queueLimit: Int?
    /// Service times.
    let stream: RandomStream
    /// Replication lag draws (replicas only).
    let lagStream: RandomStream

    /// Crashed and not yet restarted (primaries only).
    var down = false
    /// Changes whenever the replication in flight to this node is discarded (its primary crashed,
    /// it was resynchronised): an apply event from an earlier generation is ignored.
    var generation: UInt32 = 0

    /// The connection pool: queries holding a connection, and those waiting for one (job ids).
    var pool: WorkerPool
    /// The workers: queries in service, and admitted queries waiting for a worker (job ids).
    var cpu: WorkerPool
    /// Queries waiting, for a connection or for a worker, over time.
    var queueAverage: TimeAverage

    /// Replication in flight on a replica, for one key: the newest version applied here and the
    /// newest version the primary has shipped. Stale while `applied < shipped`.
    struct Pending {
        var applied: UInt32
        var shipped: UInt32
    }
    /// Replicas only: the keys with replication in flight. A key that is not here is up to date;
    /// entries are removed as soon as they catch up, so the map holds only the keys written within
    /// the last replication lag, never every key ever written.
    var pending: [UInt64: Pending] = [:]

    init(name: String, role: Role, shard: Int, workers: Int, connections: Int, queueLimit: Int?, model: Model) {
        self.name = name; self.role = role; self.shard = shard
        self.workers = workers; self.connections = connections; self.queueLimit = queueLimit
        self.stream = model.stream(for: name)
        self.lagStream = model.stream(for: name + "#lag")
        pool = WorkerPool(workers: connections, lineLimit: queueLimit, warmupEnd: model.warmupEnd, averagesLine: false)
        cpu = WorkerPool(workers: workers, warmupEnd: model.warmupEnd, averagesLine: false)
        queueAverage = TimeAverage(start: model.warmupEnd)
    }

    /// Queries waiting, for a connection or for a worker.
    var waiting: Int { cpu.line.count + pool.line.count }

    /// The waiting figure changed at `now`.
    func waitingChanged(now: SimTime) { queueAverage.set(Double(waiting), at: now) }

    /// Accepted arrivals in the window (at the connection pool).
    var arrivals: Int { pool.arrivals }

    /// A crash: every query is gone, every connection and worker free.
    func clear(now: SimTime) {
        pool.clear(now: now)
        cpu.clear(now: now)
        queueAverage.set(0, at: now)
    }

    // MARK: Replication state

    /// The primary has committed `version` of `key` and shipped it here.
    func ship(_ key: UInt64, version: UInt32) {
        if var p = pending[key] {
            p.shipped = max(p.shipped, version)
            pending[key] = p
        } else {
            // Up to date until now: it holds the version before this one.
            pending[key] = Pending(applied: version &- 1, shipped: version)
        }
    }

    /// The write of `key` at `version` reaches this replica. Writes apply independently (a late
    /// older write never hides a newer one already applied); the entry goes once it catches up.
    func apply(_ key: UInt64, version: UInt32) {
        guard var p = pending[key] else { return }   // already caught up with something newer
        p.applied = max(p.applied, version)
        if p.applied >= p.shipped { pending[key] = nil } else { pending[key] = p }
    }

    /// Versions shipped here but not applied, summed over keys: how far behind the primary it is.
    var behind: Int { pending.values.reduce(0) { $0 + Int($1.shipped &- $1.applied) } }

    /// The version of `key` a read here returns, given the latest committed `latest`; and whether
    /// it is stale (behind what the primary has shipped).
    func served(_ key: UInt64, latest: UInt32) -> (version: UInt32, stale: Bool) {
        guard let p = pending[key] else { return (latest, false) }
        return (p.applied, p.applied < p.shipped)
    }

    /// This station's report row.
    func result(group: String, window: SimDuration, end: SimTime) -> ComponentResult {
        var row = cpu.row(name: name, kind: role == .primary ? "primary" : "replica", group: group, window: window, end: end,
                          queueLength: queueAverage.average(until: end))
        row.arrived = pool.arrivals
        row.rejected = pool.rejections
        return row
    }
}
