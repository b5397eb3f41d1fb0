import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A PostgreSQL server of the test's own (initdb in a temporary folder, a free port), so a test
/// can stop and restart it. Needs root (it runs `pg_ctl` as the `postgres` user), as
/// `scripts/test.sh` does.
public final class PrivatePostgres: @unchecked Sendable {
    public let port: Int
    let directory: String
    let bin: String

    public init(port: Int) throws {
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let version = versions.sorted(by: { $0.compare($1, options: .numeric) == .orderedAscending }).last else {
            throw FactoryError("no PostgreSQL under /usr/lib/postgresql (scripts/test.sh installs it)")
        }
        bin = "/usr/lib/postgresql/\(version)/bin"
        self.port = port
        directory = try TemporaryDirectory.make().path
        try Self.shell("chown postgres \(directory)")
        try Self.shell("su postgres -c '\(bin)/initdb -D \(directory)/data -U postgres -A trust --no-sync'")
    }

    public var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres" }

    public func start() throws {
        try Self.shell(
            """
            su postgres -c "\(bin)/pg_ctl -D \(directory)/data -l \(directory)/server.log -w start \
            -o '-p \(port) -c listen_addresses=127.0.0.1 -k /tmp -c fsync=off -c max_connections=200'"
            """)
    }

    /// `fast` disconnects every client and stops; `immediate` is a crash.
    public func stop(mode: String = "fast") throws {
        try Self.shell("su postgres -c '\(bin)/pg_ctl -D \(directory)/data -m \(mode) -w stop'")
    }

    /// Through `system(3)`, output to /dev/null: a postmaster that inherited a pipe would keep it
    /// open forever, and Foundation's `Process.waitUntilExit` can miss a child that exits at once.
    static func shell(_ command: String) throws {
        let status = system("(\(command)) >/dev/null 2>&1")
        guard status == 0 else { throw FactoryError("'\(command)' exited with status \(status)") }
    }

    deinit {
        try? stop(mode: "immediate")
        try? FileManager.default.removeItem(atPath: directory)
    }
}
