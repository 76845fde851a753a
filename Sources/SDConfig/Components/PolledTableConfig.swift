import SDEngine

/// `kind: polled-table`: a database table used as a queue (the anti-pattern next to `queue`).
public struct PolledTableConfig: Sendable, Equatable {
    /// Parallel workers of the database (connections), shared by inserts and polls (≥ 1).
    public var workers: Int
    /// Time to insert one row, in seconds.
    public var service: Distribution
    /// Workers that poll the table (≥ 1).
    public var pollers: Int
    /// Each poller polls once per interval.
    public var pollInterval: SimDuration
    /// Time of one poll query on the database, whether or not it finds rows, in seconds.
    public var pollService: Distribution
    /// Most rows one poll takes.
    public var batch: Int
    /// Time a poller spends processing one row before its calls, in seconds.
    public var process: Distribution
    /// Components called in order for every row processed.
    public var calls: [String]

    /// A polled table.
    public init(workers: Int = 1, service: Distribution, pollers: Int = 1, pollInterval: SimDuration,
                pollService: Distribution, batch: Int = 10, process: Distribution = .constant(0), calls: [String] = []) {
        self.workers = workers; self.service = service; self.pollers = pollers; self.pollInterval = pollInterval
        self.pollService = pollService; self.batch = batch; self.process = process; self.calls = calls
    }
}
