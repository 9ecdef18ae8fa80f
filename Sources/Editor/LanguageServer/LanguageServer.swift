import Foundation
import Runner
import Store
import TrimModel
import TestFilter
import TrimPipeline

/// `trim lsp`: a language server over stdio. Rounds (build, select, run,
/// record) run in the background on `initialized` and on each save; a newer
/// save cancels an older round. After each round the coverage index is
/// reloaded and diagnostics republished. Requests are answered from the last
/// index, so they never wait for a round.
public final class LanguageServer: @unchecked Sendable {
    private let connection: JSONRPCConnection
    /// The run options the command line gave (filters, profile); the workspace
    /// directory comes from the client's root unless `-C` was given.
    private let template: RunRequest
    private let log: @Sendable (String) -> Void

    private let lock = NSLock()
    private var workspace: EditorWorkspace?
    private var index: CoverageIndex?
    private var documents: [String: String] = [:]
    private var failurePath: TestKey?
    private var publishedFiles = Set<String>()
    private var supportsProgress = false
    private var shutdownRequested = false
    private var latestRound = 0
    private var currentRound: RoundCancellation?

    private let rounds = DispatchQueue(label: "trim.lsp.rounds")
    /// What rounds keep for the next (the open store, fingerprints, coverage maps).
    private let warm = WarmState()
    private var resolver: BlockLineResolver?
    private let signals: SignalWatch

    public init(input: FileHandle, output: FileHandle, template: RunRequest,
                log: @escaping @Sendable (String) -> Void) {
        connection = JSONRPCConnection(input: input, output: output)
        self.template = template
        self.log = log
        signals = SignalWatch.start()
    }

    /// Serves until `exit` or the end of the input; returns the exit status.
    public func serve() -> Int32 {
        // Ctrl-C or SIGTERM while waiting for input: stop the round (the
        // signal watch stops every process trim started) and leave with 130.
        signals.onSignal { [weak self] _ in
            guard let self else { return }
            lock.withLock { currentRound }?.cancel()
            let drained = DispatchSemaphore(value: 0)
            rounds.async { drained.signal() }
            DispatchQueue.global().async {
                _ = drained.wait(timeout: .now() + 10)
                exit(ExitStatus.interrupted)
            }
        }
        while let frame = connection.read() {
            switch frame {
            case .malformed(let why):
                connection.respond(to: nil, error: RPCError.parseError, "malformed message: \(why)")
            case .message(let message):
                if let status = handle(message) {
                    stopRounds()
                    return status
                }
            }
            if signals.signal != nil { break }
        }
        stopRounds()
        return signals.signal != nil ? ExitStatus.interrupted : (lock.withLock { shutdownRequested } ? 0 : 1)
    }

    private func stopRounds() {
        lock.withLock { currentRound }?.cancel()
        rounds.sync {}
        signals.stop()
    }

    /// Returns an exit status when the client said `exit`.
    private func handle(_ message: [String: Any]) -> Int32? {
        let id = message["id"]
        guard let method = message["method"] as? String else {
            if id != nil && (message["result"] != nil || message["error"] != nil) { return nil }  // an answer to us
            connection.respond(to: id, error: RPCError.invalidRequest, "a request needs a method")
            return nil
        }
        let params = message["params"] as? [String: Any] ?? [:]
        if method == "exit" { return lock.withLock { shutdownRequested } ? 0 : 1 }
        do {
            let result = try dispatch(method, params, isRequest: id != nil)
            if let id { connection.respond(to: id, result: result) }
        } catch let error as RequestError {
            if let id { connection.respond(to: id, error: error.code, error.message) } else { log(error.message) }
        } catch {
            if let id { connection.respond(to: id, error: RPCError.internalError, "\(error)") }
        }
        return nil
    }

    struct RequestError: Error {
        var code: Int
        var message: String
    }

