/** Paths the tests use: the repository root and its folders, independent of where tests are compiled to. */

import * as path from 'node:path';

/** The repository root (tests are compiled to out/test/<suite>/, three levels below). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
export const SEEDS = path.join(REPO_ROOT, 'seeds');
export const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');
export const CLI = path.join(REPO_ROOT, 'bin', 'corpus-annotator.js');
export const SERVER_BUNDLE = path.join(REPO_ROOT, 'dist', 'server.js');
