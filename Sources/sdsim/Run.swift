import SDEngine
import ArgumentParser
import Foundation
import SDModels
import SDReports
import SDScenario
import SDConfig
import SDAnalysis

/// Output formats of `sdsim run`.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// `sdsim run FILE`: simulate a scenario and report.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a scenario and print its report.",
        discussion: """
            Statistics exclude the scenario's warm-up. Each mean comes with a 95% confidence \
            interval: by batch means within one run, or across independent replications with \
            --replications N (the replications run in parallel on --jobs threads; the result does \
            not depend on --jobs).

            Every run is also stored in an SQLite database (default results/sdsim.db) in one \
            transaction: tables runs, workload_stats and component_stats, with the scenario text \
            exactly as it was loaded. The database is opened before the simulation starts (a path \
            that cannot be written fails at once), and the run is stored before the report is \
            printed, so a closed pipe (sdsim run … | head) cannot lose it.

            Budgets: before running, the events (arrival rates × duration) and the memory of the \
            model's structures (replicas × shards × nodes, vnodes × replicas) are estimated, and a \
            scenario past --max-events or --max-memory is refused (exit status 2). While running, a \
            system that cannot keep up and piles up more requests in flight than --max-memory \
            holds is stopped cleanly: the report is printed marked PARTIAL, stored, and the exit \
            status is 1.

            A scenario's 'expect:' assertions are checked after the run and listed at the end \
            of the report with PASS or FAIL and the measured value; when any fails, the exit \
            status is 1 (after the report is printed and the run stored).

            Examples:
              sdsim run scenarios/mm1.yaml
              sdsim run scenarios/three-tier.yaml --format json | jq '.workload'
              sdsim run scenarios/mm1.yaml --seed 42 --replications 10 --jobs 2
              sdsim run big.yaml --max-events 200B --max-memory 16GiB

            Exit status: 0 success; 1 an expectation failed, the run stopped early, the results \
            database failed, or the report could not be written (a full disk, a closed pipe); \
            2 bad input (a scenario error, a wrong option, a scenario past the budgets).
            """)

    @Argument(help: "The scenario file (YAML).")
    var file: String

    @OptionGroup var scenario: ScenarioOptions

    @OptionGroup var options: SimulationOptions

    @Option(help: "SQLite results database to append the run to.")
    var db: String = "results/sdsim.db"

    @Flag(help: "Do not write the results database.")
    var noDb = false

    @Option(help: "Independent replications; their means give the confidence intervals.")
    var replications: Int = 1

    @Flag(help: "Do not check the scenario's 'expect:' assertions (and so never exit with status 1 for them).")
    var noExpect = false

    @Flag(help: ArgumentHelp(
        "Check the run's invariants and say so on stderr: every request and message accounted for once (always checked) and Little's law at every station (L = X·W, within 5% plus one request per window).",
        discussion: "A broken invariant is a bug in sdsim: the message gives the seed and a command that reproduces it, and the exit status is 1."))
    var check = false

    func validate() throws {
        guard replications >= 1 && replications <= 100_000 else {
            throw ValidationError("--replications must be between 1 and 100000 (found \(replications))")
        }
        if !noDb { try ResultsDatabase.checkPath(db) }
    }

    func run() throws {
        let (config, text) = try loadScenarioAndText(file, scenario)
        let budget = try options.checkBudget(config, file: file, runs: replications, parallel: min(options.jobs, replications))
        // Opened before simulating: a database that cannot be written fails now, not after the run.
        let store = noDb ? nil : try ResultsDatabase.open(db)
        defer { store?.close() }
        if let warning = OfferedLoad.warning(OfferedLoad.overloaded(OfferedLoad.rows(config))) {
            Console.standardError.writeIfPossible("sdsim: warning: \(warning)\n".escapingControlCharacters(keepingNewlines: true))
        }
        let progress = options.progress(label: config.name)
        var result = Runner.run(config, seed: options.seed, replications: replications, jobs: options.jobs,
                                budget: budget, progress: progress.update)
        try progress.display.finish()
        if noExpect {
            result.lesson = config.lesson
        } else {
            result = Expectations.check(config, result)
        }
        // Stored first, then printed: a closed pipe or a full disk on stdout cannot lose the run.
        if let store {
            do {
                try store.record(result, scenarioFile: file, configText: text)
            } catch {
                Console.standardError.writeIfPossible("sdsim: error: \(error)\n".escapingControlCharacters(keepingNewlines: true))
                throw ExitCode.failure
            }
        }
        let report = options.format == .json ? JSONReport.render(result) : TextReport.render(result)
        try Console.standardOutput.writeReport(report)
        if let stopped = result.stoppedEarly {
            Console.standardError.writeIfPossible("sdsim: error: the run \(stopped)\n")
            throw ExitCode.failure
        }
        if check { try checkInvariants(result) }
        if !result.expectationsHold { throw ExitCode.failure }
    }

    /// `--check`: Little's law at every station (the ledgers were checked by the runner).
    private func checkInvariants(_ result: RunResult) throws {
        let broken = Invariants.requestLedgers(result) + Invariants.littlesLaw(result)
        guard broken.isEmpty else {
            Console.standardError.writeIfPossible("sdsim: error: " + Invariants.report(broken, scenario: result.scenario, seed: result.seed) + "\n")
            throw ExitCode.failure
        }
        Console.standardError.writeIfPossible("sdsim: invariants hold: request and message ledgers; Little's law at every station with 1,000 or more completions\n")
    }
}

/// The results database named by `--db`: checked before anything runs.
enum ResultsDatabase {
    /// Refuses a path that cannot name a database file (exit status 2, as for any bad option).
    static func checkPath(_ path: String) throws {
        guard !path.isEmpty else {
            throw ValidationError("--db needs a file name, such as results/sdsim.db (use --no-db to store nothing)")
        }
        let shown = path.escapingControlCharacters()
        guard !path.hasSuffix("/") else {
            throw ValidationError("--db '\(shown)' ends with '/', so it names a directory; give a file such as '\(shown)sdsim.db'")
        }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw ValidationError("--db '\(shown)' is a directory; give a file such as '\(shown)/sdsim.db'")
        }
    }

    /// Opens (creating its folder and the file if needed) the database for writing, or reports
    /// why not and exits with status 1, before any simulation.
    static func open(_ path: String) throws -> ResultsStore {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        do {
            return try ResultsStore(path: path)
        } catch {
            Console.standardError.writeIfPossible("sdsim: error: \(error)\n".escapingControlCharacters(keepingNewlines: true))
            throw ExitCode.failure
        }
    }
}
extension Console {
    /// Writes a report: a text report with any control character from the scenario escaped
    /// (JSON escapes them itself).
    func writeReport(_ text: String) throws(WriteFailure) {
        try write(text.escapingControlCharacters(keepingNewlines: true))
    }
}
