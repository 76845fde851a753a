import DequeModule
import SDEngine
import SDMetrics
import SDConfig

/// What became of every message a queue was given, over the whole run (warm-up included): each
/// ends acknowledged, dead-lettered, or still in the queue (waiting, or received and in flight).
/// The waiting and in-flight counts are kept as the queue runs and found again by a scan of its
/// message table and of its line, so a message that slipped out of the books shows up.
public struct MessageLedger: Sendable, Equatable {
    /// Messages put in the queue (by producers, or dead-lettered into it by another queue).
    public var enqueued: Int
    /// Messages deleted by a consumer's acknowledgement.
    public var acknowledged: Int
    /// Messages that came back after `max-receives` receives and were moved out.
    public var deadLettered: Int
    /// Messages waiting to be delivered, by the running count.
    public var waiting: Int
    /// Messages received and not yet acknowledged, by the running count.
    public var inFlight: Int
    /// Waiting messages found in the message table.
    public var waitingFound: Int
    /// In-flight messages found in the message table.
    public var inFlightFound: Int
    /// Waiting messages found in the delivery line.
    public var waitingInLine: Int

    /// A ledger.
    public init(enqueued: Int, acknowledged: Int, deadLettered: Int, waiting: Int, inFlight: Int,
                waitingFound: Int, inFlightFound: Int, waitingInLine: Int) {
        self.enqueued = enqueued; self.acknowledged = acknowledged; self.deadLettered = deadLettered
        self.waiting = waiting; self.inFlight = inFlight; self.waitingFound = waitingFound
        self.inFlightFound = inFlightFound; self.waitingInLine = waitingInLine
    }

    /// Every discrepancy, in words; empty when every message is accounted for exactly once.
    public var problems: [String] {
        var out: [String] = []
        let accounted = acknowledged + deadLettered + waiting + inFlight
        if accounted != enqueued {
            out.append("\(enqueued) messages enqueued but \(accounted) accounted for (\(acknowledged) acknowledged, "
                       + "\(deadLettered) dead-lettered, \(waiting) waiting, \(inFlight) in flight)")
        }
        if waitingFound != waiting { out.append("\(waiting) messages counted as waiting but \(waitingFound) found in the table") }
        if inFlightFound != inFlight { out.append("\(inFlight) messages counted as in flight but \(inFlightFound) found in the table") }
        if waitingInLine != waiting { out.append("\(waiting) messages counted as waiting but \(waitingInLine) found in the line") }
        return out
    }

    /// Whether every message is accounted for.
    public var isBalanced: Bool { problems.isEmpty }
}

/// `kind: queue`: producers' requests are enqueued as persistent messages and acknowledged at once
/// (after the enqueue API's `service` time, on its `workers`), then go on along their route.
/// Built-in consumers process the messages.
///
/// Delivery follows SQS's visibility timeout. Consumers long-poll: an idle consumer waits at no
/// cost and receives a message the moment one is visible (oldest first). A received message turns
/// invisible for `visibilityTimeout`. The consumer processes it (`process`, then its `calls` in
/// order) and acknowledges (deletes) it; an attempt that fails — with probability `failureRate`,
/// or because a call failed — does not acknowledge, and nor does a crashed consumer
/// (``crashConsumers()``). When the timeout passes without an acknowledgement the message becomes
/// visible again, at the back of the line, and is delivered again (a duplicate). A message
/// received `maxReceives` times that comes back is dead-lettered: counted, and moved to
/// `deadLetterQueue` if one is named. A consumer still working when its message's timeout passes
/// may finish after the message was delivered again: its acknowledgement carries an old receipt
/// and deletes nothing (counted as a stale acknowledgement), as in SQS.
///
/// Every message is accounted for (``ledger()``); a run whose ledger does not balance stops.
public final class MessageQueue: Station {
    enum State: UInt8 { case free, waiting, inFlight }

    struct Message {
        var serial: UInt64 = 0
        var enqueuedAt: Int64 = 0
        var visibleSince: Int64 = 0
        var receives: Int32 = 0
        /// Receives in the queue it was dead-lettered from (0 for a producer's message).
        var priorReceives: Int32 = 0
        /// Changes at every change of state, so that stale timers and line entries can tell.
        var stamp: UInt32 = 0
        var state = State.free
        var measured = false
        var payload = Payload()
    }

