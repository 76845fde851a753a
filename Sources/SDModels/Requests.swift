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
public final class RequestTable {
    /// The records; index with a request id.
    public var records: [RequestRecord] = []
    private var freeList: [Int32] = []

    /// An empty table.
    public init() {}

    /// Takes a fresh record and returns its id.
    public func allocate(workload: Int32, created: Int64, measured: Bool) -> Int32 {
        let id: Int32
        if let reused = freeList.popLast() {
            id = reused
        } else {
            records.append(RequestRecord())
            id = Int32(records.count - 1)
        }
        records[Int(id)].workload = workload
        records[Int(id)].routeIndex = 0
        records[Int(id)].created = created
        records[Int(id)].measured = measured
        records[Int(id)].failed = false
        records[Int(id)].frames.removeAll(keepingCapacity: true)
        return id
    }

    /// The top frame of a request's stack: the component holding it. Reads in place, without
    /// copying the record (a copy would share the frame array and force a copy on the next push).
    @inline(__always) public func top(_ id: Int32) -> Frame {
        records[Int(id)].frames[records[Int(id)].frames.count - 1]
    }

    /// Returns a record to the pool.
    public func release(_ id: Int32) { freeList.append(id) }

    /// Requests currently in flight.
    public var inFlight: Int { records.count - freeList.count }
}
