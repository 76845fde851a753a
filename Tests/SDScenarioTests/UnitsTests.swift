import SDEngine
import SDScenario
import XCTest
import SDConfig

/// The unit parsers: every unit, and the edge cases the format relies on.
final class UnitsTests: XCTestCase {
    func seconds(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Double? {
        switch Units.parseSeconds(text) {
        case .success(let s): return s
        case .failure(let e): XCTFail("\(text): \(e.message)", file: file, line: line); return nil
        }
    }

    func message<T>(_ r: Result<T, UnitError>, file: StaticString = #filePath, line: UInt = #line) -> String? {
        switch r {
        case .success(let v): XCTFail("expected an error, got \(v)", file: file, line: line); return nil
        case .failure(let e): return e.message
        }
    }

    func testEveryDurationUnit() throws {
        let cases: [(String, Double)] = [
            ("7ns", 7e-9), ("250us", 250e-6), ("250µs", 250e-6), ("3ms", 3e-3), ("1.5s", 1.5),
            ("2m", 120), ("2h", 7200), ("1d", 86400), ("0.25ms", 0.25e-3), (".5s", 0.5), ("1e3ms", 1),
            ("10 ms", 0.01), ("  4s  ", 4), ("0s", 0),
        ]
        for (text, expected) in cases {
            let got = try XCTUnwrap(seconds(text), text)
            XCTAssertEqual(got, expected, accuracy: expected * 1e-12, text)
        }
    }

    func testDurationsBecomeWholeNanoseconds() {
        XCTAssertEqual(try Units.parseDuration("0.25ms").get(), SimDuration(ns: 250_000))
        XCTAssertEqual(try Units.parseDuration("400000s").get(), SimDuration(ns: 400_000_000_000_000))
        XCTAssertEqual(try Units.parseDuration("1ns").get(), SimDuration(ns: 1))
        XCTAssertEqual(try Units.parseDuration("36500d").get().seconds, 36_500 * 86_400)
    }

    func testDurationErrors() {
        XCTAssertEqual(message(Units.parseSeconds("10")), "missing unit in duration '10'; write e.g. '10ms' or '10s'")
        XCTAssertEqual(Units.parseSeconds("10").failure?.offset, 2)
        XCTAssertEqual(message(Units.parseSeconds("-5s")), "negative duration '-5s'; a duration must be zero or more")
        XCTAssertEqual(message(Units.parseSeconds("5KB")),
                       "'KB' is a size unit, but a duration is expected here; use ns, us, ms, s, m, h or d")
        XCTAssertEqual(message(Units.parseSeconds("5/s")),
                       "'5/s' is a rate, but a duration is expected here; use ns, us, ms, s, m, h or d")
        XCTAssertEqual(message(Units.parseSeconds("5sec")),
                       "unknown unit 'sec' in duration '5sec'; did you mean 's'? (use ns, us, ms, s, m, h or d)")
        XCTAssertEqual(message(Units.parseSeconds("5MS")),
                       "unknown unit 'MS' in duration '5MS'; did you mean 'ms'? (use ns, us, ms, s, m, h or d)")
        XCTAssertEqual(message(Units.parseSeconds("5x")), "unknown unit 'x' in duration '5x'; use ns, us, ms, s, m, h or d")
        XCTAssertEqual(message(Units.parseSeconds("fast")),
                       "invalid duration 'fast'; write a number and a unit, e.g. '10ms' or '1.5s'")
        XCTAssertEqual(message(Units.parseSeconds("1000000d")),
                       "duration '1000000d' is too long; the limit is 36500d (about 100 years)")
        XCTAssertNotNil(message(Units.parseSeconds("1e400s")))
        XCTAssertNotNil(message(Units.parseSeconds("")))
        XCTAssertNotNil(message(Units.parseSeconds("nan s")))
        XCTAssertNotNil(message(Units.parseSeconds("inf s")))
    }

    func testEverySizeUnit() throws {
        let cases: [(String, Double)] = [
            ("512B", 512), ("1KB", 1000), ("1kB", 1000), ("2MB", 2e6), ("3GB", 3e9), ("4TB", 4e12),
            ("1KiB", 1024), ("1MiB", 1_048_576), ("1GiB", 1_073_741_824), ("1TiB", 1_099_511_627_776),
            ("1.5KiB", 1536), ("0B", 0),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try Units.parseSize(text).get(), expected, text)
        }
        XCTAssertEqual(message(Units.parseSize("10")), "missing unit in size '10'; write e.g. '10B' or '10KB'")
        XCTAssertEqual(message(Units.parseSize("10kb")),
                       "unknown unit 'kb' in size '10kb'; did you mean 'KB'? (use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)")
        XCTAssertEqual(message(Units.parseSize("10ms")),
                       "'ms' is a duration unit, but a size is expected here; use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB")
        XCTAssertNotNil(message(Units.parseSize("-1KB")))
        XCTAssertNotNil(message(Units.parseSize("2000000TB")))
    }

