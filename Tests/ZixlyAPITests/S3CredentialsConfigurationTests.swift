import Foundation
import Testing
import ZixlyApp

/// How `ZIXLY_ARTIFACTS_URL=s3://…` finds its credentials: access keys, else IRSA's web identity.
@Suite("S3 credentials from the environment")
struct S3CredentialsConfigurationTests {
    static func artifacts(_ environment: [String: String]) throws -> AppConfiguration.Artifacts {
        try AppConfiguration.fromEnvironment(["ZIXLY_ARTIFACTS_URL": "s3://zixly-results/results"].merging(environment) { $1 }, defaultPort: 8080)
            .resolvedArtifacts
    }

    @Test("access keys win; IRSA's role and token file are used when there are none; neither names what to set")
    func credentials() throws {
        guard
            case .s3(_, _, _, _, let keys) = try Self.artifacts([
                "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "secret", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r",
            ])
        else {
            Issue.record("not s3")
            return
        }
        #expect(keys == .keys(accessKeyID: "AKIAEXAMPLE", secretAccessKey: "secret", sessionToken: nil))

        guard
            case .s3(_, _, _, let region, let irsa) = try Self.artifacts([
                "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/zixly-production-app",
                "AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
                "AWS_REGION": "eu-west-1", "AWS_ROLE_SESSION_NAME": "zixly-api-0",
            ])
        else {
            Issue.record("not s3")
            return
        }
        #expect(region == "eu-west-1")
        #expect(
            irsa
                == .webIdentity(
                    roleARN: "arn:aws:iam::123456789012:role/zixly-production-app",
                    tokenFile: "/var/run/secrets/eks.amazonaws.com/serviceaccount/token", sessionName: "zixly-api-0", stsEndpoint: nil))

        #expect(throws: ConfigurationError.self) { try Self.artifacts([:]) }
        do {
            _ = try Self.artifacts([:])
        } catch {
            #expect("\(error)".contains("AWS_ACCESS_KEY_ID") && "\(error)".contains("AWS_WEB_IDENTITY_TOKEN_FILE"))
        }
        do {
            _ = try Self.artifacts(["AWS_ROLE_ARN": "zixly-app", "AWS_WEB_IDENTITY_TOKEN_FILE": "/t"])
            Issue.record("a role that is not an ARN must be refused")
        } catch {
            #expect("\(error)".contains("AWS_ROLE_ARN"))
        }
    }
}
