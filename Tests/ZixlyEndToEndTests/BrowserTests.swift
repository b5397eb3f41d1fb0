import Foundation
import NIOHTTP1
import Testing
import ZixlyCore
import ZixlyTesting

/// The dashboard in a real browser: Debian's chromium, driven by Selenium (PyPI), against a real
/// `zixly up`. Screenshots of every page go to `test-artifacts/screenshots` (printed by
/// `scripts/test.sh` at the end).
@Suite("Dashboard in a browser", .serialized)
struct BrowserTests {
    static let script = ZixlyProcess.packageRoot.appendingPathComponent("Tests/ZixlyEndToEndTests/Browser/dashboard_browser.py").path
    static let screenshots = ZixlyProcess.packageRoot.appendingPathComponent("test-artifacts/screenshots")

    @Test(
        "sign in, trigger a sweep, watch it complete, heatmap, sort, CSV, cancel a running sweep, a job queued elsewhere appears live, make a key and rotate the signing secret in settings, upload a dataset, sign out; a viewer sees no forbidden action"
    )
    func dashboardInChromium() async throws {
        let directory = try TemporaryDirectory.make()
        let up = try await ProcessTests.start("up", in: directory)
        let made = try await HTTP.send(
            .POST, up.baseURL + "/api/keys", body: #"{"name":"browser viewer","role":"viewer"}"#,
            headers: ["Authorization": "Bearer \(ProcessTests.adminKey)", "Content-Type": "application/json"])
        let viewerKey = try #require(made.json["api_key"]?.stringValue, "\(made.json)")
        try? FileManager.default.removeItem(at: Self.screenshots)

        let python = try PythonTools.python(modules: ["selenium"], packages: ["selenium"])
        let run = try Subprocess.run(python, [Self.script, up.baseURL, ProcessTests.adminKey, viewerKey, Self.screenshots.path])
        let line = run.output.split(separator: "\n").last.map(String.init) ?? ""
        let seen = (try? JSONValue(jsonText: line)) ?? .null
        #expect(run.status == 0, "browser run failed: \(run.output.suffix(2000))")
        #expect(seen["combinations"] == "28 combinations")
        #expect(seen["validation"]?.arrayValue?.isEmpty == false)
        #expect(seen["heatmap_cells"] == 28)
        #expect(seen["sorted_by"]?.stringValue?.hasPrefix("Sharpe") == true && seen["sorted_descending"] == true)
        // Charts: read-outs on hover and keyboard, ticks, coloured series, log scale, click-through, phone text.
        #expect(seen["heatmap_hover"]?.stringValue?.contains("sharpe_ratio") == true, "\(seen["heatmap_hover"] ?? .null)")
        #expect(seen["heatmap_keyboard"]?.stringValue?.hasPrefix("fast ") == true && seen["heatmap_keyboard"] != seen["heatmap_hover"])
        #expect((seen["heatmap_ticks"]?.intValue ?? 0) >= 4 + 7 + 5, "ticks on both axes and the colour bar: \(seen["heatmap_ticks"] ?? .null)")
        let colours = seen["equity_colours"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(colours.count == 3 && colours[0] == "rgb(31, 111, 235)" && colours[1] != colours[0] && colours[2] == colours[0], "\(colours)")
        #expect(seen["equity_hover"]?.stringValue?.contains("fast ") == true, "\(seen["equity_hover"] ?? .null)")
        #expect(seen["equity_log"] == true)
        #expect(seen["no_stale_queued_notice"] == true, "\"Sweep queued.\" goes once the sweep runs")
        #expect(seen["phone_jobs_width"]?.intValue.map { $0 <= 390 } == true, "the jobs list fits a phone: \(seen["phone_jobs_width"] ?? .null)")
        #expect(seen["phone_jobs_buttons_inside"] == true, "Cancel and Retry stay on a phone's screen")
        #expect(
            seen["phone_jobs_what"]?.stringValue?.contains("· SMA ·") == true, "each row says what the job is: \(seen["phone_jobs_what"] ?? .null)")
        #expect(seen["error_page"] == "Not found", "an unknown job's page: \(seen["error_page"] ?? .null)")
        #expect(seen["combination_title"]?.stringValue?.hasPrefix("fast ") == true && seen["combination_equity"] == 1)
        #expect((seen["combination_trades"]?.intValue ?? 0) > 0, "the combination lists its trades")
        let phoneText = seen["phone_text_px"]?.arrayValue?.compactMap(\.doubleValue) ?? []
        #expect(phoneText.count == 2 && phoneText.allSatisfy { $0 >= 9 }, "chart text on a 390 px phone: \(phoneText) px")
        #expect(
            seen["phone_page_width"]?.intValue.map { $0 <= 390 } == true,
            "the job page does not scroll sideways: \(seen["phone_page_width"] ?? .null)")
        #expect(seen["csv_lines"] == 29 && seen["csv_header"] == ["fast_period", "slow_period", "score"])
        #expect(seen["cancelled"] == true && seen["signed_out"] == true && seen["new_key_shown"] == true)
        #expect((seen["job_rows"]?.intValue ?? 0) >= 2)
        #expect(seen["new_signing_secret_shown"] == true && seen["live_new_row"] == true)
        #expect(seen["retire_default"] == "keep", "adding a secret keeps the others unless asked: the CLI signs with the first")
        let settingsURL = seen["settings_url_after_post"]?.stringValue ?? ""
        #expect(
            settingsURL.hasPrefix("/settings") && !settingsURL.hasPrefix("/settings/keys"), "a reload must not post the form again: \(settingsURL)")
        let states = seen["signing_secret_states"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(states.count == 2 && states[0] == "active" && states[1].hasPrefix("retires "), "\(states)")
        #expect(seen["dataset_notice"] == "Version 1 stored." && seen["dataset_versions"] == 1, "\(seen)")
        #expect(seen["viewer_cancel_buttons"] == 0 && seen["viewer_trigger_links"] == 0 && seen["viewer_job_buttons"] == 0)
        // Every page fits a 390 px phone without scrolling sideways (wide tables scroll inside their box).
        var widths: [String: JSONValue] = [:]
        if case .object(let measured)? = seen["phone_widths"] { widths = measured }
        #expect(widths.count == 7, "\(widths)")
        for (page, width) in widths { #expect((width.intValue ?? 9999) <= 390, "\(page) is \(width) px wide on a 390 px phone") }
        // Accessibility: axe-core finds no serious or critical violation on any page it audits.
        let audited = seen["a11y_pages"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(audited.count >= 9, "pages audited: \(audited)")
        for page in audited {
            let violations = seen["a11y"]?[page]?.arrayValue?.compactMap(\.stringValue) ?? ["(no result)"]
            #expect(violations.isEmpty, "\(page): \(violations)")
        }
        let files = (try? FileManager.default.contentsOfDirectory(atPath: Self.screenshots.path)) ?? []
        #expect(files.filter { $0.hasSuffix(".png") }.count >= 29, "screenshots: \(files.sorted())")
    }
}
