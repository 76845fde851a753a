import SDConfig
import SDEngine

/// The per-hop payloads of a run, by request type and component group.
///
/// A request keeps the size its client drew (``RequestRecord/baseSize``); each hop it is sent to
/// has its own size, kept in the hop's frame (``Frame/size``): the type's payload for that
/// group if it declares one (drawn when the request is sent there), the base size otherwise.
/// ``RequestRecord/size`` is the size at the hop that holds the request now, so components read
/// one field whatever the scenario declares.
final class PayloadTable {
    /// Whether any request type declares a payload; when false every hop carries the base size.
    let active: Bool
    private let groupCount: Int
    /// Indexed by type × groupCount + group.
    private let sizes: [Distribution?]
    /// Bytes and number of the derived objects (`copies`) of each request type.
    let copiesBytes: [Double]
    let copiesCount: [Int]
    private let stream: RandomStream

    init(config: ModelConfig, stream: RandomStream) {
        let types = config.requestTypes
        let groups = config.components.map(\.name)
        groupCount = groups.count
        var sizes = [Distribution?](repeating: nil, count: types.count * groups.count)
        var copiesBytes = [Double](repeating: 0, count: types.count)
        var copiesCount = [Int](repeating: 0, count: types.count)
        for w in config.workloads {
            for c in w.mix {
                guard let t = types.firstIndex(of: c.type) else { continue }
                for p in c.payloads {
                    guard let g = groups.firstIndex(of: p.component), sizes[t * groups.count + g] == nil else { continue }
                    sizes[t * groups.count + g] = p.size
                }
                if copiesCount[t] == 0 && !c.copies.isEmpty {
                    copiesBytes[t] = c.copies.reduce(0, +)
                    copiesCount[t] = c.copies.count
                }
            }
        }
        self.sizes = sizes
        self.copiesBytes = copiesBytes
        self.copiesCount = copiesCount
        self.active = sizes.contains { $0 != nil }
        self.stream = stream
    }

    /// Whether requests of type `type` carry a payload of their own to group `group`.
    func declares(type: Int32, group: Int32) -> Bool {
        group >= 0 && sizes[Int(type) * groupCount + Int(group)] != nil
    }

    /// The bytes a request of type `type` whose base size is `base` carries to group `group` (−1: none).
    @inline(__always)
    func hopSize(type: Int32, group: Int32, base: Double) -> Double {
        guard group >= 0, let d = sizes[Int(type) * groupCount + Int(group)] else { return base }
        return max(0, d.sample(stream))
    }
}
