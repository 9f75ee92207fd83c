import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  type CodeAction,
  CodeActionRequest,
  CompletionRequest,
  DefinitionRequest,
  type Diagnostic,
  DocumentDiagnosticRequest,
  type DocumentSymbol,
  DocumentSymbolRequest,
  FileChangeType,
  HoverRequest,
  type Location,
  PrepareRenameRequest,
  ReferencesRequest,
  RenameRequest,
  type TextEdit,
  type WorkspaceEdit,
  WorkspaceSymbolRequest,
} from 'vscode-languageserver-protocol';
import { ExportRequest, MentionsRequest, SpansRequest, StatisticsRequest } from '../../server/src/protocol';
import { TestClient, fullCapabilities, uriOf } from '../support/lspClient';
import { FIXTURES, SEEDS } from '../support/paths';
import { unpackSpans } from '../support/spans';
import { removeTempFolders, tempFolder } from '../support/tempFolders';

const FIXTURE = path.join(FIXTURES, 'server');

after(removeTempFolders);

/** A fresh copy of a fixture corpus, so tests may edit files on disk. */
function copyFixture(name: string): string {
  const dir = tempFolder(`ca-server-${name}-`);
  fs.cpSync(path.join(FIXTURE, name), dir, { recursive: true });
  return dir;
}

/** The position of the `n`th occurrence of `needle` in a text, plus `offset` characters. */
function positionOf(text: string, needle: string, offset = 0, n = 0): { line: number; character: number } {
  let at = -1;
  for (let i = 0; i <= n; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `'${needle}' not found`);
  const before = text.slice(0, at + offset);
  const line = before.split('\n').length - 1;
  return { line, character: before.length - before.lastIndexOf('\n') - 1 };
}

/** Applies the edits of one document in a WorkspaceEdit to its text. */
function applyTextEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offsetOf = (p: { line: number; character: number }): number => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  const sorted = [...edits].sort((a, b) => offsetOf(b.range.start) - offsetOf(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offsetOf(e.range.start)) + e.newText + out.slice(offsetOf(e.range.end));
  return out;
}

function textAt(text: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const lines = text.split('\n');
  if (range.start.line === range.end.line) return lines[range.start.line]!.slice(range.start.character, range.end.character);
  return [lines[range.start.line]!.slice(range.start.character), ...lines.slice(range.start.line + 1, range.end.line), lines[range.end.line]!.slice(0, range.end.character)].join('\n');
}

