/**
 * Label Studio: `tasks.json`, a JSON array of tasks with the annotations as results, and
 * `label_config.xml`, the labeling configuration to create the project with.
 *
 * Offsets are code points: Label Studio stores text region offsets in code points (so Python
 * can slice with them), not in the UTF-16 units its browser editor works in.
 *
 * Each span is a `labels` result; its catalog id, attributes and note ride on per-region text
 * area results sharing the span's region id (`entity`, `attr-KEY`, `note`); document labels are a
 * `document_labels` choices result.
 */

import type { CorpusConfig } from '../config';
import { BaseExporter } from './base';
import { type DocumentRecord, type ExportDocument, type IssueList, type OutputSink, declaredTypes } from './common';

export const LABEL_STUDIO_FILE = 'tasks.json';
export const LABEL_STUDIO_CONFIG = 'label_config.xml';

/** Names of the controls in the generated labeling configuration. */
export const LS = {
  text: 'text',
  labels: 'label',
  entity: 'entity',
  note: 'note',
  documentLabels: 'document_labels',
  attributePrefix: 'attr-',
} as const;

export class LabelStudioExporter extends BaseExporter {
  private first = true;
  private readonly usedTypes = new Set<string>();
  private readonly usedLabels = new Set<string>();
  private readonly usedAttributes = new Set<string>();
  private anyId = false;
  private anyNote = false;

  override begin(out: OutputSink): void {
    out.write(LABEL_STUDIO_FILE, '[');
  }

  protected render(record: DocumentRecord, doc: ExportDocument, issues: IssueList): [string, string][] {
    const converter = this.converter(record.text, 'codepoints');
    const result: unknown[] = [];
    record.spans.forEach((span, i) => {
      const offsets = this.offsetsOf(span, converter, doc, issues);
      if (!offsets) return;
      const [start, end] = offsets;
      const region = `s${i + 1}`;
      const item = (fromName: string, type: string, value: Record<string, unknown>): void => {
        result.push({ id: region, from_name: fromName, to_name: LS.text, type, value: { start, end, ...value } });
      };
      item(LS.labels, 'labels', { text: span.text, labels: [span.type] });
      this.usedTypes.add(span.type);
      if (span.id !== undefined) {
        item(LS.entity, 'textarea', { text: [span.id] });
        this.anyId = true;
      }
      for (const [key, value] of span.attributes) {
        // A text area rather than choices: a value outside corpus.yaml's list must survive too.
        item(LS.attributePrefix + key, 'textarea', { text: [value] });
        this.usedAttributes.add(key);
      }
      if (span.note !== undefined) {
        item(LS.note, 'textarea', { text: [span.note] });
        this.anyNote = true;
      }
    });
    if (record.labels.length > 0) {
      result.push({ id: 'document', from_name: LS.documentLabels, to_name: LS.text, type: 'choices', value: { choices: record.labels } });
      for (const label of record.labels) this.usedLabels.add(label);
    }
    const task = { data: { text: record.text, id: record.id, path: record.path, meta: record.meta }, annotations: [{ result }] };
    return [[LABEL_STUDIO_FILE, (this.first ? '\n' : ',\n') + JSON.stringify(task)]];
  }

  protected override written(): void {
    this.first = false;
  }

  override end(out: OutputSink): void {
    out.write(LABEL_STUDIO_FILE, '\n]\n');
    out.write(LABEL_STUDIO_CONFIG, labelConfig(this.config, this));
  }

  /** What the labeling configuration must declare. */
  get used(): { types: Set<string>; labels: Set<string>; attributes: Set<string>; ids: boolean; notes: boolean } {
    return { types: this.usedTypes, labels: this.usedLabels, attributes: this.usedAttributes, ids: this.anyId, notes: this.anyNote };
  }
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function labelConfig(config: CorpusConfig, exporter: LabelStudioExporter): string {
  const used = exporter.used;
  const lines = ['<View>', `  <Labels name="${LS.labels}" toName="${LS.text}">`];
  for (const type of declaredTypes(config, used.types)) {
    const def = config.types.get(type);
    const background = def?.color ? ` background="${xml(def.color)}"` : '';
    const hint = def?.name ? ` hint="${xml(def.name)}"` : '';
    lines.push(`    <Label value="${xml(type)}"${background}${hint}/>`);
  }
  lines.push('  </Labels>', `  <Text name="${LS.text}" value="$${LS.text}"/>`);
  const labels = [...config.documentLabels, ...[...used.labels].filter((l) => !config.documentLabels.includes(l)).sort()];
  if (labels.length > 0) {
    lines.push(`  <Choices name="${LS.documentLabels}" toName="${LS.text}" choice="multiple">`);
    for (const label of labels) lines.push(`    <Choice value="${xml(label)}"/>`);
    lines.push('  </Choices>');
  }
  const attributeKeys = [...config.attributes.keys(), ...[...used.attributes].filter((k) => !config.attributes.has(k)).sort()];
  if (used.ids || used.notes || attributeKeys.length > 0) {
    lines.push('  <View visibleWhen="region-selected">');
    if (used.ids || config.entities.size > 0) lines.push(`    <TextArea name="${LS.entity}" toName="${LS.text}" perRegion="true" editable="true" maxSubmissions="1" placeholder="catalog id"/>`);
    for (const key of attributeKeys) {
      const values = config.attributes.get(key)?.values;
      const placeholder = values ? `${key}: ${values.join(' | ')}` : key;
      lines.push(`    <TextArea name="${xml(LS.attributePrefix + key)}" toName="${LS.text}" perRegion="true" editable="true" maxSubmissions="1" placeholder="${xml(placeholder)}"/>`);
    }
    lines.push(`    <TextArea name="${LS.note}" toName="${LS.text}" perRegion="true" editable="true" maxSubmissions="1" placeholder="note"/>`);
    lines.push('  </View>');
  }
  lines.push('</View>');
  return lines.join('\n') + '\n';
}
