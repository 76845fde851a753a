import SDEngine

/// `kind: object-store`: an object store in the manner of Amazon S3.
public struct ObjectStoreConfig: Sendable, Equatable {
    /// Concurrent transfers (≥ 1); requests beyond wait in line.
    public var connections: Int
    /// Latency to the first byte of a transfer, in seconds.
    public var firstByte: Distribution
    /// Transfer rate of one connection, in bytes per second.
    public var bandwidth: Double
    /// Waiting places for a connection; nil is unlimited.
    public var queueLimit: Int?
    /// Requests per second each key prefix accepts (nil: no limit).
    public var prefixRateLimit: Double?
    /// Number of key prefixes: a request's prefix is its key modulo this.
    public var prefixes: Int
    /// Requests a prefix accepts at once after a quiet spell (the token bucket's size); nil is one
    /// second's worth of `prefixRateLimit`.
    public var prefixBurst: Double?
    /// Copies kept of every object: stored bytes are logical bytes times this.
    public var replicationFactor: Int
    /// Logical bytes stored before the run.
    public var initialBytes: Double

    /// An object store.
    public init(connections: Int = 50, firstByte: Distribution, bandwidth: Double, queueLimit: Int? = nil,
                prefixRateLimit: Double? = nil, prefixes: Int = 1, prefixBurst: Double? = nil,
                replicationFactor: Int = 1, initialBytes: Double = 0) {
        self.connections = connections; self.firstByte = firstByte; self.bandwidth = bandwidth
        self.queueLimit = queueLimit; self.prefixRateLimit = prefixRateLimit; self.prefixes = prefixes
        self.prefixBurst = prefixBurst; self.replicationFactor = replicationFactor; self.initialBytes = initialBytes
    }

    /// The size of each prefix's token bucket.
    public var burst: Double { prefixBurst ?? max(1, prefixRateLimit ?? 1) }
}
