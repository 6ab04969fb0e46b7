import { signToken, type TrackingClaim } from './tokens.ts';

/** Builds the signed `/t/...` URLs for one message. */
export class MessageLinks {
  private readonly base: string;

  constructor(
    publicUrl: string,
    private readonly secret: string,
    private readonly message: Omit<TrackingClaim, 'action' | 'url'>,
  ) {
    this.base = `${publicUrl.replace(/\/+$/, '')}/t`;
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

  isOwn(url: string): boolean {
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
 * Makes a rendered HTML body trackable: links go through the click redirect,
 * an open pixel is added, and an unsubscribe link is appended unless the
 * template already placed `{{links.unsubscribe}}` itself.
 */
export function decorateHtml(html: string, links: MessageLinks): string {
  const unsubscribe = links.unsubscribe;
  let out = html.replace(HREF, (whole, start: string, quote: string, raw: string) => {
    const url = unescapeAttr(raw);
    return links.isOwn(url) ? whole : `${start}${quote}${escapeAttr(links.click(url))}${quote}`;
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
  const out = text.replace(TEXT_URL, (url) => (links.isOwn(url) ? url : links.click(url)));
  if (out.includes(unsubscribe)) return out;
  return `${out.replace(/\s+$/, '')}\n\nUnsubscribe: ${unsubscribe}\n`;
}
