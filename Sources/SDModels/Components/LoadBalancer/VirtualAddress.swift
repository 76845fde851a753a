import SDEngine
import SDConfig

/// The one address of a replicated load balancer (`replicas: 2` on a load balancer). It does no
/// work and holds no request: whatever is sent to it goes straight to one replica, chosen when the
/// request is sent (``Model`` resolves it), at no cost in time.
///
/// - `virtual-ip` (keepalived/VRRP): one replica holds the address and gets everything. When it
///   crashes, the address stays on it for `detection` — requests sent then reach a dead replica and
///   fail — and then moves to the next replica that is up (no pre-emption: it stays there when the
///   first comes back).
/// - `dns`: round robin over the replicas' addresses, dead or alive; an attempt that reaches a dead
///   replica is refused, and the client's retry policy sends the next attempt to the next address.
public final class VirtualAddress: Node {
    /// How the address finds a replica.
    public let redundancy: LoadBalancerRedundancy
    /// Handler ids of the replicas, in order.
    public private(set) var members: [Int32] = []
    private var holder = 0
    private var moveScheduled = false
    /// Times the virtual address moved to another replica (after the warm-up).
    public private(set) var moves = 0

    /// A virtual address's own events.
    enum Event: Int32, CaseIterable {
        case move = 2
    }

    /// The address of group `group`.
    public init(group: String, redundancy: LoadBalancerRedundancy, model: Model) {
        self.redundancy = redundancy
        super.init(name: group, group: group, model: model)
        isVirtual = true
    }

    public override func wire() { members = model.instances(of: group) }

    /// The replica that `request`, sent to the address now, reaches. With DNS, each logical
    /// request's client holds the addresses in an order of its own (from the request's creation
    /// time) and each retry takes the next one, as resolvers that rotate their answers do.
    func resolve(_ request: Int32) -> Int32 {
        switch redundancy {
        case .virtualIP: return members[holder]
        case .dns:
            let r = requests.records[Int(request)]
            let base = Int(VirtualAddress.mix(UInt64(bitPattern: r.created)) % UInt64(members.count))
            return members[(base + Int(r.attempt)) % members.count]
        }
    }

    /// SplitMix64's finalizer: spreads consecutive creation times evenly over the replicas.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Replica `node` of this address has crashed: if it held the address, a backup takes it over
    /// after the detection time.
    func memberCrashed(_ node: Node) {
        guard case .virtualIP(let detection) = redundancy, members[holder] == node.id, !moveScheduled else { return }
        moveScheduled = true
        sim.schedule(after: detection, to: id, kind: VirtualAddress.Event.move.rawValue)
    }

    public override func handlePrivate(kind: Int32, arg: Int64) {
        guard case .virtualIP(let detection) = redundancy else { return }
        moveScheduled = false
        guard model.nodes[Int(members[holder])].down else { return }
        for step in 1..<max(members.count, 1) {
            let i = (holder + step) % members.count
            if !model.nodes[Int(members[i])].down {
                holder = i
                if sim.now >= model.warmupEnd { moves += 1 }
                return
            }
        }
        // Every replica is down: look again after another detection period.
        moveScheduled = true
        sim.schedule(after: detection, to: id, kind: VirtualAddress.Event.move.rawValue)
    }

    public override func receive(_ request: Int32) { preconditionFailure("a virtual address is resolved before sending") }
}
