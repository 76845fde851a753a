import SDEngine
import SDMetrics
@testable import SDModels
import XCTest
import SDConfig
import SDAnalysis

/// Asserts that every queue of `model` accounts for every message it was given.
func assertNoMessageLost(_ model: Model, _ what: String, file: StaticString = #filePath, line: UInt = #line) {
    for node in model.nodes {
        guard let queue = node as? MessageQueue else { continue }
        let ledger = queue.ledger()
        XCTAssert(ledger.isBalanced, "\(what), \(queue.name): \(ledger.problems.joined(separator: "; "))", file: file, line: line)
    }
}

/// Builds `config` with `seed`, runs it to the end (calling `at` at the given times on the way) and
/// returns the model, for tests that look inside nodes.
func runModel(_ config: ModelConfig, seed: UInt64? = nil, at stops: [(seconds: Double, action: (Model) -> Void)] = []) -> Model {
    let model = Model(config: config, seed: seed)
    for client in model.clients { client.start() }
    for stop in stops {
        model.sim.run(until: SimTime(ns: SimDuration(seconds: stop.seconds).ns))
        stop.action(model)
    }
    model.sim.run(until: SimTime(ns: config.duration.ns))
    return model
}

func queue(_ name: String, _ config: QueueConfig) -> ComponentConfig { ComponentConfig(name: name, kind: .queue(config)) }

func extra(_ c: ComponentResult, _ name: String) -> Double {
    guard let x = c.extra.first(where: { $0.name == name }) else {
        XCTFail("\(c.name) has no extra '\(name)'")
        return .nan
    }
    return x.value
}

/// Message queues: redelivery, dead letters, the ledger, and M/M/c behaviour.
final class QueueTests: XCTestCase {
    /// With every attempt failing, each message is received exactly K = 3 times and then
    /// dead-lettered. Arrivals every 0.1 s (t = 0.1 … 100 s), an idle consumer takes each at once,
    /// the attempt fails after 10 ms, and the message comes back every visibility timeout (1 s):
    /// received at t, t + 1, t + 2, dead-lettered at t + 3. By the end (100.05 s) exactly the
    /// messages with t + 3 ≤ 100.05 are dead-lettered, and a message has min(3, ⌊100.05 − t⌋ + 1)
    /// deliveries. The dead-letter queue is counted independently: its messages, each with its
    /// receive count from the source queue.
    func testDeadLetterQueueGetsExactlyTheExhaustedMessages() {
        var config = poissonConfig("dlq", rate: 1, duration: 100.05, warmup: 0, route: ["jobs"], components: [
            queue("jobs", QueueConfig(consumers: 50, process: .constant(0.010), visibilityTimeout: SimDuration(seconds: 1),
                                      maxReceives: 3, deadLetterQueue: "dlq", failureRate: 1)),
            queue("dlq", QueueConfig(consumers: 0)),
        ])
        config.workloads[0].arrival = .interarrival(.constant(0.1))
        let model = runModel(config)
        let r = Runner.collect(model).result
        let jobs = r.components.first { $0.name == "jobs" }!
        let dlqNode = model.nodes.first { $0.name == "dlq" } as! MessageQueue

        var expectedDead = 0, expectedDeliveries = 0
        for k in 1...1000 {
            let t = Double(k) / 10
            if t + 3 <= 100.05 { expectedDead += 1 }
            expectedDeliveries += min(3, Int((100.05 - t).rounded(.down)) + 1)
        }
        XCTAssertEqual(expectedDead, 970)
        XCTAssertEqual(extra(jobs, "enqueued"), 1000)
        XCTAssertEqual(extra(jobs, "dead_lettered"), Double(expectedDead))
        XCTAssertEqual(extra(jobs, "delivered"), Double(expectedDeliveries))
        XCTAssertEqual(extra(jobs, "redelivered"), Double(expectedDeliveries - 1000))
        XCTAssertEqual(extra(jobs, "acknowledged"), 0)
        XCTAssertEqual(extra(jobs, "failed_attempts"), Double(expectedDeliveries))
        XCTAssertEqual(extra(jobs, "in_flight_at_end"), Double(1000 - expectedDead))

        let dead = dlqNode.liveMessages()
        XCTAssertEqual(dead.count, expectedDead)
        XCTAssertTrue(dead.allSatisfy { $0.priorReceives == 3 && $0.receives == 0 && !$0.inFlight })
        XCTAssertEqual(dlqNode.ledger().enqueued, expectedDead)
        assertNoMessageLost(model, "dead letters")
    }

