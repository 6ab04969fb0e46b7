// @vitest-environment happy-dom
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { post, put } from '../api.ts';
import { startRealServer } from '../testing/real-server.ts';
import { startTestSmtp, type TestSmtp } from '../../../engine/messaging/test-smtp.ts';
import { BrandSettings } from '../pages/Brand.tsx';
import { TestSend } from '../panel/TestSend.tsx';
import { DraftBadge } from './DraftBadge.tsx';
import { PublishDialog } from './PublishDialog.tsx';

const mailGraph = {
  nodes: [
    { id: 'start', type: 'trigger.event', config: { event: 'signup' } },
    { id: 'hello', type: 'action.email', config: { subject: 'Hello {{default customer.first_name "there"}}', html: '<p><a href="{{brand.shopUrl}}">Shop</a> HELLO10</p>' } },
  ],
  edges: [{ id: 'e', source: 'start', sourceHandle: 'next', target: 'hello' }],
};

// The real server in a child process, mailing a real SMTP sink.
let server: { stop: () => void };
let smtp: TestSmtp;
beforeAll(async () => {
  smtp = await startTestSmtp();
  server = await startRealServer({ FORESIGHT_SMTP_URL: smtp.url, FORESIGHT_MAIL_FROM: 'Ops <ops@acme.test>', FORESIGHT_SECRET: 'x'.repeat(40), FORESIGHT_PUBLIC_URL: 'http://127.0.0.1:1' });
  await post('/api/journeys', { name: 'Welcome', graph: mailGraph });
  await post('/api/segments', { name: 'gold', definition: { attribute: 'plan', op: 'eq', value: 'gold' } });
  await post('/api/batch', { batch: ['a', 'b'].map((customerId) => ({ kind: 'identify', customerId, email: `${customerId}@example.com`, attributes: { plan: 'gold', first_name: customerId.toUpperCase() } })) });
  await post('/api/journeys', { name: 'Gold', graph: { nodes: [{ id: 'enter', type: 'trigger.segment', config: { segment: 'gold' } }], edges: [] } });
}, 60_000);
afterAll(async () => {
  server.stop();
  await smtp.close();
});
afterEach(cleanup);

describe('PublishDialog', () => {
  it('lists what blocks publishing with the node and the fix, keeps Publish disabled, and publishes once the brand is set', async () => {
    render(<PublishDialog journeyId="welcome" onClose={() => {}} onPublished={() => {}} />);
    const block = await screen.findByTestId('checklist-block');
    expect(block.textContent).toContain('node "hello": html shows {{brand.shopUrl}}, but the brand has no shop URL: set it in Settings → Brand');
    expect(screen.getByTestId('checklist-warn').textContent).toContain('coupon HELLO10');
    expect(screen.getByRole('button', { name: 'Publish now' })).toHaveProperty('disabled', true);
    cleanup();

    await put('/api/brand', { shopUrl: 'https://acme.test' });
    let published: { version: number } | null = null;
    render(<PublishDialog journeyId="welcome" onClose={() => {}} onPublished={(r) => (published = r)} />);
    await waitFor(() => expect(screen.getByRole('button', { name: 'Publish now' })).toHaveProperty('disabled', false));
    expect(screen.queryByTestId('checklist-block')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Publish now' }));
    await waitFor(() => expect(published).toMatchObject({ version: 1 }));
  });

  it('offers a segment trigger’s audience choice with the current member count and publishes with it', async () => {
    let published: { entering: number } | null = null;
    render(<PublishDialog journeyId="gold" onClose={() => {}} onPublished={(r) => (published = r)} />);
    const audience = await screen.findByTestId('audience');
    expect(audience.textContent).toContain('Include current members (2)');
    expect(audience.textContent).toContain('Only customers who enter from now on');
    fireEvent.click(screen.getByLabelText(/Include current members/));
    fireEvent.click(screen.getByRole('button', { name: 'Publish now' }));
    await waitFor(() => expect(published).toMatchObject({ entering: 2 }));
  });
});

describe('TestSend', () => {
  it('sends the node’s email to the address with the customer’s data, and shows a refusal as the server words it', async () => {
    render(<TestSend journeyId="welcome" nodeId="hello" save={async () => true} />);
    fireEvent.change(screen.getByLabelText('Send to'), { target: { value: 'me@acme.test' } });
    fireEvent.change(screen.getByLabelText(/With the data of customer/), { target: { value: 'a' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send test' }));
    expect((await screen.findByTestId('test-send-result')).textContent).toBe('Sent “[Test] Hello A” to me@acme.test.');
    await waitFor(() => expect(smtp.mails.map((m) => m.subject)).toContain('[Test] Hello A'));
    fireEvent.change(screen.getByLabelText(/With the data of customer/), { target: { value: 'nobody' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send test' }));
    await waitFor(() => expect(screen.getByTestId('test-send-result').textContent).toContain('customerId: no customer "nobody"'));
  });
});

describe('BrandSettings', () => {
  it('loads the brand, saves it, and shows a bad value’s message naming the field', async () => {
    render(<BrandSettings />);
    await waitFor(() => expect((screen.getByLabelText('Shop URL') as HTMLInputElement).value).toBe('https://acme.test'));
    fireEvent.change(screen.getByLabelText('Shop name'), { target: { value: 'Acme' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save brand' }));
    expect((await screen.findByRole('status')).textContent).toContain('Brand saved');
    fireEvent.change(screen.getByLabelText('Logo URL'), { target: { value: 'logo.png' } });
    fireEvent.submit(screen.getByRole('form', { name: 'Brand' }));
    expect((await screen.findByRole('alert')).textContent).toBe('brand.logoUrl: give the full logo address, e.g. https://shop.example.org');
  });
});

describe('DraftBadge', () => {
  it('says "Draft differs from live" only once the saved draft would publish as something else', async () => {
    const plain = { nodes: [{ id: 'start', type: 'trigger.event', config: { event: 'visit' } }, { id: 'wait', type: 'wait.delay', config: { duration: '1d' } }], edges: [{ id: 'e', source: 'start', sourceHandle: 'next', target: 'wait' }] };
    await post('/api/journeys', { name: 'Plain', graph: plain });
    await post('/api/journeys/plain/publish');
    const { rerender } = render(<DraftBadge journeyId="plain" liveVersion={1} saved={true} />);
    await new Promise((r) => setTimeout(r, 300));
    expect(screen.queryByTestId('draft-differs')).toBeNull();
    await put('/api/journeys/plain/draft', { graph: { ...plain, nodes: plain.nodes.map((n) => (n.id === 'wait' ? { ...n, config: { duration: '2d' } } : n)) } });
    rerender(<DraftBadge journeyId="plain" liveVersion={1} saved={false} />);
    rerender(<DraftBadge journeyId="plain" liveVersion={1} saved={true} />);
    expect((await screen.findByTestId('draft-differs')).textContent).toBe('Draft differs from live v1');
  });
});
