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

            The README has a tutorial, a guided tour of scenarios/ and a reference of
            every key.

            Exit status: 0 success; 1 a run or the results database failed, an expectation \
            failed, or (spof) a single point of failure was found; 2 bad input (a scenario error \
            or a wrong option).
            """,
        version: sdsimVersionLine,
        subcommands: [Run.self, Validate.self, Spof.self, EstimateCommand.self, Compare.self, Sweep.self, Size.self, Results.self])

    /// Parses the arguments and runs the command. Usage errors exit with status 2, like scenario errors.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success || code.rawValue == 1 || error is ExitCode {
                exit(withError: error)
            }
            Console.standardError.write(fullMessage(for: error) + "\n")
            Glibc.exit(2)
        }
    }
}

/// Writing to the standard streams without Foundation's buffering surprises.
enum Console {
    case standardError, standardOutput
    func write(_ text: String) {
        let fd: Int32 = self == .standardError ? 2 : 1
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { return }
            offset += n
        }
    }
    /// Whether the stream is a terminal (progress is shown only there).
    var isTerminal: Bool { isatty(self == .standardError ? 2 : 1) == 1 }
}
