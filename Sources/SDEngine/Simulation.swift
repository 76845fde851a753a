import HeapModule

/// Something that reacts to events: a component of the simulated system.
///
/// The engine knows nothing about requests or servers; it only delivers `(kind, arg)`
/// to the handler that an event names. Handlers are registered once, before the run.
public protocol EventHandler: AnyObject {
    /// Reacts to one event at `sim.now`. `kind` and `arg` mean whatever the handler gave to ``Simulation/schedule(after:to:kind:arg:)``.
    func handle(kind: Int32, arg: Int64, sim: Simulation)
}

/// A handler reference that costs no reference counting to use; the simulation keeps the handler alive.
@usableFromInline
struct HandlerRef {
    @usableFromInline unowned(unsafe) let handler: EventHandler
    @inlinable init(handler: EventHandler) { self.handler = handler }
}

/// One scheduled event. Ordered by time, then by the order in which it was scheduled,
/// so that simultaneous events run in a deterministic order.
@usableFromInline
struct Event: Comparable {
    @usableFromInline var time: Int64
    @usableFromInline var seq: UInt64
    @usableFromInline var handler: Int32
    @usableFromInline var kind: Int32
    @usableFromInline var arg: Int64

    @inlinable init(time: Int64, seq: UInt64, handler: Int32, kind: Int32, arg: Int64) {
        self.time = time; self.seq = seq; self.handler = handler; self.kind = kind; self.arg = arg
    }

    @inlinable static func < (a: Event, b: Event) -> Bool {
        a.time != b.time ? a.time < b.time : a.seq < b.seq
    }
    @inlinable static func == (a: Event, b: Event) -> Bool { a.time == b.time && a.seq == b.seq }
}

/// A discrete-event simulation: a clock, a heap of pending events and a sequence counter.
///
/// Like a kitchen timer board: every component pins a note "wake me at t", and the clock
/// jumps straight to the earliest note. Each run owns its own `Simulation`; there is no
/// global engine, which is what lets replications run in parallel.
public final class Simulation {
    /// The current simulated time. It only moves forward, and is set before a handler runs.
    public private(set) var now: SimTime = .zero
    /// How many events have been handled so far.
    public private(set) var eventCount: Int = 0

    @usableFromInline var heap = Heap<Event>()
    @usableFromInline var nextSeq: UInt64 = 0
    /// Handlers by address, held without reference counting on the per-event path (a retain and
    /// release per event were 5% of a run); ``owners`` keeps them alive.
    @usableFromInline var handlers: [HandlerRef] = []
    @usableFromInline var owners: [EventHandler] = []

    /// A new simulation at time zero with no handlers.
    public init() {}

    /// Registers a handler and returns the address that events use to reach it.
    public func register(_ handler: EventHandler) -> Int32 {
        owners.append(handler)
        handlers.append(HandlerRef(handler: handler))
        return Int32(handlers.count - 1)
    }

    /// Number of events waiting in the heap.
    public var pendingCount: Int { heap.count }

    /// Schedules `(kind, arg)` for `handler` after `delay` (zero means "now, after what is already due now").
    @inlinable
    public func schedule(after delay: SimDuration, to handler: Int32, kind: Int32, arg: Int64 = 0) {
        precondition(delay.ns >= 0, "events cannot be scheduled in the past")
        schedule(at: now + delay, to: handler, kind: kind, arg: arg)   // saturating: never wraps into the past
    }

    /// Schedules `(kind, arg)` for `handler` at the absolute time `time`, which must not be in the past.
    @inlinable
    public func schedule(at time: SimTime, to handler: Int32, kind: Int32, arg: Int64 = 0) {
        precondition(time >= now, "events cannot be scheduled in the past")
        heap.insert(Event(time: time.ns, seq: nextSeq, handler: handler, kind: kind, arg: arg))
        nextSeq &+= 1
    }

    /// Runs events in order until none is left at or before `end`; the clock then stands at `end`.
    ///
    /// - Parameter progress: called about every `progressEvery` events with the current time; it
    ///   must not touch the simulation. The engine itself does no I/O.
    public func run(until end: SimTime, progressEvery: Int = 1 << 20, progress: ((SimTime) -> Void)? = nil) {
        var untilReport = progressEvery
        while !stopped, let top = heap.min, top.time <= end.ns {
            let event = heap.removeMin()
            now = SimTime(ns: event.time)
            eventCount &+= 1
            handlers[Int(event.handler)].handler.handle(kind: event.kind, arg: event.arg, sim: self)
            if progress != nil {
                untilReport -= 1
                if untilReport == 0 { untilReport = progressEvery; progress?(now) }
            }
        }
        if end > now && !stopped { now = end }
    }

    /// Whether ``stop()`` was called: the run ended early, at ``now``.
    public private(set) var stopped = false

    /// Ends ``run(until:progressEvery:progress:)`` after the event being handled; the clock stays
    /// where it is. For a model that must give up (a memory budget exceeded), never for results.
    public func stop() { stopped = true }

    /// Handles exactly one pending event, if any; returns whether one ran. For tests that step the clock.
    @discardableResult
    public func step() -> Bool {
        guard !heap.isEmpty else { return false }
        let event = heap.removeMin()
        now = SimTime(ns: event.time)
        eventCount &+= 1
        handlers[Int(event.handler)].handler.handle(kind: event.kind, arg: event.arg, sim: self)
        return true
    }
}
