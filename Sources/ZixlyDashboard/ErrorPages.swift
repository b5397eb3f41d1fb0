import HTTPTypes
import Hummingbird
import ZixlyAPI

/// A 4xx or 5xx as a page in the dashboard's layout: what went wrong in words, the API's own
/// message, and a way on. (The page is drawn outside sign-in, so its header has no menu.)
struct ErrorPages: ErrorPageRenderer {
    let pages: Pages

    func page(for error: APIError, request: Request, context: AppRequestContext) -> Response {
        let (heading, hint) = Self.explanation(error.status)
        var headers = error.headers
        headers[.contentType] = nil
        let values: [String: Any] = [
            "heading": heading, "message": Self.sentence(error.message), "hint": hint ?? false, "signIn": error.status == .unauthorized,
        ]
        return pages.render("error", title: "\(error.status.code) \(heading)", values, context: context, status: error.status, headers: headers)
    }

    /// A heading and, where it helps, what to do.
    static func explanation(_ status: HTTPResponse.Status) -> (String, String?) {
        switch status.code {
        case 400: ("That request cannot be answered", "Check the address or the form, and try again.")
        case 401: ("Sign in first", "This page needs a signed-in user or an API key.")
        case 403: ("Not allowed", "Your role does not allow this. An admin can give you another role in Settings.")
        case 404: ("Not found", "It may have been deleted, or the address is mistyped. Jobs belong to their tenant: another tenant's are not shown.")
        case 405: ("Not allowed here", nil)
        case 413: ("Too large", nil)
        case 429: ("Too many requests", "Wait a moment before trying again.")
        case 503: ("Unavailable for a moment", "The database is not answering. Try again in a few seconds.")
        case 500...: ("Something went wrong on our side", "It has been logged. Try again; if it keeps happening, tell your operator.")
        default: (status.reasonPhrase, nil)
        }
    }

    /// "job not found" → "Job not found."
    static func sentence(_ message: String) -> String {
        guard let first = message.first else { return message }
        let capitalised = first.uppercased() + message.dropFirst()
        return capitalised.hasSuffix(".") ? capitalised : capitalised + "."
    }
}
