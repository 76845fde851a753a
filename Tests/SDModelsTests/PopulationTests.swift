import SDEngine
import SDMetrics
import SDModels
import XCTest
import SDConfig
import SDAnalysis

/// `population:`: the workload promises rates, sizes, a daily cycle and a follower law; these tests
/// hold it to them. Counts are checked against Poisson or binomial intervals at the 99.9% level
/// (z = 3.29), like the theory checks of the other model tests.
final class PopulationTests: XCTestCase {
    static let z = 3.29

    /// Asserts |observed − expected| ≤ z·sd, printing both.
    func assertCount(_ observed: Double, _ expected: Double, sd: Double, _ what: String,
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertLessThanOrEqual(abs(observed - expected), Self.z * sd,
                                 "\(what): observed \(observed), expected \(expected) ± \(Self.z * sd)", file: file, line: line)
    }

    /// 100k users, half active daily; feed reads 8/day and uploads 2/month, sinusoidal day with peak/mean 1.7.
    func population(dailyCycle: Double = 1.7, celebrities: Int = 0) -> PopulationConfig {
        PopulationConfig(users: 100_000, dailyActive: 0.5, dailyCycle: dailyCycle, activities: [
            ActivityConfig(type: "upload", perUserPerDay: 2.0 / 30, perUserText: "2/month", size: .lognormal(mean: 5e6, cv: 1.0),
                           route: ["app"]),
            ActivityConfig(type: "feed-read", perUserPerDay: 8, perUserText: "8/day", route: ["app"]),
        ], followers: FollowerLaw(exponent: 2.3), celebrities: celebrities)
    }

    func dayConfig(_ p: PopulationConfig, seconds: Double = 86_400) -> ModelConfig {
        var c = ModelConfig(name: "population", seed: 11, duration: SimDuration(seconds: seconds), workloads: p.workloads,
                            components: [ComponentConfig(name: "app", kind: .server(ServerConfig(workers: 1_000, service: .constant(0))))])
        c.population = p
        return c
    }

    /// Over a full simulated day the counts match users × daily-active × per-user rate, the
    /// bytes per upload match the lognormal's mean, and the daily cycle's peak and trough match λ(t).
    func testRatesBytesAndDailyCycleOverOneDay() {
        let p = population()
        let r = Runner.runOnce(dayConfig(p)).result
        let uploads = r.workloads[0], reads = r.workloads[1]
        // 100k × 50% × 2/30 per day = 3,333.3 uploads; 100k × 50% × 8 = 400,000 reads.
        let expectedUploads = 100_000 * 0.5 * 2.0 / 30, expectedReads = 100_000 * 0.5 * 8.0
        assertCount(Double(uploads.arrived), expectedUploads, sd: expectedUploads.squareRoot(), "uploads per day")
        assertCount(Double(reads.arrived), expectedReads, sd: expectedReads.squareRoot(), "feed reads per day")
        XCTAssertEqual(p.meanRate(of: p.activities[0]), expectedUploads / 86_400, accuracy: 1e-12)

        // Bytes: lognormal with mean 5 MB and CV 1, so the mean of n uploads has sd 5 MB / √n.
        let perUpload = uploads.bytes / Double(uploads.arrived)
        assertCount(perUpload, 5e6, sd: 5e6 / Double(uploads.arrived).squareRoot(), "bytes per upload")

        // The cycle: time 0 is the peak hour. 50 slices of 1,728 s: the first is at the peak, the
        // 26th (index 25, 12 h later) at the trough. Expected counts integrate λ(t) over each slice.
        let rate = p.arrival(of: p.activities[1])
        let slice = 86_400.0 / Double(Client.seriesSlices)
        for (index, what) in [(0, "peak slice"), (25, "trough slice"), (12, "evening slice")] {
            let expected = rate.expectedArrivals(from: Double(index) * slice, to: Double(index + 1) * slice)
            let observed = Double(reads.slices[index].completed + reads.slices[index].failed)
            assertCount(observed, expected, sd: expected.squareRoot(), what)
        }
        // Peak-to-mean over the peak slice is 1.7 up to the slice's averaging of the cosine.
        let peakToMean = Double(reads.slices[0].completed) / (expectedReads / Double(Client.seriesSlices))
        XCTAssertEqual(peakToMean, 1.7, accuracy: 0.05, "peak slice over the daily mean")
        let troughToMean = Double(reads.slices[25].completed) / (expectedReads / Double(Client.seriesSlices))
        XCTAssertEqual(troughToMean, 0.3, accuracy: 0.05, "trough slice over the daily mean")

        // The read-to-write ratio is reported: 8 reads a day against 2 uploads a month = 120:1.
        let summary = try! XCTUnwrap(r.population)
        XCTAssertEqual(summary.readToWriteTheory!, 120, accuracy: 1e-9)
        XCTAssertEqual(summary.reads, reads.arrived)
        XCTAssertEqual(summary.writes, uploads.arrived)
    }

