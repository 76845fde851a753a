import SDEngine

/// A part of the running model with events of its own that no request ever reaches: a machine,
/// the failure injector, the scaler. It is not a ``Node``: it has no network address, cannot
/// crash and reports no component row. The model registers it with the simulation after every
/// node, so that a node's handler id stays its index in ``Model/nodes``.
protocol ModelPart: EventHandler {
    /// Its handler id in the simulation.
    var id: Int32 { get set }
    /// Called when the run starts, to schedule its first events.
    func start()
}
