import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import ZixlyAPI
import ZixlyCore

/// The dashboard's templates (embedded in the binary) and how a page becomes a response: the
/// layout's signed-in bar, the session's CSRF token for forms, HTML-escaped values throughout.
struct Pages: Sendable {
    let library: MustacheLibrary

    init() {
        var library = MustacheLibrary()
        let templates: [(String, [UInt8])] = [
            ("layout", PackageResources.layout_mustache), ("login", PackageResources.login_mustache),
            ("jobs", PackageResources.jobs_mustache), ("job", PackageResources.job_mustache),
            ("trigger", PackageResources.trigger_mustache), ("settings", PackageResources.settings_mustache),
            ("endpoint", PackageResources.endpoint_mustache), ("account", PackageResources.account_mustache),
            ("datasets", PackageResources.datasets_mustache), ("dataset", PackageResources.dataset_mustache),
            ("charts", PackageResources.charts_mustache), ("combination", PackageResources.combination_mustache),
            ("error", PackageResources.error_mustache),
        ]
        for (name, bytes) in templates {
            // The templates ship with the code and are covered by tests: a parse error is a build defect.
            try! library.register(String(decoding: bytes, as: UTF8.self), named: name)
        }
        self.library = library
    }

    /// Renders `template` with `values`, plus what the layout needs from the request.
    func render(
        _ template: String, title: String, _ values: [String: Any] = [:], context: AppRequestContext,
        status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]
    ) -> Response {
        var all = values
        all["title"] = title
        if let principal = context.principal {
            all["signedIn"] = true
            all["role"] = principal.role.rawValue
            all["username"] = principal.username ?? false
            all["canEdit"] = principal.role >= .editor
            all["isAdmin"] = principal.role >= .admin
        }
        all["csrf"] = context.session?.csrfToken ?? ""
        let html = library.render(all, withTemplate: template) ?? "template \(template) is missing"
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        fields[.cacheControl] = "no-store"
        fields[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        fields[HTTPField.Name("Content-Security-Policy")!] =
            "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// 303 to `location` (after a form, or to the sign-in page).
    static func redirect(_ location: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.location] = location
        return Response(status: .seeOther, headers: fields)
    }
}
