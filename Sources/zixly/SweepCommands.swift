import ArgumentParser
import Foundation
import StandardWebhooks
import SweepEngine
import ZixlyCore
import ZixlyDatasets
import ZixlySweeps

struct SweepCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep", abstract: "Run a trading-strategy sweep locally, or submit one to a server.",
        subcommands: [SweepRun.self, SweepSubmit.self])
}

/// Shared table of the best combinations.
func resultsTable(_ rows: [JSONValue]) -> String {
    var table = TextTable(header: ["rank", "fast", "slow", "score", "sharpe", "sortino", "return %", "max dd %", "win %", "trades"])
    for (index, row) in rows.enumerated() {
        table.rows.append([
            String(index + 1), row["fast_period"]?.intValue.map(String.init) ?? "?", row["slow_period"]?.intValue.map(String.init) ?? "?",
            formatted(row["score"]?.doubleValue, decimals: 3), formatted(row["sharpe_ratio"]?.doubleValue, decimals: 3),
            formatted(row["sortino_ratio"]?.doubleValue, decimals: 3), formatted(row["total_return_pct"]?.doubleValue),
            formatted(row["max_drawdown_pct"]?.doubleValue), formatted(row["win_rate_pct"]?.doubleValue, decimals: 1),
            row["total_trades"]?.intValue.map(String.init) ?? "?",
        ])
    }
    return table.render()
}

struct SweepRun: AsyncParsableCommand {
    /// Each combination keeps its row of metrics (about 150 bytes) until the sweep ranks them:
    /// 10,000,000 is some 1.5 GB.
    static let mostCombinations = 10_000_000

    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Sweep a strategy over a CSV file on this machine (no server).")

    @Option(help: "OHLCV CSV file (Date,Open,High,Low,Close,Volume), oldest row first.")
    var data: String?
    @Option(help: "A sample shipped with Zixly instead of a file: GOOG, EURUSD, BTCUSD or SYNTH.")
    var ticker: String?
    @Option(help: "sma, ema or macd.")
    var strategy: String = "sma"
    @Option(help: "Fast window range, e.g. 2...100.")
    var fast: WindowRange
    @Option(help: "Slow window range, e.g. 3...200.")
    var slow: WindowRange
    @Option(help: "Window step.")
    var step = 1
    @Option(name: .customLong("fees-bps"), help: "Fees per fill in basis points.")
    var feesBps = 0.0
    @Option(name: .customLong("slippage-bps"), help: "Slippage per fill in basis points.")
    var slippageBps = 0.0
    @Option(name: .customLong("min-trades"), help: "Combinations with fewer trades are reported but not ranked.")
    var minTrades = 0
    @Option(help: "Write one CSV row per combination here.")
    var output: String?
    @Option(help: "Threads (default: one per core).")
    var threads = 0
    @Option(help: "How many ranked combinations to print.")
    var top = 10

    @Option(
        name: .customLong("bars-per-year"),
        help:
            "Periods per year to annualize with, or 'auto' (default): read off the dates (252 for trading days, 365 with weekends, 6048 for FX hours, ...)."
    )
    var barsPerYear = "auto"

    @Option(name: .customLong("pbo-blocks"), help: "Also estimate the Probability of Backtest Overfitting with this many blocks (even, 2-24).")
    var pboBlocks: Int?

