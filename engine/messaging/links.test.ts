import { describe, expect, it } from 'vitest';
import { decorateHtml, decorateText, MessageLinks } from './links.ts';
import { verifyToken } from './tokens.ts';

const SECRET = 's'.repeat(40);
const links = new MessageLinks('https://fs.example/', SECRET, { customerId: 3, key: '9:m:1', journeyId: 'j', nodeId: 'm' });

function clickTarget(href: string): string | undefined {
  const token = href.replace(/&amp;/g, '&').split('/t/click/')[1]!;
  return verifyToken(token, SECRET, 'click')?.url;
}

describe('decorateHtml', () => {
  it('routes http(s) links through signed click links with the original URL (entities decoded)', () => {
    const html = decorateHtml(`<html><body><a class="b" href="https://shop.example/?a&#x3D;1&amp;b&#x3D;2">A</a> <a href='http://x.example/'>B</a> <a href="mailto:hi@x.example">C</a></body></html>`, links);
    const hrefs = [...html.matchAll(/href=(["'])([^"']+)\1/g)].map((m) => m[2]!);
    expect(clickTarget(hrefs[0]!)).toBe('https://shop.example/?a=1&b=2');
    expect(clickTarget(hrefs[1]!)).toBe('http://x.example/');
    expect(hrefs[2]).toBe('mailto:hi@x.example');
    expect(html).toContain('class="b"');
  });

  it('adds the unsubscribe link and pixel before </body>, but not a second unsubscribe link', () => {
    const added = decorateHtml('<body><p>x</p></body>', links);
    expect(added).toMatch(/<p>x<\/p><p [^>]*><a href="https:\/\/fs\.example\/t\/unsubscribe\/[^"]+">Unsubscribe<\/a><\/p><img src="https:\/\/fs\.example\/t\/open\/[^"]+"[^>]*><\/body>$/);
    const own = decorateHtml(`<p><a href="${links.unsubscribe}">Stop</a></p>`, links);
    expect(own.match(/\/t\/unsubscribe\//g)).toHaveLength(1);
    expect(own).toContain(`<a href="${links.unsubscribe}">Stop</a>`); // own links are not click-wrapped
  });

  it('routes the links of a text body through click links, leaving sentence punctuation and own links alone', () => {
    const text = decorateText(`Shop now: https://shop.example/sale?a=1&b=2. Or see (https://shop.example/faq), bye!\nStop: ${links.unsubscribe}`, links);
    const urls = [...text.matchAll(/https:\/\/fs\.example\/t\/click\/[^\s)]+/g)].map((m) => m[0].replace(/[.,]+$/, ''));
    expect(urls.map((u) => clickTarget(u))).toEqual(['https://shop.example/sale?a=1&b=2', 'https://shop.example/faq']);
    expect(text).toMatch(/^Shop now: https:\/\/fs\.example\/t\/click\/\S+\. Or see \(https:\/\/fs\.example\/t\/click\/[^)]+\), bye!\n/);
    expect(text.endsWith(`Stop: ${links.unsubscribe}`)).toBe(true);
  });

  it('appends the unsubscribe URL to a text body once', () => {
    expect(decorateText('Hi\n\n', links)).toBe(`Hi\n\nUnsubscribe: ${links.unsubscribe}\n`);
    expect(decorateText(`Bye ${links.unsubscribe}`, links)).toBe(`Bye ${links.unsubscribe}`);
    expect(decorateText('', links)).toBe('');
  });
});