    /// Each attempt fails independently with probability p = 0.5; with K = 3 receives a message is
    /// dead-lettered with probability p^K = 0.125, and is delivered (1 − p^K)/(1 − p) = 1.75 times
    /// on average. The visibility timeout (1 s) is far beyond any processing time, so no attempt
    /// is overtaken by its own timeout. Checked as binomial proportions at the 99.9% level.
    func testDeadLetterFractionIsPToTheK() {
        let p = 0.5, k = 3
        let config = poissonConfig("dlq-fraction", rate: 50, duration: 4_010, warmup: 10, route: ["jobs"], components: [
            queue("jobs", QueueConfig(consumers: 8, process: .exponential(mean: 0.01), visibilityTimeout: SimDuration(seconds: 1),
                                      maxReceives: k, failureRate: p)),
        ])
        let r = Runner.runOnce(config).result
        let jobs = r.components[0]
        let dead = extra(jobs, "dead_lettered"), acked = extra(jobs, "acknowledged")
        let n = dead + acked
        let theory = pow(p, Double(k))
        let z = 3.29
        XCTAssertEqual(dead / n, theory, accuracy: z * (theory * (1 - theory) / n).squareRoot(), "dead-letter fraction")
        XCTAssertGreaterThan(n, 150_000)
        // Deliveries per message: mean 1.75, variance E[X²] − 1.75² with X = min(Geometric, K).
        let probs = (1...k).map { i in i < k ? pow(p, Double(i - 1)) * (1 - p) : pow(p, Double(k - 1)) }
        let mean = zip(1...k, probs).reduce(0) { $0 + Double($1.0) * $1.1 }
        let variance = zip(1...k, probs).reduce(0) { $0 + Double($1.0 * $1.0) * $1.1 } - mean * mean
        XCTAssertEqual(mean, 1.75, accuracy: 1e-12)
        XCTAssertEqual(extra(jobs, "delivered") / n, mean, accuracy: z * (variance / n).squareRoot() + 0.001, "deliveries per message")
    }

    /// A hundred seeds of a queue whose consumers fail at random, whose database calls are turned
    /// away by a small waiting room, whose processing sometimes outlasts the visibility timeout
    /// (duplicates and stale acknowledgements), and whose consumers all crash twice in some runs:
    /// every message of both queues is acknowledged, dead-lettered, or still there, and the dead-letter
    /// queue got exactly what the source dead-lettered.
    func testNoMessageLostAcrossSeeds() {
        let config = poissonConfig("no-loss", rate: 40, duration: 60, warmup: 0, route: ["jobs"], components: [
            queue("jobs", QueueConfig(consumers: 6, process: .exponential(mean: 0.1), calls: ["db"],
                                      visibilityTimeout: SimDuration(seconds: 0.3), maxReceives: 4, deadLetterQueue: "dlq",
                                      failureRate: 0.3)),
            queue("dlq", QueueConfig(consumers: 1, process: .exponential(mean: 0.05), visibilityTimeout: SimDuration(seconds: 0.2),
                                     maxReceives: 2, failureRate: 0.5)),
            server("db", workers: 2, .exponential(mean: 0.02), queueLimit: 1),
        ])
        var crashedAttempts = 0, stale = 0, dead = 0
        for seed in 1...100 as ClosedRange<UInt64> {
            let crash: (Model) -> Void = { m in
                crashedAttempts += (m.nodes.first { $0.name == "jobs" } as! MessageQueue).crashConsumers()
            }
            let model = runModel(config, seed: seed, at: seed % 2 == 0 ? [(20, crash), (40.05, crash)] : [])
            assertNoMessageLost(model, "seed \(seed)")
            let jobs = model.nodes.first { $0.name == "jobs" } as! MessageQueue
            let dlq = model.nodes.first { $0.name == "dlq" } as! MessageQueue
            XCTAssertEqual(jobs.ledger().deadLettered, dlq.ledger().enqueued, "seed \(seed)")
            XCTAssertEqual(jobs.ledger().enqueued, model.clients[0].arrived, "seed \(seed): every producer's message was enqueued")
            let r = Runner.collect(model).result
            stale += Int(extra(r.components[0], "stale_acks"))
            dead += jobs.ledger().deadLettered
        }
        // The scenario does exercise what it claims to.
        XCTAssertGreaterThan(crashedAttempts, 0)
        XCTAssertGreaterThan(stale, 0)
        XCTAssertGreaterThan(dead, 0)
    }

