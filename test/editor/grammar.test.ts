/**
 * The TextMate grammar, run by the same vscode-textmate and vscode-oniguruma that the VS Code
 * under test ships (loaded from its install folder), with its own YAML grammar for the front
 * matter. Checks the scopes themes colour, that nothing leaks from one line to the next, and
 * that pathological long lines stay fast (no backtracking, no quadratic re-scans).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { activeExtension } from './harness';

interface RawToken {
  startIndex: number;
  endIndex: number;
  scopes: string[];
}
interface TokenizeResult {
  tokens: RawToken[];
  ruleStack: unknown;
}
interface Grammar {
  tokenizeLine(line: string, state: unknown, timeLimit?: number): TokenizeResult;
}
interface TextMateModule {
  INITIAL: unknown;
  Registry: new (options: unknown) => { loadGrammar(scope: string): Promise<Grammar | null> };
  parseRawGrammar(content: string, filePath: string): unknown;
}
interface OnigModule {
  loadWASM(data: ArrayBuffer): Promise<void>;
  OnigScanner: new (patterns: string[]) => unknown;
  OnigString: new (text: string) => unknown;
}

/** A module of the running VS Code (node_modules, or node_modules.asar in desktop builds). */
function vscodeModule<T>(name: string): T | undefined {
  for (const folder of ['node_modules', 'node_modules.asar']) {
    const candidate = path.join(vscode.env.appRoot, folder, name);
    try {
      return require(candidate) as T;
    } catch {
      // try the next
    }
  }
  return undefined;
}

let textmate: TextMateModule | undefined;
let grammar: Grammar | undefined;

async function loadGrammar(): Promise<Grammar | undefined> {
  textmate = vscodeModule<TextMateModule>('vscode-textmate');
  const onig = vscodeModule<OnigModule>('vscode-oniguruma');
  if (!textmate || !onig) return undefined;
  const wasmPath = [path.join(vscode.env.appRoot, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'), path.join(vscode.env.appRoot, 'node_modules.asar', 'vscode-oniguruma', 'release', 'onig.wasm')].find((p) => fs.existsSync(p));
  if (!wasmPath) return undefined;
  const wasm = fs.readFileSync(wasmPath);
  await onig.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer).catch((e: Error) => {
    // Loading twice in one process is refused; the first load is good.
    if (!/already/i.test(e.message)) throw e;
  });
  const extension = await activeExtension();
  const files: Record<string, string> = { 'text.annotated': path.join(extension.extensionPath, 'syntaxes', 'annotated-text.tmLanguage.json') };
  // The YAML grammars of the built-in yaml extension, for the front matter.
  const yaml = vscode.extensions.getExtension('vscode.yaml');
  for (const g of ((yaml?.packageJSON as { contributes?: { grammars?: { scopeName: string; path: string }[] } } | undefined)?.contributes?.grammars ?? [])) {
    files[g.scopeName] = path.join(yaml!.extensionPath, g.path);
  }
  const tm = textmate;
  const registry = new tm.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new onig.OnigScanner(p), createOnigString: (s: string) => new onig.OnigString(s) }),
    loadGrammar: async (scope: string) => (files[scope] ? tm.parseRawGrammar(fs.readFileSync(files[scope]!, 'utf8'), files[scope]!) : null),
  });
  return (await registry.loadGrammar('text.annotated')) ?? undefined;
}

/** Tokens of each line of `text`, as [token text, scopes]. */
function tokenize(text: string): [string, string[]][][] {
  let state = textmate!.INITIAL;
  return text.split('\n').map((line) => {
    const result = grammar!.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens.map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes] as [string, string[]]);
  });
}

/** Scopes of the token at `needle`'s first character (its `occurrence`-th match) on `line`. */
function scopesAt(text: string, line: number, needle: string, occurrence = 0): string[] {
  const lineText = text.split('\n')[line]!;
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = lineText.indexOf(needle, at + 1);
  assert.ok(at >= 0, `'${needle}' not on line ${line}`);
  let offset = 0;
  for (const [tokenText, scopes] of tokenize(text)[line]!) {
    if (at >= offset && at < offset + tokenText.length) return scopes;
    offset += tokenText.length;
  }
  throw new Error(`no token at ${at}`);
}

function expectScope(text: string, line: number, needle: string, scope: string, occurrence = 0): void {
  const scopes = scopesAt(text, line, needle, occurrence);
  assert.ok(scopes.includes(scope), `'${needle}' on line ${line}: expected ${scope}, got ${scopes.join(' ')}`);
}

const count = (scopes: string[], scope: string): number => scopes.filter((s) => s === scope).length;

