/**
 * Each synth is written into a staging folder of its own, read there and then published as
 * cdktf.out: a run never reads what another run (or an app left behind by a killed CLI) writes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { newStagingDir, publishStaged } from '../../lib/project/staging';
import { synthesize } from '../../lib/project/synth';
import { runApp } from '../../lib/project/run-app';
import type { Project } from '../../lib/project/config';
import type { DesiredFlow } from '../../lib/desired/types';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'kf-staging-'));
const siblings = (outDir: string) => fs.readdirSync(path.dirname(outDir)).filter((n) => n.startsWith(`.${path.basename(outDir)}.`));

/** A stand-in app: writes a one-flow stack (flow id from FLOW_ID) after DELAY_MS. */
const APP = `
const fs = require('fs'), path = require('path');
const out = process.env.CDKTF_OUTDIR, id = process.env.FLOW_ID;
setTimeout(() => {
  fs.mkdirSync(path.join(out, 'stacks', 's'), { recursive: true });
  const content = 'id: ' + id + '\\nnamespace: a.b\\ntasks:\\n  - id: log\\n    type: io.kestra.plugin.core.log.Log\\n    message: hi\\n';
  fs.writeFileSync(path.join(out, 'stacks', 's', 'cdk.tf.json'), JSON.stringify({ resource: { kestra_flow: { f: { namespace: 'a.b', flow_id: id, content } } } }));
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ version: '0.21.0', stacks: { s: { name: 's', synthesizedStackPath: 'stacks/s/cdk.tf.json', dependencies: [] } } }));
}, Number(process.env.DELAY_MS || 0));
`;

function project(): Project {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, 'app.js'), APP);
  return { dir, app: `${JSON.stringify(process.execPath)} app.js`, outDir: path.join(dir, 'cdktf.out'), context: {} };
}

function withEnv<T>(vars: Record<string, string>, fn: () => T): T {
  const before = { ...process.env };
  Object.assign(process.env, vars);
  try {
    return fn();
  } finally {
    process.env = before;
  }
}

describe('synth staging', () => {
  it('publishes a staged folder over the previous output and leaves nothing beside it', () => {
    const outDir = path.join(tmp(), 'cdktf.out');
    fs.mkdirSync(outDir);
    fs.writeFileSync(path.join(outDir, 'old.json'), 'old');
    const staged = newStagingDir(outDir);
    fs.writeFileSync(path.join(staged, 'new.json'), 'new');
    publishStaged(staged, outDir);
    expect(fs.readdirSync(outDir)).toEqual(['new.json']);
    expect(siblings(outDir)).toEqual([]);
  });

  it('ends with one complete folder when runs publish one after another', () => {
    const outDir = path.join(tmp(), 'cdktf.out');
    const a = newStagingDir(outDir);
    const b = newStagingDir(outDir);
    fs.writeFileSync(path.join(a, 'a'), '');
    fs.writeFileSync(path.join(b, 'b'), '');
    publishStaged(a, outDir);
    publishStaged(b, outDir);
    expect(fs.readdirSync(outDir)).toEqual(['b']);
    expect(siblings(outDir)).toEqual([]);
  });

  it('removes the folders of dead processes and keeps those of live ones', () => {
    const outDir = path.join(tmp(), 'cdktf.out');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const deadDir = path.join(path.dirname(outDir), `.cdktf.out.synth-${dead}-0badc0de`);
    const liveDir = path.join(path.dirname(outDir), `.cdktf.out.synth-${process.pid}-0000aaaa`);
    fs.mkdirSync(deadDir);
    fs.mkdirSync(liveDir);
    const mine = newStagingDir(outDir);
    expect(fs.existsSync(deadDir)).toBe(false);
    expect(fs.existsSync(liveDir)).toBe(true);
    expect(fs.existsSync(mine)).toBe(true);
  });

  it('reads its own output while another app is still writing, then publishes it', async () => {
    const p = project();
    // A slow app, like one left running by a killed CLI, writes while the next run synthesizes.
    const slow = withEnv({ FLOW_ID: 'slow', DELAY_MS: '1500' }, () => runApp(p));
    const desired = await withEnv({ FLOW_ID: 'fast', DELAY_MS: '0' }, () => synthesize(p));
    expect(desired.stacks[0].resources.map((r) => (r as DesiredFlow).flowId)).toEqual(['fast']);
    expect(desired.stacks[0].file).toBe(path.join(p.outDir, 'stacks', 's', 'cdk.tf.json'));
    expect(fs.readFileSync(path.join(p.outDir, 'stacks', 's', 'cdk.tf.json'), 'utf8')).toContain('"flow_id":"fast"');
    const late = await slow;
    expect(fs.readFileSync(path.join(late.dir, 'stacks', 's', 'cdk.tf.json'), 'utf8')).toContain('"flow_id":"slow"');
    late.publish();
    expect(fs.readFileSync(path.join(p.outDir, 'stacks', 's', 'cdk.tf.json'), 'utf8')).toContain('"flow_id":"slow"');
    expect(siblings(p.outDir)).toEqual([]);
  });

  it('removes the staging folder of a failed app', async () => {
    const p = project();
    fs.writeFileSync(path.join(p.dir, 'app.js'), 'process.exit(3)');
    await expect(runApp(p)).rejects.toThrow(/exited with code 3/);
    expect(siblings(p.outDir)).toEqual([]);
    expect(fs.existsSync(p.outDir)).toBe(false);
  });
});
