import SDEngine
import SDMetrics
import SDConfig
import SDModels

/// What one expectation found after a run.
public struct ExpectationOutcome: Sendable, Equatable {
    /// The expectation checked.
    public var expectation: Expectation
    /// The measured value (nil when the subject or metric does not exist in the results).
    public var value: Double?
    /// Whether the expectation holds. An expectation whose value cannot be measured fails.
    public var passed: Bool
    /// Why there is no value, for a failed expectation without one.
    public var problem: String?

    /// An outcome.
    public init(expectation: Expectation, value: Double?, passed: Bool, problem: String? = nil) {
        self.expectation = expectation; self.value = value; self.passed = passed; self.problem = problem
    }
}
