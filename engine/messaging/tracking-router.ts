import { createHash } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import type { Clock } from '../core/clock.ts';
import { EMAIL_CLICKED, EMAIL_OPENED, EMAIL_UNSUBSCRIBED } from '../core/email-events.ts';
import type { EngagementType, Storage } from '../storage/types.ts';
import { verifyToken, type TrackingAction, type TrackingClaim } from './tokens.ts';
import { isTestMessage } from './links.ts';

export interface TrackingDeps {
  storage: Storage;
  clock: Clock;
  /** The secret the links were signed with (FORESIGHT_SECRET). */
  secret: string;
}

// The smallest transparent GIF (43 bytes).
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#222}button{font-size:1rem;padding:.6rem 1.2rem}</style></head>
<body><h1>${title}</h1>${body}</body></html>`;
}

const INVALID = page('Link not valid', '<p>This link is incomplete or was changed. Please use the link from the email exactly as it arrived.</p>');

/**
 * Public routes behind the links in every email (mounted at `/t`, no login):
 * one-click unsubscribe (RFC 8058), the open pixel and the click redirect.
 * Opens, clicks and unsubscribes are stored as events (`email_opened`,
 * `email_clicked`, `email_unsubscribed`) so journeys can react to them;
 * idempotency keys record each once per message (and per link for clicks).
 */
export function createTrackingRouter(deps: TrackingDeps): express.Router {
  const router = express.Router();

  const claimOf = (req: Request, res: Response, action: TrackingAction): TrackingClaim | null => {
    const claim = verifyToken(String(req.params.token), deps.secret, action);
    if (claim && (action !== 'click' || claim.url)) return claim;
    res.status(404).type('html').send(INVALID);
    return null;
  };

  const engagement: Record<string, EngagementType> = { [EMAIL_OPENED]: 'opened', [EMAIL_CLICKED]: 'clicked', [EMAIL_UNSUBSCRIBED]: 'unsubscribed' };
  const record = async (claim: TrackingClaim, type: string, idempotencyKey: string, extra: Record<string, unknown> = {}) => {
    // A test send borrows a real customer's data: what its reader does must not count for that customer.
    if (isTestMessage(claim.key)) return false;
    const now = deps.clock.now().getTime();
    const [customer] = await deps.storage.customers.get([claim.customerId]);
    if (!customer) return false;
    await deps.storage.events.insert(
      [{ customerId: claim.customerId, type, properties: { journeyId: claim.journeyId, nodeId: claim.nodeId, message: claim.key, ...extra }, occurredAt: now, idempotencyKey }],
      now,
    );
    // Kept apart from the events, which retention prunes: the message analytics count it once per message for good.
    await deps.storage.analytics.recordEngagement({ key: claim.key, type: engagement[type]!, journeyId: claim.journeyId, nodeId: claim.nodeId, customerId: claim.customerId }, now);
    return true;
  };

  router.get('/unsubscribe/:token', (req, res) => {
    if (!claimOf(req, res, 'unsubscribe')) return;
    // GET only asks: link scanners in mail gateways follow every link, and must not unsubscribe anyone.
    res
      .type('html')
      .set('Cache-Control', 'no-store')
      .send(page('Unsubscribe', `<p>Stop receiving these emails?</p><form method="post" action=""><button type="submit">Unsubscribe</button></form>`));
  });

  router.post('/unsubscribe/:token', async (req, res) => {
    const claim = claimOf(req, res, 'unsubscribe');
    if (!claim) return;
    const [customer] = await deps.storage.customers.get([claim.customerId]);
    if (customer && customer.unsubscribedAt === null && !isTestMessage(claim.key)) {
      await deps.storage.customers.setUnsubscribed(claim.customerId, deps.clock.now().getTime());
      await record(claim, EMAIL_UNSUBSCRIBED, `unsubscribe:${claim.key}`);
    }
    res.type('html').set('Cache-Control', 'no-store').send(page('You are unsubscribed', '<p>You will not receive these emails any more.</p>'));
  });

  router.get('/open/:token', async (req, res) => {
    const claim = claimOf(req, res, 'open');
    if (!claim) return;
    await record(claim, EMAIL_OPENED, `open:${claim.key}`);
    res.type('gif').set('Cache-Control', 'no-store, max-age=0').send(PIXEL);
  });

  router.get('/click/:token', async (req, res) => {
    const claim = claimOf(req, res, 'click');
    if (!claim) return;
    const url = claim.url!;
    const linkId = createHash('sha256').update(url).digest('hex').slice(0, 16);
    await record(claim, EMAIL_CLICKED, `click:${claim.key}:${linkId}`, { url });
    res.set('Cache-Control', 'no-store').redirect(302, url);
  });

  return router;
}
