/**
 * CoNLL: `corpus.conll`, a token a line (`TOKEN TAG`), a blank line after each sentence,
 * `-DOCSTART- O` and a blank line before each document. IOB2 by default, BIOES on request.
 *
 * Tokens come from the shared tokenizer, cut at every span boundary (so و[داعش] gives `و O` and
 * `داعش B-ORG`); sentences never end inside an entity. Nested spans: the outermost by default;
 * with `nested: 'columns'` one tag column per depth, outermost first, trailing O columns left out
 * (the Wojood convention).
 */

import { sentences, tokenize } from '../tokenizer';
import { BaseExporter } from './base';
import { type DocumentRecord, type ExportDocument, type IssueList, type SpanRecord, flattened } from './common';

export const CONLL_FILE = 'corpus.conll';

export class ConllExporter extends BaseExporter {
  protected render(record: DocumentRecord, doc: ExportDocument, issues: IssueList): [string, string][] {
    const { text } = record;
    const bioes = this.options.scheme === 'bioes';
    const columns = this.options.nested === 'columns';
    const spans = columns ? record.spans : record.spans.filter((s) => s.depth === 0);
    // A plain loop: flatMap, which makes an array a span, took a tenth of this render's time.
    const boundaries: number[] = [];
    for (const span of record.spans) boundaries.push(span.start, span.end);
    const tokens = tokenize(text, boundaries);

    // tags[depth][token]
    const tags: string[][] = [];
    const names = new Map<string, [string, string, string, string]>();
    const ends = new Map<string, string>();
    let k = 0;
    const byStart = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
    for (const span of byStart) {
      while (k > 0 && tokens[k - 1]!.end > span.start) k--;
      while (k < tokens.length && tokens[k]!.end <= span.start) k++;
      let last = k;
      while (last < tokens.length && tokens[last]!.end <= span.end) last++;
      if (last === k || tokens[k]!.start < span.start) {
        issues.add('warning', doc.parsed.spans[span.index]!.range.start, `the span '${span.text}' holds no token (white space or invisible marks only) and is left out of the CoNLL file`);
        continue;
      }
      const column = (tags[columns ? span.depth : 0] ??= []);
      const [b, i_, e, s_] = tagsOf(names, span.type);
      for (let i = k; i < last; i++) {
        const single = last - k === 1;
        column[i] = bioes ? (single ? s_ : i === k ? b : i === last - 1 ? e : i_) : i === k ? b : i_;
      }
    }

    this.stats.tokens += tokens.length;
    for (const token of tokens) if (token.cut) this.stats.cutTokens++;
    const roots: SpanRecord[] = record.spans.filter((s) => s.depth === 0);
    // Appended piece by piece, then made flat at once (see `flattened`): a third faster than an array
    // of pieces joined at the end.
    let out = '-DOCSTART- O\n\n';
    const outer = tags[0];
    for (const [first, end] of sentences(text, tokens, roots)) {
      for (let i = first; i < end; i++) {
        const token = tokens[i]!;
        out += text.slice(token.start, token.end);
        let depth = tags.length;
        while (depth > 1 && tags[depth - 1]![i] === undefined) depth--;
        if (depth <= 1) {
          const tag = outer?.[i];
          out += tag === undefined ? OUTSIDE_LINE_END : lineEnd(ends, tag);
          continue;
        }
        for (let d = 0; d < depth; d++) out += ' ' + (tags[d]?.[i] ?? 'O');
        out += '\n';
      }
      out += '\n';
    }
    return [[CONLL_FILE, flattened(out)]];
  }
}

/** The B-, I-, E- and S- tags of a type, made once per document and type. */
function tagsOf(names: Map<string, [string, string, string, string]>, type: string): [string, string, string, string] {
  let tags = names.get(type);
  if (!tags) names.set(type, (tags = [`B-${type}`, `I-${type}`, `E-${type}`, `S-${type}`]));
  return tags;
}

/** What ends the line of a token outside every entity (most tokens). */
const OUTSIDE_LINE_END = ' O\n';

/** ` TAG` and the line break after a token, made once per document and tag. */
function lineEnd(ends: Map<string, string>, tag: string): string {
  let end = ends.get(tag);
  if (end === undefined) ends.set(tag, (end = ` ${tag}\n`));
  return end;
}
