import SluiceChecking
import Testing

@Test func presetStandardChecksClean() {
    let (policy, diagnostics) = PolicyChecker.check(text: "include \"../../rules/presets/standard.sluice\"\n", path: #filePath)
    #expect(diagnostics.isEmpty)
    #expect(policy.antiSpam.first?.bulkThreshold.value == 6)
}
