import SDEngine
import SDConfig

/// A node whose internal stations each run on a machine of their own: a database placed on a
/// machine type runs every primary and read replica on its own instance of it, a key-value store
/// every storage node (``ComponentKind/runsNodesOnOwnMachines``). The station's workers are the
/// machine's cores (the loader insists they are as many), its service times are divided by the
/// machine's speed, and the machine's row reports the station's utilization and costs one
/// machine's price: so a store's cost counts every node it needs.
protocol OwnsMachines: AnyObject {
    /// One row per station, each an instance of `type` named after the station.
    func ownMachines(of type: MachineConfig, end: SimTime) -> [MachineResult]
}

extension Model {
    /// The machine type the nodes of group `group` each run on (nil: none, or not a kind that does).
    func ownMachineType(ofGroup group: String) -> MachineConfig? {
        guard let c = config.components.first(where: { $0.name == group }), c.kind.runsNodesOnOwnMachines,
              let machine = c.machine else { return nil }
        return config.machines.first { $0.name == machine }
    }

    /// The rows of every machine a node runs its stations on, in the order of the nodes.
    public func ownMachineResults(end: SimTime) -> [MachineResult] {
        var out: [MachineResult] = []
        for group in groups {
            for node in group {
                guard let owner = node as? OwnsMachines, let type = ownMachineType(ofGroup: node.group) else { continue }
                out += owner.ownMachines(of: type, end: end)
            }
        }
        return out
    }
}

extension MachineResult {
    /// The row of a machine that one station runs on alone: its utilization is the station's
    /// (workers busy over workers, the workers being the cores), its demand the busy cores.
    init(station: String, type: MachineConfig, busyWorkers: Double) {
        self.init(name: station, type: type.name, cores: type.cores, speed: type.speed, memory: type.memory,
                  costPerHour: type.costPerHour, utilization: busyWorkers / Double(max(type.cores, 1)),
                  demand: busyWorkers, components: [station])
    }
}

extension Database: OwnsMachines {
    func ownMachines(of type: MachineConfig, end: SimTime) -> [MachineResult] {
        stations.map { MachineResult(station: $0.name, type: type, busyWorkers: $0.cpu.busyAverage.average(until: end)) }
    }
}

extension KVStore: OwnsMachines {
    func ownMachines(of type: MachineConfig, end: SimTime) -> [MachineResult] {
        storageNodes.map { MachineResult(station: $0.name, type: type, busyWorkers: $0.pool.busyAverage.average(until: end)) }
    }
}
