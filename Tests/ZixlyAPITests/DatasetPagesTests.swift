import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import ZixlyApp
import ZixlyCore
import ZixlyTesting

@Suite("Dashboard datasets: the list, a ticker's versions, and the upload form streamed into an import")
struct DatasetPagesTests {
    static func multipart(_ fields: [(String, String)], file: (name: String, content: String)?, boundary: String = "zixly-b0undary") -> String {
        var body = ""
        for (name, value) in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        if let file {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: text/csv\r\n\r\n"
            body += file.content + "\r\n"
        }
        return body + "--\(boundary)--\r\n"
    }

    static func upload(_ client: any TestClientProtocol, cookie: String, csrf: String?, _ body: String) async throws -> TestResponse {
        let query = csrf.map { "?_csrf=\($0)" } ?? ""
        return try await client.execute(
            uri: "/datasets\(query)", method: .post,
            headers: [.contentType: "multipart/form-data; boundary=zixly-b0undary", .cookie: cookie], body: ByteBuffer(string: body))
    }

    @Test("an editor uploads a CSV through the form and sees its version; a bad file and a bad ticker are shown next to their fields")
    func uploadForm() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            let (cookie, csrf) = try await DashboardTests.signIn(client)
            let page = try await client.execute(uri: "/datasets", method: .get, headers: [.cookie: cookie])
            #expect(page.status == .ok && page.text.contains("GOOG") && page.text.contains("enctype=\"multipart/form-data\""))
            #expect(page.text.contains("action=\"/datasets?_csrf=\(csrf)\""))

            let body = Self.multipart([("ticker", "acme")], file: ("acme.csv", DatasetAPITests.csv))
            let stored = try await Self.upload(client, cookie: cookie, csrf: csrf, body)
            #expect(stored.status == .seeOther && stored.headers[.location] == "/datasets/ACME?notice=uploaded-1", "\(stored.text)")
            let versions = try await client.execute(uri: "/datasets/ACME?notice=uploaded-1", method: .get, headers: [.cookie: cookie])
            #expect(versions.text.contains("Version 1 stored.") && versions.text.contains("/api/datasets/ACME/1/download"))
            let download = try await client.execute(uri: "/api/datasets/ACME/1/download", method: .get, headers: [.cookie: cookie])
            #expect(download.status == .ok && String(buffer: download.body) == DatasetAPITests.csv)

            let badFile = try await Self.upload(
                client, cookie: cookie, csrf: csrf, Self.multipart([("ticker", "ACME")], file: ("bad.csv", "Date,Close\n2024-01-01,1\n")))
            #expect(badFile.status == .badRequest && badFile.text.contains("line 1: the header has no Open column"), "\(badFile.text)")
            let badTicker = try await Self.upload(client, cookie: cookie, csrf: csrf, Self.multipart([("ticker", "../x")], file: ("a.csv", "x")))
            #expect(badTicker.status == .badRequest && badTicker.text.contains("may hold only letters"))
            let noFile = try await Self.upload(client, cookie: cookie, csrf: csrf, Self.multipart([("ticker", "ACME")], file: nil))
            #expect(noFile.status == .badRequest && noFile.text.contains("the form has no file"))
            let versionsAfter = try await client.get("/api/datasets/ACME").json["versions"]
            #expect(versionsAfter.map { if case .array(let items) = $0 { items.count } else { 0 } } == 1, "nothing more was stored")
        }
    }

    @Test("the form needs the session's CSRF token in its URL, and the editor role")
    func csrfAndRole() async throws {
        let app = try await TestApp(role: .api)
        try await app.test { client in
            let (cookie, csrf) = try await DashboardTests.signIn(client)
            let body = Self.multipart([("ticker", "ACME")], file: ("acme.csv", DatasetAPITests.csv))
            #expect(try await Self.upload(client, cookie: cookie, csrf: nil, body).status == .forbidden)
            #expect(try await Self.upload(client, cookie: cookie, csrf: csrf + "x", body).status == .forbidden)
            let viewerKey = try await DatasetAPITests.key(app, role: .viewer, tenant: NewJob.defaultTenant)
            let (viewerCookie, viewerCSRF) = try await DashboardTests.signIn(client, key: viewerKey)
            let viewerPage = try await client.execute(uri: "/datasets", method: .get, headers: [.cookie: viewerCookie])
            #expect(viewerPage.status == .ok && !viewerPage.text.contains("Upload a version"))
            #expect(try await Self.upload(client, cookie: viewerCookie, csrf: viewerCSRF, body).status == .forbidden)
            try await client.get("/api/datasets/ACME").expectError(.notFound)
        }
    }
}
