import SDConfig

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
    /// Component-private value, one meaning per kind of component (a load balancer keeps the index
    /// of the replica it chose, a coordinator the number of participants that prepared).
    public var aux: Int32 = 0
    /// Whether the request holds one of this component's workers until it departs
    /// (a thread-per-request server). Kept apart from ``aux``, which the component may use too.
    public var holdsWorker: Bool = false
    /// The node's life (``Node/epoch``) when the request was sent to it: a frame from before a
    /// crash belongs to a request the crash already accounted for.
    public var epoch: UInt32 = 0
    /// The bytes the request carries at this hop (its payload for this component, see `PayloadTable`).
    public var size: Double = 0

    /// A frame for `node`.
    public init(node: Int32, isSubcall: Bool, phase: UInt8 = 0, arrivedAt: Int64, aux: Int32 = 0, epoch: UInt32 = 0,
                size: Double = 0) {
        self.node = node; self.isSubcall = isSubcall; self.phase = phase; self.arrivedAt = arrivedAt; self.aux = aux
        self.epoch = epoch; self.size = size
    }
}

/// Where a request stands in a two-phase commit, as the participant it is sent to sees it.
public enum TransactionPhase: UInt8, Sendable {
    /// Not part of a distributed transaction.
    case none = 0
    /// Prepare: do the work and keep the lock (the worker) until the commit.
    case prepare
    /// Commit (or abort): finish with the worker that holds the lock and release it.
    case commit
}

/// Why a request failed, for the ledger.
public enum FailureReason: UInt8, Sendable, CaseIterable {
    /// Not failed.
    case none = 0
    /// A full waiting room turned it away.
    case rejected
    /// The client gave up waiting for it.
    case timedOut
    /// No healthy target could take it.
    case targetDown
    /// It was inside a component that crashed.
    case lostInCrash
    /// A network partition stood between two of the components it needed.
    case partitioned

    /// The name used in reports.
    public var name: String {
        switch self {
        case .none: return "none"
        case .rejected: return "rejected"
        case .timedOut: return "timed-out"
        case .targetDown: return "target-down"
        case .lostInCrash: return "lost-in-crash"
        case .partitioned: return "partitioned"
        }
    }
}

/// The state of one request in flight.
public struct RequestRecord: Sendable {
    /// Index of its workload.
    public var workload: Int32 = 0
    /// Index in the workload's route of the hop it is at (or last visited).
    public var routeIndex: Int32 = 0
    /// Creation time at the client, in nanoseconds.
    public var created: Int64 = 0
    /// When the user action behind it happened, in nanoseconds: ``created`` for a client's request;
    /// for work a node does on its own behalf (a queue consumer's call), the creation time of the
    /// request that produced the message. A feed service measures how long a post takes to show.
    public var origin: Int64 = 0
    /// Whether it arrived after the warm-up and so enters the statistics.
    public var measured: Bool = false
    /// Set when a component rejected it; the error response travels back like a normal one.
    public var failed: Bool = false
    /// Why it failed, when `failed`.
    public var failure: FailureReason = .none
    /// Index of its route (one per workload and request class).
    public var route: Int32 = 0
    /// Index of its request type in ``ModelConfig/requestTypes``.
    public var type: Int32 = 0
    /// Its phase in a two-phase commit, as seen by the participant it is being sent to.
    public var txPhase: TransactionPhase = .none
    /// Whether it changes data (its class is a write).
    public var isWrite: Bool = false
    /// The key it reads or writes (1...N), or 0 for workloads without keys.
    public var key: UInt64 = 0
    /// The region of the user who sent it: 1 + its index in ``ModelConfig/regions``, 0 for none.
    public var region: UInt8 = 0
    /// Payload size in bytes at the hop that holds the request now (0 when none is declared): its
    /// type's `payload:` for that component, else ``baseSize``.
    public var size: Double = 0
    /// The size its client drew for it (`size:`), which every hop without a payload of its own carries.
    public var baseSize: Double = 0
    /// The version of the key's data this request carries, once ``hasVersion``: for a write, the
    /// version it committed; for a read, the version it read (from the system of record or a cache).
    public var version: UInt32 = 0
    /// Whether ``version`` is set: a write has been committed, or a read has been answered with data.
    public var hasVersion: Bool = false
    /// Which attempt of its logical request this is (0 for the first).
    public var attempt: Int32 = 0
    /// Changes every time the record is reused, so that a stale timer can tell it is stale.
    public var generation: UInt32 = 0
    /// The client stopped waiting for it (timed out); its reply, if any, is dropped.
    public var abandoned: Bool = false
    /// Whether the record is in use (between allocate and release).
    public var live: Bool = false
    /// Whether it is on the wire: a delivery event (request or reply) is scheduled for it.
    public var inTransit: Bool = false
    /// The call stack: the client at the bottom, the component holding the request on top.
    /// Its storage is kept when the record is recycled, so steady state allocates nothing.
    public var frames: [Frame] = []
}

/// The request records, in the slots of a ``SlotPool``: memory grows with the number of requests
/// in flight, never with simulated time.
public final class RequestTable {
    private var pool = SlotPool<RequestRecord>()
    /// The records; index with a request id. Valid until the next ``allocate(workload:created:measured:)``.
    public var records: UnsafeMutablePointer<RequestRecord> {
        @inline(__always) get { pool.base }
    }

    /// An empty table.
    public init() {}

    /// Takes a fresh record and returns its id.
    public func allocate(workload: Int32, created: Int64, measured: Bool) -> Int32 {
        if pool.takesNewSlot && pool.count >= limit { reachedLimit() }
        let id = pool.take { RequestRecord() }
        let r = records + Int(id)
        r.pointee.workload = workload
        r.pointee.routeIndex = 0
        r.pointee.created = created
        r.pointee.origin = created
        r.pointee.measured = measured
        r.pointee.failed = false
        r.pointee.failure = .none
        r.pointee.route = 0
        r.pointee.type = 0
        r.pointee.isWrite = false
        r.pointee.txPhase = .none
        r.pointee.key = 0
        r.pointee.region = 0
        r.pointee.size = 0
        r.pointee.baseSize = 0
        r.pointee.version = 0
        r.pointee.hasVersion = false
        r.pointee.attempt = 0
        r.pointee.generation &+= 1
        r.pointee.abandoned = false
        r.pointee.live = true
        r.pointee.inTransit = false
        r.pointee.frames.removeAll(keepingCapacity: true)
        return id
    }

    /// Records in use past which ``onLimit`` is called (once): the memory budget for requests in
    /// flight. Checked only when the table takes a record it never had, off the per-event path.
    public var limit = Int.max
    /// Called when ``limit`` is reached; the table keeps working.
    public var onLimit: (() -> Void)?

    private func reachedLimit() {
        let call = onLimit
        onLimit = nil
        limit = .max
        call?()
    }

    /// The top frame of a request's stack: the component holding it.
    @inline(__always) public func top(_ id: Int32) -> Frame {
        let r = records + Int(id)
        return r.pointee.frames[r.pointee.frames.count - 1]
    }

    /// Returns a record to the pool.
    public func release(_ id: Int32) {
        precondition(records[Int(id)].live, "a request was released twice")
        records[Int(id)].live = false
        pool.give(id)
    }

    /// Ids of the records in use, in id order (for crash handling and the ledger; O(records)).
    public var liveIds: [Int32] { (0..<pool.count).compactMap { records[$0].live ? Int32($0) : nil } }

    /// Requests currently in flight.
    public var inFlight: Int { pool.inUse }
}
