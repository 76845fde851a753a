import SDEngine
import SDMetrics
import SDModels
import XCTest
import SDConfig
import SDAnalysis

/// Machine scheduling: processor sharing and round-robin time slices against queueing theory.
final class SchedulingTests: XCTestCase {
    /// One server with more threads than it ever needs, alone on a machine of `cores` cores with
    /// the given scheduling: the machine's cores are the only queue.
    private func alone(rate: Double, service: Distribution, cores: Int, scheduling: MachineScheduling,
                       duration: Double = 4_100) -> ModelConfig {
        var app = server("app", workers: 10_000, service)
        app.machine = "box"
        var config = poissonConfig("scheduling", rate: rate, duration: duration, warmup: 100, route: ["app"], components: [app])
        config.machines = [MachineConfig(name: "box", cores: cores, scheduling: scheduling)]
        return config
    }

    /// M/G/1-PS: the mean response is E[S]/(1 − ρ) whatever the service distribution (the
    /// insensitivity of processor sharing). With E[S] = 0.1 s and λ = 6/s (ρ = 0.6): 0.25 s for
    /// exponential, deterministic and lognormal (cv 2) service alike — where FIFO gives 0.25 s,
    /// 0.175 s and 0.475 s (Pollaczek–Khinchine).
    func testProcessorSharingIsInsensitiveToTheServiceDistribution() {
        let theory = 0.1 / (1 - 0.6)
        // The heavy-tailed lognormal needs a longer run for the same precision.
        for (service, duration) in [(Distribution.exponential(mean: 0.1), 4_100.0), (.constant(0.1), 4_100), (.lognormal(mean: 0.1, cv: 2), 16_100)] {
            let runs = Replicated(alone(rate: 6, service: service, cores: 1, scheduling: .processorSharing, duration: duration))
            assertWithin(runs.interval { $0.workloads[0].latency.mean }, theory, "M/G/1-PS response, \(service)")
            assertWithin(runs.interval { $0.machines[0].utilization }, 0.6, "M/G/1-PS utilization, \(service)", power: 0.02)
            assertWithin(runs.interval { $0.machines[0].demand }, 0.6, "M/G/1-PS demand, \(service)", power: 0.02)
        }
        // The same deterministic load first come first served: Pollaczek–Khinchine, not PS.
        let fifo = Replicated(alone(rate: 6, service: .constant(0.1), cores: 1, scheduling: .fifo))
        let pk = 0.1 + QueueingTheory.mg1Wait(lambda: 6, serviceMean: 0.1, serviceSecondMoment: 0.01)
        assertWithin(fifo.interval { $0.workloads[0].latency.mean }, pk, "M/D/1 FIFO response")
    }

    /// With exponential service, c cores shared by processor sharing serve n jobs at rate
    /// min(n, c)·μ, the same birth–death chain as M/M/c: the mean response is M/M/c's. Two
    /// cores, μ = 10/s, λ = 14/s (ρ = 0.7).
    func testProcessorSharingOnSeveralCoresMatchesMMc() {
        let theory = QueueingTheory.mmcResponse(lambda: 14, mu: 10, servers: 2)
        let runs = Replicated(alone(rate: 14, service: .exponential(mean: 0.1), cores: 2, scheduling: .processorSharing))
        assertWithin(runs.interval { $0.workloads[0].latency.mean }, theory, "M/M/2-PS response")
        assertWithin(runs.interval { $0.machines[0].utilization }, 0.7, "M/M/2-PS utilization", power: 0.02)
    }

    /// Round robin is work-conserving and, with exponential service, forgets how long a job has
    /// run: M/M/c again, whatever the quantum.
    func testRoundRobinWithExponentialServiceMatchesMMc() {
        let theory = QueueingTheory.mmcResponse(lambda: 14, mu: 10, servers: 2)
        let runs = Replicated(alone(rate: 14, service: .exponential(mean: 0.1), cores: 2,
                                    scheduling: .roundRobin(quantum: SimDuration(seconds: 0.02))))
        assertWithin(runs.interval { $0.workloads[0].latency.mean }, theory, "M/M/2 round-robin response")
    }

    /// Round robin with a quantum much shorter than the service approaches processor sharing:
    /// deterministic 0.1 s service in 1 ms slices at ρ = 0.6 is within a slice or two of PS's
    /// 0.25 s, far from FIFO's 0.175 s.
    func testShortQuantumApproachesProcessorSharing() {
        let runs = Replicated(alone(rate: 6, service: .constant(0.1), cores: 1,
                                    scheduling: .roundRobin(quantum: SimDuration(seconds: 0.001)), duration: 2_100))
        let ci = runs.interval { $0.workloads[0].latency.mean }
        XCTAssertEqual(ci.mean, 0.25, accuracy: 0.25 * 0.05, "round robin in 1 ms slices ≈ PS")
    }

    /// An exact schedule: two jobs of 4 ms and 1 ms arrive together on one PS core. Both run at
    /// half speed; the short one ends at 2 ms, the long one has 3 ms left, alone: it ends at 5 ms.
    /// FIFO would end them at 4 ms and 5 ms; the mean drops from 4.5 ms to 3.5 ms.
    func testProcessorSharingExactSchedule() {
        func run(_ scheduling: MachineScheduling) -> RunResult {
            var long = server("long", workers: 10, .constant(0.004)); long.machine = "box"
            var short = server("short", workers: 10, .constant(0.001)); short.machine = "box"
            var config = ModelConfig(name: "exact", seed: 1, duration: SimDuration(seconds: 1),
                                     workloads: [WorkloadConfig(name: "a", arrival: .interarrival(.constant(0.5)), route: ["long"]),
                                                 WorkloadConfig(name: "b", arrival: .interarrival(.constant(0.5)), route: ["short"])],
                                     components: [long, short])
            config.machines = [MachineConfig(name: "box", cores: 1, scheduling: scheduling)]
            return Runner.runOnce(config).result
        }
        let ps = run(.processorSharing)
        XCTAssertEqual(ps.workloads[0].latency.max, 0.005, accuracy: 1e-9)
        XCTAssertEqual(ps.workloads[1].latency.max, 0.002, accuracy: 1e-9)
        let fifo = run(.fifo)
        XCTAssertEqual(fifo.workloads[0].latency.max + fifo.workloads[1].latency.max, 0.004 + 0.005, accuracy: 1e-9)
    }
}
