import SluiceChecking
import SluiceDiagnostics
import SluiceMessage

/// The detection stage: tenant blocks, the anti-malware file filter, DMARC and spoof
/// intelligence, upstream verdicts, custom rules, anti-spam blocked lists, bulk.
extension Evaluation {
    /// `fileTypes`: `antiMalware`'s file types as a set (`Evaluator.fileTypes`).
    mutating func detectionStage(antiSpam: AntiSpamPolicy, antiPhishing: AntiPhishingPolicy, antiMalware: AntiMalwarePolicy, fileTypes: Set<String>,
                                 _ message: Message) {
        var stage = TraceStage(name: "detection")
        // Room for the other detectors' steps and a few rules that hold, so that no append
        // copies the steps; the rules that do not hold go in as shared runs.
        stage.reserveCapacity(16)
        // Room made once for the detections a message collects, rather than grown one by one; a
        // message with none pays one allocation.
        detections.reserveCapacity(8)
        tenantBlocks(message, &stage)
        fileTypeFilter(antiMalware, types: fileTypes, message, &stage)
        spoofAndDMARC(antiPhishing, &stage)
        upstreamVerdicts(&stage)
        rules(message, &stage)
        antiSpamLists(antiSpam, &stage)
        bulk(antiSpam, &stage)
        if detections.isEmpty { stage.append(TraceStep("verdict", .clear, "no filter found a threat")) }
        trace.append(stage)
    }

    private mutating func tenantBlocks(_ message: Message, _ stage: inout TraceStage) {
        let blockVerdict = ThreatVerdict(policy.organization.senderBlockVerdict.value)
        for entry in candidates where entry.action == .block {
            switch entry.target {
            case .sender(let address):
                guard let from = facts.from, address.matches(from), noteMatch(entry, stage: &stage, what: "tenant sender block") else { continue }
                add(Detection(verdict: blockVerdict, origin: .tenantBlock(entry.target), span: entry.span) { "tenant block entry `sender \(address)`" }, &stage)
            case .domain(let pattern):
                guard let from = facts.from, pattern.matches(from.domain), noteMatch(entry, stage: &stage, what: "tenant domain block") else { continue }
                add(Detection(verdict: blockVerdict, origin: .tenantBlock(entry.target), span: entry.span) {
                    "tenant block entry `domain \(pattern)` (From `\(from.address)`)"
                }, &stage)
            case .url(let pattern):
                guard let url = message.urls.first(where: { pattern.matches($0, as: .block) }),
                    noteMatch(entry, stage: &stage, what: "tenant URL block")
                else { continue }
                let link = url.url
                add(Detection(verdict: .highConfidencePhish, origin: .tenantBlock(entry.target), span: entry.span) {
                    "tenant block entry `url \(pattern)` (link `\(link)`)"
                }, &stage)
            case .file(let hash):
                guard let attachment = message.attachments.first(where: { $0.sha256 == hash.hex }),
                    noteMatch(entry, stage: &stage, what: "tenant file block")
                else { continue }
                let name = attachment.filename ?? attachment.part
                add(Detection(verdict: .malware, origin: .tenantBlock(entry.target), span: entry.span) {
                    "tenant block entry `file \(hash)` (attachment `\(name)`)"
                }, &stage)
            case .spoof(let pair):
                guard matches(pair), noteMatch(entry, stage: &stage, what: "tenant spoof block") else { continue }
                add(Detection(verdict: .spoof, origin: .tenantBlock(entry.target), span: entry.span) { "tenant spoof block `\(pair)` (compauth reason 002)" },
                    &stage)
            case .ip:
                continue
            }
        }
    }

    func matches(_ pair: SpoofPair) -> Bool {
        guard let from = facts.from else { return false }
        return pair.matches(from: from, ptr: facts.envelope.ptr?.value, clientIP: facts.envelope.clientIP?.value,
                            dkimDomains: facts.authentication.summary.dkimDomains,
                            organizationalDomain: evaluator.suffixes.organizationalDomain)
    }

    /// The common attachments filter: by extension, or by what the bytes are (§3.4).
    private mutating func fileTypeFilter(_ antiMalware: AntiMalwarePolicy, types: Set<String>, _ message: Message, _ stage: inout TraceStage) {
        guard antiMalware.commonAttachmentsFilter.value else { return }
        for attachment in message.attachments {
            let name = attachment.filename?.lowercased() ?? ""
            let extensionType = name.utf8.contains(UInt8(ascii: ".")) ? name.lastComponent(separatedBy: ".").map(String.init) : nil
            let sniffed = attachment.detectedType?.rawValue
            guard let hit = [extensionType, sniffed].compactMap({ $0 }).first(where: types.contains) else { continue }
            var detection = Detection(
                verdict: .malware, origin: .filter,
                description: "common attachments filter: `\(attachment.filename ?? attachment.part)` is a `.\(hit)` file",
                span: antiMalware.fileTypes.span ?? antiMalware.commonAttachmentsFilter.span)
            detection.isFileTypeFilter = true
            add(detection, &stage)
            return
        }
    }

