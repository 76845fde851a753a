import DequeModule
import SDEngine
import SDMetrics
import SDConfig

/// `kind: polled-table`: producers' requests insert a row (a write on the table's database, a
/// station with `workers` and the insert `service` time) and go on along their route. `pollers`
/// workers poll the table; each poll is a query on the same database, in the same line as the
/// inserts, costing `pollService` whether or not it finds anything.
///
/// Poller `i` polls on a fixed grid, at `phaseᵢ + k × pollInterval`, its phase drawn uniformly in
/// one interval at the start (pollers are separate processes that were started at unrelated
/// times). A poll takes the oldest rows, up to `batch`, when its query starts (a
/// `SELECT … FOR UPDATE SKIP LOCKED LIMIT batch`: rows inserted while it runs are left for the next
/// poll, and two pollers never take the same row). When the query's answer is back the poller
/// processes the rows one by one (`process`, then its `calls`). A full batch means more rows may
/// be waiting, so the poller polls again at once; otherwise it waits for its next grid time (grid
/// times that passed while it was busy are skipped). Deleting processed rows is not modelled.
///
/// The delivery delay of a row runs from its insert to the start of its processing. At low load,
/// with one poller, it is on average `pollInterval / 2` (a row waits for the next poll) plus the
/// poll's query time, plus the processing of rows ahead of it in its batch.
public final class PolledTable: Station {
    struct Row {
        var insertedAt: Int64
        var measured: Bool
        var payload: Payload
    }

    private let config: PolledTableConfig
    /// Handler ids of the components called for every row.
    public private(set) var callTargets: [Int32] = []
    private let pollStream: RandomStream
    private let processStream: RandomStream
    private var rows = Deque<Row>()
    private var rowsLevel: LevelHistogram

    // Pollers.
    /// Each poller's phase: its grid times are `phase + k × pollInterval`, in nanoseconds.
    public private(set) var phases: [Int64] = []
    private var lastPoll: [Int64]
    private var taken: [[Row]]
    private var nextRow: [Int]
    private var pollerRequest: [Int32]
    /// The pollers processing rows (each is busy from a poll that took rows to its last row).
    private var pollers: WorkerPool

    // Window statistics.
    private var inserted = 0
    private var processed = 0
    private var failedRows = 0
    private var polls = 0
    private var emptyPolls = 0
    private var pollServiceNs: Int64 = 0
    /// Time from insert to start of processing of measured rows.
    public private(set) var deliveryDelay = LatencyRecorder()

    /// A polled table's own events.
    enum Event: Int32, CaseIterable {
        case tick = 16, rowProcessed
    }

    /// A polled table.
    public init(name: String, group: String, model: Model, config: PolledTableConfig) {
        self.config = config
        pollStream = model.stream(for: name + "#poll")
        processStream = model.stream(for: name + "#process")
        rowsLevel = LevelHistogram(start: model.warmupEnd.ns)
        let n = config.pollers
        lastPoll = [Int64](repeating: 0, count: n)
        taken = [[Row]](repeating: [], count: n)
        nextRow = [Int](repeating: 0, count: n)
        pollerRequest = [Int32](repeating: -1, count: n)
        pollers = WorkerPool(workers: n, warmupEnd: model.warmupEnd, averagesLine: false)
        super.init(name: name, group: group, model: model, workers: config.workers, service: config.service, queueLimit: nil)
    }

    public override func wire() {
        callTargets = config.calls.map(model.callTarget)
        let phaseStream = model.stream(for: name + "#phase")
        let interval = config.pollInterval.ns
        phases = (0..<config.pollers).map { _ in min(Int64(phaseStream.uniform() * Double(interval)), interval - 1) }
        for (p, phase) in phases.enumerated() {
            sim.schedule(at: SimTime(ns: phase), to: id, kind: PolledTable.Event.tick.rawValue, arg: Int64(p))
        }
    }

    public override var kindName: String { "polled-table" }

    // MARK: Inserts and polls on the database

    private func poll(_ p: Int) {
        lastPoll[p] = sim.now.ns
        let request = ownRequest(owner: Int32(p), payload: Payload(), measured: sim.now >= model.warmupEnd)
        receive(request)   // into the database's line, with the inserts
    }

    /// A poll's query starts: it takes its rows now. An insert just costs its service time.
    public override func beginService(_ request: Int32) -> SimDuration {
        guard isOwnRequest(request) else { return service.sampleDuration(stream) }
        let p = Int(requests.top(request).aux)
        let n = min(config.batch, rows.count)
        taken[p] = Array(rows.prefix(n))
        rows.removeFirst(n)
        if n > 0 { rowsLevel.set(rows.count, at: sim.now.ns) }
        let d = config.pollService.sampleDuration(pollStream)
        if sim.now >= model.warmupEnd { pollServiceNs += d.ns }
        return d
    }

