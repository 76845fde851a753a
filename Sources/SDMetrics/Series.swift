import SDEngine

/// A quantity sampled at a fixed interval: `values[i]` is its value at `start + i × interval` seconds.
public struct Series: Sendable, Equatable {
    /// What was sampled (`depth`).
    public var name: String
    /// Time of the first sample, in seconds.
    public var start: Double
    /// Time between samples, in seconds.
    public var interval: Double
    /// The samples, oldest first.
    public var values: [Double]

    /// A series.
    public init(name: String, start: Double, interval: Double, values: [Double]) {
        self.name = name; self.start = start; self.interval = interval; self.values = values
    }
}

/// A bounded record of a quantity sampled every `interval`: when `capacity` samples are held,
/// every other one is dropped and the interval doubles, so memory stays bounded however long the
/// run, and the samples always cover the whole run at an even spacing.
public struct DecimatingSampler: Sendable {
    /// Time of the first sample, in nanoseconds.
    public let startNs: Int64
    /// The current spacing of the samples, in nanoseconds.
    public private(set) var intervalNs: Int64
    /// The samples kept, oldest first.
    public private(set) var values: [Double] = []
    /// Most samples kept (at least 2).
    public let capacity: Int

    /// A sampler whose first sample is at `start`, then one every `interval`.
    public init(start: SimTime, interval: SimDuration, capacity: Int = 1000) {
        precondition(interval.ns > 0 && capacity >= 2)
        startNs = start.ns; intervalNs = interval.ns; self.capacity = capacity
        values.reserveCapacity(capacity)
    }

    /// When the next sample is due.
    public var nextDue: SimTime { SimTime(ns: startNs + Int64(values.count) * intervalNs) }

    /// Records the sample due now (at ``nextDue``).
    public mutating func record(_ value: Double) {
        values.append(value)
        if values.count == capacity {
            // Keep samples 0, 2, 4, …: they are evenly spaced at twice the interval.
            values = stride(from: 0, to: values.count, by: 2).map { values[$0] }
            intervalNs *= 2
        }
    }

    /// The samples as a ``Series`` named `name`.
    public func series(_ name: String) -> Series {
        Series(name: name, start: Double(startNs) / 1e9, interval: Double(intervalNs) / 1e9, values: values)
    }
}
