import Foundation
import XCTest

/// The notifier lesson from the command line: `sdsim sweep` over the heartbeat interval tabulates
/// a dispatcher's headline figures, whatever --jobs.
final class DispatcherCLITests: XCTestCase {
    /// Sweeping `heartbeat` over 1 s and 30 s (k = 3): every detection delay lies in
    /// ((k − 1)h, kh], so each point's mean does too; heartbeats fall with h; the pauses taken for
    /// crashes do not grow with h (the same crashes and pauses at both points: common random numbers).
    func testHeartbeatSweepTabulatesTheTradeOff() throws {
        let command = ["sweep", "scenarios/notifier-heartbeats.yaml", "--vary",
                       "components.notifier.heartbeat=1s,30s", "--replications", "2", "--no-db", "--format", "csv"]
        let one = try sdsim(command + ["--jobs", "1"])
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertEqual(one.stdout, try sdsim(command + ["--jobs", "2"]).stdout, "the sweep depends on --jobs")
        // heartbeat,kind,subject,metric,unit,mean,…
        var mean: [String: Double] = [:]
        for line in one.stdout.split(separator: "\n") {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count > 5, f[1] == "tier", f[2] == "notifier", let v = Double(f[5]) else { continue }
            mean[f[0] + " " + f[3]] = v
        }
        for (point, h) in [("1s", 1.0), ("30s", 30.0)] {
            let delay = try XCTUnwrap(mean[point + " detection_delay_mean"], one.stdout)
            XCTAssertGreaterThan(delay, 2 * h, point)
            XCTAssertLessThanOrEqual(delay, 3 * h, point)
        }
        XCTAssertGreaterThan(try XCTUnwrap(mean["1s heartbeats_per_second"]), 10 * (try XCTUnwrap(mean["30s heartbeats_per_second"])))
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(mean["1s false_suspicions"]), try XCTUnwrap(mean["30s false_suspicions"]))
        XCTAssertNotNil(mean["1s latency_reassign_extra"])
        XCTAssertNotNil(mean["1s duplicates"])
    }
}
