import ArgumentParser

@main
struct SluiceBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sluice-bench",
        abstract: "Sluice's benchmarks; run in release: swift run -c release sluice-bench <benchmark>.",
        subcommands: [ReadBenchmark.self, EngineBenchmark.self, DiffBenchmark.self, WorkloadCommand.self]
    )
}
