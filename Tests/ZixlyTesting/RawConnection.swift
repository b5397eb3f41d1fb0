import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A bare TCP connection to a loopback port, for tests that play a slow, idle or greedy client:
/// it sends exactly the bytes it is given and tells when the server closed it.
public final class RawConnection: @unchecked Sendable {
    let fd: Int32

    /// Connects to 127.0.0.1:`port`.
    public init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        let status = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard status == 0 else {
            close(fd)
            throw FactoryError("connect to port \(port) failed: errno \(errno)")
        }
    }

    /// Writes `text`; false if the server has closed the connection.
    @discardableResult
    public func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } == bytes.count
    }

    public enum Read: Equatable, Sendable {
        /// Bytes arrived (what arrived within the wait).
        case data(String)
        /// The server closed the connection (end of stream or reset).
        case closed
        /// Nothing within the wait.
        case nothing
    }

    /// Waits up to `timeout` for bytes or the end of the stream.
    public func read(timeout: Duration) -> Read {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return .nothing }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = recv(fd, &buffer, buffer.count, 0)
        return count <= 0 ? .closed : .data(String(decoding: buffer.prefix(count), as: UTF8.self))
    }

    /// Reads until the server closes the connection or `timeout` passes; how long it took, or nil.
    public func waitUntilClosed(timeout: Duration) -> Duration? {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < timeout {
            if read(timeout: .milliseconds(100)) == .closed { return ContinuousClock.now - start }
        }
        return nil
    }

    deinit { close(fd) }
}
