import SDEngine

extension HashRing {
    /// The first `count` distinct targets clockwise from `key`'s point: Dynamo's preference list,
    /// where a key's N replicas live. The first is ``owner(of:)``; adding a target changes the
    /// list only of the keys whose walk meets one of its points. Fewer than `count` when the ring
    /// has fewer targets. `into` is filled (and emptied first) so that callers reuse one buffer.
    public func preferenceList(of key: UInt64, count: Int, into list: inout [Int]) {
        list.removeAll(keepingCapacity: true)
        let want = Swift.min(count, targets.count)
        guard want > 0 else { return }
        let points = positions.count
        var i = HashRing.lowerBound(positions, HashRing.mix(key))
        if i == points { i = 0 }
        for _ in 0..<points {
            let target = targets[Int(slots[i])]
            if !list.contains(target) {
                list.append(target)
                if list.count == want { return }
            }
            i += 1
            if i == points { i = 0 }
        }
    }
}
