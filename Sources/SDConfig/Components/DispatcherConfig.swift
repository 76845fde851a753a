import SDEngine

/// `kind: dispatcher`: a task dispatcher in front of a pool of workers that it watches by
/// heartbeats, the way a notification service hands its jobs to workers. Each worker sends a
/// heartbeat every `heartbeat`; the dispatcher declares a worker dead after `missed` heartbeats
/// in a row fail to arrive and gives its task to another worker. A worker that was only paused
/// (not dead) finishes the task as well: the task is done twice.
public struct DispatcherConfig: Sendable, Equatable {
    /// Workers in the pool (`NAME.worker-1` … `NAME.worker-N` for failures); each runs one task at a time.
    public var workers: Int
    /// Time a worker takes to run one task.
    public var task: Distribution
    /// Time between two heartbeats of one worker.
    public var heartbeat: SimDuration
    /// Heartbeats in a row that must fail to arrive before the dispatcher declares a worker dead (k ≥ 1).
    public var missed: Int
    /// Assignments a task may have before it is written off (nil: no limit).
    public var maxAttempts: Int?
    /// Tasks that may wait for a free worker; nil is unlimited.
    public var queueLimit: Int?

    /// A dispatcher.
    public init(workers: Int, task: Distribution, heartbeat: SimDuration, missed: Int = 3, maxAttempts: Int? = nil,
                queueLimit: Int? = nil) {
        self.workers = workers; self.task = task; self.heartbeat = heartbeat; self.missed = missed
        self.maxAttempts = maxAttempts; self.queueLimit = queueLimit
    }

    /// How long after its last heartbeat a dead worker is declared dead: `missed` × `heartbeat`.
    public var timeout: SimDuration { SimDuration(ns: heartbeat.ns * Int64(missed)) }
}
