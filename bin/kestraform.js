#!/usr/bin/env node
require('tsx/cjs');
require('../lib/cli/main.ts').main(process.argv.slice(2));