    /// The ledger's check itself: a message missing from the books, or a running count that
    /// disagrees with the table or the line, is reported.
    func testLedgerReportsUnaccountedMessages() {
        let good = MessageLedger(enqueued: 10, acknowledged: 5, deadLettered: 2, waiting: 2, inFlight: 1,
                                 waitingFound: 2, inFlightFound: 1, waitingInLine: 2)
        XCTAssertTrue(good.isBalanced)
        var lost = good
        lost.enqueued = 11
        XCTAssertEqual(lost.problems, ["11 messages enqueued but 10 accounted for (5 acknowledged, 2 dead-lettered, 2 waiting, 1 in flight)"])
        var hidden = good
        hidden.waitingInLine = 1
        XCTAssertFalse(hidden.isBalanced)
        var miscounted = good
        miscounted.inFlightFound = 0
        XCTAssertEqual(miscounted.problems.count, 1)
    }

    /// A crash loses the attempts in progress but no message: they come back after the
    /// visibility timeout and are processed. Arrivals every second, processing 0.5 s, timeout 2 s;
    /// a crash at t = 10.2 catches the message of t = 10, which is delivered again at 12 and
    /// acknowledged at 12.5 (its timer fires before the message arriving at 12 is stored, so the
    /// latter waits until 12.5 and is acknowledged at 13). Every other message is acknowledged on
    /// its first delivery, 0.5 s after it arrived.
    func testCrashedConsumersLoseNoMessage() {
        var config = poissonConfig("crash", rate: 1, duration: 30.7, warmup: 0, route: ["jobs"], components: [
            queue("jobs", QueueConfig(consumers: 1, process: .constant(0.5), visibilityTimeout: SimDuration(seconds: 2))),
        ])
        config.workloads[0].arrival = .interarrival(.constant(1))
        var lost = 0
        let model = runModel(config, at: [(10.2, { m in lost = (m.nodes[0] as! MessageQueue).crashConsumers() })])
        XCTAssertEqual(lost, 1)
        let jobs = Runner.collect(model).result.components[0]
        XCTAssertEqual(extra(jobs, "enqueued"), 30)
        XCTAssertEqual(extra(jobs, "acknowledged"), 30)
        XCTAssertEqual(extra(jobs, "redelivered"), 1)
        XCTAssertEqual(extra(jobs, "failed_attempts"), 1)
        XCTAssertEqual(jobs.responseMean, (28 * 0.5 + 2.5 + 1.0) / 30, accuracy: 1e-9)
        XCTAssertEqual(extra(jobs, "oldest_age_max"), 2.5, accuracy: 1e-9)
        assertNoMessageLost(model, "crash")
    }

    /// Poisson arrivals at λ = 3.2/s into a queue read by c = 4 consumers with exponential
    /// processing (μ = 1/s) is an M/M/4: the wait from enqueue to the start of processing is
    /// Erlang C's Wq = C(4, 3.2)/(cμ − λ), consumers are busy λ/(cμ) of the time, the
    /// time-average depth is Lq = λ·Wq, and enqueue to acknowledgement takes Wq + 1/μ.
    func testQueueWithConsumersIsMMc() {
        let lambda = 3.2, mu = 1.0, c = 4
        let config = poissonConfig("queue-mmc", rate: lambda, duration: 101_000, warmup: 1_000, route: ["jobs"], components: [
            queue("jobs", QueueConfig(consumers: c, process: .exponential(mean: 1 / mu))),
        ])
        let runs = Replicated(config)
        let wq = QueueingTheory.mmcWait(lambda: lambda, mu: mu, servers: c)
        assertWithin(runs.interval { runs.component("jobs", $0).waitMean }, wq, "queue M/M/4 wait (visible to received)")
        assertWithin(runs.interval { extra(runs.component("jobs", $0), "delivery_delay_mean") }, wq, "queue M/M/4 enqueue to processing")
        assertWithin(runs.interval { runs.component("jobs", $0).utilization }, lambda / (Double(c) * mu), "queue M/M/4 consumers busy")
        assertWithin(runs.interval { runs.component("jobs", $0).queueLengthMean }, lambda * wq, "queue M/M/4 depth Lq")
        assertWithin(runs.interval { runs.component("jobs", $0).responseMean }, wq + 1 / mu, "queue M/M/4 enqueue to ack")
        for r in runs.results {
            let jobs = runs.component("jobs", r)
            XCTAssertEqual(extra(jobs, "redelivered"), 0)
            XCTAssertGreaterThanOrEqual(extra(jobs, "depth_max"), extra(jobs, "depth_p99"))
            XCTAssertEqual(jobs.series.first?.name, "depth")
            XCTAssertLessThanOrEqual(jobs.series[0].values.count, 1000, "the depth series is bounded")
        }
    }

