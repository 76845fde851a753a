import DequeModule
import SDEngine
import SDMetrics

/// The queueing primitive, written once: `workers` identical workers and a FIFO line of jobs
/// (requests, queries, CPU jobs) of optional length, with the time averages and counters every
/// station reports. Servers, caches and feed services (``Station``), a database's connection pools
/// and workers (``DatabaseStation``), a machine's cores (``Machine``) and a queue's consumers
/// (``MessageQueue``) all keep their workers in one.
///
/// Like a bank with tellers and a line: an arrival that finds a free teller is served at once;
/// otherwise it waits, unless the line is full and it is turned away. The owner decides what a job
/// is and what serving it means; the pool only counts.
///
/// Statistics cover the measured window (from the end of the warm-up): arrivals, refusals and
/// completions made in it, waits and responses of jobs that arrived in it, and the time averages
/// of busy workers and of the line's length.
struct WorkerPool {
    /// What becomes of an arrival.
    enum Admission {
        /// A worker is free: the owner starts the job now (``start(arrivedAt:now:)``).
        case serve
        /// It joined the line; ``finish(arrivedAt:now:)`` hands it to a worker later.
        case wait
        /// The line is full: it is turned away.
        case refuse
    }

    /// Workers.
    let workers: Int
    /// Places in the line; nil is unlimited.
    let lineLimit: Int?
    /// Workers serving a job.
    private(set) var busy = 0
    /// Jobs waiting, first come first served.
    private(set) var line = Deque<Int32>()
    /// Busy workers over time.
    private(set) var busyAverage: TimeAverage
    /// The line's length over time (nil: the owner keeps a waiting figure of its own).
    private(set) var lineAverage: TimeAverage?
    /// Waits (arrival to start of service) of jobs that arrived in the window, seconds.
    private(set) var waits = Tally()
    /// Responses (arrival to end of service) of jobs that arrived in the window, seconds.
    private(set) var responses = Tally()
    /// Accepted arrivals, refusals and completions in the window.
    private(set) var arrivals = 0, rejections = 0, completions = 0
    /// Named workers: those free, the next to be taken last (workers the owner tells apart).
    private var idle: [Int32]
    private let named: Bool
    private let warmupNs: Int64

    /// A pool of `workers` in front of a line of `lineLimit` places (nil: unlimited), measured from
    /// `warmupEnd`. `averagesLine: false` leaves the line's average to the owner (a database
    /// reports its two lines as one); `named` workers are taken and freed by number.
    init(workers: Int, lineLimit: Int? = nil, warmupEnd: SimTime, averagesLine: Bool = true, named: Bool = false) {
        self.workers = workers
        self.lineLimit = lineLimit
        self.warmupNs = warmupEnd.ns
        busyAverage = TimeAverage(start: warmupEnd)
        lineAverage = averagesLine ? TimeAverage(start: warmupEnd) : nil
        self.named = named
        idle = named ? (0..<Int32(workers)).reversed() : []
    }

    /// Whether a worker is free.
    @inline(__always) var hasFreeWorker: Bool { busy < workers }

    /// `job` arrives at `now`: a free worker serves it, or it joins the line, or the full line
    /// turns it away. Counted in the window.
    @inline(__always)
    mutating func arrive(_ job: Int32, now: SimTime) -> Admission {
        let inWindow = now.ns >= warmupNs
        if busy < workers {
            if inWindow { arrivals += 1 }
            return .serve
        }
        if let limit = lineLimit, line.count >= limit {
            if inWindow { rejections += 1 }
            return .refuse
        }
        if inWindow { arrivals += 1 }
        line.append(job)
        lineAverage?.set(Double(line.count), at: now)
        return .wait
    }

    /// A worker is taken (its job's wait is not recorded).
    @inline(__always)
    mutating func take(now: SimTime) {
        busy += 1
        busyAverage.set(Double(busy), at: now)
    }

    /// A worker starts serving a job that arrived at `arrivedAt` (ns): its wait is recorded.
    @inline(__always)
    mutating func start(arrivedAt: Int64, now: SimTime) {
        take(now: now)
        if arrivedAt >= warmupNs { waits.add(Double(now.ns - arrivedAt) / 1e9) }
    }

    /// A worker is freed without a completion to count (a preempted or abandoned job).
    @inline(__always)
    mutating func free(now: SimTime) {
        busy -= 1
        busyAverage.set(Double(busy), at: now)
    }

