/**
 * corpus.yaml: the corpus's types, catalog and rules (markup.md section 3).
 *
 * Reading never throws: every problem comes back with the exact range of the key or value at
 * fault, and whatever could be read is kept, so one bad entry does not blank the whole schema.
 */

import type { OffsetRange, Severity, Span } from './model';
import { AliasBudget, isMap, isScalar, mapPairs, nodeRange, readYaml, scalarString, seqItems } from './yamlSource';
import type { Document } from 'yaml';
import { ENTITY_ID, TYPE_NAME } from './grammar';

/** Which file of a corpus a range or a problem belongs to. */
export type ConfigFile = 'corpus' | 'entities';

/** An entity type. */
export interface TypeDef {
  /** The key, as written in labels: `PER`. */
  key: string;
  /** Display name (e.g. Arabic): `شخص`. */
  name?: string;
  description?: string;
  /** `#rrggbb` (or `#rgb`, `#rrggbbaa`). */
  color?: string;
  /** Position in `types:`, from 0; the first nine get number keys 1..9. */
  index: number;
  keyRange: OffsetRange;
}

/** A declared attribute. */
export interface AttributeDef {
  key: string;
  /** Allowed values; undefined means any value. */
  values?: string[];
  keyRange: OffsetRange;
}

/** A catalog entity. */
export interface EntityDef {
  id: string;
  type?: string;
  name?: string;
  aliases: string[];
  description?: string;
  links: Record<string, string>;
  /** The file the entry is written in. */
  file: ConfigFile;
  keyRange: OffsetRange;
  /** The whole entry, key to end of value. */
  range: OffsetRange;
  /** Range of the `type:` value, when given. */
  typeRange?: OffsetRange;
}

export type CliticPolicy = 'outside' | 'inside' | 'any';
export type RuleSetting = Severity | 'off';

/** A corpus's configuration, with defaults filled in. */
export interface CorpusConfig {
  name?: string;
  language?: string;
  direction?: 'rtl' | 'ltr';
  documents: string[];
  exclude: string[];
  /** In the order written. */
  types: Map<string, TypeDef>;
  documentLabels: string[];
  attributes: Map<string, AttributeDef>;
  entities: Map<string, EntityDef>;
  /** The catalog's file, relative to the corpus folder, when `entities:` is a path. */
  entitiesPath?: string;
  nesting: boolean;
  clitics: { policy: CliticPolicy; proclitics: string[]; enclitics: string[] };
  /** Severity per diagnostic code, as the user set it. */
  rules: Map<string, RuleSetting>;
  /** Where a new catalog entry is written (the `unknown-entity` fix); absent for flow-style catalogs. */
  catalogInsertion?: CatalogInsertion;
}

/** The type a span has in a corpus: its label's type, else its catalog entry's (outside a corpus, the label's alone). */
export function effectiveType(span: Span, config: CorpusConfig | undefined): string | undefined {
  const { typeName, idName } = span.label;
  return typeName ?? (idName !== undefined ? config?.entities.get(idName)?.type : undefined);
}

/** A place to add catalog entries: insert `prefix`, then entries indented by `indent`, at `offset`. */
export interface CatalogInsertion {
  file: ConfigFile;
  offset: number;
  indent: string;
  prefix: string;
}

/** A problem in corpus.yaml or the entities file. */
export interface ConfigProblem {
  file: ConfigFile;
  code: string;
  message: string;
  range: OffsetRange;
  severity: Severity;
}

/** Proclitics of Arabic (markup.md section 3): conjunctions, prepositions, the article. */
export const DEFAULT_PROCLITICS = ['و', 'ف', 'ب', 'ل', 'ك', 'وال', 'بال', 'لل', 'فال', 'كال', 'ال'];
/** Enclitic pronouns of Arabic. */
export const DEFAULT_ENCLITICS = ['ه', 'ها', 'هم', 'هما', 'هن', 'ك', 'كم', 'كما', 'كن', 'ي', 'نا'];

/** corpus.yaml files larger than this are refused rather than read. */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

const COLOR = /^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$/;
const SEVERITIES = ['error', 'warning', 'info', 'hint', 'off'];

/**
 * Whether a YAML text is over MAX_CONFIG_BYTES in UTF-8, as on disk: an editor's buffer of an
 * Arabic corpus.yaml (two bytes a letter) must be refused exactly when the file would be.
 */
function tooLarge(text: string): boolean {
  if (text.length > MAX_CONFIG_BYTES) return true;
  if (text.length * 3 <= MAX_CONFIG_BYTES) return false;
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // One byte counted per unit already: 2 bytes below U+0800, a pair's 4 over its two units, else 3.
    if (c >= 0x80) bytes += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2;
  }
  return bytes > MAX_CONFIG_BYTES;
}

