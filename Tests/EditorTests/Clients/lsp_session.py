"""Drives `trim lsp` with pygls' LanguageClient, as an editor would.

Usage: lsp_session.py TRIM WORKSPACE SCENARIO
  full      the crate of LanguageServerTests: diagnostics, lenses, hover,
            failure path, fix, a cancelled round, a build failure, bad input
  notcargo  WORKSPACE is no cargo workspace: the server says so and lives on
  damaged   WORKSPACE's recorded bitcode is damaged: the server names it and lives on
Prints one JSON object of what it saw; exits 1 with the reason on a failed check.
"""
import asyncio
import json
import os
import sys
import time

from lsprotocol import types as lsp
from pygls.lsp.client import LanguageClient

TRIM, ROOT, SCENARIO = sys.argv[1], os.path.realpath(sys.argv[2]), sys.argv[3]
LIB = os.path.join(ROOT, "src", "lib.rs")
LIB_URI = "file://" + LIB
TIMEOUT = 240


class Failed(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failed(what)


class Session:
    def __init__(self):
        self.client = LanguageClient("trim-tests", "1")
        self.diagnostics = {}
        self.rounds = []
        self.messages = []
        self.progress = []
        c = self.client

        @c.feature(lsp.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params):
            self.diagnostics[params.uri] = params.diagnostics

        @c.feature("trim/roundFinished")
        def on_round(params):
            self.rounds.append({k: getattr(params, k) for k in dir(params) if not k.startswith("_")})

        @c.feature(lsp.WINDOW_SHOW_MESSAGE)
        def on_message(params):
            self.messages.append(params.message)

        @c.feature(lsp.WINDOW_WORK_DONE_PROGRESS_CREATE)
        def on_create(params):
            return None

        @c.feature(lsp.PROGRESS)
        def on_progress(params):
            self.progress.append((params.token, params.value.get("kind") if isinstance(params.value, dict)
                                  else getattr(params.value, "kind", None)))

    async def wait(self, condition, what, timeout=TIMEOUT):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            await asyncio.sleep(0.05)
        raise Failed("timed out waiting for " + what)

    async def round_finished(self, after):
        await self.wait(lambda: len(self.rounds) > after, "round %d to finish" % (after + 1))
        return self.rounds[after]

    def errors(self, uri=LIB_URI):
        return [d for d in self.diagnostics.get(uri, []) if d.severity == lsp.DiagnosticSeverity.Error]

    def save(self, text):
        with open(LIB, "w") as f:
            f.write(text)
        self.client.text_document_did_save(lsp.DidSaveTextDocumentParams(
            text_document=lsp.TextDocumentIdentifier(uri=LIB_URI)))


def line_of(text, needle):
    for number, line in enumerate(text.split("\n")):
        if needle in line:
            return number
    raise Failed("no line holds " + needle)


async def start(session):
    env = dict(os.environ)
    await session.client.start_io(TRIM, "lsp", cwd=ROOT, env=env)
    result = await session.client.initialize_async(lsp.InitializeParams(
        process_id=os.getpid(), root_uri="file://" + ROOT,
        capabilities=lsp.ClientCapabilities(window=lsp.WindowClientCapabilities(work_done_progress=True))))
    check(result.server_info.name == "trim", "server name")
    check(result.capabilities.hover_provider, "hover provider")
    check(result.capabilities.code_lens_provider is not None, "code lens provider")
    session.client.initialized(lsp.InitializedParams())
    return result


async def finish(session):
    await session.client.shutdown_async(None)
    session.client.exit(None)
    process = session.client._server
    for _ in range(200):
        if process.returncode is not None:
            break
        await asyncio.sleep(0.05)
    status = process.returncode
    await session.client.stop()
    return status


async def full():
    s = Session()
    seen = {}
    text = open(LIB).read()
    await start(s)
    s.client.text_document_did_open(lsp.DidOpenTextDocumentParams(text_document=lsp.TextDocumentItem(
        uri=LIB_URI, language_id="rust", version=1, text=text)))
    first = await s.round_finished(0)
    check(first["failed"] == 1, "round 1: one failure, got %r" % first)
    await s.wait(lambda: s.errors(), "a diagnostic for the failing test")
    (error,) = s.errors()
    panic_line = line_of(text, "assert_eq!(double(2), 4")
    check(error.range.start.line == panic_line, "the diagnostic is on the panic line %d: %r" % (panic_line, error.range))
    check(error.range.start.character == 8, "at the panic's column: %r" % error.range)
    check(error.source == "trim", "source trim")
    check("two doubled" in error.message, "the panic message: %r" % error.message)
    related = error.related_information or []
    check(related and related[0].location.uri == LIB_URI
          and related[0].location.range.start.line == line_of(text, "fn doubles()"), "related: the test function")
    check(any(kind == "begin" for _, kind in s.progress) and any(kind == "end" for _, kind in s.progress),
          "progress begin and end: %r" % s.progress)
    seen["diagnostic"] = {"line": error.range.start.line, "message": error.message}

    lenses = await s.client.text_document_code_lens_async(lsp.CodeLensParams(
        text_document=lsp.TextDocumentIdentifier(uri=LIB_URI)))
    by_line = {}
    for lens in lenses:
        by_line.setdefault(lens.range.start.line, []).append(lens.command.title)
    check(any("failed" in t for t in by_line.get(line_of(text, "fn doubles()"), [])), "lens on doubles: %r" % by_line)
    check(any("passed" in t for t in by_line.get(line_of(text, "fn negative()"), [])), "lens on negative: %r" % by_line)
    check("1 test · 1 failing" in by_line.get(line_of(text, "pub fn double("), []), "lens on double: %r" % by_line)
    check(any(t.endswith("· 0 failing") for t in by_line.get(line_of(text, "pub fn classify("), [])),
          "lens on classify: %r" % by_line)
    run_lens = [l for l in lenses if l.range.start.line == line_of(text, "fn doubles()")][0]
    check(run_lens.command.command == "trim.runTest", "a run command on the test lens")
    seen["lenses"] = by_line

    hover = await s.client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=LIB_URI),
        position=lsp.Position(line=line_of(text, '"negative"'), character=8)))
    check(hover and "tests::negative" in hover.contents.value and "passed" in hover.contents.value
          and "doubles" not in hover.contents.value, "hover on the negative branch: %r" % hover)
    seen["hover"] = hover.contents.value

    actions = await s.client.text_document_code_action_async(lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=LIB_URI), range=error.range,
        context=lsp.CodeActionContext(diagnostics=[error])))
    check(actions and actions[0].command == "trim.showFailurePath", "the failure path as a code action: %r" % actions)
    path = await s.client.workspace_execute_command_async(lsp.ExecuteCommandParams(
        command=actions[0].command, arguments=actions[0].arguments))
    files = {f["file"]: f["ranges"] for f in path["files"]}
    double_body = line_of(text, "n * 3") + 1
    check(any(a <= double_body <= b for a, b in files.get("src/lib.rs", [])), "the path holds double's body: %r" % files)
    await s.wait(lambda: any(d.severity == lsp.DiagnosticSeverity.Information for d in s.diagnostics.get(LIB_URI, [])),
                 "the path shown as information diagnostics")
    seen["path"] = files

    # The fix, saved: the diagnostic goes.
    fixed = text.replace("n * 3", "n * 2")
    s.save(fixed)
    fix_round = await s.round_finished(1)
    check(fix_round["failed"] == 0 and fix_round["run"] >= 1, "the fix's round: %r" % fix_round)
    await s.wait(lambda: not s.errors(), "the diagnostic to clear")
    await s.client.workspace_execute_command_async(lsp.ExecuteCommandParams(command="trim.clearFailurePath"))

    # A newer save cancels a round in progress; the unfinished test runs in the next round.
    marker = os.environ["LSP_MARKER"]
    s.save(fixed.replace("    0\n}", "    60\n}"))
    await s.wait(lambda: os.path.exists(marker), "the slow test to start")
    s.save(fixed.replace("    0\n}", "    1\n}"))
    cancelled = await s.round_finished(2)
    check(cancelled["cancelled"] is True, "the older round is cancelled: %r" % cancelled)
    after = await s.round_finished(3)
    check(after["cancelled"] is False and after["run"] == 1 and after["failed"] == 0,
          "the newer round runs the unfinished test: %r" % after)
    hover = await s.client.text_document_hover_async(lsp.HoverParams(
        text_document=lsp.TextDocumentIdentifier(uri=LIB_URI),
        position=lsp.Position(line=line_of(fixed, "let seconds = pause()"), character=8)))
    check(hover and "tests::slow" in hover.contents.value and "passed" in hover.contents.value, "slow passed: %r" % hover)
    seen["cancelled"] = cancelled

    # A build failure is shown, the server lives on.
    s.save(fixed + "\nfn broken( {\n")
    await s.round_finished(4)
    check(any("the build failed" in m for m in s.messages), "a build failure message: %r" % s.messages)

    # Bad input: a file outside the workspace, a malformed message.
    try:
        await s.client.text_document_hover_async(lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri="file:///etc/passwd"), position=lsp.Position(line=0, character=0)))
        raise Failed("hover outside the workspace answered without an error")
    except Failed:
        raise
    except Exception as e:
        check("outside the workspace" in str(e), "outside the workspace: %s" % e)
    s.client._server.stdin.write(b"Content-Length: 9\r\n\r\n{not json")
    lenses = await s.client.text_document_code_lens_async(lsp.CodeLensParams(
        text_document=lsp.TextDocumentIdentifier(uri=LIB_URI)))
    check(lenses is not None, "answers after a malformed message")
    seen["exit"] = await finish(s)
    check(seen["exit"] == 0, "exit status 0 after shutdown, got %r" % seen["exit"])
    return seen


