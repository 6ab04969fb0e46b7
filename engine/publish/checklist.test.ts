import { describe, expect, it } from 'vitest';
import type { JourneyGraph } from '../graph/types.ts';
import { blockingMessage, prePublishChecklist, type PublishFacts } from './checklist.ts';

const graph = (nodes: { id: string; type: string; config: Record<string, unknown> }[]): JourneyGraph => ({ id: 'j', name: 'j', version: 0, settings: {}, edges: [], nodes: nodes.map((n) => ({ typeVersion: 1, ...n })) }) as unknown as JourneyGraph;
const facts = (over: Partial<PublishFacts> = {}): PublishFacts => ({ mailMissing: [], defaultFrom: 'Shop <shop@acme.test>', brand: { shopUrl: 'https://acme.test' }, audience: [], templateCoupons: ['HELLO10'], ...over });
const email = (id: string, config: Record<string, unknown>) => ({ id, type: 'action.email', config: { subject: 's', html: '<p>x</p>', ...config } });

describe('pre-publish checklist', () => {
  it('passes a journey that is ready', () => {
    expect(prePublishChecklist(graph([email('m', { html: '<a href="{{brand.shopUrl}}/new">New</a>' })]), facts())).toEqual([]);
  });

  it('blocks on placeholder links in any node, naming the field and the fix', () => {
    const items = prePublishChecklist(graph([email('m', { html: '<a href="https://shop.example.com/cart">Cart</a>', text: 'Cart: https://shop.example.com/cart' }), { id: 'hook', type: 'action.webhook', config: { url: 'https://hooks.example/x' } }]), facts());
    expect(items.map((i) => [i.severity, i.nodeId, i.field, i.message])).toEqual([
      ['block', 'm', 'html', 'node "m": html is https://shop.example.com/cart, a placeholder address that reaches nothing: use {{brand.shopUrl}} (set in Settings → Brand) or your real URL'],
      ['block', 'm', 'text', 'node "m": text is https://shop.example.com/cart, a placeholder address that reaches nothing: use {{brand.shopUrl}} (set in Settings → Brand) or your real URL'],
      ['block', 'hook', 'url', 'node "hook": url is https://hooks.example/x, a placeholder address that reaches nothing: put in your real URL'],
    ]);
  });

  it('blocks a brand URL that is itself a placeholder, since every {{brand.shopUrl}} link would reach nothing', () => {
    const items = prePublishChecklist(graph([email('m', { html: '<a href="{{brand.shopUrl}}/cart">Cart</a>', text: '{{brand.shopUrl}}' })]), facts({ brand: { shopUrl: 'https://shop.example.com' } }));
    expect(items.map((i) => [i.severity, i.code, i.field, i.message])).toEqual([
      ['block', 'placeholder_link', 'html', 'node "m": html shows {{brand.shopUrl}}, which is https://shop.example.com, a placeholder address that reaches nothing: set your real shop URL in Settings → Brand'],
    ]);
  });

  it('blocks a missing sender unless the node, the brand or FORESIGHT_MAIL_FROM gives one', () => {
    const nodes = [email('own', { from: 'Me <me@acme.test>' }), email('none', {})];
    expect(prePublishChecklist(graph(nodes), facts({ defaultFrom: undefined })).map((i) => `${i.code}:${i.nodeId}`)).toEqual(['missing_sender:none']);
    expect(prePublishChecklist(graph(nodes), facts({ defaultFrom: undefined, brand: { senderAddress: 'hi@acme.test' } }))).toEqual([]);
  });

  it('warns, without blocking, about a template coupon once per node and about a segment that matches nobody', () => {
    const items = prePublishChecklist(graph([email('m', { html: '<b>HELLO10</b>', text: 'Your code: HELLO10' }), { id: 't', type: 'trigger.segment', config: { segment: 'gold' } }]), facts({ audience: [{ nodeId: 't', segment: 'gold', members: 0 }] }));
    expect(items.map((i) => [i.severity, i.code, i.nodeId])).toEqual([
      ['warn', 'placeholder_coupon', 'm'],
      ['warn', 'empty_segment', 't'],
    ]);
    expect(blockingMessage('j', items)).toBeNull();
  });

  it('treats a brand value printed only inside its own {{#if}} as optional', () => {
    const html = '{{#if brand.logoUrl}}<img src="{{brand.logoUrl}}">{{/if}}<p>{{brand.footerAddress}}</p>';
    expect(prePublishChecklist(graph([email('m', { html })]), facts()).map((i) => i.message)).toEqual(['node "m": html shows {{brand.footerAddress}}, but the brand has no footer address: set it in Settings → Brand']);
  });
});