    /// The depth series: samples every `sample-every` from the end of the warm-up, halved (and the
    /// interval doubled) whenever 1000 are held. A queue nobody consumes grows by one message a
    /// second, so each sample equals the number of arrivals before it.
    func testDepthSeriesIsDecimated() {
        var config = poissonConfig("series", rate: 1, duration: 2_500.5, warmup: 0, route: ["jobs"], components: [
            queue("jobs", QueueConfig(consumers: 0)),
        ])
        config.workloads[0].arrival = .interarrival(.constant(1))
        let jobs = Runner.runOnce(config).result.components[0]
        let s = jobs.series[0]
        // 2501 samples due (t = 0 … 2500): halved at 1000 (→ 500, interval 2 s) and again at
        // 1000 (→ 500, interval 4 s), then 126 more at t = 2000, 2004, …, 2500.
        XCTAssertEqual(s.interval, 4)
        XCTAssertEqual(s.start, 0)
        XCTAssertEqual(s.values.count, 626)
        for (i, v) in s.values.enumerated() {
            // Arrivals at 1, 2, …: the message of time t is stored when its (zero) enqueue service
            // ends, an event scheduled at t after the sample of t, so the depth sampled is t − 1.
            let t = Double(i) * 4
            XCTAssertEqual(v, max(0, t - 1), "sample \(i)")
        }
        XCTAssertEqual(extra(jobs, "depth_max"), 2500)
        XCTAssertEqual(extra(jobs, "oldest_age_at_end"), 2499.5, accuracy: 1e-9)
        // Time-average depth: ∫ ⌊t⌋ dt over [0, 2500.5] / 2500.5.
        let area = (0..<2500).reduce(0.0) { $0 + Double($1) } + 2500 * 0.5
        XCTAssertEqual(jobs.queueLengthMean, area / 2500.5, accuracy: 1e-9)
    }

    /// Processing that always outlasts the visibility timeout never deletes the message, as in
    /// SQS: arrival at 10 s, processing 3 s, timeout 2 s, two consumers. Receipts at 10, 12, 14,
    /// 16, 18 and 20; each acknowledgement (13, 15, 17, 19) carries a receipt that is no longer the
    /// latest and deletes nothing. With max-receives 3 the message is dead-lettered at 16 instead,
    /// after receipts at 10, 12 and 14, and the acknowledgements at 13, 15 and 17 are all stale.
    func testLateAcknowledgementIsStale() {
        for limit in [nil, 3] as [Int?] {
            var config = poissonConfig("stale", rate: 1, duration: 20.5, warmup: 0, route: ["jobs"], components: [
                queue("jobs", QueueConfig(consumers: 2, process: .constant(3), visibilityTimeout: SimDuration(seconds: 2),
                                          maxReceives: limit)),
            ])
            config.workloads[0].arrival = .interarrival(.constant(10))   // one arrival, at 10 s (the next is at 20 s)
            config.duration = SimDuration(seconds: 19.99)
            let jobs = Runner.runOnce(config).result.components[0]
            XCTAssertEqual(extra(jobs, "enqueued"), 1)
            XCTAssertEqual(extra(jobs, "acknowledged"), 0)
            XCTAssertEqual(extra(jobs, "delivered"), limit == nil ? 5 : 3)
            XCTAssertEqual(extra(jobs, "stale_acks"), limit == nil ? 4 : 3)
            XCTAssertEqual(extra(jobs, "dead_lettered"), limit == nil ? 0 : 1)
        }
    }

