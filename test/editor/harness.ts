/**
 * What the editor tests share: how they talk to the launcher that started VS Code
 * (scripts/test-vscode.mjs or scripts/test-electron.mjs), screenshots, waiting, and the seed
 * documents of the workspace under test.
 *
 * The launcher hands over a run directory in CORPUS_ANNOTATOR_EDITOR_RUN_DIR (the extension
 * host inherits the environment VS Code was started with) and, as a fallback, in harness.json
 * next to the compiled suite. The suite appends one JSON line per test event to
 * events.jsonl there, writes results.json at the end, and asks for screenshots through
 * requests/NNNN.json, answered by the launcher with requests/NNNN.done.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** publisher.name from package.json. */
export const EXTENSION_ID = 'corpus-annotator.corpus-annotator';
export const LANGUAGE_ID = 'annotated-text';

export interface HarnessConfig {
  /** Where events, results and screenshot requests go; undefined when no launcher is listening. */
  runDir?: string;
  /** Whether the launcher can take screenshots (code-server + Chromium can; Electron cannot). */
  screenshots: boolean;
  /** Only run tests whose full title matches this (mocha --grep). */
  grep?: string;
  /** Set by `--bench`: run the `*.bench.js` files instead of the tests, writing their figures to this file. */
  bench?: string;
}

let cachedConfig: HarnessConfig | undefined;

/** The launcher's settings, from the environment or from harness.json next to this file. */
export function harnessConfig(): HarnessConfig {
  if (cachedConfig) return cachedConfig;
  const env = process.env;
  if (env.CORPUS_ANNOTATOR_EDITOR_RUN_DIR) {
    cachedConfig = {
      runDir: env.CORPUS_ANNOTATOR_EDITOR_RUN_DIR,
      screenshots: env.CORPUS_ANNOTATOR_EDITOR_SCREENSHOTS === '1',
      grep: env.CORPUS_ANNOTATOR_EDITOR_GREP || undefined,
      bench: env.CORPUS_ANNOTATOR_EDITOR_BENCH || undefined,
    };
  } else {
    try {
      const file = JSON.parse(fs.readFileSync(path.join(__dirname, 'harness.json'), 'utf8')) as Partial<HarnessConfig>;
      cachedConfig = { runDir: file.runDir, screenshots: file.screenshots === true, grep: file.grep || undefined, bench: file.bench || undefined };
    } catch {
      cachedConfig = { screenshots: false };
    }
  }
  return cachedConfig;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Appends an event line for the launcher (a no-op without a run directory). */
export function emit(event: Record<string, unknown>): void {
  const { runDir } = harnessConfig();
  if (!runDir) return;
  fs.appendFileSync(path.join(runDir, 'events.jsonl'), JSON.stringify(event) + '\n');
}

/** A message the launcher prints among the test results. */
export function log(message: string): void {
  console.log(`[editor-tests] ${message}`);
  emit({ event: 'log', message });
}

let screenshotSeq = 0;

/**
 * Asks the launcher for a picture of the workbench as a user sees it, saved as
 * test-results/screenshots/NAME.png. Resolves to the file's path, or undefined when the
 * launcher cannot take screenshots (Electron). Waits `settleMs` first so the renderer has
 * painted what the test just did.
 */
export async function screenshot(name: string, options: { settleMs?: number; timeoutMs?: number } = {}): Promise<string | undefined> {
  const { runDir, screenshots } = harnessConfig();
  if (!runDir || !screenshots) {
    console.log(`[editor-tests] screenshot '${name}' skipped: this launcher takes none`);
    return undefined;
  }
  await sleep(options.settleMs ?? 750);
  const id = String(++screenshotSeq).padStart(4, '0');
  const request = path.join(runDir, 'requests', `${id}.json`);
  const done = path.join(runDir, 'requests', `${id}.done`);
  fs.writeFileSync(request + '.tmp', JSON.stringify({ name }));
  fs.renameSync(request + '.tmp', request);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!fs.existsSync(done)) {
    if (Date.now() > deadline) throw new Error(`screenshot '${name}': the launcher did not answer in time`);
    await sleep(100);
  }
  const answer = JSON.parse(fs.readFileSync(done, 'utf8')) as { path?: string; error?: string };
  if (answer.error) throw new Error(`screenshot '${name}' failed: ${answer.error}`);
  return answer.path;
}

/** Polls `probe` until it returns something truthy; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 10_000, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** The extension under test, activated. */
export async function activeExtension(): Promise<vscode.Extension<unknown>> {
  const extension = vscode.extensions.getExtension(EXTENSION_ID);
  if (!extension) throw new Error(`extension ${EXTENSION_ID} is not loaded`);
  await extension.activate();
  return extension;
}

/** The annotated documents (*.txt) of the workspace under test, sorted by path. */
export async function workspaceDocuments(): Promise<vscode.Uri[]> {
  const uris = await vscode.workspace.findFiles('**/*.txt', '**/node_modules/**');
  return uris.sort((a, b) => a.path.localeCompare(b.path));
}

/** Opens `uri` in an editor, in the annotated-text language. */
export async function openAnnotated(uri: vscode.Uri): Promise<vscode.TextEditor> {
  let document = await vscode.workspace.openTextDocument(uri);
  if (document.languageId !== LANGUAGE_ID) document = await vscode.languages.setTextDocumentLanguage(document, LANGUAGE_ID);
  return vscode.window.showTextDocument(document, { preview: false });
}

/** Opens an untitled annotated-text document holding `content`. */
export async function openUntitled(content: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content });
  return vscode.window.showTextDocument(document, { preview: false });
}

/** Closes every editor without saving (untitled documents included). */
export async function closeAllEditors(): Promise<void> {
  for (let i = 0; i < 20 && vscode.window.visibleTextEditors.length > 0; i++) {
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  }
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}
