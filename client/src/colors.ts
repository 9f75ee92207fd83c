/**
 * Type colours: corpus.yaml gives `#rgb`, `#rrggbb` or `#rrggbbaa`; the UI needs them with its
 * own alpha, and as small swatch icons for quick picks and the Entities view.
 */

import * as vscode from 'vscode';

/** For types without a colour, in corpus order (Tableau 10: distinct on light and dark themes). */
const FALLBACK = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** `#rrggbb` for a corpus colour, or the fallback of the type's position. */
export function solidColor(color: string | undefined, index: number): string {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(color ?? '');
  if (!m) return FALLBACK[Math.abs(index) % FALLBACK.length]!;
  const hex = m[1]!;
  if (hex.length === 3) return `#${[...hex].map((c) => c + c).join('')}`.toLowerCase();
  return `#${hex.slice(0, 6)}`.toLowerCase();
}

/** The colour with an alpha from 0 to 1, as `#rrggbbaa`. */
export function withAlpha(solid: string, alpha: number): string {
  const a = Math.round(Math.min(1, Math.max(0, alpha)) * 255);
  return `${solid}${a.toString(16).padStart(2, '0')}`;
}

/**
 * Small SVG files, one per colour, under the extension's global storage: tree items and quick
 * pick items take an icon URI, not a colour (ThemeIcon colours are theme keys only).
 */
export class Swatches {
  private readonly made = new Map<string, vscode.Uri>();

  constructor(private readonly folder: vscode.Uri) {}

  async icon(solid: string): Promise<vscode.Uri> {
    const known = this.made.get(solid);
    if (known) return known;
    const uri = vscode.Uri.joinPath(this.folder, 'swatches', `${solid.slice(1)}.svg`);
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16"><rect x="2.5" y="2.5" width="11" height="11" rx="3" fill="${solid}" fill-opacity="0.55" stroke="${solid}" stroke-width="1.5"/></svg>`;
    try {
      await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(this.folder, 'swatches'));
      await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(svg));
    } catch {
      // No storage (read-only profile?): items just show no swatch.
    }
    this.made.set(solid, uri);
    return uri;
  }
}
