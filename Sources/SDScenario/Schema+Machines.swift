import SDEngine
import SDConfig
import Yams

/// What has been read of one machine type under `machines:`.
struct MachineDraft {
    let name: String
    let keyNode: YAMLNode
    var cores: Int?
    var speed = 1.0
    var memory = 0.0
    var costPerHour = 0.0
    /// `scheduling:` as written (nil: fifo).
    var scheduling: String?
    var schedulingNode: YAMLNode?
    var quantum: SimDuration?
    var quantumNode: YAMLNode?

    /// The scheduling it resolves to (round robin needs its quantum; the checks are in ``Validator/readMachines(_:)``).
    var resolvedScheduling: MachineScheduling {
        switch scheduling {
        case "processor-sharing": return .processorSharing
        case "round-robin": return .roundRobin(quantum: quantum ?? SimDuration(ns: 1))
        default: return .fifo
        }
    }
}

/// `machines:` and the `machine:` key of components.
extension Schema {
    static let machineField = FieldSpec<ComponentDraft>(
        "machine", help: "The machine type it runs on: the CPU part of each service queues for one of the machine's cores.",
        shape: .form("a machine name", example: "web", pattern: SchemaPatterns.name), default: "none (its workers are its own CPUs)") { d, n, v in d.machine = v.reference(n, key: "machine") }
    static let placementField = FieldSpec<ComponentDraft>(
        "placement",
        help: "Where the replicas of a component with `machine:` run: `spread`, replica i on machine instance `<machine>-i` "
            + "(scaling out), or `together`, every replica on the one instance `<machine>`, sharing its cores (several "
            + "processes on one box, scaling up).",
        shape: .choice(ReplicaPlacement.allCases.map(\.rawValue)), default: "spread") { d, n, v in
        let options = ReplicaPlacement.allCases.map { (name: $0.rawValue, value: $0) }
        if let p = v.choice(n, key: "placement", noun: "placement", plural: "placements", options: options,
                            place: " in component '\(d.name)'") {
            d.placement = p; d.placementNode = n
        }
    }

    static let machineFields: [FieldSpec<MachineDraft>] = [
        FieldSpec("cores", required: true, example: "cores: 8",
                  help: "CPU cores: how many service demands run at once on one machine. \(MachineConfig.coreCeiling) is the ceiling of vertical scaling.",
                  shape: .count(1...MachineConfig.coreCeiling)) { d, n, v in
            d.cores = v.count(n, key: "cores", range: 1...MachineConfig.coreCeiling,
                              tooLarge: "vertical scaling stops there; add replicas on more machines instead")
        },
        FieldSpec("scheduling",
                  help: "How the cores are shared among the CPU work waiting for them: `fifo`, a job keeps its core until "
                      + "its demand is done; `processor-sharing`, n jobs on c cores each run at min(1, c/n) of a core (an "
                      + "operating system's time slices in the limit); `round-robin`, slices of `quantum`, then the back of "
                      + "the line when another job waits.",
                  shape: .choice(["fifo", "processor-sharing", "round-robin"]), default: "fifo") { d, n, v in
            let options = ["fifo", "processor-sharing", "round-robin"].map { (name: $0, value: $0) }
            if let x = v.choice(n, key: "scheduling", noun: "scheduling", plural: "schedulings", options: options,
                                place: " in machine '\(d.name)'") {
                d.scheduling = x; d.schedulingNode = n
            }
        },
        FieldSpec("quantum", help: "The time slice of `scheduling: round-robin` (required there, and only there; Linux gives a few milliseconds).",
                  shape: .duration(positive: true)) { d, n, v in
            d.quantum = v.duration(n, key: "quantum", positive: true); d.quantumNode = n
        },
        FieldSpec("speed", help: "Relative core speed, from 0.000001 to 1000000; the CPU part of a service takes service time ÷ speed.",
                  shape: .number(above: 0, atMost: Validator.factorBounds.upperBound), default: "1") { d, n, v in
            if let x = v.positiveNumber(n, key: "speed", bounds: Validator.factorBounds) { d.speed = x }
        },
        FieldSpec("memory", help: "Memory, reported in JSON (`memory_bytes`); at most 24TiB.", shape: .size, default: "0B") { d, n, v in
            guard let text = v.scalarText(n, key: "memory", expected: "a size such as '32GB'") else { return }
            switch Units.parseSize(text) {
            case .failure(let e): v.error(e.message, at: n, offset: e.offset)
            case .success(let bytes):
                if bytes > MachineConfig.memoryCeiling {
                    v.error("'memory' must be at most 24TiB, the largest machine on offer (found '\(text)')", at: n)
                } else {
                    d.memory = bytes
                }
            }
        },
        FieldSpec("cost", help: "Price of one machine per unit of time, e.g. `0.40/h` or `$0.40/h`.",
                  shape: .form("a price per time", example: "0.40/h", pattern: SchemaPatterns.price), default: "0") { d, n, v in
            guard var text = v.scalarText(n, key: "cost", expected: "a price per hour such as '0.40/h'") else { return }
            if text.hasPrefix("$") { text.removeFirst() }
            switch Units.parseRate(text) {
            case .failure(let e): v.error("'cost' must be a price per time such as '0.40/h' (\(e.message))", at: n)
            case .success(let perSecond): d.costPerHour = perSecond * 3600
            }
        },
    ]
}

