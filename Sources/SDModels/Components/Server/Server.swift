import SDEngine
import SDMetrics
import SDConfig

/// `kind: server`: a station that passes each request on when its service ends, after making its
/// downstream `calls` one at a time.
public final class Server: Station {
    /// Handler ids of the components called after the service time, in order.
    public private(set) var callTargets: [Int32] = []
    private let calls: [String]
    /// Whether the calls form one atomic transaction (two-phase commit when they span machines).
    public let atomic: Bool
    private var twoPhase = false
    private var transactions = 0, localTransactions = 0, aborted = 0
    private var lockHold = Tally()
    /// When each prepared transaction took its lock here (entries removed at commit).
    private var lockedAt: [Int32: Int64] = [:]

    /// A server's own events.
    enum Event: Int32, CaseIterable {
        case commitDone = 16
    }
    /// Phases of the coordinator's frame: 1...n prepare call i; `commitBase + i` commit (or abort) call i.
    private static let commitBase = UInt8(ComponentEdge.maxCalls + 1)

    /// CPU after each call, and per call on the caller (see ``ServerConfig``).
    private let afterCalls: [Distribution]
    private let callCost: Distribution?

    /// A server.
    public init(name: String, group: String, model: Model, config: ServerConfig) {
        calls = config.calls
        atomic = config.atomic
        afterCalls = config.afterCalls
        callCost = config.callCost
        precondition(!config.computesAfterCalls || (config.mode == .threadPerRequest && !config.atomic),
                     "CPU after calls needs thread-per-request and no transaction")
        precondition(config.afterCalls.isEmpty || config.afterCalls.count == config.calls.count)
        super.init(name: name, group: group, model: model, workers: config.workers, service: config.service,
                   queueLimit: config.queueLimit, holdsWorker: config.mode == .threadPerRequest)
        if config.processes > 1 || config.processLock || config.computesAfterCalls {
            organise(processes: config.processes, lock: config.processLock, segmented: config.computesAfterCalls,
                     switchInterval: config.switchInterval)
        }
    }

    public override func wire() {
        callTargets = calls.map(model.callTarget)
        // A transaction whose participants all share this server's machine commits locally, in one
        // phase; one that spans machines pays for two-phase commit.
        twoPhase = atomic && callTargets.contains { target in machineIndex < 0 || model.nodes[Int(target)].machineIndex != machineIndex }
    }

    /// Service is over: make the first call, or (with none) act as the system of record for a
    /// keyed request at the end of its path (``Model/settleData(_:)``) and move on.
    public override func serviceCompleted(_ request: Int32) {
        if requests.records[Int(request)].txPhase == .prepare { lockedAt[request] = sim.now.ns }
        guard !callTargets.isEmpty else {
            model.settleData(request)
            return model.finish(request, at: self)
        }
        if atomic && sim.now >= model.warmupEnd { if twoPhase { transactions += 1 } else { localTransactions += 1 } }
        call(request, index: 0, phase: 1)
    }

    private func call(_ request: Int32, index: Int, phase: UInt8) {
        model.setPhase(request, phase)
        if twoPhase {
            requests.records[Int(request)].txPhase = phase >= Server.commitBase ? .commit : .prepare
        }
        model.call(request, target: callTargets[index], from: self)
    }

    /// A call answered: make the next call, or move on; a failed call fails the request (a failed
    /// prepare aborts the transaction: the participants that prepared are released first).
    public override func reply(_ request: Int32) {
        let phase = requests.top(request).phase
        let failed = requests.records[Int(request)].failed
        requests.records[Int(request)].txPhase = .none
        guard phase > 0 else { return model.unwind(request, from: self) }
        if phase >= Server.commitBase {
            let next = Int(phase - Server.commitBase) + 1
            let prepared = twoPhase ? Int(requests.top(request).aux) : callTargets.count
            if next < prepared { return call(request, index: next, phase: Server.commitBase + UInt8(next)) }
            model.setPhase(request, 0)
            return failed ? model.unwind(request, from: self) : model.finish(request, at: self)
        }
        if failed {
            // A prepare failed: abort the participants that prepared before it, then fail.
            let prepared = Int(phase) - 1
            if twoPhase && prepared > 0 {
                if sim.now >= model.warmupEnd { aborted += 1 }
                model.setAux(request, Int32(prepared))
                return call(request, index: 0, phase: Server.commitBase)
            }
            model.setPhase(request, 0)
            return model.unwind(request, from: self)
        }
        if !afterCalls.isEmpty || callCost != nil {
            var cpu = callCost?.sampleDuration(stream) ?? .zero
            if !afterCalls.isEmpty { cpu = cpu + afterCalls[Int(phase) - 1].sampleDuration(stream) }
            if cpu.ns > 0 { return compute(request, cpu, afterCall: true) }
        }
        afterCallsDone(request, phase: phase)
    }

    /// The CPU after call `phase` is done.
    public override func computedAfterCall(_ request: Int32) { afterCallsDone(request, phase: requests.top(request).phase) }

    /// Call `phase` has answered and its CPU is done: the next call, or move on.
    private func afterCallsDone(_ request: Int32, phase: UInt8) {
        if Int(phase) < callTargets.count { return call(request, index: Int(phase), phase: phase + 1) }
        if twoPhase {
            model.setAux(request, Int32(callTargets.count))
            return call(request, index: 0, phase: Server.commitBase)
        }
        model.setPhase(request, 0)
        model.finish(request, at: self)
    }

    // MARK: As a participant in someone else's transaction

    /// A prepare keeps its worker as the transaction's lock.
    public override func keepsWorker(_ request: Int32) -> Bool {
        requests.records[Int(request)].txPhase == .prepare
    }

    /// A commit (or abort) is done by the worker that holds the lock, without queueing.
    public override func receive(_ request: Int32) {
        guard requests.records[Int(request)].txPhase == .commit else { return super.receive(request) }
        sim.schedule(after: service.sampleDuration(stream), to: id, kind: Server.Event.commitDone.rawValue, arg: tagged(request))
    }

    public override func handlePrivate(kind: Int32, arg: Int64) {
        guard kind == Server.Event.commitDone.rawValue else { return super.handlePrivate(kind: kind, arg: arg) }
        guard let request = untag(arg) else { return }
        if let lockedSince = lockedAt.removeValue(forKey: request), lockedSince >= model.warmupEnd.ns {
            lockHold.add(Double(sim.now.ns - lockedSince) / 1e9)
        }
        release(request)
        model.finish(request, at: self)
    }

    public override func crashed() {
        super.crashed()
        lockedAt.removeAll()
    }

    public override func result(window: SimDuration, end: SimTime) -> ComponentResult? {
        guard var r = super.result(window: window, end: end) else { return nil }
        if atomic {
            r.extra = [("transactions_2pc", Double(transactions)), ("transactions_local", Double(localTransactions)),
                       ("transactions_aborted", Double(aborted))]
        }
        if lockHold.count > 0 { r.extra.append(("lock_hold_mean", lockHold.mean)) }
        return r
    }
}
