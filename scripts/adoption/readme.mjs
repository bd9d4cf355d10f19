#!/usr/bin/env node
// Part of scripts/adoption.sh: reads the adoption snippets out of README.md, so that the
// README and the adoption check cannot diverge. A snippet is the fenced code block right
// after an HTML comment `<!-- adoption:<name> -->`.
//
//   node scripts/adoption/readme.mjs block <README.md> <name>
//       prints the snippet
//   node scripts/adoption/readme.mjs apply-ts <README.md> <name> <app dir>
//       applies a TypeScript snippet whose first line is `// <file in the app>`: its
//       `import` lines go after the file's last import, every other line before the
//       anchor (`backend.start();` for the backend; the app's `features: [` list is
//       extended with the names the snippet puts in a `features: [...]` of its own)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function readBlock(readme, name) {
  const text = readFileSync(readme, 'utf8');
  const marker = `<!-- adoption:${name} -->`;
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no ${marker}`);
  const rest = text.slice(at + marker.length);
  const m = rest.match(/^\s*```[a-z]*\n([\s\S]*?)\n```/);
  if (!m) throw new Error(`${marker} is not followed by a fenced code block`);
  return m[1];
}

function applyTs(readme, name, appDir) {
  const lines = readBlock(readme, name).split('\n');
  const target = lines[0].match(/^\/\/\s*(\S+)/)?.[1];
  if (!target) {
    throw new Error(`adoption:${name}: the first line must be // <file>`);
  }
  const file = join(appDir, target);
  let source = readFileSync(file, 'utf8');
  const body = lines.slice(1);
  const imports = [];
  const statements = [];
  for (let i = 0; i < body.length; i++) {
    if (/^import\b/.test(body[i])) {
      // An import may span lines up to its `from '…';`.
      let stmt = body[i];
      while (!/from\s+'[^']+';?\s*$/.test(stmt) && i + 1 < body.length) {
        stmt += `\n${body[++i]}`;
      }
      imports.push(stmt);
    } else if (body[i].trim()) {
      statements.push(body[i]);
    }
  }
  const lastImport = [
    ...source.matchAll(/^import[\s\S]*?from\s+'[^']+';[ \t]*$/gm),
  ].pop();
  const importAt = lastImport ? lastImport.index + lastImport[0].length : 0;
  source = `${source.slice(0, importAt)}\n${imports.join('\n')}${source.slice(
    importAt,
  )}`;

  if (source.includes('backend.start();')) {
    source = source.replace(
      'backend.start();',
      `${statements.join('\n')}\n\nbackend.start();`,
    );
  } else {
    // The app: add the snippet's features to the app's own `features: [...]`.
    const wanted = statements
      .join('\n')
      .match(/features:\s*\[([^\]]*)\]/)?.[1]
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .split(',')
      .map(s => s.trim())
      .filter(Boolean);
    if (!wanted || !/features:\s*\[/.test(source)) {
      throw new Error(
        `adoption:${name}: no backend.start() or features: [ in ${target}`,
      );
    }
    const have = source.match(/features:\s*\[([^\]]*)\]/)[1];
    const add = wanted.filter(f => !new RegExp(`\\b${f}\\b`).test(have));
    source = source.replace(
      /features:\s*\[/,
      m => `${m}${add.map(f => `${f}, `).join('')}`,
    );
  }
  writeFileSync(file, source);
  console.log(
    `[adoption] README snippet adoption:${name} applied to ${target}`,
  );
}

const [cmd, readme, name, appDir] = process.argv.slice(2);
try {
  if (cmd === 'block') process.stdout.write(`${readBlock(readme, name)}\n`);
  else if (cmd === 'apply-ts') applyTs(readme, name, appDir);
  else {
    console.error(
      'usage: readme.mjs block|apply-ts <README.md> <name> [app dir]',
    );
    process.exit(2);
  }
} catch (e) {
  console.error(`[adoption] ${e.message}`);
  process.exit(1);
}