async def notcargo():
    s = Session()
    await start(s)
    await s.wait(lambda: s.messages, "a message saying the workspace is not cargo's")
    try:
        await s.client.text_document_hover_async(lsp.HoverParams(
            text_document=lsp.TextDocumentIdentifier(uri="file://" + ROOT + "/x.rs"), position=lsp.Position(line=0, character=0)))
    except Exception as e:
        pass
    status = await finish(s)
    check(status == 0, "exit status 0, got %r" % status)
    return {"messages": s.messages, "exit": status}


async def damaged():
    s = Session()
    await start(s)
    await s.wait(lambda: any("cannot map blocks to source lines" in m for m in s.messages),
                 "a message naming the bitcode that cannot be read")
    lenses = await s.client.text_document_code_lens_async(lsp.CodeLensParams(
        text_document=lsp.TextDocumentIdentifier(uri=LIB_URI)))
    check(lenses is not None, "answers after the bitcode could not be read")
    status = await finish(s)
    check(status == 0, "exit status 0, got %r" % status)
    return {"messages": s.messages, "exit": status}


async def main():
    scenarios = {"full": full, "notcargo": notcargo, "damaged": damaged}
    try:
        seen = await scenarios[SCENARIO]()
    except Failed as failure:
        print(json.dumps({"failed": str(failure)}))
        sys.exit(1)
    print(json.dumps(seen, default=str))


asyncio.run(main())
