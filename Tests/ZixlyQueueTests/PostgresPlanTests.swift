import Foundation
import PostgresNIO
import Testing
import ZixlyTesting

@testable import ZixlyPostgres

/// The plans PostgreSQL makes for the queue's prepared statements once it uses a generic plan
/// (after five executions on a connection), on a table whose statistics say no job runs: the
/// usual state of a queue, and the one that once sent every lease check through the partial
/// index of running jobs, walking every entry left since the last vacuum.
@Suite("PostgreSQL plans of the queue's statements")
struct PostgresPlanTests {
    @Test("lease checks go through the primary key and claims through the claim index")
    func plans() async throws {
        let database = try await PostgresTestServer.freshDatabase()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            try await database.migrate()
            let plans = try await database.client.withConnection { connection -> [String: String] in
                try await connection.query(
                    """
                    INSERT INTO jobs (id, tenant, job_type, state, parameters, priority, attempt, max_attempts, run_at, created_at)
                    SELECT gen_random_uuid()::text, 'default', 'noop', 'queued', '{}', 0, 0, 3, now(), now()
                    FROM generate_series(1, 5000)
                    """, logger: database.logger)
                try await connection.query("ANALYZE jobs", logger: database.logger)
                try await connection.query("SET plan_cache_mode = force_generic_plan", logger: database.logger)
                let statements: [(String, String, String, String)] = [
                    (
                        "heartbeat", "timestamptz, int8, bool, text, text, text, int8", JobStatements.Heartbeat.sql,
                        "now(), NULL, false, NULL, 'a', 'w', 1"
                    )
                ]
                var plans: [String: String] = [:]
                // Last, the query of `zixly_complete_and_claim_v2`, under the settings the function
                // itself carries (both read back from the catalog).
                var settings: [String] = []
                let configuration = try await connection.query(
                    "SELECT unnest(proconfig) FROM pg_proc WHERE proname = 'zixly_complete_and_claim_v2'", logger: database.logger)
                for try await setting in configuration.decode(String.self) { settings.append(setting) }
                #expect(settings.contains("plan_cache_mode=force_generic_plan"), "\(settings)")
                var source = ""
                let body = try await connection.query(
                    "SELECT prosrc FROM pg_proc WHERE proname = 'zixly_complete_and_claim_v2'", logger: database.logger)
                for try await text in body.decode(String.self) { source = text }
                let query = try #require(source.components(separatedBy: "RETURN QUERY").last?.components(separatedBy: ";").first)
                let functionQuery = (
                    "complete_and_claim", "text[], text[], int8[], text[], timestamptz, text, timestamptz, int8, text",
                    query, "'{a}', '{w}', '{1}', '{\"{}\"}', now(), 'w', now(), 8, 'default'"
                )
                for (index, (name, types, sql, arguments)) in (statements + [functionQuery]).enumerated() {
                    if index == statements.count {
                        for setting in settings {
                            let parts = setting.split(separator: "=", maxSplits: 1)
                            try await connection.query("SET \(unescaped: String(parts[0])) = \(unescaped: String(parts[1]))", logger: database.logger)
                        }
                    }
                    try await connection.query("PREPARE \(unescaped: name)(\(unescaped: types)) AS \(unescaped: sql)", logger: database.logger)
                    var lines: [String] = []
                    let rows = try await connection.query("EXPLAIN EXECUTE \(unescaped: name)(\(unescaped: arguments))", logger: database.logger)
                    for try await line in rows.decode(String.self) { lines.append(line) }
                    plans[name] = lines.joined(separator: "\n")
                }
                return plans
            }
            let heartbeat = try #require(plans["heartbeat"])
            #expect(heartbeat.contains("jobs_pkey") && !heartbeat.contains("jobs_lease_expiry"), "\(heartbeat)")
            let both = try #require(plans["complete_and_claim"])
            #expect(both.contains("Index Scan using jobs_pkey on jobs") && both.contains("jobs_claimable"), "\(both)")
            #expect(!both.contains("jobs_lease_expiry") && !both.contains("Seq Scan") && !both.contains("Sort"), "\(both)")
            group.cancelAll()
        }
    }
}
