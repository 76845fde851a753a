import SDEngine
import XCTest

final class RandomStreamTests: XCTestCase {
    /// A stream depends only on the seed and its own name: creating other streams in between
    /// (adding a component to a scenario) does not change its draws.
    func testStreamsAreIndependentOfOtherComponents() {
        let a = RandomStream(seed: 42, name: "app-1")
        let first = (0..<5).map { _ in a.uniform() }
        _ = RandomStream(seed: 42, name: "new-component").uniform()
        let again = RandomStream(seed: 42, name: "app-1")
        XCTAssertEqual((0..<5).map { _ in again.uniform() }, first)
        XCTAssertNotEqual(RandomStream(seed: 43, name: "app-1").uniform(), first[0])
        XCTAssertNotEqual(RandomStream(seed: 42, name: "app-2").uniform(), first[0])
    }

    /// The derivation is a fixed function: a changed constant would silently change every result.
    func testDerivationIsStable() {
        XCTAssertEqual(RandomStream.derive(seed: 1, name: "station"), RandomStream.derive(seed: 1, name: "station"))
        XCTAssertEqual(RandomStream.splitMix64(0), 0xe220_a839_7b1d_cdaf)
    }

    /// Sample means of each distribution lie within a 99.9% interval of the exact mean
    /// (n = 200,000 independent draws; the interval uses the exact variance).
    func testDistributionMeans() {
        let cases: [(Distribution, Double)] = [
            (.exponential(mean: 2), 4), (.uniform(low: 1, high: 3), 1.0 / 3), (.lognormal(mean: 1, cv: 0.5), 0.25),
            (.erlang(k: 4, mean: 2), 1), (.gamma(shape: 2.5, mean: 1), 0.4), (.pareto(shape: 3.5, scale: 1), 3.5 / (2.5 * 2.5 * 1.5)),
            (.weibull(shape: 2, scale: 1), 1 - Double.pi / 4), (.normal(mean: 10, sd: 1), 1), (.constant(3), 0),
        ]
        for (d, variance) in cases {
            let s = RandomStream(seed: 9, name: d.description)
            let n = 200_000
            var sum = 0.0
            for _ in 0..<n { sum += d.sample(s) }
            let mean = sum / Double(n)
            let half = 3.29 * (variance / Double(n)).squareRoot() + 1e-12
            XCTAssertEqual(mean, d.mean!, accuracy: half, "\(d)")
            if let m2 = d.secondMoment { XCTAssertEqual(m2 - d.mean! * d.mean!, variance, accuracy: 1e-9 + variance * 1e-9, "\(d) variance") }
        }
    }

    func testIndexIsUniformAndInRange() {
        let s = RandomStream(seed: 3, name: "index")
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[s.index(below: 7)] += 1 }
        // Each count is Binomial(70000, 1/7): sd ≈ 92.6; 4 sd is a loose but failing-capable bound.
        for c in counts { XCTAssertEqual(Double(c), 10_000, accuracy: 4 * 92.6) }
    }
}
