import Foundation
import SDEngine
import SDMetrics
import SDModels
import XCTest
import SDConfig
import SDAnalysis

/// Regions and `sharding: region` against theory: each region's share of the requests is a
/// binomial proportion; each region's shard peaks when the daily cycle peaks in its time zone; a
/// join waits for the slowest of its shards (E[max of k Exp(μ)] = H_k/μ) and then merges; and the
/// leaves of a range-split region carry the Zipf mass of their key ranges.
final class RegionShardingTests: XCTestCase {
    let threeRegions = [RegionConfig(name: "americas", share: 0.5, utcOffsetHours: -5),
                        RegionConfig(name: "europe", share: 0.3, utcOffsetHours: 1),
                        RegionConfig(name: "asia", share: 0.2, utcOffsetHours: 8)]

    func database(_ config: DatabaseConfig) -> ComponentConfig { ComponentConfig(name: "db", kind: .database(config)) }

    func regionDB(_ shardsPerRegion: [Int], sub: SubSharding = .hash, levels: Int = 0, every: Double? = nil,
                  workers: Int = 8, service: Distribution = .exponential(mean: 0.001), hotThreshold: Double = 2) -> DatabaseConfig {
        var db = DatabaseConfig(workers: workers, service: service, shards: shardsPerRegion.reduce(0, +), sharding: .region,
                                hotThreshold: hotThreshold)
        db.regionSharding = RegionShardingConfig(shardsPerRegion: shardsPerRegion, subSharding: sub, splitLevels: levels,
                                                 splitEvery: every.map { SimDuration(seconds: $0) })
        return db
    }

    func extra(_ c: ComponentResult, _ name: String) -> Double {
        guard let e = c.extra.first(where: { $0.name == name }) else {
            XCTFail("no extra \(name) in \(c.extra.map(\.name))")
            return .nan
        }
        return e.value
    }

    func row(_ r: RunResult, _ name: String) -> ComponentResult { r.components.first { $0.name == name }! }

    /// A plain Poisson workload draws each request's region by share: region r's count is
    /// Binomial(n, s_r), within 4.5 standard deviations √(s(1−s)/n) of its share; every key a
    /// region's requests carry lies in the region's block, and the region shard serves exactly
    /// its region's requests.
    func testPlainWorkloadRegionSharesAreBinomial() {
        var config = ModelConfig(name: "region-shares", seed: 5, duration: SimDuration(seconds: 50),
                                 workloads: [WorkloadConfig(name: "users", arrival: .poisson(ratePerSecond: 2_000), route: ["db"],
                                                            keys: .uniform(n: 100_000))],
                                 components: [database(regionDB([1, 1, 1]))])
        config.setRegions(threeRegions)
        let r = Runner.runOnce(config).result
        let w = r.workloads[0]
        XCTAssertEqual(w.arrivedByRegion.map(\.region), ["americas", "europe", "asia"])
        let n = Double(w.arrived)
        for (i, region) in threeRegions.enumerated() {
            let p = region.share, count = Double(w.arrivedByRegion[i].count)
            XCTAssertEqual(count / n, p, accuracy: 4.5 * (p * (1 - p) / n).squareRoot(), "share of \(region.name)")
            // One shard per region, slots in region order: shard i serves region i alone.
            XCTAssertEqual(row(r, "db.shard-\(i + 1).primary").arrived, w.arrivedByRegion[i].count)
            XCTAssertEqual(extra(row(r, "db"), "shard_\(i + 1)_region"), Double(i + 1))
        }
    }

    /// Keys come from the region's block: under Zipf each region has its own popular keys, the
    /// first keys of its block (key block of region r over 1…K is ⌊S_{r−1}K⌋+1 … ⌊S_r K⌋).
    func testRegionKeyBlocks() {
        let blocks = RegionConfig.blocks(threeRegions, keySpace: 1_000)
        XCTAssertEqual(blocks.map(\.lo), [1, 501, 801])
        XCTAssertEqual(blocks.map(\.hi), [500, 800, 1_000])
        let tree = RegionShardTree(config: RegionShardingConfig(shardsPerRegion: [2, 1, 1], subSharding: .range),
                                   regions: threeRegions, keySpace: 1_000)
        XCTAssertEqual(tree.leaves, 4)
        XCTAssertEqual((0..<4).map { tree.range(of: $0).lo }, [1, 251, 501, 801])
        XCTAssertEqual(tree.slot(region: 0, key: 250), 0)
        XCTAssertEqual(tree.slot(region: 0, key: 251), 1)
        XCTAssertEqual(tree.slot(region: 2, key: 900), 3)
        // A request without a region goes to the region whose block holds its key.
        XCTAssertEqual(tree.region(of: 0, key: 700), 1)
        XCTAssertEqual(tree.region(of: 3, key: 700), 2)
    }

