// One address: a dot-atom local part (RFC 5322 §3.2.3) at a host name. Strict on
// purpose: a sender goes into a mail header, where anything looser can smuggle headers.
const ADDRESS = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
// `Display Name <address>`; the name may be quoted, and holds no angle brackets.
const NAMED = /^\s*(?:"([^"\\]*)"|([^"<>]*?))\s*<([^<>]+)>\s*$/;

/**
 * Why a sender (`news@shop.example` or `Shop <news@shop.example>`) cannot
 * be used, or null when it can. Control characters (CR/LF) are refused first:
 * in a `From:` header they would start a new header line.
 *
 * @example senderProblem('Shop <news@shop.example>') // null
 */
export function senderProblem(from: string): string | null {
  if (/\p{Cc}/u.test(from)) return 'contains a line break or control character; write one address, e.g. "Shop <news@shop.example>"';
  const named = NAMED.exec(from);
  const address = named ? named[3]! : from.trim();
  if (!ADDRESS.test(address)) return `"${address}" is not an email address; write e.g. news@shop.example or "Shop <news@shop.example>"`;
  return null;
}

/**
 * A checked sender as name and address, for the mail library to quote: an unquoted name with
 * RFC 5322 specials (`Acme: Deals <…>`) would otherwise be read as a group and lose its name.
 * @example parseSender('Acme: Deals <deals@shop.example>') // { name: 'Acme: Deals', address: 'deals@shop.example' }
 */
export function parseSender(from: string): { name: string; address: string } {
  const named = NAMED.exec(from);
  return named ? { name: (named[1] ?? named[2] ?? '').trim(), address: named[3]!.trim() } : { name: '', address: from.trim() };
}
