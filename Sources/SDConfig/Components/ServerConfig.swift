import SDEngine
import Glibc

/// A station with `workers` identical workers and a FIFO waiting room.
public struct ServerConfig: Sendable, Equatable {
    /// Parallel workers (≥ 1).
    public var workers: Int
    /// Service time of one request, in seconds.
    public var service: Distribution
    /// Places in the waiting room; nil is unlimited, 0 rejects any arrival that finds all workers busy.
    public var queueLimit: Int?
    /// Whether a worker is freed when its own work is done (`tandem`) or only when the request
    /// leaves for good, after every downstream call and hop has answered (`threadPerRequest`).
    public var mode: ServerMode
    /// Components called in order after the service time, each answering before the next is
    /// called; then the request continues along its route.
    public var calls: [String]
    /// Whether `calls` form one atomic transaction. Across machines it costs a two-phase commit:
    /// each participant is prepared (its worker kept as the lock), then each is committed — twice
    /// the round trips, with every lock held until the last prepare and its commit are done.
    public var atomic: Bool
    /// CPU after each call returns, one per call (empty: none): with ``service`` (the CPU before
    /// the first call) the request's CPU in segments around its calls. Needs thread-per-request.
    public var afterCalls: [Distribution] = []
    /// CPU the caller spends on each call (its client library: encode, send, parse the answer),
    /// paid on this server's CPU when the answer comes back. Needs thread-per-request.
    public var callCost: Distribution?
    /// Processes the `workers` (threads) are divided among, `workers / processes` threads each.
    public var processes = 1
    /// Whether each process has one lock held while a thread computes (an interpreter lock, a
    /// single event loop), re-acquired after every call returns.
    public var processLock = false
    /// With ``processLock``: how long a thread computes before it hands the lock to a waiting
    /// thread and queues for it again behind the waiters (CPython's switch interval, 5 ms by
    /// default); nil: it keeps the lock until its segment of CPU is done.
    public var switchInterval: SimDuration?

    /// A server.
    public init(workers: Int = 1, service: Distribution, queueLimit: Int? = nil, mode: ServerMode = .tandem,
                calls: [String] = [], atomic: Bool = false) {
        self.workers = workers; self.service = service; self.queueLimit = queueLimit; self.mode = mode; self.calls = calls
        self.atomic = atomic
    }

    /// A server of `processes` processes with `threads` threads each (thread-per-request), each
    /// process with a lock held while computing or not.
    public static func processes(_ processes: Int, threads: Int, lock: Bool, service: Distribution, calls: [String] = [],
                                 afterCalls: [Distribution] = [], callCost: Distribution? = nil,
                                 queueLimit: Int? = nil) -> ServerConfig {
        var c = ServerConfig(workers: processes * threads, service: service, queueLimit: queueLimit,
                             mode: .threadPerRequest, calls: calls)
        c.processes = processes; c.processLock = lock; c.afterCalls = afterCalls; c.callCost = callCost
        return c
    }

    /// Whether requests compute again after their calls return.
    public var computesAfterCalls: Bool { callCost != nil || !afterCalls.isEmpty }
}

/// How a server's workers relate to the requests they serve.
public enum ServerMode: String, Sendable, Equatable, CaseIterable {
    /// A worker serves a request, then takes the next one; downstream work happens without it.
    case tandem
    /// A worker (a thread) stays with its request until the response leaves the server, so a slow
    /// downstream component keeps this server's workers busy and can exhaust its pool.
    case threadPerRequest = "thread-per-request"
}
