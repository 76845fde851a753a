import SDEngine
import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The `sdsim` command: a thin front end over the scenario loader, the runner and the reports.
/// It is the only code that touches files, the environment and the wall clock.
@main
struct Sdsim: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sdsim",
        abstract: "Simulate a distributed web system described in a YAML scenario.",
        discussion: """
            sdsim runs an architecture (clients, load balancers, servers, caches, databases) in \
            simulated time and reports latency percentiles with confidence intervals, throughput, \
            utilization and the bottleneck. The same scenario and seed always give the same bytes.

            Start with:
              sdsim run scenarios/mm1.yaml          one M/M/1 queue (theory: W = 2 s)
              sdsim run scenarios/three-tier.yaml   balancer, app tier, cache, database
              sdsim run scenarios/failures.yaml     the same system failing
              sdsim spof scenarios/single-db.yaml   find single points of failure
              sdsim estimate scenarios/instagram.yaml   back-of-the-envelope numbers
              sdsim validate my.yaml                check a file without running it
              sdsim results list                    runs recorded in results/sdsim.db

            docs/README.md indexes a tutorial, how-to guides, the reference of every
            scenario key (docs/reference/scenario.md) and explanations.

            Exit status: 0 success; 1 a run or the results database failed, an expectation \
            failed, a run stopped early past its memory budget, output could not be written, or \
            (spof) a single point of failure was found; 2 bad input (a scenario error, a wrong \
            option, or a scenario past the --max-events/--max-memory budgets).
            """,
        version: sdsimVersionLine,
        subcommands: [Run.self, Validate.self, Spof.self, EstimateCommand.self, Compare.self, Sweep.self, Size.self, Results.self, Docs.self])

    /// Parses the arguments and runs the command. Usage errors exit with status 2, like scenario errors.
    /// A write to stdout that fails (a full disk, a closed pipe) is exit status 1 with a message on
    /// stderr, never a silent exit 0. SIGPIPE is ignored so that a closed pipe is such a failure
    /// (reported, after the run has been stored) rather than a death that loses the run.
    static func main() {
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let failure as WriteFailure {
            Console.standardError.writeIfPossible("sdsim: error: \(failure)\n")
            Glibc.exit(1)
        } catch {
            let code = exitCode(for: error)
            if let exit = error as? ExitCode { Glibc.exit(exit.rawValue) }
            if code == .success {
                // --help and --version: printed here so that a failed write is not exit 0.
                do {
                    try Console.standardOutput.write(fullMessage(for: error) + "\n")
                } catch {
                    Console.standardError.writeIfPossible("sdsim: error: \(error)\n")
                    Glibc.exit(1)
                }
                Glibc.exit(0)
            }
            Console.standardError.writeIfPossible(fullMessage(for: error).escapingControlCharacters(keepingNewlines: true) + "\n")
            Glibc.exit(code.rawValue == 1 ? 1 : 2)
        }
    }
}

/// A write to stdout or stderr that did not go through.
struct WriteFailure: Error, CustomStringConvertible {
    var stream: String
    var reason: String
    var description: String { "cannot write to \(stream): \(reason)" }
}

/// Writing to the standard streams without Foundation's buffering surprises.
enum Console {
    case standardError, standardOutput
    /// Writes all of `text`, or throws why it could not (the disk is full, the pipe is closed).
    func write(_ text: String) throws(WriteFailure) {
        let fd: Int32 = self == .standardError ? 2 : 1
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                let reason = n < 0 ? String(cString: strerror(errno)) : "nothing was written"
                throw WriteFailure(stream: self == .standardError ? "standard error" : "standard output", reason: reason)
            }
            offset += n
        }
    }

    /// Writes `text` when the stream still takes it: for messages about a failure that is
    /// already being reported by the exit status.
    func writeIfPossible(_ text: String) {
        do { try write(text) } catch {}
    }

    /// Writes `sdsim: error: MESSAGE` and a newline when the stream still takes it, with any
    /// control character in the message (from a file name or a scenario) escaped.
    func error(_ message: String) {
        writeIfPossible("sdsim: error: \(message)\n".escapingControlCharacters(keepingNewlines: true))
    }
    /// Whether the stream is a terminal (progress is shown only there).
    var isTerminal: Bool { isatty(self == .standardError ? 2 : 1) == 1 }
}