    private func dispatch(_ method: String, _ params: [String: Any], isRequest: Bool) throws -> Any? {
        switch method {
        case "initialize": return initialize(params)
        case "initialized": initialized(); return nil
        case "shutdown":
            lock.withLock { shutdownRequested = true }
            return nil
        case "textDocument/didOpen":
            if let document = params["textDocument"] as? [String: Any], let uri = document["uri"] as? String {
                lock.withLock { documents[uri] = document["text"] as? String }
            }
            return nil
        case "textDocument/didChange":
            if let document = params["textDocument"] as? [String: Any], let uri = document["uri"] as? String,
                let change = (params["contentChanges"] as? [[String: Any]])?.last, change["range"] == nil {
                lock.withLock { documents[uri] = change["text"] as? String }
            }
            return nil
        case "textDocument/didClose":
            if let uri = (params["textDocument"] as? [String: Any])?["uri"] as? String {
                _ = lock.withLock { documents.removeValue(forKey: uri) }
            }
            return nil
        case "textDocument/didSave":
            guard let uri = (params["textDocument"] as? [String: Any])?["uri"] as? String else { return nil }
            if (try? file(of: uri)) != nil { scheduleRound() } else { log("saved \(uri): outside the workspace, no round") }
            return nil
        case "textDocument/hover": return try hover(params)
        case "textDocument/codeLens": return try codeLenses(params)
        case "textDocument/codeAction": return codeActions(params)
        case "workspace/executeCommand": return try execute(params)
        case "$/cancelRequest", "$/setTrace", "workspace/didChangeConfiguration", "workspace/didChangeWatchedFiles":
            return nil
        default:
            if isRequest { throw RequestError(code: RPCError.methodNotFound, message: "trim lsp does not handle \(method)") }
            return nil
        }
    }

    // MARK: lifecycle

    private func initialize(_ params: [String: Any]) -> [String: Any] {
        let window = (params["capabilities"] as? [String: Any])?["window"] as? [String: Any]
        let root = (params["rootUri"] as? String).flatMap { URL(string: $0)?.path }
            ?? (params["rootPath"] as? String)
            ?? ((params["workspaceFolders"] as? [[String: Any]])?.first?["uri"] as? String).flatMap { URL(string: $0)?.path }
        lock.withLock {
            supportsProgress = window?["workDoneProgress"] as? Bool ?? false
            if let root, !template.workspace.directoryIsExplicit { pendingRoot = root }
        }
        return [
            "capabilities": [
                "textDocumentSync": ["openClose": true, "change": 1, "save": ["includeText": false]],
                "hoverProvider": true,
                "codeLensProvider": ["resolveProvider": false],
                "codeActionProvider": true,
                "executeCommandProvider": ["commands": ["trim.showFailurePath", "trim.clearFailurePath", "trim.runTest"]],
            ],
            "serverInfo": ["name": "trim"],
        ]
    }

    private var pendingRoot: String?

    private var request: RunRequest {
        var request = template
        if let root = lock.withLock({ pendingRoot }) {
            request.workspace.directory = URL(fileURLWithPath: root)
            request.workspace.directoryIsExplicit = true
        }
        return request
    }

    private func initialized() {
        let request = request
        do {
            let opened = try EditorWorkspace.open(directory: request.workspace.directory, database: request.workspace.database)
            lock.withLock { workspace = opened }
            resolver = BlockLineResolver(trimTarget: opened.paths.targetDirectory)
        } catch {
            showMessage(1, "trim: \(request.workspace.directory.path) is not a workspace trim can run: \(error)")
            return
        }
        rounds.async { self.reloadIndex() }
        scheduleRound()
    }

    // MARK: rounds

    private func scheduleRound(filter: TestSelectionFilter? = nil, force: Bool = false) {
        guard lock.withLock({ workspace }) != nil else { return }
        let generation = lock.withLock { () -> Int in
            latestRound += 1
            currentRound?.cancel()
            return latestRound
        }
        var request = request
        if let filter { request.filter = filter }
        request.force = force
        let chosen = request
        rounds.async { self.runRound(generation, chosen) }
    }

    private func runRound(_ generation: Int, _ request: RunRequest) {
        let cancellation = RoundCancellation()
        let superseded = lock.withLock { () -> Bool in
            currentRound = cancellation
            return latestRound != generation
        }
        if superseded { return }  // a newer save is queued behind this one
        let progress = RoundProgress(connection: connection, token: "trim-round-\(generation)",
                                     enabled: lock.withLock { supportsProgress })
        progress.begin()
        var summary: [String: Any] = ["round": generation]
        do {
            let statistics = try RunPipeline.round(request, signals: signals, cancellation: cancellation,
                                                   warm: warm, reporters: { _, _ in progress }, warn: log)
            summary["run"] = statistics.run
            summary["passed"] = statistics.passed
            summary["failed"] = statistics.failed
            summary["skipped"] = statistics.skipped
            summary["cancelled"] = statistics.cancelled == .superseded
        } catch .cargo(let failure) {
            summary["error"] = "\(failure)"
            showMessage(1, "trim: the build failed: \(failure)")
        } catch {
            summary["error"] = "\(error)"
            showMessage(1, "trim: \(error)")
        }
        reloadIndex()
        let cancelled = summary["cancelled"] as? Bool ?? false
        progress.end(cancelled ? "cancelled by a newer save"
            : summary["error"] != nil ? "failed" : "\(summary["run"] ?? 0) run, \(summary["failed"] ?? 0) failed")
        connection.notify("trim/roundFinished", summary)
    }

