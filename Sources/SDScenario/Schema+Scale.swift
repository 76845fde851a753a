import SDEngine
import SDConfig
import Yams

/// What has been read of one entry of `scale:`.
struct ScaleDraft {
    let node: YAMLNode
    var at: SimDuration?
    var atNode: YAMLNode?
    var group: Reference?
    var replicas: Int?
}

/// `scale:` — changes of a group's active replicas at given times.
extension Schema {
    static let scaleFields: [FieldSpec<ScaleDraft>] = [
        FieldSpec("at", required: true, example: "at: 60s", help: "When the change happens, from the start of the run (warm-up included); before `duration`.",
                  shape: .duration(positive: false)) { d, n, v in d.at = v.duration(n, key: "at", positive: false); d.atNode = n },
        FieldSpec("group", required: true, example: "group: cache",
                  help: "The replicated group whose active replicas change; a load balancer must target it.", shape: .name) { d, n, v in
            d.group = v.reference(n, key: "group")
        },
        FieldSpec("replicas", required: true, example: "replicas: 5",
                  help: "Active replicas from then on. The group is built with the most it ever has; the others stand by, "
                      + "empty, and receive nothing until a change makes them active.",
                  shape: .count(Schema.replicas)) { d, n, v in d.replicas = v.count(n, key: "replicas", range: Schema.replicas) },
    ]

    static let scaleField = FieldSpec<ScenarioDraft>(
        "scale", help: "Replicas added to or removed from groups at given times (a server added to a cache pool): with `hash` "
            + "placement almost every key moves and the caches go cold; with `consistent-hash` about 1/(n+1) do. "
            + "The load balancer reports `active replicas` and `keys moved at scale` (of the keys it had routed, the fraction "
            + "whose replica changed at the last event).",
        shape: .list(.mapping(scaleFields.docs()), nonEmpty: false)) { d, n, v in
        d.scale = v.readMappingList(n, key: "scale", example: "{at: 60s, group: cache, replicas: 5}", fields: Schema.scaleFields,
                                    make: { ScaleDraft(node: $0) })
    }
}

extension Validator {
    /// Checks the scale entries against the components, and builds each scaled group with the
    /// most replicas it ever has (the declared ones active at the start).
    func applyScaling(_ draft: inout ScenarioDraft) {
        guard !draft.scale.isEmpty, !draft.components.isEmpty else { return }
        let names = draft.components.map(\.name)
        for s in draft.scale {
            guard let ref = s.group else { continue }
            guard let i = names.firstIndex(of: ref.name) else {
                let hint = Suggestions.closest(to: ref.name, among: names).map { "; did you mean '\($0)'?" } ?? ""
                error("unknown component '\(ref.name)' in 'scale'\(hint)", at: ref.node)
                continue
            }
            let balanced = draft.components.contains { $0.kind?.isLoadBalancer == true && $0.targets?.name == ref.name }
            if !balanced {
                error("'scale' changes the replicas of '\(ref.name)', but no load balancer targets it; add a load balancer with 'targets: \(ref.name)'",
                      at: ref.node)
                continue
            }
            if let at = s.at, let duration = draft.duration, at >= duration, let n = s.atNode {
                error("'at' (\(Validator.text(n))) must be before 'duration' (\(draft.durationNode.map(Validator.text) ?? ""))", at: n)
            }
            guard let r = s.replicas else { continue }
            if draft.components[i].activeReplicas == nil { draft.components[i].activeReplicas = draft.components[i].replicas }
            draft.components[i].replicas = max(draft.components[i].replicas, r)
        }
    }

    /// The scale events in time order (declaration order on ties).
    static func assembleScaling(_ drafts: [ScaleDraft]) -> [ScaleEvent]? {
        var out: [ScaleEvent] = []
        for d in drafts {
            guard let at = d.at, let group = d.group, let replicas = d.replicas else { return nil }
            out.append(ScaleEvent(at: at, group: group.name, replicas: replicas))
        }
        return out.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }
}
