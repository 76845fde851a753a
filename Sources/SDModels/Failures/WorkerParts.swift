import SDConfig

/// A node made of workers that fail one by one (a dispatcher's pool): a crash (``Node/crashPart(_:)``)
/// or a pause reaches one worker (`NAME.worker-3`) or all of them (`NAME`), and a `random:`
/// failure of the whole node is a failure process of its own for each worker.
///
/// A pause (`pause:` in `failures:`) stops a worker without killing it: it sends nothing and does
/// no work, then carries on where it stopped, unaware that time passed (a garbage-collection pause,
/// a frozen virtual machine). Unlike a crash, it loses nothing. Only a dispatcher's workers pause;
/// the scenario loader refuses `pause:` on anything else.
protocol WorkerParts: Node {
    /// The part names of its workers (`worker-1` …), each a target of its own.
    var workerParts: [String] { get }
    /// A pause of the part `part` (nil: every part) starts, or ends.
    func pausePart(_ part: String?, starting: Bool)
}

extension Model {
    /// What a `random:` failure named `name` reaches: ``failureTargets(named:)``, with a node made
    /// of workers split into its workers, so that each fails on its own.
    func randomFailureTargets(named name: String) -> [(node: Node, part: String?)] {
        failureTargets(named: name).flatMap { target -> [(node: Node, part: String?)] in
            guard target.part == nil, let pool = target.node as? WorkerParts else { return [target] }
            return pool.workerParts.map { (target.node, $0) }
        }
    }
}
