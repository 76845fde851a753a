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
    /// Mean fraction of cores busy over the measured window (a core shared by processor sharing
    /// counts as busy while any job is on it).
    public var utilization: Double
    /// CPU work submitted in the window, in core-seconds per second (at this machine's speed):
    /// the load offered to the cores whatever their scheduling. Equal to `utilization × cores`
    /// when the machine keeps up; larger when its queue grows.
    public var demand: Double
    /// Components placed on it, in declaration order.
    public var components: [String]

    /// A machine result.
    public init(name: String, type: String, cores: Int, speed: Double, memory: Double, costPerHour: Double,
                utilization: Double, demand: Double = 0, components: [String]) {
        self.name = name; self.type = type; self.cores = cores; self.speed = speed; self.memory = memory
        self.costPerHour = costPerHour; self.utilization = utilization; self.demand = demand; self.components = components
    }
}

/// A running machine: a pool of `cores` that every component placed on it shares. A component's
/// workers are its threads; the CPU work of a service (service time ÷ speed) queues here for a
/// core. So ten components with eight workers each on an eight-core box cannot all compute at once.
/// The cores are shared first come first served, by processor sharing, or in round-robin time
/// slices (``MachineScheduling``).
public final class Machine: ModelPart {
    /// Handler id in the simulation.
    public internal(set) var id: Int32 = -1
    /// Instance name (`big`, or `web-2` for the machine under replica 2).
    public let name: String
    private unowned(unsafe) let model: Model
    private unowned(unsafe) let sim: Simulation
    /// The type it is an instance of.
    public let config: MachineConfig
    /// The cores, and the jobs waiting for one (fifo and round robin).
    private var cores: WorkerPool
    /// A piece of CPU work: the station and request it is for, its demand in ns (what is left of
    /// it under round robin) and the station's life when it was submitted.
    struct Job {
        var station: Int32
        var request: Int32
        var demand: Int64
        var epoch: UInt32
    }
    private var jobs = SlotPool<Job>()
    /// Components placed on this machine.
    public internal(set) var placed: [String] = []
    /// Work submitted in the window, ns at this machine's speed.
    private var submittedNs: Int64 = 0
    private let warmupNs: Int64
    private let quantumNs: Int64
    private let shares: Bool
    /// Processor sharing: the jobs in service and the work each has left (ns), the time the
    /// figures were last brought up to date, and the generation of the one pending completion event.
    private var sharing: [(job: Int32, left: Double)] = []
    private var sharedSince: Int64 = 0
    private var generation: Int64 = 0

    /// A machine's own events.
    enum Event: Int32, CaseIterable {
        case coreDone = 2, sharedDone
    }

    /// A machine instance named `name`.
    public init(name: String, config: MachineConfig, model: Model) {
        self.config = config
        self.cores = WorkerPool(workers: config.cores, warmupEnd: model.warmupEnd, averagesLine: false)
        self.warmupNs = model.warmupEnd.ns
        if case .roundRobin(let q) = config.scheduling { quantumNs = max(1, q.ns) } else { quantumNs = 0 }
        shares = config.scheduling == .processorSharing
        self.name = name
        self.model = model
        self.sim = model.sim
    }

    /// Runs `demand` (at speed 1) of CPU work for `request` of `station`; the station's
    /// ``Station/cpuDone(_:)`` is called when a core has finished it.
    func submit(station: Int32, request: Int32, demand: SimDuration, epoch: UInt32) {
        let scaled = SimDuration(nanoseconds: Double(demand.ns) / config.speed).ns
        if sim.now.ns >= warmupNs { submittedNs &+= scaled }
        let job = jobs.insert(Job(station: station, request: request, demand: scaled, epoch: epoch))
        if shares { return share(job) }
        if cores.arrive(job, now: sim.now) == .serve { start(job) }
    }

    /// Gives `job` a core for its whole demand (fifo) or for one time slice (round robin).
    private func start(_ job: Int32) {
        cores.take(now: sim.now)
        run(job)
    }

    private func run(_ job: Int32) {
        let left = jobs[job].demand
        let slice = quantumNs > 0 ? min(left, quantumNs) : left
        sim.schedule(after: SimDuration(ns: slice), to: id, kind: Machine.Event.coreDone.rawValue, arg: Int64(job))
    }

    func start() {}

    public func handle(kind: Int32, arg: Int64, sim: Simulation) {
        if kind == Machine.Event.sharedDone.rawValue { return sharedTick(generation: arg) }
        let job = Int32(truncatingIfNeeded: arg)
        if quantumNs > 0 {
            let left = jobs[job].demand - min(jobs[job].demand, quantumNs)
            if left > 0 {
                jobs[job].demand = left
                // Preempted: to the back of the line if anyone is waiting, else another slice.
                run(cores.rotate(job) ?? job)
                return
            }
        }
        cores.free(now: sim.now)
        if let next = cores.next(now: sim.now) { start(next) }
        complete(job)
    }

    private func complete(_ job: Int32) {
        let j = jobs[job]
        jobs.give(job)
        (model.nodes[Int(j.station)] as! Station).cpuDone(j.request, epoch: j.epoch)
    }

    // MARK: Processor sharing

    /// The share of a core each of `n` jobs gets.
    private func rate(_ n: Int) -> Double { n <= config.cores ? 1 : Double(config.cores) / Double(n) }

    /// Brings every job's remaining work up to now.
    private func advanceShared() {
        let now = sim.now.ns
        let elapsed = Double(now - sharedSince)
        sharedSince = now
        guard elapsed > 0, !sharing.isEmpty else { return }
        let done = elapsed * rate(sharing.count)
        for i in sharing.indices { sharing[i].left -= done }
    }

    private func share(_ job: Int32) {
        advanceShared()
        sharing.append((job, Double(jobs[job].demand)))
        rescheduleShared()
    }

    /// Sets the busy cores and schedules the next completion (earlier events are left stale).
    private func rescheduleShared() {
        cores.setBusy(min(sharing.count, config.cores), now: sim.now)
        generation &+= 1
        guard let least = sharing.lazy.map(\.left).min() else { return }
        let delay = SimDuration(nanoseconds: (max(0, least) / rate(sharing.count)).rounded(.up))
        sim.schedule(after: delay, to: id, kind: Machine.Event.sharedDone.rawValue, arg: generation)
    }

    private func sharedTick(generation g: Int64) {
        guard g == generation else { return }
        advanceShared()
        // Jobs within a nanosecond of done finish now, in the order they arrived.
        var finished: [Int32] = []
        sharing.removeAll { entry in
            guard entry.left < 1 else { return false }
            finished.append(entry.job)
            return true
        }
        rescheduleShared()
        for job in finished { complete(job) }
    }


    /// What the machine did over the window.
    public func machineResult(end: SimTime) -> MachineResult {
        let window = Double(max(1, end.ns - warmupNs))
        return MachineResult(name: name, type: config.name, cores: config.cores, speed: config.speed, memory: config.memory,
                             costPerHour: config.costPerHour, utilization: cores.utilization(until: end),
                             demand: Double(submittedNs) / window, components: placed)
    }
}