    private let config: QueueConfig
    /// Handler ids of the components each processing attempt calls.
    public private(set) var callTargets: [Int32] = []
    private var deadLetterTarget: MessageQueue?
    private let processStream: RandomStream
    private let failStream: RandomStream

    /// The messages; a slot keeps its stamp when reused, so stale timers and line entries are ignored.
    private var messages = SlotPool<Message>()
    private var nextSerial: UInt64 = 1
    /// Waiting messages in delivery order, as `index << 32 | stamp`; entries whose stamp is stale are skipped.
    private var line = Deque<Int64>()

    // Consumers.
    /// The consumers, by number.
    private var consumers: WorkerPool
    private var consumerMessage: [Int32]
    private var consumerSerial: [UInt64]
    private var consumerReceive: [Int32]
    private var consumerPayload: [Payload]
    private var consumerMeasured: [Bool]
    private var consumerRequest: [Int32]
    private var consumerEpoch: [UInt32]

    // Depth and in-flight levels, over time.
    private var waitingLevel: LevelHistogram
    private var inFlightLevel: LevelHistogram
    private var sampler: DecimatingSampler

    // Whole-run ledger.
    private var totalEnqueued = 0
    private var totalAcknowledged = 0
    private var totalDeadLettered = 0

    // Window statistics.
    private var enqueuedCount = 0
    private var deliveredCount = 0
    private var acknowledgedCount = 0
    private var redeliveredCount = 0
    private var failedAttempts = 0
    private var deadLetteredCount = 0
    private var staleAcks = 0
    private var oldestAgeMax: Int64 = 0
    /// Per delivery: time from becoming visible to being received, seconds.
    public private(set) var deliveryWaits = Tally()
    /// Time from enqueue to the first delivery's start of processing.
    public private(set) var firstDeliveryDelay = LatencyRecorder()
    /// Time from enqueue to acknowledgement, seconds.
    public private(set) var timeToAck = Tally()

    /// A queue's own events.
    enum Event: Int32, CaseIterable {
        case processDone = 16, visibilityExpired, sample
    }

    /// A queue.
    public init(name: String, group: String, model: Model, config: QueueConfig) {
        self.config = config
        processStream = model.stream(for: name + "#process")
        failStream = model.stream(for: name + "#failure")
        let n = config.consumers
        consumerMessage = [Int32](repeating: -1, count: n)
        consumerSerial = [UInt64](repeating: 0, count: n)
        consumerReceive = [Int32](repeating: 0, count: n)
        consumerPayload = [Payload](repeating: Payload(), count: n)
        consumerMeasured = [Bool](repeating: false, count: n)
        consumerRequest = [Int32](repeating: -1, count: n)
        consumerEpoch = [UInt32](repeating: 0, count: n)
        consumers = WorkerPool(workers: n, warmupEnd: model.warmupEnd, averagesLine: false, named: true)
        waitingLevel = LevelHistogram(start: model.warmupEnd.ns)
        inFlightLevel = LevelHistogram(start: model.warmupEnd.ns)
        sampler = DecimatingSampler(start: model.warmupEnd, interval: config.sampleEvery)
        super.init(name: name, group: group, model: model, workers: config.workers, service: config.service,
                   queueLimit: config.queueLimit)
    }

    public override func wire() {
        callTargets = config.calls.map(model.callTarget)
        if let dlq = config.deadLetterQueue {
            guard let target = model.nodes[Int(model.callTarget(dlq))] as? MessageQueue else {
                preconditionFailure("dead-letter target '\(dlq)' of '\(name)' is not a queue")
            }
            deadLetterTarget = target
        }
        sim.schedule(at: sampler.nextDue, to: id, kind: MessageQueue.Event.sample.rawValue)
    }

    public override var kindName: String { "queue" }

    private var inWindow: Bool { sim.now >= model.warmupEnd }

    // MARK: Enqueue

