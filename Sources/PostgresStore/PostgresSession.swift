import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Store

/// One connection to the server on an event loop this session owns, used
/// from trim's synchronous threads: each call takes the lock, sends its
/// statements and blocks (never on the event loop's own thread) until they
/// are answered or `timeout` passes. After a lost connection or a timeout
/// the session is broken for good: every later call fails at once with the
/// same error, so a run that lost its server stops recording instead of
/// waiting on each result.
final class PostgresSession: @unchecked Sendable {
    let url: PostgresURL
    private let group: MultiThreadedEventLoopGroup
    private let connection: PostgresConnection
    private let logger: Logger
    private let lock = NSLock()
    private var broken: StoreError?
    private var closed = false

    /// How long a connection attempt (TCP, authentication, database) may take.
    static let connectTimeout: TimeAmount = .seconds(5)
    /// How long one call's statements may take before the server counts as gone.
    static let statementTimeout: TimeAmount = .seconds(60)

    var location: String { url.redacted }

    init(url: PostgresURL) throws(StoreError) {
        self.url = url
        var logger = Logger(label: "trim.postgres")
        logger.logLevel = .critical
        self.logger = logger
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: .disable)
        configuration.options.connectTimeout = Self.connectTimeout
        let eventLoop = group.next()
        do {
            connection = try Self.wait(
                PostgresConnection.connect(on: eventLoop, configuration: configuration, id: 1, logger: logger),
                on: eventLoop, timeout: Self.connectTimeout + .seconds(1))
        } catch {
            try? group.syncShutdownGracefully()
            throw Self.connectionError(error, url: url)
        }
    }

    deinit { close() }

    func close() {
        lock.lock()
        defer { lock.unlock() }
        guard !closed else { return }
        closed = true
        _ = try? Self.wait(connection.close(), on: connection.eventLoop, timeout: .seconds(2))
        try? group.syncShutdownGracefully()
    }

    /// Runs `body` with exclusive use of the connection.
    func exclusive<T>(_ body: (Statements) throws -> T) throws(StoreError) -> T {
        lock.lock()
        defer { lock.unlock() }
        if let broken { throw broken }
        if closed { throw StoreError.server(path: location, detail: "the connection was closed") }
        do {
            return try body(Statements(session: self))
        } catch let error as StoreError {
            if case .server = error { broken = error }
            throw error
        } catch {
            let mapped = Self.statementError(error, url: url)
            if case .server = mapped { broken = mapped }
            throw mapped
        }
    }

    /// Within one `exclusive` call: send statements, get rows.
    struct Statements {
        let session: PostgresSession

        @discardableResult
        func query(_ query: PostgresQuery) throws -> [PostgresRow] {
            let result = try PostgresSession.wait(session.connection.query(query, logger: session.logger),
                                                  on: session.connection.eventLoop,
                                                  timeout: PostgresSession.statementTimeout)
            return result.rows
        }

        /// Statements without parameters, one after another (a `;` ending a
        /// line ends a statement: migrations, BEGIN/COMMIT).
        func script(_ sql: String) throws {
            for statement in sql.components(separatedBy: ";\n") {
                let text = statement.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ";")))
                if text.isEmpty { continue }
                try query(PostgresQuery(unsafeSQL: text))
            }
        }

        /// `body` between BEGIN and COMMIT; a failure rolls back (when the server is still there).
        func transaction<T>(_ body: () throws -> T) throws -> T {
            try script("BEGIN")
            do {
                let value = try body()
                try script("COMMIT")
                return value
            } catch {
                try? script("ROLLBACK")
                throw error
            }
        }
    }

    /// Blocks the calling thread (never an event loop thread) for `future`,
    /// failing after `timeout`.
    static func wait<T: Sendable>(_ future: EventLoopFuture<T>, on eventLoop: any EventLoop,
                                  timeout: TimeAmount) throws -> T {
        let promise = eventLoop.makePromise(of: T.self)
        let timer = eventLoop.scheduleTask(in: timeout) { promise.fail(TimedOut()) }
        future.whenComplete { result in
            timer.cancel()
            promise.completeWith(result)
        }
        return try promise.futureResult.wait()
    }

    struct TimedOut: Error {}

    // MARK: - Errors (never with the password: only `url.redacted` and the server's words)

    static func connectionError(_ error: any Error, url: PostgresURL) -> StoreError {
        let place = "\(url.host):\(url.port)"
        if error is TimedOut {
            return .server(path: url.redacted, detail: "the server \(place) did not answer within "
                + "\(connectTimeout.nanoseconds / 1_000_000_000) s (wrong host or port, or a firewall?)")
        }
        if let psql = error as? PSQLError {
            if let state = psql.serverInfo?[.sqlState] {
                let message = psql.serverInfo?[.message] ?? "refused"
                switch state {
                case "28P01", "28000":
                    return .server(path: url.redacted, detail: "the server \(place) refused the credentials of user "
                        + "'\(url.user)' (\(message)); check the user and password")
                case "3D000":
                    return .server(path: url.redacted, detail: "the server \(place) has no database '\(url.database)' "
                        + "(create it with: createdb \(url.database))")
                default:
                    return .server(path: url.redacted, detail: "the server \(place) refused the connection: \(message) "
                        + "(SQLSTATE \(state))")
                }
            }
            if psql.code == .connectionError || psql.code == .serverClosedConnection || psql.code == .uncleanShutdown {
                let cause = psql.underlying.map { "\($0)" } ?? "\(psql.code)"
                return .server(path: url.redacted, detail: "cannot connect to the server \(place): "
                    + redacting(cause, url) + " (is PostgreSQL running there?)")
            }
            return .server(path: url.redacted, detail: "cannot connect to the server \(place): \(psql.code)")
        }
        return .server(path: url.redacted, detail: "cannot connect to the server \(place): " + redacting("\(error)", url))
    }

    /// A failed statement: a server-side error is the database's (`.database`);
    /// a lost or silent connection is the server's (`.server`, the session breaks).
    static func statementError(_ error: any Error, url: PostgresURL) -> StoreError {
        if error is TimedOut {
            return .server(path: url.redacted, detail: "the server \(url.host):\(url.port) did not answer within "
                + "\(statementTimeout.nanoseconds / 1_000_000_000) s; recording stopped")
        }
        if let psql = error as? PSQLError {
            if let info = psql.serverInfo, let state = info[.sqlState] {
                let message = info[.message] ?? "error"
                if state.hasPrefix("57P") || state.hasPrefix("08") {  // admin shutdown, connection exceptions
                    return .server(path: url.redacted, detail: "the server \(url.host):\(url.port) ended the "
                        + "connection (\(message)); recording stopped")
                }
                return .database(path: url.redacted, detail: "\(message) (SQLSTATE \(state))")
            }
            return .server(path: url.redacted, detail: "lost the connection to the server \(url.host):\(url.port) "
                + "(\(psql.code)); recording stopped")
        }
        if let decoding = error as? PostgresDecodingError {
            return .corrupt(path: url.redacted, detail: "unexpected value in column \(decoding.columnName)")
        }
        return .database(path: url.redacted, detail: redacting("\(error)", url))
    }

    static func redacting(_ text: String, _ url: PostgresURL) -> String {
        guard let password = url.password, !password.isEmpty else { return text }
        return text.replacingOccurrences(of: password, with: "***")
    }
}

extension PostgresRow {
    /// The cell of column `index` (rows here have a handful of columns).
    func cell(_ index: Int) -> PostgresCell {
        var cells = makeIterator()
        for _ in 0..<index { _ = cells.next() }
        return cells.next()!
    }
}
