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
    /// How clients reach one of its replicas when the balancer itself is replicated (`replicas: 2`).
    public var redundancy: LoadBalancerRedundancy

    /// A load balancer.
    public init(policy: LoadBalancerPolicy, targets: String, vnodes: Int = 100, healthCheck: HealthCheck? = nil,
                redundancy: LoadBalancerRedundancy = .virtualIP(detection: LoadBalancerRedundancy.defaultDetection)) {
        self.policy = policy; self.targets = targets; self.vnodes = vnodes; self.healthCheck = healthCheck
        self.redundancy = redundancy
    }
}

/// How the replicas of a replicated load balancer share one address.
public enum LoadBalancerRedundancy: Sendable, Equatable {
    /// One replica holds a virtual IP address and takes all the traffic; when it dies, the next
    /// replica that is up takes the address over after `detection` (keepalived/VRRP: about three
    /// missed advertisements). Requests that arrive in between go to the dead replica and fail.
    case virtualIP(detection: SimDuration)
    /// DNS round robin: each attempt goes to the next replica's address in turn, dead or alive; an
    /// attempt that reaches a dead replica is refused at once, and the client's `retry:` sends the
    /// next attempt to the next address.
    case dns

    /// keepalived's default: advertisements every second, the backup takes over after three missed.
    public static let defaultDetection = SimDuration(seconds: 3)

    /// The name used in scenario files.
    public var name: String {
        switch self {
        case .virtualIP: return "virtual-ip"
        case .dns: return "dns"
        }
    }
}