/** The configuration of a corpus whose corpus.yaml is absent (documents outside any corpus). */
export function emptyConfig(): CorpusConfig {
  return {
    documents: ['**/*.txt'],
    exclude: [],
    types: new Map(),
    documentLabels: [],
    attributes: new Map(),
    entities: new Map(),
    nesting: true,
    clitics: { policy: 'outside', proclitics: [...DEFAULT_PROCLITICS], enclitics: [...DEFAULT_ENCLITICS] },
    rules: new Map(),
  };
}

/** Outcome of reading the entities file named by `entities:`. */
export type EntitiesFileRead = { text: string } | { missing: true } | { error: string };

/**
 * Reads corpus.yaml. When `entities:` names a file, `readEntitiesFile` is asked for it (with the
 * path relative to the corpus folder, already checked to stay inside it).
 */
export function loadConfig(text: string, readEntitiesFile?: (relativePath: string) => EntitiesFileRead): { config: CorpusConfig; problems: ConfigProblem[] } {
  const config = emptyConfig();
  const problems: ConfigProblem[] = [];
  if (tooLarge(text)) {
    problems.push({ file: 'corpus', code: 'config-too-large', severity: 'error', message: `corpus.yaml is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MB and is not read`, range: { start: 0, end: 0 } });
    return { config, problems };
  }
  const reader = new ConfigReader('corpus', text, problems);
  reader.readCorpus(config);

  if (config.entitiesPath !== undefined) {
    const read = readEntitiesFile ? readEntitiesFile(config.entitiesPath) : ({ missing: true } as const);
    const at = reader.entitiesValueRange ?? { start: 0, end: 0 };
    if ('missing' in read) {
      problems.push({ file: 'corpus', code: 'missing-entities-file', severity: 'error', message: `the entities file '${config.entitiesPath}' does not exist`, range: at });
    } else if ('error' in read) {
      problems.push({ file: 'corpus', code: 'missing-entities-file', severity: 'error', message: `the entities file '${config.entitiesPath}' cannot be read: ${read.error}`, range: at });
    } else if (tooLarge(read.text)) {
      problems.push({ file: 'corpus', code: 'config-too-large', severity: 'error', message: `the entities file '${config.entitiesPath}' is larger than ${MAX_CONFIG_BYTES / 1024 / 1024} MB and is not read`, range: at });
    } else {
      const entitiesReader = new ConfigReader('entities', read.text, problems);
      entitiesReader.readEntitiesFile(config);
    }
  }
  checkEntityTypes(config, problems);
  return { config, problems: applyRulesToConfigProblems(problems, config.rules) };
}

/** Catalog entries whose type is not declared. */
function checkEntityTypes(config: CorpusConfig, problems: ConfigProblem[]): void {
  if (config.types.size === 0) return;
  for (const entity of config.entities.values()) {
    if (entity.type !== undefined && !config.types.has(entity.type)) {
      problems.push({
        file: entity.file,
        code: 'unknown-type',
        severity: 'error',
        message: `entity '${entity.id}' has type '${entity.type}', which is not declared in types:`,
        range: entity.typeRange ?? entity.keyRange,
      });
    }
  }
}

function applyRulesToConfigProblems(problems: ConfigProblem[], rules: Map<string, RuleSetting>): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const problem of problems) {
    const rule = rules.get(problem.code);
    if (rule === 'off') continue;
    out.push(rule ? { ...problem, severity: rule } : problem);
  }
  return out;
}

/**
 * Normalizes a relative path with `/` separators; undefined when it is absolute or climbs out
 * of its folder (an entities file must live inside the corpus).
 */
