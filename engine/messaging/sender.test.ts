import { describe, expect, it } from 'vitest';
import { parseSender, senderProblem } from './sender.ts';

describe('senderProblem', () => {
  it.each(['news@shop.example', 'Shop <news@shop.example>', '"Shop, Inc." <news+x@mail.shop.example>', '  Ann  <a.b@c.example> '])('accepts %s', (from) => {
    expect(senderProblem(from)).toBeNull();
  });

  it.each([
    ['Shop <news@shop.example>\r\nBcc: victim@else.example', /line break/],
    ['news@shop.example\nX-Evil: 1', /line break/],
    ['Shop <news@shop.example', /not an email address/],
    ['Shop news@shop.example', /not an email address/],
    ['<a@b.example>, <c@d.example>', /not an email address/],
    ['a@localhost', /not an email address/],
    ['', /not an email address/],
  ])('refuses %j', (from, why) => {
    expect(senderProblem(from)).toMatch(why);
  });
});

describe('parseSender', () => {
  it.each([
    ['news@shop.example', { name: '', address: 'news@shop.example' }],
    ['Acme: Deals <deals@shop.example>', { name: 'Acme: Deals', address: 'deals@shop.example' }],
    ['"Shop, Inc." <news+x@mail.shop.example>', { name: 'Shop, Inc.', address: 'news+x@mail.shop.example' }],
    ['  Ann  <a.b@c.example> ', { name: 'Ann', address: 'a.b@c.example' }],
  ])('reads %j as name and address', (from, parsed) => {
    expect(parseSender(from)).toEqual(parsed);
  });
});
