import SDEngine
import SDConfig
import Yams

/// One entry of `payload:`: a component and what the request carries to it.
struct PayloadDraft {
    var ref: Reference
    var size: Distribution

    var config: HopPayload { HopPayload(component: ref.name, size: size) }
}

/// `payload:` (what a request type carries to each component) and `copies:` on workloads,
/// request classes and activities.
extension Schema {
    /// Help text of `payload:`, wherever it is allowed.
    static let payloadHelp = """
        What this request type carries to particular components instead of `size`, as a mapping \
        from component name to a size distribution (e.g. `{metadata-db: constant(1KB), feed-queue: constant(200B)}`): \
        an upload sends the photo to the object store but a row to the database. For a write the bytes \
        travel with the request and are stored; for a read they are the response. Components not \
        named get `size`. A type declares the same payloads wherever it appears.
        """
    /// `payload:` for a draft of type `D`.
    static func payloadField<D>(_: D.Type, default defaultValue: String = "`size` everywhere",
                                set: @escaping @Sendable (inout D, [PayloadDraft]) -> Void) -> FieldSpec<D> {
        FieldSpec("payload", help: payloadHelp, shape: .named(.distribution(.size), noun: "component"), default: defaultValue) { d, n, v in
            if let p = v.payloads(n, key: "payload") { set(&d, p) }
        }
    }

    /// `copies:` for a draft of type `D`.
    static func copiesField<D>(_: D.Type, default defaultValue: String = "none",
                               set: @escaping @Sendable (inout D, [Double]) -> Void) -> FieldSpec<D> {
        FieldSpec("copies", help: copiesHelp, shape: .list(.size, nonEmpty: false), default: defaultValue) { d, n, v in
            if let c = v.sizes(n, key: "copies") { set(&d, c) }
        }
    }

    /// Help text of `copies:`.
    static let copiesHelp = """
        Derived objects an object store keeps next to each uploaded payload, as a list of sizes \
        (thumbnails: `[200KB, 20KB]`); made in place, so they are stored but not transferred, and not \
        where the type sends a `payload` of its own. `sdsim estimate` counts them in storage.
        """
}

extension Validator {
    /// Reads `payload:`, a mapping from component names to size distributions.
    func payloads(_ node: YAMLNode, key: String) -> [PayloadDraft]? {
        guard case .mapping(let mapping) = node, !mapping.isEmpty else {
            error("'\(key)' must be a mapping from component names to sizes, such as '{db: constant(1KB)}', found \(Validator.describe(node))",
                  at: node)
            return nil
        }
        // Entries in error are reported and left out; the others are still checked against the components.
        var out: [PayloadDraft] = []
        for (k, value) in mapping {
            guard let name = scalarText(k, key: key, expected: "a component name"),
                  let size = distribution(value, key: name, of: .size) else { continue }
            out.append(PayloadDraft(ref: Reference(name: name, node: k), size: size))
        }
        return out
    }

    /// Every `payload:` names a component, and one request type declares the same payloads
    /// wherever it appears (a component's work for a message finds them by type).
    func checkPayloads(workloads: [WorkloadDraft], names: [String], unknown: (Reference, String) -> Void) {
        var byType: [(type: String, payloads: [HopPayload], copies: [Double], node: YAMLNode)] = []
        func visit(type: String?, payloads: [PayloadDraft], copies: [Double], node: YAMLNode) {
            for p in payloads where !names.contains(p.ref.name) { unknown(p.ref, " in 'payload'") }
            guard let type else { return }
            let configs = payloads.map(\.config)
            if let first = byType.first(where: { $0.type == type }) {
                if first.payloads != configs || first.copies != copies {
                    error("request type '\(type)' declares 'payload' or 'copies' differently from its use at line \(first.node.mark?.line ?? 1); a type carries the same bytes everywhere",
                          at: node)
                }
            } else {
                byType.append((type, configs, copies, node))
            }
        }
        for w in workloads {
            if let mix = w.mix {
                for m in mix { visit(type: m.type, payloads: m.payloads ?? w.payloads, copies: m.copies ?? w.copies, node: m.node) }
            } else {
                visit(type: w.type, payloads: w.payloads, copies: w.copies, node: w.node)
            }
        }
    }
}
