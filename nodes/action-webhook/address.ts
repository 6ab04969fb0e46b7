import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

// Addresses a webhook must not reach by default: private networks, loopback,
// link-local (cloud metadata at 169.254.169.254), carrier NAT, multicast and
// reserved ranges. A webhook URL is user input; without this it is an SSRF hole.
const blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  // Local-use NAT64 (RFC 8215) places the IPv4 address where the operator chooses: refuse it whole.
  ['64:ff9b:1::', 48],
  // Teredo hides the client's IPv4 address (XORed); nothing a webhook needs.
  ['2001::', 32],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** The 16 bytes of an IPv6 address (zone id dropped, a trailing dotted IPv4 read as its 4 bytes). */
function ipv6Bytes(ip: string): number[] | null {
  let text = ip.replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const part = (s: string | undefined) => (s ? s.split(':').map((h) => parseInt(h, 16)) : []);
  const left = part(head);
  const right = part(tail);
  const words = tail === undefined ? left : [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
  if (words.length !== 8 || words.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffff)) return null;
  return words.flatMap((w) => [w >> 8, w & 255]);
}

const v4 = (b: number[], at: number) => b.slice(at, at + 4).join('.');
const startsWith = (b: number[], prefix: number[]) => prefix.every((x, i) => b[i] === x);
const zeros = (n: number) => Array<number>(n).fill(0);

/**
 * The IPv4 address an IPv6 address carries, where the network would deliver
 * to it: IPv4-mapped (::ffff:0:0/96), SIIT (::ffff:0:0:0/96), IPv4-compatible
 * (::/96), NAT64 (64:ff9b::/96) and 6to4 (2002::/16). Each must be judged by
 * the IPv4 inside, or `[64:ff9b::7f00:1]` reaches 127.0.0.1 through a NAT64 gateway.
 */
export function embeddedIpv4(ip: string): string | null {
  const b = ipv6Bytes(ip);
  if (!b) return null;
  if (startsWith(b, [...zeros(10), 0xff, 0xff])) return v4(b, 12);
  if (startsWith(b, [...zeros(8), 0xff, 0xff, 0, 0])) return v4(b, 12);
  if (startsWith(b, [0, 0x64, 0xff, 0x9b, ...zeros(8)])) return v4(b, 12);
  if (startsWith(b, [0x20, 0x02])) return v4(b, 2);
  // ::/96 minus :: and ::1, which are judged as IPv6 (unspecified, loopback).
  if (startsWith(b, zeros(12)) && (b[12]! | b[13]! | b[14]!) !== 0) return v4(b, 12);
  return null;
}

/** True for private, loopback, link-local and reserved IPv4/IPv6 addresses, and for anything not an IP. */
export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip.replace(/%.*$/, ''));
  if (family === 4) return blocked.check(ip, 'ipv4');
  if (family === 6) {
    const inner = embeddedIpv4(ip);
    return inner ? blocked.check(inner, 'ipv4') : blocked.check(ip.replace(/%.*$/, ''), 'ipv6');
  }
  return true;
}

export class RefusedAddressError extends Error {}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/**
 * Resolves a host and checks every address it has (a name with one public
 * and one private address is refused: the connection could use either).
 */
export async function resolveAllowed(host: string, allowPrivate: boolean): Promise<ResolvedAddress[]> {
  const bare = host.replace(/^\[|\]$/g, '');
  const addresses = isIP(bare) ? [{ address: bare, family: isIP(bare) }] : await lookup(bare, { all: true, verbatim: true });
  if (!allowPrivate) {
    const bad = addresses.find((a) => isPrivateAddress(a.address));
    if (bad) throw new RefusedAddressError(`${bare} resolves to ${bad.address}, a private, loopback or link-local address`);
  }
  return addresses;
}
