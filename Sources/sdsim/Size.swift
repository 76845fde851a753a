import ArgumentParser
import Foundation
import SDAnalysis
import SDConfig
import SDModels
import SDReports
import SDScenario

/// `sdsim size FILE --vary PATH --slo 'p99<100ms'`.
struct Size: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Find the smallest value of a setting that meets an SLO at the scenario's load.",
        discussion: """
            --vary names an integer setting (replicas, workers, cores, shards, cache capacity), \
            optionally with the range to search: components.app.replicas=1..64 (default from 1 \
            to 1024). The search doubles the value until the SLO is met, then bisects, so it \
            tries about 2 log2(answer) values rather than every one; it assumes more of the \
            setting never makes the SLO worse.

            A value meets the SLO when, for every workload and every term, the far end of the \
            95% interval across --replications replications meets the target: each term then \
            holds with at least 97.5% one-sided confidence. The report shows every value tried, \
            the answer, how the value just below it fares, and the cost of the answer per hour \
            and per million requests (when components run on machines with a cost).

            The search is stored in the results database (unless --no-db) as an analysis (kind \
            'size', with the time, --label, version and command line): the values tried, their \
            figures and SLO verdicts, the answer, and one run per value tried; 'sdsim results \
            show ID' prints it. The database is opened before the first run and written before \
            the report is printed.

            Examples:
              sdsim size scenarios/three-tier.yaml --vary components.app.replicas --slo 'p99<100ms'
              sdsim size FILE --vary components.db.workers=1..256 --slo 'p99<50ms,availability>=99.9%' --replications 20
            """)

    @Argument(help: "The scenario file (YAML).")
    var file: String

    @Option(name: .customLong("vary"), help: ArgumentHelp("The integer setting to size, optionally with its range: PATH or PATH=LOW..HIGH.",
                                                           valueName: "PATH[=LOW..HIGH]"))
    var vary: String

    @Option(help: ArgumentHelp("Service-level objective, e.g. 'p99<100ms' (default: the scenario's 'slo:').", valueName: "TERMS"))
    var slo: String?

    @OptionGroup var scenario: ScenarioOptions

    @OptionGroup var options: SimulationOptions

    @Option(help: "Independent replications per value tried (at least 2).")
    var replications: Int = 10

    @OptionGroup var store: StoreOptions

    func validate() throws {
        guard replications >= 2 && replications <= 100_000 else {
            throw ValidationError("--replications must be between 2 and 100000 (found \(replications)); sizing needs intervals")
        }
    }

    func run() throws {
        var path = vary
        var lower = 1, upper = 1024
        if let eq = vary.firstIndex(of: "=") {
            path = String(vary[..<eq])
            let range = String(vary[vary.index(after: eq)...])
            let parts = range.components(separatedBy: "..")
            guard parts.count == 2, let lo = Int(parts[0].trimmingCharacters(in: .whitespaces)),
                  let hi = Int(parts[1].trimmingCharacters(in: .whitespaces)), lo >= 0, hi >= lo else {
                throw ValidationError("--vary '\(vary)': the range must be LOW..HIGH, two whole numbers with LOW ≤ HIGH, such as '1..64'")
            }
            (lower, upper) = (lo, hi)
        }
        guard let sloTarget = try resolveSLO(slo, file: file, scenario: scenario) else {
            throw ValidationError("size needs an SLO: --slo 'p99<100ms', or 'slo:' in the scenario")
        }
        // Every value of the range must load; check both ends now, so errors come before any run.
        for n in Set([lower, upper]).sorted() { _ = try loadPoint(file, scenario, extra: [Override(path: path, value: String(n))]) }
        var failure: Error?
        let first = try loadPoint(file, scenario, extra: [Override(path: path, value: String(lower))])
        let seed = options.seed ?? first.seed
        // Opened before simulating: a database that cannot be written fails now, not after the search.
        let database = try store.open()
        defer { database?.close() }
        let progress = options.progress(label: "size")
        let result = SizingResult.search(path: path, lower: lower, upper: upper, slo: sloTarget, replications: replications, seed: seed,
                                         jobs: options.jobs, config: { n in
            do {
                return try loadPoint(file, scenario, extra: [Override(path: path, value: String(n))])
            } catch {
                failure = error
                return first
            }
        }, progress: progress.update)
        try progress.display.finish()
        if let failure { throw failure }
        let name = first.name
        // Stored first, then printed: a closed pipe cannot lose the search.
        try store.record(in: database) { db in
            try db.record(.size(result, scenario: name, file: file, text: try? String(contentsOfFile: file, encoding: .utf8)),
                          metadata: store.metadata(command: "size"))
        }
        try Console.standardOutput.writeReport(options.format == .json ? SizeReport.json(result, scenario: name) : SizeReport.text(result, scenario: name))
        if result.answer == nil { throw ExitCode.failure }
    }
}
