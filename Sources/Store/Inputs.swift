import Foundation
import GRDB
import TrimModel

/// Each test's recorded inputs (files, variables, addresses: `TestInputs`)
/// for its last result. They are written in the same transaction as the
/// result (`recordResult(_:inputs:)`, `recordResults(_:inputs:)`), and a
/// new result always replaces them: a result recorded without inputs leaves
/// the test with none (nil: not traced), never with an older run's.
extension TrimStore {
    /// Kinds of `test_input` rows.
    enum InputKind: String, CaseIterable {
        case file, env, network, watched
    }

    /// Replaces `key`'s recorded inputs on their own (its result stays);
    /// nil forgets them. One transaction.
    public func recordInputs(_ inputs: TestInputs?, for key: TestKey) throws(StoreError) {
        try write { db in
            let testID = try Self.testID(key, db)
            try Self.replaceInputs(inputs, testID: testID, db)
        }
    }

    /// The inputs recorded with every test's last result (tests recorded
    /// without inputs are absent).
    public func lastInputs() throws(StoreError) -> [TestKey: TestInputs] {
        try read { db in
            // By position, filled in place: a dictionary of (key, inputs) pairs
            // copied a pair out for every input row (thousands of tests, each a few variables).
            var keys: [TestKey] = []
            var inputs: [TestInputs] = []
            var positionOf: [Int64: Int] = [:]
            let heads = try Row.fetchCursor(
                db,
                sql: """
                    SELECT i.test_id, t.binary, t.name, i.method, i.problems, i.watch_patterns
                    FROM test_inputs i JOIN test t ON t.id = i.test_id
                    """)
            while let row = try heads.next() {
                let (id, key, recorded) = try head(row)  // one row per test: test_id is the key
                positionOf[id] = keys.count
                keys.append(key)
                inputs.append(recorded)
            }
            let rows = try Row.fetchCursor(db, sql: "SELECT test_id, kind, name, value FROM test_input")
            while let row = try rows.next() {
                let id: Int64 = try row.decode(atIndex: 0)
                guard let position = positionOf[id] else { continue }
                try add(row, to: &inputs[position], of: keys[position])
            }
            return Dictionary(zip(keys, inputs), uniquingKeysWith: { first, _ in first })
        }
    }

    /// The inputs recorded with `key`'s last result, or nil.
    public func inputs(for key: TestKey) throws(StoreError) -> TestInputs? {
        try read { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT i.test_id, t.binary, t.name, i.method, i.problems, i.watch_patterns
                        FROM test_inputs i JOIN test t ON t.id = i.test_id WHERE t.binary = ? AND t.name = ?
                        """, arguments: [key.binary, key.name])
            else { return nil }
            let (id, _, recorded) = try head(row)
            var inputs = recorded
            let rows = try Row.fetchCursor(
                db, sql: "SELECT test_id, kind, name, value FROM test_input WHERE test_id = ?",
                arguments: [id])
            while let row = try rows.next() { try add(row, to: &inputs, of: key) }
            return inputs
        }
    }

    // MARK: - Internals

    /// Deletes `testID`'s inputs and writes `inputs` (inside the caller's transaction).
    static func replaceInputs(_ inputs: TestInputs?, testID: Int64, _ db: Database) throws {
        try db.cachedStatement(sql: "DELETE FROM test_inputs WHERE test_id = ?").execute(arguments: [testID])
        guard let inputs else { return }
        try db.cachedStatement(
            sql: """
                INSERT INTO test_inputs(test_id, method, problems, watch_patterns) VALUES (?, ?, ?, ?)
                """
        ).execute(arguments: [testID, inputs.method, json(inputs.problems), json(inputs.watchPatterns)])
        let insert = try db.cachedStatement(
            sql: "INSERT INTO test_input(test_id, kind, name, value) VALUES (?, ?, ?, ?)")
        for (path, hash) in inputs.files {
            try insert.execute(arguments: [testID, InputKind.file.rawValue, path, hash])
        }
        for (name, hash) in inputs.env { try insert.execute(arguments: [testID, InputKind.env.rawValue, name, hash]) }
        for endpoint in Set(inputs.network) {
            try insert.execute(arguments: [testID, InputKind.network.rawValue, endpoint, ""])
        }
        for (path, hash) in inputs.watched {
            try insert.execute(arguments: [testID, InputKind.watched.rawValue, path, hash])
        }
    }

    private func head(_ row: Row) throws -> (Int64, TestKey, TestInputs) {
        let key = TestKey(binary: try row.decode(atIndex: 1), name: try row.decode(atIndex: 2))
        let inputs = TestInputs(
            watchPatterns: try strings(row, 5, "watch patterns of the inputs of \(key)"),
            method: try row.decode(atIndex: 3),
            problems: try strings(row, 4, "problems of the inputs of \(key)"))
        return (try row.decode(atIndex: 0), key, inputs)
    }

    private func add(_ row: Row, to inputs: inout TestInputs, of key: TestKey) throws {
        let kindText: String = try row.decode(atIndex: 1)
        let name: String = try row.decode(atIndex: 2)
        let value: String = try row.decode(atIndex: 3)
        switch InputKind(rawValue: kindText) {
        case .file: inputs.files[name] = value
        case .env: inputs.env[name] = value
        case .network: inputs.network.append(name)
        case .watched: inputs.watched[name] = value
        case nil:
            throw StoreError.corrupt(path: pathString, detail: "inputs of \(key): unknown kind \(kindText)")
        }
        if kindText == InputKind.network.rawValue { inputs.network.sort() }
    }

    private func strings(_ row: Row, _ index: Int, _ what: String) throws -> [String] {
        let text: String = try row.decode(atIndex: index)
        // Most lists are empty: a decoder made and run for each costs more than the rest of the row.
        if text == "[]" { return [] }
        guard let list = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw StoreError.corrupt(path: pathString, detail: "\(what): not a JSON array of strings")
        }
        return list
    }

    /// A JSON array of strings, written by hand: JSONEncoder cost more than
    /// the rest of a result's transaction (two lists per recorded result).
    static func json(_ list: [String]) -> String {
        var text = "["
        for (index, item) in list.enumerated() {
            if index > 0 { text += "," }
            text += "\""
            for scalar in item.unicodeScalars {
                switch scalar {
                case "\"": text += "\\\""
                case "\\": text += "\\\\"
                case "\n": text += "\\n"
                case "\r": text += "\\r"
                case "\t": text += "\\t"
                case _ where scalar.value < 0x20:
                    let hex = String(scalar.value, radix: 16)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                default: text.unicodeScalars.append(scalar)
                }
            }
            text += "\""
        }
        return text + "]"
    }
}