    /// A run over a whole day is a trajectory, not a steady state: its intervals are marked
    /// unreliable with the rate's range (λ̄·(1 ∓ 0.7)); ten minutes at the peak, where the rate stays
    /// within 0.1% of its top, are not marked.
    func testADayIsMarkedAndThePeakMinutesAreNot() {
        let p = population()
        let day = Runner.run(dayConfig(p))
        XCTAssertFalse(day.intervalsReliable)
        let note = day.stability!.scriptedChanges.first { $0.hasPrefix("the workloads follow the daily cycle") }
        XCTAssertNotNil(note, "\(day.stability!.scriptedChanges)")
        let mean = 100_000 * 0.5 * 8 / 86_400.0
        XCTAssertTrue(note?.contains(String(format: "'feed-read' from %.4g/s to %.4g/s", mean * 0.3, mean * 1.7)) ?? false, note ?? "")
        let peak = Runner.run(dayConfig(p, seconds: 600))
        XCTAssertTrue(peak.intervalsReliable, "\(peak.stability!.scriptedChanges)")
    }

    /// A flat day (daily-cycle 1) is a homogeneous Poisson process: the rate holds over one hour.
    func testFlatCycleIsPoissonAtTheMeanRate() {
        let p = population(dailyCycle: 1)
        let r = Runner.runOnce(dayConfig(p, seconds: 3_600)).result
        let expected = 100_000 * 0.5 * 8.0 / 24
        assertCount(Double(r.workloads[1].arrived), expected, sd: expected.squareRoot(), "feed reads in a flat hour")
        // And every slice gets its share.
        let perSlice = expected / Double(Client.seriesSlices)
        for s in r.workloads[1].slices { assertCount(Double(s.completed), perSlice, sd: perSlice.squareRoot() * 1.2, "flat slice") }
    }

    /// λ(t): the mean over a week is λ̄, the peak λ̄ × daily × weekly, the trough of the day λ̄(2 − daily).
    func testCyclicRateShape() {
        let c = CyclicRate(mean: 10, dailyCycle: 1.7, weeklyCycle: 1.1, peakHour: 20, startHour: 20)
        XCTAssertEqual(c.rate(at: 0), 10 * 1.7 * 1.1, accuracy: 1e-9)
        XCTAssertEqual(c.peak, 18.7, accuracy: 1e-12)
        XCTAssertEqual(c.expectedArrivals(from: 0, to: 7 * 86_400) / (7 * 86_400), 10, accuracy: 1e-6)
        let flatWeek = CyclicRate(mean: 10, dailyCycle: 1.7)
        XCTAssertEqual(flatWeek.rate(at: 12 * 3_600), 10 * 0.3, accuracy: 1e-9)   // 08:00, the trough
        XCTAssertEqual(flatWeek.expectedArrivals(from: 0, to: 86_400) / 86_400, 10, accuracy: 1e-6)
        let morning = CyclicRate(mean: 10, dailyCycle: 1.7, peakHour: 20, startHour: 8)
        XCTAssertEqual(morning.rate(at: 0), 3, accuracy: 1e-9, "start-hour 8 starts at the trough")
    }

