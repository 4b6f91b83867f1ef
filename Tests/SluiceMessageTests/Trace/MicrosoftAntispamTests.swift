import Testing

@testable import SluiceMessage

@Suite("Microsoft antispam headers (reference §6.1–6.4)")
struct MicrosoftAntispamTests {
    typealias T = TraceTestSupport

    static let inbound = """
        CIP:40.107.22.50;CTRY:IE;LANG:en;SCL:1;SRV:;IPV:NLI;SFV:NSPM;H:EUR05-AM6-obe.outbound.protection.outlook.com;\
        PTR:mail-am6eur05on2050.outbound.protection.outlook.com;CAT:NONE;\
        SFS:(13230040)(4636009)(376014)(1800799024)(82310400026);DIR:INB;
        """

    @Test("reference §6.1: every field is kept in order and the documented ones are typed")
    func typedFields() {
        let report = ForefrontAntispamReport(parsing: Self.inbound)
        #expect(report.fields.map(\.name) == ["CIP", "CTRY", "LANG", "SCL", "SRV", "IPV", "SFV", "H", "PTR", "CAT", "SFS", "DIR"])
        #expect(report.cip == IPAddress("40.107.22.50"))
        #expect(report.country == "IE")
        #expect(report.language == "en")
        #expect(report.scl == 1)
        #expect(report.srv == nil)
        #expect(report.value(for: "SRV") == "")
        #expect(report.ipv == "NLI")
        #expect(report.sfv == "NSPM")
        #expect(report.helo == "EUR05-AM6-obe.outbound.protection.outlook.com")
        #expect(report.ptr == "mail-am6eur05on2050.outbound.protection.outlook.com")
        #expect(report.cat == "NONE")
        #expect(report.value(for: "sfs") == "(13230040)(4636009)(376014)(1800799024)(82310400026)")
        #expect(report.direction == "INB")
        #expect(report.sfty == nil)
        #expect(report.diagnostics.isEmpty)
    }

    @Test("reference §6.1: an IPv6 CIP is split on the first colon only")
    func ipv6CIP() {
        let report = ForefrontAntispamReport(
            parsing: "CIP:2a01:111:f403:2c14::701;CTRY:;LANG:en;SCL:5;SRV:;IPV:NLI;SFV:SPM;H:mail.example;PTR:;CAT:SPM;DIR:INB;SFTY:9.25;")
        #expect(report.value(for: "CIP") == "2a01:111:f403:2c14::701")
        #expect(report.cip?.description == "2a01:111:f403:2c14::701")
        #expect(report.scl == 5)
        #expect(report.cat == "SPM")
        #expect(report.sfty == "9.25")
        #expect(report.country == nil)
        #expect(report.ptr == nil)
        #expect(report.fields.count == 12)
    }

    @Test("reference §3.6 and §6.3: SCL -1 with SFV:SKN, IPV:CAL with SFV:SKI, SRV:BULK")
    func bypassVerdicts() {
        let bypass = ForefrontAntispamReport(parsing: "SCL:-1;SFV:SKN;DIR:INT")
        #expect(bypass.scl == -1)
        #expect(bypass.sfv == "SKN")
        #expect(bypass.direction == "INT")
        let allowed = ForefrontAntispamReport(parsing: "IPV:CAL;SFV:SKI;SCL:-1")
        #expect(allowed.ipv == "CAL")
        #expect(allowed.sfv == "SKI")
        let bulk = ForefrontAntispamReport(parsing: " SCL:6 ; SRV:BULK ; CAT:BULK ;SFV:SPM")
        #expect(bulk.srv == "BULK")
        #expect(bulk.scl == 6)
        #expect(bulk.sfv == "SPM")
    }

    @Test("reference §3.6: an SCL outside -1...9 and a bad CIP are reported")
    func invalidValues() {
        let report = ForefrontAntispamReport(parsing: "CIP:999.1.1.1;SCL:12;SFV:SPM")
        #expect(report.scl == nil)
        #expect(report.cip == nil)
        #expect(report.value(for: "SCL") == "12")
        #expect(T.codes(report.diagnostics) == ["forefront.invalid-scl", "forefront.invalid-cip"])
    }

    @Test("reference §6.1: a field without a colon is kept and reported; an empty header is reported")
    func malformed() {
        let report = ForefrontAntispamReport(parsing: "SCL:1;GARBAGE;SFV:NSPM")
        #expect(report.fields.map(\.name) == ["SCL", "GARBAGE", "SFV"])
        #expect(report.sfv == "NSPM")
        #expect(T.codes(report.diagnostics) == ["forefront.malformed-field"])
        #expect(T.codes(ForefrontAntispamReport(parsing: " ; ;").diagnostics) == ["forefront.empty"])
        #expect(T.codes(MicrosoftAntispam(parsing: "").diagnostics) == ["microsoft-antispam.empty"])
    }

    @Test("reference §6.4: X-Microsoft-Antispam BCL and other fields")
    func microsoftAntispam() {
        let current = MicrosoftAntispam(parsing: "BCL:0;ARA:13230040|1800799024|376014|82310400026;")
        #expect(current.bcl == 0)
        #expect(current.pcl == nil)
        #expect(current.value(for: "ARA") == "13230040|1800799024|376014|82310400026")
        #expect(current.diagnostics.isEmpty)

        let legacy = MicrosoftAntispam(parsing: "BCL:7;PCL:0;RULEID:(2390118)(7020095)(4652020);SRVR:BN6PR12MB1234;")
        #expect(legacy.bcl == 7)
        #expect(legacy.pcl == 0)
        #expect(legacy.fields.count == 4)
    }

    @Test("reference §3.6: a BCL outside 0...9 is reported")
    func invalidBCL() {
        let report = MicrosoftAntispam(parsing: "BCL:x;PCL:10")
        #expect(report.bcl == nil)
        #expect(report.pcl == nil)
        #expect(T.codes(report.diagnostics) == ["microsoft-antispam.invalid-bcl", "microsoft-antispam.invalid-pcl"])
    }
}