    /// Runs on the rounds queue: loads the index and republishes diagnostics.
    /// Diagnostics need the failing tests only: they go out after a quick
    /// pass that maps only those tests' hits (to find each test function),
    /// each block to its first line, no bitcode read; the full index, for
    /// lenses, hover and the failure path, follows.
    private func reloadIndex() {
        guard let workspace = lock.withLock({ workspace }), let resolver else { return }
        guard FileManager.default.fileExists(atPath: workspace.paths.database.path) else { return }
        let timings = PhaseTimings.fromEnvironment()
        do {
            let store = try warm.store(at: workspace.paths.database)
            let quick = BlockLineResolver(trimTarget: workspace.paths.targetDirectory, readsBitcode: false)
            let first = try CoverageIndex.load(store: store, workspaceRoot: workspace.root, resolver: quick,
                                               mapping: { EditorViews.isFailure($0.outcome) })
            lock.withLock { index = first }
            timings.lap("lsp: failing tests' index")
            publishDiagnostics()
            timings.lap("lsp: diagnostics published")
            let loaded = try CoverageIndex.load(store: store, workspaceRoot: workspace.root, resolver: resolver)
            lock.withLock { index = loaded }
            if lock.withLock({ failurePath }) != nil { publishDiagnostics() }
        } catch let error as EditorError where error.isBitcode {
            // Requests go on being answered from the quick index (first lines).
            showMessage(1, "trim: \(error)")
        } catch {
            log("cannot read the results: \(error)")
        }
    }

    private func publishDiagnostics() {
        lock.lock()
        let (current, path, previous, open) = (index, failurePath, publishedFiles, Array(documents.keys))
        lock.unlock()
        guard let index = current else { return }
        let byFile = EditorViews.diagnostics(index, failurePath: path)
        let paths = WorkspacePaths(root: index.root)
        // Open documents too: each round's answer reaches them, empty or not.
        let opened = open.compactMap { URL(string: $0)?.path }.compactMap { paths.relative($0) }
        for file in previous.union(byFile.keys).union(opened).sorted() {
            connection.notify("textDocument/publishDiagnostics",
                              ["uri": uri(paths.absolute(file)), "diagnostics": byFile[file] ?? []])
        }
        lock.withLock { publishedFiles = Set(byFile.keys) }
    }

    private func showMessage(_ type: Int, _ message: String) {
        log(message)
        connection.notify("window/showMessage", ["type": type, "message": message])
    }

    // MARK: requests

    /// The file a URI names, relative to the workspace root.
    private func file(of uriText: String) throws -> String {
        guard let workspace = lock.withLock({ workspace }) else {
            throw RequestError(code: RPCError.invalidParams, message: "trim has no cargo workspace open")
        }
        guard let url = URL(string: uriText), url.isFileURL, url.path.hasPrefix("/"),
            let relative = WorkspacePaths(root: workspace.root).relative(url.path)
        else {
            throw RequestError(code: RPCError.invalidParams,
                               message: "\(uriText) is outside the workspace \(workspace.root)")
        }
        return relative
    }

    private func documentFile(_ params: [String: Any]) throws -> (uri: String, file: String) {
        guard let uri = (params["textDocument"] as? [String: Any])?["uri"] as? String else {
            throw RequestError(code: RPCError.invalidParams, message: "textDocument.uri is missing")
        }
        return (uri, try file(of: uri))
    }

    private func hover(_ params: [String: Any]) throws -> Any? {
        let (_, file) = try documentFile(params)
        guard let line = (params["position"] as? [String: Any])?["line"] as? Int, line >= 0 else {
            throw RequestError(code: RPCError.invalidParams, message: "position.line is missing")
        }
        guard let index = lock.withLock({ index }) else { return nil }
        return EditorViews.hover(index, file: file, line: UInt32(line + 1))
    }

