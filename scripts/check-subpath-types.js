#!/usr/bin/env node
// Checks that a TypeScript consumer finds the types of `cdk-elasticache`, `cdk-elasticache/local`
// and `cdk-elasticache/runtime` with both node10 (typesVersions) and node16 (exports) resolution.
// Runs after `compile`, against the freshly built lib/.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const tsc = require.resolve('typescript/bin/tsc', { paths: [root] });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-elasticache-types-'));
try {
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(root, path.join(dir, 'node_modules', 'cdk-elasticache'), 'dir');
  // The package's own node_modules hold its peer dependencies (aws-cdk-lib, constructs).
  for (const dep of ['aws-cdk-lib', 'constructs', '@types']) {
    fs.symlinkSync(path.join(root, 'node_modules', dep), path.join(dir, 'node_modules', dep), 'dir');
  }
  fs.writeFileSync(path.join(dir, 'consumer.ts'), [
    "import * as lib from 'cdk-elasticache';",
    "import * as local from 'cdk-elasticache/local';",
    "import * as runtime from 'cdk-elasticache/runtime';",
    'export const modules: object[] = [lib, local, runtime];',
    '',
  ].join('\n'));
  const variants = [
    ['--module', 'commonjs', '--moduleResolution', 'node10', '--ignoreDeprecations', '6.0'],
    ['--module', 'node16', '--moduleResolution', 'node16'],
  ];
  for (const flags of variants) {
    execFileSync(process.execPath, [tsc, '--noEmit', '--strict', '--skipLibCheck', '--types', 'node', ...flags, 'consumer.ts'], {
      cwd: dir,
      stdio: 'inherit',
    });
    console.log(`subpath types resolve with ${flags.slice(0, 4).join(' ')}`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
