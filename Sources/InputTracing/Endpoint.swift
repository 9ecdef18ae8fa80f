import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Network addresses as trim writes them: `1.2.3.4:80`, `[2001:db8::1]:443`
/// (IPv6 compressed as `inet_ntop` writes it; an IPv4-mapped address is
/// written as IPv4), `unix:/run/app.sock`, `unix:@abstract`.
public enum Endpoint {
    /// The normal form of an address from the interposer or strace, or nil
    /// when it is not one.
    public static func normalize(_ raw: String) -> String? {
        if raw.hasPrefix("unix:") { return raw.count > 5 ? raw : nil }
        guard let (host, port) = split(raw) else { return nil }
        if host.contains(":") {
            var address = in6_addr()
            guard inet_pton(AF_INET6, host, &address) == 1 else { return nil }
            let bytes = withUnsafeBytes(of: address) { Array($0) }
            if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
                return "\(bytes[12]).\(bytes[13]).\(bytes[14]).\(bytes[15]):\(port)"
            }
            var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
            guard inet_ntop(AF_INET6, &address, &text, socklen_t(text.count)) != nil else { return nil }
            let host = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            return "[\(host)]:\(port)"
        }
        var address = in_addr()
        guard inet_pton(AF_INET, host, &address) == 1 else { return nil }
        return "\(host):\(port)"
    }

    /// `host` (without brackets) and `port` of `1.2.3.4:80` or `[::1]:80`.
    public static func split(_ endpoint: String) -> (host: String, port: Int)? {
        guard let colon = endpoint.lastIndex(of: ":"), let port = Int(endpoint[endpoint.index(after: colon)...]),
            (0...65535).contains(port)
        else { return nil }
        var host = String(endpoint[..<colon])
        if host.hasPrefix("[") {
            guard host.hasSuffix("]") else { return nil }
            host = String(host.dropFirst().dropLast())
        }
        return host.isEmpty ? nil : (host, port)
    }

    public static func isUnix(_ endpoint: String) -> Bool { endpoint.hasPrefix("unix:") }

    /// This machine: 127.0.0.0/8, ::1, and the unspecified addresses 0.0.0.0 and ::
    /// (connecting to them reaches the local host).
    public static func isLoopback(_ endpoint: String) -> Bool {
        guard let (host, _) = split(endpoint) else { return false }
        return host.hasPrefix("127.") || host == "::1" || host == "0.0.0.0" || host == "::"
    }
}
