import ArgumentParser
import Foundation

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

    func validate() throws {
        guard jobs >= 1 && jobs <= 1024 else { throw ValidationError("--jobs must be between 1 and 1024 (found \(jobs))") }
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
