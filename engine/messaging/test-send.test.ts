import { afterEach, describe, expect, it } from 'vitest';
import { saveBrand } from '../brand/brand.ts';
import { TEST_SECRET, mailWorld } from '../testing/mail-world.ts';
import { isTestMessage } from './links.ts';
import { testSend } from './test-send.ts';
import { verifyToken } from './tokens.ts';

let close: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of close.splice(0).reverse()) await c();
});

async function world(mail: Record<string, unknown> = {}, nodeFrom?: string) {
  const w = await mailWorld({ start: '2024-03-01T09:00:00Z', mail });
  close.push(w.close);
  const html = '<p>Hi {{default customer.first_name "there"}}, welcome to {{brand.shopName}}</p><p><a href="{{brand.shopUrl}}/new">New in</a></p>'
    + '{{#if recommendedProducts}}<ul>{{#each recommendedProducts}}<li><a href="{{url}}"><img src="{{imageUrl}}" alt="{{name}}">{{name}} {{money price "EUR"}}</a></li>{{/each}}</ul>{{/if}}';
  const draft = {
    id: 'welcome',
    name: 'Welcome',
    nodes: [
      { id: 't', type: 'trigger.event', config: { event: 'signup' } },
      { id: 'mail', type: 'action.email', config: { subject: 'Welcome, {{default customer.first_name "friend"}}', html, text: 'Shop: {{brand.shopUrl}}', category: 'welcome', ...(nodeFrom ? { from: nodeFrom } : {}) } },
    ],
    edges: [{ id: 'e', source: 't', sourceHandle: 'next', target: 'mail' }],
  };
  await w.h.journeys.saveDraft(draft);
  await saveBrand(w.h.storage, { shopName: 'Acme Outdoor', shopUrl: 'https://acme.test', senderName: 'Acme', senderAddress: 'hello@acme.test' }, 0);
  return w;
}

