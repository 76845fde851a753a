import SDEngine
import SDConfig
import Yams

/// What has been read of one entry of `failures:`.
struct FailureDraft {
    let node: YAMLNode
    var at: SimDuration?
    var atNode: YAMLNode?
    var duration: SimDuration?
    /// The action key (`crash`, `slow`, …) and the names it refers to.
    var actions: [(key: String, node: YAMLNode)] = []
    var targets: [Reference] = []
    var sides: [[Reference]] = []
    var zone: Reference?
    var factor: Double?
    /// Whether `factor` is written, valid or not (an invalid one is reported once, not also as missing).
    var factorGiven = false
    var extra: Distribution?
    var mttf: Distribution?
    var mttr: Distribution?
}

/// `failures:`, `slo:`, and the `zone:` and `health-check:` keys of components.
extension Schema {
    static let zoneField = FieldSpec<ComponentDraft>(
        "zone", help: "The failure zone it is in; a `zone-outage` crashes every component in the zone.", shape: .text) { d, n, v in d.zone = v.name(n, key: "zone") }
    static let healthCheckField = FieldSpec<ComponentDraft>(
        "health-check",
        help: "Probes each replica every `interval`; a probe of a dead replica fails after `timeout`, and only then does the balancer "
            + "stop sending to it. Without one the balancer keeps sending to dead replicas.",
        shape: .mapping(healthCheckFields.docs())) { d, n, v in d.healthCheck = v.readHealthCheck(n) }

    /// What the action of a failure may name (checked by ``Validator/checkFailures``), for the reference.
    static let failureTargetForms: [(form: String, meaning: String)] = [
        ("NAME", "a component group: every replica of it"),
        ("NAME-i", "one instance of a replicated group, such as `app-2`"),
        ("DB.primary", "the primary of every shard of an unreplicated database `DB` (its read replicas stay up)"),
        ("DB.shard-N.primary", "the primary of shard N of a sharded database (N from 1 to the shards, plus one with `split-hot`)"),
        ("D.worker-N", "worker N of the dispatcher `D` (N from 1 to its `workers`); `D` alone means every worker (with `random`, each on its own)"),
    ]

    /// The keys that say what fails; an entry has exactly one.
    static let failureActions = ["crash", "restart", "slow", "partition", "latency-spike", "flush", "zone-outage", "random", "pause"]

