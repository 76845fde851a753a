import SDEngine
import SDConfig

/// What a message or a table row carries over from the request that produced it, so that the
/// work done for it later (a consumer's database call) has the same key, size and type.
public struct Payload: Sendable, Equatable {
    /// The producer's key (0 when its workload has none).
    public var key: UInt64
    /// The producer's payload size in bytes (its base size: the work done for it later carries
    /// its type's payloads to the components it calls).
    public var size: Double
    /// The producer's request type (index in ``ModelConfig/requestTypes``).
    public var type: Int32
    /// Whether the producer's request was a write.
    public var isWrite: Bool
    /// When the user action behind the producer's request happened (``RequestRecord/origin``), in nanoseconds.
    public var origin: Int64
    /// The producer's region (``RequestRecord/region``; 0 for none).
    public var region: UInt8 = 0

    /// A payload.
    public init(key: UInt64 = 0, size: Double = 0, type: Int32 = 0, isWrite: Bool = false, origin: Int64 = 0, region: UInt8 = 0) {
        self.key = key; self.size = size; self.type = type; self.isWrite = isWrite; self.origin = origin; self.region = region
    }

    /// The payload of request `request`.
    init(of request: Int32, in table: RequestTable) {
        let r = table.records + Int(request)
        self.init(key: r.pointee.key, size: r.pointee.baseSize, type: r.pointee.type, isWrite: r.pointee.isWrite,
                  origin: r.pointee.origin, region: r.pointee.region)
    }
}

/// Work a component does on its own behalf rather than for a request passing through: a queue's
/// consumer processing a message, a poller querying its table or processing a row.
///
/// Such work travels as a request of the component's own, whose call stack holds only the
/// component's frame (a request from a client always has the client's frame below). Its frame's
/// `aux` names the worker that owns it (a consumer or poller index) and its `phase` counts the
/// calls made so far (0 for a request that makes none, such as a poll).
extension Node {
    /// A new request of this node's own, created now, with its frame alone on the stack.
    func ownRequest(owner: Int32, payload: Payload, measured: Bool) -> Int32 {
        let now = sim.now.ns
        let request = requests.allocate(workload: -1, created: now, measured: measured)
        let r = requests.records + Int(request)
        r.pointee.key = payload.key
        r.pointee.region = payload.region
        r.pointee.size = payload.size
        r.pointee.baseSize = payload.size
        r.pointee.type = payload.type
        r.pointee.isWrite = payload.isWrite
        r.pointee.origin = payload.origin
        r.pointee.frames.append(Frame(node: id, isSubcall: false, phase: 0, arrivedAt: now, aux: owner, size: payload.size))
        return request
    }

    /// Whether `request` is one of this node's own (its frame alone on the stack).
    func isOwnRequest(_ request: Int32) -> Bool {
        let r = requests.records + Int(request)
        return r.pointee.frames.count == 1 && r.pointee.frames[0].node == id
    }

    /// Starts the chain of `targets` (not empty) for the worker `owner`: a new own request calls
    /// the first target; ``continueOwnCalls(_:targets:)`` makes the others as the replies come.
    func startOwnCalls(_ targets: [Int32], owner: Int32, payload: Payload, measured: Bool) -> Int32 {
        precondition(!targets.isEmpty && targets.count <= ComponentEdge.maxCalls)
        let request = ownRequest(owner: owner, payload: payload, measured: measured)
        model.setPhase(request, 1)
        model.call(request, target: targets[0], from: self)
        return request
    }

    /// A call of an own chain answered: makes the next call and returns nil, or, when the chain is
    /// over, recycles the request and returns whether every call succeeded (a failed call, such as
    /// one turned away by a full queue, ends the chain at once).
    func continueOwnCalls(_ request: Int32, targets: [Int32]) -> Bool? {
        let r = requests.records + Int(request)
        let made = Int(requests.top(request).phase)
        if r.pointee.failed || made >= targets.count {
            let ok = !r.pointee.failed
            requests.release(request)
            return ok
        }
        model.setPhase(request, UInt8(made + 1))
        model.call(request, target: targets[made], from: self)
        return nil
    }
}