    /// The CSV text and what it is called in messages: a shipped sample by `--ticker` (found beside
    /// the binary, from any folder), or `--data`'s file with the reason it cannot be read.
    func prices() throws -> (text: String, source: String) {
        if let ticker {
            let samples = MarketDataDirectory.bundled
            guard let bytes = samples.contents(of: ticker.uppercased()) else {
                throw CLIError("no shipped sample named \(ticker); the samples are \(samples.availableTickers().joined(separator: ", "))")
            }
            return (String(decoding: bytes, as: UTF8.self), "the \(ticker.uppercased()) sample")
        }
        let path = data ?? ""
        var isFolder: ObjCBool = false
        let files = FileManager.default
        guard files.fileExists(atPath: path, isDirectory: &isFolder) else {
            throw CLIError("cannot read \(path): no such file (looked in \(files.currentDirectoryPath)); for a shipped sample, use --ticker GOOG")
        }
        guard !isFolder.boolValue else { throw CLIError("cannot read \(path): it is a folder, not a CSV file") }
        guard files.isReadableFile(atPath: path) else { throw CLIError("cannot read \(path): permission denied") }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw CLIError("cannot read \(path): it is not UTF-8 text") }
        return (text, path)
    }

    /// `--bars-per-year` as a number, or the data's own (`PriceSeries.annualization`) for `auto`.
    func annualization(of series: PriceSeries) throws -> AnnualizationEstimate {
        guard barsPerYear.lowercased() != "auto" else { return series.annualization }
        guard let value = Double(barsPerYear), value > 0, value <= 10_000_000 else {
            throw CLIError("--bars-per-year must be 'auto' or a number within 0...10,000,000 (exclusive of 0)")
        }
        return AnnualizationEstimate(frequency: series.annualization.frequency, barsPerYear: value)
    }

    func validate() throws {
        guard (data == nil) != (ticker == nil) else { throw ValidationError("give --data FILE or --ticker SAMPLE (one of them)") }
        guard Strategy(rawValue: strategy.lowercased()) != nil else { throw ValidationError("--strategy must be sma, ema or macd") }
        guard step >= 1 else { throw ValidationError("--step must be at least 1") }
        try fast.check("--fast")
        try slow.check("--slow")
        guard threads >= 0, minTrades >= 0, top >= 0 else { throw ValidationError("--threads, --min-trades and --top cannot be negative") }
        guard feesBps >= 0, slippageBps >= 0 else { throw ValidationError("--fees-bps and --slippage-bps cannot be negative") }
        if let pboBlocks, !(2...24).contains(pboBlocks) || pboBlocks % 2 != 0 { throw ValidationError("--pbo-blocks must be even, 2 to 24") }
    }

    func run() async throws {
        try await reportingErrors {
            let (text, source) = try prices()
            let series: PriceSeries
            do { series = try PriceSeries(csv: text) } catch { throw CLIError("\(source): \(error)") }
            let grid = SweepGrid(fastRange: fast.range, slowRange: slow.range, step: step)
            let combinations = grid.combinationCount
            guard combinations > 0 else { throw CLIError("the grid has no combination with fast < slow") }
            guard combinations <= Self.mostCombinations else {
                throw CLIError(
                    "the grid has \(NumberText.grouped(combinations)) combinations; at most \(NumberText.grouped(Self.mostCombinations)) run here (narrow --fast or --slow, or raise --step)"
                )
            }
            let annualization = try annualization(of: series)
            var request = SweepRequest(
                strategy: Strategy(rawValue: strategy.lowercased())!, grid: grid,
                costs: ExecutionCosts(feesBps: feesBps, slippageBps: slippageBps), minTrades: minTrades, threads: threads,
                barsPerYear: annualization.barsPerYear)
            request.overfittingBlocks = pboBlocks
            let started = ContinuousClock.now
            let outcome = try Sweep.run(series, request)
            let elapsed = started.duration(to: .now)
            let seconds = elapsed.inSeconds
            if let output {
                let lines = [CombinationMetrics.csvHeader.joined(separator: ",")] + outcome.results.map(\.csvLine)
                do { try (lines.joined(separator: "\n") + "\n").write(toFile: output, atomically: true, encoding: .utf8) } catch {
                    throw CLIError("cannot write \(output): \(error)")
                }
            }
            print("\(request.strategy.rawValue.uppercased()) sweep over \(series.count) bars of \(source)")
            print("bars: \(annualization.frequency.rawValue), annualized with \(formatted(annualization.barsPerYear, decimals: 0)) bars a year")
            print("\(outcome.totalCombinations) combinations, \(outcome.rankedCombinations) ranked (min trades \(minTrades))")
            print(resultsTable(outcome.rankedResults.prefix(top).map(\.json)))
            if let overfitting = outcome.overfitting {
                print(
                    "probability of backtest overfitting: \(formatted(overfitting.probability * 100, decimals: 1))% of \(overfitting.splits) splits"
                        + " (\(overfitting.blocks) blocks of \(overfitting.barsPerBlock) bars)")
            }
            print(
                "elapsed \(formatted(seconds, decimals: 3)) s, \(Int(Double(outcome.totalCombinations) / max(seconds, 1e-9))) combinations/s"
                    + (output.map { "; wrote \($0)" } ?? ""))
        }
    }
}