    /// Follower counts follow the declared tail. Convention: `power-law(α)` is the density exponent,
    /// p(x) ∝ x^(−α), so the fraction with at least k followers is k^(−(α−1)). Over 100,000 user ids
    /// each fraction lies within its binomial interval.
    func testFollowerCountsFollowThePowerLawTail() {
        let p = population(celebrities: 10)
        let g = FollowerGraph(population: p, seed: 3)
        let n = 100_000
        let ids = (11...UInt64(10 + n))   // skip the 10 celebrities
        let counts = ids.map { g.followers(of: $0) }
        XCTAssertEqual(counts.min(), 1, "the minimum is 1 follower")
        for k in [2.0, 5, 10, 100, 1_000] {
            let expected = pow(k, -(2.3 - 1))
            XCTAssertEqual(g.law.tail(k), expected, accuracy: 1e-12)
            let observed = Double(counts.filter { Double($0) >= k }.count) / Double(n)
            let sd = (expected * (1 - expected) / Double(n)).squareRoot()
            XCTAssertLessThanOrEqual(abs(observed - expected), Self.z * sd + 1e-5,
                                     "P(followers ≥ \(k)): observed \(observed), expected \(expected)")
        }
        // Celebrities: the top ids, with counts from the declared range (capped at users − 1).
        for id in 1...UInt64(10) {
            XCTAssertTrue(g.isCelebrity(id))
            XCTAssertGreaterThanOrEqual(Double(g.followers(of: id)), g.celebrityRange.low)
            XCTAssertLessThanOrEqual(Double(g.followers(of: id)), Double(p.users - 1))
        }
    }

    /// A truncated law never exceeds its max and keeps its tail shape below it.
    func testTruncatedFollowerLaw() {
        let law = FollowerLaw(exponent: 1.8, max: 1_000)
        XCTAssertEqual(law.quantile(1), 1, accuracy: 1e-12)
        XCTAssertEqual(law.quantile(1e-300), 1_000, accuracy: 1e-6)
        XCTAssertEqual(law.tail(1_000), 0, accuracy: 1e-12)
        XCTAssertNotNil(law.mean)
    }

    /// The draws depend only on the seed and the user id: the same in any order, different under another seed.
    func testFollowerDrawsAreDeterministic() {
        let p = population(celebrities: 10)
        let a = FollowerGraph(population: p, seed: 7), b = FollowerGraph(population: p, seed: 7)
        let c = FollowerGraph(population: p, seed: 8)
        let ids: [UInt64] = [1, 2, 11, 500, 99_999, 100_000]
        XCTAssertEqual(ids.map(a.followers(of:)), ids.reversed().map(b.followers(of:)).reversed())
        XCTAssertNotEqual((11...1_000).map(a.followers(of:)), (11...1_000).map(c.followers(of:)))
        // A model exposes the graph of its run's seed.
        let model = Model(config: dayConfig(p, seconds: 1), seed: 7)
        XCTAssertEqual(model.followerGraph?.followers(of: 500), a.followers(of: 500))
    }

    /// Memory does not grow with users: ten billion users build and run like a hundred thousand.
    func testNoPerUserState() {
        var p = population()
        p.users = 10_000_000_000
        p.dailyActive = 0.00001
        let r = Runner.runOnce(dayConfig(p, seconds: 60)).result
        XCTAssertGreaterThan(r.workloads[1].arrived, 0)
        XCTAssertEqual(r.population?.users, 10_000_000_000)
    }

    // MARK: Feed service

    /// Uploads enqueue on a queue whose consumers call the feed service; feed reads call it directly.
    func feedConfig(_ strategy: FeedStrategy, threshold: Double = 10) -> ModelConfig {
        let p = PopulationConfig(users: 100_000, dailyActive: 1, activities: [
            ActivityConfig(type: "upload", perUserPerDay: 1, route: ["queue"]),
            ActivityConfig(type: "feed-read", perUserPerDay: 20, route: ["feed"]),
        ], followers: FollowerLaw(exponent: 2.3), celebrities: 0)
        let feed = FeedServiceConfig(workers: 64, service: .constant(0.0005), strategy: strategy, celebrityThreshold: threshold,
                                     perFollower: 50e-6, perFollowee: 200e-6)
        var c = ModelConfig(name: "feed", seed: 5, duration: SimDuration(seconds: 600), warmup: SimDuration(seconds: 60),
                            workloads: p.workloads, components: [
                                ComponentConfig(name: "queue", kind: .queue(QueueConfig(consumers: 4, process: .constant(0.001), calls: ["feed"]))),
                                ComponentConfig(name: "feed", kind: .feedService(feed)),
                            ])
        c.population = p
        return c
    }

