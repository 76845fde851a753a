import DequeModule
import SDEngine
import SDMetrics
import SDConfig

/// The station behind servers, caches and feed services: a ``WorkerPool`` of `workers` and a
/// FIFO waiting room of optional size, with service times drawn per request, optionally on a
/// machine's cores, in processes with a process lock, and in CPU segments around calls.
open class Station: Node {
    /// Parallel workers.
    public let workers: Int
    /// Service time distribution (seconds).
    public let service: Distribution
    /// Waiting places; nil is unlimited.
    public let queueLimit: Int?
    /// This station's own random stream.
    public let stream: RandomStream

    /// The workers and the line in front of them.
    private var pool: WorkerPool
    private let warmupNs: Int64
    /// Waits (arrival to start of service) of arrivals in the window, seconds.
    public var waits: Tally { pool.waits }
    /// Responses (arrival to end of service) of arrivals in the window, seconds.
    public var responses: Tally { pool.responses }
    /// Accepted arrivals in the window.
    public var arrivals: Int { pool.arrivals }
    /// Services completed in the window.
    public var completions: Int { pool.completions }
    /// Arrivals turned away in the window.
    public var rejections: Int { pool.rejections }

    /// A station's own events (2–15; its subclasses number theirs from 16, ``Station/firstSubclassEvent``).
    enum Event: Int32, CaseIterable {
        case serviceDone = 2
    }
    /// The first event kind a subclass of ``Station`` numbers its own from.
    static let firstSubclassEvent: Int32 = 16

    /// Whether a worker stays with its request until the request leaves (thread-per-request).
    public let holdsWorker: Bool

    /// A station; its stream is derived from the scenario seed and its instance name.
    public init(name: String, group: String, model: Model, workers: Int, service: Distribution, queueLimit: Int?,
                holdsWorker: Bool = false) {
        self.workers = workers; self.service = service; self.queueLimit = queueLimit; self.holdsWorker = holdsWorker
        self.stream = model.stream(for: name)
        self.warmupNs = model.warmupEnd.ns
        self.pool = WorkerPool(workers: workers, lineLimit: queueLimit, warmupEnd: model.warmupEnd)
        pool.enableSlices(count: Client.seriesSlices, length: model.seriesSlice)
        super.init(name: name, group: group, model: model)
    }

    /// Queues or serves an arriving request, or rejects it when the waiting room is full.
    open override func receive(_ request: Int32) {
        let now = sim.now
        switch pool.arrive(request, now: now) {
        case .serve: startService(request, now: now)
        case .refuse: model.reject(request, at: self)
        case .wait: break
        }
    }

    private func startService(_ request: Int32, now: SimTime) {
        if holdsWorker { model.setHoldsWorker(request) }   // holds a worker until it departs
        pool.start(arrivedAt: requests.top(request).arrivedAt, now: now)
        if organised {
            if processes > 1 { assignProcess(request) }
            return compute(request, beginService(request), afterCall: false)
        }
        runCPU(request, slowed(beginService(request)))
    }

    /// `demand` stretched by a gray failure (``Node/slowFactor``).
    @inline(__always) private func slowed(_ demand: SimDuration) -> SimDuration {
        slowFactor == 1 ? demand : demand.scaled(by: slowFactor)
    }

    // MARK: CPU segments, processes and the process lock

    /// Processes the workers are divided among (each `workers / processes` threads).
    public private(set) var processes = 1
    /// Whether each process has one lock (an interpreter lock, a single event loop) that a
    /// thread holds while it computes: its threads wait for each other's CPU, not for each other's calls.
    public private(set) var processLock = false
    /// Whether requests compute again after a call returns (``compute(_:_:afterCall:)``).
    private var segmented = false
    /// Whether any of processes, a lock or segments is in use (else the plain, fast path).
    private var organised = false
    private var processBusy: [Int] = [0]
    /// The process of each request holding a thread, by request id (only with several processes).
    private var processOf: [UInt16] = []
    private var lockHeld: [Bool] = [false]
    private var lockQueue: [Deque<(request: Int32, demand: SimDuration)>] = [Deque()]
    /// Requests whose CPU now running is a segment after a call.
    private var resuming = Set<Int32>()
    private var lockWaits = Tally()
    private var lockWaitSince: [Int32: Int64] = [:]
    /// The switch interval of the lock in ns (0: none), and the CPU left of each segment cut by it.
    private var lockSlice: Int64 = 0
    private var sliceLeft: [Int32: SimDuration] = [:]

    /// Divides the workers (threads) among `processes`, with a process-wide lock or not, and
    /// lets requests compute after their calls return.
    /// With `switchInterval`, a thread that has computed that long under the lock while another
    /// waits hands it on and queues again (``ServerConfig/switchInterval``).
    func organise(processes: Int, lock: Bool, segmented: Bool, switchInterval: SimDuration? = nil) {
        precondition(processes >= 1 && workers % processes == 0)
        self.processes = processes; self.processLock = lock; self.segmented = segmented
        lockSlice = lock ? max(0, switchInterval?.ns ?? 0) : 0
        organised = processes > 1 || lock || segmented
        processBusy = Array(repeating: 0, count: processes)
        lockHeld = Array(repeating: false, count: processes)
        lockQueue = Array(repeating: Deque(), count: processes)
    }

