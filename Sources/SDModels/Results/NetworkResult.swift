import SDConfig
/// What crossed the network's edge in the measured window, when links are configured
/// (`network: bandwidth:`, `client-uplink:`, `client-downlink:` or `egress-cost:`).
public struct NetworkSummary: Sendable, Equatable {
    /// Bytes clients sent to the data center (ingress).
    public var ingressBytes: Double
    /// Bytes delivered to clients (egress).
    public var egressBytes: Double
    /// Seconds of the measured window.
    public var windowSeconds: Double
    /// Price of a gigabyte of egress (nil: not priced).
    public var egressCostPerGB: Double?
    /// Bytes CDN edges delivered to clients (not part of ``egressBytes``; 0 without a CDN).
    public var edgeBytes: Double = 0

    /// A summary.
    public init(ingressBytes: Double, egressBytes: Double, windowSeconds: Double, egressCostPerGB: Double?) {
        self.ingressBytes = ingressBytes; self.egressBytes = egressBytes; self.windowSeconds = windowSeconds
        self.egressCostPerGB = egressCostPerGB
    }

    /// Egress bytes per second of the window.
    public var egressRate: Double { windowSeconds > 0 ? egressBytes / windowSeconds : .nan }
    /// Ingress bytes per second of the window.
    public var ingressRate: Double { windowSeconds > 0 ? ingressBytes / windowSeconds : .nan }
    /// What the window's egress cost (nil: not priced).
    public var egressCost: Double? { egressCostPerGB.map { $0 * egressBytes / 1e9 } }
    /// What egress at the window's rate costs in a 30-day month (nil: not priced).
    public var egressCostPerMonth: Double? { egressCostPerGB.map { $0 * egressRate * 30 * 86_400 / 1e9 } }
}
