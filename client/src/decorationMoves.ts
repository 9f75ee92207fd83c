/**
 * VS Code moves the decorations an editor shows with the text as it is edited. This says when
 * that already gives the ranges a redraw would send, so the redraw can leave them alone. No
 * `vscode` here (VS Code's ranges and change events fit these shapes), so unit tests run it in
 * plain Node.
 */

export interface Place {
  readonly line: number;
  readonly character: number;
}

export interface PlaceRange {
  readonly start: Place;
  readonly end: Place;
}

/** A content change as VS Code reports it: `range` replaced by `text`. */
export interface ContentChange {
  readonly range: PlaceRange;
  readonly text: string;
}

/**
 * Whether `after` is `before` moved by `changes` (each document version's changes, applied in
 * order, each relative to the text the previous one left) when none of them touches a range of
 * `before`: what VS Code did to the decorations it shows, whatever their range behaviour. An edit
 * at a range's edge or inside it answers false (left to a redraw), as does a different count.
 */
export function movedAlike(before: readonly PlaceRange[], after: readonly PlaceRange[], changes: readonly (readonly ContentChange[])[]): boolean {
  if (before.length !== after.length) return false;
  if (before.length === 0) return true;
  const edits = changes.flat().map((c) => {
    const { line: endLine, character: endCharacter } = insertedEnd(c);
    return { start: c.range.start, end: c.range.end, endLine, endCharacter };
  });
  for (let i = 0; i < before.length; i++) {
    let { line: startLine, character: startCharacter } = before[i]!.start;
    let { line: endLine, character: endCharacter } = before[i]!.end;
    for (const e of edits) {
      // Ends before the edit: unmoved.
      if (endLine < e.start.line || (endLine === e.start.line && endCharacter < e.start.character)) continue;
      // Touches it or holds it: unknown.
      if (startLine < e.end.line || (startLine === e.end.line && startCharacter <= e.end.character)) return false;
      // After it: moved by what it removed and put in.
      if (startLine === e.end.line) {
        if (endLine === e.end.line) endCharacter = e.endCharacter + endCharacter - e.end.character;
        startCharacter = e.endCharacter + startCharacter - e.end.character;
      }
      startLine += e.endLine - e.end.line;
      endLine += e.endLine - e.end.line;
    }
    const a = after[i]!;
    if (a.start.line !== startLine || a.start.character !== startCharacter || a.end.line !== endLine || a.end.character !== endCharacter) return false;
  }
  return true;
}

/**
 * Whether `after` is `before` with each range's start and end moved by `changes` (as for
 * `movedAlike`) on their own: an end before an edit stays, an end after it moves with the text
 * after it. An edit strictly inside a range moves its end alone, which VS Code does too, whatever
 * the range's behaviour; an edit at an end or over it answers false (left to a redraw). For
 * ranges that stand for lines (the overview ruler's), which a keystroke inside them leaves as
 * they are.
 */
export function endsMovedAlike(before: readonly PlaceRange[], after: readonly PlaceRange[], changes: readonly (readonly ContentChange[])[]): boolean {
  if (before.length !== after.length) return false;
  if (before.length === 0) return true;
  const edits = changes.flat().map((c) => ({ start: c.range.start, end: c.range.end, inserted: insertedEnd(c) }));
  const moved = (place: Place): Place | undefined => {
    let { line, character } = place;
    for (const e of edits) {
      // Before the edit: unmoved.
      if (line < e.start.line || (line === e.start.line && character < e.start.character)) continue;
      // At it or in what it replaced: unknown.
      if (line < e.end.line || (line === e.end.line && character <= e.end.character)) return undefined;
      if (line === e.end.line) character = e.inserted.character + character - e.end.character;
      line += e.inserted.line - e.end.line;
    }
    return { line, character };
  };
  const same = (a: Place | undefined, b: Place): boolean => a !== undefined && a.line === b.line && a.character === b.character;
  return before.every((range, i) => same(moved(range.start), after[i]!.start) && same(moved(range.end), after[i]!.end));
}

/**
 * Where a line goes when VS Code applies `changes` (as for `movedAlike`): a line after an edit
 * moves by the lines it put in and took out, a line before it stays, and a line the edit took
 * out goes to the line the edit's text ends on.
 */
export function movedLine(line: number, changes: readonly (readonly ContentChange[])[]): number {
  let moved = line;
  for (const c of changes.flat()) {
    if (moved <= c.range.start.line) continue;
    const endLine = insertedEnd(c).line;
    moved = moved > c.range.end.line ? moved + endLine - c.range.end.line : endLine;
  }
  return moved;
}

/** Where the text a change puts in ends, once it is in. */
function insertedEnd(change: ContentChange): Place {
  const lines = change.text.split(/\r\n|\r|\n/);
  const line = change.range.start.line + lines.length - 1;
  return { line, character: lines.length === 1 ? change.range.start.character + change.text.length : lines.at(-1)!.length };
}

/**
 * The first lines of the blocks a document's decorations are sent in, after the first block:
 * a block starts every `perBlock` spans or so, at a new line (a line's spans share a block).
 * `lines` are the spans' lines, in order.
 */
export function blockStarts(lines: readonly number[], perBlock: number): number[] {
  const starts: number[] = [];
  let inBlock = 0;
  for (let i = 0; i < lines.length; i++) {
    if (inBlock >= perBlock && lines[i]! > lines[i - 1]!) {
      starts.push(lines[i]!);
      inBlock = 0;
    }
    inBlock++;
  }
  return starts;
}
