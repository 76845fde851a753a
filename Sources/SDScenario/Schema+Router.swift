import SDConfig
import Yams

/// `kind: gateway` and `kind: bus`: routing by request type.
extension Schema {
    static let routesField = FieldSpec<ComponentDraft>(
        "routes", required: true, example: "routes: {read: feed, write: posts}", help: "Where each request type goes.",
        shape: .byType(.name)) { d, n, v in
        d.routes = v.typeRoutes(n, key: "routes")
    }
    static let fallbackField = FieldSpec<ComponentDraft>(
        "default", help: "Where types without a route go; without it they are rejected (counted as `unrouted`).", shape: .name) { d, n, v in d.fallback = v.reference(n, key: "default") }

    static func routerKind(name: String, article: String, bus: Bool) -> ComponentKindSpec {
        ComponentKindSpec(
            name: name, article: article, isLoadBalancer: false,
            fields: [kind, workersField, service, queueLimitField, routesField, fallbackField, replicasField, machineField, zoneField],
            edges: { d in d.routes.map { (key: "routes", ref: $0.ref) } + (d.fallback.map { [(key: "default", ref: $0)] } ?? []) },
            build: { d in
                guard let service = d.service, !d.routes.isEmpty else { return nil }
                let config = RouterConfig(workers: d.workers, service: service, queueLimit: d.queueLimit,
                                          routes: d.routes.map { ($0.type, $0.ref.name) }, fallback: d.fallback?.name)
                return bus ? .bus(config) : .gateway(config)
            },
            help: bus ? """
            A station (workers, waiting room, service time) that sends each request to the component for its request type \
            and passes the answer back. Unlike a gateway, a bus also puts every reply through its workers (a second service \
            time), so all traffic queues at one component.
            """ : """
            A station (workers, waiting room, service time) that sends each request to the component for its request type \
            and passes the answer back; it handles a request once, on the way in.
            """)
    }

    static let gatewayKind = routerKind(name: "gateway", article: "a gateway", bus: false)
    static let busKind = routerKind(name: "bus", article: "a bus", bus: true)
}

extension Validator {
    /// A mapping from request types to component names, such as `{read: feed, write: posts}`.
    func typeRoutes(_ node: YAMLNode, key: String) -> [(type: String, ref: Reference)] {
        guard case .mapping(let mapping) = node, !mapping.isEmpty else {
            error("'\(key)' must map request types to components, such as '{read: feed, write: posts}', found \(Validator.describe(node))", at: node)
            return []
        }
        var out: [(type: String, ref: Reference)] = []
        for (typeNode, targetNode) in mapping {
            guard let type = scalarText(typeNode, key: key, expected: "request types as keys"),
                  let ref = reference(targetNode, key: "\(key).\(type)") else { continue }
            out.append((type, ref))
        }
        return out
    }
}
