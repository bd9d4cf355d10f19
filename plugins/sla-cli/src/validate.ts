import {
  ConfigProblem,
  parseSlaAnnotations,
  readSlaConfig,
  SLA_ANNOTATION_PREFIX,
  SlaConfig,
} from '@servicelevel/plugin-sla-common';
import {
  Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Node,
  parseAllDocuments,
} from 'yaml';

/** A file's text and the name it is reported under (as given on the command line). */
export interface SourceText {
  file: string;
  text: string;
}

/** One problem, placed in a file. Lines and columns are 1-based. */
export interface TermsProblem {
  /** `yaml`: syntax; `annotation`: an entity's SLA terms; `config`: the `sla:` section. */
  kind: 'yaml' | 'annotation' | 'config';
  file: string;
  line: number;
  column: number;
  /** `component:default/cad-core`; absent for syntax and config problems. */
  entityRef?: string;
  /** Full annotation name, or the config path for config problems. */
  key?: string;
  value?: string;
  expected?: string;
  /** Self-contained: names the key, the bad value and the expected form. */
  message: string;
}

/** What a validation run found. */
export interface ValidationResult {
  problems: TermsProblem[];
  /** Entities (documents with `metadata`) read from the catalog files. */
  entities: number;
  /** Of those, entities carrying at least one `servicelevel.io/` annotation. */
  entitiesWithTerms: number;
}