    /// The enqueue API has stored the message: the producer's request goes on at once.
    public override func serviceCompleted(_ request: Int32) {
        let now = sim.now.ns
        enqueue(payload: Payload(of: request, in: requests), enqueuedAt: now, priorReceives: 0, measured: now >= model.warmupEnd.ns)
        model.finish(request, at: self)
    }

    /// A message dead-lettered by another queue arrives; it keeps its original enqueue time.
    func acceptDeadLetter(payload: Payload, enqueuedAt: Int64, receives: Int32, measured: Bool) {
        enqueue(payload: payload, enqueuedAt: enqueuedAt, priorReceives: receives, measured: measured)
    }

    private func enqueue(payload: Payload, enqueuedAt: Int64, priorReceives: Int32, measured: Bool) {
        let now = sim.now.ns
        let index = messages.take { Message() }
        var m = messages[index]
        precondition(m.state == .free, "queue '\(name)' reused a message slot in use")
        m.serial = nextSerial
        nextSerial += 1
        m.enqueuedAt = enqueuedAt
        m.receives = 0
        m.priorReceives = priorReceives
        m.measured = measured
        m.payload = payload
        messages[index] = m
        totalEnqueued += 1
        if now >= model.warmupEnd.ns { enqueuedCount += 1 }
        makeVisible(index, now: now)
        dispatch()
    }

    private func makeVisible(_ index: Int32, now: Int64) {
        messages[index].state = .waiting
        messages[index].stamp &+= 1
        messages[index].visibleSince = now
        line.append(Int64(index) << 32 | Int64(messages[index].stamp))
        waitingLevel.set(waitingLevel.current + 1, at: now)
    }

    // MARK: Delivery

    /// Hands waiting messages to idle consumers, oldest first.
    private func dispatch() {
        while !down, consumers.hasIdleWorker, let entry = line.popFirst() {
            let index = Int32(truncatingIfNeeded: entry >> 32)
            let stamp = UInt32(truncatingIfNeeded: entry)
            let m = messages[index]
            guard m.state == .waiting, m.stamp == stamp else { continue }   // acknowledged while visible
            deliver(index, to: Int(consumers.takeWorker(now: sim.now)!))
        }
    }

    private func deliver(_ index: Int32, to c: Int) {
        let now = sim.now.ns
        var m = messages[index]
        m.state = .inFlight
        m.receives += 1
        m.stamp &+= 1
        messages[index] = m
        waitingLevel.set(waitingLevel.current - 1, at: now)
        inFlightLevel.set(inFlightLevel.current + 1, at: now)
        if now >= model.warmupEnd.ns {
            deliveredCount += 1
            if m.receives > 1 { redeliveredCount += 1 }
        }
        if m.visibleSince >= model.warmupEnd.ns { deliveryWaits.add(Double(now - m.visibleSince) / 1e9) }
        if m.receives == 1 && m.measured { firstDeliveryDelay.record(SimDuration(ns: now - m.enqueuedAt)) }
        sim.schedule(after: config.visibilityTimeout, to: id, kind: MessageQueue.Event.visibilityExpired.rawValue,
                     arg: Int64(index) << 32 | Int64(m.stamp))

        consumerMessage[c] = index
        consumerSerial[c] = m.serial
        consumerReceive[c] = m.receives
        consumerPayload[c] = m.payload
        consumerMeasured[c] = m.measured
        sim.schedule(after: config.process.sampleDuration(processStream), to: id, kind: MessageQueue.Event.processDone.rawValue,
                     arg: Int64(c) << 32 | Int64(consumerEpoch[c]))
    }

    private func processDone(consumer c: Int, epoch: UInt32) {
        guard epoch == consumerEpoch[c], consumerMessage[c] >= 0 else { return }   // the consumer crashed meanwhile
        if config.failureRate > 0 && failStream.bernoulli(config.failureRate) { return attemptFailed(c) }
        guard !callTargets.isEmpty else { return acknowledge(c) }
        consumerRequest[c] = startOwnCalls(callTargets, owner: Int32(c), payload: consumerPayload[c],
                                           measured: consumerMeasured[c])
    }