describe('test send', () => {
  it('sends the draft email node to the chosen address with the chosen customer’s data, brand and products, marked as a test', async () => {
    const w = await world();
    await w.h.identify([{ customerId: 'ann', email: 'ann@example.com', attributes: { first_name: 'Ann' } }]);
    const ann = await w.h.customerId('ann');
    await w.h.storage.scores.put([{ customerId: ann, model: 'recommendations', value: null, data: { items: [{ itemId: 'tent' }, { itemId: 'unknown-item' }] }, modelVersion: 'v1', scoredAt: 0 }]);
    await w.h.storage.products.upsert([{ itemId: 'tent', name: 'Trail Tent', url: 'https://acme.test/p/tent', imageUrl: 'https://acme.test/img/tent.jpg', price: 199, category: 'camping' }], 0);

    const r = await testSend(w.h, { journeyId: 'welcome', nodeId: 'mail', to: 'marketer@acme.test', customerId: 'ann' });
    expect(r).toEqual({ to: 'marketer@acme.test', subject: '[Test] Welcome, Ann' });
    expect(w.smtp.mails).toHaveLength(1);
    const mail = w.smtp.mails[0]!;
    expect(mail.headers.get('to')).toMatchObject({ text: 'marketer@acme.test' });
    // The customer's own address is never used; the brand sender is the From when FORESIGHT_MAIL_FROM is unset.
    expect(mail.from?.value).toEqual([{ name: 'Acme', address: 'hello@acme.test' }]);
    const html = String(mail.html);
    expect(html).toContain('Hi Ann, welcome to Acme Outdoor');
    expect(html).toContain('Trail Tent €199.00');
    expect(html).toContain('src="https://acme.test/img/tent.jpg"');
    expect(html).not.toContain('unknown-item');
    // Brand and product links are the shop's own: they go through the click redirect like links written in the template.
    const clicks = [...html.matchAll(/href="(http:\/\/127\.0\.0\.1:1\/t\/click\/[^"]+)"/g)].map((m) => verifyToken(m[1]!.split('/').pop()!, TEST_SECRET, 'click'));
    expect(clicks.map((c) => c?.url).sort()).toEqual(['https://acme.test/new', 'https://acme.test/p/tent']);
    // Its links carry a test key: the tracking router records nothing for them.
    expect(clicks.every((c) => c && isTestMessage(c.key))).toBe(true);
    // Not an outbox entry, not in the send log: no statistics, no frequency cap.
    expect(await w.h.storage.outbox.list({})).toEqual([]);
    expect(await w.h.storage.sends.countAll(ann, 0)).toBe(0);
  });

  it('goes out even to a customer who unsubscribed, and without a customer renders the fallbacks and hides the empty product block', async () => {
    const w = await world({ mailFrom: undefined });
    await w.h.identify([{ customerId: 'bob', email: 'bob@example.com' }]);
    await w.h.storage.customers.setUnsubscribed(await w.h.customerId('bob'), 1);
    await testSend(w.h, { journeyId: 'welcome', nodeId: 'mail', to: 'me@acme.test', customerId: 'bob' });
    await testSend(w.h, { journeyId: 'welcome', nodeId: 'mail', to: 'me@acme.test' });
    expect(w.smtp.mails.map((m) => m.subject)).toEqual(['[Test] Welcome, friend', '[Test] Welcome, friend']);
    expect(String(w.smtp.mails[1]!.html)).not.toContain('<ul>');
  });

  it("keeps a node's own sender name whole when it holds a colon (unquoted, it read as an address group)", async () => {
    const w = await world({}, 'Acme: Deals <deals@acme.test>');
    await testSend(w.h, { journeyId: 'welcome', nodeId: 'mail', to: 'me@acme.test' });
    expect(w.smtp.mails[0]!.from?.value).toEqual([{ name: 'Acme: Deals', address: 'deals@acme.test' }]);
  });

  it('does not mail an address that bounced or complained, naming the reason and how to lift it', async () => {
    const w = await world();
    await w.h.storage.suppressions.add([{ email: 'Gone@Example.com', reason: 'complaint' }], 0);
    await expect(testSend(w.h, { journeyId: 'welcome', nodeId: 'mail', to: 'gone@example.com' })).rejects.toThrow(
      'test send failed: to: gone@example.com is suppressed (complaint); pick another address, or remove it from the list (DELETE /api/suppressions/:email) if that was a mistake',
    );
    expect(w.smtp.mails).toEqual([]);
  });

  it('says plainly why a test cannot go: bad address, unknown customer, not an email node, SMTP refusal, mail not configured', async () => {
    const w = await world();
    const send = (over: Record<string, unknown>) => testSend(w.h, { journeyId: 'welcome', nodeId: 'mail', to: 'me@acme.test', ...over });
    await expect(send({ to: 'not-an-address' })).rejects.toThrow('test send failed: to: "not-an-address" is not an email address; write e.g. me@shop.example.org');
    await expect(send({ customerId: 'nobody' })).rejects.toThrow('customerId: no customer "nobody"');
    await expect(send({ nodeId: 't' })).rejects.toThrow('node "t" is a trigger.event; only email nodes (action.email) can be sent as a test');
    await expect(send({ nodeId: 'nope' })).rejects.toThrow('node "nope" is not in journey "welcome"');
    w.smtp.rejectRecipient('me@acme.test', 550);
    await expect(send({})).rejects.toThrow(/^test send failed: SMTP 550: .*mailbox unavailable/);

    const bare = await mailWorld({ start: '2024-03-01T09:00:00Z', mail: { smtpUrl: undefined, mailFrom: undefined } });
    close.push(bare.close);
    await bare.h.journeys.saveDraft({ id: 'j', name: 'j', nodes: [{ id: 'mail', type: 'action.email', config: { subject: 's', html: '<p>x</p>' } }], edges: [] });
    await expect(testSend(bare.h, { journeyId: 'j', nodeId: 'mail', to: 'me@acme.test' })).rejects.toThrow(
      'test send failed: email is not configured: set FORESIGHT_SMTP_URL, FORESIGHT_MAIL_FROM (or the brand sender, or the node\'s From)',
    );
  });
});
