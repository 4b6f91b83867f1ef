import SluiceChecking
import SluicePolicyTesting
import Testing

@Suite("structural diff")
struct StructuralDiffTests {
    private let date = CalendarDate(year: 2026, month: 11, day: 29)!

    private func policy(_ text: String, _ path: String) throws -> CheckedPolicy {
        let (policy, diagnostics) = PolicyChecker.check(text: text, path: path)
        let errors = diagnostics.filter { $0.severity == .error }
        try #require(errors.isEmpty, "\(errors)")
        return policy
    }

    private let header = """
        organization {
          accepted-domains contoso.example
        }

        """

    @Test("entries match by action, kind and key: added, removed, and changed in expiry and metadata")
    func entries() throws {
        let old = try policy(header + """
            allow sender billing@fabrikam.example expires never note "invoices"
            block domain *.spam.example expires never
            block url ~malware.example~ expires never
            """, "old.sluice")
        let new = try policy(header + """
            block url ~malware.example~ expires never
            allow sender billing@fabrikam.example expires 2027-01-31 note "invoices, until January"
            block domain *.phish.example expires never
            """, "new.sluice")
        let diff = StructuralDiff(old: old, new: new, on: date)
        let entries = diff.items.filter { $0.section == "entry" }
        #expect(entries.map { "\($0.change.rawValue) \($0.name)" } == [
            "changed allow sender billing@fabrikam.example", "added block domain *.phish.example", "removed block domain *.spam.example",
        ])
        #expect(entries[0].details == ["expiry: never → 2027-01-31", "note: \"invoices\" → \"invoices, until January\""])
        #expect(entries[0].old?.description == "old.sluice:4:1" && entries[0].new?.description == "new.sluice:5:1")
        // Moving an entry is not a change.
        #expect(!entries.contains { $0.name == "block url ~malware.example~" })
    }

    @Test("rules match by name: condition, actions, mode and order; moved or reformatted rules are unchanged")
    func rules() throws {
        let old = try policy(header + """
            rule "A" {
              when subject matches /invoice/i
              then mark spam
            }
            rule "B" {
              when from.domain is partner.example
              then set-scl -1
            }
            rule "C" {
              when subject contains "x"
              then junk
            }
            """, "old.sluice")
        let new = try policy(header + """


            rule "A" { when subject matches /invoice/i; then mark spam }
            rule "C" {
              when subject contains "x"
              then junk
              mode audit
            }
            rule "B" {
              when from.domain is partner.example or from.domain is partner2.example
              then set-scl -1
            }
            rule "D" {
              when subject contains "y"
              then junk
            }
            """, "new.sluice")
        let rules = StructuralDiff(old: old, new: new, on: date).items.filter { $0.section == "rule" }
        #expect(rules.map { "\($0.change.rawValue) \($0.name)" } == ["changed \"C\"", "changed \"B\"", "added \"D\""])
        #expect(rules[0].details == ["mode: enforce → audit", "position among the common rules: 3 → 2"])
        #expect(rules[1].details == ["condition", "position among the common rules: 2 → 3"])
    }

    @Test("policies and settings report the settings that differ, in the language's spelling")
    func policies() throws {
        let old = try policy(header + """
            anti-spam "Finance" {
              priority 0
              applies-to users cfo@contoso.example
              bulk-threshold 5
              spam action junk
              phish action quarantine
            }
            """, "old.sluice")
        let new = try policy(header.replacingOccurrences(of: "contoso.example", with: "contoso.example, contoso.co.example") + """
            anti-spam "Finance" {
              priority 0
              applies-to users cfo@contoso.example
              bulk-threshold 4
              phish action quarantine
              spam action junk
            }
            quarantine-policy "Review" {
              permissions preview
            }
            """, "new.sluice")
        let items = StructuralDiff(old: old, new: new, on: date).items
        // The actions are a dictionary: written in another order, they are the same.
        #expect(items.first { $0.section == "anti-spam" }?.details == ["bulk-threshold"])
        #expect(items.contains { $0.section == "quarantine-policy" && $0.change == .added && $0.name == "\"Review\"" })
        #expect(items.first { $0.section == "organization" }?.details == ["accepted-domains"])
    }

    @Test("a broad new block overrides a partner's allow and covers an accepted domain; found through the indexes")
    func effective() throws {
        let old = try policy(header + """
            allow sender billing@fabrikam.example expires never
            allow domain litware.example expires never
            block domain *.fabrikam-invoices.example expires never
            block domain expired.example expires 2026-01-01
            """, "old.sluice")
        let new = try policy(header + """
            allow sender billing@fabrikam.example expires never
            allow domain litware.example expires never
            block domain *.example expires never
            allow domain expired.example expires never
            """, "new.sluice")
        let changes = StructuralDiff(old: old, new: new, on: date).effective
        let byKey = Dictionary(uniqueKeysWithValues: changes.map { ($0.key, $0) })
        let partner = try #require(byKey["sender billing@fabrikam.example"])
        #expect(partner.old.state == .allowed && partner.new.state == .blocked)
        #expect(partner.new.entry == "block domain *.example" && partner.new.place?.description == "new.sluice:6:1")
        #expect(partner.new.overriddenAllow == "allow sender billing@fabrikam.example")
        #expect(partner.notes == ["partner: allowed in the old policy, blocked in the new"])
        #expect(byKey["domain litware.example"]?.new.state == .blocked)
        let accepted = try #require(byKey["domain contoso.example"])
        #expect(accepted.old.state == .unlisted && accepted.new.state == .blocked && accepted.notes == ["accepted domain"])
        // Already blocked before, by a narrower entry: the outcome does not change.
        #expect(byKey["domain *.fabrikam-invoices.example"] == nil)
        // The expired block did not apply on the diff's date; the new allow loses to `*.example`.
        #expect(byKey["domain expired.example"]?.old.state == .unlisted && byKey["domain expired.example"]?.new.state == .blocked)
        // Every name under `example` is newly blocked: the new entry's own key.
        #expect(byKey["domain *.example"]?.old.state == .unlisted && byKey["domain *.example"]?.new.state == .blocked)
        #expect(changes.count == 5)
    }

    @Test("a `*.d` key stands for every name under `d`: an exact block of `d` does not cover it")
    func wildcardProbe() throws {
        let old = try policy(header + "allow domain *.partner.example expires never\n", "old.sluice")
        let new = try policy(header + "allow domain *.partner.example expires never\nblock domain partner.example expires never\n", "new.sluice")
        let changes = StructuralDiff(old: old, new: new, on: date).effective
        #expect(changes.map(\.key) == ["domain partner.example"])
        let wider = try policy(header + "allow domain *.partner.example expires never\nblock domain *.example expires never\n", "new.sluice")
        #expect(StructuralDiff(old: old, new: wider, on: date).effective.map(\.key).contains("domain *.partner.example"))
    }

    @Test("a URL block that catches links to an accepted domain's own site is reported; a path-only block is not")
    func acceptedLinks() throws {
        let old = try policy(header + "block url ~malware.example~ expires never\n", "old.sluice")
        let broad = try policy(header + "block url contoso.example expires never\n", "new.sluice")
        let change = try #require(StructuralDiff(old: old, new: broad, on: date).effective.first { $0.key == "url https://contoso.example/" })
        #expect(change.notes == ["accepted domain"])
        #expect(change.old.state == .unlisted && change.new.entry == "block url contoso.example")
        // A path block covers what lies below the path, not the site's root link.
        let paths = try policy(header + "block url contoso.example/login/* expires never\n", "new.sluice")
        #expect(!StructuralDiff(old: old, new: paths, on: date).effective.contains { $0.key.hasPrefix("url ") })
    }

    @Test("identical policies in different files have no differences")
    func same() throws {
        let text = header + "block domain *.spam.example expires never\nrule \"R\" {\n  when subject contains \"x\"\n  then junk\n}\n"
        let diff = StructuralDiff(old: try policy(text, "a/old.sluice"), new: try policy(text, "b/new.sluice"), on: date)
        #expect(diff.isEmpty)
        #expect(DiffText().render(diff, old: "a/old.sluice", new: "b/new.sluice") == "no changes between a/old.sluice and b/new.sluice\n")
    }
}
