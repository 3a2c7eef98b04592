/** Tiny flag reader: `--name` booleans and `--name=value` / `--name value` values. */
export function readArgs(argv: string[] = process.argv.slice(2)) {
  const has = (name: string) => argv.includes(`--${name}`);
  const value = (name: string): string | undefined => {
    const i = argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
    if (i === -1) return undefined;
    const arg = argv[i]!;
    return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[i + 1];
  };
  return { has, value, command: `npm run bench -- ${[process.env.BENCH_NAME ?? '', ...argv].join(' ').trim()}` };
}
