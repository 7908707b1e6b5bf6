// Misuses the package's types must reject (tests/packaging/node/test-package.sh expects tsc
// to fail on this file with exactly these errors; each line says which).
import { Waveform, Signal } from 'fstwave';

export async function misuse(s: Signal): Promise<void> {
  await Waveform.open(42); // TS2345: a number is not a path
  const t: number = s.allChanges().next().value![0]; // TS2322: times are bigint, not number
  new Waveform('x.fst', { loadbody: false }); // TS2561: no option `loadbody` (did you mean loadBody?)
  void t;
}