    private func codeLenses(_ params: [String: Any]) throws -> Any? {
        guard let uri = (params["textDocument"] as? [String: Any])?["uri"] as? String else {
            throw RequestError(code: RPCError.invalidParams, message: "textDocument.uri is missing")
        }
        guard let file = try? file(of: uri) else { return [] as [Any] }  // another project's file: nothing to show
        lock.lock()
        let (current, text) = (index, documents[uri])
        lock.unlock()
        guard let index = current else { return [] as [Any] }
        let source = text ?? (try? String(contentsOfFile: WorkspacePaths(root: index.root).absolute(file), encoding: .utf8))
        return EditorViews.codeLenses(index, file: file, text: source)
    }

    private func codeActions(_ params: [String: Any]) -> Any? {
        let diagnostics = ((params["context"] as? [String: Any])?["diagnostics"] as? [[String: Any]]) ?? []
        return diagnostics.compactMap { diagnostic -> [String: Any]? in
            guard diagnostic["source"] as? String == "trim", let data = diagnostic["data"] as? [String: Any],
                let binary = data["binary"] as? String, let name = data["name"] as? String else { return nil }
            let id = "\(binary) \(name)"
            // A bare Command (the protocol allows either): some clients take
            // any action holding a `command` for one.
            return ["title": "trim: show the path \(id) took", "command": "trim.showFailurePath", "arguments": [id]]
        }
    }

    private func execute(_ params: [String: Any]) throws -> Any? {
        let command = params["command"] as? String ?? ""
        let arguments = params["arguments"] as? [Any] ?? []
        switch command {
        case "trim.showFailurePath":
            guard let text = arguments.first as? String else {
                throw RequestError(code: RPCError.invalidParams, message: "trim.showFailurePath takes the test: 'BINARY NAME'")
            }
            guard let index = lock.withLock({ index }) else {
                throw RequestError(code: RPCError.invalidParams, message: "no recorded results yet")
            }
            let test: TestCoverage
            do { test = try index.test(named: text) } catch {
                throw RequestError(code: RPCError.invalidParams, message: "\(error)")
            }
            lock.withLock { failurePath = test.key }
            publishDiagnostics()
            let json = CoverageReport.path(test, json: true)
            return try JSONSerialization.jsonObject(with: Data(json.utf8))
        case "trim.clearFailurePath":
            lock.withLock { failurePath = nil }
            publishDiagnostics()
            return nil
        case "trim.runTest":
            guard let text = arguments.first as? String else {
                throw RequestError(code: RPCError.invalidParams, message: "trim.runTest takes the test: 'BINARY NAME' or a name")
            }
            let name = text.split(separator: " ", maxSplits: 1).last.map(String.init) ?? text
            let exact = text.contains(" ")
            scheduleRound(filter: TestSelectionFilter(names: NameFilter(patterns: [name], exact: exact)), force: true)
            return nil
        default:
            throw RequestError(code: RPCError.invalidParams, message: "unknown command \(command)")
        }
    }
}

/// A round's `$/progress` (when the client supports it), fed the runner's events.
final class RoundProgress: TestReporter, @unchecked Sendable {
    private let connection: JSONRPCConnection
    private let token: String
    private let enabled: Bool
    private let lock = NSLock()
    private var total = 0
    private var done = 0

    init(connection: JSONRPCConnection, token: String, enabled: Bool) {
        self.connection = connection
        self.token = token
        self.enabled = enabled
    }

    func begin() {
        guard enabled else { return }
        connection.request("window/workDoneProgress/create", ["token": token])
        connection.notify("$/progress", ["token": token, "value": ["kind": "begin", "title": "trim",
                                                                   "message": "building", "cancellable": false]])
    }

    func handle(_ event: TestEvent) {
        guard enabled else { return }
        let message: String? = lock.withLock {
            switch event {
            case .runStarted(let toRun, let skipped, _):
                total = toRun
                return "running \(toRun) test\(toRun == 1 ? "" : "s") (\(skipped) not affected)"
            case .testFinished:
                done += 1
                return "\(done)/\(total) tests"
            default:
                return nil
            }
        }
        if let message { connection.notify("$/progress", ["token": token, "value": ["kind": "report", "message": message]]) }
    }

    func end(_ message: String) {
        guard enabled else { return }
        connection.notify("$/progress", ["token": token, "value": ["kind": "end", "message": message]])
    }
}