describe('language server (a real LSP client over streams)', function () {
  this.timeout(20000);
  let dir: string;
  let client: TestClient;
  let aText: string;
  let aUri: string;

  beforeEach(async () => {
    dir = copyFixture('corpus');
    client = await TestClient.inProcess(dir);
    aText = fs.readFileSync(path.join(dir, 'a.txt'), 'utf8');
    aUri = await client.open(path.join(dir, 'a.txt'));
  });
  afterEach(async () => {
    await client.stop();
  });

  describe('initialize, sync and index', () => {
    it('negotiates UTF-16 positions and announces its features', () => {
      const caps = client.initializeResult!.capabilities;
      assert.equal(caps.positionEncoding, 'utf-16');
      assert.deepEqual(caps.completionProvider!.triggerCharacters, ['{', '@', ' ', '=']);
      assert.deepEqual(caps.renameProvider, { prepareProvider: true });
      assert.equal(caps.textDocumentSync && typeof caps.textDocumentSync === 'object' && caps.textDocumentSync.change, 2, 'incremental sync');
    });

    it('reports indexing progress and registers file watchers dynamically', async () => {
      const kinds = client.progress.map((p) => (p as { kind: string }).kind);
      assert.equal(kinds[0], 'begin');
      assert.ok(kinds.includes('report'));
      assert.equal(kinds[kinds.length - 1], 'end');
      await client.until(() => client.registrations.length > 0, 'watcher registration');
      const registration = client.registrations[0] as { method: string; registerOptions: { watchers: { globPattern: unknown }[] } };
      assert.equal(registration.method, 'workspace/didChangeWatchedFiles');
      assert.ok(registration.registerOptions.watchers.some((w) => w.globPattern === '**/corpus.yaml'));
    });

    it('indexes documents that are not open (references reach closed files)', async () => {
      const refs = await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri: aUri }, position: positionOf(aText, 'داعش'), context: { includeDeclaration: false } });
      assert.deepEqual(refs!.map((r) => path.basename(r.uri)).sort(), ['a.txt', 'b.txt']);
    });

    it('follows incremental edits', async () => {
      await client.diagnosticsOf(aUri);
      const at = positionOf(aText, '{GPE @iraq}', 1);
      await client.change(aUri, [{ range: { start: at, end: { line: at.line, character: at.character + 3 } }, text: 'GEO' }]);
      const diagnostics = await client.diagnosticsOf(aUri, (d) => d.some((x) => x.code === 'unknown-type'));
      const d = diagnostics.find((x) => x.code === 'unknown-type')!;
      assert.equal(d.source, 'corpus-annotator');
      assert.deepEqual(d.range, { start: at, end: { line: at.line, character: at.character + 3 } });
    });

    it('follows files changed on disk (didChangeWatchedFiles)', async () => {
      const file = path.join(dir, 'c.txt');
      fs.writeFileSync(file, 'هاجم [داعش]{ORG @isis} مجدداً.\n');
      await client.filesChanged([{ uri: uriOf(file), type: FileChangeType.Created }]);
      const refs = await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri: aUri }, position: positionOf(aText, 'داعش'), context: { includeDeclaration: false } });
      assert.deepEqual(refs!.map((r) => path.basename(r.uri)).sort(), ['a.txt', 'b.txt', 'c.txt']);
      fs.rmSync(file);
      await client.filesChanged([{ uri: uriOf(file), type: FileChangeType.Deleted }]);
      const after = await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri: aUri }, position: positionOf(aText, 'داعش'), context: { includeDeclaration: false } });
      assert.deepEqual(after!.map((r) => path.basename(r.uri)).sort(), ['a.txt', 'b.txt']);
    });

    it('re-checks the corpus when corpus.yaml is edited, and reports corpus.yaml problems', async () => {
      await client.diagnosticsOf(aUri, (d) => d.length === 0);
      const configPath = path.join(dir, 'corpus.yaml');
      const configText = fs.readFileSync(configPath, 'utf8');
      const configUri = await client.open(configPath, configText, 'yaml');
      // Rename GPE to LOC in the buffer only: every GPE span becomes an unknown type.
      const at = positionOf(configText, '  GPE:', 2);
      await client.change(configUri, [{ range: { start: at, end: { line: at.line, character: at.character + 3 } }, text: 'LOC' }]);
      const diagnostics = await client.diagnosticsOf(aUri, (d) => d.filter((x) => x.code === 'unknown-type').length === 2, 'unknown GPE after the edit');
      assert.ok(diagnostics.every((d) => d.code === 'unknown-type'));
      assert.ok((await client.diagnosticsOf(configUri, (d) => d.some((x) => x.code === 'unknown-type'))).some((d) => /entity 'iraq' has type 'GPE'/.test(String(d.message))));
    });
  });

  describe('diagnostics', () => {
    it('pushes each diagnostic with its code and source', async () => {
      const text = 'قال [الخفاجي]{PER @nobody} و]\n';
      const uri = await client.open(path.join(dir, 'bad.txt'), text);
      const diagnostics = await client.diagnosticsOf(uri, (d) => d.length >= 2);
      assert.deepEqual(diagnostics.map((d) => [d.code, d.source, textAt(text, d.range)]), [
        ['unknown-entity', 'corpus-annotator', 'nobody'],
        ['unmatched-bracket', 'corpus-annotator', ']'],
      ]);
    });

    it('diagnoses a burst of edits in its last version, and nothing older after it', async () => {
      const uri = await client.open(path.join(dir, 'burst.txt'), 'قال الخفاجي\n');
      const before = (await client.diagnosticsOf(uri)).length;
      // Eleven edits back to back (versions 2 to 12): a stray bracket, letters after it, the bracket deleted.
      const at = (character: number) => ({ line: 0, character });
      await client.change(uri, [{ range: { start: at(3), end: at(3) }, text: ']' }]);
      for (let k = 1; k <= 9; k++) await client.change(uri, [{ range: { start: at(3 + k), end: at(3 + k) }, text: 'ب' }]);
      await client.change(uri, [{ range: { start: at(3), end: at(4) }, text: '' }]);
      const ofBurst = () => client.publications.filter((p) => p.uri === uri && p.version !== undefined && p.version > 1);
      await client.until(() => ofBurst().some((p) => p.version === 12), 'diagnostics of version 12');
      // Longer than the server's quiet time: a stale diagnosis would have come by now.
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.deepEqual(ofBurst().at(-1), { uri, version: 12, count: before });
      assert.ok(ofBurst().length < 11, `${ofBurst().length} diagnoses for 11 edits`);
    });

    it('refreshes cross-document diagnostics in other open documents', async () => {
      const bUri = await client.open(path.join(dir, 'b.txt'));
      await client.diagnosticsOf(bUri, (d) => d.length === 0);
      // Two more GPE spans for داعش in a.txt make ORG the minority in b.txt.
      const end = { line: aText.split('\n').length - 1, character: 0 };
      await client.change(aUri, [{ range: { start: end, end }, text: '[داعش]{GPE} [داعش]{GPE} [داعش]{GPE}\n' }]);
      const diagnostics = await client.diagnosticsOf(bUri, (d) => d.some((x) => x.code === 'conflicting-type'), 'conflicting-type in b.txt');
      const conflict = diagnostics.find((d) => d.code === 'conflicting-type')!;
      assert.ok(conflict.relatedInformation!.length >= 3);
      assert.ok(conflict.relatedInformation!.every((r) => r.location.uri === aUri));
    });

    it('answers pull requests when the client pulls, and asks it to refresh after cross-document changes', async () => {
      const pullDir = copyFixture('corpus');
      const pulling = await TestClient.inProcess(pullDir, { pull: true });
      try {
        assert.ok(pulling.initializeResult!.capabilities.diagnosticProvider);
        const text = 'قال [الخفاجي]{ORG @khafaji}\n';
        const uri = await pulling.open(path.join(pullDir, 'x.txt'), text);
        const report = await pulling.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } });
        assert.equal(report.kind, 'full');
        assert.deepEqual((report as { items: Diagnostic[] }).items.map((d) => d.code).sort(), ['conflicting-type', 'type-mismatch']);
        // Pulled again with the id of what it shows, nothing changed: "unchanged", no items.
        const resultId = (report as { resultId?: string }).resultId;
        assert.ok(resultId);
        const again = await pulling.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri }, previousResultId: resultId });
        assert.deepEqual(again, { kind: 'unchanged', resultId });
        const other = await pulling.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri }, previousResultId: 'an-older-id' });
        assert.equal(other.kind, 'full');
        const before = pulling.pullRefreshes;
        await pulling.change(uri, [{ range: { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, text: 'x' }]);
        await pulling.until(() => pulling.pullRefreshes > before, 'a diagnostic refresh request');
        assert.equal(pulling.diagnostics.has(uri), false, 'nothing pushed to a pulling client');
        // The edit moved nothing of what was reported, but the line is new: same content, same id.
        const edited = await pulling.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri }, previousResultId: resultId });
        assert.equal(edited.kind, 'unchanged');
        await pulling.change(uri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'و' }]);
        const moved = await pulling.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri }, previousResultId: resultId });
        assert.equal(moved.kind, 'full', 'an edit before the problems moves them');
      } finally {
        await pulling.stop();
      }
    });
  });

  describe('hover', () => {
    it('on a span: type, entity with aliases, description and links, attributes, note, counts', async () => {
      const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: aUri }, position: positionOf(aText, 'الخفاجي', 2) });
      const value = (hover!.contents as { value: string }).value;
      for (const expected of ['**PER** · شخص', 'A named person', '`@khafaji` · **تحسين الخفاجي** · PER', 'Also: الخفاجي', 'Spokesman of the Joint Operations Command', '`role` = spokesperson', '*Note:* المتحدث الرسمي', '| `@khafaji` | 1 | 2 |', '| PER | 1 | 2 |']) {
        assert.ok(value.includes(expected), `hover lacks ${expected}:\n${value}`);
      }
      assert.equal(textAt(aText, hover!.range!), '[الخفاجي]{PER @khafaji role=spokesperson note="المتحدث الرسمي"}');
    });

    it('renders catalog links as links', async () => {
      const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: aUri }, position: positionOf(aText, 'داعش', 1) });
      assert.match((hover!.contents as { value: string }).value, /\[Wikidata Q2429253\]\(https:\/\/www\.wikidata\.org\/wiki\/Q2429253\)/);
    });

    it('on a corpus.yaml entry: its counts', async () => {
      const configPath = path.join(dir, 'corpus.yaml');
      const configText = fs.readFileSync(configPath, 'utf8');
      const configUri = await client.open(configPath, configText, 'yaml');
      const type = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: configUri }, position: positionOf(configText, '  GPE:', 3) });
      assert.match((type!.contents as { value: string }).value, /3 mentions in 2 documents of 2/);
      const entity = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: configUri }, position: positionOf(configText, '  isis:', 3) });
      assert.match((entity!.contents as { value: string }).value, /2 mentions in 2 documents of 2/);
    });

    it('on plain text: nothing', async () => {
      assert.equal(await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: aUri }, position: positionOf(aText, 'قال') }), null);
    });
  });

  describe('navigation', () => {
    const configText = (): string => fs.readFileSync(path.join(dir, 'corpus.yaml'), 'utf8');
    const definitionAt = (needle: string, offset: number, n = 0) => client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: aUri }, position: positionOf(aText, needle, offset, n) }) as Promise<Location | null>;

    it('definition: a type goes to its entry in corpus.yaml', async () => {
      const location = await definitionAt('GPE', 1);
      assert.equal(path.basename(location!.uri), 'corpus.yaml');
      assert.equal(textAt(configText(), location!.range), 'GPE');
    });

    it('definition: an @id and the surface of a linked span go to the catalog entry', async () => {
      for (const [needle, offset] of [['@isis', 2], ['داعش', 1]] as const) {
        const location = await definitionAt(needle, offset);
        assert.equal(textAt(configText(), location!.range), 'isis');
      }
    });

    it('definition: into a separate entities file', async () => {
      const catalogDir = copyFixture('catalog-file');
      const other = await TestClient.inProcess(catalogDir);
      try {
        const text = fs.readFileSync(path.join(catalogDir, 'doc.txt'), 'utf8');
        const uri = await other.open(path.join(catalogDir, 'doc.txt'), text);
        const location = (await other.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: positionOf(text, '@numan', 2) })) as Location;
        assert.equal(location.uri, uriOf(path.join(catalogDir, 'people', 'entities.yaml')));
        assert.equal(textAt(fs.readFileSync(path.join(catalogDir, 'people', 'entities.yaml'), 'utf8'), location.range), 'numan');
      } finally {
        await other.stop();
      }
    });

    it('references: from a span, a type, an @id and a corpus.yaml entry, across open and closed documents', async () => {
      const surfaces = (locations: Location[]) =>
        locations.map((l) => `${path.basename(l.uri)}:${textAt(fs.readFileSync(path.join(dir, path.basename(l.uri)), 'utf8'), l.range)}`);
      const fromSpan = (await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri: aUri }, position: positionOf(aText, 'العراق', 1), context: { includeDeclaration: false } }))!;
      assert.deepEqual(surfaces(fromSpan), ['a.txt:العراق', 'a.txt:العراق', 'b.txt:العراق']);
      const fromType = (await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri: aUri }, position: positionOf(aText, 'ORG', 1), context: { includeDeclaration: true } }))!;
      assert.deepEqual(surfaces(fromType), ['corpus.yaml:ORG', 'a.txt:داعش', 'a.txt:[الأمم المتحدة]{ORG @un} في [العراق]{GPE @iraq}', 'a.txt:الأمم المتحدة', 'b.txt:داعش']);
      const configUri = await client.open(path.join(dir, 'corpus.yaml'), configText(), 'yaml');
      const fromEntry = (await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri: configUri }, position: positionOf(configText(), 'khafaji:', 1), context: { includeDeclaration: false } }))!;
      assert.deepEqual(surfaces(fromEntry), ['a.txt:الخفاجي', 'b.txt:الخفاجي']);
    });

    it('references kept between two asks follow an edit, a new mention and a new corpus.yaml', async () => {
      const ask = async (text: string, needle: string, n: number) =>
        (await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri: aUri }, position: positionOf(text, needle, 1, n), context: { includeDeclaration: false } }))!;
      const inA = (locations: Location[]) => locations.filter((l) => l.uri === aUri).map((l) => l.range);
      const rangeOf = (text: string, surface: string) => ({ start: positionOf(text, surface), end: positionOf(text, surface, surface.length) });
      const first = await ask(aText, '@isis', 0);
      assert.deepEqual(await ask(aText, '@isis', 0), first, 'asked again with nothing changed');
      assert.deepEqual(inA(first), [rangeOf(aText, 'داعش')]);

      // Text typed before the span, on its line: the same mentions, each further along the line.
      const line = positionOf(aText, 'قال');
      await client.change(aUri, [{ range: { start: line, end: line }, text: 'ثم ' }]);
      let text = aText.replace('قال', 'ثم قال');
      const moved = await ask(text, '@isis', 0);
      assert.deepEqual(inA(moved), [rangeOf(text, 'داعش')]);
      assert.equal(moved.length, first.length);

      // A new mention at the end of the document, typed through the catalog (no type of its own).
      const end = text.indexOf('الوضع.') + 'الوضع.'.length;
      await client.change(aUri, [{ range: { start: positionOf(text, 'الوضع.', 6), end: positionOf(text, 'الوضع.', 6) }, text: '\nهاجم [التنظيم]{@isis}.' }]);
      text = `${text.slice(0, end)}\nهاجم [التنظيم]{@isis}.${text.slice(end)}`;
      assert.deepEqual(inA(await ask(text, '@isis', 0)), [rangeOf(text, 'داعش'), rangeOf(text, 'التنظيم')]);
      const organisations = inA(await ask(text, 'ORG', 0));
      assert.deepEqual(organisations.slice(-1), [rangeOf(text, 'التنظيم')], 'of type ORG through the catalog');

      // The catalog gives isis another type: the type's references no longer hold that mention.
      const configPath = path.join(dir, 'corpus.yaml');
      const yaml = fs.readFileSync(configPath, 'utf8');
      const configUri = await client.open(configPath, yaml);
      const typeAt = positionOf(yaml, 'type: ORG', 6);
      await client.change(configUri, [{ range: { start: typeAt, end: { line: typeAt.line, character: typeAt.character + 3 } }, text: 'PER' }]);
      // corpus.yaml is read again after a short quiet time.
      let after = organisations;
      for (let tries = 0; tries < 50 && after.length === organisations.length; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        after = inA(await ask(text, 'ORG', 0));
      }
      assert.deepEqual(after, organisations.slice(0, -1));
      // The documents as the other tests know them.
      await client.change(aUri, [{ text: aText }]);
      await client.change(configUri, [{ text: yaml }]);
      await client.close(configUri);
    });

    it('rename: a type across every document and corpus.yaml, as one workspace edit', async () => {
      const position = positionOf(aText, 'GPE', 1);
      const prepared = await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: aUri }, position });
      assert.deepEqual(prepared, { range: { start: positionOf(aText, 'GPE'), end: positionOf(aText, 'GPE', 3) }, placeholder: 'GPE' });
      const edit = (await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri: aUri }, position, newName: 'COUNTRY' })) as WorkspaceEdit;
      const changed = Object.fromEntries(Object.entries(edit.changes!).map(([uri, edits]) => [path.basename(uri), applyTextEdits(fs.readFileSync(new URL(uri), 'utf8'), edits)]));
      assert.deepEqual(Object.keys(changed).sort(), ['a.txt', 'b.txt', 'corpus.yaml']);
      assert.ok(!changed['a.txt']!.includes('GPE') && changed['a.txt']!.includes('[العراق]{COUNTRY @iraq}'));
      assert.ok(changed['corpus.yaml']!.includes('  COUNTRY: { name: كيان'));
      assert.ok(changed['corpus.yaml']!.includes('    type: COUNTRY'));
    });

    it('rename: an @id across documents and the catalog', async () => {
      const edit = (await client.connection.sendRequest(RenameRequest.type, { textDocument: { uri: aUri }, position: positionOf(aText, '@isis', 2), newName: 'daesh' })) as WorkspaceEdit;
      const files = Object.entries(edit.changes!).map(([uri, edits]) => [path.basename(uri), edits.map((e) => e.newText)]);
      assert.deepEqual(files.sort(), [
        ['a.txt', ['daesh']],
        ['b.txt', ['daesh']],
        ['corpus.yaml', ['daesh']],
      ]);
    });

    it('prepareRename refuses what cannot be renamed, with a reason; rename refuses a name taken', async () => {
      await assert.rejects(client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: { uri: aUri }, position: positionOf(aText, 'قال') }), /Only an entity type or an @id can be renamed/);
      await assert.rejects(client.connection.sendRequest(RenameRequest.type, { textDocument: { uri: aUri }, position: positionOf(aText, 'GPE', 1), newName: 'ORG' }), /already exists/);
      await assert.rejects(client.connection.sendRequest(RenameRequest.type, { textDocument: { uri: aUri }, position: positionOf(aText, 'GPE', 1), newName: '1X' }), /not a valid type name/);
    });
  });

  describe('symbols', () => {
    it('outlines spans as they nest, named by surface, with type and id, a kind per type', async () => {
      const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: aUri } })) as DocumentSymbol[];
      const flat = (list: DocumentSymbol[], depth = 0): string[] => list.flatMap((s) => [`${'  '.repeat(depth)}${s.name} (${s.detail}) ${s.kind}`, ...flat(s.children ?? [], depth + 1)]);
      assert.deepEqual(flat(symbols), ['الخفاجي (PER @khafaji) 5', 'داعش (ORG @isis) 2', 'العراق (GPE @iraq) 3', 'الأمم المتحدة في العراق (ORG) 2', '  الأمم المتحدة (ORG @un) 2', '  العراق (GPE @iraq) 3']);
      // Each symbol spans its whole markup and selects its surface.
      const all = (list: DocumentSymbol[]): DocumentSymbol[] => list.flatMap((s) => [s, ...all(s.children ?? [])]);
      for (const symbol of all(symbols)) {
        assert.match(textAt(aText, symbol.range), /^\[.*\]\{[^}]*\}$/);
        // The surface as written: nested spans' markup in it, the name without.
        assert.equal(textAt(aText, symbol.selectionRange).replace(/\[([^\]]*)\]\{[^}]*\}/g, '$1'), symbol.name);
      }
    });

    it('outlines corpus.yaml: its types and entities', async () => {
      const configPath = path.join(dir, 'corpus.yaml');
      const configUri = await client.open(configPath, fs.readFileSync(configPath, 'utf8'), 'yaml');
      const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: configUri } })) as DocumentSymbol[];
      assert.deepEqual(
        symbols.map((s) => [s.name, s.children!.map((c) => c.name)]),
        [
          ['types', ['PER', 'ORG', 'GPE']],
          ['entities', ['khafaji', 'isis', 'un', 'iraq']],
        ],
      );
    });

    it('finds catalog entities and surfaces on the Arabic key: no hamza, no diacritics', async () => {
      const found = await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'الامم' });
      assert.deepEqual(
        (found as { name: string; location: Location }[]).map((s) => [s.name, path.basename(s.location.uri)]),
        [
          ['الأمم المتحدة', 'corpus.yaml'],
          // The surfaces in the order the index lists their keys: the catalog's names first.
          ['الأمم المتحدة', 'a.txt'],
          ['الأمم المتحدة في العراق', 'a.txt'],
        ],
      );
      const withDiacritics = await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'العِراق' });
      assert.ok((withDiacritics as { name: string }[]).some((s) => s.name === 'العراق'));
    });
  });

  describe('completion inside a label', () => {
    async function completeAt(text: string, needle: string) {
      const uri = await client.open(path.join(dir, `complete-${Math.random().toString(36).slice(2)}.txt`), text);
      const position = positionOf(text, needle, needle.length);
      const list = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
      return (list as { items: { label: string; detail?: string; textEdit?: { newText: string } }[] } | null)?.items ?? [];
    }

    it('after {: the types with their Arabic names', async () => {
      const items = await completeAt('قال [الخفاجي]{\n', ']{');
      assert.deepEqual(
        items.filter((i) => !i.label.startsWith('@')).map((i) => [i.label, i.detail]),
        [
          ['PER', 'شخص'],
          ['ORG', 'منظمة'],
          ['GPE', 'كيان جغرافي سياسي'],
        ],
      );
    });

    it('after @: the ids, filtered by the type written, the surface\'s entity first', async () => {
      const items = await completeAt('قال [الخفاجي]{PER @\n', '@');
      assert.deepEqual(items.map((i) => [i.label, i.detail]), [['@khafaji', 'تحسين الخفاجي · PER']]);
      const orgs = await completeAt('قال [التنظيم]{ORG @\n', '@');
      assert.deepEqual(orgs.map((i) => i.label).sort(), ['@isis', '@un']);
      assert.equal((orgs.find((i) => i.label === '@isis') as { preselect?: boolean }).preselect, true);
    });

    it('after a space: attribute keys; after =: their allowed values', async () => {
      const keys = await completeAt('قال [الخفاجي]{PER @khafaji \n', '@khafaji ');
      assert.deepEqual(keys.map((i) => i.label), ['role=', 'note=""']);
      const values = await completeAt('قال [الخفاجي]{PER role=\n', 'role=');
      assert.deepEqual(values.map((i) => i.label), ['spokesperson', 'leader']);
    });

    it('outside a label: nothing', async () => {
      assert.deepEqual(await completeAt('قال الخفاجي {PER} \n', 'قال'), []);
    });
  });

  describe('code actions', () => {
    async function actionsAt(uri: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }, diagnostics: Diagnostic[] = []) {
      return (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics } })) as CodeAction[];
    }

    it('offers the quick fix of a fixable diagnostic', async () => {
      const text = 'قال [الخفاجي]{PRE} و[ الخفاجي]{PER}\n';
      const uri = await client.open(path.join(dir, 'fix.txt'), text);
      const diagnostics = await client.diagnosticsOf(uri, (d) => d.length >= 2);
      const actions = await actionsAt(uri, diagnostics[0]!.range, diagnostics);
      const fixes = actions.filter((a) => a.kind === 'quickfix').map((a) => [a.title, applyTextEdits(text, a.edit!.changes![uri]!)]);
      assert.deepEqual(fixes, [
        ['Change type to PER', 'قال [الخفاجي]{PER} و[ الخفاجي]{PER}\n'],
        ['Trim the span', 'قال [الخفاجي]{PRE} و [الخفاجي]{PER}\n'],
      ]);
    });

    it('adds an unknown entity to corpus.yaml', async () => {
      const text = 'قال [النعمان]{PER @numan}\n';
      const uri = await client.open(path.join(dir, 'fix2.txt'), text);
      const diagnostics = await client.diagnosticsOf(uri, (d) => d.length > 0);
      const [action] = await actionsAt(uri, diagnostics[0]!.range, diagnostics);
      assert.equal(action!.title, "Add 'numan' to the catalog");
      const [configUri, edits] = Object.entries(action!.edit!.changes!)[0]!;
      assert.equal(path.basename(configUri), 'corpus.yaml');
      assert.match(applyTextEdits(fs.readFileSync(path.join(dir, 'corpus.yaml'), 'utf8'), edits), /\n {2}numan:\n {4}type: PER\n {4}name: "النعمان"\n/);
    });

    it('annotates a selection as each type', async () => {
      const start = positionOf(aText, 'تتابع');
      const actions = await actionsAt(aUri, { start, end: { line: start.line, character: start.character + 5 } });
      const annotate = actions.filter((a) => a.kind === 'refactor.rewrite.annotate');
      assert.deepEqual(annotate.map((a) => a.title), ['Annotate selection as PER (شخص)', 'Annotate selection as ORG (منظمة)', 'Annotate selection as GPE (كيان جغرافي سياسي)']);
      assert.match(applyTextEdits(aText, annotate[1]!.edit!.changes![aUri]!), /\[تتابع\]\{ORG\} الوضع/);
    });

    it('does not offer to annotate a selection that would cross spans', async () => {
      const text = 'قال [الخفاجي]{PER} أن [الموصل]{GPE} سقطت\n';
      const uri = await client.open(path.join(dir, 'crossing.txt'), text);
      // From inside الخفاجي to inside الموصل: wrapping it would pair the new brackets with the old.
      const actions = await actionsAt(uri, { start: positionOf(text, 'خفاجي'), end: positionOf(text, 'موصل') });
      assert.deepEqual(actions.filter((a) => a.kind === 'refactor.rewrite.annotate'), []);
      const whole = await actionsAt(uri, { start: positionOf(text, '[الخفاجي]'), end: positionOf(text, ' سقطت') });
      assert.equal(whole.filter((a) => a.kind === 'refactor.rewrite.annotate').length, 3, 'a selection around whole spans is fine');
    });

    it('on a span: remove, change type, link, annotate all occurrences (document and corpus)', async () => {
      const text = 'إن [داعش]{ORG} وداعش و داعش هنا.\n';
      const uri = await client.open(path.join(dir, 'refactor.txt'), text);
      const actions = await actionsAt(uri, { start: positionOf(text, 'داعش', 1), end: positionOf(text, 'داعش', 1) });
      const byTitle = (prefix: string) => actions.find((a) => a.title.startsWith(prefix))!;
      const apply = (a: CodeAction) => applyTextEdits(text, a.edit!.changes![uri]!);
      assert.equal(apply(byTitle('Remove annotation')), 'إن داعش وداعش و داعش هنا.\n');
      assert.equal(apply(byTitle('Change type to GPE')), 'إن [داعش]{GPE} وداعش و داعش هنا.\n');
      assert.equal(apply(byTitle('Link to داعش (@isis)')), 'إن [داعش]{ORG @isis} وداعش و داعش هنا.\n');
      assert.equal(apply(byTitle('Annotate all 2 other occurrences')), 'إن [داعش]{ORG} و[داعش]{ORG} و [داعش]{ORG} هنا.\n');
      const corpus = byTitle('Annotate all').title.includes('corpus') ? byTitle('Annotate all') : actions.filter((a) => a.title.includes('in the corpus'))[0]!;
      assert.match(corpus.title, /in the corpus/);
      assert.ok(Object.keys(corpus.edit!.changes!).includes(uri));
    });

    it('asked automatically (the light bulb on a cursor move), leaves out the corpus-wide scan', async () => {
      const text = 'إن [داعش]{ORG} وداعش و داعش هنا.\n';
      const uri = await client.open(path.join(dir, 'refactor-auto.txt'), text);
      const at = positionOf(text, 'داعش', 1);
      const ask = async (triggerKind: 1 | 2) =>
        ((await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: { start: at, end: at }, context: { diagnostics: [], triggerKind } })) as CodeAction[]).map((a) => a.title);
      const automatic = await ask(2);
      assert.ok(automatic.some((t) => t.startsWith('Annotate all 2 other occurrences')));
      assert.ok(!automatic.some((t) => t.includes('in the corpus')));
      assert.ok((await ask(1)).some((t) => t.includes('in the corpus')));
    });
  });

  describe('custom requests', () => {
    it('spans: ranges, types and colours for decorations', async () => {
      const result = await client.connection.sendRequest(SpansRequest, { uri: aUri });
      assert.equal(result!.inCorpus, true);
      assert.equal(result!.version, 1);
      assert.deepEqual(result!.types.map((t) => [t.key, t.color]), [
        ['PER', '#e15759'],
        ['ORG', '#4e79a7'],
        ['GPE', '#59a14f'],
      ]);
      // One string a name: the six spans use four types and ids more than once.
      assert.deepEqual([...result!.strings].sort(), ['GPE', 'ORG', 'PER', 'iraq', 'isis', 'khafaji', 'un']);
      const spans = unpackSpans(result!);
      assert.deepEqual(spans.map((s) => [textAt(aText, s.contentRange), s.type, s.depth]), [
        ['الخفاجي', 'PER', 0],
        ['داعش', 'ORG', 0],
        ['العراق', 'GPE', 0],
        ['[الأمم المتحدة]{ORG @un} في [العراق]{GPE @iraq}', 'ORG', 0],
        ['الأمم المتحدة', 'ORG', 1],
        ['العراق', 'GPE', 1],
      ]);
      assert.deepEqual(
        spans.map((s) => s.openRange.start),
        [
          positionOf(aText, '[الخفاجي'),
          positionOf(aText, '[داعش'),
          positionOf(aText, '[العراق'),
          positionOf(aText, '[[الأمم'),
          positionOf(aText, '[[الأمم', 1),
          positionOf(aText, '[العراق', 0, 1),
        ],
      );
      assert.deepEqual(spans.map((s) => s.id), ['khafaji', 'isis', 'iraq', undefined, 'un', 'iraq']);
      for (const s of spans) {
        assert.equal(textAt(aText, s.openRange), '[');
        assert.match(textAt(aText, s.closeRange), /^\]\{[^\n]*\}$/);
        assert.deepEqual(s.range, { start: s.openRange.start, end: s.closeRange.end });
      }
      assert.equal(textAt(aText, spans[0]!.closeRange), ']{PER @khafaji role=spokesperson note="المتحدث الرسمي"}');
    });

    it('spans: an emoji before a span linked by id only, typed from the catalog', async () => {
      const uri = await client.open(path.join(dir, 'c.txt'), 'سطر\n😀 [داعش]{@isis}\n');
      const spans = unpackSpans((await client.connection.sendRequest(SpansRequest, { uri }))!);
      // 😀 is two UTF-16 units: the `[` stands at 3.
      assert.deepEqual(spans, [
        {
          range: { start: { line: 1, character: 3 }, end: { line: 1, character: 16 } },
          contentRange: { start: { line: 1, character: 4 }, end: { line: 1, character: 8 } },
          openRange: { start: { line: 1, character: 3 }, end: { line: 1, character: 4 } },
          closeRange: { start: { line: 1, character: 8 }, end: { line: 1, character: 16 } },
          type: 'ORG',
          id: 'isis',
          depth: 0,
        },
      ]);
    });

    it('statistics and mentions of the corpus', async () => {
      const stats = await client.connection.sendRequest(StatisticsRequest, { uri: aUri });
      assert.equal(stats!.documents, 2);
      assert.equal(stats!.spans, 9);
      assert.deepEqual(stats!.types.map((t) => [t.type, t.count, t.entities.map((e) => `${e.id}:${e.count}`), t.surfaces.map((s) => `${s.text}:${s.count}`)]), [
        ['PER', 2, ['khafaji:2'], []],
        ['ORG', 4, ['isis:2', 'un:1'], ['الأمم المتحدة في العراق:1']],
        ['GPE', 3, ['iraq:3'], []],
      ]);
      assert.deepEqual(stats!.document, { uri: aUri, spans: 6, byType: { PER: 1, ORG: 3, GPE: 2 } });
      const locations = await client.connection.sendRequest(MentionsRequest, { uri: aUri, id: 'iraq' });
      assert.deepEqual(locations.map((l) => path.basename(l.uri)), ['a.txt', 'a.txt', 'b.txt']);
      // An unlinked surface by its key: the linked mentions of the same words are not among them.
      const surface = stats!.types.find((t) => t.type === 'ORG')!.surfaces[0]!;
      const unlinked = await client.connection.sendRequest(MentionsRequest, { uri: aUri, key: surface.key, type: 'ORG' });
      assert.deepEqual(unlinked.map((l) => [path.basename(l.uri), l.range.start, l.preview!.text.slice(l.preview!.start, l.preview!.end)]), [['a.txt', positionOf(aText, '[[الأمم المتحدة]', 1), 'الأمم المتحدة في العراق']]);
      assert.deepEqual(await client.connection.sendRequest(MentionsRequest, { uri: aUri, key: surface.key, type: 'PER' }), []);
    });
  });

  describe('export request', () => {
    it('exports the corpus with the CLI\'s code, and refuses a non-empty folder without force', async () => {
      const out = tempFolder('ca-server-export-');
      const result = await client.connection.sendRequest(ExportRequest, { uri: aUri, format: 'jsonl', outUri: uriOf(out) });
      assert.deepEqual(result, { files: 1, documents: 2, spans: 9, outUri: uriOf(out) });
      const lines = fs.readFileSync(path.join(out, 'corpus.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(lines.map((l) => [l.path, l.spans.length]), [
        ['a.txt', 6],
        ['b.txt', 3],
      ]);
      const first = lines[0].spans[0];
      assert.equal([...lines[0].text].slice(first.start, first.end).join(''), first.text);
      await assert.rejects(client.connection.sendRequest(ExportRequest, { uri: aUri, format: 'jsonl', outUri: uriOf(out) }), /not empty/);
      await assert.rejects(client.connection.sendRequest(ExportRequest, { uri: aUri, format: 'xml', outUri: uriOf(out) }), /unknown format 'xml'/);
      const again = await client.connection.sendRequest(ExportRequest, { uri: aUri, format: 'conll', outUri: uriOf(out), force: true });
      assert.equal(again.documents, 2);
      assert.ok(fs.existsSync(path.join(out, 'corpus.conll')));
    });
  });

  describe('never down', () => {
    it('answers diagnostics for garbage and keeps answering', async () => {
      const garbage = '[[[{{{]]]}}}\\\u0000\uD800 [x]{PER PER @ @@ a= "} ]{} [' + '['.repeat(5000) + '\n'.repeat(3) + '---\n';
      const uri = await client.open(path.join(dir, 'garbage.txt'), garbage);
      const diagnostics = await client.diagnosticsOf(uri, (d) => d.length > 0);
      assert.ok(diagnostics.length > 5);
      for (let line = 0; line < 3; line++) {
        await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: 3 } });
        await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line, character: 40 } });
        await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } });
      }
      const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: aUri }, position: positionOf(aText, 'داعش', 1) });
      assert.ok(hover);
    });

    it('survives positions past the end of a document', async () => {
      const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: aUri }, position: { line: 999, character: 999 } });
      assert.equal(hover, null);
      const refs = await client.connection.sendRequest(ReferencesRequest.type, { textDocument: { uri: 'file:///nowhere/x.txt' }, position: { line: 0, character: 0 }, context: { includeDeclaration: true } });
      assert.deepEqual(refs, []);
    });
  });
});