    /// An acknowledgement after the timeout still deletes the message when nobody received it
    /// again in between (its receipt is still the latest): one consumer, arrival at 10 s,
    /// processing 3 s, timeout 2 s. The message is visible again from 12 to 13 (the consumer is
    /// busy with it), then deleted while visible; the depth was 1 for that second.
    func testLateAcknowledgementWithLatestReceiptDeletes() {
        var config = poissonConfig("late", rate: 1, duration: 19.99, warmup: 0, route: ["jobs"], components: [
            queue("jobs", QueueConfig(consumers: 1, process: .constant(3), visibilityTimeout: SimDuration(seconds: 2))),
        ])
        config.workloads[0].arrival = .interarrival(.constant(10))
        let model = runModel(config)
        let jobs = Runner.collect(model).result.components[0]
        XCTAssertEqual(extra(jobs, "delivered"), 1)
        XCTAssertEqual(extra(jobs, "acknowledged"), 1)
        XCTAssertEqual(extra(jobs, "stale_acks"), 0)
        XCTAssertEqual(extra(jobs, "depth_max"), 1)
        XCTAssertEqual(jobs.queueLengthMean, 1 / 19.99, accuracy: 1e-9)
        XCTAssertEqual(extra(jobs, "depth_at_end"), 0)
        assertNoMessageLost(model, "late acknowledgement")
    }
}

/// A database table used as a queue: the delivery delay and the cost of polling.
final class PolledTableTests: XCTestCase {
    func table(workers: Int = 8, insertService: Double = 0.001, pollers: Int = 1, interval: Double, pollService: Double,
               batch: Int = 1000, process: Double) -> ComponentConfig {
        ComponentConfig(name: "table", kind: .polledTable(PolledTableConfig(
            workers: workers, service: .constant(insertService), pollers: pollers, pollInterval: SimDuration(seconds: interval),
            pollService: .constant(pollService), batch: batch, process: .constant(process))))
    }

    /// One poller polling every T on a fixed grid, a poll query of S, processing P per row, Poisson
    /// inserts at rate λ, and a database with workers to spare (nothing waits in its line). A row
    /// inserted during a grid interval waits for the next grid time (uniform: T/2 on average),
    /// then for the query (S), then for the rows ahead of it in its batch: the n rows of an
    /// interval (Poisson, mean λT) are processed in order, so the jth waits j·P, and
    /// E[Σ j] = E[n(n − 1)/2] = (λT)²/2. Mean delay = T/2 + S + P·λT/2, as long as a batch is
    /// always processed within the interval (here n·P + S < T for any plausible n).
    func testDeliveryDelayMatchesPollingTheory() {
        for (lambda, p) in [(0.2, 0.002), (5.0, 0.01)] {
            let t = 1.0, s = 0.005
            let config = poissonConfig("polling", rate: lambda, duration: lambda < 1 ? 100_100 : 10_100, warmup: 100,
                                       route: ["table"], components: [table(interval: t, pollService: s, process: p)])
            let runs = Replicated(config)
            let theory = t / 2 + s + p * lambda * t / 2
            assertWithin(runs.interval { extra(runs.component("table", $0), "delivery_delay_mean") }, theory,
                         "polling delivery delay at λ = \(lambda)", power: 0.02)
            // One poll per interval: polls/s = 1/T; poll queries keep S/T of one worker busy.
            assertWithin(runs.interval { extra(runs.component("table", $0), "polls_per_second") }, 1 / t, "polls per second", power: 0.01)
            assertWithin(runs.interval { extra(runs.component("table", $0), "poll_utilization") }, s / t / 8, "poll utilization", power: 0.01)
        }
    }

    /// Each poll takes every row inserted since the previous poll's query started (the batch is
    /// large enough to drain the table), and those are exactly the rows of one interval T of a
    /// Poisson stream: a poll finds nothing with probability e^{−λT}.
    func testEmptyPollFractionIsPoissonZero() {
        let lambda = 2.0, t = 0.5
        let config = poissonConfig("empty-polls", rate: lambda, duration: 20_100, warmup: 100, route: ["table"],
                                   components: [table(interval: t, pollService: 0.01, process: 0.001)])
        let runs = Replicated(config)
        assertWithin(runs.interval { extra(runs.component("table", $0), "empty_poll_fraction") }, exp(-lambda * t),
                     "empty-poll fraction")
    }

