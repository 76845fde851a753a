import SDEngine

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

    /// A machine type.
    public init(name: String, cores: Int, speed: Double = 1, memory: Double = 0, costPerHour: Double = 0) {
        self.name = name; self.cores = cores; self.speed = speed; self.memory = memory; self.costPerHour = costPerHour
    }
}
