// A TypeScript user's program against the installed package's types (node/index.d.ts):
// tests/packaging/node/test-package.sh type-checks it with `tsc --noEmit` (tsconfig.json
// here: strict) in a project that installed the fstwave tarball, typescript and @types/node.
// Never run; it must only type-check.  consumer-bad.ts holds the misuses tsc must reject.
import { Waveform, Signal, Value, FstwaveError, QueryResult, TimeArg, version, napiVersion } from 'fstwave';
import { Worker } from 'node:worker_threads';

export async function summarize(file: string | URL | Buffer): Promise<string[]> {
  const w: Waveform = await Waveform.open(file, { multiThreaded: false, loadBody: true });
  const h = w.hierarchy;
  const lines: string[] = [`${version} napi ${napiVersion} ${h.version()} ${h.timescale()?.unit.toExponent() ?? 'none'}`];
  const [start, end]: [bigint, bigint] = w.timeRange;
  lines.push(`${end - start}`);
  for (const scope of h.topScopes()) {
    for (const v of scope.vars(h)) lines.push(`${v.fullName(h)} ${v.bitwidth(h) ?? 'n/a'} ${v.index()?.msb ?? ''}`);
  }
  const signals: Signal[] = await w.loadSignalsAsync(h.allVars());
  for (const s of signals) {
    for (const [t, value] of s.allChanges()) {
      const time: bigint = t;
      const v: Value = value;
      lines.push(typeof v === 'bigint' ? `${time} 0x${v.toString(16)}` : `${time} ${v}`);
    }
    const at: TimeArg = 10n;
    const q: QueryResult = s.querySignal(at);
    if (q.nextTime !== null) lines.push(`${q.nextTime + 1n}`);
  }
  const first: bigint | undefined = w.timeTable.at(0);
  if (first !== undefined) lines.push(`${first}`);
  w.unloadSignals(signals);
  return lines;
}

export function opensSync(path: string): string | null {
  try {
    return new Waveform(Buffer.from(path), { loadBody: false }).hierarchy.date();
  } catch (e) {
    const err = e as FstwaveError;
    return err.code === 'ENOENT' ? `${err.syscall} ${err.path} ${err.errno}` : err.reason ?? null;
  }
}

export function spawnWorker(script: string): Worker {
  return new Worker(script, { workerData: { file: 'wave.fst' } });
}
