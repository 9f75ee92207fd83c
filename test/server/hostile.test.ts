import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CompletionRequest,
  type DocumentSymbol,
  DocumentSymbolRequest,
  FileChangeType,
  HoverRequest,
  ReferencesRequest,
  WorkspaceSymbolRequest,
} from 'vscode-languageserver-protocol';
import { SpansRequest, StatisticsRequest } from '../../server/src/protocol';
import { aliasBomb, bigCatalog, bigDocument, corpusWithLinkLoops, figure, hundredThousandFiles, nestedSpans, normalCorpus, peakMemoryMb, since, tmpFolder, unclosedLine } from '../support/hostile';
import { TestClient, fullCapabilities, uriOf } from '../support/lspClient';
import { unpackSpans } from '../support/spans';

// Hostile inputs, each answered with a diagnostic (or an error response), after which the server
// still answers the next request. Big inputs are built here, in os.tmpdir(). Times and memory are
// printed with CA_FIGURES=1; no test holds a time budget (the machine is shared), only generous
// timeouts. Where process-level behaviour matters (memory, stack depth) the bundled server runs
// as its own process, as other editors run it.

/** The position of the first `needle` in `text` (line and UTF-16 character), plus `offset`. */
function positionOf(text: string, needle: string, offset = 0): { line: number; character: number } {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `'${needle}' not found`);
  const before = text.slice(0, at + offset);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}

/** The server still answers a request about a normal document: hover on its داعش span. */
async function stillAnswers(client: TestClient, corpus: string): Promise<void> {
  const file = path.join(corpus, 'a.txt');
  const text = fs.readFileSync(file, 'utf8');
  const uri = await client.open(file, text);
  const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, 'داعش', 1) });
  assert.match((hover?.contents as { value: string } | undefined)?.value ?? '', /داعش/, 'hover on a normal document after the hostile input');
}

