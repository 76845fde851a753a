import SDMetrics
import SDConfig

/// One change an autoscaler made.
public struct AutoscaleAction: Sendable, Equatable {
    /// When, in seconds from the start of the run.
    public var at: Double
    /// Active replicas before and after.
    public var from: Int, to: Int
    /// The utilization of the interval that decided it.
    public var utilization: Double

    /// An action.
    public init(at: Double, from: Int, to: Int, utilization: Double) {
        self.at = at; self.from = from; self.to = to; self.utilization = utilization
    }
}

/// What one autoscaler (`autoscale:`) saw and did over the run.
public struct AutoscaleTrace: Sendable, Equatable {
    /// Its policy.
    public var policy: AutoscalePolicy
    /// Active replicas at the start.
    public var initialReplicas: Int
    /// Its changes, in time order.
    public var actions: [AutoscaleAction]
    /// The utilization measured at each evaluation (over the interval it ends), and the active
    /// replicas after it; both start at the first evaluation, one value per `interval`.
    public var utilization: Series
    /// Active replicas after each evaluation.
    public var replicas: Series

    /// A trace.
    public init(policy: AutoscalePolicy, initialReplicas: Int, actions: [AutoscaleAction], utilization: Series, replicas: Series) {
        self.policy = policy; self.initialReplicas = initialReplicas; self.actions = actions
        self.utilization = utilization; self.replicas = replicas
    }

    /// Changes that added replicas.
    public var scaleOuts: Int { actions.filter { $0.to > $0.from }.count }
    /// Changes that removed replicas.
    public var scaleIns: Int { actions.filter { $0.to < $0.from }.count }
    /// The most replicas active at once.
    public var peakReplicas: Int { actions.map(\.to).reduce(initialReplicas, Swift.max) }
    /// Active replicas at the end.
    public var finalReplicas: Int { actions.last?.to ?? initialReplicas }

    /// The figures added to the group's row, for reports and `expect:`: `scale_outs`, `scale_ins`,
    /// `replicas_peak`, `replicas_at_end`.
    public var figures: [(name: String, value: Double)] {
        [("scale_outs", Double(scaleOuts)), ("scale_ins", Double(scaleIns)), ("replicas_peak", Double(peakReplicas)),
         ("replicas_at_end", Double(finalReplicas))]
    }
}
