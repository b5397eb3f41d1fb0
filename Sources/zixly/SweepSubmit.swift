import ArgumentParser
import Foundation
import NIOHTTP1
import StandardWebhooks
import ZixlyCore

struct SweepSubmit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Send a signed trading-sweep webhook to a server, follow the job, print the top results.")

    @OptionGroup var client: ClientOptions
    @Option(help: "Ticker with market data on the server (e.g. GOOG); repeat it to sweep many, each as a job of its own, ranked across them.")
    var ticker: [String]
    @Option(help: "SMA, EMA or MACD.")
    var strategy = "SMA"
    @Option(help: "Fast window range, e.g. 5...50.")
    var fast: WindowRange
    @Option(help: "Slow window range, e.g. 20...200.")
    var slow: WindowRange
    @Option(help: "Window step (1–50).")
    var step = 1
    @Option(name: .customLong("min-trades"), help: "Ranking threshold (10–1000; server default 50).")
    var minTrades: Int?
    @Option(help: "How many results to print.")
    var top = 10
    @Flag(name: .customLong("no-wait"), help: "Print the job id and return without following the job.")
    var noWait = false

    func validate() throws {
        try fast.check("--fast")
        try slow.check("--slow")
    }

    func run() async throws {
        try await reportingErrors {
            guard !ticker.isEmpty else { throw CLIError("--ticker is required") }
            var body: [String: JSONValue] = [
                "strategy_type": .string(strategy.uppercased()),
                "fast_range": [.number(Double(fast.range.lowerBound)), .number(Double(fast.range.upperBound))],
                "slow_range": [.number(Double(slow.range.lowerBound)), .number(Double(slow.range.upperBound))],
                "step": .number(Double(step)),
            ]
            if ticker.count == 1 { body["ticker"] = .string(ticker[0]) } else { body["tickers"] = .array(ticker.map(JSONValue.string)) }
            if let minTrades { body["min_trades"] = .number(Double(minTrades)) }
            let payload = Data(JSONValue.object(body).jsonText().utf8)
            let secret: WebhookSecret
            do { secret = try WebhookSecret(try client.resolvedSecret()) } catch let error as WebhookSecretError {
                throw CLIError("invalid webhook secret: \(error)")
            }
            let headers = Webhook(secrets: [secret]).sign(id: "msg_" + UUID().uuidString.lowercased(), timestamp: Date(), body: payload)
            let api = APIClient(baseURL: client.baseURL, apiKey: nil)
            let submitted = Date()
            let accepted = try await api.expectSuccess(.POST, "/webhook/trading-sweep", body: payload, headers: headers)
            guard let id = accepted["job_id"]?.stringValue else { throw CLIError("unexpected answer: \(accepted.jsonText())") }
            print("job \(id) queued: \(accepted["message"]?.stringValue ?? "")")
            if noWait { return }
            let job = try await follow(id, api: api)
            let seconds = Date().timeIntervalSince(submitted)
            try report(job, elapsed: seconds)
        }
    }

    /// Polls the job, drawing a progress bar on standard error, until it is final.
    private func follow(_ id: String, api: APIClient) async throws -> JSONValue {
        var lastLine = ""
        var polls = 0
        while true {
            let job = try await api.expectSuccess(.GET, "/webhook/jobs/\(id)")
            let status = job["status"]?.stringValue ?? "?"
            let percent = job["progress"]?.intValue ?? 0
            let filled = percent * 30 / 100
            let line =
                "\r[\(String(repeating: "#", count: filled))\(String(repeating: ".", count: 30 - filled))] \(percent)% \(status) \(job["progress_message"]?.stringValue ?? "")"
            if line != lastLine {
                FileHandle.standardError.write(Data((line.padding(toLength: max(line.count, lastLine.count), withPad: " ", startingAt: 0)).utf8))
                lastLine = line
            }
            if ["completed", "failed", "cancelled"].contains(status) {
                FileHandle.standardError.write(Data("\n".utf8))
                return job
            }
            // Quick polls first, so short sweeps report promptly; then every 250 ms.
            polls += 1
            try await Task.sleep(for: .milliseconds(polls < 40 ? 50 : 250))
        }
    }

    /// Seconds between two ISO-8601 timestamps of the job.
    static func seconds(from start: JSONValue?, to end: JSONValue?) -> Double? {
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        guard let start = start?.stringValue.flatMap({ try? style.parse($0) }), let end = end?.stringValue.flatMap({ try? style.parse($0) }) else {
            return nil
        }
        return end.timeIntervalSince(start)
    }

    private func report(_ job: JSONValue, elapsed: Double) throws {
        let status = job["status"]?.stringValue ?? "?"
        guard status == "completed" else {
            throw CLIError("job \(status): \(job["error_message"]?.stringValue ?? "no error message")")
        }
        let summary = job["result_summary"] ?? .null
        if summary["completed_tickers"] != nil {
            return reportMany(job, summary: summary, elapsed: elapsed)
        }
        print(
            "\(summary["strategy"]?.stringValue ?? strategy) on \(summary["ticker"]?.stringValue ?? ticker.joined(separator: ", ")): "
                + "\(summary["total_combinations"]?.intValue ?? 0) combinations, \(summary["ranked_combinations"]?.intValue ?? 0) ranked, "
                + "sweep \(formatted(summary["execution_time_seconds"]?.doubleValue, decimals: 3)) s, "
                + "queued → completed \(formatted(Self.seconds(from: job["created_at"], to: job["completed_at"]), decimals: 3)) s on the server, "
                + "webhook → completed \(formatted(elapsed, decimals: 2)) s here")
        guard case .array(let rows)? = job["results"], !rows.isEmpty else {
            print("no combination reached min_trades; see all rows with: zixly jobs show \(job["id"]?.stringValue ?? "")")
            return
        }
        print(resultsTable(Array(rows.prefix(top))))
    }

    /// A sweep of many tickers: how many completed, and the best combination across them.
    private func reportMany(_ job: JSONValue, summary: JSONValue, elapsed: Double) {
        let id = job["id"]?.stringValue ?? ""
        let unfinished = summary["unfinished_tickers"]?.arrayValue ?? []
        print(
            "\(summary["strategy"]?.stringValue ?? strategy) on \(summary["tickers"]?.intValue ?? 0) tickers: "
                + "\(summary["total_combinations"]?.intValue ?? 0) combinations each, \(summary["completed_tickers"]?.intValue ?? 0) tickers completed"
                + (unfinished.isEmpty ? "" : " (not: \(unfinished.compactMap { $0["ticker"]?.stringValue }.joined(separator: ", ")))")
                + ", webhook → completed \(formatted(elapsed, decimals: 2)) s here")
        if let best = summary["best"], best != .null {
            print(
                "best by median Sharpe: fast \(best["fast_period"]?.intValue ?? 0), slow \(best["slow_period"]?.intValue ?? 0): "
                    + "median Sharpe \(formatted(best["median_sharpe"]?.doubleValue, decimals: 3)), "
                    + "beats buy-and-hold on \(formatted((best["share_beating_buy_and_hold"]?.doubleValue).map { $0 * 100 }, decimals: 0))% of tickers, "
                    + "worst drawdown \(formatted(best["worst_drawdown_pct"]?.doubleValue, decimals: 2))%")
        }
        print("the ranking across tickers: GET /api/pipelines/\(id)/aggregate; one ticker's rows: GET /api/pipelines/\(id)/results?ticker=T")
    }
}
