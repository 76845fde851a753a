import SDEngine
import SDModels
import SDScenario
import XCTest
import SDConfig
import SDAnalysis

/// Distributions and arrival processes, in base units.
final class DistributionParserTests: XCTestCase {
    func testEveryFamily() throws {
        let cases: [(String, Distribution)] = [
            ("constant(0.5ms)", .constant(0.0005)),
            ("exponential(1s)", .exponential(mean: 1)),
            ("uniform(1ms, 3ms)", .uniform(low: 0.001, high: 0.003)),
            ("uniform(2ms,2ms)", .uniform(low: 0.002, high: 0.002)),
            ("normal(10ms, 2ms)", .normal(mean: 0.01, sd: 0.002)),
            ("lognormal(20ms, 1.5)", .lognormal(mean: 0.02, cv: 1.5)),
            ("erlang(4, 1s)", .erlang(k: 4, mean: 1)),
            ("gamma(0.5, 2s)", .gamma(shape: 0.5, mean: 2)),
            ("pareto(1.5, 10ms)", .pareto(shape: 1.5, scale: 0.01)),
            ("weibull(2, 1m)", .weibull(shape: 2, scale: 60)),
            ("  exponential( 250us )  ", .exponential(mean: 0.00025)),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try DistributionParser.parse(text).get(), expected, text)
        }
        XCTAssertEqual(try DistributionParser.parse("exponential(4KiB)", of: .size).get(), .exponential(mean: 4096))
    }

    func testArrivals() throws {
        XCTAssertEqual(try DistributionParser.parseArrival("poisson(0.5/s)").get(), .poisson(ratePerSecond: 0.5))
        XCTAssertEqual(try DistributionParser.parseArrival("poisson(120/m)").get(), .poisson(ratePerSecond: 2))
        XCTAssertEqual(try DistributionParser.parseArrival("constant(10ms)").get(), .interarrival(.constant(0.01)))
        XCTAssertEqual(try DistributionParser.parseArrival("erlang(2, 1s)").get(), .interarrival(.erlang(k: 2, mean: 1)))
    }

    func error(_ r: Result<some Any, UnitError>) -> UnitError? {
        if case .failure(let e) = r { return e }
        XCTFail("expected an error")
        return nil
    }

    func testErrorsPointIntoTheText() {
        let e = error(DistributionParser.parse("uniform(5ms, 1ms)"))
        XCTAssertEqual(e?.message, "LOW of 'uniform' must not exceed HIGH, found '5ms' > '1ms'")
        XCTAssertEqual(e?.offset, 8)
        let m = error(DistributionParser.parse("exponential(10)"))
        XCTAssertEqual(m?.message, "missing unit in duration '10'; write e.g. '10ms' or '10s'")
        XCTAssertEqual(m?.offset, 14)
        let k = error(DistributionParser.parse("erlang(0, 1s)"))
        XCTAssertEqual(k?.message, "K of 'erlang' must be a whole number of at least 1, found '0'")
        XCTAssertEqual(k?.offset, 7)
    }

    func testErrors() {
        let all = "(distributions: constant, exponential, uniform, normal, lognormal, erlang, gamma, pareto, weibull)"
        XCTAssertEqual(error(DistributionParser.parse("exponentail(1s)"))?.message,
                       "unknown distribution 'exponentail'; did you mean 'exponential'? \(all)")
        XCTAssertEqual(error(DistributionParser.parse("zipf(1s)"))?.message, "unknown distribution 'zipf' \(all)")
        XCTAssertEqual(error(DistributionParser.parse("uniform(1s)"))?.message, "'uniform' takes 2 parameters (LOW, HIGH), found 1")
        XCTAssertEqual(error(DistributionParser.parse("exponential()"))?.message, "'exponential' takes 1 parameter (MEAN), found 0")
        XCTAssertEqual(error(DistributionParser.parse("exponential(0s)"))?.message, "MEAN of 'exponential' must be greater than 0, found '0s'")
        XCTAssertEqual(error(DistributionParser.parse("exponential(-1s)"))?.message,
                       "negative duration '-1s'; a duration must be zero or more")
        XCTAssertEqual(error(DistributionParser.parse("lognormal(1s, 0)"))?.message,
                       "CV of 'lognormal' must be a plain number greater than 0, found '0'")
        XCTAssertEqual(error(DistributionParser.parse("erlang(1.5, 1s)"))?.message,
                       "K of 'erlang' must be a whole number of at least 1, found '1.5'")
        XCTAssertEqual(error(DistributionParser.parse("pareto(2s, 1ms)"))?.message,
                       "SHAPE of 'pareto' must be a plain number greater than 0 without a unit, found '2s'")
        XCTAssertEqual(error(DistributionParser.parse("10ms"))?.message,
                       "expected a distribution such as 'exponential(10ms)', found '10ms'; did you mean 'constant(10ms)'?")
        XCTAssertEqual(error(DistributionParser.parse("exponential(1s"))?.message,
                       "missing ')' at the end of distribution 'exponential(1s'")
        XCTAssertEqual(error(DistributionParser.parse("uniform(1s,)"))?.message,
                       "empty parameter in distribution 'uniform(1s,)'")
        XCTAssertNotNil(error(DistributionParser.parse("exponential(exponential(1s))")))
        XCTAssertNotNil(error(DistributionParser.parse("")))
        XCTAssertNotNil(error(DistributionParser.parse("(1s)")))
    }

    func testArrivalErrors() {
        XCTAssertEqual(error(DistributionParser.parseArrival("poisson(5)"))?.message,
                       "missing unit in rate '5'; write e.g. '5/s' or '5/m'")
        XCTAssertEqual(error(DistributionParser.parseArrival("poisson(0/s)"))?.message,
                       "RATE of 'poisson' must be greater than 0, found '0/s'")
        XCTAssertEqual(error(DistributionParser.parseArrival("poisson(2s)"))?.message,
                       "RATE of 'poisson' must be a rate such as '5/s', found '2s'; for a mean gap of 2s write 'exponential(2s)'")
        XCTAssertEqual(error(DistributionParser.parseArrival("5/s"))?.message,
                       "expected an arrival process such as 'poisson(5/s)', found '5/s'; did you mean 'poisson(5/s)'?")
        XCTAssertEqual(error(DistributionParser.parseArrival("constant(0s)"))?.message,
                       "arrival gaps must have a mean greater than 0, found 'constant(0s)'; a zero gap would send infinitely many requests")
        XCTAssertEqual(error(DistributionParser.parseArrival("poison(5/s)"))?.message,
                       "unknown distribution 'poison'; did you mean 'poisson'? (distributions: poisson, constant, exponential, uniform, normal, lognormal, erlang, gamma, pareto, weibull)")
        XCTAssertNotNil(error(DistributionParser.parseArrival("poisson(2e9/s)")))
        XCTAssertNotNil(error(DistributionParser.parseArrival("poisson(1/s, 2/s)")))
    }
}
