import SDEngine
import SDConfig
import Yams

/// Readers for the mappings and lists of the format, built on ``Schema``'s tables.
extension Validator {
    /// Reads the whole document into a draft.
    func readScenario(_ root: YAMLNode) -> ScenarioDraft {
        var draft = ScenarioDraft()
        guard case .mapping(let mapping) = root else {
            error("a scenario must be a mapping with keys such as 'name', 'duration', 'workload' and 'components', found \(Validator.describe(root))", at: root)
            return draft
        }
        let allowed = Schema.topLevelFields.map(\.key)
        readFields(mapping, into: &draft, fields: Schema.topLevelFields, place: "", anchor: root) { key in
            Validator.unknownKeyMessage(key, place: "", allowed: allowed, listLabel: "top-level keys")
        }
        if let warmupNode = draft.warmupNode, let duration = draft.duration, let durationNode = draft.durationNode,
           draft.warmup >= duration {
            error("'warmup' (\(Validator.text(warmupNode))) must be shorter than 'duration' (\(Validator.text(durationNode)))",
                  at: warmupNode)
        }
        if !draft.workloadGiven && draft.population == nil
            && !mapping.contains(where: { k, _ in k.scalar.map { Suggestions.closest(to: $0.string, among: allowed) == "workload" } ?? false }) {
            error("missing required key 'workload'; describe the traffic with 'workload:' (request rates) or 'population:' (users and what they do)", at: root)
        }
        if let p = draft.population {
            var names: [String: YAMLNode] = [:]
            for w in draft.workloads { if let n = w.name, let node = w.nameNode { names[n] = node } }
            for w in activityWorkloads(p) {
                if let n = w.name, let first = names[n], let node = w.nameNode {
                    error("activity type '\(n)' is also the name of a workload (line \(first.mark?.line ?? 1)); an activity becomes a workload of that name",
                          at: node)
                }
                draft.workloads.append(w)
            }
        } else if let c = draft.components.first(where: { $0.kind?.name == "feed-service" }) {
            error("component '\(c.name)' is a feed service, which needs 'population:' (its users and their followers)", at: c.keyNode)
        }
        checkDatabaseTimes(draft)
        return draft
    }

    /// The value of `key` in `mapping`, compared as plain text.
    static func value(of key: String, in mapping: YAMLNode.Mapping) -> YAMLNode? {
        mapping.first { $0.key.scalar?.string == key }?.value
    }

    /// The scalar text of a node, for quoting in messages.
    static func text(_ node: YAMLNode) -> String { node.scalar?.string ?? describe(node) }

    /// Reads `network:`.
    func readNetwork(_ node: YAMLNode, into network: inout NetworkConfig) {
        guard case .mapping(let mapping) = node else {
            if Validator.isNull(node) { return }
            error("'network' must be a mapping with keys such as 'latency', found \(Validator.describe(node))", at: node)
            return
        }
        let allowed = Schema.networkFields.map(\.key)
        readFields(mapping, into: &network, fields: Schema.networkFields, place: " in 'network'", anchor: node) { key in
            Validator.unknownKeyMessage(key, place: " in 'network'", allowed: allowed, listLabel: "keys")
        }
    }

    /// Reads `workload:`, a non-empty list of workloads with unique names.
    func readWorkloads(_ node: YAMLNode) -> [WorkloadDraft] {
        guard case .sequence(let seq) = node else {
            var hint = ""
            if case .mapping = node { hint = "; start each workload with '- '" }
            error("'workload' must be a list of workloads, found \(Validator.describe(node))\(hint)", at: node)
            return []
        }
        guard !seq.isEmpty else {
            error("'workload' must list at least one workload with 'name', 'arrival' and 'route'", at: node)
            return []
        }
        var drafts: [WorkloadDraft] = []
        for (index, item) in seq.enumerated() {
            guard case .mapping(let mapping) = item else {
                error("each workload must be a mapping with 'name', 'arrival' and 'route', found \(Validator.describe(item))", at: item)
                continue
            }
            var draft = WorkloadDraft(node: item)
            let givenName = Validator.value(of: "name", in: mapping)?.scalar?.string
            let place = givenName.map { " in workload '\($0)'" } ?? " in workload \(index + 1)"
            let allowed = Schema.workloadFields.map(\.key)
            readFields(mapping, into: &draft, fields: Schema.workloadFields, place: place, anchor: item) { key in
                Validator.unknownKeyMessage(key, place: place, allowed: allowed, listLabel: "keys")
            }
            let routeMissing = draft.route == nil && Validator.value(of: "route", in: mapping) == nil
            if let mix = draft.mix {
                if Validator.value(of: "type", in: mapping) != nil {
                    error("'type' cannot be used together with 'mix'\(place); give each entry of 'mix' its own 'type'", at: item)
                }
                for m in mix where m.route == nil && routeMissing {
                    error("missing 'route' for request type '\(m.type ?? "?")'\(place); give the entry a 'route' or the workload a default 'route'",
                          at: m.node)
                }
            } else if routeMissing && Validator.value(of: "mix", in: mapping) == nil {
                error("missing required key 'route'\(place); add e.g. 'route: [app]'", at: item)
            }
            drafts.append(draft)
        }
        var firstUse: [String: YAMLNode] = [:]
        for d in drafts {
            guard let name = d.name, let nameNode = d.nameNode else { continue }
            if let first = firstUse[name] {
                error("duplicate workload name '\(name)'; it is already used at line \(first.mark?.line ?? 1)", at: nameNode)
            } else {
                firstUse[name] = nameNode
            }
        }
        return drafts
    }

