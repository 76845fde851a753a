import SDEngine

/// `autoscale:` — a simple autoscaler on utilization for a replicated group behind a load
/// balancer, the way a cloud's target-tracking or step-scaling policy works.
///
/// Every `interval` (from the end of the warm-up, when utilization starts being measured) it
/// reads the mean utilization of the group's active replicas over the interval just ended, and
/// decides how many replicas should be active, between `min` and `max`:
/// - ``Rule/target(_:)``: `ceil(active × utilization ÷ target)` (target tracking);
/// - ``Rule/thresholds(scaleOutAbove:scaleInBelow:step:)``: `step` more above the upper
///   threshold, `step` fewer below the lower one.
/// After a change it waits `cooldown` before the next (evaluations in between only measure).
/// A change works as a `scale:` event does (``ScaleEvent``): the group is built with `max`
/// replicas, those beyond the active count stand by, and every load balancer targeting the group
/// spreads requests over the new count.
public struct AutoscalePolicy: Sendable, Equatable {
    /// How the autoscaler decides.
    public enum Rule: Sendable, Equatable {
        /// Keep utilization near this fraction: desired = ceil(active × utilization ÷ target).
        case target(Double)
        /// Add `step` replicas above `scaleOutAbove`, remove `step` below `scaleInBelow`.
        case thresholds(scaleOutAbove: Double, scaleInBelow: Double, step: Int)
    }

    /// The replicated group it scales.
    public var group: String
    /// Fewest active replicas (≥ 1).
    public var min: Int
    /// Most active replicas (the group is built with this many).
    public var max: Int
    /// The decision rule.
    public var rule: Rule
    /// Time between evaluations.
    public var interval: SimDuration
    /// Time after a change during which no other change is made.
    public var cooldown: SimDuration

    /// An autoscaling policy.
    public init(group: String, min: Int, max: Int, rule: Rule, interval: SimDuration, cooldown: SimDuration) {
        self.group = group; self.min = min; self.max = max; self.rule = rule; self.interval = interval; self.cooldown = cooldown
    }

    /// The active replicas the rule asks for when `active` replicas ran at `utilization`, within `min`…`max`.
    public func desired(active: Int, utilization u: Double) -> Int {
        var n = active
        switch rule {
        case .target(let t):
            // A tiny tolerance so that exactly the target does not scale out by rounding.
            n = Int((Double(active) * u / t - 1e-9).rounded(.up))
        case .thresholds(let above, let below, let step):
            if u > above { n = active + step } else if u < below { n = active - step }
        }
        return Swift.min(self.max, Swift.max(self.min, n))
    }
}
