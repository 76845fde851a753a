import SDEngine
import SDConfig
import Yams

/// What has been read of one entry of `autoscale:`.
struct AutoscaleDraft {
    let node: YAMLNode
    var group: Reference?
    var min: Int?
    var max: Int?
    var target: Double?
    var targetNode: YAMLNode?
    var scaleOutAbove: Double?
    var scaleOutNode: YAMLNode?
    var scaleInBelow: Double?
    var scaleInNode: YAMLNode?
    var step = 1
    var interval: SimDuration?
    var cooldown = SimDuration.zero
}

/// `autoscale:` — autoscalers on utilization.
extension Schema {
    static let autoscaleFields: [FieldSpec<AutoscaleDraft>] = [
        FieldSpec("group", required: true, example: "group: app",
                  help: "The replicated group it scales: a kind with workers (server, cache, CDN, gateway, bus, object store, "
                      + "feed service) that a load balancer targets. Its `replicas` are the active replicas at the start.",
                  shape: .name) { d, n, v in d.group = v.reference(n, key: "group") },
        FieldSpec("min", required: true, example: "min: 2", help: "Fewest active replicas.",
                  shape: .count(Schema.replicas)) { d, n, v in d.min = v.count(n, key: "min", range: Schema.replicas) },
        FieldSpec("max", required: true, example: "max: 10",
                  help: "Most active replicas; the group is built with this many, those not active standing by, empty.",
                  shape: .count(Schema.replicas)) { d, n, v in d.max = v.count(n, key: "max", range: Schema.replicas) },
        FieldSpec("target",
                  help: "Target tracking: the utilization to keep; each evaluation asks for ceil(active × utilization ÷ target) "
                      + "replicas. Not with the thresholds.",
                  shape: .fraction) { d, n, v in d.target = v.fraction(n, key: "target"); d.targetNode = n },
        FieldSpec("scale-out-above",
                  help: "Step scaling: add `step` replicas when the interval's utilization is above this. Needs `scale-in-below`; "
                      + "not with `target`.",
                  shape: .fraction) { d, n, v in d.scaleOutAbove = v.fraction(n, key: "scale-out-above"); d.scaleOutNode = n },
        FieldSpec("scale-in-below",
                  help: "Step scaling: remove `step` replicas when the interval's utilization is below this (less than "
                      + "`scale-out-above`).",
                  shape: .fraction) { d, n, v in d.scaleInBelow = v.fraction(n, key: "scale-in-below"); d.scaleInNode = n },
        FieldSpec("step", help: "Step scaling: replicas added or removed at a time.", shape: .count(Schema.replicas),
                  default: "1") { d, n, v in if let x = v.count(n, key: "step", range: Schema.replicas) { d.step = x } },
        FieldSpec("interval", required: true, example: "interval: 30s",
                  help: "Time between evaluations; each reads the mean utilization of the active replicas over the interval "
                      + "just ended. The first comes one interval after the warm-up (utilization is measured from then).",
                  shape: .duration(positive: true)) { d, n, v in d.interval = v.duration(n, key: "interval", positive: true) },
        FieldSpec("cooldown", help: "After a change, how long no other change is made (evaluations go on measuring).",
                  shape: .duration(positive: false), default: "0s") { d, n, v in
            if let x = v.duration(n, key: "cooldown", positive: false) { d.cooldown = x }
        },
    ]

    static let autoscaleField = FieldSpec<ScenarioDraft>(
        "autoscale", help: "Autoscalers on utilization for replicated groups behind a load balancer, with `min`, `max`, a target or "
            + "thresholds, an evaluation `interval` and a `cooldown`. A change works as a `scale:` event does. The report lists "
            + "the changes, the replicas by tenth of the run, and gives the group `scale_outs`, `scale_ins`, `replicas_peak` and "
            + "`replicas_at_end` (for `expect:`).",
        shape: .list(.mapping(autoscaleFields.docs()), nonEmpty: false)) { d, n, v in
        d.autoscale = v.readMappingList(n, key: "autoscale", example: "{group: app, min: 2, max: 10, target: 0.6, interval: 30s}",
                                        fields: Schema.autoscaleFields, make: { AutoscaleDraft(node: $0) })
    }

    /// Kinds whose replicas have workers whose utilization an autoscaler reads.
    static let autoscalableKinds = ["server", "cache", "cdn", "gateway", "bus", "object-store", "feed-service"]
}

extension Validator {
    /// Reads a list of mappings (`scale:`, `autoscale:`), each entry with `fields`.
    func readMappingList<D>(_ node: YAMLNode, key: String, example: String, fields: [FieldSpec<D>],
                            make: (YAMLNode) -> D) -> [D] {
        guard case .sequence(let seq) = node else {
            error("'\(key)' must be a list of entries such as '- \(example)', found \(Validator.describe(node))", at: node)
            return []
        }
        var out: [D] = []
        for item in seq {
            guard case .mapping(let mapping) = item else {
                error("each entry of '\(key)' must be a mapping such as '\(example)', found \(Validator.describe(item))", at: item)
                continue
            }
            var d = make(item)
            let allowed = fields.map(\.key)
            readFields(mapping, into: &d, fields: fields, place: " in '\(key)'", anchor: item) { k in
                Validator.unknownKeyMessage(k, place: " in '\(key)'", allowed: allowed, listLabel: "keys")
            }
            out.append(d)
        }
        return out
    }