    func extra(_ r: RunResult, _ name: String) -> Double {
        r.components.first { $0.name == "feed" }!.extra.first { $0.name == name }!.value
    }

    /// Push costs work per follower at write time and makes posts wait; pull costs work per followed
    /// account at read time and shows posts at once; hybrid lies between.
    func testFanOutOnWriteVersusReadCostsAndVisibility() {
        let write = Runner.runOnce(feedConfig(.fanOutOnWrite)).result
        let read = Runner.runOnce(feedConfig(.fanOutOnRead)).result
        let hybrid = Runner.runOnce(feedConfig(.hybrid, threshold: 10)).result

        // Push: every post reaches its author's followers; reads pull nothing.
        let posts = extra(write, "posts_pushed")
        XCTAssertGreaterThan(posts, 500)
        XCTAssertEqual(extra(write, "posts_pulled"), 0)
        XCTAssertEqual(extra(write, "followees_pulled"), 0)
        // E[followers] of the continuous law is (α−1)/(α−2) = 4.33; the floor makes it a little less.
        // Infinite variance (α < 3) makes the sample mean noisy, so only its order is checked.
        let perPost = extra(write, "feed_writes") / posts
        XCTAssertGreaterThan(perPost, 2.5)
        XCTAssertLessThan(perPost, 20)
        XCTAssertEqual(extra(write, "fan_out_work_s"), extra(write, "feed_writes") * 50e-6, accuracy: 1e-6)

        // Pull: no feed writes, every read pulls the mean following (= mean followers).
        XCTAssertEqual(extra(read, "feed_writes"), 0)
        let meanFollowing = FollowerGraph(population: feedConfig(.fanOutOnRead).population!, seed: 5).followedAccounts(atLeast: 1)
        XCTAssertEqual(extra(read, "followees_pulled") / extra(read, "feed_reads"), meanFollowing.rounded(), accuracy: 1e-9)
        XCTAssertEqual(extra(read, "visibility_p99"), 0, "a pulled post is visible at the next read")

        // Hybrid: big authors are pulled, so fewer feed writes than push, fewer pulls than pull.
        XCTAssertGreaterThan(extra(hybrid, "posts_pulled"), 0)
        XCTAssertLessThan(extra(hybrid, "feed_writes"), extra(write, "feed_writes"))
        XCTAssertLessThan(extra(hybrid, "followees_pulled"), extra(read, "followees_pulled"))
        XCTAssertGreaterThan(extra(hybrid, "followees_pulled"), 0)

        // Visibility: pull ≤ hybrid ≤ push, and push waits at least the consumer's processing (1 ms).
        XCTAssertLessThanOrEqual(extra(read, "visibility_p50"), extra(hybrid, "visibility_p50"))
        XCTAssertLessThanOrEqual(extra(hybrid, "visibility_p99"), extra(write, "visibility_p99"))
        XCTAssertGreaterThanOrEqual(extra(write, "visibility_p50"), 0.001)
    }

    /// Followers pushed for a celebrity make one long job, not millions of events.
    func testCelebrityFanOutIsOneJob() {
        var c = feedConfig(.fanOutOnWrite)
        c.population!.celebrities = 100
        c.population!.celebrityFollowers = (50_000, 90_000)
        c.workloads = c.population!.workloads
        let model = Model(config: c)
        model.run()
        // 600 s at 1.16 uploads/s and 23.1 reads/s is about 14,600 requests: a handful of events
        // each, whatever the followers (a celebrity's 50k–90k feed writes are one service time).
        XCTAssertLessThan(model.sim.eventCount, 20 * 14_600)
    }
}
