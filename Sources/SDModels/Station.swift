import DequeModule
import SDEngine
import SDMetrics

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
        if holdsWorker { model.setAux(request, 1) }   // this request holds a worker until it departs
        busy += 1
        busyAverage.set(Double(busy), at: now)
        let arrived = requests.top(request).arrivedAt
        if arrived >= warmupNs { waits.add(Double(now.ns - arrived) / 1e9) }
        sim.schedule(after: service.sampleDuration(stream), to: id, kind: Station.serviceDone, arg: Int64(request))
    }

    open override func handlePrivate(kind: Int32, arg: Int64) {
        precondition(kind == Station.serviceDone)
        let request = Int32(truncatingIfNeeded: arg)
        if !holdsWorker { release(request) }
        serviceCompleted(request)
    }

    /// The request is done with its worker: count it, free the worker and take the next in line.
    private func release(_ request: Int32) {
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
        if holdsWorker && requests.top(request).aux == 1 { release(request) }
    }

    /// Called when a request's service ends. By default it moves on along its route.
    open func serviceCompleted(_ request: Int32) { model.finish(request, at: self) }

    /// Kind name for reports.
    open var kindName: String { "server" }
    /// Hit ratio for reports (caches only).
    open var hitRatioResult: Double? { nil }

    open override func result(window: SimDuration, end: SimTime) -> ComponentResult? {
        let w = max(window.seconds, 1e-300)
        return ComponentResult(
            name: name, kind: kindName, group: name == group ? nil : group, isGroup: false, workers: workers,
            utilization: busyAverage.average(until: end) / Double(workers),
            throughput: Double(completions) / w, queueLengthMean: queueAverage.average(until: end),
            waitMean: waits.mean, responseMean: responses.mean, hitRatio: hitRatioResult,
            arrived: arrivals, completed: completions, rejected: rejections)
    }
}

/// `kind: server`: a station that passes each request on when its service ends, after making its
/// downstream `calls` one at a time.
public final class Server: Station {
    /// Handler ids of the components called after the service time, in order.
    public private(set) var callTargets: [Int32] = []
    private let calls: [String]

    /// A server.
    public init(name: String, group: String, model: Model, config: ServerConfig) {
        calls = config.calls
        super.init(name: name, group: group, model: model, workers: config.workers, service: config.service,
                   queueLimit: config.queueLimit, holdsWorker: config.mode == .threadPerRequest)
    }

    public override func wire() { callTargets = calls.map(model.callTarget) }

    /// Service is over: make the first call, or (with none) act as the system of record for a
    /// keyed request at the end of its path (``Model/settleData(_:)``) and move on.
    public override func serviceCompleted(_ request: Int32) {
        guard !callTargets.isEmpty else {
            model.settleData(request)
            return model.finish(request, at: self)
        }
        model.setPhase(request, 1)
        model.call(request, target: callTargets[0], from: self)
    }

    /// A call answered: make the next call, or move on; a failed call fails the request.
    public override func reply(_ request: Int32) {
        let phase = Int(requests.top(request).phase)
        guard phase > 0, !requests.records[Int(request)].failed else { return model.unwind(request, from: self) }
        if phase < callTargets.count {
            model.setPhase(request, UInt8(phase + 1))
            model.call(request, target: callTargets[phase], from: self)
        } else {
            model.setPhase(request, 0)
            model.finish(request, at: self)
        }
    }
}
