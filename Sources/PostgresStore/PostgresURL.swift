import Foundation

/// A `postgres://user:password@host:port/dbname` (or `postgresql://`) URL,
/// taken apart. `redacted` is the only form that is ever shown: the password
/// is replaced by `***`.
public struct PostgresURL: Hashable, Sendable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String

    public static let schemes = ["postgres", "postgresql"]

    /// Whether `text` is written as a PostgreSQL URL at all (its scheme).
    public static func isPostgres(_ text: String) -> Bool {
        schemes.contains { text.lowercased().hasPrefix($0 + "://") }
    }

    public init(user: String, password: String?, host: String, port: Int, database: String) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
    }

    /// Parses `text`; an error names the part at fault, never the password.
    public init(parsing text: String) throws(PostgresURLError) {
        guard let separator = text.range(of: "://") else { throw .malformed("no scheme (expected postgres://…)") }
        let scheme = text[..<separator.lowerBound].lowercased()
        guard Self.schemes.contains(scheme) else { throw .unknownScheme(String(scheme)) }
        var rest = Substring(text[separator.upperBound...])
        if let query = rest.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            throw .malformed("query or fragment (\(rest[query...].prefix(1))…) is not supported; give user, password, host, port and database only")
        }
        guard let at = rest.lastIndex(of: "@") else {
            throw .malformed("no user (expected postgres://user[:password]@host[:port]/database)")
        }
        let credentials = rest[..<at]
        rest = rest[rest.index(after: at)...]
        var user = Substring(credentials)
        var password: String?
        if let colon = credentials.firstIndex(of: ":") {
            user = credentials[..<colon]
            guard let decoded = String(credentials[credentials.index(after: colon)...]).removingPercentEncoding else {
                throw .malformed("the password is not valid percent-encoding")
            }
            password = decoded
        }
        guard let userName = String(user).removingPercentEncoding, !userName.isEmpty else {
            throw .malformed("the user is empty or not valid percent-encoding")
        }
        guard let slash = rest.firstIndex(of: "/") else { throw .malformed("no database (expected …/database after the host)") }
        let hostPort = rest[..<slash]
        let databasePart = rest[rest.index(after: slash)...]
        guard let database = String(databasePart).removingPercentEncoding, !database.isEmpty, !database.contains("/") else {
            throw .malformed("the database name '\(databasePart)' is empty or not a single name")
        }
        var host = Substring(hostPort)
        var port = 5432
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw .malformed("the host '\(hostPort)' opens '[' without ']'") }
            host = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let value = Int(after.dropFirst()), (1...65535).contains(value) else {
                    throw .malformed("the port '\(after.dropFirst())' is not a number from 1 to 65535")
                }
                port = value
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = hostPort[..<colon]
            let portText = hostPort[hostPort.index(after: colon)...]
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw .malformed("the port '\(portText)' is not a number from 1 to 65535")
            }
            port = value
        }
        guard !host.isEmpty else { throw .malformed("no host (expected …@host[:port]/database)") }
        self.init(user: userName, password: password, host: String(host), port: port, database: database)
    }

    /// The URL as it may be shown: the password, if any, as `***`.
    public var redacted: String {
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)\(password == nil ? "" : ":***")@\(hostPart):\(port)/\(database)"
    }

    public var description: String { redacted }

    /// `text` with anything that looks like the password of a URL in it
    /// replaced: for messages that quote what the user gave.
    public static func redact(_ text: String) -> String {
        guard let separator = text.range(of: "://"), let at = text[separator.upperBound...].lastIndex(of: "@") else {
            return text
        }
        let credentials = text[separator.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}

/// A `--db`, `TRIM_DB` or `[store] url` value that is not a usable URL.
public enum PostgresURLError: Error, Hashable, Sendable, CustomStringConvertible {
    case unknownScheme(String)
    case malformed(String)

    public var description: String {
        switch self {
        case .unknownScheme(let scheme):
            return "the database URL's scheme '\(scheme)://' is not one trim knows; use postgres:// or postgresql://, "
                + "or give the path of an SQLite file"
        case .malformed(let detail):
            return "the database URL is malformed: \(detail)"
        }
    }
}
