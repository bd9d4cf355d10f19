#!/usr/bin/env node
// Part of scripts/adoption.sh: every entry point that a packed package.json names (main,
// module, types, exports, typesVersions, configSchema) must be a file in its tarball, and
// README.md and LICENSE must be there too.
//
//   node scripts/adoption/check-tarball.mjs <package.tgz>...
import { execFileSync } from 'node:child_process';
import { basename } from 'node:path';

let failed = false;
for (const tarball of process.argv.slice(2)) {
  const files = new Set(
    execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(f => f.replace(/^package\//, '')),
  );
  const pkg = JSON.parse(
    execFileSync('tar', ['-xOzf', tarball, 'package/package.json'], {
      encoding: 'utf8',
    }),
  );
  const targets = [];
  const collect = (where, value) => {
    if (typeof value === 'string') targets.push([where, value]);
    else if (Array.isArray(value))
      value.forEach((v, i) => collect(`${where}[${i}]`, v));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        // The `backstage` condition names a feature type, not a file.
        if (k !== 'backstage') collect(`${where}[${JSON.stringify(k)}]`, v);
      }
    }
  };
  for (const field of ['main', 'module', 'types', 'configSchema']) {
    if (pkg[field]) collect(field, pkg[field]);
  }
  collect('exports', pkg.exports);
  collect('typesVersions', pkg.typesVersions);
  const problems = targets
    .filter(([, file]) => !files.has(file.replace(/^\.\//, '')))
    .map(([where, file]) => `${where} -> ${file} is not in the tarball`);
  for (const required of ['README.md', 'LICENSE']) {
    if (!files.has(required))
      problems.push(`${required} is not in the tarball`);
  }
  if (problems.length) {
    failed = true;
    console.error(
      `[adoption] ${pkg.name} (${basename(tarball)}): packaging defect:`,
    );
    for (const p of problems) console.error(`  ${p}`);
  } else {
    console.log(
      `[adoption] ${pkg.name}@${pkg.version}: ${targets.length} entry points, README.md and LICENSE present`,
    );
  }
}
process.exit(failed ? 1 : 0);