    /// A request takes a thread in the process with the most threads free (ties: the first).
    private func assignProcess(_ request: Int32) {
        var best = 0
        for p in 1..<processes where processBusy[p] < processBusy[best] { best = p }
        processBusy[best] += 1
        if processOf.count <= Int(request) { processOf += Array(repeating: 0, count: Int(request) + 1 - processOf.count) }
        processOf[Int(request)] = UInt16(best)
    }

    @inline(__always) private func process(of request: Int32) -> Int { processes > 1 ? Int(processOf[Int(request)]) : 0 }

    /// Runs `demand` of CPU for `request`: under its process's lock when there is one, on the
    /// machine's cores when placed, else on its worker. When it is done, a first segment ends the
    /// service (``serviceCompleted(_:)``); a segment after a call resumes (``computedAfterCall(_:)``).
    final func compute(_ request: Int32, _ demand: SimDuration, afterCall: Bool) {
        let demand = slowed(demand)
        if afterCall { resuming.insert(request) }
        if processLock {
            let p = process(of: request)
            if lockHeld[p] {
                lockQueue[p].append((request, demand))
                if sim.now.ns >= warmupNs { lockWaitSince[request] = sim.now.ns }
                return
            }
            lockHeld[p] = true
            if sim.now.ns >= warmupNs { lockWaits.add(0) }
            return runLocked(request, demand)
        }
        runCPU(request, demand)
    }

    /// Runs `demand` for `request`, which holds its process's lock: all of it, or with a switch
    /// interval at most one interval of it, the rest kept for later (``organisedCPUFinished(_:)``).
    private func runLocked(_ request: Int32, _ demand: SimDuration) {
        guard lockSlice > 0, demand.ns > lockSlice else { return runCPU(request, demand) }
        sliceLeft[request] = SimDuration(ns: demand.ns - lockSlice)
        runCPU(request, SimDuration(ns: lockSlice))
    }

    @inline(__always) private func runCPU(_ request: Int32, _ demand: SimDuration) {
        if let machine {
            machine.submit(station: id, request: request, demand: demand, epoch: epoch)
        } else {
            sim.schedule(after: demand, to: id, kind: Station.Event.serviceDone.rawValue, arg: tagged(request))
        }
    }

    /// A CPU segment of `request` is done: hand the lock on, then go on with the request.
    @inline(__always) private func cpuFinished(_ request: Int32) {
        guard organised else { return finishService(request) }
        organisedCPUFinished(request)
    }

    private func organisedCPUFinished(_ request: Int32) {
        if processLock {
            let p = process(of: request)
            var switched = false
            if let left = sliceLeft.removeValue(forKey: request) {
                // A switch interval is over: with a thread waiting, the lock goes to it and this one
                // queues behind the waiters; alone, it computes on.
                guard !lockQueue[p].isEmpty else { return runLocked(request, left) }
                lockQueue[p].append((request, left))
                if sim.now.ns >= warmupNs { lockWaitSince[request] = sim.now.ns }
                switched = true
            }
            if let next = lockQueue[p].popFirst() {
                if let since = lockWaitSince.removeValue(forKey: next.request) { lockWaits.add(Double(sim.now.ns - since) / 1e9) }
                runLocked(next.request, next.demand)
            } else {
                lockHeld[p] = false
            }
            if switched { return }
        }
        if segmented, resuming.remove(request) != nil { return computedAfterCall(request) }
        finishService(request)
    }

    /// A segment of CPU after a call is done (only stations that compute after calls get here).
    open func computedAfterCall(_ request: Int32) { preconditionFailure("\(name) does not compute after calls") }

    /// A worker starts serving `request`: returns how long the service takes. By default a draw
    /// from `service`; a subclass whose service time depends on the request (a transfer of `size`
    /// bytes, a poll query) overrides it.
    open func beginService(_ request: Int32) -> SimDuration { service.sampleDuration(stream) }

    /// Time-average number of busy workers from the end of the warm-up to `end`.
    public func busyWorkersAverage(until end: SimTime) -> Double { pool.busyAverage.average(until: end) }

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
    func cpuDone(_ request: Int32, epoch started: UInt32) { if started == epoch { cpuFinished(request) } }

    open override func handlePrivate(kind: Int32, arg: Int64) {
        precondition(kind == Station.Event.serviceDone.rawValue)
        if let request = untag(arg) { cpuFinished(request) }
    }

    open override var supportsCrash: Bool { true }

    /// A crash empties the waiting room and frees every worker; the model has written off and
    /// released the requests that were here, and their timers are ignored.
    open override func crashed() {
        pool.clear(now: sim.now)
        for p in 0..<processes { processBusy[p] = 0; lockHeld[p] = false; lockQueue[p].removeAll() }
        resuming.removeAll()
        lockWaitSince.removeAll()
        sliceLeft.removeAll()
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
        if processes > 1 { processBusy[Int(processOf[Int(request)])] -= 1 }
        if let next = pool.finish(arrivedAt: requests.top(request).arrivedAt, now: now) { startService(next, now: now) }
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
        var r = pool.row(name: name, kind: kindName, group: name == group ? nil : group, window: window, end: end,
                         hitRatio: hitRatioResult)
        if processLock { r.extra.append(("lock_wait_mean", lockWaits.mean)) }
        r.series = pool.series(start: model.warmupEnd, slice: model.seriesSlice, until: end)
        return r
    }
}