    /// A population over one whole day in three time zones. Each region's rate is
    /// s_r·λ̄·(1 + a·cos(ω(t − t_r))) with ω = 2π/24 h and t_r = (peak-hour − offset_r − start-hour)
    /// mod 24 h, so over the whole day its share is s_r exactly (binomial check), and the phase of
    /// the first Fourier coefficient of its shard's load series is t_r. With N queries the phase
    /// estimate has standard deviation √(2/N)/a radians (the coefficient's amplitude is aN/2 and
    /// each of its parts has variance N/2 under Poisson counts); 50 slices over exactly one period
    /// make the estimate unbiased.
    func testRegionShardPeaksShiftWithTimeZones() {
        let a = 0.8
        let p = PopulationConfig(users: 300_000, dailyActive: 0.5, dailyCycle: 1 + a, peakHour: 20, startHour: 0, activities: [
            ActivityConfig(type: "read", perUserPerDay: 0.8, route: ["db"]),
        ])
        var config = ModelConfig(name: "region-day", seed: 3, duration: SimDuration(seconds: 86_400), workloads: p.workloads,
                                 components: [database(regionDB([1, 1, 1]))])
        config.population = p
        config.setRegions(threeRegions)
        let r = Runner.runOnce(config).result
        let w = r.workloads[0]
        let n = Double(w.arrived)
        let db = row(r, "db")
        let omega = 2 * Double.pi / 86_400
        for (i, region) in threeRegions.enumerated() {
            let s = region.share
            XCTAssertEqual(Double(w.arrivedByRegion[i].count) / n, s, accuracy: 4.5 * (s * (1 - s) / n).squareRoot(),
                           "daily share of \(region.name)")
            let series = db.series.first { $0.name == "shard_\(i + 1)_load" }!
            XCTAssertEqual(series.values.count, 50)
            var c = 0.0, sn = 0.0, total = 0.0
            for (k, v) in series.values.enumerated() {
                let t = series.start + (Double(k) + 0.5) * series.interval
                let count = v * series.interval
                c += count * cos(omega * t); sn += count * sin(omega * t); total += count
            }
            var peak = atan2(sn, c) / omega
            if peak < 0 { peak += 86_400 }
            var expected = (20 - region.utcOffsetHours - 0).truncatingRemainder(dividingBy: 24) * 3_600
            if expected < 0 { expected += 86_400 }
            var diff = abs(peak - expected)
            diff = min(diff, 86_400 - diff)
            let tolerance = 4.5 * (2 / total).squareRoot() / a / omega
            XCTAssertLessThan(diff, tolerance, "\(region.name): load peaks at \(peak / 3600) h, the cycle at \(expected / 3600) h")
            // The busiest slice is near the peak too (within a slice or two, the day is flat near its top).
            XCTAssertLessThan(min(abs(extra(db, "shard_\(i + 1)_peak_at") - expected), 86_400 - abs(extra(db, "shard_\(i + 1)_peak_at") - expected)),
                              3 * 3_600, "\(region.name) busiest slice")
        }
    }

