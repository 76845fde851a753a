import SDEngine

/// `kind: queue`: a message queue in the manner of Amazon SQS (a standard queue).
public struct QueueConfig: Sendable, Equatable {
    /// Parallel workers of the enqueue API (≥ 1).
    public var workers: Int
    /// Time to accept one message, in seconds; the producer's request goes on after it.
    public var service: Distribution
    /// Waiting places of the enqueue API; nil is unlimited.
    public var queueLimit: Int?
    /// Built-in consumer workers (0: nobody consumes, as for a dead-letter queue).
    public var consumers: Int
    /// Time one consumer spends processing one message before its calls, in seconds.
    public var process: Distribution
    /// Components every processing attempt calls in order, after `process`, before acknowledging.
    public var calls: [String]
    /// How long a received message stays invisible; unacknowledged by then, it is delivered again.
    public var visibilityTimeout: SimDuration
    /// Receives after which a message that comes back is dead-lettered instead (nil: no limit).
    public var maxReceives: Int?
    /// The queue component that receives dead-lettered messages (nil: they are only counted).
    public var deadLetterQueue: String?
    /// Probability that a processing attempt fails (the consumer crashes or throws) without
    /// acknowledging, so the message comes back after the visibility timeout.
    public var failureRate: Double
    /// Interval between samples of the depth kept as a series.
    public var sampleEvery: SimDuration

    /// A queue.
    public init(workers: Int = 1, service: Distribution = .constant(0), queueLimit: Int? = nil, consumers: Int = 1,
                process: Distribution = .constant(0), calls: [String] = [],
                visibilityTimeout: SimDuration = SimDuration(seconds: 30), maxReceives: Int? = nil,
                deadLetterQueue: String? = nil, failureRate: Double = 0, sampleEvery: SimDuration = SimDuration(seconds: 1)) {
        self.workers = workers; self.service = service; self.queueLimit = queueLimit; self.consumers = consumers
        self.process = process; self.calls = calls; self.visibilityTimeout = visibilityTimeout
        self.maxReceives = maxReceives; self.deadLetterQueue = deadLetterQueue; self.failureRate = failureRate
        self.sampleEvery = sampleEvery
    }
}
