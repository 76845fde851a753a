import DequeModule
import SDEngine
import SDMetrics
import SDConfig

/// The queueing primitive behind servers and caches: `workers` identical workers and a FIFO
/// waiting room of optional size. Like a bank with tellers and a line: an arrival that finds a
/// free teller is served at once; otherwise it waits, unless the line is full and it is turned away.
open class Station: Node {
    /// Parallel workers.
    public let workers: Int
    /// Service time distribution (seconds).
    public let service: Distribution
    /// Waiting places; nil is unlimited.
    public let queueLimit: Int?
    /// This station's own random stream.
    public let stream: RandomStream

    private var queue = Deque<Int32>()
    private var busy = 0
    private var busyAverage: TimeAverage
    private var queueAverage: TimeAverage
    private let warmupNs: Int64
    /// Waits (arrival to start of service) of arrivals in the window, seconds.
    public private(set) var waits = Tally()
    /// Responses (arrival to end of service) of arrivals in the window, seconds.
    public private(set) var responses = Tally()
    /// Accepted arrivals in the window.
    public private(set) var arrivals = 0
    /// Services completed in the window.
    public private(set) var completions = 0
    /// Arrivals turned away in the window.
    public private(set) var rejections = 0

    static let serviceDone: Int32 = NodeEvent.firstPrivate

    /// Whether a worker stays with its request until the request leaves (thread-per-request).
    public let holdsWorker: Bool

    /// A station; its stream is derived from the scenario seed and its instance name.
    public init(name: String, group: String, model: Model, workers: Int, service: Distribution, queueLimit: Int?,
                holdsWorker: Bool = false) {
        self.workers = workers; self.service = service; self.queueLimit = queueLimit; self.holdsWorker = holdsWorker
        self.stream = model.stream(for: name)
        self.warmupNs = model.warmupEnd.ns
        self.busyAverage = TimeAverage(start: model.warmupEnd)
        self.queueAverage = TimeAverage(start: model.warmupEnd)
        busyAverage.enableSlices(count: Client.seriesSlices, length: model.seriesSlice)
        queueAverage.enableSlices(count: Client.seriesSlices, length: model.seriesSlice)
        super.init(name: name, group: group, model: model)
    }

    /// Queues or serves an arriving request, or rejects it when the waiting room is full.
    open override func receive(_ request: Int32) {
        let now = sim.now
        let inWindow = now.ns >= warmupNs
        if busy < workers {
            if inWindow { arrivals += 1 }
            startService(request, now: now)
        } else if let limit = queueLimit, queue.count >= limit {
            if inWindow { rejections += 1 }
            model.reject(request, at: self)
        } else {
            if inWindow { arrivals += 1 }
            queue.append(request)
            queueAverage.set(Double(queue.count), at: now)
        }
    }

    private func startService(_ request: Int32, now: SimTime) {
        if holdsWorker { model.setHoldsWorker(request) }   // holds a worker until it departs
        busy += 1
        busyAverage.set(Double(busy), at: now)
        let arrived = requests.top(request).arrivedAt
        if arrived >= warmupNs { waits.add(Double(now.ns - arrived) / 1e9) }
        var demand = beginService(request)
        if slowFactor != 1 { demand = demand.scaled(by: slowFactor) }
        if let machine {
            machine.submit(station: id, request: request, demand: demand, epoch: epoch)
        } else {
            sim.schedule(after: demand, to: id, kind: Station.serviceDone, arg: tagged(request))
        }
    }

    /// A worker starts serving `request`: returns how long the service takes. By default a draw
    /// from `service`; a subclass whose service time depends on the request (a transfer of `size`
    /// bytes, a poll query) overrides it.
    open func beginService(_ request: Int32) -> SimDuration { service.sampleDuration(stream) }

    /// Time-average number of busy workers from the end of the warm-up to `end`.
    public func busyWorkersAverage(until end: SimTime) -> Double { busyAverage.average(until: end) }