export function confinedPath(path: string): string | undefined {
  if (path.startsWith('/') || path.startsWith('\\') || /^[a-zA-Z]:/.test(path)) return undefined;
  const parts: string[] = [];
  for (const part of path.split(/[\\/]+/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.length > 0 ? parts.join('/') : undefined;
}

const CORPUS_KEYS = ['name', 'language', 'direction', 'documents', 'exclude', 'types', 'document_labels', 'attributes', 'entities', 'nesting', 'clitics', 'rules'];
const TYPE_KEYS = ['name', 'description', 'color'];
const ENTITY_KEYS = ['type', 'name', 'aliases', 'description', 'links'];

/** Walks one YAML file of a corpus, filling a config and collecting problems. */
class ConfigReader {
  private readonly doc: Document;
  private readonly aliases: AliasBudget;
  private aliasBombReported = false;
  /** YAML that did not parse cleanly is not read further: its structure cannot be trusted. */
  private readonly broken: boolean;
  /** Where `entities: path` stands, for problems about that file. */
  entitiesValueRange?: OffsetRange;

  constructor(
    private readonly file: ConfigFile,
    private readonly text: string,
    private readonly problems: ConfigProblem[],
  ) {
    // Duplicate keys are found by the walk, which knows whether a key is an entity id.
    const { doc, problems: yamlProblems } = readYaml(text, 0, { uniqueKeys: false });
    this.doc = doc;
    this.broken = yamlProblems.length > 0;
    this.aliases = new AliasBudget(doc);
    for (const p of yamlProblems) this.report(p.code, p.message, p.range);
  }

  private report(code: string, message: string, range: OffsetRange, severity: Severity = 'error'): void {
    this.problems.push({ file: this.file, code, message, range, severity });
  }

  /** The node behind aliases; undefined (reported once) when the alias budget is spent. */
  private resolve(node: unknown): unknown {
    const resolved = this.aliases.resolve(node);
    if (resolved === 'exhausted') {
      if (!this.aliasBombReported) {
        this.aliasBombReported = true;
        this.report('yaml-syntax', 'too many YAML aliases: the file is refused (alias bomb?)', nodeRange(node));
      }
      return undefined;
    }
    return resolved;
  }

  /**
   * The entries of a mapping with duplicate and unknown keys reported; undefined (reported)
   * when the node is not a mapping.
   */
  private entries(node: unknown, what: string, knownKeys?: string[], duplicateCode = 'duplicate-key'): { key: string; keyRange: OffsetRange; value: unknown; range: OffsetRange }[] | undefined {
    const resolved = this.resolve(node);
    if (resolved === undefined || (isScalar(resolved) && resolved.value === null)) return [];
    const pairs = mapPairs(resolved);
    if (!pairs) {
      this.report('bad-value', `${what} must be a mapping`, nodeRange(resolved));
      return undefined;
    }
    const seen = new Set<string>();
    const out = [];
    for (const pair of pairs) {
      const key = scalarString(this.resolve(pair.key));
      const keyRange = nodeRange(pair.key);
      if (key === undefined) {
        this.report('bad-value', `a key of ${what} must be a plain word`, keyRange);
        continue;
      }
      if (seen.has(key)) {
        this.report(duplicateCode, `'${key}' is given twice in ${what}`, keyRange);
        continue;
      }
      seen.add(key);
      if (knownKeys && !knownKeys.includes(key)) {
        this.report('unknown-key', `unknown key '${key}' in ${what} (known: ${knownKeys.join(', ')})`, keyRange, 'warning');
        continue;
      }
      const valueRange = nodeRange(pair.value);
      out.push({ key, keyRange, value: pair.value, range: { start: keyRange.start, end: Math.max(keyRange.end, valueRange.end) } });
    }
    return out;
  }

  private string(node: unknown, what: string): string | undefined {
    const resolved = this.resolve(node);
    if (resolved === undefined) return undefined;
    const value = scalarString(resolved);
    if (value === undefined) this.report('bad-value', `${what} must be a single value`, nodeRange(resolved));
    return value;
  }

  private strings(node: unknown, what: string): string[] | undefined {
    const resolved = this.resolve(node);
    if (resolved === undefined) return undefined;
    if (isScalar(resolved) && resolved.value === null) return [];
    const single = scalarString(resolved);
    if (single !== undefined) return [single];
    const items = seqItems(resolved);
    if (!items) {
      this.report('bad-value', `${what} must be a list`, nodeRange(resolved));
      return undefined;
    }
    const out: string[] = [];
    for (const item of items) {
      const value = scalarString(this.resolve(item));
      if (value === undefined) this.report('bad-value', `each entry of ${what} must be a single value`, nodeRange(item));
      else out.push(value);
    }
    return out;
  }

  private boolean(node: unknown, what: string): boolean | undefined {
    const resolved = this.resolve(node);
    if (isScalar(resolved) && typeof resolved.value === 'boolean') return resolved.value;
    this.report('bad-value', `${what} must be true or false`, nodeRange(resolved));
    return undefined;
  }

  private oneOf<T extends string>(node: unknown, what: string, allowed: readonly T[]): T | undefined {
    const value = this.string(node, what);
    if (value === undefined) return undefined;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.report('bad-value', `${what} must be one of ${allowed.join(', ')}`, nodeRange(this.resolve(node)));
    return undefined;
  }

  readCorpus(config: CorpusConfig): void {
    if (this.broken) return;
    const root = this.doc.contents;
    const endsWithBreak = this.text.length === 0 || this.text.endsWith('\n');
    // Without an `entities:` key, new entries go into a catalog appended at the end.
    config.catalogInsertion = { file: 'corpus', offset: this.text.length, indent: '  ', prefix: `${endsWithBreak ? '' : '\n'}entities:\n` };
    if (root === null || (isScalar(root) && root.value === null)) return;
    if (!isMap(root)) {
      this.report('bad-value', 'corpus.yaml must be a mapping of keys (name:, types:, entities:, ...)', nodeRange(root));
      return;
    }
    for (const { key, keyRange, value } of this.entries(root, 'corpus.yaml', CORPUS_KEYS) ?? []) {
      switch (key) {
        case 'name': {
          const v = this.string(value, 'name');
          if (v !== undefined) config.name = v;
          break;
        }
        case 'language': {
          const v = this.string(value, 'language');
          if (v !== undefined) config.language = v;
          break;
        }
        case 'direction': {
          const v = this.oneOf(value, 'direction', ['rtl', 'ltr'] as const);
          if (v) config.direction = v;
          break;
        }
        case 'documents':
          config.documents = this.strings(value, 'documents') ?? config.documents;
          break;
        case 'exclude':
          config.exclude = this.strings(value, 'exclude') ?? [];
          break;
        case 'types':
          this.readTypes(value, config);
          break;
        case 'document_labels':
          config.documentLabels = this.strings(value, 'document_labels') ?? [];
          break;
        case 'attributes':
          this.readAttributes(value, config);
          break;
        case 'entities': {
          const resolved = this.resolve(value);
          const path = isScalar(resolved) && typeof resolved.value === 'string' ? resolved.value : undefined;
          if (path !== undefined) {
            this.entitiesValueRange = nodeRange(resolved);
            const confined = confinedPath(path);
            if (confined === undefined) {
              this.report('entities-outside-corpus', `the entities file '${path}' must be a relative path inside the corpus folder`, this.entitiesValueRange);
            } else config.entitiesPath = confined;
          } else {
            this.readEntities(value, config);
            this.setCatalogInsertion(value, config, keyRange.start);
          }
          break;
        }
        case 'nesting': {
          const v = this.boolean(value, 'nesting');
          if (v !== undefined) config.nesting = v;
          break;
        }
        case 'clitics':
          this.readClitics(value, config);
          break;
        case 'rules':
          for (const rule of this.entries(value, 'rules') ?? []) {
            const v = this.oneOf(rule.value, `rules.${rule.key}`, SEVERITIES);
            if (v) config.rules.set(rule.key, v as RuleSetting);
          }
          break;
      }
    }
  }

  private readTypes(node: unknown, config: CorpusConfig): void {
    const resolved = this.resolve(node);
    // Shorthand: a plain list of type keys.
    const items = seqItems(resolved);
    const list = items
      ? items.map((item) => ({ key: scalarString(this.resolve(item)), keyRange: nodeRange(item), value: undefined as unknown }))
      : (this.entries(resolved, 'types') ?? []);
    for (const { key, keyRange, value } of list) {
      if (key === undefined || !TYPE_NAME.test(key)) {
        this.report('bad-value', `'${key ?? ''}' is not a valid type name (a letter, then letters, digits, _ - .)`, keyRange);
        continue;
      }
      if (config.types.has(key)) {
        this.report('duplicate-key', `type '${key}' is declared twice`, keyRange);
        continue;
      }
      const def: TypeDef = { key, index: config.types.size, keyRange };
      for (const field of this.entries(value, `type '${key}'`, TYPE_KEYS) ?? []) {
        const v = this.string(field.value, `${key}.${field.key}`);
        if (v === undefined) continue;
        if (field.key === 'color') {
          if (COLOR.test(v)) def.color = v;
          else this.report('bad-color', `'${v}' is not a colour: write "#rrggbb" (quoted, since # starts a YAML comment)`, nodeRange(this.resolve(field.value)));
        } else if (field.key === 'name') def.name = v;
        else def.description = v;
      }
      config.types.set(key, def);
    }
  }

  private readAttributes(node: unknown, config: CorpusConfig): void {
    for (const { key, keyRange, value } of this.entries(node, 'attributes') ?? []) {
      const def: AttributeDef = { key, keyRange };
      for (const field of this.entries(value, `attribute '${key}'`, ['values', 'description']) ?? []) {
        if (field.key === 'values') {
          const values = this.strings(field.value, `${key}.values`);
          if (values) def.values = values;
        } else this.string(field.value, `${key}.description`);
      }
      config.attributes.set(key, def);
    }
  }

  private readClitics(node: unknown, config: CorpusConfig): void {
    for (const field of this.entries(node, 'clitics', ['policy', 'proclitics', 'enclitics']) ?? []) {
      if (field.key === 'policy') {
        const v = this.oneOf(field.value, 'clitics.policy', ['outside', 'inside', 'any'] as const);
        if (v) config.clitics.policy = v;
      } else {
        const v = this.strings(field.value, `clitics.${field.key}`);
        if (v) config.clitics[field.key as 'proclitics' | 'enclitics'] = v;
      }
    }
  }

  /** Reads the catalog of an entities file: either `entities:` at its top or the map itself. */
  readEntitiesFile(config: CorpusConfig): void {
    if (this.broken) return;
    let root: unknown = this.doc.contents;
    if (isMap(root)) {
      const pairs = mapPairs(root)!;
      if (pairs.length === 1 && scalarString(pairs[0]!.key) === 'entities') root = pairs[0]!.value;
    }
    this.readEntities(root, config);
    this.setCatalogInsertion(root, config, 0);
  }

  /** After the catalog's last entry, at its indentation; nothing for a flow-style `{...}` catalog. */
  private setCatalogInsertion(node: unknown, config: CorpusConfig, keyOffset: number): void {
    const pairs = mapPairs(node);
    if (pairs && (node as { flow?: boolean }).flow) {
      delete config.catalogInsertion;
      return;
    }
    const lineStartOf = (offset: number): number => {
      const i = Math.max(this.text.lastIndexOf('\n', offset - 1), this.text.lastIndexOf('\r', offset - 1));
      return i + 1;
    };
    const afterLineOf = (offset: number): { offset: number; prefix: string } => {
      const i = this.text.indexOf('\n', offset);
      return i < 0 ? { offset: this.text.length, prefix: '\n' } : { offset: i + 1, prefix: '' };
    };
    if (pairs && pairs.length > 0) {
      const first = nodeRange(pairs[0]!.key);
      const last = pairs[pairs.length - 1]!;
      const end = Math.max(nodeRange(last.key).end, nodeRange(last.value).end);
      // The value's range ends after its trailing line break for block values; step back into it.
      const at = afterLineOf(Math.max(first.start, end - 1));
      config.catalogInsertion = { file: this.file, ...at, indent: this.text.slice(lineStartOf(first.start), first.start) };
      return;
    }
    if (this.file === 'entities' && pairs === undefined && (node === null || (isScalar(node) && node.value === null))) {
      config.catalogInsertion = { file: 'entities', offset: this.text.length, indent: '', prefix: this.text.length === 0 || this.text.endsWith('\n') ? '' : '\n' };
      return;
    }
    // `entities:` with nothing under it yet: right after that line.
    const at = afterLineOf(keyOffset);
    config.catalogInsertion = { file: this.file, ...at, indent: '  ' };
  }

  private readEntities(node: unknown, config: CorpusConfig): void {
    for (const { key: id, keyRange, value, range } of this.entries(node, 'entities', undefined, 'duplicate-id') ?? []) {
      if (!ENTITY_ID.test(id)) {
        this.report('bad-value', `'${id}' is not a valid entity id (letters, digits, _ - . :)`, keyRange);
        continue;
      }
      if (config.entities.has(id)) {
        this.report('duplicate-id', `entity '${id}' is defined twice`, keyRange);
        continue;
      }
      const entity: EntityDef = { id, aliases: [], links: {}, file: this.file, keyRange, range };
      for (const field of this.entries(value, `entity '${id}'`, ENTITY_KEYS) ?? []) {
        switch (field.key) {
          case 'type': {
            const v = this.string(field.value, `${id}.type`);
            if (v !== undefined) {
              entity.type = v;
              entity.typeRange = nodeRange(this.resolve(field.value));
            }
            break;
          }
          case 'name': {
            const v = this.string(field.value, `${id}.name`);
            if (v !== undefined) entity.name = v;
            break;
          }
          case 'description': {
            const v = this.string(field.value, `${id}.description`);
            if (v !== undefined) entity.description = v;
            break;
          }
          case 'aliases':
            entity.aliases = this.strings(field.value, `${id}.aliases`) ?? [];
            break;
          case 'links':
            for (const link of this.entries(field.value, `${id}.links`) ?? []) {
              const v = this.string(link.value, `${id}.links.${link.key}`);
              if (v !== undefined) entity.links[link.key] = v;
            }
            break;
        }
      }
      config.entities.set(id, entity);
    }
  }
}