describe('hostile inputs: the language server answers and keeps answering', function () {
  this.timeout(120000);
  const folders: string[] = [];
  const clients: TestClient[] = [];
  const folder = (name: string): string => {
    const dir = tmpFolder(name);
    folders.push(dir);
    return dir;
  };
  const spawned = async (root: string, indexTimeoutMs = 60000): Promise<TestClient & { child: { pid?: number } }> => {
    const client = await TestClient.spawned(root, fullCapabilities(false), { indexTimeoutMs });
    clients.push(client);
    return client;
  };
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.stop();
    for (const dir of folders.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a 50 MB document: opened, diagnosed, edited', async () => {
    // Opened in the editor (the CLI suite reads one from disk): it reaches the server as one message.
    const root = normalCorpus(folder('50mb'));
    const text = bigDocument(50 * 1024 * 1024);
    const file = path.join(root, 'big.txt');
    const client = await spawned(root);
    let t0 = performance.now();
    const uri = await client.open(file, text);
    // Clean markup, but each line names the catalog's الخفاجي outside a span: ~390,000 hints.
    const diagnostics = await client.diagnosticsOf(uri, (d) => d.length > 0, '50 MB diagnostics', 60000);
    figure('50 MB document: open to first diagnostics', since(t0));
    assert.equal(diagnostics.length, 1001, 'at most 1,000 diagnostics, and a note of the rest');
    assert.deepEqual([diagnostics[0]!.code, diagnostics[1000]!.code], ['missed-mention', 'too-many-problems']);
    t0 = performance.now();
    await client.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '[' }]);
    await client.diagnosticsOf(uri, (d) => d.some((x) => x.code === 'unclosed-span'), 'the edit diagnosed', 60000);
    figure('50 MB document: one keystroke to diagnostics', since(t0));
    await stillAnswers(client, root);
    figure('50 MB document: server peak memory', `${peakMemoryMb(client.child.pid)} MB`);
  });

  it('100,000 properly nested spans: no stack overflow anywhere (parse, outline, hover, decorations)', async () => {
    const root = normalCorpus(folder('nested'));
    const client = await spawned(root);
    const text = nestedSpans(100_000);
    const t0 = performance.now();
    const uri = await client.open(path.join(root, 'deep.txt'), text);
    await client.diagnosticsOf(uri, () => true, 'diagnostics of 100,000 nested spans', 60000);
    const position = { line: 0, character: 100_000 };
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
    assert.ok(hover, 'hover on the innermost span');
    // The outline is sent as nested JSON: past a depth it is flat, and every span is there.
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
    let count = 0;
    let depth = 0;
    const stack: [DocumentSymbol, number][] = symbols.map((s) => [s, 1]);
    while (stack.length > 0) {
      const [symbol, d] = stack.pop()!;
      count++;
      depth = Math.max(depth, d);
      for (const child of symbol.children ?? []) stack.push([child, d + 1]);
    }
    assert.equal(count, 100_000, 'every span in the outline');
    assert.ok(depth <= 65, `the outline nests ${depth} deep`);
    const spans = unpackSpans((await client.connection.sendRequest(SpansRequest, { uri }))!);
    assert.equal(spans.length, 100_000);
    // Span i opens at character i, at depth i; the innermost closes right after 'س', each
    // enclosing one a `]{PER}` (6 characters) later.
    const misplaced = spans.findIndex((s, i) => {
      const close = 100_000 + 1 + 6 * (100_000 - 1 - i);
      return s.depth !== i || s.type !== 'PER' || s.range.start.line !== 0 || s.openRange.start.character !== i || s.closeRange.start.character !== close || s.range.end.character !== close + 6;
    });
    assert.equal(misplaced, -1, `span ${misplaced} misplaced: ${JSON.stringify(spans[misplaced])}`);
    figure('100,000 nested spans: open, diagnose, hover, outline, decorations', since(t0));
    await stillAnswers(client, root);
  });

  it('a 1 MB line of unclosed brackets: at most 1,000 diagnostics and a note of the rest', async () => {
    const root = normalCorpus(folder('unclosed'));
    const client = await spawned(root);
    const t0 = performance.now();
    const uri = await client.open(path.join(root, 'brackets.txt'), unclosedLine(1024 * 1024));
    const diagnostics = await client.diagnosticsOf(uri, (d) => d.length > 0, 'diagnostics of a line of brackets', 60000);
    figure('1 MB of unclosed brackets: open to diagnostics', since(t0));
    assert.equal(diagnostics.length, 1001);
    assert.ok(diagnostics.slice(0, 1000).every((d) => d.code === 'unclosed-span'));
    assert.deepEqual([diagnostics[1000]!.code, String(diagnostics[1000]!.message).split(' ')[0]], ['too-many-problems', String(1024 * 1024 - 1000)]);
    await stillAnswers(client, root);
  });

  it('invalid UTF-8, binary and empty files in a corpus: reported or read, never a crash', async () => {
    const root = normalCorpus(folder('bytes'));
    fs.writeFileSync(path.join(root, 'latin1.txt'), Buffer.from([0x71, 0x61, 0x6c, 0x0a, 0xe9, 0x74, 0xe9]));
    fs.writeFileSync(path.join(root, 'binary.txt'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00]));
    fs.writeFileSync(path.join(root, 'empty.txt'), '');
    const client = await TestClient.inProcess(root);
    clients.push(client);
    const latin1 = await client.diagnosticsOf(uriOf(path.join(root, 'latin1.txt')));
    assert.deepEqual(latin1.map((d) => [d.code, d.range.start, d.message]), [['unreadable-file', { line: 1, character: 0 }, 'not a UTF-8 text file: bytes that are not valid UTF-8']]);
    const binary = await client.diagnosticsOf(uriOf(path.join(root, 'binary.txt')));
    assert.deepEqual(binary.map((d) => d.code), ['unreadable-file']);
    const empty = await client.open(path.join(root, 'empty.txt'), '');
    assert.deepEqual(await client.diagnosticsOf(empty), []);
    await stillAnswers(client, root);
  });

  it('symbolic link loops under a corpus: each document indexed once', async () => {
    const root = corpusWithLinkLoops(folder('loops'));
    const client = await TestClient.inProcess(root);
    clients.push(client);
    const stats = await client.connection.sendRequest(StatisticsRequest, {});
    assert.equal(stats?.documents, 3, 'a.txt, b.txt and sub/c.txt, once each');
    await stillAnswers(client, root);
  });

  it('files deleted or renamed while indexing, and watcher events for files already gone', async () => {
    const root = normalCorpus(folder('churn'));
    for (let i = 0; i < 200; i++) fs.writeFileSync(path.join(root, `n${i}.txt`), `هاجم [داعش]{ORG @isis} ${i}\n`);
    // Listed, then gone when the server comes to read it: every fifth file is renamed away or
    // deleted right before it is opened (reading starts there; listing opens nothing).
    const nodeFs = require('node:fs') as { openSync: (...args: unknown[]) => number };
    const openSync = nodeFs.openSync;
    let vanished = 0;
    nodeFs.openSync = (...args: unknown[]) => {
      const m = /[\\/]n(\d+)\.txt$/.exec(String(args[0]));
      if (m && Number(m[1]) % 5 === 0 && fs.existsSync(String(args[0]))) {
        if (Number(m[1]) % 10 === 0) fs.renameSync(String(args[0]), path.join(root, `r${m[1]}.txt.moved`));
        else fs.rmSync(String(args[0]));
        vanished++;
      }
      return openSync(...args);
    };
    let client: TestClient;
    try {
      client = await TestClient.inProcess(root);
      clients.push(client);
    } finally {
      nodeFs.openSync = openSync;
    }
    assert.equal(vanished, 40, 'forty files vanished between listing and reading');
    const stats = await client.connection.sendRequest(StatisticsRequest, {});
    assert.equal(stats?.documents, 2 + 160, 'the rest are indexed');
    // Nothing it met is "unreadable": a file gone is just gone.
    assert.deepEqual([...client.diagnostics.values()].flat().filter((d) => d.code === 'unreadable-file'), []);
    // Watcher events for a file deleted, renamed, and created-then-deleted before the server looks.
    fs.renameSync(path.join(root, 'b.txt'), path.join(root, 'b2.txt'));
    fs.rmSync(path.join(root, 'n2.txt'), { force: true });
    await client.filesChanged([
      { uri: uriOf(path.join(root, 'b.txt')), type: FileChangeType.Deleted },
      { uri: uriOf(path.join(root, 'b2.txt')), type: FileChangeType.Created },
      { uri: uriOf(path.join(root, 'n2.txt')), type: FileChangeType.Deleted },
      { uri: uriOf(path.join(root, 'ghost.txt')), type: FileChangeType.Created },
      { uri: uriOf(path.join(root, 'ghost2.txt')), type: FileChangeType.Changed },
    ]);
    const aText = fs.readFileSync(path.join(root, 'a.txt'), 'utf8');
    const aUri = await client.open(path.join(root, 'a.txt'), aText);
    const refs = await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri: aUri }, position: positionOf(aText, 'الأمم'), context: { includeDeclaration: false } });
    assert.ok(refs!.every((r) => !r.uri.endsWith('/b.txt') && !r.uri.endsWith('/ghost.txt')));
    assert.ok(!client.diagnostics.has(uriOf(path.join(root, 'ghost.txt'))), 'no diagnostic for a file that is not there');
    await stillAnswers(client, root);
  });

  it('corpus.yaml: an alias bomb and a 10 MB file are refused with a diagnostic, and the rest works', async () => {
    const root = folder('yaml');
    normalCorpus(path.join(root, 'normal'));
    fs.mkdirSync(path.join(root, 'bomb'));
    fs.writeFileSync(path.join(root, 'bomb', 'corpus.yaml'), aliasBomb());
    fs.writeFileSync(path.join(root, 'bomb', 'doc.txt'), '[x]{PER}\n');
    fs.mkdirSync(path.join(root, 'huge'));
    fs.writeFileSync(path.join(root, 'huge', 'corpus.yaml'), `types: [PER]\n# ${'x'.repeat(10 * 1024 * 1024)}\n`);
    const t0 = performance.now();
    const client = await spawned(root);
    figure('alias bomb and a 10 MB corpus.yaml: index', since(t0));
    const bomb = await client.diagnosticsOf(uriOf(path.join(root, 'bomb', 'corpus.yaml')), (d) => d.length > 0);
    assert.deepEqual(bomb.map((d) => d.code), ['yaml-syntax']);
    assert.match(String(bomb[0]!.message), /resource exhaustion|alias/i);
    const huge = await client.diagnosticsOf(uriOf(path.join(root, 'huge', 'corpus.yaml')), (d) => d.length > 0);
    assert.deepEqual(huge.map((d) => [d.code, d.message]), [['unreadable-file', 'too large to read (10.0 MB; the limit is 8 MB)']]);
    await stillAnswers(client, path.join(root, 'normal'));
  });

  it('a catalog of 100,000 entities: indexed; hover, completion and symbol search answer', async () => {
    const root = normalCorpus(folder('catalog'));
    // The fixture's own entities last, so its documents still read as before.
    fs.writeFileSync(path.join(root, 'corpus.yaml'), bigCatalog(100_000) + '  isis: { type: ORG, name: داعش }\n  iraq: { type: GPE, name: العراق }\n  khafaji: { type: PER, name: الخفاجي }\n  un: { type: ORG, name: الأمم المتحدة }\n');
    let t0 = performance.now();
    const client = await spawned(root);
    figure('100,000-entity catalog: index', since(t0));
    const text = 'قال [اسم 5]{PER @e5} إن كنية 9 حضر.\n';
    const uri = await client.open(path.join(root, 'c.txt'), text);
    const diagnostics = await client.diagnosticsOf(uri, (d) => d.some((x) => x.code === 'missed-mention'), 'a catalog alias found', 30000);
    assert.deepEqual(diagnostics.map((d) => d.code), ['missed-mention']);
    t0 = performance.now();
    const completion = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: positionOf(text, '@e5', 1) });
    figure('100,000-entity catalog: completion after @', since(t0));
    const items = Array.isArray(completion) ? completion : (completion?.items ?? []);
    assert.equal(items.length, 50_001, 'the PER entities: half the catalog, and khafaji');
    assert.equal(items.find((i) => i.preselect)?.label, '@e5', 'the entity named like the surface comes first');
    t0 = performance.now();
    const symbols = await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'كنية 99' });
    figure('100,000-entity catalog: workspace symbol search', since(t0));
    assert.ok(Array.isArray(symbols) && symbols.length > 0 && symbols.length <= 500);
    const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: positionOf(text, 'اسم 5', 1) });
    assert.match((hover?.contents as { value: string }).value, /@e5/);
    await stillAnswers(client, root);
    figure('100,000-entity catalog: server peak memory', `${peakMemoryMb(client.child.pid)} MB`);
  });

  it('documents globs matching 100,000 files: all indexed, the server answers', async () => {
    const root = normalCorpus(folder('many'));
    fs.writeFileSync(path.join(root, 'corpus.yaml'), fs.readFileSync(path.join(root, 'corpus.yaml'), 'utf8') + 'documents: ["*.txt", "docs/**/*.txt"]\n');
    const { docs, ms } = hundredThousandFiles();
    figure('100,000 files: create (once for both suites)', `${Math.round(ms)} ms`);
    fs.symlinkSync(docs, path.join(root, 'docs'));
    let t0 = performance.now();
    const client = await spawned(root);
    figure('100,000 files: server index', since(t0));
    const stats = await client.connection.sendRequest(StatisticsRequest, {});
    assert.equal(stats?.documents, 100_002);
    t0 = performance.now();
    const text = fs.readFileSync(path.join(root, 'docs', 'd0', 'f0.txt'), 'utf8');
    const uri = await client.open(path.join(root, 'docs', 'd0', 'f0.txt'), text);
    const refs = await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position: positionOf(text, 'الخفاجي', 1), context: { includeDeclaration: false } });
    figure('100,000 files: references to a surface in 10,000 of them', since(t0));
    assert.ok(refs!.length >= 10_000);
    await stillAnswers(client, root);
    figure('100,000 files: server peak memory', `${peakMemoryMb(client.child.pid)} MB`);
  });

  it('an entities: path that leaves the corpus folder is refused, also through a symbolic link', async () => {
    const root = folder('escape');
    fs.writeFileSync(path.join(root, 'secret.yaml'), 'secret: { type: PER, name: كلمة السر }\n');
    const cases: [string, string, RegExp][] = [
      ['up', 'entities: ../secret.yaml', /must be a relative path inside the corpus folder/],
      ['absolute', `entities: ${path.join(root, 'secret.yaml')}`, /must be a relative path inside the corpus folder/],
      ['link', 'entities: people.yaml', /resolves to a place outside the corpus folder/],
    ];
    for (const [name, line] of cases) {
      normalCorpus(path.join(root, name));
      const config = fs.readFileSync(path.join(root, name, 'corpus.yaml'), 'utf8');
      fs.writeFileSync(path.join(root, name, 'corpus.yaml'), config.slice(0, config.indexOf('entities:')) + line + '\n');
      fs.writeFileSync(path.join(root, name, 'c.txt'), 'قال [كلمة السر]{PER @secret}\n');
    }
    fs.symlinkSync(path.join(root, 'secret.yaml'), path.join(root, 'link', 'people.yaml'));
    const client = await TestClient.inProcess(root);
    clients.push(client);
    for (const [name, , message] of cases) {
      const problems = await client.diagnosticsOf(uriOf(path.join(root, name, 'corpus.yaml')), (d) => d.length > 0);
      assert.ok(problems.some((d) => message.test(String(d.message)) && (d.code === 'entities-outside-corpus' || d.code === 'missing-entities-file')), `${name}: ${JSON.stringify(problems)}`);
      // The entity of the file outside is not in the catalog.
      const uri = await client.open(path.join(root, name, 'c.txt'));
      const diagnostics = await client.diagnosticsOf(uri, (d) => d.some((x) => x.code === 'unknown-entity'), `${name}: @secret unknown`);
      assert.ok(diagnostics.some((d) => d.code === 'unknown-entity'));
    }
  });
});