    /// With several pollers at random phases the polls are not evenly spread: poll i finds the
    /// rows inserted since the previous poll by any poller, a gap gᵢ between consecutive phases.
    /// So the empty fraction is (1/N) Σ e^{−λgᵢ} and, at low load, the mean delay is
    /// Σ gᵢ²/(2T) + S (a row lands in gap i with probability gᵢ/T and waits gᵢ/2 on average).
    func testSeveralPollersFollowTheirPhases() {
        let lambda = 0.5, t = 2.0, s = 0.003, n = 3
        let config = poissonConfig("pollers", rate: lambda, duration: 200_100, warmup: 100, route: ["table"],
                                   components: [table(pollers: n, interval: t, pollService: s, process: 0)])
        let model = runModel(config)
        let node = model.nodes[0] as! PolledTable
        let phases = node.phases.map { Double($0) / 1e9 }.sorted()
        let gaps = phases.indices.map { i in i == 0 ? phases[0] + t - phases[n - 1] : phases[i] - phases[i - 1] }
        XCTAssertEqual(gaps.reduce(0, +), t, accuracy: 1e-9)
        let r = Runner.collect(model).result.components[0]
        let polls = extra(r, "polls")
        let emptyTheory = gaps.reduce(0) { $0 + exp(-lambda * $1) } / Double(n)
        // Polls are not independent trials across gaps of different lengths, but each gap class is
        // binomial; the bound below uses the largest per-poll variance.
        XCTAssertEqual(extra(r, "empty_poll_fraction"), emptyTheory, accuracy: 3.29 * (0.25 / polls).squareRoot())
        let delayTheory = gaps.reduce(0) { $0 + $1 * $1 } / (2 * t) + s
        let rows = extra(r, "processed")
        // Delay given the gap is uniform on [0, g]: variance ≤ E[g²]/3 ≤ T²/3.
        XCTAssertEqual(extra(r, "delivery_delay_mean"), delayTheory, accuracy: 3.29 * (t * t / 3 / rows).squareRoot())
    }

    /// A full batch means more rows may be waiting, so the poller polls again at once: a backlog
    /// drains at the processing rate, not one batch per interval. Fifty producers insert a row
    /// each at t = 1 s (inserts take no time); batch 10, poll query 1 ms, processing 10 ms per row,
    /// interval 100 ms. From the first grid time τ ≥ 1 s, five full batches follow back to back
    /// (each 1 ms + 10 × 10 ms), so the last row starts at τ + 4 × 0.101 + 0.001 + 9 × 0.01 =
    /// τ + 0.495 s; a sixth poll finds the table empty and the poller returns to its grid.
    func testFullBatchPollsAgainAtOnce() {
        let workloads = (1...50).map { i in
            WorkloadConfig(name: "w\(i)", arrival: .interarrival(.constant(1)), route: ["table"])
        }
        let config = ModelConfig(name: "backlog", seed: 5, duration: SimDuration(seconds: 1.95), workloads: workloads,
                                 components: [table(insertService: 0, interval: 0.1, pollService: 0.001, batch: 10, process: 0.01)])
        let model = runModel(config)
        let node = model.nodes[0] as! PolledTable
        let phase = node.phases[0], interval: Int64 = 100_000_000
        let tau = phase + (1_000_000_000 - phase + interval - 1) / interval * interval
        XCTAssertEqual(node.deliveryDelay.tally.count, 50)
        XCTAssertEqual(node.deliveryDelay.tally.max, Double(tau - 1_000_000_000) / 1e9 + 0.495, accuracy: 1e-9)
        let r = Runner.collect(model).result.components[0]
        XCTAssertEqual(extra(r, "processed"), 50)
        // Grid polls before 1 s (all empty), six in the burst, then grid polls to the end.
        let gridBefore = Double((1_000_000_000 - phase + interval - 1) / interval)
        let burstEnd = tau + 5 * 101_000_000
        let gridAfter = Double((1_950_000_000 - phase) / interval - (burstEnd - phase) / interval)
        XCTAssertEqual(extra(r, "polls"), gridBefore + 6 + gridAfter)
        XCTAssertEqual(extra(r, "empty_poll_fraction"), (gridBefore + 1 + gridAfter) / (gridBefore + 6 + gridAfter), accuracy: 1e-12)
    }
}