extension Validator {
    /// Reads `machines:`, a mapping from machine names to their sizes and prices.
    func readMachines(_ node: YAMLNode) -> [MachineDraft] {
        guard case .mapping(let mapping) = node else {
            error("'machines' must map machine names to machines with 'cores', found \(Validator.describe(node))", at: node)
            return []
        }
        var drafts: [MachineDraft] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let k) = keyNode, Validator.isValidName(k.string) else {
                error("invalid machine name \(Validator.describe(keyNode)); use letters, digits, '-' and '_', starting with a letter", at: keyNode)
                continue
            }
            var draft = MachineDraft(name: k.string, keyNode: keyNode)
            let place = " in machine '\(k.string)'"
            guard case .mapping(let fields) = value else {
                error("machine '\(k.string)' must be a mapping with 'cores', found \(Validator.describe(value))", at: value)
                continue
            }
            let allowed = Schema.machineFields.map(\.key)
            readFields(fields, into: &draft, fields: Schema.machineFields, place: place, anchor: keyNode) { key in
                Validator.unknownKeyMessage(key, place: place, allowed: allowed, listLabel: "keys")
            }
            if draft.scheduling == "round-robin" && draft.quantum == nil && draft.quantumNode == nil {
                error("machine '\(k.string)' has 'scheduling: round-robin' but no 'quantum'; add one such as 'quantum: 4ms'",
                      at: draft.schedulingNode ?? keyNode)
            }
            if let q = draft.quantumNode, draft.scheduling != "round-robin" {
                error("'quantum' only applies to 'scheduling: round-robin' (machine '\(k.string)' is \(draft.scheduling ?? "fifo"))", at: q)
            }
            drafts.append(draft)
        }
        return drafts
    }

    /// Checks that every `machine:` names a machine.
    func checkMachines(_ components: [ComponentDraft], machines: [MachineDraft]) {
        let names = machines.map(\.name)
        for c in components {
            if let p = c.placementNode, c.machine == nil {
                error("'placement' in component '\(c.name)' places replicas on a machine; add 'machine:'", at: p)
            }
            guard let ref = c.machine, !names.contains(ref.name) else { continue }
            let hint = Suggestions.closest(to: ref.name, among: names).map { "; did you mean '\($0)'?" }
                ?? (names.isEmpty ? "; define it under 'machines:'" : " (machines: \(names.joined(separator: ", ")))")
            error("unknown machine '\(ref.name)' in component '\(c.name)'\(hint)", at: ref.node)
        }
    }
}