interface ParsedFile {
  file: string;
  docs: Document.Parsed[];
  lineCounter: LineCounter;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseFile(source: SourceText): {
  parsed: ParsedFile;
  problems: TermsProblem[];
} {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(source.text, { lineCounter });
  // An empty stream (no documents at all) is not an array.
  const list = Array.isArray(docs) ? docs : [];
  const problems: TermsProblem[] = [];
  for (const doc of list) {
    for (const error of doc.errors) {
      const pos = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
      // The pretty message repeats the position and adds a source excerpt; keep the first line.
      const message = error.message
        .split('\n')[0]
        .replace(/ at line \d+, column \d+:?$/, '');
      problems.push({
        kind: 'yaml',
        file: source.file,
        line: pos.line,
        column: pos.col,
        message: `YAML syntax error: ${message}`,
      });
    }
  }
  return { parsed: { file: source.file, docs: list, lineCounter }, problems };
}

function position(
  parsed: ParsedFile,
  node: Node | null | undefined,
): { line: number; column: number } {
  const offset = node?.range?.[0] ?? 0;
  const { line, col } = parsed.lineCounter.linePos(offset);
  return { line, column: col };
}

/** The key node of the pair at `path`, or of the deepest pair that exists, with how deep it got. */
function findKey(
  doc: Document.Parsed,
  path: Array<string | number>,
): { node?: Node; depth: number } {
  let current: unknown = doc.contents;
  let found: { node?: Node; depth: number } = { depth: 0 };
  for (let i = 0; i < path.length; i++) {
    const step = path[i];
    if (isMap(current)) {
      const pair = current.items.find(
        p => isScalar(p.key) && String(p.key.value) === String(step),
      );
      if (!pair) return found;
      found = { node: pair.key as Node, depth: i + 1 };
      current = pair.value;
    } else if (isSeq(current) && typeof step === 'number') {
      const item = current.items[step];
      if (!item) return found;
      found = { node: item as Node, depth: i + 1 };
      current = item;
    } else {
      return found;
    }
  }
  return found;
}

/**
 * Splits a dotted config path (`sla.calendars.cn-workdays.holidays[2]`) against the YAML it
 * came from: names may themselves contain dots, so at each map the longest matching key wins.
 */
function findConfigKey(
  doc: Document.Parsed,
  path: string,
): { node?: Node; depth: number } {
  let current: unknown = doc.contents;
  let rest = path;
  let found: { node?: Node; depth: number } = { depth: 0 };
  let depth = 0;
  while (rest.length) {
    const index = /^\[(\d+)\]\.?/.exec(rest);
    if (index && isSeq(current)) {
      const item = current.items[Number(index[1])];
      if (!item) return found;
      found = { node: item as Node, depth: ++depth };
      current = item;
      rest = rest.slice(index[0].length);
      continue;
    }
    if (!isMap(current)) return found;
    let best: { key: string; pair: (typeof current.items)[number] } | undefined;
    for (const pair of current.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const fits =
        rest === key ||
        rest.startsWith(`${key}.`) ||
        rest.startsWith(`${key}[`);
      if (fits && (!best || key.length > best.key.length)) best = { key, pair };
    }
    if (!best) return found;
    found = { node: best.pair.key as Node, depth: ++depth };
    current = best.pair.value;
    rest = rest.slice(best.key.length).replace(/^\./, '');
  }
  return found;
}

function mergeConfig(target: Json, source: Json): Json {
  if (isRecord(target) && isRecord(source)) {
    const out: { [k: string]: Json } = { ...target };
    for (const [k, v] of Object.entries(source)) {
      out[k] = k in out ? mergeConfig(out[k], v) : v;
    }
    return out;
  }
  return source;
}

/** The `sla:` configuration read from app-config files (later files override earlier ones). */
export interface LoadedConfig {
  config: SlaConfig;
  problems: TermsProblem[];
  /** Whether any file had an `sla:` section. */
  hasSlaSection: boolean;
  /** Parsed files, to place problems that come from a tier's values. */
  files: ParsedFile[];
}

/**
 * Reads the `sla:` sections of app-config files with sla-common's `readSlaConfig`, merged
 * as Backstage merges config files (objects key by key, later files win), and places each
 * config problem on its line.
 */
export function loadSlaConfig(sources: SourceText[]): LoadedConfig {
  const problems: TermsProblem[] = [];
  const files: ParsedFile[] = [];
  let raw: Json | undefined;
  let hasSlaSection = false;
  for (const source of sources) {
    const { parsed, problems: syntax } = parseFile(source);
    problems.push(...syntax);
    files.push(parsed);
    for (const doc of parsed.docs) {
      if (doc.errors.length) continue;
      const js = doc.toJS() as Json;
      if (!isRecord(js) || js.sla === undefined) continue;
      hasSlaSection = true;
      raw = raw === undefined ? js.sla : mergeConfig(raw, js.sla);
    }
  }
  const { config, problems: configProblems } = readSlaConfig(raw);
  for (const problem of configProblems) {
    problems.push(placeConfigProblem(files, problem));
  }
  return { config, problems, hasSlaSection, files };
}

function placeConfigProblem(
  files: ParsedFile[],
  problem: ConfigProblem,
): TermsProblem {
  // The deepest match wins; among equals the last file, as it is the one that applies.
  let best: { file: ParsedFile; node?: Node; depth: number } | undefined;
  for (const file of files) {
    for (const doc of file.docs) {
      const hit = findConfigKey(doc, problem.path);
      if (hit.depth > 0 && (!best || hit.depth >= best.depth))
        best = { file, ...hit };
    }
  }
  const where = best
    ? { file: best.file.file, ...position(best.file, best.node) }
    : {
        file: files[files.length - 1]?.file ?? 'app-config',
        line: 1,
        column: 1,
      };
  return {
    kind: 'config',
    ...where,
    key: problem.path,
    message: problem.message,
  };
}

function entityRef(entity: Record<string, unknown>, fallback: string): string {
  const metadata = isRecord(entity.metadata) ? entity.metadata : {};
  const kind = typeof entity.kind === 'string' ? entity.kind : undefined;
  const name = typeof metadata.name === 'string' ? metadata.name : undefined;
  if (!kind || !name) return fallback;
  const namespace =
    typeof metadata.namespace === 'string' ? metadata.namespace : 'default';
  return `${kind.toLowerCase()}:${namespace}/${name}`;
}

/** Where a problem about `key` of an entity's tier is written in the config, if anywhere. */
function findInTier(
  config: LoadedConfig | undefined,
  tier: string,
  key: string,
): { file: ParsedFile; node: Node } | undefined {
  if (!config) return undefined;
  const short = key.startsWith(SLA_ANNOTATION_PREFIX)
    ? key.slice(SLA_ANNOTATION_PREFIX.length)
    : key;
  // Later files override earlier ones, so the last one that writes the key is the one read.
  for (const file of [...config.files].reverse()) {
    for (const doc of file.docs) {
      for (const k of [short, SLA_ANNOTATION_PREFIX + short]) {
        const path = ['sla', 'tiers', tier, k];
        const hit = findKey(doc, path);
        if (hit.node && hit.depth === path.length)
          return { file, node: hit.node };
      }
    }
  }
  return undefined;
}

/**
 * Validates the SLA annotations of every entity in one catalog file (all its YAML
 * documents) with sla-common's parser, and places each problem on the line of the
 * annotation it is about. A problem in a value that comes from the entity's tier is placed
 * in the config file that defines the tier, when it was given.
 */
export function validateCatalogText(
  source: SourceText,
  config: LoadedConfig | SlaConfig,
): ValidationResult {
  const loaded = 'files' in config ? config : undefined;
  const slaConfig = 'files' in config ? config.config : config;
  const { parsed, problems } = parseFile(source);
  let entities = 0;
  let entitiesWithTerms = 0;
  parsed.docs.forEach((doc, index) => {
    // A document with a syntax error is reported as such; its values cannot be trusted.
    if (doc.errors.length) return;
    let js: unknown;
    try {
      js = doc.toJS();
    } catch (e) {
      problems.push({
        kind: 'yaml',
        file: source.file,
        ...position(parsed, doc.contents),
        message: `YAML error: ${e instanceof Error ? e.message : String(e)}`,
      });
      return;
    }
    if (!isRecord(js) || !isRecord(js.metadata)) return;
    entities++;
    const ref = entityRef(js, `${source.file}#${index + 1}`);
    const rawAnnotations = js.metadata.annotations;
    if (!isRecord(rawAnnotations)) return;
    const annotationsNode = doc.getIn(['metadata', 'annotations'], true);
    const keyNode = (name: string): Node | undefined => {
      if (!isMap(annotationsNode)) return undefined;
      const pair = annotationsNode.items.find(
        p => isScalar(p.key) && p.key.value === name,
      );
      return pair?.key as Node | undefined;
    };
    const at = (name: string) =>
      position(parsed, keyNode(name) ?? (annotationsNode as Node | undefined));

    const annotations: Record<string, string> = {};
    let hasTerms = false;
    for (const [name, value] of Object.entries(rawAnnotations)) {
      if (name.startsWith(SLA_ANNOTATION_PREFIX)) {
        hasTerms = true;
        // The catalog rejects entities whose annotation values are not strings.
        if (typeof value !== 'string') {
          problems.push({
            kind: 'annotation',
            file: source.file,
            ...at(name),
            entityRef: ref,
            key: name,
            value: String(value),
            expected: 'a string',
            message: `${name}: ${JSON.stringify(
              value,
            )} — expected a string; quote the value in YAML, e.g. '${String(
              value ?? '',
            )}'`,
          });
        }
      }
      annotations[name] =
        typeof value === 'string' ? value : String(value ?? '');
    }
    if (hasTerms) entitiesWithTerms++;

    const tier = annotations[`${SLA_ANNOTATION_PREFIX}tier`]?.trim();
    for (const p of parseSlaAnnotations(annotations, slaConfig).problems) {
      const own =
        annotations[p.key] !== undefined && annotations[p.key] === p.value;
      const inTier =
        !own && tier !== undefined
          ? findInTier(loaded, tier, p.key)
          : undefined;
      const where = inTier
        ? { file: inTier.file.file, ...position(inTier.file, inTier.node) }
        : {
            file: source.file,
            ...at(
              own || tier === undefined
                ? p.key
                : `${SLA_ANNOTATION_PREFIX}tier`,
            ),
          };
      problems.push({
        kind: 'annotation',
        ...where,
        entityRef: ref,
        key: p.key,
        value: p.value,
        expected: p.expected,
        message: p.message,
      });
    }
  });
  return { problems, entities, entitiesWithTerms };
}

/** Validates catalog files against the `sla:` config of app-config files. Pure. */
export function validateTerms(options: {
  catalogs: SourceText[];
  configs?: SourceText[];
}): ValidationResult & { hasSlaSection: boolean } {
  const loaded = loadSlaConfig(options.configs ?? []);
  const result: ValidationResult = {
    problems: [...loaded.problems],
    entities: 0,
    entitiesWithTerms: 0,
  };
  for (const catalog of options.catalogs) {
    const r = validateCatalogText(catalog, loaded);
    result.problems.push(...r.problems);
    result.entities += r.entities;
    result.entitiesWithTerms += r.entitiesWithTerms;
  }
  return { ...result, hasSlaSection: loaded.hasSlaSection };
}
