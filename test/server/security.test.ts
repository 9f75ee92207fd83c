import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CodeActionRequest,
  CompletionRequest,
  DefinitionRequest,
  DocumentSymbolRequest,
  FileChangeType,
  HoverRequest,
  ReferencesRequest,
  WorkspaceSymbolRequest,
} from 'vscode-languageserver-protocol';
import { ExportRequest, SpansRequest, StatisticsRequest } from '../../server/src/protocol';
import { SANDBOX, normalCorpus, tmpFolder } from '../support/hostile';
import { TestClient, fullCapabilities, uriOf } from '../support/lspClient';
import { unpackSpans } from '../support/spans';

// A whole editing session with the bundled server, every network and process function trapped
// (test/support/sandbox.cjs): indexing, every request, an export, file events, shutdown. The
// server must never have tried to reach out, and must have run to a clean exit.
describe('security: a server session reaches no network and runs no process', function () {
  this.timeout(60000);

  it('indexes, answers every request, exports and exits without a single attempt', async () => {
    const root = tmpFolder('server-sandbox');
    try {
      const corpus = normalCorpus(path.join(root, 'corpus'));
      fs.writeFileSync(path.join(corpus, '$(touch PWNED).txt'), 'قال [`touch PWNED`]{ORG} إن [داعش]{ORG @isis}\n');
      const log = path.join(root, 'sandbox.log');
      const client = await TestClient.spawned(corpus, fullCapabilities(false), { nodeArgs: ['-r', SANDBOX], env: { SANDBOX_LOG: log } });
      const file = path.join(corpus, 'a.txt');
      const text = fs.readFileSync(file, 'utf8');
      const uri = await client.open(file, text);
      await client.diagnosticsOf(uri);
      const position = { line: 3, character: text.split('\n')[3]!.indexOf('داعش') + 1 };
      const document = { textDocument: { uri } };
      assert.ok(await client.connection.sendRequest(HoverRequest.type, { ...document, position }));
      await client.connection.sendRequest(DefinitionRequest.type, { ...document, position });
      assert.ok((await client.connection.sendRequest(ReferencesRequest.type, { ...document, position, context: { includeDeclaration: true } }))!.length >= 3);
      await client.connection.sendRequest(CompletionRequest.type, { ...document, position });
      await client.connection.sendRequest(CodeActionRequest.type, { ...document, range: { start: position, end: position }, context: { diagnostics: [] } });
      await client.connection.sendRequest(DocumentSymbolRequest.type, document);
      await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'داعش' });
      const spans = unpackSpans((await client.connection.sendRequest(SpansRequest, { uri }))!);
      assert.equal(spans.length, 6);
      const isis = { line: 3, character: text.split('\n')[3]!.indexOf('[داعش') };
      assert.deepEqual(
        [spans[1]!.openRange.start, spans[1]!.contentRange, spans[1]!.type, spans[1]!.id],
        [isis, { start: { line: 3, character: isis.character + 1 }, end: { line: 3, character: isis.character + 5 } }, 'ORG', 'isis'],
      );
      await client.connection.sendRequest(StatisticsRequest, {});
      const exported = await client.connection.sendRequest(ExportRequest, { uri, format: 'brat', outUri: uriOf(path.join(root, 'brat')) });
      assert.equal(exported.documents, 3);
      await client.change(uri, [{ range: { start: position, end: position }, text: '[' }]);
      await client.diagnosticsOf(uri, (d) => d.some((x) => x.code === 'unclosed-span'));
      fs.writeFileSync(path.join(corpus, 'c.txt'), 'نص [جديد]{ORG}\n');
      await client.filesChanged([{ uri: uriOf(path.join(corpus, 'c.txt')), type: FileChangeType.Created }]);
      assert.equal((await client.connection.sendRequest(StatisticsRequest, {}))?.documents, 4);
      // Shut down as an editor does, and wait for the process to end on its own.
      const exited = new Promise<number | null>((resolve) => client.child.on('exit', (code) => resolve(code)));
      await client.connection.sendRequest('shutdown');
      await client.connection.sendNotification('exit');
      assert.equal(await exited, 0);
      await client.stop();
      assert.equal(fs.readFileSync(log, 'utf8'), 'exit 0\n', 'no attempt to reach out, and a clean exit');
      assert.ok(!fs.existsSync(path.join(corpus, 'PWNED')) && !fs.existsSync(path.join(root, 'PWNED')), 'nothing ran');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
