import SDEngine

/// How a machine's cores are shared among the CPU work waiting for them.
public enum MachineScheduling: Sendable, Equatable {
    /// First come, first served, without preemption: a job keeps its core until its demand is done.
    case fifo
    /// Processor sharing: with n jobs on c cores every job runs at min(1, c/n) of a core (an
    /// operating system's time slices in the limit of a tiny quantum). A short burst no longer
    /// waits behind a long one.
    case processorSharing
    /// Round robin with time slices: a job runs for at most `quantum`, then goes to the back of
    /// the line if another job is waiting.
    case roundRobin(quantum: SimDuration)

    /// The name used in scenarios and reports.
    public var name: String {
        switch self {
        case .fifo: return "fifo"
        case .processorSharing: return "processor-sharing"
        case .roundRobin: return "round-robin"
        }
    }
}

/// A kind of machine that components run on: its cores, their relative speed, its memory and
/// what it costs. Vertical scaling means a bigger machine; it stops at ``coreCeiling``.
public struct MachineConfig: Sendable, Equatable {
    /// The most cores any one machine can have: the hardware limit of scaling up.
    public static let coreCeiling = 192
    /// The most memory any one machine can have, in bytes (24 TiB).
    public static let memoryCeiling = 24.0 * 1_099_511_627_776

    /// The machine's name in the scenario.
    public var name: String
    /// CPU cores: how many service demands run at once on this machine.
    public var cores: Int
    /// Relative speed of a core (1 = the speed the service times are given for).
    public var speed: Double
    /// Memory in bytes (reported in the machine table; not yet checked against what its components hold).
    public var memory: Double
    /// Price per hour of one machine.
    public var costPerHour: Double
    /// How the cores are shared among the jobs that want them.
    public var scheduling: MachineScheduling

    /// A machine type.
    public init(name: String, cores: Int, speed: Double = 1, memory: Double = 0, costPerHour: Double = 0,
                scheduling: MachineScheduling = .fifo) {
        self.name = name; self.cores = cores; self.speed = speed; self.memory = memory; self.costPerHour = costPerHour
        self.scheduling = scheduling
    }
}