    /// A reply to a consumer's call, or a producer's response passing back along its route.
    public override func reply(_ request: Int32) {
        guard isOwnRequest(request) else { return model.unwind(request, from: self) }
        let c = Int(requests.top(request).aux)
        guard consumerRequest[c] == request else {
            requests.release(request)   // the consumer that made this call crashed
            return
        }
        guard let ok = continueOwnCalls(request, targets: callTargets) else { return }
        consumerRequest[c] = -1
        if ok { acknowledge(c) } else { attemptFailed(c) }
    }

    private func freeConsumer(_ c: Int) {
        consumerMessage[c] = -1
        consumers.freeWorker(Int32(c), now: sim.now)
    }

    /// The consumer deletes its message, if its receipt is still the latest.
    private func acknowledge(_ c: Int) {
        let now = sim.now.ns
        let index = consumerMessage[c]
        let serial = consumerSerial[c], receive = consumerReceive[c]
        freeConsumer(c)
        let m = messages[index]
        if m.state != .free && m.serial == serial && m.receives == receive {
            if m.state == .waiting {
                waitingLevel.set(waitingLevel.current - 1, at: now)   // its line entry goes stale
            } else {
                inFlightLevel.set(inFlightLevel.current - 1, at: now)
            }
            totalAcknowledged += 1
            if now >= model.warmupEnd.ns {
                acknowledgedCount += 1
                oldestAgeMax = max(oldestAgeMax, now - m.enqueuedAt)
            }
            if m.measured { timeToAck.add(Double(now - m.enqueuedAt) / 1e9) }
            free(index)
        } else if now >= model.warmupEnd.ns {
            staleAcks += 1
        }
        dispatch()
    }

    private func attemptFailed(_ c: Int) {
        if inWindow { failedAttempts += 1 }
        freeConsumer(c)
        dispatch()
    }

    private func free(_ index: Int32) {
        messages[index].state = .free
        messages[index].stamp &+= 1
        messages.give(index)
    }

    private func visibilityExpired(_ index: Int32, stamp: UInt32) {
        let m = messages[index]
        guard m.state == .inFlight, m.stamp == stamp else { return }   // acknowledged, or a stale timer
        let now = sim.now.ns
        inFlightLevel.set(inFlightLevel.current - 1, at: now)
        if let limit = config.maxReceives, m.receives >= limit {
            totalDeadLettered += 1
            if now >= model.warmupEnd.ns {
                deadLetteredCount += 1
                oldestAgeMax = max(oldestAgeMax, now - m.enqueuedAt)
            }
            deadLetterTarget?.acceptDeadLetter(payload: m.payload, enqueuedAt: m.enqueuedAt,
                                               receives: m.priorReceives + m.receives, measured: m.measured)
            free(index)
        } else {
            makeVisible(index, now: now)
            dispatch()
        }
    }

    /// Every busy consumer crashes at once and restarts straight away: its work is lost, nothing
    /// is acknowledged, and its message stays invisible until its visibility timeout passes, then
    /// is delivered again. Calls in progress finish downstream and their replies are dropped.
    /// Returns the number of attempts lost.
    @discardableResult
    public func crashConsumers() -> Int {
        var lost = 0
        for c in 0..<config.consumers where consumerMessage[c] >= 0 {
            consumerEpoch[c] &+= 1
            consumerRequest[c] = -1
            lost += 1
            if inWindow { failedAttempts += 1 }
            freeConsumer(c)
        }
        dispatch()
        return lost
    }

    /// A crash of the queue component takes down its consumers (their work in progress is lost;
    /// the messages they held reappear after the visibility timeout) and its enqueue API; the
    /// messages themselves are durable. Nothing is delivered until the restart.
    public override func crashed() {
        super.crashed()
        crashConsumers()
    }

    public override func restarted() { dispatch() }

    public override func handlePrivate(kind: Int32, arg: Int64) {
        switch kind {
        case MessageQueue.Event.processDone.rawValue:
            processDone(consumer: Int(arg >> 32), epoch: UInt32(truncatingIfNeeded: arg))
        case MessageQueue.Event.visibilityExpired.rawValue:
            visibilityExpired(Int32(truncatingIfNeeded: arg >> 32), stamp: UInt32(truncatingIfNeeded: arg))
        case MessageQueue.Event.sample.rawValue:
            sampler.record(Double(waitingLevel.current))
            sim.schedule(at: sampler.nextDue, to: id, kind: MessageQueue.Event.sample.rawValue)
        default:
            super.handlePrivate(kind: kind, arg: arg)
        }
    }

