/**
 * The DeliveryLog component test's server, run as a child process (the builder's tests run in a DOM
 * environment that cannot load the engine): a real server over real SQLite and a real SMTP sink that
 * refuses every third recipient (fewer than the breaker's half, so their bounces count): of 30 welcome
 * emails, 10 failed. Prints `{ base, auth, journeyId }`
 * as one line, then serves until stdin closes.
 */
import { startMailTestServer } from '../../../engine/http/test-server.ts';

const { server: s, smtp } = await startMailTestServer();
const auth = await s.key('admin');
const graph = {
  nodes: [
    { id: 't', type: 'trigger.event', config: { event: 'signup' } },
    { id: 'm', type: 'action.email', config: { subject: 'Hi', html: '<p>Hi</p>' } },
  ],
  edges: [{ id: 'e', source: 't', sourceHandle: 'next', target: 'm' }],
};
const journeyId = (await s.call('POST', '/api/journeys', { json: { name: 'Win-back', graph }, headers: auth })).body.journey.id as string;
await s.call('POST', `/api/journeys/${journeyId}/publish`, { headers: auth });
const people = Array.from({ length: 30 }, (_, i) => `c${String(i).padStart(2, '0')}`);
people.filter((_, i) => i % 3 === 1).forEach((c) => smtp.rejectRecipient(`${c}@example.com`, 550));
await s.call('POST', '/api/batch', {
  headers: auth,
  json: { batch: [...people.map((c) => ({ kind: 'identify', customerId: c, email: `${c}@example.com` })), ...people.map((c) => ({ kind: 'track', customerId: c, type: 'signup' }))] },
});
await s.running.engine.runUntilIdle();
process.stdout.write(`${JSON.stringify({ base: s.base, auth, journeyId })}\n`);
process.stdin.resume();
process.stdin.on('end', () => void Promise.all([s.close(), smtp.close()]).then(() => process.exit(0)));
