import ArgumentParser
import Foundation
import SDConfig
import SDModels
import SDScenario

/// Options shared by the commands that simulate (`run`, `spof`): seed, output format, threads
/// and the progress display.
struct SimulationOptions: ParsableArguments {
    @Option(help: "Seed for every random stream; overrides the file's 'seed'.")
    var seed: UInt64?

    @Option(help: "Output format: text (a readable summary), json (one document on stdout) or csv (the tables, for spreadsheets).")
    var format: OutputFormat = .text

    @Option(help: "Threads for replications or experiments (default: the number of cores); the output does not depend on it.")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "No progress display, even on a terminal.")
    var quiet = false

    @Option(help: ArgumentHelp("Most events a run may handle, estimated before it starts from arrival rates × duration (e.g. 50B, 1e11).",
                               valueName: "count"))
    var maxEvents: String = "20B"

    @Option(help: ArgumentHelp("Most memory the model may hold: its stations and hash rings, estimated before the run, and the requests in flight, watched while it runs (e.g. 8GiB).",
                               valueName: "size"))
    var maxMemory: String = "4GiB"

    func validate() throws {
        guard jobs >= 1 && jobs <= 1024 else { throw ValidationError("--jobs must be between 1 and 1024 (found \(jobs))") }
        _ = try budget()
    }

    /// The resource budget from --max-events and --max-memory.
    func budget() throws -> ResourceBudget {
        let events: Double
        if case .success(let n) = Units.parseCount(maxEvents) {
            events = Double(n)
        } else if let x = Double(maxEvents), x.isFinite, x >= 1 {
            events = x
        } else {
            throw ValidationError("--max-events must be a count such as 50B or 1e11 (found '\(maxEvents.escapingControlCharacters())')")
        }
        guard case .success(let bytes) = Units.parseSize(maxMemory), bytes >= 1_048_576 else {
            throw ValidationError("--max-memory must be a size of at least 1MiB such as 8GiB (found '\(maxMemory.escapingControlCharacters())')")
        }
        return ResourceBudget(maxEvents: events, maxMemory: bytes)
    }

    /// Refuses (exit status 2) a scenario whose estimated cost passes the budget, before running
    /// it; `runs` is how many runs it makes and `parallel` how many of them run at once.
    func checkBudget(_ config: ModelConfig, file: String, runs: Int, parallel: Int) throws -> ResourceBudget {
        let budget = try budget()
        let problems = ResourceEstimate.of(config, replications: runs).problems(within: budget, parallelRuns: parallel)
        guard problems.isEmpty else {
            for p in problems {
                Console.standardError.error("\(file): \(p)")
            }
            throw ExitCode(2)
        }
        return budget
    }

    /// A progress display labelled `label` (shown only on a terminal, unless --quiet) and the
    /// callback that feeds it, nil when nothing is shown.
    func progress(label: String) -> (display: Progress, update: (@Sendable (Double) -> Void)?) {
        let display = Progress(label: label, enabled: !quiet && Console.standardError.isTerminal)
        var update: (@Sendable (Double) -> Void)? = nil
        if display.enabled { update = { display.update($0) } }
        return (display, update)
    }
}