    static let failureFields: [FieldSpec<FailureDraft>] = [
        FieldSpec("at", help: "When the failure starts, from the start of the run (warm-up included); before `duration`. Required except with `random`.",
                  shape: .duration(positive: false)) { d, n, v in d.at = v.duration(n, key: "at", positive: false); d.atNode = n },
        FieldSpec("for", help: "How long the failure lasts; not with `restart`, `flush` and `random`.", shape: .duration(positive: true),
                  default: "until the end") { d, n, v in d.duration = v.duration(n, key: "for", positive: true) },
        FieldSpec("crash", help: "The target stops: requests inside it fail (`lost-in-crash`), requests sent to it fail (`target-down`).",
                  shape: .name) { d, n, v in d.action("crash", n, v) },
        FieldSpec("restart", help: "A crashed target comes back.", shape: .name) { d, n, v in d.action("restart", n, v) },
        FieldSpec("slow", help: "Service times of the target are multiplied by `factor`: a gray failure that health checks miss.",
                  shape: .name) { d, n, v in d.action("slow", n, v) },
        FieldSpec("flush", help: "A keyed cache loses its contents (dirty write-back entries are lost).", shape: .name) { d, n, v in d.action("flush", n, v) },
        FieldSpec("latency-spike", help: "Every hop to or from the target takes `extra` longer.", shape: .name) { d, n, v in d.action("latency-spike", n, v) },
        FieldSpec("random", help: "Each replica of the target (each worker of a dispatcher), on its own, is up for a draw of `mttf`, then down for a draw of `mttr`, for the whole run.",
                  shape: .name) { d, n, v in d.action("random", n, v) },
        FieldSpec("pause",
                  help: "A dispatcher's worker (`D.worker-N`), or all its workers (`D`), stop without crashing (a GC pause, a frozen VM): "
                      + "no heartbeats, no work, nothing lost; then they carry on where they were.",
                  shape: .name) { d, n, v in d.action("pause", n, v) },
        FieldSpec("zone-outage", help: "Every component in the zone crashes.", shape: .text) { d, n, v in
            d.actions.append(("zone-outage", n))
            if let z = v.name(n, key: "zone-outage") { d.zone = Reference(name: z, node: n) }
        },
        FieldSpec("partition",
                  help: "At least two sides, each a list of components; components on different sides cannot reach each other (reason `partitioned`).",
                  shape: .list(.names, nonEmpty: true)) { d, n, v in
            d.actions.append(("partition", n))
            guard case .sequence(let sides) = n, sides.count >= 2 else {
                v.error("'partition' must list at least two sides, each a list of components, such as '[[app], [db]]', found \(Validator.describe(n))", at: n)
                return
            }
            d.sides = sides.compactMap { v.references($0, key: "partition") }
        },
        FieldSpec("factor", help: "`slow` only (required): the factor service times are multiplied by, from 0.000001 to 1000000.",
                  shape: .number(above: 0, atMost: Validator.factorBounds.upperBound)) { d, n, v in
            d.factorGiven = true
            d.factor = v.positiveNumber(n, key: "factor", bounds: Validator.factorBounds)
        },
        FieldSpec("extra", help: "`latency-spike` only (required): the extra time per hop, a duration or a duration distribution drawn per hop.",
                  shape: .durationOrDistribution) { d, n, v in d.extra = v.durationOrDistribution(n, key: "extra") },
        FieldSpec("mttf", help: "`random` only (required): time up, a duration or a duration distribution.", shape: .durationOrDistribution) { d, n, v in d.mttf = v.durationOrDistribution(n, key: "mttf") },
        FieldSpec("mttr", help: "`random` only (required): time down, a duration or a duration distribution.", shape: .durationOrDistribution) { d, n, v in d.mttr = v.durationOrDistribution(n, key: "mttr") },
    ]

    static let healthCheckFields: [FieldSpec<HealthCheckDraft>] = [
        FieldSpec("interval", required: true, example: "interval: 10s", help: "Time between probes of each replica.",
                  shape: .duration(positive: true)) { d, n, v in d.interval = v.duration(n, key: "interval", positive: true) },
        FieldSpec("timeout", required: true, example: "timeout: 2s", help: "A probe of a dead replica fails after this long.",
                  shape: .duration(positive: true)) { d, n, v in d.timeout = v.duration(n, key: "timeout", positive: true) },
    ]

    static let sloFields: [FieldSpec<ServiceLevelObjective>] = [
        FieldSpec("availability", help: "Fraction of requests that must succeed, e.g. `99.9%` or `0.999`.", shape: .percentage) { d, n, v in d.availability = v.percentage(n, key: "availability") },
        FieldSpec("p99", help: "99th-percentile latency that must not be exceeded.", shape: .duration(positive: true)) { d, n, v in d.p99 = v.duration(n, key: "p99", positive: true)?.seconds },
    ]
}

/// What has been read of `health-check:`.
struct HealthCheckDraft {
    var interval: SimDuration?
    var timeout: SimDuration?
}

extension FailureDraft {
    /// Records an action key whose value names one component or instance.
    mutating func action(_ key: String, _ node: YAMLNode, _ v: Validator) {
        actions.append((key, node))
        if let r = v.reference(node, key: key) { targets.append(r) }
    }
}

extension Validator {
    /// A distribution, or a plain duration meaning exactly that long.
    func durationOrDistribution(_ node: YAMLNode, key: String) -> Distribution? {
        if let text = node.scalar?.string, case .success(let d) = Units.parseDuration(text) {
            return .constant(d.seconds)
        }
        return distribution(node, key: key, of: .duration)
    }

