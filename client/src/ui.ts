/**
 * Quick picks and messages shared by the commands. Every pick goes through `pick`, which keeps
 * the open one reachable (the extension's API hands it to the editor tests, which then drive it
 * with the workbench's own quick-input commands, as a keyboard would).
 */

import * as vscode from 'vscode';

let active: vscode.QuickPick<vscode.QuickPickItem> | undefined;

/** The quick pick a command has open, if any. */
export function activeQuickPick(): vscode.QuickPick<vscode.QuickPickItem> | undefined {
  return active;
}

export interface PickOptions<T extends vscode.QuickPickItem> {
  title: string;
  placeholder?: string;
  matchOnDescription?: boolean;
  matchOnDetail?: boolean;
  /** Items to mark as active first. */
  active?: T;
  /** Called as the user types; returns new items (e.g. a server-side search). */
  search?: (value: string, token: vscode.CancellationToken) => Promise<T[] | undefined>;
}

/** Shows a quick pick; resolves to the accepted item, or undefined when dismissed. */
export function pick<T extends vscode.QuickPickItem>(items: readonly T[], options: PickOptions<T>): Promise<T | undefined> {
  const quickPick = vscode.window.createQuickPick<T>();
  quickPick.title = options.title;
  quickPick.placeholder = options.placeholder ?? '';
  quickPick.matchOnDescription = options.matchOnDescription ?? false;
  quickPick.matchOnDetail = options.matchOnDetail ?? false;
  quickPick.items = items;
  if (options.active) quickPick.activeItems = [options.active];
  return new Promise<T | undefined>((resolve) => {
    let done = false;
    let searching: vscode.CancellationTokenSource | undefined;
    let timer: NodeJS.Timeout | undefined;
    const finish = (value: T | undefined): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      searching?.cancel();
      if (active === (quickPick as unknown)) active = undefined;
      quickPick.dispose();
      resolve(value);
    };
    quickPick.onDidAccept(() => finish(quickPick.selectedItems[0] ?? quickPick.activeItems[0]));
    quickPick.onDidHide(() => finish(undefined));
    if (options.search) {
      const search = options.search;
      quickPick.onDidChangeValue((value) => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          searching?.cancel();
          const source = (searching = new vscode.CancellationTokenSource());
          quickPick.busy = true;
          void search(value, source.token).then(
            (found) => {
              if (source.token.isCancellationRequested || done || !found) return;
              quickPick.items = found;
              quickPick.busy = false;
            },
            () => (quickPick.busy = false),
          );
        }, 80);
      });
    }
    active = quickPick as unknown as vscode.QuickPick<vscode.QuickPickItem>;
    quickPick.show();
  });
}

/** A short note in the status bar: for "nothing to do here" outcomes that need no dialog. */
export function note(message: string): void {
  vscode.window.setStatusBarMessage(`$(info) ${message}`, 5_000);
}

/** A warning the user should not miss (a command that could not do what was asked). */
export function warn(message: string): void {
  void vscode.window.showWarningMessage(message);
}
