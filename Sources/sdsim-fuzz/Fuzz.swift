import SDAnalysis
import SDConfig
import SDEngine
import SDModels
import SDReports
import SDScenario
#if canImport(Glibc)
import Glibc
#endif

/// The fuzzing harness: one input is a scenario file. It is loaded; when it loads, a short
/// simulation of it runs (duration cut to a few seconds, small budgets) and every report is
/// rendered. Any trap, sanitizer report or hang is a finding.
///
/// Built two ways (tools/fuzz/build.sh, `make fuzz`): with `-sanitize=fuzzer,address -D FUZZING`
/// libFuzzer's driver (`LLVMFuzzerRunDriver`) feeds ``fuzzOne(_:)``; in the ordinary build this is `sdsim-fuzz FILE|DIR...`, which
/// replays files (the seed corpus, the crash fixtures) through the same function.
enum Harness {
    /// The longest simulated time one input runs.
    static let longest = SimDuration(seconds: 5)
    /// Budgets that keep one input to a fraction of a second.
    static let budget = ResourceBudget(maxEvents: 300_000, maxMemory: 64 * 1_048_576)

    static func fuzzOne(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return }
        let config: ModelConfig
        do {
            config = try ScenarioLoader.load(text: text, file: "fuzz.yaml")
        } catch {
            _ = error.rendered()
            return
        }
        var c = config
        if c.duration > longest {
            c.duration = longest
            if c.warmup >= c.duration { c.warmup = SimDuration(ns: c.duration.ns / 2) }
        }
        _ = EstimateReport.render(Estimate.make(c, targetUtilization: 0.7))
        guard ResourceEstimate.of(c).problems(within: budget).isEmpty else { return }
        var result = Runner.run(c, budget: budget)
        result = Expectations.check(c, result)
        _ = TextReport.render(result)
        _ = JSONReport.render(result)
    }
}

#if FUZZING
/// The input callback libFuzzer looks for.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    Harness.fuzzOne(UnsafeBufferPointer(start: data, count: data == nil ? 0 : size))
    return 0
}

/// libFuzzer's entry for a program that has its own `main` (SwiftPM names the entry of every
/// executable and points `main` at it, so libFuzzer's `main` is set aside at link time).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>,
                         _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

@main
enum Fuzz {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzTestOneInput(data, size) })
    }
}
#else
@main
enum Replay {
    /// `sdsim-fuzz PATH...`: runs every file (directories: every file inside, sorted) through the
    /// harness and prints how many; a crash ends the process with the signal, as in the fuzzer.
    static func main() {
        let paths = CommandLine.arguments.dropFirst()
        guard !paths.isEmpty else {
            print("usage: sdsim-fuzz FILE|DIR... (replays inputs through the fuzzing harness)")
            exit(2)
        }
        var count = 0
        for path in paths {
            for file in files(at: path) {
                guard let bytes = read(file) else {
                    print("sdsim-fuzz: cannot read \(file)")
                    exit(1)
                }
                bytes.withUnsafeBufferPointer { Harness.fuzzOne($0) }
                count += 1
            }
        }
        print("sdsim-fuzz: \(count) input(s) replayed without a crash")
    }

    static func files(at path: String) -> [String] {
        guard let dir = opendir(path) else { return [path] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name.hasPrefix(".") { continue }
            names.append(name)
        }
        return names.sorted().flatMap { files(at: path + "/" + $0) }
    }

    static func read(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, f) }
            bytes.append(contentsOf: chunk[0..<n])
            if n < chunk.count { break }
        }
        return bytes
    }
}
#endif
