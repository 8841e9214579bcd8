/**
 * Where kestraform's own files are. This module sits at the top of lib/ (dist/ when installed),
 * as does the CLI's one-file build (dist/cli.js): its folder is the code's, one up is the package.
 */
import * as path from 'node:path';

/** The folder holding kestraform's package.json. */
export const PACKAGE_ROOT = path.resolve(__dirname, '..');
/** lib/ in a checkout, dist/ when installed. */
export const CODE_DIR = __dirname;