describe('position encodings other than UTF-16', function () {
  this.timeout(20000);
  // '😀 [داعش]{NOPE}': in code points [ stands at 2 and NOPE at 9; in UTF-8 bytes (😀 is 4,
  // each Arabic letter 2) [ stands at 5 and NOPE at 16.
  for (const [encoding, open, nope] of [
    ['utf-32', 2, 9],
    ['utf-8', 5, 16],
  ] as const) {
    it(`speaks ${encoding} to a client that offers only ${encoding}`, async () => {
      const dir = copyFixture('corpus');
      const capabilities = { ...fullCapabilities(false), general: { positionEncodings: [encoding] } };
      const client = await TestClient.inProcess(dir, { capabilities });
      try {
        assert.equal(client.initializeResult!.capabilities.positionEncoding, encoding);
        const uri = await client.open(path.join(dir, 'emoji.txt'), '😀 [داعش]{NOPE}\n');
        const [diagnostic] = await client.diagnosticsOf(uri, (d) => d.length > 0);
        assert.deepEqual(diagnostic!.range, { start: { line: 0, character: nope }, end: { line: 0, character: nope + 4 } });
        const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: 0, character: open + 1 } });
        assert.equal(hover!.range!.start.character, open, 'the span starts at its [');
        // An edit in the client's unit: replace NOPE by ORG.
        await client.change(uri, [{ range: diagnostic!.range, text: 'ORG' }]);
        await client.diagnosticsOf(uri, (d) => d.length === 0, 'the fixed type');
        // The spans for decorations in the same unit: `]` after the 4 letters, `}` after ']{ORG}'.
        const letters = encoding === 'utf-8' ? 8 : 4;
        const spans = unpackSpans((await client.connection.sendRequest(SpansRequest, { uri }))!);
        assert.deepEqual(
          spans.map((s) => [s.openRange.start.character, s.closeRange.start.character, s.closeRange.end.character, s.type]),
          [[open, open + 1 + letters, open + 1 + letters + 6, 'ORG']],
        );
        // The outline too: the span from [ to after }, the surface between the brackets.
        const [symbol] = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
        assert.deepEqual(
          [symbol!.range.start.character, symbol!.range.end.character, symbol!.selectionRange.start.character, symbol!.selectionRange.end.character, symbol!.children],
          [open, open + 1 + letters + 6, open + 1, open + 1 + letters, undefined],
        );
      } finally {
        await client.stop();
      }
    });
  }
});