    /// An event argument carrying `request` and this node's current life, so that timers set
    /// before a crash are recognised and ignored.
    @inline(__always) func tagged(_ request: Int32) -> Int64 { Int64(epoch) << 32 | Int64(UInt32(bitPattern: request)) }

    /// The request of a tagged argument, or nil if it was set before the last crash.
    @inline(__always) func untag(_ arg: Int64) -> Int32? {
        UInt32(truncatingIfNeeded: arg >> 32) == epoch ? Int32(truncatingIfNeeded: arg) : nil
    }

    /// The machine this station's CPU work runs on (nil: its own workers are its CPUs).
    public internal(set) var machine: Machine?

    /// The machine finished the CPU work of `request` (started in life `epoch`).
    func cpuDone(_ request: Int32, epoch started: UInt32) { if started == epoch { finishService(request) } }

    open override func handlePrivate(kind: Int32, arg: Int64) {
        precondition(kind == Station.serviceDone)
        if let request = untag(arg) { finishService(request) }
    }

    open override var supportsCrash: Bool { true }

    /// A crash empties the waiting room and frees every worker; the model has written off and
    /// released the requests that were here, and their timers are ignored.
    open override func crashed() {
        queue.removeAll()
        queueAverage.set(0, at: sim.now)
        busy = 0
        busyAverage.set(0, at: sim.now)
    }

    private func finishService(_ request: Int32) {
        if !holdsWorker && !keepsWorker(request) { release(request) }
        serviceCompleted(request)
    }

    /// Whether to keep the worker after the service ends although the station does not hold
    /// workers in general (a two-phase-commit participant keeps it, as a lock, until the commit).
    open func keepsWorker(_ request: Int32) -> Bool { false }

    /// The request is done with its worker: count it, free the worker and take the next in line.
    func release(_ request: Int32) {
        let now = sim.now
        busy -= 1
        busyAverage.set(Double(busy), at: now)
        if now.ns >= warmupNs { completions += 1 }
        let arrived = requests.top(request).arrivedAt
        if arrived >= warmupNs { responses.add(Double(now.ns - arrived) / 1e9) }
        if let next = queue.popFirst() {
            queueAverage.set(Double(queue.count), at: now)
            startService(next, now: now)
        }
    }

    /// A thread-per-request station frees the worker when the request leaves.
    open override func departing(_ request: Int32) {
        guard holdsWorker else { return }
        let top = requests.top(request)
        // A frame from before a crash holds no worker of this life: the crash freed them all.
        if top.holdsWorker && top.epoch == epoch && !keepsWorker(request) { release(request) }
    }

    /// Called when a request's service ends. By default it moves on along its route.
    open func serviceCompleted(_ request: Int32) { model.finish(request, at: self) }

    /// Kind name for reports.
    open var kindName: String { "server" }
    /// Hit ratio for reports (caches only).
    open var hitRatioResult: Double? { nil }

    open override func result(window: SimDuration, end: SimTime) -> ComponentResult? {
        let w = max(window.seconds, 1e-300)
        var r = ComponentResult(
            name: name, kind: kindName, group: name == group ? nil : group, isGroup: false, workers: workers,
            utilization: busyAverage.average(until: end) / Double(workers),
            throughput: Double(completions) / w, queueLengthMean: queueAverage.average(until: end),
            waitMean: waits.mean, responseMean: responses.mean, hitRatio: hitRatioResult,
            arrived: arrivals, completed: completions, rejected: rejections)
        let start = model.warmupEnd.seconds, slice = model.seriesSlice.seconds
        r.series = [
            Series(name: "utilization", start: start, interval: slice,
                   values: busyAverage.sliceAverages(until: end).map { $0 / Double(workers) }),
            Series(name: "queue_length", start: start, interval: slice, values: queueAverage.sliceAverages(until: end)),
        ]
        return r
    }
}
