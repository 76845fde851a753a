import DequeModule
import SDEngine
import SDMetrics
import SDConfig

/// What one running machine did.
public struct MachineResult: Sendable, Equatable {
    /// Instance name (`big`, or `web-2` for the machine under replica 2).
    public var name: String
    /// The machine type.
    public var type: String
    /// Cores.
    public var cores: Int
    /// Core speed.
    public var speed: Double
    /// Memory in bytes.
    public var memory: Double
    /// Price per hour.
    public var costPerHour: Double
    /// Mean fraction of cores busy over the measured window.
    public var utilization: Double
    /// Components placed on it, in declaration order.
    public var components: [String]

    /// A machine result.
    public init(name: String, type: String, cores: Int, speed: Double, memory: Double, costPerHour: Double,
                utilization: Double, components: [String]) {
        self.name = name; self.type = type; self.cores = cores; self.speed = speed; self.memory = memory
        self.costPerHour = costPerHour; self.utilization = utilization; self.components = components
    }
}

/// A running machine: a pool of `cores` that every component placed on it shares. A component's
/// workers are its threads; the CPU work of a service (service time ÷ speed) queues here for a
/// core. So ten components with eight workers each on an eight-core box cannot all compute at once.
public final class Machine: Node {
    /// The type it is an instance of.
    public let config: MachineConfig
    private var queue = Deque<Int32>()
    private var busy = 0
    private var busyAverage: TimeAverage
    /// Jobs: (station, request, demand in ns, the station's life); indices are recycled.
    private var jobs: [(station: Int32, request: Int32, demand: Int64, epoch: UInt32)] = []
    private var freeJobs: [Int32] = []
    /// Components placed on this machine.
    public internal(set) var placed: [String] = []

    static let coreDone: Int32 = NodeEvent.firstPrivate

    /// A machine instance named `name`.
    public init(name: String, config: MachineConfig, model: Model) {
        self.config = config
        self.busyAverage = TimeAverage(start: model.warmupEnd)
        super.init(name: name, group: config.name, model: model)
    }

    /// Runs `demand` (at speed 1) of CPU work for `request` of `station`; the station's
    /// ``Station/cpuDone(_:)`` is called when a core has finished it.
    func submit(station: Int32, request: Int32, demand: SimDuration, epoch: UInt32) {
        let job: Int32
        let scaled = SimDuration(nanoseconds: Double(demand.ns) / config.speed).ns
        if let free = freeJobs.popLast() {
            job = free
            jobs[Int(job)] = (station, request, scaled, epoch)
        } else {
            jobs.append((station, request, scaled, epoch))
            job = Int32(jobs.count - 1)
        }
        if busy < config.cores { start(job) } else { queue.append(job) }
    }

    private func start(_ job: Int32) {
        busy += 1
        busyAverage.set(Double(busy), at: sim.now)
        sim.schedule(after: SimDuration(ns: jobs[Int(job)].demand), to: id, kind: Machine.coreDone, arg: Int64(job))
    }

    public override func handlePrivate(kind: Int32, arg: Int64) {
        let job = Int32(truncatingIfNeeded: arg)
        let (station, request, _, epoch) = jobs[Int(job)]
        freeJobs.append(job)
        busy -= 1
        busyAverage.set(Double(busy), at: sim.now)
        if let next = queue.popFirst() { start(next) }
        (model.nodes[Int(station)] as! Station).cpuDone(request, epoch: epoch)
    }

    public override func receive(_ request: Int32) { preconditionFailure("machines do not receive requests") }

    /// What the machine did over the window.
    public func machineResult(end: SimTime) -> MachineResult {
        MachineResult(name: name, type: config.name, cores: config.cores, speed: config.speed, memory: config.memory,
                      costPerHour: config.costPerHour, utilization: busyAverage.average(until: end) / Double(config.cores),
                      components: placed)
    }
}
