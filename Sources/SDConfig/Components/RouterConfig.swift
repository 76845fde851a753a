import SDEngine

/// What a gateway or a bus is configured with.
public struct RouterConfig: Sendable, Equatable {
    /// Parallel workers (≥ 1).
    public var workers: Int
    /// Time to handle one message (authentication, routing, transformation), in seconds.
    public var service: Distribution
    /// Places in the waiting room; nil is unlimited.
    public var queueLimit: Int?
    /// Where each request type goes: (type, component group), in declaration order.
    public var routes: [(type: String, target: String)]
    /// Where types without a route go (nil: such requests are rejected).
    public var fallback: String?

    /// A router configuration.
    public init(workers: Int = 1, service: Distribution, queueLimit: Int? = nil,
                routes: [(type: String, target: String)], fallback: String? = nil) {
        self.workers = workers; self.service = service; self.queueLimit = queueLimit
        self.routes = routes; self.fallback = fallback
    }

    public static func == (a: RouterConfig, b: RouterConfig) -> Bool {
        a.workers == b.workers && a.service == b.service && a.queueLimit == b.queueLimit
            && a.routes.map(\.type) == b.routes.map(\.type) && a.routes.map(\.target) == b.routes.map(\.target)
            && a.fallback == b.fallback
    }
}
