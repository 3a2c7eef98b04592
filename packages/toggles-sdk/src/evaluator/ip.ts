/**
 * IPv4 and IPv6 addresses and CIDR ranges for the remoteAddress strategy and IN_CIDR.
 * An address is four 32-bit words (IPv4 uses only the last), so one comparison covers both.
 */

export interface IpRange {
  version: 4 | 6;
  words: Uint32Array;
  prefix: number;
}

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Parses an IPv4 address into an unsigned 32-bit number; -1 when invalid.
 *
 * @example
 * parseIPv4('10.0.0.1'); // 167772161
 */
export function parseIPv4(text: string): number {
  const m = V4.exec(text);
  if (!m) return -1;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return -1;
    value = value * 256 + octet;
  }
  return value;
}

/**
 * Parses an IPv6 address (with `::`, an embedded IPv4 tail or a zone id) into four words.
 *
 * @example
 * parseIPv6('2001:db8::1'); // Uint32Array [0x20010db8, 0, 0, 1]
 */
export function parseIPv6(text: string): Uint32Array | undefined {
  let value = text;
  const zone = value.indexOf('%');
  if (zone >= 0) value = value.slice(0, zone);
  if (value.length === 0 || !/^[0-9a-fA-F:.]+$/.test(value)) return undefined;
  const groups: number[] = [];
  let tail: number[] = [];
  const lastColon = value.lastIndexOf(':');
  if (value.includes('.', lastColon)) {
    const v4 = parseIPv4(value.slice(lastColon + 1));
    if (v4 < 0) return undefined;
    tail = [v4 >>> 16, v4 & 0xffff];
    // Keep `::` when the quad follows it, otherwise drop the colon before the quad.
    value = value.slice(0, lastColon + 1);
    if (!value.endsWith('::')) value = value.slice(0, -1);
  }
  const halves = value.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const group of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
      out.push(Number.parseInt(group, 16));
    }
    return out;
  };
  const head = parse(halves[0]!);
  const rest = halves.length === 2 ? parse(halves[1]!) : [];
  if (!head || !rest) return undefined;
  const explicit = head.length + rest.length + tail.length;
  if (halves.length === 2) {
    if (explicit > 7) return undefined;
    groups.push(...head, ...new Array<number>(8 - explicit).fill(0), ...rest, ...tail);
  } else {
    if (explicit !== 8) return undefined;
    groups.push(...head, ...tail);
  }
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) words[i] = ((groups[2 * i]! << 16) | groups[2 * i + 1]!) >>> 0;
  return words;
}

/**
 * Parses an address of either family into words; `undefined` when invalid.
 *
 * @example
 * parseIp('192.168.1.7'); // { version: 4, words: [0, 0, 0, 3232235783] }
 */
export function parseIp(text: string): { version: 4 | 6; words: Uint32Array } | undefined {
  const v4 = parseIPv4(text);
  if (v4 >= 0) return { version: 4, words: Uint32Array.of(0, 0, 0, v4) };
  const v6 = parseIPv6(text);
  return v6 ? { version: 6, words: v6 } : undefined;
}

/**
 * Parses `address` or `address/prefix`; an address alone is a range of one.
 *
 * @example
 * parseCidr('10.0.0.0/8'); // { version: 4, prefix: 8, ... }
 * parseCidr('2001:db8::/32');
 */
export function parseCidr(text: string): IpRange | undefined {
  const slash = text.indexOf('/');
  const ip = parseIp(slash < 0 ? text : text.slice(0, slash));
  if (!ip) return undefined;
  const max = ip.version === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const raw = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(raw)) return undefined;
    prefix = Number(raw);
    if (prefix > max) return undefined;
  }
  return { version: ip.version, words: ip.words, prefix: ip.version === 4 ? prefix + 96 : prefix };
}

/**
 * Whether an address lies in a range of the same family.
 *
 * @example
 * inRange(parseIp('10.1.2.3')!, parseCidr('10.0.0.0/8')!); // true
 */
export function inRange(ip: { version: 4 | 6; words: Uint32Array }, range: IpRange): boolean {
  if (ip.version !== range.version) return false;
  let bits = range.prefix;
  for (let i = 0; i < 4 && bits > 0; i++) {
    const take = Math.min(32, bits);
    const mask = take === 32 ? 0xffffffff : ~(0xffffffff >>> take) >>> 0;
    if ((ip.words[i]! & mask) >>> 0 !== (range.words[i]! & mask) >>> 0) return false;
    bits -= take;
  }
  return true;
}
