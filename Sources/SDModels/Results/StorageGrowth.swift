import SDEngine
import SDConfig

/// A component that keeps data: it reports how much it holds and how fast that grows.
public protocol StoresData: AnyObject {
    /// Logical bytes (one copy) held at time 0, held at the end of the run, and written during the
    /// measured window; `copies`: how many copies of each byte it keeps (replicas, replication factor).
    var storage: (start: Double, end: Double, window: Double, copies: Int) { get }
}

/// How a component's stored data grows over a run, and what that means for a month and a year.
///
/// The growth rate is what the measured window wrote, per second. A run of a population covers
/// part of the daily cycle (the default start is the evening peak), so the window's writes arrive
/// faster or slower than the long-run mean; the projections divide the rate by ``cycleFactor``
/// (arrivals expected in the window ÷ arrivals at the mean rate) to give the growth of an average
/// month, which is what `sdsim estimate` computes from the rates (``estimatePerMonth``).
public struct StorageGrowth: Sendable, Equatable {
    /// The component (instance) name.
    public var component: String
    /// Its kind.
    public var kind: String
    /// Logical bytes held at time 0 (`initial-bytes`).
    public var startBytes: Double
    /// Logical bytes held at the end of the run.
    public var endBytes: Double
    /// Logical bytes written during the measured window.
    public var windowBytes: Double
    /// Seconds of the measured window.
    public var windowSeconds: Double
    /// Copies kept of each byte (a database's primary and read replicas, an object store's replication factor).
    public var copies: Int
    /// Arrivals expected in the window ÷ arrivals at the long-run mean rate (1 without a daily cycle).
    public var cycleFactor: Double
    /// `sdsim estimate`'s logical bytes per month for this component (nil: it has none).
    public var estimatePerMonth: Double?

    /// A storage row.
    public init(component: String, kind: String, startBytes: Double, endBytes: Double, windowBytes: Double,
                windowSeconds: Double, copies: Int, cycleFactor: Double, estimatePerMonth: Double?) {
        self.component = component; self.kind = kind; self.startBytes = startBytes; self.endBytes = endBytes
        self.windowBytes = windowBytes; self.windowSeconds = windowSeconds; self.copies = copies
        self.cycleFactor = cycleFactor; self.estimatePerMonth = estimatePerMonth
    }

    /// Logical bytes written per second of the window.
    public var growthRate: Double { windowSeconds > 0 ? windowBytes / windowSeconds : .nan }
    /// Logical bytes gained in an average 30-day month (the window's rate over the cycle factor).
    public var perMonth: Double { growthRate / cycleFactor * 30 * 86_400 }
    /// Logical bytes gained in a 365-day year.
    public var perYear: Double { perMonth * 365 / 30 }
    /// Bytes gained in a year, all copies counted.
    public var perYearAllCopies: Double { perYear * Double(copies) }

    /// The cycle factor of `config`'s measured window: for the first workload whose arrivals follow
    /// a daily cycle, the arrivals expected in the window over those at its mean rate; 1 without one.
    public static func cycleFactor(_ config: ModelConfig) -> Double {
        let from = config.warmup.seconds, to = config.duration.seconds
        for w in config.workloads {
            if case .cyclic(let c) = w.arrival, c.mean > 0, to > from {
                return c.expectedArrivals(from: from, to: to) / (c.mean * (to - from))
            }
        }
        return 1
    }
}
