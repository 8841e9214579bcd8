/** kestraform's own version, from its package.json (one folder up from lib/ and from dist/ alike). */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const KESTRAFORM_VERSION: string = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version;