    /// The job that arrived at `arrivedAt` is done with its worker: counted, the worker freed,
    /// and the first job in line returned, for the owner to start (nil: the line is empty).
    @inline(__always)
    mutating func finish(arrivedAt: Int64, now: SimTime) -> Int32? {
        free(now: now)
        if now.ns >= warmupNs { completions += 1 }
        if arrivedAt >= warmupNs { responses.add(Double(now.ns - arrivedAt) / 1e9) }
        return next(now: now)
    }

    /// Takes the first job out of the line (nil: empty), for the owner to start.
    @inline(__always)
    mutating func next(now: SimTime) -> Int32? {
        guard let job = line.popFirst() else { return nil }
        lineAverage?.set(Double(line.count), at: now)
        return job
    }

    /// Puts `job` (whose worker stays busy) back at the end of the line and returns the first job
    /// in line in its place; nil when nobody waits (round robin: a preempted job goes on).
    @inline(__always)
    mutating func rotate(_ job: Int32) -> Int32? {
        guard let first = line.popFirst() else { return nil }
        line.append(job)
        return first
    }

    /// Sets the number of busy workers directly (processor sharing: every core with a job on it).
    mutating func setBusy(_ n: Int, now: SimTime) {
        guard n != busy else { return }
        busy = n
        busyAverage.set(Double(n), at: now)
    }

    /// Named workers: takes the free worker freed last (or the lowest at the start); nil when all are busy.
    @inline(__always)
    mutating func takeWorker(now: SimTime) -> Int32? {
        guard let w = idle.popLast() else { return nil }
        take(now: now)
        return w
    }

    /// Named workers: worker `w` is free again.
    @inline(__always)
    mutating func freeWorker(_ w: Int32, now: SimTime) {
        idle.append(w)
        free(now: now)
    }

    /// Whether a named worker is free.
    var hasIdleWorker: Bool { !idle.isEmpty }

    /// A crash: the line is emptied and every worker freed (named workers all idle again).
    mutating func clear(now: SimTime) {
        line.removeAll()
        lineAverage?.set(0, at: now)
        busy = 0
        busyAverage.set(0, at: now)
        if named { idle = (0..<Int32(workers)).reversed() }
    }

    /// Also averages the busy workers and the line's length over `count` slices of `length`
    /// from the end of the warm-up, for ``series(start:slice:until:)``.
    mutating func enableSlices(count: Int, length: SimDuration) {
        busyAverage.enableSlices(count: count, length: length)
        lineAverage?.enableSlices(count: count, length: length)
    }

    /// The pool over time, slice by slice (after ``enableSlices(count:length:)``): `utilization`
    /// (fraction of the workers busy) and `queue_length` (jobs in line, when the pool averages it).
    func series(start: SimTime, slice: SimDuration, until end: SimTime) -> [Series] {
        let utilization = busyAverage.sliceAverages(until: end).map { workers > 0 ? $0 / Double(workers) : 0 }
        var out = [Series(name: "utilization", start: start.seconds, interval: slice.seconds, values: utilization)]
        if let lineAverage {
            out.append(Series(name: "queue_length", start: start.seconds, interval: slice.seconds,
                              values: lineAverage.sliceAverages(until: end)))
        }
        return out
    }

    /// Mean fraction of the workers busy, from the end of the warm-up to `end`.
    func utilization(until end: SimTime) -> Double {
        workers > 0 ? busyAverage.average(until: end) / Double(workers) : 0
    }

    /// The standard report row of a station built on this pool: `kind`, its group (nil when not
    /// replicated), and the line's mean length (`queueLength`, by default the pool's own).
    func row(name: String, kind: String, group: String?, window: SimDuration, end: SimTime,
             queueLength: Double? = nil, hitRatio: Double? = nil) -> ComponentResult {
        ComponentResult(
            name: name, kind: kind, group: group, isGroup: false, workers: workers,
            utilization: busyAverage.average(until: end) / Double(workers),
            throughput: Double(completions) / max(window.seconds, 1e-300),
            queueLengthMean: queueLength ?? lineAverage?.average(until: end) ?? 0,
            waitMean: waits.mean, responseMean: responses.mean, hitRatio: hitRatio,
            arrived: arrivals, completed: completions, rejected: rejections)
    }
}
