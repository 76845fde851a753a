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
    case text, json, csv
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
            transaction, with the time it was made, its --label, the sdsim version and commit, the \
            command line, the scenario text exactly as it was loaded, its series over time and \
            each replication's own figures; find it again with 'sdsim results list', and compare two \
            runs with 'sdsim results diff A B', which judges significance over their replications \
            (record at least 2 with --replications N) (docs/how-to/results-database.md). The database is \
            opened before the simulation starts (a path that cannot be written fails at once), and \
            the run is stored before the report is printed, so a closed pipe (sdsim run … | head) \
            cannot lose it.

            --html PATH writes the report as one self-contained HTML file: the topology coloured \
            by utilization with the bottleneck marked, latency percentiles, throughput, \
            availability, utilization and queue length over simulated time with failure windows \
            shaded. --dot PATH writes the topology as Graphviz DOT; when Graphviz's 'dot' is \
            installed the HTML shows its rendering (docs/how-to/html-reports.md).

            --format csv prints the workload table, a blank line, then the component table, as CSV.

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
              sdsim run scenarios/failures.yaml --label baseline --html failures.html
              sdsim run big.yaml --max-events 200B --max-memory 16GiB

            Exit status: 0 success; 1 an expectation failed, the run stopped early, the results \
            database failed, or the report or an --html/--dot file could not be written (a full \
            disk, a closed pipe); 2 bad input (a scenario error, a wrong option, a scenario past \
            the budgets).
            """)

    @Argument(help: "The scenario file (YAML).")
    var file: String

    @OptionGroup var scenario: ScenarioOptions

    @OptionGroup var options: SimulationOptions

    @OptionGroup var store: StoreOptions

    @OptionGroup var files: ReportFileOptions

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
    }

    func run() throws {
        let (config, text) = try loadScenarioAndText(file, scenario)
        let budget = try options.checkBudget(config, file: file, runs: replications, parallel: min(options.jobs, replications))
        // Opened before simulating: a database that cannot be written fails now, not after the run.
        let database = try store.open()
        defer { database?.close() }
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
        // Stored first, then written and printed: a closed pipe or a full disk on stdout cannot
        // lose the run.
        try store.record(in: database) { db in
            try db.record(result, scenarioFile: file, configText: text, metadata: store.metadata(command: "run"))
        }
        if files.any {
            let topology = Topology(config, result: result)
            try files.write(dotText: topology.dot(name: config.name)) { HTMLReport.run(result, config: config, dotSVG: $0) }
        }
        let report: String
        switch options.format {
        case .json: report = JSONReport.render(result)
        case .csv: report = CSVReport.render(result)
        case .text: report = TextReport.render(result)
        }
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

extension Console {
    /// Writes a report: a text report with any control character from the scenario escaped
    /// (JSON escapes them itself).
    func writeReport(_ text: String) throws(WriteFailure) {
        try write(text.escapingControlCharacters(keepingNewlines: true))
    }
}