    public override func serviceCompleted(_ request: Int32) {
        let now = sim.now.ns
        guard isOwnRequest(request) else {
            rows.append(Row(insertedAt: now, measured: now >= model.warmupEnd.ns, payload: Payload(of: request, in: requests)))
            rowsLevel.set(rows.count, at: now)
            if now >= model.warmupEnd.ns { inserted += 1 }
            return model.finish(request, at: self)
        }
        let p = Int(requests.top(request).aux)
        requests.release(request)
        if now >= model.warmupEnd.ns {
            polls += 1
            if taken[p].isEmpty { emptyPolls += 1 }
        }
        nextRow[p] = 0
        if !taken[p].isEmpty {
            pollers.take(now: sim.now)
        }
        processNext(p)
    }

    // MARK: Processing

    private func processNext(_ p: Int) {
        let now = sim.now.ns
        if nextRow[p] < taken[p].count {
            let row = taken[p][nextRow[p]]
            if row.measured { deliveryDelay.record(SimDuration(ns: now - row.insertedAt)) }
            sim.schedule(after: config.process.sampleDuration(processStream), to: id, kind: PolledTable.Event.rowProcessed.rawValue,
                         arg: Int64(p))
            return
        }
        let full = taken[p].count == config.batch
        if !taken[p].isEmpty {
            pollers.free(now: sim.now)
        }
        taken[p] = []
        if full { return poll(p) }
        sim.schedule(at: SimTime(ns: nextGridTime(p, now: now)), to: id, kind: PolledTable.Event.tick.rawValue, arg: Int64(p))
    }

    /// The first grid time of poller `p` after its last poll and not before `now`.
    func nextGridTime(_ p: Int, now: Int64) -> Int64 {
        let interval = config.pollInterval.ns
        let x = max(lastPoll[p] + 1, now) - phases[p]
        return phases[p] + (x + interval - 1) / interval * interval
    }

    private func rowDone(_ p: Int, ok: Bool) {
        if sim.now >= model.warmupEnd {
            processed += 1
            if !ok { failedRows += 1 }
        }
        nextRow[p] += 1
        processNext(p)
    }

    public override func reply(_ request: Int32) {
        guard isOwnRequest(request) else { return model.unwind(request, from: self) }
        let p = Int(requests.top(request).aux)
        guard let ok = continueOwnCalls(request, targets: callTargets) else { return }
        pollerRequest[p] = -1
        rowDone(p, ok: ok)
    }

    public override func handlePrivate(kind: Int32, arg: Int64) {
        switch kind {
        case PolledTable.Event.tick.rawValue:
            poll(Int(arg))
        case PolledTable.Event.rowProcessed.rawValue:
            let p = Int(arg)
            guard !callTargets.isEmpty else { return rowDone(p, ok: true) }
            let row = taken[p][nextRow[p]]
            pollerRequest[p] = startOwnCalls(callTargets, owner: Int32(p), payload: row.payload, measured: row.measured)
        default:
            super.handlePrivate(kind: kind, arg: arg)
        }
    }

    /// Rows inserted and not yet taken by a poll.
    public var rowsWaiting: Int { rows.count }

    /// The standard columns describe the database: every query counts, inserts and polls alike.
    /// Polling's share of it and the delivery delay are extras.
    public override func result(window: SimDuration, end: SimTime) -> ComponentResult? {
        guard var r = super.result(window: window, end: end) else { return nil }
        let w = max(window.seconds, 1e-300)
        r.extra = [
            ("inserted", Double(inserted)),
            ("processed", Double(processed)),
            ("failed_rows", Double(failedRows)),
            ("polls", Double(polls)),
            ("polls_per_second", Double(polls) / w),
            ("empty_poll_fraction", polls > 0 ? Double(emptyPolls) / Double(polls) : 0),
            ("poll_utilization", Double(pollServiceNs) / 1e9 / w / Double(workers)),
            ("rows_waiting_mean", rowsLevel.mean(until: end.ns)),
            ("rows_waiting_max", Double(rowsLevel.maximum(until: end.ns))),
            ("rows_waiting_at_end", Double(rows.count)),
            ("delivery_delay_mean", deliveryDelay.tally.mean),
            ("delivery_delay_p99", deliveryDelay.percentile(99)),
            ("poller_utilization", pollers.utilization(until: end)),
        ]
        return r
    }
}
