import SDEngine

/// `scale:` — the number of active replicas of a group changes at a time (a server added to or
/// removed from a pool behind a load balancer).
///
/// The model builds as many instances as the group ever has; those beyond the active count stand
/// by, empty, and receive nothing. At the event every load balancer targeting the group spreads
/// requests over the new count: with `hash` (key mod N) almost every key changes replica, and
/// keyed caches behind it go cold; with `consistent-hash` only the keys of the ring's moved
/// arcs do (about 1/(n+1) when one is added). A removed replica finishes what it holds; a replica
/// added again keeps what it had cached.
public struct ScaleEvent: Sendable, Equatable {
    /// When the change happens.
    public var at: SimDuration
    /// The replicated group (behind a load balancer).
    public var group: String
    /// Active replicas from then on (≥ 1).
    public var replicas: Int

    /// A scale event.
    public init(at: SimDuration, group: String, replicas: Int) { self.at = at; self.group = group; self.replicas = replicas }
}

