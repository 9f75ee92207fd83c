/**
 * Unpacks the numbers of a spans response (SpansResult in protocol.ts). No `vscode` here, so
 * unit tests run it in plain Node; SpanStore passes a `make` that builds VS Code ranges, called
 * in the same loop, so a document of 20,000 spans allocates no intermediate objects.
 */

import { SPAN_FIELDS, SPANS_FORMAT, type SpansResult } from '../../server/src/protocol';

/**
 * Builds one span from its line and, on that line, the characters of its `[`, its `]` and just
 * after its `}` (absolute, in the negotiated encoding); type and id are undefined when absent.
 */
export type MakeSpan<T> = (line: number, start: number, close: number, end: number, depth: number, type: string | undefined, id: string | undefined) => T;

/** The spans in source order; undefined for a format this client does not know. */
export function decodeSpans<T>(packed: Pick<SpansResult, 'format' | 'data' | 'strings'>, make: MakeSpan<T>): T[] | undefined {
  if (packed.format !== SPANS_FORMAT) return undefined;
  const { data, strings } = packed;
  const count = Math.floor(data.length / SPAN_FIELDS);
  const spans = new Array<T>(count);
  let line = 0;
  let start = 0;
  for (let i = 0, k = 0; i < count; i++, k += SPAN_FIELDS) {
    const deltaLine = data[k]!;
    line += deltaLine;
    // As in semantic tokens: relative to the previous `[` on the same line, absolute on a new one.
    start = deltaLine === 0 ? start + data[k + 1]! : data[k + 1]!;
    const type = data[k + 5]!;
    const id = data[k + 6]!;
    spans[i] = make(line, start, start + data[k + 2]!, start + data[k + 3]!, data[k + 4]!, type >= 0 ? strings[type] : undefined, id >= 0 ? strings[id] : undefined);
  }
  return spans;
}