describe('the bundled server over stdio, as other editors run it', function () {
  this.timeout(20000);
  it('initializes, opens a seed document and answers diagnostics, hover and definition', async () => {
    const client = await TestClient.spawned(SEEDS);
    try {
      const file = path.join(SEEDS, '000_4a0e1c5fe764b639.txt');
      const text = fs.readFileSync(file, 'utf8');
      const uri = await client.open(file, text);
      const diagnostics = await client.diagnosticsOf(uri);
      assert.deepEqual(diagnostics, [], 'the seed is clean');
      const position = positionOf(text, '[داعش]{ORG @isis}', 2);
      const hover = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
      assert.match((hover!.contents as { value: string }).value, /`@isis` · \*\*داعش\*\* · ORG/);
      const location = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position })) as Location;
      assert.equal(location.uri, uriOf(path.join(SEEDS, 'corpus.yaml')));
      assert.equal(textAt(fs.readFileSync(path.join(SEEDS, 'corpus.yaml'), 'utf8'), location.range), 'isis');
      // A broken edit: diagnostics follow over stdio too.
      await client.change(uri, [{ range: { start: position, end: position }, text: ']' }]);
      await client.diagnosticsOf(uri, (d) => d.some((x) => x.code === 'unmatched-bracket' || x.code === 'missing-label'));
    } finally {
      await client.stop();
    }
  });
});
