import ArgumentParser

/// Which trace headers to believe: authserv-ids of `Authentication-Results` and hosts of the
/// organization's own mail system (for `Received`), beyond what a policy already trusts.
struct TrustOptions: ParsableArguments {
    @Option(name: .customLong("trust-authserv"), help: "An Authentication-Results authserv-id to trust (repeatable).")
    var authservIDs: [String] = []

    @Option(name: .customLong("trust-host"), help: "A host of your own mail system, for reading Received headers (repeatable).")
    var hosts: [String] = []

    /// Hosts whose `Received` lines are believed: the named hosts and the authserv-ids, which
    /// are usually the receiving hosts' names.
    var receivingHosts: Set<String> { Set((hosts + authservIDs).map { $0.lowercased() }) }
}
