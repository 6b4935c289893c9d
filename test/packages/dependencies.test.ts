/**
 * Every package declares what it imports and imports what it declares: each bare import in
 * packages/<name>/src is in that package.json's dependencies, and each of its dependencies is imported
 * there (devDependencies are for the tests and are not checked). Node built-ins (`node:`) need nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { REPO } from '../helpers/passk.js';

const PACKAGES = path.join(REPO, 'packages');

async function tsFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await tsFiles(full)));
    else if (entry.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

/** The package names a source file imports: `from 'x'`, `import('x')`, `import 'x'`, `typeof import('x')`. */
function importedPackages(source: string): string[] {
  const names: string[] = [];
  // Comments are prose: `"gone" from "hostile"` in one is not an import.
  const text = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)['"]([^'"./][^'"]*)['"]/gm)) {
    const spec = m[1]!;
    if (spec.startsWith('node:')) continue;
    names.push(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
  }
  return names;
}

const names = (await readdir(PACKAGES)).sort();

for (const name of names) {
  test(`packages/${name}: imports and dependencies match`, async () => {
    const pkg = JSON.parse(await readFile(path.join(PACKAGES, name, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
    const declared = new Set(Object.keys(pkg.dependencies ?? {}));
    const imported = new Map<string, string>();
    for (const file of await tsFiles(path.join(PACKAGES, name, 'src'))) {
      for (const dep of importedPackages(await readFile(file, 'utf8'))) if (!imported.has(dep)) imported.set(dep, path.relative(REPO, file));
    }
    const undeclared = [...imported].filter(([dep]) => !declared.has(dep)).map(([dep, file]) => `${dep} (${file})`);
    assert.deepEqual(undeclared, [], `packages/${name}/package.json: imported but not in dependencies`);
    const unused = [...declared].filter((dep) => !imported.has(dep));
    assert.deepEqual(unused, [], `packages/${name}/package.json: in dependencies but never imported`);
  });
}
