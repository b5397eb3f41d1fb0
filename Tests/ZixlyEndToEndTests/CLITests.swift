import Foundation
import Testing
import ZixlyCore
import ZixlyTesting

#if canImport(Glibc)
    import Glibc
#endif

@Suite("The zixly command line", .serialized)
struct CLITests {
    static let goog = ZixlyProcess.packageRoot.appendingPathComponent("Sources/ZixlyDatasets/SampleData/GOOG.csv").path

    @Test("sweep run writes one CSV row per combination and prints a ranked summary with timing")
    func sweepRun() async throws {
        let directory = try TemporaryDirectory.make()
        let output = directory.appendingPathComponent("out.csv").path
        let (status, stdout, stderr) = try await ZixlyProcess.run(
            [
                "sweep", "run", "--data", Self.goog, "--strategy", "sma", "--fast", "2...20", "--slow", "10...40", "--min-trades", "10", "--output",
                output,
            ],
            directory: directory)
        #expect(status == 0, "\(stderr)")
        #expect(stdout.contains("combinations/s") && stdout.contains("rank"))
        let lines = try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n")
        #expect(
            lines[0]
                == "fast_period,slow_period,score,sharpe_ratio,sortino_ratio,total_return_pct,annualized_return,max_drawdown_pct,win_rate_pct,profit_factor,total_trades,closed_trades,trades_per_month,avg_trade_duration,ranked"
        )
        #expect(lines.count == 1 + 523, "8 fast windows × 31 slow + Σ(40 − f) for f in 10...20")
    }

    @Test("sweep run names the bad line of a broken CSV and exits 1")
    func sweepRunBadData() async throws {
        let directory = try TemporaryDirectory.make()
        let file = directory.appendingPathComponent("bad.csv")
        try "Date,Open,High,Low,Close,Volume\n2020-01-01,1,1,1,10,5\n2020-01-02,1,1,1,nan,5\n".write(to: file, atomically: true, encoding: .utf8)
        let (status, _, stderr) = try await ZixlyProcess.run(
            ["sweep", "run", "--data", file.path, "--fast", "2...3", "--slow", "4...5"], directory: directory)
        #expect(status == 1)
        #expect(stderr.contains("line 3") && stderr.contains("nan"), "\(stderr)")
    }

    @Test("the README's tour runs verbatim, from another folder than the server's, against a running zixly up")
    func readmeTour() async throws {
        let readme = try String(contentsOf: ZixlyProcess.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let afterHeading = try #require(readme.components(separatedBy: "## A short tour").dropFirst().first)
        let block = try #require(afterHeading.components(separatedBy: "```sh\n").dropFirst().first?.components(separatedBy: "```").first)
        // The clone's folder as the tour expects it: the server's data beside the samples (no
        // release build here: PATH falls through to the binary under test).
        let clone = try TemporaryDirectory.make()
        try FileManager.default.createSymbolicLink(
            at: clone.appendingPathComponent("Sources"), withDestinationURL: ZixlyProcess.packageRoot.appendingPathComponent("Sources"))
        let port = LoopbackPort.free()
        let up = try ZixlyProcess(["up", "--port", String(port)], port: port, directory: clone)
        try await up.waitUntilHealthy()
        // Only the port differs from the README's: this server listens on a free one.
        let tour = block.replacingOccurrences(of: "127.0.0.1:8080", with: "127.0.0.1:\(port)")
        let path = ZixlyProcess.binary.deletingLastPathComponent().path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let run = try Subprocess.run(
            "/usr/bin/env", ["-C", clone.path, "PATH=\(path)", "ZIXLY_URL=\(up.baseURL)", "/bin/bash", "-e", "-c", tour])
        #expect(run.status == 0, "the tour stopped: \(run.output.suffix(3000))")
        #expect(run.output.contains("webhook → completed") && run.output.contains("ACME version 1:"), "\(run.output.suffix(3000))")
        #expect(run.output.contains("fast_period,slow_period") && run.output.contains("combinations/s"), "the curl CSV and the local sweep ran")
        up.signal(SIGTERM)
        _ = await up.waitForExit(timeout: .seconds(30))
    }

    @Test("sweep run takes a shipped sample by --ticker from any folder, and says why a file cannot be read")
    func sweepRunSamplesAndUnreadableFiles() async throws {
        let directory = try TemporaryDirectory.make()  // not the repository: the README's tour must work here too
        let grid = ["--fast", "2...20", "--slow", "10...40", "--min-trades", "10"]
        let (status, stdout, stderr) = try await ZixlyProcess.run(["sweep", "run", "--ticker", "goog"] + grid, directory: directory)
        #expect(status == 0 && stdout.contains("bars of the GOOG sample") && stdout.contains("523 combinations"), "\(stdout)\(stderr)")
        let (unknown, _, unknownError) = try await ZixlyProcess.run(["sweep", "run", "--ticker", "NOPE"] + grid, directory: directory)
        #expect(unknown == 1 && unknownError.contains("no shipped sample named NOPE; the samples are BTCUSD, EURUSD, GOOG, SYNTH"), "\(unknownError)")
        let (missing, _, missingError) = try await ZixlyProcess.run(["sweep", "run", "--data", "nowhere.csv"] + grid, directory: directory)
        #expect(missing == 1 && missingError.contains("cannot read nowhere.csv: no such file (looked in ") && missingError.contains("--ticker GOOG"))
        let (folder, _, folderError) = try await ZixlyProcess.run(["sweep", "run", "--data", directory.path] + grid, directory: directory)
        #expect(folder == 1 && folderError.contains("it is a folder"), "\(folderError)")
        let (backwards, _, backwardsError) = try await ZixlyProcess.run(
            ["sweep", "run", "--ticker", "GOOG", "--fast", "50...10", "--slow", "60...90"], directory: directory)
        #expect(
            backwards != 0 && backwardsError.contains("--fast 50...10 runs backwards: give the smaller window first (10...50)"), "\(backwardsError)")
        let (endless, _, endlessError) = try await ZixlyProcess.run(
            ["sweep", "run", "--ticker", "GOOG", "--fast", "1...9223372036854775807", "--slow", "2...9"], directory: directory)
        #expect(endless != 0 && endlessError.contains("windows go up to 100,000 bars"), "\(endlessError)")
        let (huge, _, hugeError) = try await ZixlyProcess.run(
            ["sweep", "run", "--ticker", "GOOG", "--fast", "1...99999", "--slow", "2...100000"], directory: directory)
        #expect(huge == 1 && hugeError.contains("the grid has 4,999,950,000 combinations; at most 10,000,000 run here"), "\(hugeError)")
        let (neither, _, neitherError) = try await ZixlyProcess.run(["sweep", "run"] + grid, directory: directory)
        #expect(neither != 0 && neitherError.contains("give --data FILE or --ticker SAMPLE"), "\(neitherError)")
    }

    @Test("up prints its secrets once; sweep submit signs, follows and prints results; jobs list/show/cancel/retry work")
    func submitAndJobs() async throws {
        let directory = try TemporaryDirectory.make()
        let port = LoopbackPort.free()
        let up = try ZixlyProcess(["up", "--port", String(port)], port: port, directory: directory)
        try await up.waitUntilHealthy()
        #expect(up.stdout.contains("webhook signing secret: whsec_") && up.stdout.contains("admin API key:"))
        #expect(up.stdout.contains("zixly jobs list --url http://127.0.0.1:\(port)"), "the banner's commands reach this port: \(up.stdout)")
        let attributes = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent(".zixly/secrets.json").path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        let url = ["--url", up.baseURL]
        let (status, stdout, stderr) = try await ZixlyProcess.run(
            [
                "sweep", "submit", "--ticker", "GOOG", "--strategy", "SMA", "--fast", "5...50", "--slow", "20...200", "--step", "5", "--min-trades",
                "10",
            ] + url,
            directory: directory)
        #expect(status == 0, "\(stderr)")
        #expect(stdout.contains("342 combinations") && stdout.contains("rank") && stdout.contains("webhook → completed"), "\(stdout)")
        #expect(stderr.contains("100% completed"))

        let (listStatus, list, _) = try await ZixlyProcess.run(["jobs", "list", "--url", "127.0.0.1:\(port)"], directory: directory)
        #expect(listStatus == 0 && list.contains("completed") && list.contains("1 jobs in all"), "\(list)")
        let id = try #require(list.split(separator: "\n").dropFirst(2).first?.split(separator: " ").first.map(String.init))
        let (showStatus, show, _) = try await ZixlyProcess.run(["jobs", "show", id] + url, directory: directory)
        #expect(showStatus == 0 && show.contains("status: completed"))
        #expect(list.contains("GOOG · SMA · 342 combinations") && list.contains("best ") && list.contains(" · Sharpe "), "\(list)")
        #expect(show.contains("what: GOOG · SMA · 342 combinations") && show.contains("result: best "), "\(show)")
        let duration = show.split(separator: "\n").first { $0.hasPrefix("duration_seconds: ") }?.split(separator: " ").last ?? ""
        #expect(duration.split(separator: ".").last?.count == 3, "durations to the millisecond: \(show)")
        let (cancelStatus, _, cancelError) = try await ZixlyProcess.run(["jobs", "cancel", id] + url, directory: directory)
        #expect(cancelStatus == 1 && cancelError.contains("HTTP 409"), "\(cancelError)")
        let (retryStatus, _, retryError) = try await ZixlyProcess.run(["jobs", "retry", id] + url, directory: directory)
        #expect(retryStatus == 1 && retryError.contains("HTTP 409"), "a completed job cannot be retried: \(retryError)")

        // load webhooks signs with the secret in .zixly/secrets.json, like sweep submit.
        let (loadStatus, load, loadError) = try await ZixlyProcess.run(
            ["load", "webhooks", "--count", "3", "--concurrency", "1", "--ticker", "GOOG"] + url, directory: directory)
        #expect(loadStatus == 0 && (try? JSONValue(jsonText: load))?["accepted"] == 3, "\(load)\(loadError)")
        // Help that says what each option is; migrate offers no server flags.
        let (_, migrateHelp, _) = try await ZixlyProcess.run(["migrate", "--help"], directory: directory)
        #expect(!migrateHelp.contains("--port") && migrateHelp.contains("--database-url"), "\(migrateHelp)")
        let (_, listHelp, _) = try await ZixlyProcess.run(["jobs", "list", "--help"], directory: directory)
        #expect(listHelp.contains("At most this many jobs") && listHelp.contains("Only jobs of this type"), "\(listHelp)")

        // Unreachable or refusing servers are named, with what to do.
        let closed = LoopbackPort.free()
        let (refusedStatus, _, refused) = try await ZixlyProcess.run(["jobs", "list", "--url", "http://127.0.0.1:\(closed)"], directory: directory)
        #expect(
            refusedStatus == 1 && refused.contains("cannot reach http://127.0.0.1:\(closed): connection refused: is Zixly running there?"),
            "\(refused)")
        let (deniedStatus, _, denied) = try await ZixlyProcess.run(["jobs", "list", "--api-key", "zk_wrong"] + url, directory: directory)
        #expect(deniedStatus == 1 && denied.contains("HTTP 401 from \(up.baseURL)") && denied.contains("secrets.json"), "\(denied)")

        let (manyStatus, many, manyError) = try await ZixlyProcess.run(
            [
                "sweep", "submit", "--ticker", "GOOG", "--ticker", "SYNTH", "--fast", "5...20", "--slow", "30...60", "--step", "5", "--min-trades",
                "10",
            ]
                + url, directory: directory)
        #expect(manyStatus == 0, "\(manyError)")
        #expect(many.contains("on each of 2 tickers") && many.contains("SMA on 2 tickers: 28 combinations each, 2 tickers completed"), "\(many)")
        #expect(many.contains("best by median Sharpe: fast ") && many.contains("/aggregate"), "\(many)")
        let (_, listed, _) = try await ZixlyProcess.run(["jobs", "list"] + url, directory: directory)
        #expect(listed.contains("2 tickers (GOOG, SYNTH) · SMA · 28 combinations each") && listed.contains("median Sharpe "), "\(listed)")

        up.signal(SIGTERM)
        #expect(await up.waitForExit(timeout: .seconds(30)) == 0)
        let restarted = try ZixlyProcess(["up", "--port", String(port)], port: port, directory: directory)
        try await restarted.waitUntilHealthy()
        #expect(!restarted.stdout.contains("whsec_"), "secrets are printed only on the first start")
        restarted.signal(SIGTERM)
        _ = await restarted.waitForExit(timeout: .seconds(30))
    }

    @Test("data import uploads a CSV or its gzip as the next version; data list shows it; a bad file names its line; a sweep runs on it")
    func dataImport() async throws {
        let directory = try TemporaryDirectory.make()
        let port = LoopbackPort.free()
        let up = try ZixlyProcess(["up", "--port", String(port)], port: port, directory: directory)
        try await up.waitUntilHealthy()
        let url = ["--url", up.baseURL]
        let rows = (0..<400).map { day -> String in
            let date = Date(timeIntervalSince1970: 1_577_836_800 + Double(day) * 86_400)
            let close = 100 + 10 * sin(Double(day) / 7) + Double(day) / 25
            return
                "\(ISO8601DateFormatter.string(from: date, timeZone: .gmt, formatOptions: [.withFullDate])),\(close),\(close + 1),\(close - 1),\(close),10"
        }
        let file = directory.appendingPathComponent("acme.csv")
        try ("Date,Open,High,Low,Close,Volume\n" + rows.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let (status, stdout, stderr) = try await ZixlyProcess.run(["data", "import", file.path, "--ticker", "acme"] + url, directory: directory)
        #expect(status == 0, "\(stderr)")
        #expect(
            stdout.contains("ACME version 1: 400 bars, 2020-01-01 … 2021-02-03") && stdout.contains("frequency daily (365 bars a year)"), "\(stdout)")
        #expect(try Subprocess.run("/usr/bin/gzip", ["-k", file.path]).status == 0)
        let (gzipStatus, gzipped, gzipError) = try await ZixlyProcess.run(
            ["data", "import", file.path + ".gz", "--ticker", "ACME"] + url, directory: directory)
        #expect(gzipStatus == 0 && gzipped.contains("ACME version 2: 400 bars"), "\(gzipped)\(gzipError)")

        let bad = directory.appendingPathComponent("bad.csv")
        try "Date,Open,High,Low,Close,Volume\n2020-01-02,1,1,1,1,1\n2020-01-01,1,1,1,1,1\n".write(to: bad, atomically: true, encoding: .utf8)
        let (badStatus, _, badError) = try await ZixlyProcess.run(["data", "import", bad.path, "--ticker", "ACME"] + url, directory: directory)
        #expect(
            badStatus == 1 && badError.contains("HTTP 400") && badError.contains("file: line 3: Date 2020-01-01 is not after 2020-01-02"),
            "\(badError)")

        let (listStatus, list, _) = try await ZixlyProcess.run(["data", "list"] + url, directory: directory)
        #expect(listStatus == 0 && list.contains("ACME") && list.contains("GOOG"), "\(list)")
        let acme = try #require(list.split(separator: "\n").map { $0.split(separator: " ") }.first { $0.first == "ACME" })
        #expect(acme.dropFirst().first == "2" && acme.contains("upload"), "the newest version: \(acme)")

        let (sweepStatus, sweep, sweepError) = try await ZixlyProcess.run(
            ["sweep", "submit", "--ticker", "ACME", "--fast", "5...10", "--slow", "20...30", "--step", "5", "--min-trades", "10"] + url,
            directory: directory)
        #expect(sweepStatus == 0 && sweep.contains("webhook → completed"), "\(sweep)\(sweepError)")
        up.signal(SIGTERM)
        _ = await up.waitForExit(timeout: .seconds(30))
    }
}
