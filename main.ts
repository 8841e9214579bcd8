/**
 * The cdktf app: instantiates the stacks of this repository. `kestraform synth` runs it (the
 * `app` command of cdktf.json) with the context of cdktf.json in CDKTF_CONTEXT_JSON, exactly as
 * the cdktf CLI does; run directly, it reads cdktf.json's context itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'kestraform';
import { ExampleStack } from './stacks/example';
import { addEnvironmentStacks } from './stacks/environments';

function contextFromCdktfJson(): Record<string, unknown> | undefined {
  if (process.env.CDKTF_CONTEXT_JSON) return undefined; // the App reads it from the environment
  const file = path.join(__dirname, 'cdktf.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')).context : undefined;
}

const app = new App({ context: contextFromCdktfJson(), stackTraces: false });
new ExampleStack(app, 'example');
// The same tree as environments (dev, prod, a pull-request preview), when cdktf.json asks for them.
if (app.node.tryGetContext('kestraform:environments') === true) addEnvironmentStacks(app);
app.synth();