    /// Checks the autoscalers against the components, and builds each scaled group with `max`
    /// replicas, its declared `replicas` active at the start.
    func applyAutoscaling(_ draft: inout ScenarioDraft) {
        guard !draft.autoscale.isEmpty, !draft.components.isEmpty else { return }
        let names = draft.components.map(\.name)
        var seen: [String] = []
        for a in draft.autoscale {
            guard let ref = a.group else { continue }
            guard let i = names.firstIndex(of: ref.name) else {
                let hint = Suggestions.closest(to: ref.name, among: names).map { "; did you mean '\($0)'?" } ?? ""
                error("unknown component '\(ref.name)' in 'autoscale'\(hint)", at: ref.node)
                continue
            }
            if seen.contains(ref.name) {
                error("'\(ref.name)' has more than one autoscaler; give it one", at: ref.node)
                continue
            }
            seen.append(ref.name)
            if draft.scale.contains(where: { $0.group?.name == ref.name }) {
                error("'\(ref.name)' is changed by both 'scale' and 'autoscale'; use one of them", at: ref.node)
                continue
            }
            let c = draft.components[i]
            if let kind = c.kind?.name, !Schema.autoscalableKinds.contains(kind) {
                error("'autoscale' reads the utilization of workers, and '\(ref.name)' is \(c.kind!.article), which has none; "
                      + "scale one of: \(Schema.autoscalableKinds.joined(separator: ", "))", at: ref.node)
                continue
            }
            if !draft.components.contains(where: { $0.kind?.isLoadBalancer == true && $0.targets?.name == ref.name }) {
                error("'autoscale' changes the replicas of '\(ref.name)', but no load balancer targets it; add a load balancer with 'targets: \(ref.name)'",
                      at: ref.node)
                continue
            }
            let modes = (a.target != nil || a.targetNode != nil ? 1 : 0) + (a.scaleOutNode != nil || a.scaleInNode != nil ? 1 : 0)
            if modes == 0 {
                error("'autoscale' for '\(ref.name)' needs a rule: 'target: 0.6', or 'scale-out-above: 0.8' with 'scale-in-below: 0.3'", at: a.node)
            } else if modes == 2 {
                error("'target' and the thresholds cannot be used together in 'autoscale' for '\(ref.name)'; choose target tracking or step scaling",
                      at: a.targetNode ?? a.node)
            } else if let t = a.target, t <= 0, let n = a.targetNode {
                error("'target' must be greater than 0 (found \(Validator.text(n)))", at: n)
            } else if a.targetNode == nil {
                if a.scaleOutNode == nil { error("'scale-in-below' needs 'scale-out-above' in 'autoscale' for '\(ref.name)'", at: a.scaleInNode!) }
                if a.scaleInNode == nil { error("'scale-out-above' needs 'scale-in-below' in 'autoscale' for '\(ref.name)'", at: a.scaleOutNode!) }
                if let hi = a.scaleOutAbove, let lo = a.scaleInBelow, lo >= hi, let n = a.scaleInNode {
                    error("'scale-in-below' (\(Validator.text(n))) must be less than 'scale-out-above' (\(Validator.text(a.scaleOutNode!))), "
                          + "or every evaluation would scale", at: n)
                }
            }
            guard let lo = a.min, let hi = a.max else { continue }
            if lo > hi {
                error("'min' (\(lo)) must not be more than 'max' (\(hi)) in 'autoscale' for '\(ref.name)'", at: a.node)
                continue
            }
            if hi < 2 {
                error("'max' must be at least 2 in 'autoscale' for '\(ref.name)', or there is nothing to scale", at: a.node)
                continue
            }
            if c.replicas < lo || c.replicas > hi {
                error("'\(ref.name)' starts with \(c.replicas) replica\(c.replicas == 1 ? "" : "s"), outside the autoscaler's "
                      + "\(lo)…\(hi); set its 'replicas' between them", at: ref.node)
                continue
            }
            draft.components[i].activeReplicas = c.replicas
            draft.components[i].replicas = hi
        }
    }

    /// The autoscalers, in declaration order.
    static func assembleAutoscaling(_ drafts: [AutoscaleDraft]) -> [AutoscalePolicy]? {
        var out: [AutoscalePolicy] = []
        for d in drafts {
            guard let group = d.group, let lo = d.min, let hi = d.max, let interval = d.interval else { return nil }
            let rule: AutoscalePolicy.Rule
            if let t = d.target {
                rule = .target(t)
            } else if let above = d.scaleOutAbove, let below = d.scaleInBelow {
                rule = .thresholds(scaleOutAbove: above, scaleInBelow: below, step: d.step)
            } else {
                return nil
            }
            out.append(AutoscalePolicy(group: group.name, min: lo, max: hi, rule: rule, interval: interval, cooldown: d.cooldown))
        }
        return out
    }
}