    /// Reads `mix:`, a non-empty list of request classes.
    func readMix(_ node: YAMLNode) -> [MixDraft]? {
        guard case .sequence(let seq) = node, !seq.isEmpty else {
            error("'mix' must be a non-empty list of request classes, each with 'type' and 'share', found \(Validator.describe(node))", at: node)
            return nil
        }
        var drafts: [MixDraft] = []
        for item in seq {
            guard case .mapping(let mapping) = item else {
                error("each entry of 'mix' must be a mapping with 'type' and 'share', found \(Validator.describe(item))", at: item)
                continue
            }
            var draft = MixDraft(node: item)
            let allowed = Schema.mixFields.map(\.key)
            readFields(mapping, into: &draft, fields: Schema.mixFields, place: " in 'mix'", anchor: item) { key in
                Validator.unknownKeyMessage(key, place: " in 'mix'", allowed: allowed, listLabel: "keys")
            }
            drafts.append(draft)
        }
        var seen: [String] = []
        for d in drafts {
            guard let t = d.type else { continue }
            if seen.contains(t) { error("request type '\(t)' appears twice in 'mix'", at: d.node) }
            seen.append(t)
        }
        return drafts
    }

    /// Reads `retry:`.
    func readRetry(_ node: YAMLNode) -> RetryPolicy? {
        guard case .mapping(let mapping) = node else {
            error("'retry' must be a mapping with 'max' and 'backoff', found \(Validator.describe(node))", at: node)
            return nil
        }
        var draft = RetryDraft()
        let allowed = Schema.retryFields.map(\.key)
        readFields(mapping, into: &draft, fields: Schema.retryFields, place: " in 'retry'", anchor: node) { key in
            Validator.unknownKeyMessage(key, place: " in 'retry'", allowed: allowed, listLabel: "keys")
        }
        guard let max = draft.max, let backoff = draft.backoff else { return nil }
        if let cap = draft.maxBackoff, cap < backoff {
            error("'max-backoff' must not be shorter than 'backoff'", at: node)
        }
        return RetryPolicy(maxRetries: max, backoff: backoff, multiplier: draft.multiplier, maxBackoff: draft.maxBackoff,
                           jitter: draft.jitter)
    }

    /// Reads `components:`, a non-empty mapping from names to components.
    func readComponents(_ node: YAMLNode) -> [ComponentDraft] {
        guard case .mapping(let mapping) = node else {
            error("'components' must be a mapping from component names to components, found \(Validator.describe(node))", at: node)
            return []
        }
        guard !mapping.isEmpty else {
            error("'components' must define at least one component", at: node)
            return []
        }
        var drafts: [ComponentDraft] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let k) = keyNode, !Validator.isNull(keyNode) else {
                error("component names must be plain names, found \(Validator.describe(keyNode))", at: keyNode)
                continue
            }
            let name = k.string
            if !Validator.isValidName(name) {
                error("invalid component name '\(name)'; use letters, digits, '-' and '_', starting with a letter", at: keyNode)
            }
            drafts.append(readComponent(name: name, keyNode: keyNode, value: value))
        }
        return drafts
    }

    /// Whether `name` is a valid component name: ASCII letters, digits, `-` and `_`, starting with a letter.
    static func isValidName(_ name: String) -> Bool {
        let s = Array(name.unicodeScalars)
        func letter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
        guard let first = s.first, letter(first) else { return false }
        return s.allSatisfy { letter($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }

    /// Reads one component: its kind first, then its keys with that kind's table.
    func readComponent(name: String, keyNode: YAMLNode, value: YAMLNode) -> ComponentDraft {
        let place = " in component '\(name)'"
        guard case .mapping(let mapping) = value else {
            error("component '\(name)' must be a mapping with keys such as 'kind' and 'service', found \(Validator.describe(value))", at: value)
            // Keep the name known, so routes naming it are not reported as well.
            return ComponentDraft(name: name, keyNode: keyNode)
        }
        var draft = ComponentDraft(name: name, keyNode: keyNode)
        let kinds = Schema.kindNames
        let kindList = "(kinds: \(kinds.joined(separator: ", ")))"
        if let kindNode = Validator.value(of: "kind", in: mapping) {
            if let text = scalarText(kindNode, key: "kind", expected: "one of \(listing(kinds))") {
                if let spec = Schema.kinds.first(where: { $0.name == text }) {
                    draft.kind = spec
                } else {
                    let hint = Suggestions.didYouMean(text, among: kinds)
                    error("unknown kind '\(text)'\(place)\(hint) \(kindList)", at: kindNode)
                }
            }
        } else {
            error("missing required key 'kind'\(place) \(kindList)", at: keyNode)
        }

        guard let spec = draft.kind else {
            // Unknown kind: still check every key and value against all kinds.
            let fields = Schema.allComponentFields
            let allowed = fields.map(\.key)
            readFields(mapping, into: &draft, fields: fields, place: place, anchor: keyNode, checkRequired: false) { key in
                Validator.unknownKeyMessage(key, place: place, allowed: allowed, listLabel: "keys")
            }
            return draft
        }
        let allowed = spec.fields.map(\.key)
        readFields(mapping, into: &draft, fields: spec.fields, place: place, anchor: keyNode) { key in
            let owners = Schema.kinds.filter { $0.name != spec.name && $0.fields.contains { $0.key == key } }
            if !owners.isEmpty {
                let names = owners.map { "'\($0.name)'" }
                return "key '\(key)' does not apply to kind '\(spec.name)'\(place); it is used by kind\(names.count > 1 ? "s" : "") \(listing(names, conjunction: "and"))"
            }
            return Validator.unknownKeyMessage(key, place: place, allowed: allowed, listLabel: "keys of \(spec.article)")
        }
        spec.check(draft, mapping, self)
        return draft
    }
}