    /// A fraction written as `0.999` or `99.9%`.
    func percentage(_ node: YAMLNode, key: String) -> Double? {
        guard let text = scalarText(node, key: key, expected: "a fraction such as '99.9%' or '0.999'") else { return nil }
        let t = text.trimmingSpaces()
        let value: Double?
        if t.hasSuffix("%"), case .success(let x) = Units.parseNumber(String(t.dropLast())) { value = x / 100 }
        else if case .success(let x) = Units.parseNumber(t) { value = x } else { value = nil }
        guard let value, value > 0, value <= 1 else {
            error("'\(key)' must be a fraction above 0 and at most 1, such as '99.9%' or '0.999', found '\(text)'", at: node)
            return nil
        }
        return value
    }

    /// Reads `health-check:`.
    func readHealthCheck(_ node: YAMLNode) -> HealthCheck? {
        guard case .mapping(let mapping) = node else {
            error("'health-check' must be a mapping with 'interval' and 'timeout', found \(Validator.describe(node))", at: node)
            return nil
        }
        var draft = HealthCheckDraft()
        let allowed = Schema.healthCheckFields.map(\.key)
        readFields(mapping, into: &draft, fields: Schema.healthCheckFields, place: " in 'health-check'", anchor: node) { key in
            Validator.unknownKeyMessage(key, place: " in 'health-check'", allowed: allowed, listLabel: "keys")
        }
        guard let interval = draft.interval, let timeout = draft.timeout else { return nil }
        return HealthCheck(interval: interval, timeout: timeout)
    }

    /// Reads `slo:`.
    func readSLO(_ node: YAMLNode) -> ServiceLevelObjective? {
        guard case .mapping(let mapping) = node else {
            error("'slo' must be a mapping with 'availability' and/or 'p99', found \(Validator.describe(node))", at: node)
            return nil
        }
        var slo = ServiceLevelObjective()
        let allowed = Schema.sloFields.map(\.key)
        readFields(mapping, into: &slo, fields: Schema.sloFields, place: " in 'slo'", anchor: node) { key in
            Validator.unknownKeyMessage(key, place: " in 'slo'", allowed: allowed, listLabel: "keys")
        }
        return slo
    }

    /// Reads `failures:`, a list of failures.
    func readFailures(_ node: YAMLNode) -> [FailureDraft] {
        guard case .sequence(let seq) = node else {
            error("'failures' must be a list of failures such as '- at: 60s' / 'crash: db', found \(Validator.describe(node))", at: node)
            return []
        }
        var drafts: [FailureDraft] = []
        for item in seq {
            guard case .mapping(let mapping) = item else {
                error("each failure must be a mapping such as '{at: 60s, crash: db, for: 30s}', found \(Validator.describe(item))", at: item)
                continue
            }
            var draft = FailureDraft(node: item)
            let allowed = Schema.failureFields.map(\.key)
            readFields(mapping, into: &draft, fields: Schema.failureFields, place: " in a failure", anchor: item) { key in
                Validator.unknownKeyMessage(key, place: " in a failure", allowed: allowed, listLabel: "keys")
            }
            checkFailureShape(&draft)
            drafts.append(draft)
        }
        return drafts
    }

    /// One action per entry, with the keys it needs and none it does not.
    private func checkFailureShape(_ d: inout FailureDraft) {
        let actions = Schema.failureActions.joined(separator: ", ")
        guard let first = d.actions.first else {
            error("a failure must say what fails with one of: \(actions)", at: d.node)
            return
        }
        if d.actions.count > 1 {
            error("a failure has one action, found '\(first.key)' and '\(d.actions[1].key)'; write them as two entries", at: d.actions[1].node)
        }
        func need(_ present: Bool, _ key: String, _ example: String) {
            if !present { error("missing '\(key)' for '\(first.key)'; add e.g. '\(example)'", at: d.node) }
        }
        func forbid(_ present: Bool, _ key: String) {
            if present { error("'\(key)' does not apply to '\(first.key)'", at: d.node) }
        }
        if first.key == "random" {
            need(d.mttf != nil, "mttf", "mttf: exponential(1h)")
            need(d.mttr != nil, "mttr", "mttr: exponential(5m)")
            forbid(d.atNode != nil, "at")
        } else {
            need(d.atNode != nil, "at", "at: 60s")
            forbid(d.mttf != nil || d.mttr != nil, "mttf/mttr")
        }
        if first.key == "slow" { need(d.factorGiven, "factor", "factor: 10") } else { forbid(d.factorGiven, "factor") }
        if first.key == "latency-spike" { need(d.extra != nil, "extra", "extra: 50ms") } else { forbid(d.extra != nil, "extra") }
        if ["restart", "flush", "random"].contains(first.key) { forbid(d.duration != nil, "for") }
    }

