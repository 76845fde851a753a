import SDConfig

/// The truth about data, kept beside the models so that they can tell a stale read from a fresh
/// one: for every key written so far, the latest version the system of record has committed.
///
/// Components that copy data (caches, read replicas) remember which version they hold and compare
/// it here when they serve a read. Memory grows with the number of distinct keys written, which
/// for a keyed workload is at most its key space.
public final class DataVersions {
    private var latest: [UInt64: UInt32] = [:]
    /// Writes committed so far.
    public private(set) var commits = 0

    /// An empty store: every key at version 0.
    public init() {}

    /// Commits a write of `key` and returns its new version (1 for the first write).
    @discardableResult
    public func commit(_ key: UInt64) -> UInt32 {
        commits += 1
        let v = (latest[key] ?? 0) &+ 1
        latest[key] = v
        return v
    }

    /// A failover lost the writes of `key` after `version`: the newest surviving version becomes
    /// the latest again, and the next commit reuses the number after it. ``commits`` still counts
    /// the lost writes (they did commit, on the old primary). A reused number is not told apart
    /// from the lost write that first had it (a read-your-writes check compares numbers only), and
    /// a cache still holding a lost version is not flagged stale.
    public func rollBack(_ key: UInt64, to version: UInt32) {
        guard let v = latest[key], version < v else { return }
        latest[key] = version == 0 ? nil : version
    }

    /// The latest committed version of `key` (0 if never written).
    public func version(of key: UInt64) -> UInt32 { latest[key] ?? 0 }

    /// Whether a copy at `version` of `key` is behind the latest commit.
    public func isStale(_ key: UInt64, version: UInt32) -> Bool { version < (latest[key] ?? 0) }

    /// Distinct keys written so far.
    public var keysWritten: Int { latest.count }

    // MARK: Acknowledged writes (read-your-writes)

    private struct WorkloadKey: Hashable {
        var workload: Int32
        var key: UInt64
    }
    private var acknowledged: [WorkloadKey: UInt32] = [:]

    /// Records that a write of `key` at `version` was acknowledged to a client of `workload` (its
    /// response reached the client). Memory grows with the distinct (workload, key) pairs written.
    public func acknowledge(_ key: UInt64, version: UInt32, workload: Int32) {
        let k = WorkloadKey(workload: workload, key: key)
        if version > acknowledged[k] ?? 0 { acknowledged[k] = version }
    }

    /// The newest version of `key` acknowledged so far to a client of `workload` (0 if none): a
    /// read by that workload that returns an older version breaks read-your-writes.
    public func acknowledgedVersion(of key: UInt64, workload: Int32) -> UInt32 {
        acknowledged[WorkloadKey(workload: workload, key: key)] ?? 0
    }
}
