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
import type { DocumentRecord, ExportDocument, IssueList, SpanRecord } from './common';

export const CONLL_FILE = 'corpus.conll';

export class ConllExporter extends BaseExporter {
  protected render(record: DocumentRecord, doc: ExportDocument, issues: IssueList): [string, string][] {
    const { text } = record;
    const bioes = this.options.scheme === 'bioes';
    const columns = this.options.nested === 'columns';
    const spans = columns ? record.spans : record.spans.filter((s) => s.depth === 0);
    const tokens = tokenize(text, record.spans.flatMap((s) => [s.start, s.end]));

    // tags[depth][token]
    const tags: string[][] = [];
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
      for (let i = k; i < last; i++) {
        const single = last - k === 1;
        const prefix = bioes ? (single ? 'S' : i === k ? 'B' : i === last - 1 ? 'E' : 'I') : i === k ? 'B' : 'I';
        column[i] = `${prefix}-${span.type}`;
      }
    }

    this.stats.tokens += tokens.length;
    for (const token of tokens) if (token.cut) this.stats.cutTokens++;
    const roots: SpanRecord[] = record.spans.filter((s) => s.depth === 0);
    const parts: string[] = ['-DOCSTART- O\n\n'];
    for (const [first, end] of sentences(text, tokens, roots)) {
      let block = '';
      for (let i = first; i < end; i++) {
        const token = tokens[i]!;
        let line = text.slice(token.start, token.end);
        let depth = tags.length;
        while (depth > 1 && tags[depth - 1]![i] === undefined) depth--;
        for (let d = 0; d < Math.max(depth, 1); d++) line += ' ' + (tags[d]?.[i] ?? 'O');
        block += line + '\n';
      }
      parts.push(block + '\n');
    }
    return [[CONLL_FILE, parts.join('')]];
  }
}
