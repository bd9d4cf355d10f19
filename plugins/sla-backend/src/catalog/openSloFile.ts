import {
  resolveSafeChildPath,
  UrlReaderService,
} from '@backstage/backend-plugin-api';
import { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  OpenSloProblem,
  readOpenSlo,
  SLA_ANNOTATIONS,
} from '@servicelevel/plugin-sla-common';
import fs from 'fs';
import path from 'path';
import { parseAllDocuments } from 'yaml';

/** Reads the text of `ref` (the value of `servicelevel.io/openslo`) for an entity at `location`. */
export type OpenSloFileReader = (
  location: LocationSpec,
  ref: string,
) => Promise<string>;

/**
 * Reads `ref` relative to the entity's own file, as the catalog reads other file refs: next
 * to or below a `file` location's file (never outside its folder), or resolved against a
 * `url` location's URL and read through the URL reader (so its allow-list applies).
 */
export function createOpenSloFileReader(
  urlReader: UrlReaderService,
): OpenSloFileReader {
  return async (location, ref) => {
    if (location.type === 'file') {
      const file = resolveSafeChildPath(path.dirname(location.target), ref);
      return fs.promises.readFile(file, 'utf8');
    }
    const url = new URL(ref, location.target).toString();
    const response = await urlReader.readUrl(url);
    return (await response.buffer()).toString('utf8');
  };
}

/**
 * The entity's annotations with the terms of its OpenSLO file merged under them (keys on the
 * entity win), and the problems found, each naming `servicelevel.io/openslo`, the file and
 * the document field. Never throws: an unreadable or malformed file is a problem.
 */
export async function mergeOpenSlo(
  annotations: Record<string, string>,
  location: LocationSpec,
  read: OpenSloFileReader,
): Promise<{ annotations: Record<string, string>; problems: string[] }> {
  const ref = annotations[SLA_ANNOTATIONS.openslo]?.trim();
  if (!ref) return { annotations, problems: [] };
  const name = `${SLA_ANNOTATIONS.openslo}: ${ref}`;
  let text: string;
  try {
    text = await read(location, ref);
  } catch (e) {
    return {
      annotations,
      problems: [`${name}: cannot be read — ${(e as Error).message}`],
    };
  }
  const docs = parseAllDocuments(text, { prettyErrors: true });
  const yamlErrors = docs.flatMap(d => d.errors);
  if (yamlErrors.length) {
    return {
      annotations,
      problems: yamlErrors.map(e => `${name}: not valid YAML — ${e.message}`),
    };
  }
  const read_ = readOpenSlo(docs.map(d => d.toJS()));
  return {
    annotations: { ...read_.annotations, ...annotations },
    problems: read_.problems.map(
      (p: OpenSloProblem) => `${name}: ${p.path} — ${p.message}`,
    ),
  };
}