    func testCounts() throws {
        let cases: [(String, Int)] = [
            ("0", 0), ("12", 12), ("10k", 10_000), ("1.5k", 1500), ("1.15k", 1150), ("1.5M", 1_500_000),
            ("2B", 2_000_000_000), ("10B", 10_000_000_000), ("-1", -1), ("1e3", 1000),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try Units.parseCount(text).get(), expected, text)
        }
        let invalid = "use a whole number with an optional k, M or B suffix"
        XCTAssertEqual(message(Units.parseCount("10T")), "invalid count '10T'; \(invalid)")
        XCTAssertEqual(message(Units.parseCount("10K")), "invalid count '10K'; \(invalid)")
        XCTAssertEqual(message(Units.parseCount("many")), "invalid count 'many'; \(invalid)")
        XCTAssertEqual(message(Units.parseCount("1.5")), "count '1.5' is not a whole number; \(invalid)")
        XCTAssertEqual(message(Units.parseCount("1.2345k")), "count '1.2345k' is not a whole number; \(invalid)")
        XCTAssertEqual(message(Units.parseCount("99999999999B")), "count '99999999999B' is too large")
    }

    func testEveryRateUnit() throws {
        let cases: [(String, Double)] = [
            ("5/s", 5), ("300/m", 5), ("7200/h", 2), ("86400/d", 1), ("0.5/s", 0.5), ("2400 / s", 2400), ("0/s", 0),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try Units.parseRate(text).get(), expected, accuracy: 1e-12, text)
        }
        XCTAssertEqual(message(Units.parseRate("5")), "missing unit in rate '5'; write e.g. '5/s' or '5/m'")
        XCTAssertEqual(message(Units.parseRate("5s")), "'5s' is a duration, not a rate; write a rate such as '5/s'")
        XCTAssertEqual(message(Units.parseRate("5/sec")),
                       "unknown unit '/sec' in rate '5/sec'; use /s, /m, /h or /d")
        XCTAssertNotNil(message(Units.parseRate("-5/s")))
    }

    func testPlainNumbers() throws {
        XCTAssertEqual(try Units.parseNumber("0.8").get(), 0.8)
        XCTAssertEqual(try Units.parseNumber("2").get(), 2)
        XCTAssertEqual(try Units.parseNumber("1e-3").get(), 0.001)
        XCTAssertEqual(message(Units.parseNumber("2s")), "expected a plain number without a unit, found '2s'")
        XCTAssertNotNil(message(Units.parseNumber("abc")))
    }

    func testSuggestions() {
        XCTAssertEqual(Suggestions.editDistance("replcas", "replicas"), 1)
        XCTAssertEqual(Suggestions.editDistance("exponentail", "exponential"), 1)
        XCTAssertEqual(Suggestions.closest(to: "workloads", among: ["name", "workload", "components"]), "workload")
        XCTAssertEqual(Suggestions.closest(to: "sever", among: ["server", "load-balancer", "cache"]), "server")
        XCTAssertEqual(Suggestions.closest(to: "Workers", among: ["kind", "workers"]), "workers")
        XCTAssertNil(Suggestions.closest(to: "owner", among: ["name", "seed", "duration"]))
        XCTAssertNil(Suggestions.closest(to: "x", among: ["db"]))
    }
}

extension Result {
    /// The error, if any.
    var failure: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
}

/// Throughputs (`bandwidth: 100MB/s`): a size per unit of time, in bytes per second.
final class ThroughputUnitsTests: XCTestCase {
    func value(_ text: String) -> Double? {
        if case .success(let x) = Units.parseThroughput(text) { return x }
        return nil
    }

    func message(_ text: String) -> String? {
        if case .failure(let e) = Units.parseThroughput(text) { return e.message }
        return nil
    }

    func testValidThroughputs() {
        XCTAssertEqual(value("100MB/s"), 100e6)
        XCTAssertEqual(value("50 MB/s"), 50e6)
        XCTAssertEqual(value("1GiB/s"), 1_073_741_824)
        XCTAssertEqual(value("600MB/m"), 10e6)
        XCTAssertEqual(value("1.5KB/s"), 1500)
        XCTAssertEqual(value("0B/s"), 0)
    }

    func testInvalidThroughputs() {
        XCTAssertEqual(message("100MB"), "'100MB' is a size, not a throughput; write a size per unit of time such as '100MB/s'")
        XCTAssertEqual(message("100/s"), "'100/s' is a rate, not a throughput; write a size per unit of time such as '100MB/s'")
        XCTAssertEqual(message("100"), "missing unit in throughput '100'; write e.g. '100MB/s'")
        XCTAssertEqual(message("100Mb/sec"),
                       "unknown size unit 'Mb' in throughput '100Mb/sec'; did you mean '100MB/s'? (use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)")
        XCTAssertEqual(message("100MB/sec"), "unknown unit '/sec' in throughput '100MB/sec'; did you mean '100MB/s'?")
        XCTAssertEqual(message("100MB/fortnight"), "unknown unit '/fortnight' in throughput '100MB/fortnight'; use /s, /m, /h or /d")
        XCTAssertEqual(message("-5MB/s"), "negative throughput '-5MB/s'; a throughput must be zero or more")
        XCTAssertEqual(message("fast"), "invalid throughput 'fast'; write a size per unit of time, e.g. '100MB/s'")
        XCTAssertNotNil(message("1e30TB/s"))
    }
}
