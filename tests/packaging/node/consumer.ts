// A TypeScript user's program against the installed package's types (node/index.d.ts):
// tests/packaging/node/test-package.sh type-checks it with `tsc --noEmit` (tsconfig.json
// here: strict) in a project that installed the fstwave tarball, typescript and @types/node.
// Never run; it must only type-check.  consumer-bad.ts holds the misuses tsc must reject.
import {
  Waveform, Signal, Value, FstwaveError, QueryResult, TimeArg, version, napiVersion,
  ChangeWindow, Summary, ArrayKind, AbortError, Var, Scope, ChangeBatch, StreamOptions,
} from 'fstwave';
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

// the viewer API (contract section 6): windows, summaries, cursor values, abort, close
export async function viewer(file: string, ac: AbortController): Promise<number> {
  const w = await Waveform.open(file, { signal: ac.signal, onProgress: (done: number, total: number) => void (done <= total) });
  const vars = [...w.hierarchy.allVars()];
  const signals = await w.loadSignalsAsync(vars, { signal: ac.signal });
  const win: ChangeWindow = signals[0].changesBetween(0n, 100);
  const times: BigUint64Array = win.times;
  const kind: ArrayKind = win.kind;
  const sum: Summary = signals[0].summary(0, 1000n, 800);
  const counts: Float64Array = sum.counts;
  const cursor: Array<Value | null> = await w.valuesAtTimeAsync([...signals, vars[0]], 5n, { onProgress: () => undefined });
  try {
    await w.loadBodyAsync({ signal: AbortSignal.abort() });
  } catch (e) {
    if (e instanceof AbortError && e.code === 'ABORT_ERR') w.close();
  }
  w[Symbol.dispose]();
  const closed: boolean = w.closed;
  return times.length + counts.length + cursor.length + kind.length + (closed ? 1 : 0) + w.valuesAtTime(signals, 0).length;
}

// pywellen 0.25's additions (contract section 5): lookup by path, one-pass streaming
export async function streams(file: string, ac: AbortController): Promise<number> {
  const w = new Waveform(file, { loadBody: false });
  const item: Var | Scope | undefined = w.get('top.cpu.pc');
  const inner: Var | Scope | undefined = item instanceof Scope ? item.get('pc[3]') : undefined;
  const include: Array<Var | string> = inner instanceof Var ? [inner, 'top.clk'] : ['top.clk'];
  let n = 0;
  for await (const batch of w.streamChanges(include, { signal: ac.signal, batchSize: 4096, onProgress: () => undefined })) {
    const b: ChangeBatch = batch;
    const t: bigint = b.times[0];
    const ref: number = b.signalRefs[0];
    const v: Value = b.values[0];
    n += b.times.length + (t > 0n ? 1 : 0) + ref + (typeof v === 'string' ? 1 : 0);
  }
  for (const b of w.streamChangesSync(null, { batchSize: 1 })) n += b.times.length;
  const opts: StreamOptions = { batchSize: 16 };
  const it = w.streamChanges(undefined, opts);
  await it.return();
  return n;
}
