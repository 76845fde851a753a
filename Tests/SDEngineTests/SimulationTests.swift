import SDEngine
import XCTest

/// Records every event it handles, with the time it ran.
final class Recorder: EventHandler {
    var log: [(t: Int64, kind: Int32, arg: Int64)] = []
    var onEvent: ((Int32, Int64, Simulation) -> Void)?
    func handle(kind: Int32, arg: Int64, sim: Simulation) {
        log.append((sim.now.ns, kind, arg))
        onEvent?(kind, arg, sim)
    }
}

final class SimulationTests: XCTestCase {
    /// Events run in time order; at equal times, in the order they were scheduled.
    func testTimeOrderAndTieBreakBySequence() {
        let sim = Simulation()
        let r = Recorder()
        let id = sim.register(r)
        sim.schedule(after: SimDuration(ns: 30), to: id, kind: 1)
        sim.schedule(after: SimDuration(ns: 10), to: id, kind: 2)
        for k in 3...8 { sim.schedule(after: SimDuration(ns: 20), to: id, kind: Int32(k)) }
        sim.schedule(after: SimDuration(ns: 10), to: id, kind: 9)
        sim.run(until: SimTime(ns: 100))
        XCTAssertEqual(r.log.map(\.kind), [2, 9, 3, 4, 5, 6, 7, 8, 1])
        XCTAssertEqual(r.log.map(\.t), [10, 10, 20, 20, 20, 20, 20, 20, 30])
        XCTAssertEqual(sim.now, SimTime(ns: 100))
        XCTAssertEqual(sim.eventCount, 9)
    }

    /// The clock advances in exact steps, and `run(until:)` leaves later events pending.
    func testClockStepsExactlyAndStopsAtEnd() {
        let sim = Simulation()
        let r = Recorder()
        let id = sim.register(r)
        // A tiny periodic process: every 250 µs it schedules itself again.
        r.onEvent = { _, arg, sim in sim.schedule(after: SimDuration(ns: 250_000), to: id, kind: 0, arg: arg + 1) }
        sim.schedule(after: .zero, to: id, kind: 0, arg: 0)
        sim.run(until: SimTime(ns: 1_000_000))
        XCTAssertEqual(r.log.map(\.t), [0, 250_000, 500_000, 750_000, 1_000_000])
        XCTAssertEqual(r.log.map(\.arg), [0, 1, 2, 3, 4])
        XCTAssertEqual(sim.pendingCount, 1)
        XCTAssertTrue(sim.step())
        XCTAssertEqual(sim.now, SimTime(ns: 1_250_000))
    }

    /// Thousands of random schedules, each checked against a sort by (time, sequence).
    func testHeapOrderMatchesSortForManySeeds() {
        for seed in 0..<2_000 {
            let stream = RandomStream(seed: UInt64(seed), name: "heap-test")
            let sim = Simulation()
            let r = Recorder()
            let id = sim.register(r)
            let n = 1 + stream.index(below: 60)
            var expected: [(Int64, Int)] = []
            for i in 0..<n {
                let t = Int64(stream.index(below: 8))   // few distinct times: many ties
                sim.schedule(after: SimDuration(ns: t), to: id, kind: 0, arg: Int64(i))
                expected.append((t, i))
            }
            sim.run(until: SimTime(ns: 100))
            expected.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            XCTAssertEqual(r.log.map(\.arg), expected.map { Int64($0.1) }, "seed \(seed)")
        }
    }

    func testDurationFormattingAndConversion() {
        XCTAssertEqual(SimDuration(seconds: 0.00025).ns, 250_000)
        XCTAssertEqual(SimDuration(seconds: -1).ns, 0)
        XCTAssertEqual(SimDuration(seconds: .nan).ns, 0)
        XCTAssertEqual(SimDuration(ns: 250_000).description, "250us")
        XCTAssertEqual(SimDuration(ns: 1_500_000_000).description, "1.5s")
        XCTAssertEqual(SimDuration(ns: 7_200_000_000_000).description, "2h")
        XCTAssertEqual(SimDuration(ns: 17).description, "17ns")
    }
}
