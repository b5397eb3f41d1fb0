import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import StandardWebhooks
import Testing
import ZixlyAPI
import ZixlyApp
import ZixlyCore
import ZixlyQueue
import ZixlyTesting

/// The dashboard through the production router: signing in, sessions that cannot be forged,
/// CSRF on every form, roles, escaping, and the sweep from form to heatmap.
@Suite("Web dashboard")
struct DashboardTests {
    /// Signs in with `key`; returns the cookie header value and the session's CSRF token.
    static func signIn(_ client: any TestClientProtocol, key: String = TestApp.adminKey) async throws -> (cookie: String, csrf: String) {
        let response = try await client.execute(
            uri: "/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: "api_key=\(key)"))
        #expect(response.status == .seeOther && response.headers[.location] == "/")
        let setCookie = try #require(response.headers[.setCookie])
        #expect(setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax") && setCookie.contains("Path=/"))
        let cookie = String(setCookie.split(separator: ";")[0])
        let page = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie])
        let csrf = try #require(Self.csrf(in: page.text))
        return (cookie, csrf)
    }

    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: #"name="_csrf" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func form(_ client: any TestClientProtocol, _ uri: String, cookie: String?, _ body: String) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let cookie { headers[.cookie] = cookie }
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test("without a valid session every page sends you to sign in; a wrong key is refused; forged and tampered cookies count for nothing")
    func signInRequired() async throws {
        let app = try await TestApp(role: .api)
        let job = try await app.stores.jobs.enqueue(NewJob(jobType: "noop", parameters: [:]), now: Date()).job
        try await app.test { client in
            for path in ["/", "/jobs/\(job.id.rawValue)", "/trigger"] {
                let response = try await client.get(path, headers: [:])
                #expect(response.status == .seeOther && response.headers[.location] == "/login", "\(path)")
            }
            let refused = try await Self.form(client, "/login", cookie: nil, "api_key=zk_not_a_key_at_all_000000")
            #expect(refused.status == .unauthorized && refused.text.contains("not valid"))
            #expect(refused.headers[.setCookie] == nil)

            let (cookie, _) = try await Self.signIn(client)
            let value = String(cookie.dropFirst("zixly_session=".count))
            let parts = value.split(separator: ".")
            let tampered = "zixly_session=" + String(parts[0].dropLast()) + (parts[0].last == "A" ? "B" : "A") + "." + parts[1]
            for forged in ["zixly_session=forged.value", "zixly_session=" + String(parts[0]) + ".AAAA", tampered] {
                let page = try await client.get("/", headers: [.cookie: forged])
                #expect(page.status == .seeOther && page.headers[.location] == "/login", "\(forged)")
                #expect(try await client.get("/api/pipelines", headers: [.cookie: forged]).status == .unauthorized)
            }
            // A session reads the API (downloads, live updates) but never changes anything through it.
            #expect(try await client.get("/api/pipelines", headers: [.cookie: cookie]).status == .ok)
            let cancel = try await client.execute(uri: "/api/pipelines/\(job.id.rawValue)", method: .delete, headers: [.cookie: cookie])
            #expect(cancel.status == .unauthorized)
            let retry = try await client.execute(uri: "/api/pipelines/\(job.id.rawValue)/retry", method: .post, headers: [.cookie: cookie])
            #expect(retry.status == .unauthorized)
            #expect(
                try await client.post("/api/keys", #"{"name":"x","role":"admin"}"#, headers: [.cookie: cookie, .contentType: "application/json"])
                    .status == .unauthorized)
        }
    }

    @Test("every form needs the session's CSRF token: missing or wrong is 403 and changes nothing")
    func csrf() async throws {
        let app = try await TestApp(role: .api)
        let job = try await app.stores.jobs.enqueue(NewJob(jobType: "noop", parameters: [:]), now: Date()).job
        try await app.test { client in
            let (cookie, csrf) = try await Self.signIn(client)
            for body in ["", "_csrf=", "_csrf=\(csrf)x", "other=\(csrf)"] {
                let response = try await Self.form(client, "/jobs/\(job.id.rawValue)/cancel", cookie: cookie, body)
                #expect(response.status == .forbidden, "\(body)")
            }
            #expect(try await Self.form(client, "/logout", cookie: cookie, "").status == .forbidden)
            let again = try await Self.form(client, "/login", cookie: cookie, "api_key=\(TestApp.adminKey)")
            #expect(again.status == .seeOther && again.headers[.setCookie] != nil, "signing in again needs no token: it replaces the session")
            #expect(try await app.stores.jobs.job(job.id)?.state == .queued)
            let cancelled = try await Self.form(client, "/jobs/\(job.id.rawValue)/cancel", cookie: cookie, "_csrf=\(csrf)")
            #expect(cancelled.status == .seeOther && cancelled.headers[.location] == "/jobs/\(job.id.rawValue)?notice=cancel-requested")
            #expect(try await app.stores.jobs.job(job.id)?.state == .cancelled)
            let out = try await Self.form(client, "/logout", cookie: cookie, "_csrf=\(csrf)")
            #expect(out.status == .seeOther && out.headers[.location] == "/login" && out.headers[.setCookie]?.contains("Max-Age=0") == true)
        }
    }

    @Test("HTML in job parameters and error messages is escaped (a stored XSS attempt renders as text)")
    func escaping() async throws {
        let app = try await TestApp(role: .api)
        let attack = "<script>alert('x')</script><img src=x onerror=alert(1)>"
        let queued = try await app.stores.jobs.enqueue(NewJob(jobType: "noop", parameters: ["note": .string(attack)]), now: Date()).job
        let claimed = try #require(try await app.stores.jobs.claim(worker: WorkerID("w"), limit: 1, leaseFor: 60, now: Date()).first)
        _ = try await app.stores.jobs.fail(claimed.lease, failure: JobFailure(message: attack, isRetryable: false), retryAt: nil, now: Date())
        try await app.test { client in
            let (cookie, _) = try await Self.signIn(client)
            let page = try await client.get("/jobs/\(queued.id.rawValue)", headers: [.cookie: cookie])
            #expect(page.status == .ok)
            #expect(!page.text.contains("<script>alert") && !page.text.contains("<img src=x"))
            #expect(page.text.contains("&lt;script&gt;"))
            #expect(page.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("default-src 'self'") == true)
        }
    }

    @Test("the timeline shows every attempt: when it started, on which worker, and the error it failed with")
    func attemptTimeline() async throws {
        let app = try await TestApp(role: .api)
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        let queued = try await app.stores.jobs.enqueue(NewJob(jobType: "noop", parameters: [:], maxAttempts: 3), now: start).job
        for (index, message) in ["feed timed out", "feed answered 502"].enumerated() {
            let now = start.addingTimeInterval(Double(index) * 60)
            let claimed = try #require(
                try await app.stores.jobs.claim(worker: WorkerID("worker-\(index + 1)"), limit: 1, leaseFor: 60, now: now).first)
            _ = try await app.stores.jobs.fail(
                claimed.lease, failure: JobFailure(message: message), retryAt: now.addingTimeInterval(30), now: now.addingTimeInterval(2.5))
        }
        try await app.test { client in
            let (cookie, _) = try await Self.signIn(client)
            let page = try await client.get("/jobs/\(queued.id.rawValue)", headers: [.cookie: cookie]).text
            let timeline = String(page[try #require(page.range(of: "<ol class=\"timeline\">")).lowerBound...].split(separator: "</ol>")[0])
            let expected = [
                "Queued 2026-09-21 14:13:20 UTC",
                "Attempt 1 started 2026-09-21 14:13:20 UTC on worker-1", "Attempt 1 failed 2026-09-21 14:13:22 UTC after 2.5 s", "feed timed out",
                "Attempt 2 started 2026-09-21 14:14:20 UTC on worker-2", "Attempt 2 failed 2026-09-21 14:14:22 UTC after 2.5 s", "feed answered 502",
                "Waiting to retry from 2026-09-21 14:14:50 UTC",
            ]
            var rest = Substring(timeline)
            for line in expected {
                let found = try #require(rest.range(of: line), "\(line) (in order) in \(timeline)")
                rest = rest[found.upperBound...]
            }
            #expect(timeline.components(separatedBy: "class=\"failure\"").count == 3)
            let list = try await client.get("/", headers: [.cookie: cookie]).text
            #expect(list.contains(#"<span class="error">feed answered 502</span>"#), "the list shows the latest failure")

            // A job that failed for good lists its attempt once: started, failed, failed for good.
            let once = try await app.stores.jobs.enqueue(NewJob(jobType: "noop", parameters: [:], maxAttempts: 1), now: start).job
            let claimed = try #require(
                try await app.stores.jobs.claim(worker: WorkerID("worker-9"), limit: 1, leaseFor: 60, now: start.addingTimeInterval(0.0004)).first)
            #expect(claimed.job.id == once.id)
            _ = try await app.stores.jobs.fail(
                claimed.lease, failure: JobFailure(message: "bad input"), retryAt: nil, now: start.addingTimeInterval(1))
            let failedPage = try await client.get("/jobs/\(once.id.rawValue)", headers: [.cookie: cookie]).text
            #expect(failedPage.components(separatedBy: "Attempt 1").count - 1 == 2, "started and failed, once each: \(failedPage)")
            #expect(failedPage.contains("Failed for good") && !failedPage.contains("Attempt 1 of 1 started"))
            #expect(
                failedPage.contains(#"<p class="error" role="alert" id="failure"><strong>Failed:</strong> bad input</p>"#), "the reason, at the top")

            // Cancelled, then retried: the cancelled attempt stays, the retry is marked, the new run counts from 1.
            let later = start.addingTimeInterval(600)
            let cancelled = try await app.stores.jobs.enqueue(NewJob(jobType: "noop", parameters: [:], maxAttempts: 3), now: later).job
            let run = try #require(
                try await app.stores.jobs.claim(worker: WorkerID("worker-7"), limit: 5, leaseFor: 60, now: later).first { $0.job.id == cancelled.id })
            _ = try await app.stores.jobs.cancel(cancelled.id, now: later.addingTimeInterval(1))
            #expect(try await app.stores.jobs.acknowledgeCancel(run.lease, now: later.addingTimeInterval(2)))
            _ = try await app.stores.jobs.retry(cancelled.id, now: later.addingTimeInterval(30))
            _ = try await app.stores.jobs.claim(worker: WorkerID("worker-8"), limit: 1, leaseFor: 60, now: later.addingTimeInterval(31))
            let again = try await client.get("/jobs/\(cancelled.id.rawValue)", headers: [.cookie: cookie]).text
            var remaining = Substring(again)
            for line in [
                "Attempt 1 started 2026-09-21 14:23:20 UTC", "Attempt 1 cancelled 2026-09-21 14:23:22 UTC after 2.0 s",
                "Queued again by an operator 2026-09-21 14:23:50 UTC", "Attempt 1 of 3 started 2026-09-21 14:23:51 UTC on worker-8",
            ] {
                let found = try #require(remaining.range(of: line), "\(line) (in order) in \(again)")
                remaining = remaining[found.upperBound...]
            }
        }
    }

    @Test("a browser gets 404, 403 and 400 as pages in the layout, naming what is wrong; API clients keep their JSON")
    func errorPages() async throws {
        let app = try await TestApp(role: .api)
        let job = try await app.stores.jobs.enqueue(NewJob(jobType: "noop", parameters: [:]), now: Date()).job
        try await app.test { client in
            let (cookie, _) = try await Self.signIn(client)
            let browser: HTTPFields = [.cookie: cookie, .accept: "text/html,application/xhtml+xml,*/*;q=0.8"]
            let unknownJob = try await client.get("/jobs/00000000-0000-0000-0000-000000000000", headers: browser)
            #expect(unknownJob.status == .notFound && unknownJob.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(unknownJob.text.contains("<h1>Not found</h1>") && unknownJob.text.contains("Job not found."), "\(unknownJob.text)")
            #expect(unknownJob.text.contains("<title>404 Not found · Zixly</title>") && unknownJob.text.contains(#"href="/">Go to the jobs"#))
            #expect(unknownJob.text.contains(#"<link rel="icon" href="data:image/svg+xml,"#), "every page has a favicon")
            let noRoute = try await client.get("/no/such/page", headers: browser)
            #expect(noRoute.status == .notFound && noRoute.text.contains("No such route."))
            let badID = try await client.get("/jobs/\(job.id.rawValue)/combinations/x/1", headers: browser)
            #expect(badID.status == .badRequest && badID.text.contains("<h1>That request cannot be answered</h1>"), "\(badID.text)")
            let viewer = try await client.post("/api/keys", #"{"name":"v","role":"viewer"}"#, headers: TestApp.bearer(json: true))
            let (viewerCookie, _) = try await Self.signIn(client, key: try #require(viewer.json["api_key"]?.stringValue))
            let forbidden = try await client.get("/trigger", headers: [.cookie: viewerCookie, .accept: "text/html"])
            #expect(forbidden.status == .forbidden && forbidden.text.contains("<h1>Not allowed</h1>") && forbidden.text.contains("editor role"))
            // The API answers JSON whatever the Accept header says; so does a client that does not ask for HTML.
            var apiHeaders = TestApp.bearer()
            apiHeaders[.accept] = "text/html"
            let api = try await client.get("/api/pipelines/\(job.id.rawValue)x", headers: apiHeaders)
            #expect(api.status == .notFound && api.headers[.contentType]?.hasPrefix("application/json") == true)
            let plain = try await client.get("/jobs/00000000-0000-0000-0000-000000000000", headers: [.cookie: cookie])
            #expect(plain.status == .notFound && plain.headers[.contentType]?.hasPrefix("application/json") == true)
        }
    }

    @Test("a viewer sees no cancel, retry or trigger, and is refused them")
    func viewerRole() async throws {
        let app = try await TestApp(role: .api)
        let job = try await app.stores.jobs.enqueue(NewJob(jobType: "noop", parameters: [:]), now: Date()).job
        try await app.test { client in
            let made = try await client.post("/api/keys", #"{"name":"watcher","role":"viewer"}"#, headers: TestApp.bearer(json: true))
            let viewerKey = try #require(made.json["api_key"]?.stringValue)
            let (cookie, csrf) = try await Self.signIn(client, key: viewerKey)
            let jobs = try await client.get("/", headers: [.cookie: cookie])
            #expect(jobs.text.contains(String(job.id.rawValue.prefix(8))))
            #expect(!jobs.text.contains(">Cancel<") && !jobs.text.contains("/trigger"))
            #expect(try await client.get("/trigger", headers: [.cookie: cookie]).status == .forbidden)
            #expect(try await Self.form(client, "/jobs/\(job.id.rawValue)/cancel", cookie: cookie, "_csrf=\(csrf)").status == .forbidden)
            #expect(try await app.stores.jobs.job(job.id)?.state == .queued)
            // Revoking the key ends its sessions.
            let keyID = try #require(made.json["key"]?["id"]?.stringValue)
            #expect(try await client.execute(uri: "/api/keys/\(keyID)", method: .delete, headers: TestApp.bearer()).status == .noContent)
            #expect(try await client.get("/", headers: [.cookie: cookie]).headers[.location] == "/login")
        }
    }

    @Test(
        "the sweep form counts combinations, shows the API's validation next to the fields, and queues a sweep whose page shows the heatmap and sorts its results"
    )
    func sweepFromFormToHeatmap() async throws {
        let app = try await TestApp(role: .all)
        try await app.test { client in
            let (cookie, csrf) = try await Self.signIn(client)
            let empty = try await client.get("/", headers: [.cookie: cookie]).text
            #expect(empty.contains("No jobs yet.") && empty.contains(#"<a href="/trigger">Trigger a sweep</a>, or send"#), "a way to start one")
            #expect(!empty.contains(#"<option value="noop""#), "the platform's own job type is not offered as a filter")
            let form = try await client.get("/trigger", headers: [.cookie: cookie]).text
            #expect(form.contains("GOOG: 2148 daily bars, 2004-08-19 to 2013-03-01"), "tickers show their bars and dates")
            #expect(form.contains(#"<p id="combinations" role="status">342 combinations</p>"#), "the count shows before any typing")
            #expect(
                form.contains(#"name="fees_bps""#) && form.contains(#"name="slippage_bps""#)
                    && form.contains(#"name="min_trades" inputmode="numeric" value="50""#))
            let grid = "ticker=GOOG&strategy_type=SMA&fast_from=5&fast_to=20&slow_from=30&slow_to=60&step=5&min_trades=10&fees_bps=1.5&slippage_bps=0"
            let preview = try await Self.form(client, "/trigger", cookie: cookie, "_csrf=\(csrf)&\(grid)&action=preview")
            #expect(preview.status == .ok && preview.text.contains("28 combinations"))
            let invalid = try await Self.form(
                client, "/trigger", cookie: cookie,
                "_csrf=\(csrf)&ticker=GOOG&strategy_type=SMA&fast_from=50&fast_to=20&slow_from=30&slow_to=abc&step=0&min_trades=10&action=submit")
            #expect(invalid.status == .badRequest)
            // Each problem under its own field, in the form's words; what only the API checks, in its words.
            func errorAfter(_ field: String) -> String? {
                guard let input = invalid.text.range(of: #"name="\#(field)""#) else { return nil }
                let label = invalid.text[input.upperBound...].prefix(while: { _ in true }).components(separatedBy: "</label>")[0]
                guard let span = label.range(of: #"<span class="field-error">"#) else { return nil }
                return String(label[span.upperBound...].prefix { $0 != "<" }).replacingOccurrences(of: "&#39;", with: "'")
            }
            #expect(errorAfter("slow_to") == "“abc” is not a whole number", "\(errorAfter("slow_to") ?? "none")")
            #expect(errorAfter("fast_to") == "must not be below the fast period's start (50)", "\(errorAfter("fast_to") ?? "none")")
            #expect(errorAfter("fast_from") == nil, "nothing is wrong with 50 itself")
            #expect(errorAfter("slow_from")?.hasPrefix("must be above the fast period's start (50)") == true)
            #expect(errorAfter("step")?.contains("must be within 1...50") == true, "\(errorAfter("step") ?? "none")")
            #expect(invalid.text.contains(#"value="50""#), "the form keeps what was typed")
            // Numbers at the ends of what an Int holds are refused, not counted (no overflow, no long loop).
            let huge = try await Self.form(
                client, "/trigger", cookie: cookie,
                "_csrf=\(csrf)&ticker=GOOG&strategy_type=SMA&fast_from=1&fast_to=9223372036854775807&slow_from=-9223372036854775808&slow_to=9223372036854775807&step=1&min_trades=10&action=preview"
            )
            #expect(huge.status == .badRequest && huge.text.contains(#"<p id="combinations" role="status"></p>"#), "\(huge.status)")

            let queued = try await Self.form(client, "/trigger", cookie: cookie, "_csrf=\(csrf)&\(grid)&action=submit")
            let location = try #require(queued.headers[.location])
            #expect(queued.status == .seeOther && location.hasPrefix("/jobs/"))
            let id = String(location.dropFirst("/jobs/".count).prefix { $0 != "?" })
            _ = try await client.waitUntilFinal(id)
            let page = try await client.get("/jobs/\(id)?metric=total_return_pct&sort=sharpe_ratio&order=desc", headers: [.cookie: cookie])
            #expect(page.status == .ok)
            #expect(page.text.components(separatedBy: #"<rect class="cell""#).count - 1 == 28, "one heatmap cell per combination")
            #expect(page.text.contains("total_return_pct by fast and slow period"))
            #expect(page.text.contains(#"class="equity""#) && page.text.contains(#"class="strategy""#), "the best combination's equity chart")
            #expect(page.text.contains(#"aria-sort="descending""#) && page.text.contains("Best Sharpe"))
            #expect(page.text.contains("/api/pipelines/\(id)/results?format=csv"))
            let csv = try await client.get("/api/pipelines/\(id)/results?format=csv&limit=100000", headers: [.cookie: cookie])
            #expect(csv.status == .ok && csv.text.split(separator: "\n").count == 29)

            // The jobs list says what each job is and what it found, in the dashboard and the API.
            let best = try #require(page.text.range(of: "best ranked combination (fast ").map { page.text[$0.upperBound...].prefix { $0 != ")" } })
            let bestPair = best.replacingOccurrences(of: ", slow ", with: "/")
            let list = try await client.get("/", headers: [.cookie: cookie]).text
            #expect(list.contains("GOOG · SMA · 28 combinations") && list.contains("best \(bestPair) · Sharpe "), "\(bestPair): \(list)")
            let listed = try await client.get("/api/pipelines?limit=1", headers: [.cookie: cookie]).json["jobs"]?.arrayValue?.first
            #expect(listed?["synopsis"]?["what"] == "GOOG · SMA · 28 combinations")
            #expect(listed?["parameters"]?["fees_bps"] == 1.5 && listed?["parameters"]?["slippage_bps"] == 0, "the form's costs reach the job")
            #expect(listed?["synopsis"]?["outcome"]?.stringValue?.hasPrefix("best \(bestPair) · Sharpe ") == true)
            #expect(page.text.contains("A combination is ranked when it made at least 10 trades (min_trades)"))

            // None ranked: the page says so, labels its figures, and prints no nan or inf.
            let strict = try await Self.form(
                client, "/trigger", cookie: cookie,
                "_csrf=\(csrf)&\(grid.replacingOccurrences(of: "min_trades=10", with: "min_trades=1000"))&action=submit")
            let strictID = String(try #require(strict.headers[.location]).dropFirst("/jobs/".count).prefix { $0 != "?" })
            _ = try await client.waitUntilFinal(strictID)
            let none = try await client.get("/jobs/\(strictID)", headers: [.cookie: cookie]).text
            #expect(none.contains("None of the 28 combinations made at least 1000 trades (min_trades), so none is ranked"))
            #expect(none.contains("Best Sharpe, none ranked"))
            let table = String(none[try #require(none.range(of: #"<table id="results-table">"#)).lowerBound...].prefix { $0 != "§" })
            #expect(!table.contains(">nan<") && !table.contains(">inf<") && !table.contains(">-inf<"), "no raw nan or inf in the table")
            let noneListed = try await client.get("/", headers: [.cookie: cookie]).text
            #expect(noneListed.contains("none of 28 ranked (min_trades 1000)"))

            // The heatmap's cells open their combination's page: its figures and its equity chart.
            #expect(page.text.contains(#"data-href="/jobs/\#(id)/combinations/{fast}/{slow}""#))
            let row = try #require(
                try await client.get("/api/pipelines/\(id)/results?sort_by=sharpe_ratio&order=asc&limit=1", headers: [.cookie: cookie])
                    .json["results"]?.arrayValue?.first)
            let (fast, slow) = (row["fast_period"]?.intValue ?? 0, row["slow_period"]?.intValue ?? 0)
            let combination = try await client.get("/jobs/\(id)/combinations/\(fast)/\(slow)?scale=log", headers: [.cookie: cookie])
            #expect(combination.status == .ok)
            #expect(combination.text.contains("<h1>fast \(fast) / slow \(slow)</h1>"))
            #expect(combination.text.contains(String(format: "%.3f", row["sharpe_ratio"]?.doubleValue ?? .nan)), "its Sharpe")
            #expect(combination.text.contains(#"class="equity""#) && combination.text.contains("log scale"), "its own equity chart, on a log scale")
            let trades = try #require(row["total_trades"]?.intValue)
            #expect(combination.text.contains(trades == 0 ? "It never traded" : "All \(trades) of its trades, newest first."))
            let tradesTable = combination.text.components(separatedBy: #"<table id="trades-table">"#).last ?? ""
            #expect(tradesTable.components(separatedBy: "<tr><td>").count - 1 == trades, "one table row per trade the sweep counted")
            let missing = try await client.get("/jobs/\(id)/combinations/7/33", headers: [.cookie: cookie])
            #expect(missing.status == .notFound && missing.text.contains("no combination fast 7, slow 33"))
            #expect(try await client.get("/jobs/\(id)/combinations/x/33", headers: [.cookie: cookie]).status == .badRequest)
        }
    }

    @Test(
        "settings: an admin makes a key (shown once, and it signs in), revokes it, adds an endpoint whose deliveries and replays show; others get 403"
    )
    func settings() async throws {
        let app = try await TestApp(role: .all)
        try await app.test { client in
            let (cookie, csrf) = try await Self.signIn(client)
            let made = try await Self.form(client, "/settings/keys", cookie: cookie, "_csrf=\(csrf)&name=ops+team&role=editor")
            #expect(made.status == .ok)
            let marker = #"<code id="new-key">"#
            let key = try #require(made.text.range(of: marker).map { String(made.text[$0.upperBound...].prefix { $0 != "<" }) })
            #expect(key.hasPrefix("zk_"))
            let (editorCookie, _) = try await Self.signIn(client, key: key)
            #expect(try await client.get("/settings", headers: [.cookie: editorCookie]).status == .forbidden)
            let page = try await client.get("/settings", headers: [.cookie: cookie])
            #expect(page.text.contains("ops team") && !page.text.contains(key), "the key is never shown again")
            let keys = try await app.stores.apiKeys.keys()
            let id = try #require(keys.first { $0.name == "ops team" }?.id)
            let revoked = try await Self.form(client, "/settings/keys/\(id)/revoke", cookie: cookie, "_csrf=\(csrf)")
            #expect(revoked.status == .seeOther)
            #expect(try await client.get("/", headers: [.cookie: editorCookie]).headers[.location] == "/login", "revoking ends the session")

            let invalid = try await Self.form(client, "/settings/endpoints", cookie: cookie, "_csrf=\(csrf)&url=ftp%3A%2F%2Fx&event_job.completed=on")
            #expect(invalid.status == .badRequest && invalid.text.contains("must be an http:// or https:// URL"))
            #expect(invalid.text.contains(#"value="ftp://x""#), "the refused URL stays in the field to be corrected")
            let url = "http://127.0.0.1:9/hook"
            let added = try await Self.form(
                client, "/settings/endpoints", cookie: cookie,
                "_csrf=\(csrf)&url=\(url.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&event_job.completed=on&description=%3Cb%3Eops%3C%2Fb%3E"
            )
            #expect(added.status == .ok && added.text.contains(#"<code id="new-secret">whsec_"#))
            #expect(added.text.contains("&lt;b&gt;ops&lt;/b&gt;"))
            let endpoint = try #require(try await app.stores.webhooks.endpoints(tenant: NewJob.defaultTenant).first)
            #expect(endpoint.events == [.jobCompleted])

            // A completed sweep makes a delivery (to a dead port): the log shows it, and it can be replayed.
            let accepted = try await client.post("/webhook/trading-sweep", TestApp.sweepBody, headers: TestApp.signedHeaders(TestApp.sweepBody))
            _ = try await client.waitUntilFinal(try #require(accepted.json["job_id"]?.stringValue))
            var log = try await client.get("/settings/endpoints/\(endpoint.id)", headers: [.cookie: cookie])
            // A row of the delivery log, not the page's "Events: job.completed" line, which is there from the start.
            for _ in 0..<100 where !log.text.contains("<td>job.completed</td>") {
                try await Task.sleep(for: .milliseconds(100))
                log = try await client.get("/settings/endpoints/\(endpoint.id)", headers: [.cookie: cookie])
            }
            #expect(log.text.contains("<td>job.completed</td>"), "\(log.text)")
            let deliveryID = try #require(
                try await app.stores.webhooks.deliveries(endpointID: endpoint.id, tenant: NewJob.defaultTenant, limit: 5, offset: 0).first?.id)
            let replayed = try await Self.form(
                client, "/settings/endpoints/\(endpoint.id)/deliveries/\(deliveryID)/replay", cookie: cookie, "_csrf=\(csrf)")
            #expect(replayed.status == .seeOther)
            #expect(try await app.stores.webhooks.deliveries(endpointID: endpoint.id, tenant: NewJob.defaultTenant, limit: 5, offset: 0).count == 2)
            let deleted = try await Self.form(client, "/settings/endpoints/\(endpoint.id)/delete", cookie: cookie, "_csrf=\(csrf)")
            #expect(deleted.status == .seeOther)
            #expect(try await app.stores.webhooks.endpoints(tenant: NewJob.defaultTenant).isEmpty)
        }
    }

    @Test(
        "signing secrets: an admin adds one (shown once) retiring the others in an hour, retires one now; the last one cannot go; a form without the token changes nothing"
    )
    func signingSecrets() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            let (cookie, csrf) = try await Self.signIn(client)
            let page = try await client.get("/settings", headers: [.cookie: cookie])
            #expect(page.text.contains(TestApp.secret.fingerprint) && !page.text.contains(TestApp.secret.serialized))
            let lastOne = try await Self.form(
                client, "/settings/signing-secrets/\(TestApp.secret.fingerprint)/retire", cookie: cookie, "_csrf=\(csrf)&after=0")
            #expect(lastOne.status == .conflict && lastOne.text.contains("add a new secret before retiring it"))
            #expect(try await Self.form(client, "/settings/signing-secrets", cookie: cookie, "retire_others=3600").status == .forbidden)
            let bad = try await Self.form(client, "/settings/signing-secrets", cookie: cookie, "_csrf=\(csrf)&retire_others=forever")
            #expect(bad.status == .badRequest && bad.text.contains("choose keep, now, 1 hour or 24 hours"))
            #expect(try await app.stores.signingSecrets.signingSecrets().isEmpty)

            let added = try await Self.form(client, "/settings/signing-secrets", cookie: cookie, "_csrf=\(csrf)&retire_others=3600")
            #expect(added.status == .ok && added.text.contains("The other secrets retire in 1 hour."))
            let marker = #"<code id="new-signing-secret">"#
            let secret = try WebhookSecret(
                try #require(added.text.range(of: marker).map { String(added.text[$0.upperBound...].prefix { $0 != "<" }) }))
            let settings = try await client.get("/settings", headers: [.cookie: cookie]).text
            #expect(settings.contains(secret.fingerprint) && !settings.contains(secret.serialized), "shown once")
            #expect(settings.contains("retires "), "the configured secret shows its end")
            let signed = TestApp.signedHeaders(TestApp.sweepBody, secret: secret)
            #expect(try await client.post("/webhook/trading-sweep", TestApp.sweepBody, headers: signed).status == .accepted)

            let retired = try await Self.form(
                client, "/settings/signing-secrets/\(TestApp.secret.fingerprint)/retire", cookie: cookie, "_csrf=\(csrf)&after=0")
            #expect(retired.status == .seeOther && retired.headers[.location] == "/settings?notice=secret-retired#signing-secrets")
            #expect(
                try await client.post("/webhook/trading-sweep", TestApp.sweepBody, headers: TestApp.signedHeaders(TestApp.sweepBody)).status
                    == .unauthorized)
            let unknown = try await Self.form(
                client, "/settings/signing-secrets/sha256:0000000000000000/retire", cookie: cookie, "_csrf=\(csrf)&after=0")
            #expect(unknown.status == .notFound)
        }
    }

    @Test(
        "users: an admin adds one (password rules shown), who signs in with name and password; a wrong password is refused; disabling ends the session"
    )
    func userAccounts() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            let (cookie, csrf) = try await Self.signIn(client)
            let short = try await Self.form(client, "/settings/users", cookie: cookie, "_csrf=\(csrf)&username=Grace&password=short&role=editor")
            #expect(short.status == .badRequest && short.text.contains("must be at least 12 characters"))
            let added = try await Self.form(
                client, "/settings/users", cookie: cookie, "_csrf=\(csrf)&username=Grace&password=a+long+passphrase&role=editor")
            #expect(added.status == .ok && added.text.contains("<strong>grace</strong>"))
            let taken = try await Self.form(
                client, "/settings/users", cookie: cookie, "_csrf=\(csrf)&username=grace&password=another+long+one&role=viewer")
            #expect(taken.status == .badRequest && taken.text.contains("is taken"))
            let stored = try #require(try await app.stores.users.user(named: "grace"))
            #expect(stored.passwordHash.hasPrefix("scrypt$") && !stored.passwordHash.contains("passphrase"))

            let wrong = try await Self.form(client, "/login", cookie: nil, "username=grace&password=a+long+passphras")
            #expect(wrong.status == .unauthorized && wrong.text.contains("Wrong user name or password") && wrong.headers[.setCookie] == nil)
            let signedIn = try await Self.form(client, "/login", cookie: nil, "username=GRACE&password=a+long+passphrase")
            #expect(signedIn.status == .seeOther)
            let userCookie = try #require(signedIn.headers[.setCookie].map { String($0.split(separator: ";")[0]) })
            let page = try await client.get("/", headers: [.cookie: userCookie])
            #expect(page.status == .ok && page.text.contains("grace · editor") && page.text.contains("/trigger"))
            #expect(try await client.get("/settings", headers: [.cookie: userCookie]).status == .forbidden)

            // Grace changes her password: the current one is checked, the new one twice.
            let account = try await client.get("/account", headers: [.cookie: userCookie])
            let userCSRF = try #require(Self.csrf(in: account.text))
            let mismatch = try await Self.form(
                client, "/account/password", cookie: userCookie, "_csrf=\(userCSRF)&current=wrong+password+here&new=a+newer+passphrase&repeat=typo")
            #expect(mismatch.status == .badRequest && mismatch.text.contains("is not your password") && mismatch.text.contains("does not match"))
            let changed = try await Self.form(
                client, "/account/password", cookie: userCookie,
                "_csrf=\(userCSRF)&current=a+long+passphrase&new=a+newer+passphrase&repeat=a+newer+passphrase")
            #expect(changed.status == .seeOther && changed.headers[.location] == "/account?notice=password-changed")
            #expect(try await Self.form(client, "/login", cookie: nil, "username=grace&password=a+long+passphrase").status == .unauthorized)
            #expect(try await Self.form(client, "/login", cookie: nil, "username=grace&password=a+newer+passphrase").status == .seeOther)
            #expect(
                try await Self.form(client, "/account/password", cookie: cookie, "_csrf=\(csrf)&current=x&new=y&repeat=y").status == .forbidden,
                "a key's session has no password")

            let disabled = try await Self.form(client, "/settings/users/\(stored.user.id)/disable", cookie: cookie, "_csrf=\(csrf)")
            #expect(disabled.status == .seeOther)
            #expect(try await client.get("/", headers: [.cookie: userCookie]).headers[.location] == "/login")
            #expect(try await Self.form(client, "/login", cookie: nil, "username=grace&password=a+newer+passphrase").status == .unauthorized)
        }
    }
}
