/**
 * Where the page's main thread spends its time while a preset trains, by hand, never as a test:
 * `npx tsx test/e2e/bench/mainThreadProfile.ts [--preset cnn] [--seconds 10]`. Samples the
 * main thread with the DevTools profiler for a few seconds mid-run and prints the functions with
 * the most self time, and the share of the window the thread was busy.
 */
import { openSession } from '../support/app';
import { startServer } from '../support/server';
import { TrainingPage } from '../support/training';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i < 0 ? fallback : args[i + 1]!;
};
const preset = flag('preset', 'cnn');
const seconds = Number(flag('seconds', '10'));

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const server = await startServer();
const s = await openSession(server.url, { width: 1366, height: 768 });
const t = new TrainingPage(s.page);
await s.app.loadPreset(preset);
await t.openPanel();
await t.chooseBackend('auto');
await s.page.getByTestId('train-start').click();
await t.waitStatus('running', 300_000);
// Let the run settle (backend chosen, first steps compiled) before sampling.
await new Promise((r) => setTimeout(r, 5000));
const cdp = await s.context.newCDPSession(s.page);
await cdp.send('Profiler.enable');
await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
await cdp.send('Profiler.start');
await new Promise((r) => setTimeout(r, seconds * 1000));
const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0;
let idle = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const f = byId.get(id)!.callFrame;
  const name = f.functionName || '(anonymous)';
  if (name === '(idle)' || name === '(program)') idle += dt;
  const where = f.url ? `${f.url.split('/').pop()}:${f.lineNumber + 1}` : '';
  const key = `${name} ${where}`.trim();
  self.set(key, (self.get(key) ?? 0) + dt);
});
console.log(`main thread busy ${(100 * (1 - idle / total)).toFixed(1)}% of ${(total / 1e6).toFixed(1)} s`);
for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25))
  console.log(`${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
await s.close();
await server.close();