    /// Shifted cycles add up to a flatter day: Σ s_r·a·cos(ω(t − t_r)) = a·|Σ s_r·e^{iωt_r}|·cos(ω(t − t*)),
    /// so the world's peak factor is 1 + a·|Σ s_r·e^{iωt_r}| (without a weekly cycle), below each
    /// region's own 1 + a; one region alone keeps 1 + a. The total rate's mean over a day stays λ̄.
    func testShiftedCyclesPeakFactorHasItsClosedForm() {
        let a = 0.8
        var p = PopulationConfig(users: 1_000, dailyCycle: 1 + a, peakHour: 20, startHour: 0,
                                 activities: [ActivityConfig(type: "read", perUserPerDay: 1, route: ["db"])])
        XCTAssertEqual(p.peakFactor, 1 + a)
        p.regions = threeRegions
        var re = 0.0, im = 0.0
        for r in threeRegions {
            let phase = 2 * Double.pi * (20 - r.utcOffsetHours) / 24
            re += r.share * cos(phase); im += r.share * sin(phase)
        }
        XCTAssertEqual(p.peakFactor, 1 + a * (re * re + im * im).squareRoot(), accuracy: 1e-6)
        let rate = p.arrival(of: p.activities[0])
        XCTAssertEqual(rate.expectedArrivals(from: 0, to: 86_400) / 86_400, rate.mean, accuracy: 1e-9 * rate.mean)
    }

    /// A join over k of n shards with exponential service (mean 1/μ) at light load waits for the
    /// slowest of k independent Exp(μ) queries, E[max] = H_k/μ, then merges k answers of m each:
    /// E[latency] = H_k/μ + k·m. Checked for k = n = 4 and k = 2 of 4, over replications.
    func testJoinPaysScatterGatherPlusMerge() {
        let mu = 100.0, merge = 0.002
        for k in [4, 2] {
            var db = DatabaseConfig(workers: 1, service: .exponential(mean: 1 / mu), shards: 4)
            db.crossShardJoins = [JoinSpec(type: "search", shards: k == 4 ? nil : k, mergePerShard: .constant(merge))]
            var config = poissonConfig("join", rate: 1, duration: 5_000.5, warmup: 0, route: ["db"], components: [database(db)])
            config.workloads[0].mix[0].type = "search"
            config.workloads[0].arrival = .interarrival(.constant(1))
            config.workloads[0].keys = .uniform(n: 1_000)
            let harmonic = (1...k).reduce(0.0) { $0 + 1 / Double($1) }
            let theory = harmonic / mu + Double(k) * merge
            let runs = Replicated(config)
            assertWithin(runs.interval { $0.workloads[0].latency.mean }, theory, "join over \(k) of 4 shards: H_\(k)/μ + \(k)·merge")
            let d = row(runs.results[0], "db")
            XCTAssertEqual(extra(d, "cross_shard_join_shards_mean"), Double(k))
            XCTAssertEqual(extra(d, "cross_shard_join_merge_mean"), Double(k) * merge, accuracy: 1e-12)
            XCTAssertEqual(extra(d, "cross_shard_joins"), Double(runs.results[0].workloads[0].arrived))
            // Each shard sees the joins that touch it: k/4 of them (binomial for k < 4).
            let joins = Double(runs.results[0].workloads[0].arrived)
            for s in 1...4 {
                let q = Double(k) / 4
                let seen = Double(row(runs.results[0], "db.shard-\(s).primary").arrived)
                XCTAssertEqual(seen / joins, q, accuracy: 4.5 * (q * (1 - q) / joins).squareRoot() + 1e-12, "shard \(s) share of joins")
            }
        }
    }

