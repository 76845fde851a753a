import SDEngine
import SDConfig
import SDModels

extension StorageGrowth {
    /// The storage rows of `model`'s storing components, in declaration order.
    /// (In SDAnalysis: the estimate's figure comes from `Estimate`.)
    static func rows(_ model: Model) -> [StorageGrowth] {
        let config = model.config
        let window = (config.duration - config.warmup).seconds
        let factor = cycleFactor(config)
        let estimates = Estimate.storagePerMonth(config)
        var out: [StorageGrowth] = []
        for (i, group) in model.groups.enumerated() {
            let estimate = estimates.first { $0.component == config.components[i].name }
                .map { $0.bytes / Double(group.count) }
            for node in group {
                guard let s = node as? StoresData else { continue }
                out.append(StorageGrowth(component: node.name, kind: config.components[i].kind.name, startBytes: s.storage.start, endBytes: s.storage.end,
                                         windowBytes: s.storage.window, windowSeconds: window, copies: s.storage.copies,
                                         cycleFactor: factor, estimatePerMonth: estimate))
            }
        }
        return out
    }
}
