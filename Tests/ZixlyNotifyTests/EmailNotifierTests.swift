import Foundation
import Logging
import Testing
import ZixlyCore
import ZixlyTesting

@testable import ZixlyNotify

@Suite("Notification emails", .serialized)
struct EmailNotifierTests {
    static func job(_ state: JobState) -> Job {
        Job(
            id: JobID(rawValue: "5a0f6a9e-0000-4000-8000-000000000001"), tenant: "default", jobType: "trading-sweep", state: state,
            parameters: ["ticker": "GOOG"], priority: 0, attempt: 3, maxAttempts: 3, runAt: Date(), createdAt: Date(),
            errorMessage: state == .failed ? "no market data for 'GOOG'" : nil,
            resultSummary: state == .completed
                ? ["strategy": "SMA", "total_combinations": 28, "best": ["fast_period": 10, "slow_period": 30, "sharpe_ratio": 1.25]] : nil)
    }

    @Test("completion and final failure send DESIGN §7's subjects; a dead relay is logged, not thrown")
    func emails() async throws {
        let server = try SMTPTestServer(tls: false)
        let notifier = EmailNotifier(
            client: SMTPClient(configuration: .init(host: "127.0.0.1", port: server.port, startTLS: .never)),
            from: "zixly@example.com", recipients: ["ops@example.com", "quant@example.com"], logger: Logger(label: "test"))
        await notifier.jobFinished(Self.job(.completed))
        await notifier.jobFinished(Self.job(.failed))
        await notifier.jobFinished(Self.job(.running))
        let received = try server.messages()
        #expect(received.map { $0["subject"] as? String } == ["✅ Trading Sweep Complete - GOOG - Best Result", "❌ Trading Sweep Failed - GOOG"])
        #expect((received[0]["body"] as? String)?.contains("fast 10, slow 30") == true)
        #expect((received[1]["body"] as? String)?.contains("no market data for 'GOOG'") == true)
        #expect(received[0]["to"] as? [String] == ["ops@example.com", "quant@example.com"])

        let dead = EmailNotifier(
            client: SMTPClient(configuration: .init(host: "127.0.0.1", port: 9, timeout: .seconds(2))), from: "z@example.com",
            recipients: ["ops@example.com"], logger: Logger(label: "test"))
        await dead.jobFinished(Self.job(.completed))
    }
}
