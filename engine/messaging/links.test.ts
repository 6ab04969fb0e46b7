import { describe, expect, it } from 'vitest';
import { decorateHtml, decorateText, MessageLinks, templateOrigins } from './links.ts';
import { renderEmail } from './render.ts';
import { verifyToken } from './tokens.ts';

const SECRET = 's'.repeat(40);
const claim = { customerId: 3, key: '9:m:1', journeyId: 'j', nodeId: 'm' };
const links = new MessageLinks('https://fs.example/', SECRET, claim, new Set(['https://shop.example', 'http://x.example']));

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

describe('which links are signed', () => {
  it('collects the origins written in template sources, whatever follows them', () => {
    expect([...templateOrigins('<a href="https://Shop.example/p/{{customer.sku}}">x</a> http://x.example:8080{{path}}', 'see {{customer.website}} or https://{{customer.host}}/a', undefined)]).toEqual([
      'https://shop.example',
      'http://x.example:8080',
    ]);
  });

  it('signs only links to origins the template author wrote, never a URL taken from customer data', () => {
    const html = '<p><a href="https://shop.example/sale">Sale</a> <a href="{{customer.website}}">Your site</a> <a href="https://shop.example{{customer.path}}">Yours</a></p>';
    const text = 'Sale: https://shop.example/sale\nYour site: {{customer.website}}';
    const own = new MessageLinks('https://fs.example', SECRET, claim, templateOrigins(html, text));
    for (const hostile of ['https://evil.example/phish', 'https://shop.example.evil.example/', 'https://shop.example@evil.example/']) {
      const context = { customer: { website: hostile, path: hostile.replace('https://shop.example', '') } };
      const rendered = renderEmail({ subject: 's', html, text }, context);
      const outHtml = decorateHtml(rendered.html, own);
      const outText = decorateText(rendered.text, own);
      const signed = [...outHtml.matchAll(/\/t\/click\/([^"]+)/g), ...outText.matchAll(/\/t\/click\/(\S+)/g)].map((m) => verifyToken(m[1]!, SECRET, 'click')?.url);
      expect(signed).toEqual(['https://shop.example/sale', 'https://shop.example/sale']);
    }
  });
});
