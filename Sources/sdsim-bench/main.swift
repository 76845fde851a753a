// sdsim-bench: engine benchmarks, run by `make bench` in release mode.
//
// For each benchmark it prints one line that scripts can parse:
//   bench=mm1 customers=1000000 events=2000987 wall_s=0.41 events_per_s=4.9e6 peak_rss_mb=12.3
// Wall time covers building the model and running it (not loading the YAML). Each benchmark runs
// `--repeat` times (default 3) and reports the fastest run, the usual way to filter machine noise.
// Memory: peak RSS of the whole process after the benchmark; mm1 is run at 1M and at 10M customers
// to show that memory is bounded by what is in flight, not by simulated time.
import Foundation
import SDEngine
import SDModels
import SDScenario
import SDConfig
import SDAnalysis

func peakRSSMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024   // Linux reports kilobytes
}

func load(_ path: String) -> ModelConfig {
    do { return try ScenarioLoader.load(path: path) } catch {
        FileHandle.standardError.write(Data(error.rendered().utf8))
        exit(2)
    }
}

/// Runs `config` `repeats` times and prints the fastest.
func bench(_ label: String, _ config: ModelConfig, repeats: Int, extra: String = "") {
    var best = Double.infinity
    var events = 0
    for _ in 0..<repeats {
        let start = DispatchTime.now().uptimeNanoseconds
        let outcome = Runner.runOnce(config)
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        best = min(best, wall)
        events = outcome.result.events
    }
    let rate = Double(events) / best
    print("bench=\(label) \(extra)events=\(events) wall_s=\(String(format: "%.3f", best)) "
          + "events_per_s=\(String(format: "%.0f", rate)) peak_rss_mb=\(String(format: "%.1f", peakRSSMegabytes()))")
}

var repeats = 3
var root = "."
var args = CommandLine.arguments.dropFirst().makeIterator()
while let a = args.next() {
    switch a {
    case "--repeat": repeats = Int(args.next() ?? "") ?? 3
    case "--root": root = args.next() ?? "."
    default:
        print("usage: sdsim-bench [--repeat N] [--root DIR]   (DIR holds scenarios/)")
        exit(a == "--help" || a == "-h" ? 0 : 2)
    }
}

// M/M/1 with a fixed number of customers: duration = warm-up + customers / λ.
var mm1 = load(root + "/scenarios/mm1.yaml")
let lambda = mm1.workloads[0].arrival.ratePerSecond ?? 1
for customers in [1_000_000, 10_000_000] {
    mm1.warmup = .zero
    mm1.duration = SimDuration(seconds: Double(customers) / lambda)
    bench("mm1", mm1, repeats: customers > 1_000_000 ? 1 : repeats, extra: "customers=\(customers) ")
}
bench("three-tier", load(root + "/scenarios/three-tier.yaml"), repeats: repeats)
// Keyed LRU caches behind a consistent-hash load balancer (issue 3).
bench("cache-ring", load(root + "/scenarios/cache-ring.yaml"), repeats: repeats)

// One simulated peak hour of the course's Instagram design (10M users, daily and weekly cycles,
// hybrid feed fan-out): memory must not grow with users, only with the LRU cache's 1M entries.
var instagram = load(root + "/scenarios/instagram.yaml")
instagram.warmup = .zero
instagram.duration = SimDuration(seconds: 3600)
bench("instagram-peak-hour", instagram, repeats: 1, extra: "simulated_s=3600 users=\(instagram.population?.users ?? 0) ")
