import SDEngine
import SDMetrics

/// The clients of one workload: they create requests by the workload's arrival process, send each
/// along its route, and measure the time until its response comes back.
public final class Client: Node {
    /// Index of the workload in the configuration.
    public let workload: Int32
    /// Handler ids of the route's groups when each has a single instance, or -1 where a load
    /// balancer before it picks the replica.
    let firstHop: Int32
    private let arrival: ArrivalProcess
    private let stream: RandomStream
    /// End-to-end latencies of measured requests.
    public private(set) var latency = LatencyRecorder()
    /// Requests created after the warm-up.
    public private(set) var arrived = 0
    /// Measured requests whose response came back.
    public private(set) var completed = 0
    /// Measured requests that failed.
    public private(set) var failed = 0

    static let arrive: Int32 = NodeEvent.firstPrivate

    init(workload: Int32, config: WorkloadConfig, firstHop: Int32, model: Model) {
        self.workload = workload
        self.arrival = config.arrival
        self.firstHop = firstHop
        self.stream = model.stream(for: "workload:" + config.name)
        super.init(name: config.name, group: config.name, model: model)
    }

    /// Schedules the first arrival.
    func start() { sim.schedule(after: nextGap(), to: id, kind: Client.arrive) }

    private func nextGap() -> SimDuration {
        switch arrival {
        case .poisson(let rate): return Distribution.exponential(mean: 1 / rate).sampleDuration(stream)
        case .interarrival(let d): return d.sampleDuration(stream)
        }
    }

    public override func handlePrivate(kind: Int32, arg: Int64) {
        let now = sim.now
        let measured = now >= model.warmupEnd
        if measured { arrived += 1 }
        let request = requests.allocate(workload: workload, created: now.ns, measured: measured)
        requests.records[Int(request)].frames.append(
            Frame(node: id, isSubcall: false, phase: 0, arrivedAt: now.ns))
        sim.schedule(after: nextGap(), to: id, kind: Client.arrive)
        model.forward(request, from: self, to: firstHop)
    }

    /// The response is back: record it and recycle the request.
    public override func reply(_ request: Int32) {
        let (measured, failed, created) = (requests.records[Int(request)].measured,
                                           requests.records[Int(request)].failed,
                                           requests.records[Int(request)].created)
        if measured {
            if failed {
                self.failed += 1
            } else {
                completed += 1
                latency.record(SimDuration(ns: sim.now.ns - created))
            }
        }
        requests.release(request)
    }

    public override func receive(_ request: Int32) { preconditionFailure("clients do not receive requests") }
}
