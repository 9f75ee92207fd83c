#!/usr/bin/env node
// The CLI is bundled to dist/cli.js by `npm run build` (run by `npm ci` through "prepare").
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write('corpus-annotator: dist/cli.js is missing: run `npm run build` first\n');
  process.exit(2);
}
require(bundle).runFromProcess();
