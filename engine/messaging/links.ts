import { signToken, type TrackingClaim } from './tokens.ts';

// The scheme and host of an absolute URL as written in a template source, up to
// the first character that cannot belong to a host (or the start of a `{{`).
const WRITTEN_ORIGIN = /https?:\/\/[^\s"'<>{}/?#\\]+/gi;

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/**
 * The origins (scheme, host, port) of the links written in the templates
 * themselves. Only links to these are signed into click redirects: a URL that
 * arrives through customer data (a profile value anyone with the public
 * tracking key can set) must not become a redirect from the shop's domain.
 *
 * @example templateOrigins('<a href="https://shop.example/{{customer.sku}}">') // Set { 'https://shop.example' }
 */
export function templateOrigins(...sources: (string | undefined)[]): Set<string> {
  const out = new Set<string>();
  for (const source of sources) for (const m of source?.matchAll(WRITTEN_ORIGIN) ?? []) {
    const origin = originOf(m[0]);
    if (origin && origin !== 'null') out.add(origin);
  }
  return out;
}

/** Outbox keys of test sends start with this: their opens, clicks and unsubscribes are not recorded. */
export const TEST_MESSAGE_PREFIX = 'test:';

export function isTestMessage(key: string): boolean {
  return key.startsWith(TEST_MESSAGE_PREFIX);
}

/** Builds the signed `/t/...` URLs for one message. */
export class MessageLinks {
  private readonly base: string;

  constructor(
    publicUrl: string,
    private readonly secret: string,
    private readonly message: Omit<TrackingClaim, 'action' | 'url'>,
    /** Origins whose links are tracked (see templateOrigins); other links stay as they are. */
    private readonly trusted: ReadonlySet<string> = new Set(),
  ) {
    this.base = `${publicUrl.replace(/\/+$/, '')}/t`;
  }

  /** Whether a rendered link goes through the click redirect: a link to an origin the template author wrote. */
  tracks(url: string): boolean {
    const origin = originOf(url);
    return origin !== null && this.trusted.has(origin) && !this.isOwn(url);
  }

  get unsubscribe(): string {
    return `${this.base}/unsubscribe/${signToken({ ...this.message, action: 'unsubscribe' }, this.secret)}`;
  }

  get openPixel(): string {
    return `${this.base}/open/${signToken({ ...this.message, action: 'open' }, this.secret)}`;
  }

  click(url: string): string {
    return `${this.base}/click/${signToken({ ...this.message, action: 'click', url }, this.secret)}`;
  }

  private isOwn(url: string): boolean {
    return url.startsWith(`${this.base}/`);
  }
}

// href values of anchors pointing at http(s) URLs. Rendered HTML comes from our own
// Handlebars templates, so attribute quoting is regular enough for a pattern.
const HREF = /(<a\b[^>]*?\bhref\s*=\s*)(["'])(https?:\/\/[^"']+)\2/gi;

function unescapeAttr(v: string): string {
  return v.replace(/&amp;/g, '&').replace(/&#x3D;/gi, '=').replace(/&#61;/g, '=');
}

function escapeAttr(v: string): string {
  return v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
}

function beforeBodyEnd(html: string, insert: string): string {
  const i = html.search(/<\/body\s*>/i);
  return i < 0 ? html + insert : html.slice(0, i) + insert + html.slice(i);
}

/**
 * Makes a rendered HTML body trackable: links to the template's own origins go through the click redirect,
 * an open pixel is added, and an unsubscribe link is appended unless the
 * template already placed `{{links.unsubscribe}}` itself.
 */
export function decorateHtml(html: string, links: MessageLinks): string {
  const unsubscribe = links.unsubscribe;
  let out = html.replace(HREF, (whole, start: string, quote: string, raw: string) => {
    const url = unescapeAttr(raw);
    return links.tracks(url) ? `${start}${quote}${escapeAttr(links.click(url))}${quote}` : whole;
  });
  if (!out.includes(escapeAttr(unsubscribe)) && !out.includes(unsubscribe)) {
    out = beforeBodyEnd(out, `<p style="font-size:12px;color:#666"><a href="${escapeAttr(unsubscribe)}">Unsubscribe</a></p>`);
  }
  return beforeBodyEnd(out, `<img src="${escapeAttr(links.openPixel)}" width="1" height="1" alt="" style="display:none">`);
}

// Bare http(s) URLs in a text body; punctuation that ends a sentence is not part of the URL.
const TEXT_URL = /https?:\/\/[^\s<>"'()[\]]+?(?=[.,;:!?]*(?:\s|$|[<>"'()[\]]))/g;

/**
 * The text body with its links through the click redirect (as in the HTML
 * part, so clicks from text-only mail clients count too) and the unsubscribe
 * link appended unless already present.
 */
export function decorateText(text: string, links: MessageLinks): string {
  if (!text) return text;
  const unsubscribe = links.unsubscribe;
  const out = text.replace(TEXT_URL, (url) => (links.tracks(url) ? links.click(url) : url));
  if (out.includes(unsubscribe)) return out;
  return `${out.replace(/\s+$/, '')}\n\nUnsubscribe: ${unsubscribe}\n`;
}