    /// DMARC and spoof intelligence by the Honor DMARC × spoof intelligence matrix (§5.2).
    /// Spoof allow entries take the pair out of both (§2.5).
    private mutating func spoofAndDMARC(_ antiPhishing: AntiPhishingPolicy, _ stage: inout TraceStage) {
        let authentication = facts.authentication
        guard authentication.explicitFailurePolicy != nil || authentication.implicitFailure else { return }
        if let allow = candidates.first(where: { entry in
            guard entry.action == .allow, case .spoof(let pair) = entry.target, matches(pair) else { return false }
            return isActive(entry)
        }) {
            stage.append(TraceStep("spoof allow", .matched, "`\(allow.target.key)` may send as this From domain: no spoof or DMARC verdict",
                                         span: allow.span))
            return
        }
        let honor = antiPhishing.honorDMARC.value
        let intelligence = antiPhishing.spoofIntelligence.value
        let summary = authentication.summary
        let reason = "compauth=\(summary.compauth) reason=\(summary.reason)"
        if let policyAction = authentication.explicitFailurePolicy {
            if honor {
                let verdict: ThreatVerdict = policyAction == .reject ? .spoofDMARCReject : .spoofDMARCQuarantine
                add(Detection(verdict: verdict, origin: .filter,
                              description: "DMARC failed and `\(summary.fromDomain ?? "")` publishes p=\(policyAction.rawValue) (honor DMARC on; \(reason))",
                              span: antiPhishing.honorDMARC.span), &stage)
            } else {
                add(Detection(verdict: .spoof, origin: .filter,
                              description: "DMARC failed with p=\(policyAction.rawValue); honor DMARC is off, so the spoof action applies (\(reason))",
                              span: antiPhishing.honorDMARC.span), &stage)
            }
            return
        }
        guard intelligence else {
            stage.append(TraceStep("spoof intelligence", .clear, "off: implicit authentication failures are not checked (\(reason))",
                                         span: antiPhishing.spoofIntelligence.span))
            return
        }
        // A composite failure alone does not block (§5.1): Sluice acts on implicit failures when
        // the From domain is the organization's own (intra-org spoof, reason 601).
        if summary.reason == "601" || summary.reason == "010" {
            add(Detection(verdict: .spoof, origin: .filter,
                          description: "spoof intelligence: `\(summary.fromDomain ?? "")` is an accepted domain but the message fails authentication (\(reason))",
                          span: antiPhishing.spoofIntelligence.span), &stage)
        } else {
            stage.append(TraceStep("spoof intelligence", .clear,
                                         "\(reason): an implicit failure from an external domain does not block by itself (§5.1)"))
        }
    }

    private mutating func upstreamVerdicts(_ stage: inout TraceStage) {
        let upstream = facts.upstream
        if let (report, host) = upstream.forefront {
            let header = "X-Forefront-Antispam-Report"
            let byCategory: [String: ThreatVerdict] = [
                "MALW": .malware, "HPHSH": .highConfidencePhish, "HPHISH": .highConfidencePhish, "PHSH": .phish, "SPOOF": .spoof,
                "HSPM": .highConfidenceSpam, "SPM": .spam, "BULK": .bulk,
            ]
            if let category = report.cat?.uppercased(), let verdict = byCategory[category] {
                add(Detection(verdict: verdict, origin: .upstream(header: header, host: host),
                              description: "`\(header)` CAT:\(category) from `\(host)`"), &stage)
            } else if let scl = report.scl, scl >= 5 {
                add(Detection(verdict: scl >= 7 ? .highConfidenceSpam : .spam, origin: .upstream(header: header, host: host),
                              description: "`\(header)` SCL:\(scl) from `\(host)`"), &stage)
            } else {
                stage.append(TraceStep("upstream `\(header)`", .clear, "from `\(host)`: no threat (SCL \(report.scl.map(String.init) ?? "none"))"))
            }
        }
        if let (status, host) = upstream.spamAssassin {
            if status.isSpam == true {
                add(Detection(verdict: .spam, origin: .upstream(header: "X-Spam-Status", host: host),
                              description: "`X-Spam-Status: Yes` (score \(status.score.map { String($0) } ?? "?")) from `\(host)`"), &stage)
            } else {
                stage.append(TraceStep("upstream `X-Spam-Status`", .clear, "from `\(host)`: not spam"))
            }
        }
        if let (result, action, host) = upstream.rspamd {
            if action == "reject" {
                add(Detection(verdict: .highConfidenceSpam, origin: .upstream(header: "X-Spamd-Result", host: host),
                              description: "rspamd action `reject` from `\(host)`"), &stage)
            } else if result.isSpam == true || action == "add header" || action == "rewrite subject" {
                add(Detection(verdict: .spam, origin: .upstream(header: "X-Spamd-Result", host: host),
                              description: "rspamd says spam (score \(result.score.map { String($0) } ?? "?")) from `\(host)`"), &stage)
            } else {
                stage.append(TraceStep("upstream `X-Spamd-Result`", .clear, "from `\(host)`: not spam"))
            }
        }
    }

