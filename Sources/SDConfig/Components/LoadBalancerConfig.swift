import SDEngine
import Glibc

/// How a load balancer picks a target replica.
public enum LoadBalancerPolicy: String, Sendable, Equatable, CaseIterable {
    /// Each replica in turn.
    case roundRobin = "round-robin"
    /// A uniformly random replica.
    case random
    /// The replica with the fewest requests outstanding (ties: the first).
    case leastConnections = "least-connections"
    /// Two random replicas; the one with fewer outstanding requests ("the power of two choices").
    case powerOfTwo = "power-of-two"
    /// The request's key modulo the number of replicas: most keys move when a replica is added.
    case hash
    /// A hash ring with `vnodes` virtual nodes per replica: about 1/(n+1) of keys move when one is added.
    case consistentHash = "consistent-hash"

    /// Whether the policy routes by the request's key.
    public var usesKey: Bool { self == .hash || self == .consistentHash }
}

/// A load balancer in front of a replicated group. It adds no service time.
public struct LoadBalancerConfig: Sendable, Equatable {
    /// How a replica is chosen.
    public var policy: LoadBalancerPolicy
    /// The group whose replicas receive the requests.
    public var targets: String
    /// Virtual nodes per replica on the hash ring (`consistent-hash` only).
    public var vnodes: Int
    /// How it detects dead replicas (nil: it never does, and keeps sending to them).
    public var healthCheck: HealthCheck?

    /// A load balancer.
    public init(policy: LoadBalancerPolicy, targets: String, vnodes: Int = 100, healthCheck: HealthCheck? = nil) {
        self.policy = policy; self.targets = targets; self.vnodes = vnodes; self.healthCheck = healthCheck
    }
}
