import SDEngine
import SDConfig

/// Event kinds every node understands. A node class numbers its own kinds in an `Event` enum of
/// its own, from ``NodeEvent/firstPrivate`` (a ``Station`` subclass from ``Station/firstSubclassEvent``),
/// so that no kind is ever computed by adding to another.
public enum NodeEvent: Int32, CaseIterable {
    /// A request arrives over the network (arg: request id).
    case deliverRequest = 0
    /// A reply arrives over the network (arg: request id).
    case deliverReply = 1

    /// The first kind a node class may use for its own events.
    public static let firstPrivate: Int32 = 2
}

extension CaseIterable where Self: RawRepresentable, RawValue == Int32 {
    /// Every event kind of an `Event` enum, as the engine sees it.
    static var allRawValues: [Int32] { allCases.map(\.rawValue) }
}

/// A component instance in the running model: a server, a cache, a load balancer or a client.
///
/// Subclasses override ``receive(_:)`` (a request arrives), ``reply(_:)`` (the response from a
/// downstream call comes back) and ``handlePrivate(kind:arg:)`` (their own timers).
open class Node: EventHandler {
    /// Handler id in the simulation, also the index in ``Model/nodes``.
    public internal(set) var id: Int32 = -1
    /// Instance name (`app-2`).
    public let name: String
    /// The group it belongs to (`app`); equal to `name` when not replicated.
    public let group: String
    /// The model it is part of. Unowned: the model owns its nodes.
    /// Whether it is down (crashed and not yet restarted).
    public internal(set) var down = false
    /// Increases at every crash; frames and timers from an earlier life are ignored.
    public internal(set) var epoch: UInt32 = 0
    /// Service times are multiplied by this (a gray failure: slow, not dead).
    public internal(set) var slowFactor: Double = 1
    /// Extra one-way latency on every hop to or from this node (a latency spike).
    public internal(set) var extraLatency: Distribution?
    /// Which side of a network partition it is on (0: no partition).
    public internal(set) var partitionSide: Int = 0
    /// Whether it is a ``VirtualAddress``: requests sent to it go to the replica it resolves to.
    public internal(set) var isVirtual = false
    /// The virtual address this node is a replica behind (a replicated load balancer's), if any.
    public internal(set) weak var address: VirtualAddress?
    /// Index of the machine instance it runs on in ``Model/machines`` (−1: none).
    public internal(set) var machineIndex: Int32 = -1
    /// Unowned(unsafe) because the model outlives its nodes, and the per-event reference counting
    /// of a safe reference cost a third of the run time.
    public unowned(unsafe) let model: Model
    /// The model's simulation, cached for the same reason.
    public unowned(unsafe) let sim: Simulation
    /// The model's request table, cached for the same reason.
    public unowned(unsafe) let requests: RequestTable

    /// A node; the model registers it.
    public init(name: String, group: String, model: Model) {
        self.name = name; self.group = group; self.model = model
        self.sim = model.sim; self.requests = model.requests
    }

    /// Called when the run starts, to schedule the node's first timers (arrivals, probes).
    open func start() {}

    /// Called once after every node of the model exists: resolve the names of the components this
    /// node sends to (``Model/callTarget(_:)``, ``Model/instances(of:)``).
    open func wire() {}

    /// A request arrives; the node's frame is already on top of the request's stack.
    open func receive(_ request: Int32) { model.finish(request, at: self) }

    /// The response of a call this node made comes back; its own frame is on top again.
    open func reply(_ request: Int32) { model.unwind(request, from: self) }

    /// Whether a crash can clear this node's state: it then drops the requests it holds. Nodes
    /// that cannot (the default) keep serving what they hold and only refuse new arrivals while down.
    open var supportsCrash: Bool { false }

    /// The node has just crashed (``down`` is set and ``epoch`` increased): forget the requests
    /// it holds (the model has already told their clients) and its in-memory state.
    open func crashed() {}

    /// The node is back after a crash.
    open func restarted() {}

    /// Whether the node fails in parts of its own rather than as a whole (a database loses its
    /// shards' primaries while its replicas keep serving reads): ``Model/crash(_:part:)`` and
    /// ``Model/restart(_:part:)`` then call ``crashPart(_:)`` and ``restartPart(_:)``, and the
    /// node itself never goes ``down``.
    open var crashesInParts: Bool { false }

    /// Crashes the part named `part` (nil: the part a crash of the whole node means), writing off
    /// the requests it holds. Only called when ``crashesInParts``.
    open func crashPart(_ part: String?) {}

    /// Restarts the part named `part` (nil: every part that is down). Only called when ``crashesInParts``.
    open func restartPart(_ part: String?) {}

    /// Whether `part` names a part of this node that a failure can target (`shard-2.primary` of
    /// the database `db`, written `db.shard-2.primary`).
    open func hasPart(_ part: String) -> Bool { false }

    /// Empty any cached data (a cache flush). Nothing by default.
    open func flush() {}

    /// The request is leaving this node for good: its frame is about to be popped and the reply
    /// sent to the caller. A node that holds a worker until then releases it here.
    open func departing(_ request: Int32) {}

    /// A private event scheduled by this node.
    open func handlePrivate(kind: Int32, arg: Int64) {}

    /// Engine entry point: dispatches network deliveries and private events.
    public final func handle(kind: Int32, arg: Int64, sim: Simulation) {
        switch kind {
        case NodeEvent.deliverRequest.rawValue:
            requests.records[Int(arg)].inTransit = false
            model.arrives(Int32(truncatingIfNeeded: arg), at: self)
        case NodeEvent.deliverReply.rawValue:
            requests.records[Int(arg)].inTransit = false
            model.replyArrives(Int32(truncatingIfNeeded: arg), at: self)
        default: handlePrivate(kind: kind, arg: arg)
        }
    }

    /// Statistics of this node over the measured window; nil for nodes that report nothing (clients).
    open func result(window: SimDuration, end: SimTime) -> ComponentResult? { nil }

    /// The report rows of this node: by default its ``result(window:end:)``. A node with internal
    /// stations (a database's primaries and replicas) adds a row for each after its own.
    open func results(window: SimDuration, end: SimTime) -> [ComponentResult] {
        result(window: window, end: end).map { [$0] } ?? []
    }
}
