import SDEngine

/// `regions:` — where the users live. Every keyed request carries the region of the user who sent it.
///
/// A region owns a contiguous block of the key space (its users): with key space 1…K and regions
/// of shares s₁…s_R (in declaration order), region r holds keys ⌊S_{r−1}·K⌋ + 1 … ⌊S_r·K⌋, where
/// S_r = s₁ + … + s_r. A request of region r draws its key from its workload's key distribution
/// over the region's block (`uniform(K)` becomes uniform over the block; `zipf(K, s)` becomes
/// Zipf over the block's size, offset to its first key, so each region has its own popular keys).
///
/// Under a `population:` with a daily cycle, each region follows the cycle in its own time zone:
/// its rate is share × the population's rate at local time UTC + `utcOffsetHours`, so the total is
/// the sum of shifted cycles and the busiest region moves around the globe (see ``CyclicRate``).
/// Plain workloads draw each request's region by share.
public struct RegionConfig: Sendable, Equatable {
    /// The region's name (`americas`, `europe`, `asia`).
    public var name: String
    /// Fraction of the users (and of the requests over a day) in this region; the shares sum to 1.
    public var share: Double
    /// Local time minus UTC, in hours (−12…14): a region's daily peak comes at UTC `peak-hour` − offset.
    public var utcOffsetHours: Double

    /// A region.
    public init(name: String, share: Double, utcOffsetHours: Double = 0) {
        self.name = name; self.share = share; self.utcOffsetHours = utcOffsetHours
    }

    /// The key blocks of `regions` over keys 1…`keySpace`: region r holds `lo...hi` (hi < lo when
    /// its share of the keys rounds to nothing). The last block ends at `keySpace` exactly.
    public static func blocks(_ regions: [RegionConfig], keySpace: UInt64) -> [(lo: UInt64, hi: UInt64)] {
        let total = regions.reduce(0) { $0 + $1.share }
        var cumulative = 0.0, lo: UInt64 = 1
        return regions.enumerated().map { i, r in
            cumulative += r.share
            let hi = i == regions.count - 1 ? keySpace : UInt64((cumulative / total * Double(keySpace)).rounded(.down))
            defer { lo = max(lo, hi &+ 1) }
            return (lo, hi)
        }
    }
}

/// A shift of a daily cycle into one region's time zone (``CyclicRate/regions``).
public struct CycleShift: Sendable, Equatable {
    /// Fraction of the rate that follows this shift (the region's share).
    public var share: Double
    /// Hours added to the clock: the region's local time is UTC + `hours`.
    public var hours: Double

    /// A shift.
    public init(share: Double, hours: Double) { self.share = share; self.hours = hours }
}

extension ModelConfig {
    /// Sets the scenario's regions: every workload's requests come from them, and the daily
    /// cycles of the population's workloads shift to each region's time zone.
    public mutating func setRegions(_ regions: [RegionConfig]) {
        self.regions = regions
        for i in workloads.indices {
            workloads[i].regions = regions
            if case .cyclic(var c) = workloads[i].arrival {
                c.regions = regions.isEmpty ? [] : CyclicRate.shifts(of: regions)
                workloads[i].arrival = .cyclic(c)
            }
        }
        population?.regions = regions
    }
}