    /// Failure targets must be components, instances or a database's primaries (`db.primary`,
    /// `db.shard-2.primary`); zones must be used by some component;
    /// times must fall inside the run.
    func checkFailures(_ failures: [FailureDraft], components: [ComponentDraft], duration: SimDuration?) {
        var names: [String] = []
        for c in components {
            names.append(c.name)
            if c.replicas > 1 { names += (1...c.replicas).map { "\(c.name)-\($0)" } }
            if c.kind?.name == Schema.databaseKind.name && c.replicas == 1 {
                // A database's primaries: all of them, or one shard's.
                names.append("\(c.name).primary")
                if c.database.shardSlots > 1 { names += (1...c.database.shardSlots).map { "\(c.name).shard-\($0).primary" } }
            }
        }
        // What a pause may name: a dispatcher, or one of its workers.
        var pausable: [String] = []
        for c in components where c.kind?.name == Schema.dispatcherKind.name {
            let workers = (1...max(c.workers, 1)).map { "\(c.name).worker-\($0)" }
            names += workers
            pausable += [c.name] + workers
        }
        let zones = components.compactMap(\.zone)
        func check(_ ref: Reference) {
            guard !names.contains(ref.name) else { return }
            let hint = Suggestions.closest(to: ref.name, among: names).map { "; did you mean '\($0)'?" } ?? ""
            error("unknown component '\(ref.name)' in failure\(hint)", at: ref.node)
        }
        for f in failures {
            f.targets.forEach(check)
            if f.actions.first?.key == "pause" {
                for ref in f.targets where names.contains(ref.name) && !pausable.contains(ref.name) {
                    let hint = pausable.isEmpty ? "there is no dispatcher" : "such as '\(pausable[pausable.count > 1 ? 1 : 0])'"
                    error("'pause' applies to a dispatcher or one of its workers, not '\(ref.name)' (\(hint))", at: ref.node)
                }
            }
            f.sides.joined().forEach(check)
            if let z = f.zone, !zones.contains(z.name) {
                let hint = Suggestions.closest(to: z.name, among: zones).map { "; did you mean '\($0)'?" }
                    ?? (zones.isEmpty ? "; put components in it with 'zone: \(z.name)'" : " (zones: \(zones.joined(separator: ", ")))")
                error("unknown zone '\(z.name)' in failure\(hint)", at: z.node)
            }
            if let at = f.at, let node = f.atNode, let duration, at >= duration {
                error("failure at \(Validator.text(node)) starts after the run ends (duration \(duration))", at: node)
            }
        }
    }
}

extension ScenarioLoader {
    /// The failures of a draft without errors.
    static func assembleFailures(_ drafts: [FailureDraft]) -> (events: [FailureEvent], random: [RandomFailure]) {
        var events: [FailureEvent] = [], random: [RandomFailure] = []
        for d in drafts {
            guard let key = d.actions.first?.key else { continue }
            let target = d.targets.first?.name ?? ""
            if key == "random" {
                if let mttf = d.mttf, let mttr = d.mttr { random.append(RandomFailure(target: target, mttf: mttf, mttr: mttr)) }
                continue
            }
            guard let at = d.at else { continue }
            let action: FailureAction
            switch key {
            case "crash": action = .crash(target)
            case "restart": action = .restart(target)
            case "slow": action = .slow(target, factor: d.factor ?? 1)
            case "flush": action = .flush(target)
            case "latency-spike": action = .latencySpike(target, extra: d.extra ?? .constant(0))
            case "zone-outage": action = .zoneOutage(d.zone?.name ?? "")
            case "pause": action = .pause(target)
            default: action = .partition(d.sides.map { $0.map(\.name) })
            }
            events.append(FailureEvent(at: at, action: action, duration: d.duration))
        }
        return (events, random)
    }
}