    private mutating func rules(_ message: Message, _ stage: inout TraceStage) {
        let plan = evaluator.rulePlan
        let rules = evaluator.policy.rules
        var conditions = RuleConditionEvaluator(plan: plan, currentSCL: facts.upstream.scl)
        // The rules since `clearRun` do not hold and have no other step: their steps are
        // appended as one shared run when another step comes, or at the end.
        var clearRun = 0
        // By index, so that a rule whose condition does not hold costs no copy of its strings.
        for index in plan.rules.indices {
            let holds = conditions.holds(rule: index, facts, message)
            if holds || !conditions.limitHits.isEmpty {
                stage.append(run: plan.clearSteps[clearRun..<index])
                clearRun = index + 1
            }
            if !conditions.limitHits.isEmpty {
                for pattern in conditions.limitHits {
                    stage.append(TraceStep(plan.rules[index].label, .note, "\(pattern) hit PCRE2's match limit and counts as no match",
                                                 span: plan.rules[index].span))
                }
                conditions.limitHits.removeAll()
            }
            guard holds else {
                if clearRun > index { stage.append(plan.clearSteps[index]) }
                continue
            }
            stage.append(plan.rules[index].holdsStep)
            if rules[index].mode == .audit { continue }
            var stop = false
            // The rule's actions and effects are read in place: a copy of the rule or of an
            // effect would retain all its strings only to release them again.
            let actions = rules[index].actions
            for offset in actions.indices {
                switch actions[offset] {
                case .setSCL(let scl):
                    ruleSCL = (scl, rules[index].name, rules[index].span)
                    conditions.currentSCL = scl
                case .stop: stop = true
                case .quarantine, .junk, .reject, .delete, .redirect:
                    if ruleAction == nil { ruleAction = (actions[offset], rules[index].name, rules[index].span) }
                case .mark, .addHeader, .prependSubject: break
                }
                switch plan.rules[index].effects[offset] {
                case .detection(let detection, let step):
                    detections.append(detection)
                    stage.append(step)
                case .modification(let text): modifications.append(text)
                case .none: break
                }
            }
            if stop {
                stage.append(plan.rules[index].stopStep)
                return
            }
        }
        stage.append(run: plan.clearSteps[clearRun...])
    }

    /// Anti-spam blocked senders and domains mark high confidence spam (§3.2, `SFV:SKB`).
    private mutating func antiSpamLists(_ antiSpam: AntiSpamPolicy, _ stage: inout TraceStage) {
        guard let from = facts.from else { return }
        if let hit = antiSpam.blockedSenders.first(where: { $0.value.matches(from) }) {
            add(Detection(verdict: .highConfidenceSpam, origin: .antiSpamBlock,
                          description: "anti-spam policy \(antiSpam.header.displayName) blocks sender `\(hit.value)`", span: hit.span), &stage)
        } else if let hit = antiSpam.blockedDomains.first(where: { $0.value.matches(from.domain) }) {
            add(Detection(verdict: .highConfidenceSpam, origin: .antiSpamBlock,
                          description: "anti-spam policy \(antiSpam.header.displayName) blocks domain `\(hit.value)`", span: hit.span), &stage)
        }
    }

    /// Bulk fires when BCL ≥ the threshold (decision 5).
    private mutating func bulk(_ antiSpam: AntiSpamPolicy, _ stage: inout TraceStage) {
        guard let bcl = facts.upstream.bcl else { return }
        let threshold = antiSpam.bulkThreshold.value
        if bcl >= threshold {
            add(Detection(verdict: .bulk, origin: .upstream(header: "X-Microsoft-Antispam", host: facts.upstream.microsoftAntispam!.host),
                          span: antiSpam.bulkThreshold.span) { "BCL \(bcl) ≥ bulk threshold \(threshold)" }, &stage)
        } else {
            stage.append(TraceStep("bulk", .clear, span: antiSpam.bulkThreshold.span) { "BCL \(bcl) < bulk threshold \(threshold)" })
        }
    }

    mutating func add(_ detection: Detection, _ stage: inout TraceStage) {
        detections.append(detection)
        stage.append(detection.traceStep)
    }
}
