import Foundation
public import Logging
public import ZixlyCore

/// Emails the outcome of trading sweeps (DESIGN §7): "✅ Trading Sweep Complete - {ticker} - Best
/// Result" with the best combination, or "❌ Trading Sweep Failed - {ticker}" with the error.
public struct EmailNotifier: Notifier {
    let client: SMTPClient
    let from: String
    let recipients: [String]
    let logger: Logger

    public init(client: SMTPClient, from: String, recipients: [String], logger: Logger) {
        self.client = client
        self.from = from
        self.recipients = recipients
        self.logger = logger
    }

    public func jobFinished(_ job: Job) async {
        guard let message = Self.message(for: job, from: from, to: recipients) else { return }
        do {
            try await client.send(message)
            logger.info("notification email sent", metadata: ["job_id": "\(job.id)", "subject": "\(message.subject)"])
        } catch {
            logger.error("notification email not sent", metadata: ["job_id": "\(job.id)", "error": "\(error)"])
        }
    }

    /// The email for a completed or failed job; nil for other states.
    public static func message(for job: Job, from: String, to recipients: [String]) -> EmailMessage? {
        let ticker = job.parameters["ticker"]?.stringValue ?? job.jobType
        switch job.state {
        case .completed:
            let summary = job.resultSummary ?? .null
            let best = summary["best"] ?? .null
            func number(_ value: JSONValue?, _ decimals: Int = 2) -> String {
                guard let value = value?.doubleValue else { return "n/a" }
                return String(format: "%.\(decimals)f", value)
            }
            let body = """
                The trading sweep \(job.id) on \(ticker) (\(summary["strategy"]?.stringValue ?? "")) completed.

                Best combination: fast \(best["fast_period"]?.intValue.map(String.init) ?? "n/a"), slow \(best["slow_period"]?.intValue.map(String.init) ?? "n/a")
                  score \(number(best["score"], 3)), Sharpe \(number(best["sharpe_ratio"], 3)), Sortino \(number(best["sortino_ratio"], 3))
                  total return \(number(best["total_return_pct"]))%, max drawdown \(number(best["max_drawdown_pct"]))%, win rate \(number(best["win_rate_pct"], 1))%, \(best["total_trades"]?.intValue ?? 0) trades
                Combinations: \(summary["total_combinations"]?.intValue ?? 0) tried, \(summary["ranked_combinations"]?.intValue ?? 0) ranked
                Deflated Sharpe ratio of the best: \(number(summary["deflated_sharpe_ratio"], 3)); share beating buy-and-hold: \(number(summary["share_beating_buy_and_hold"], 3))
                Sweep time: \(number(summary["execution_time_seconds"], 3)) s

                All results: GET /api/pipelines/\(job.id)/results
                """
            return EmailMessage(from: from, to: recipients, subject: "✅ Trading Sweep Complete - \(ticker) - Best Result", body: body)
        case .failed:
            let body = """
                The trading sweep \(job.id) on \(ticker) failed after \(job.attempt) of \(job.maxAttempts) attempts.

                Error: \(job.errorMessage ?? "no message")
                Parameters: \(job.parameters.jsonText())

                Run it again: POST /api/pipelines/\(job.id)/retry
                """
            return EmailMessage(from: from, to: recipients, subject: "❌ Trading Sweep Failed - \(ticker)", body: body)
        default:
            return nil
        }
    }
}