    /// Two equal regions, keys Zipf(10⁴, 1) (so each region's 5,000 keys follow Zipf(5000, 1) from
    /// its block's first key), one range sub-shard per region that may split twice. At 10 s both
    /// region shards (share ½ > 0.95 × ½) split where their load halves; at 20 s only the lower
    /// halves (≈ 0.27 of the load > 0.95 × ¼) split again. Afterwards each leaf's share of the
    /// queries is ½ × the Zipf mass of its key range within its region, within a binomial interval.
    func testHierarchicalRangeSplitsCarryTheirZipfMass() {
        let regions = [RegionConfig(name: "east", share: 0.5), RegionConfig(name: "west", share: 0.5)]
        let db = regionDB([1, 1], sub: .range, levels: 2, every: 10, workers: 64, hotThreshold: 0.95)
        var config = ModelConfig(name: "split-levels", seed: 9, duration: SimDuration(seconds: 29.9), warmup: SimDuration(seconds: 20),
                                 workloads: [WorkloadConfig(name: "users", arrival: .poisson(ratePerSecond: 20_000), route: ["db"],
                                                            keys: .zipf(n: 10_000, exponent: 1))],
                                 components: [database(db)])
        config.setRegions(regions)
        let r = Runner.runOnce(config).result
        let d = row(r, "db")
        XCTAssertEqual(extra(d, "splits"), 4, "two first-level splits, then the two hot lower halves")
        let leaves = r.components.filter { $0.kind == "primary" }.count
        XCTAssertEqual(leaves, 6)
        let zipf = ZipfSampler(n: 5_000, exponent: 1)
        let queries = Double(r.workloads[0].arrived)
        var depths: [Int] = []
        for s in 1...leaves {
            let n = "shard_\(s)_"
            let region = Int(extra(d, n + "region")) - 1
            let blockStart = UInt64(region * 5_000)
            let lo = UInt64(extra(d, n + "first_key")) - blockStart, hi = UInt64(extra(d, n + "last_key")) - blockStart
            let mass = 0.5 * (zipf.cumulativeProbability(through: hi) - zipf.cumulativeProbability(through: lo - 1))
            let sd = (mass * (1 - mass) / queries).squareRoot()
            XCTAssertEqual(extra(d, n + "share"), mass, accuracy: 4.5 * sd, "shard \(s) (keys \(lo)…\(hi) of region \(region + 1))")
            depths.append(Int(extra(d, n + "depth")))
        }
        XCTAssertEqual(depths.sorted(), [1, 1, 2, 2, 2, 2])
    }

    /// `hash` sub-sharding: two equal regions of 50,000 uniform keys, one sub-shard each, both hot at
    /// the first look (share ½ > 0.95 × ½), so each splits by one more hash bit. A leaf's share of
    /// the queries afterwards is ½ × the fraction of its region's keys it holds (counted key by key
    /// on the same tree), within a binomial interval; the halves hold about half the keys each.
    func testHashSplitHalvesARegionsKeys() {
        let regions = [RegionConfig(name: "east", share: 0.5), RegionConfig(name: "west", share: 0.5)]
        let db = regionDB([1, 1], sub: .hash, levels: 1, every: 10, workers: 64, hotThreshold: 0.95)
        var config = ModelConfig(name: "hash-split", seed: 21, duration: SimDuration(seconds: 19.9), warmup: SimDuration(seconds: 10),
                                 workloads: [WorkloadConfig(name: "users", arrival: .poisson(ratePerSecond: 20_000), route: ["db"],
                                                            keys: .uniform(n: 100_000))],
                                 components: [database(db)])
        config.setRegions(regions)
        let r = Runner.runOnce(config).result
        let d = row(r, "db")
        XCTAssertEqual(extra(d, "splits"), 2)
        // The same splits on a tree of our own: slot 0 → 2 (east), slot 1 → 3 (west).
        var tree = RegionShardTree(config: db.regionSharding!, regions: regions, keySpace: 100_000)
        _ = tree.split(0, load: [])
        _ = tree.split(1, load: [])
        var owned = [Int](repeating: 0, count: 4)
        for key: UInt64 in 1...100_000 { owned[tree.slot(region: tree.region(of: 0, key: key), key: key)] += 1 }
        let queries = Double(r.workloads[0].arrived)
        for s in 0..<4 {
            let p = Double(owned[s]) / 100_000
            XCTAssertEqual(p, 0.25, accuracy: 0.01, "slot \(s) holds about half its region's keys")
            XCTAssertEqual(extra(d, "shard_\(s + 1)_share"), p, accuracy: 4.5 * (p * (1 - p) / queries).squareRoot(), "shard \(s + 1)")
        }
    }

    /// Same scenario and seed: identical results, splits and series included.
    func testRegionShardingIsDeterministic() {
        let db = regionDB([2, 1, 1], sub: .hash, levels: 1, every: 5, hotThreshold: 1.2)
        var config = ModelConfig(name: "det", seed: 4, duration: SimDuration(seconds: 20),
                                 workloads: [WorkloadConfig(name: "users", arrival: .poisson(ratePerSecond: 3_000), route: ["db"],
                                                            keys: .zipf(n: 10_000, exponent: 0.9))],
                                 components: [database(db)])
        config.setRegions(threeRegions)
        let a = Runner.runOnce(config).result, b = Runner.runOnce(config).result
        XCTAssertEqual(a, b)
        XCTAssertGreaterThan(extra(row(a, "db"), "splits"), 0)
    }
}
