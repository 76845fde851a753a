/// One level of a request's call stack: the component holding it, and how it got there.
public struct Frame: Sendable {
    /// The component (its handler id in the simulation).
    public var node: Int32
    /// True when the component was called off-route (a cache miss going to the database):
    /// when it finishes, the request goes back to the caller instead of along the route.
    public var isSubcall: Bool
    /// Component-private progress marker (a cache sets it while waiting for its miss to return).
    public var phase: UInt8
    /// When the request arrived at this component, in nanoseconds.
    public var arrivedAt: Int64
}

/// The state of one request in flight.
public struct RequestRecord: Sendable {
    /// Index of its workload.
    public var workload: Int32 = 0
    /// Index in the workload's route of the hop it is at (or last visited).
    public var routeIndex: Int32 = 0
    /// Creation time at the client, in nanoseconds.
    public var created: Int64 = 0
    /// Whether it arrived after the warm-up and so enters the statistics.
    public var measured: Bool = false
    /// Set when a component rejected it; the error response travels back like a normal one.
    public var failed: Bool = false
    /// The call stack: the client at the bottom, the component holding the request on top.
    /// Its storage is kept when the record is recycled, so steady state allocates nothing.
    public var frames: [Frame] = []
}

/// A pool of request records indexed by small integers. Memory grows with the number of requests
/// in flight, never with simulated time: finished records are recycled.
///
/// The records live in manually managed memory rather than a Swift `Array`: reading a field of an
/// array element held by a class costs a retain and a release of the array's buffer, and those
/// reference counts were the largest single cost of an M/M/1 run.
public final class RequestTable {
    /// The records; index with a request id. Valid until the next ``allocate(workload:created:measured:)``.
    public private(set) var records: UnsafeMutablePointer<RequestRecord>
    private var capacity: Int
    private var count = 0
    private var freeList: [Int32] = []

    /// An empty table.
    public init() {
        capacity = 64
        records = .allocate(capacity: capacity)
    }

    deinit {
        records.deinitialize(count: count)
        records.deallocate()
    }

    /// Takes a fresh record and returns its id.
    public func allocate(workload: Int32, created: Int64, measured: Bool) -> Int32 {
        let id: Int32
        if let reused = freeList.popLast() {
            id = reused
        } else {
            if count == capacity { grow() }
            (records + count).initialize(to: RequestRecord())
            id = Int32(count)
            count += 1
        }
        let r = records + Int(id)
        r.pointee.workload = workload
        r.pointee.routeIndex = 0
        r.pointee.created = created
        r.pointee.measured = measured
        r.pointee.failed = false
        r.pointee.frames.removeAll(keepingCapacity: true)
        return id
    }

    private func grow() {
        let bigger = UnsafeMutablePointer<RequestRecord>.allocate(capacity: capacity * 2)
        bigger.moveInitialize(from: records, count: count)
        records.deallocate()
        records = bigger
        capacity *= 2
    }

    /// The top frame of a request's stack: the component holding it.
    @inline(__always) public func top(_ id: Int32) -> Frame {
        let r = records + Int(id)
        return r.pointee.frames[r.pointee.frames.count - 1]
    }

    /// Returns a record to the pool.
    public func release(_ id: Int32) { freeList.append(id) }

    /// Requests currently in flight.
    public var inFlight: Int { count - freeList.count }
}