describe('TextMate grammar (with the VS Code engine)', function () {
  before(async function () {
    grammar = await loadGrammar();
    if (!grammar) this.skip(); // this VS Code does not ship the engine where we look
  });

  it('scopes a span with its label: type, @id, attributes, quoted value with escapes', () => {
    const text = '[قيادة العمليات]{ORG @joc role=armed-force note="قوات \\"الإقليم\\" \\\\ }"} إن';
    expectScope(text, 0, '[', 'punctuation.definition.span.begin.annotated');
    expectScope(text, 0, 'قيادة', 'meta.span.annotated');
    expectScope(text, 0, ']', 'punctuation.definition.span.end.annotated');
    expectScope(text, 0, '{', 'punctuation.definition.label.begin.annotated');
    expectScope(text, 0, 'ORG', 'entity.name.type.annotated');
    expectScope(text, 0, 'ORG', 'meta.label.annotated');
    expectScope(text, 0, '@', 'punctuation.definition.variable.annotated');
    expectScope(text, 0, 'joc', 'variable.other.entity-id.annotated');
    expectScope(text, 0, 'role', 'entity.other.attribute-name.annotated');
    expectScope(text, 0, '=', 'punctuation.separator.key-value.annotated');
    expectScope(text, 0, 'armed-force', 'string.unquoted.annotated');
    expectScope(text, 0, '"', 'punctuation.definition.string.begin.annotated');
    expectScope(text, 0, 'قوات', 'string.quoted.double.annotated');
    expectScope(text, 0, '\\"', 'constant.character.escape.annotated');
    expectScope(text, 0, '\\\\', 'constant.character.escape.annotated');
    // A } inside the quoted value does not close the label; the one after it does.
    expectScope(text, 0, '}', 'string.quoted.double.annotated', 0);
    expectScope(text, 0, '}', 'punctuation.definition.label.end.annotated', 1);
    assert.equal(count(scopesAt(text, 0, 'إن'), 'meta.span.annotated'), 0);
  });

  it('nests spans, and an outer span ends with its own label', () => {
    const text = '[[جهاز مكافحة الإرهاب]{ORG} في [السليمانية]{GPE}]{ORG @ctg-suly} بعد';
    assert.equal(count(scopesAt(text, 0, 'جهاز'), 'meta.span.annotated'), 2);
    assert.equal(count(scopesAt(text, 0, ' في'), 'meta.span.annotated'), 1);
    assert.equal(count(scopesAt(text, 0, 'GPE'), 'meta.span.annotated'), 2);
    expectScope(text, 0, ']{ORG @', 'punctuation.definition.span.end.annotated');
    assert.equal(count(scopesAt(text, 0, ']{ORG @'), 'meta.span.annotated'), 1);
    expectScope(text, 0, 'ctg-suly', 'variable.other.entity-id.annotated');
    assert.equal(count(scopesAt(text, 0, 'بعد'), 'meta.span.annotated'), 0);
  });

  it('scopes escapes in text and marks stray brackets', () => {
    const text = 'نص \\[ و \\] و \\{ و \\} و \\\\ ثم ] و { و }';
    for (const e of ['\\[', '\\]', '\\{', '\\}', '\\\\']) expectScope(text, 0, e, 'constant.character.escape.annotated');
    // Occurrence 0 of each is the escaped one; occurrence 1 the stray one.
    for (const c of [']', '{', '}']) expectScope(text, 0, c, 'invalid.illegal.stray-bracket.annotated', 1);
  });

  it('ends an unclosed span, label or quoted value at the end of its line', () => {
    for (const opener of ['[مفتوح', '[مغلق]{ORG', '[مغلق]{ORG note="مفتوح']) {
      const text = `${opener}\nسطر تال [x]{PER}`;
      assert.equal(count(scopesAt(text, 1, 'سطر'), 'meta.span.annotated'), 0, `after '${opener}'`);
      expectScope(text, 1, 'PER', 'entity.name.type.annotated');
    }
  });

  it('embeds YAML front matter only at the start of the document', () => {
    const text = '---\nid: x\nlabels: [a,\n---\n[a]{B}\n---\nnot: yaml\n---';
    expectScope(text, 0, '---', 'punctuation.definition.front-matter.begin.annotated');
    expectScope(text, 1, 'id', 'meta.embedded.block.frontmatter');
    assert.ok(scopesAt(text, 1, 'id').some((s) => s.endsWith('.yaml')), 'the front matter is not YAML-scoped');
    // An unclosed YAML flow sequence does not swallow the closing ---.
    expectScope(text, 3, '---', 'punctuation.definition.front-matter.end.annotated');
    expectScope(text, 4, 'B', 'entity.name.type.annotated');
    assert.ok(!scopesAt(text, 6, 'not').includes('meta.embedded.block.frontmatter'));
  });

  it('tokenizes pathological 100 000-character lines in linear time', () => {
    const n = 100_000;
    const lines: Record<string, string> = {
      'many spans': '[قيادة]{ORG @joc role=x note="a b"} '.repeat(n / 36),
      'deep nesting': '['.repeat(n),
      'unclosed span full of escapes': '[' + '\\['.repeat(n / 2),
      'unclosed quoted value': '[a]{X note="' + 'ب'.repeat(n),
      'brackets and braces': '][{}'.repeat(n / 4),
      'spans without labels': '[a] '.repeat(n / 4),
    };
    for (const [name, line] of Object.entries(lines)) {
      const started = Date.now();
      grammar!.tokenizeLine(line, textmate!.INITIAL);
      const ms = Date.now() - started;
      // About 0.1-0.3 s each when linear; a quadratic grammar takes minutes or runs out of memory.
      assert.ok(ms < 5_000, `${name}: ${ms} ms`);
    }
  });
});