    // MARK: Accounting

    /// The whole-run account of every message (see ``MessageLedger``).
    public func ledger() -> MessageLedger {
        var waitingFound = 0, inFlightFound = 0
        for m in messages.all {
            switch m.state {
            case .waiting: waitingFound += 1
            case .inFlight: inFlightFound += 1
            case .free: break
            }
        }
        var inLine = 0
        for entry in line {
            let m = messages[Int32(truncatingIfNeeded: entry >> 32)]
            if m.state == .waiting && m.stamp == UInt32(truncatingIfNeeded: entry) { inLine += 1 }
        }
        return MessageLedger(enqueued: totalEnqueued, acknowledged: totalAcknowledged, deadLettered: totalDeadLettered,
                             waiting: waitingLevel.current, inFlight: inFlightLevel.current,
                             waitingFound: waitingFound, inFlightFound: inFlightFound, waitingInLine: inLine)
    }

    /// The messages still in the queue: their receives here and in the queue they were
    /// dead-lettered from, and whether they are in flight; in table order.
    public func liveMessages() -> [(receives: Int, priorReceives: Int, inFlight: Bool)] {
        messages.all.filter { $0.state != .free }.map { (Int($0.receives), Int($0.priorReceives), $0.state == .inFlight) }
    }

    /// The depth samples so far.
    public var depthSeries: Series { sampler.series("depth") }

    /// The standard columns describe the messages: `workers` are the consumers, `utilization`
    /// their busy fraction, `throughput` acknowledgements per second, `queue` the time-average
    /// number of messages waiting, `wait` the mean time from becoming visible to being received,
    /// `response` the mean time from enqueue to acknowledgement; `arrived` and `rejected` count the
    /// producers' requests, `completed` the acknowledgements. The enqueue API's own figures are
    /// extras.
    public override func result(window: SimDuration, end: SimTime) -> ComponentResult? {
        let ledger = ledger()
        let w = max(window.seconds, 1e-300)
        var oldestLive = Int64.max
        for m in messages.all where m.state != .free { oldestLive = min(oldestLive, m.enqueuedAt) }
        let ageAtEnd = oldestLive == .max ? 0 : end.ns - oldestLive
        var r = ComponentResult(
            name: name, kind: kindName, group: name == group ? nil : group, isGroup: false, workers: config.consumers,
            utilization: consumers.utilization(until: end),
            throughput: Double(acknowledgedCount) / w, queueLengthMean: waitingLevel.mean(until: end.ns),
            waitMean: deliveryWaits.mean, responseMean: timeToAck.mean, hitRatio: nil,
            arrived: arrivals, completed: acknowledgedCount, rejected: rejections)
        r.extra = [
            ("enqueued", Double(enqueuedCount)),
            ("delivered", Double(deliveredCount)),
            ("acknowledged", Double(acknowledgedCount)),
            ("redelivered", Double(redeliveredCount)),
            ("failed_attempts", Double(failedAttempts)),
            ("stale_acks", Double(staleAcks)),
            ("dead_lettered", Double(deadLetteredCount)),
            ("depth_mean", waitingLevel.mean(until: end.ns)),
            ("depth_p99", waitingLevel.quantile(0.99, until: end.ns)),
            ("depth_max", Double(waitingLevel.maximum(until: end.ns))),
            ("depth_at_end", Double(ledger.waiting)),
            ("in_flight_mean", inFlightLevel.mean(until: end.ns)),
            ("in_flight_at_end", Double(ledger.inFlight)),
            ("oldest_age_max", Double(max(oldestAgeMax, ageAtEnd)) / 1e9),
            ("oldest_age_at_end", Double(ageAtEnd) / 1e9),
            ("delivery_delay_mean", firstDeliveryDelay.tally.mean),
            ("delivery_delay_p99", firstDeliveryDelay.percentile(99)),
            ("enqueue_utilization", busyWorkersAverage(until: end) / Double(workers)),
            ("enqueue_wait_mean", waits.mean),
        ]
        r.series = [depthSeries]
        return r
    }
}
