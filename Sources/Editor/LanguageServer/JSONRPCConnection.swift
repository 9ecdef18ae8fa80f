import Foundation

/// JSON-RPC 2.0 over a byte stream with LSP's `Content-Length` framing.
/// Reading is one thread's job; writing is safe from any thread.
final class JSONRPCConnection: @unchecked Sendable {
    private let input: FileHandle
    private let output: FileHandle
    private let writeLock = NSLock()
    private var buffer = Data()
    private var nextID = 1

    init(input: FileHandle, output: FileHandle) {
        self.input = input
        self.output = output
    }

    enum Frame {
        case message([String: Any])
        /// A frame whose body is not a JSON object: answered with a parse error.
        case malformed(String)
    }

    /// The next frame; nil at the end of the input.
    func read() -> Frame? {
        while true {
            if let frame = takeFrame() { return frame }
            let data = input.availableData
            if data.isEmpty { return nil }
            buffer.append(data)
        }
    }

    private func takeFrame() -> Frame? {
        let separator = Data("\r\n\r\n".utf8)
        guard let end = buffer.range(of: separator) else { return nil }
        let header = String(decoding: buffer[buffer.startIndex..<end.lowerBound], as: UTF8.self)
        var length: Int?
        for line in header.split(separator: "\r\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "content-length" {
                length = Int(parts[1].trimmingCharacters(in: .whitespaces))
            }
        }
        guard let length, length >= 0 else {
            buffer.removeSubrange(buffer.startIndex..<end.upperBound)
            return .malformed("no valid Content-Length header in \(header.debugDescription)")
        }
        guard buffer.count - (end.upperBound - buffer.startIndex) >= length else { return nil }
        let body = buffer[end.upperBound..<(end.upperBound + length)]
        buffer = Data(buffer[(end.upperBound + length)...])
        guard let object = try? JSONSerialization.jsonObject(with: body), let message = object as? [String: Any] else {
            return .malformed("the body is not a JSON object")
        }
        return .message(message)
    }

    func send(_ message: [String: Any]) {
        var message = message
        message["jsonrpc"] = "2.0"
        guard let body = try? JSONSerialization.data(withJSONObject: message, options: [.withoutEscapingSlashes]) else {
            return
        }
        writeLock.withLock {
            output.write(Data("Content-Length: \(body.count)\r\n\r\n".utf8) + body)
        }
    }

    func respond(to id: Any, result: Any?) {
        send(["id": id, "result": result ?? NSNull()])
    }

    func respond(to id: Any?, error code: Int, _ message: String) {
        send(["id": id ?? NSNull(), "error": ["code": code, "message": message]])
    }

    func notify(_ method: String, _ params: Any) {
        send(["method": method, "params": params])
    }

    /// A request to the client; its answer is not waited for.
    func request(_ method: String, _ params: Any) {
        let id = writeLock.withLock { () -> Int in
            defer { nextID += 1 }
            return nextID
        }
        send(["id": "trim-\(id)", "method": method, "params": params])
    }
}

/// JSON-RPC and LSP error codes.
enum RPCError {
    static let parseError = -32700
    static let invalidRequest = -32600
    static let methodNotFound = -32601
    static let invalidParams = -32602
    static let internalError = -32603
    static let serverNotInitialized = -32002
}
