import { cpus, loadavg, release, totalmem, type } from 'node:os';

/** One line naming the machine a figure was measured on. */
export function machineLine(): string {
  const cpu = cpus();
  const model = cpu[0]?.model.trim() ?? 'unknown CPU';
  return `${cpu.length} × ${model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${type()} ${release()}, Node ${process.version}; load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} at start`;
}
