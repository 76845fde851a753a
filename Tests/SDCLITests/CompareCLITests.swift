import CSQLite
import Foundation
import XCTest

/// `--set`, `--variant`, `sdsim compare`, `sdsim sweep` and `sdsim size` from the command line.
final class CompareCLITests: XCTestCase {
    let hv = "scenarios/scaling-horizontal-vs-vertical.yaml"

    /// The same bytes for any --jobs, for all three commands.
    func testCompareSweepAndSizeGiveTheSameBytesForAnyJobs() throws {
        let commands: [[String]] = [
            ["compare", hv, "--set", "duration=8s", "--replications", "3", "--no-db"],
            ["compare", hv, "--set", "duration=8s", "--replications", "3", "--format", "json", "--baseline", "vertical", "--no-db"],
            ["sweep", "scenarios/mm1.yaml", "--set", "duration=3000s", "--vary", "workload.jobs.arrival=poisson(0.2/s)..poisson(0.8/s):4",
             "--replications", "3", "--slo", "mean<3s", "--no-db"],
            ["sweep", "scenarios/mm1.yaml", "--set", "duration=2000s", "--vary", "workload.jobs.arrival=poisson(0.2/s),poisson(0.6/s)",
             "--vary", "components.station.workers=1,2", "--replications", "2", "--no-db", "--format", "csv"],
            ["size", "scenarios/mm1.yaml", "--set", "duration=3000s", "--set", "workload.jobs.arrival=poisson(3/s)",
             "--vary", "components.station.workers", "--slo", "mean<1500ms", "--replications", "3"],
        ]
        for command in commands {
            let one = try sdsim(command + ["--jobs", "1"])
            let two = try sdsim(command + ["--jobs", "2"])
            XCTAssertEqual(one.status, 0, "\(command): \(one.stderr)\(one.stdout)")
            XCTAssertFalse(one.stdout.isEmpty, "\(command)")
            XCTAssertEqual(one.stdout, two.stdout, "\(command) depends on --jobs")
        }
    }

    /// The shipped comparison holds its expectations, and marks the latency differences.
    func testHorizontalVersusVerticalHoldsItsComparisons() throws {
        let out = try sdsim(["compare", hv, "--quiet", "--no-db"])
        XCTAssertEqual(out.status, 0, out.stdout + out.stderr)
        XCTAssertTrue(out.stdout.contains("Expectations:"), out.stdout)
        XCTAssertFalse(out.stdout.contains("FAIL"), out.stdout)
        XCTAssertTrue(out.stdout.contains(" *"), out.stdout)
        // `run` on a file with variants runs its own values and says how to run the others.
        let run = try sdsim(["run", hv, "--no-db", "--variant", "vertical", "--set", "duration=8s", "--no-expect"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let base = try sdsim(["run", hv, "--no-db", "--set", "duration=8s", "--no-expect"])
        XCTAssertTrue(base.stderr.contains("declares variants"), base.stderr)
    }

    /// Bad overrides and options: located errors, exit status 2, nothing run.
    func testBadOverridesAreLocatedErrors() throws {
        let out = try sdsim(["run", "scenarios/mm1.yaml", "--no-db", "--set", "components.statoin.workers=2",
                             "--set", "components.station.workers=two"])
        XCTAssertEqual(out.status, 2)
        XCTAssertTrue(out.stderr.contains("--set:1:12: error: unknown path 'components.statoin.workers': 'components' has no 'statoin'; did you mean 'station'?"),
                      out.stderr)
        XCTAssertTrue(out.stderr.contains("--set:2:28: error:"), out.stderr)
        let sweep = try sdsim(["sweep", "scenarios/mm1.yaml", "--vary", "workload.jobs.arrival=poisson(1/s)..uniform(2/s)", "--no-db"])
        XCTAssertEqual(sweep.status, 2, sweep.stderr)
        let slo = try sdsim(["size", "scenarios/mm1.yaml", "--vary", "components.station.workers", "--slo", "p98<1s"])
        XCTAssertEqual(slo.status, 2, slo.stderr)
        XCTAssertTrue(slo.stderr.contains("unknown SLO metric 'p98'; did you mean 'p99'?"), slo.stderr)
        let one = try sdsim(["compare", "scenarios/mm1.yaml", "--no-db"])
        XCTAssertEqual(one.status, 2, one.stderr)
    }

    /// A sweep is stored as an analysis with one run per point, with its swept values.
    func testSweepStoresEachPointWithItsValues() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("r.db").path
        let out = try sdsim(["sweep", "scenarios/mm1.yaml", "--set", "duration=2000s", "--vary", "components.station.workers=1..3",
                             "--replications", "2", "--db", db, "--quiet"])
        XCTAssertEqual(out.status, 0, out.stderr)
        let sql = try SQLiteCounter(path: db)
        XCTAssertEqual(sql.query("SELECT COUNT(*) FROM runs WHERE analysis_id = 1"), 3)
        XCTAssertEqual(sql.query("SELECT COUNT(*) FROM analyses WHERE kind = 'sweep'"), 1)
        XCTAssertEqual(sql.query("SELECT COUNT(*) FROM figures WHERE subject_kind = 'setting' AND subject = 'components.station.workers'"), 3)
        XCTAssertEqual(sql.query("SELECT r.replications FROM runs r JOIN figures f ON f.run_id = r.id WHERE f.subject_kind = 'setting' AND f.value = 2"), 2)
    }

    /// A compare is stored as an analysis with one run per system, with its name and the label,
    /// and `results diff` of two systems pairs them as the comparison does.
    func testCompareStoresEachSystem() throws {
        let dir = try temporaryDirectory()
        let db = dir.appendingPathComponent("r.db").path
        let out = try sdsim(["compare", hv, "--set", "duration=8s", "--replications", "3", "--db", db, "--label", "hv", "--quiet"])
        XCTAssertEqual(out.status, 0, out.stderr)
        let sql = try SQLiteCounter(path: db)
        XCTAssertEqual(sql.query("SELECT COUNT(*) FROM runs WHERE command = 'compare' AND label = 'hv' AND replications = 3"), 3, "the file's three systems")
        XCTAssertEqual(sql.query("SELECT COUNT(*) FROM figures WHERE subject_kind = 'setting' AND subject = 'system'"), 3)
        XCTAssertEqual(sql.query("SELECT COUNT(*) FROM analyses WHERE kind = 'compare' AND label = 'hv' AND replications = 3"), 1)
        XCTAssertEqual(sql.query("SELECT COUNT(*) FROM runs WHERE analysis_id = 1"), 3)
        let list = try sdsim(["results", "list", "--db", db, "--label", "hv"])
        XCTAssertEqual(list.status, 0, list.stderr)
        XCTAssertEqual(list.stdout.components(separatedBy: " run ").count - 1, 3, list.stdout)
        XCTAssertEqual(list.stdout.components(separatedBy: " compare ").count - 1, 1, list.stdout)
        XCTAssertTrue(list.stdout.contains("SETTINGS") && list.stdout.contains("system=vertical"), list.stdout)
        // The systems' runs (ids 2 to 4) diff paired, as the comparison did.
        let diff = try sdsim(["results", "diff", "2", "3", "--db", db])
        XCTAssertEqual(diff.status, 0, diff.stderr)
        XCTAssertTrue(diff.stdout.contains("paired over 3 replications"), diff.stdout)
    }
}
