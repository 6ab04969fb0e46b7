import { brandSender, type Brand } from '../brand/brand.ts';
import type { JourneyGraph } from '../graph/types.ts';
import type { SegmentTrigger } from './audience.ts';

/** The node type whose messages the checklist reads (its config is the email: subject, html, text, from). */
export const EMAIL_NODE = 'action.email';

export type Severity = 'block' | 'warn';

/** One thing to fix (block: publishing is refused) or to look at (warn) before a journey goes live. */
export interface ChecklistItem {
  code: 'email_not_configured' | 'missing_sender' | 'placeholder_link' | 'missing_brand' | 'placeholder_coupon' | 'empty_segment';
  severity: Severity;
  nodeId?: string;
  field?: string;
  /** What is wrong and how to fix it, naming the node. */
  message: string;
}

/** What the checklist is judged against: the installation as it is now. */
export interface PublishFacts {
  /** Settings missing for any mail to be delivered, the sender aside (see missingMailSettings). */
  mailMissing: string[];
  /** FORESIGHT_MAIL_FROM, when set. */
  defaultFrom?: string;
  brand: Brand;
  /** Each segment trigger with the number of customers in its segment now (null: unknown). */
  audience: (SegmentTrigger & { members: number | null })[];
  /** Coupon codes the shipped templates use as examples. */
  templateCoupons: string[];
}

// RFC 2606 / 6761 names reserved for examples: a link there reaches no shop.
const PLACEHOLDER_HOST = /^(?:.*\.)?example(?:\.(?:com|org|net))?$|\.invalid$/i;
const URL_IN_TEXT = /https?:\/\/[^\s"'<>{}]+/gi;
const BRAND_OUTPUT = /\{\{\{?\s*brand\.(\w+)\s*\}?\}\}/g;
// `{{#if brand.logoUrl}}…{{brand.logoUrl}}…{{/if}}`: a value printed only when it is set is optional.
const GUARDED = /\{\{#if\s+brand\.(\w+)\s*\}\}((?:(?!\{\{#if)[\s\S])*?)\{\{\/if\}\}/g;

/** The brand keys a template prints unconditionally. */
function printedBrandKeys(text: string): string[] {
  const unguarded = text.replace(GUARDED, (whole, key: string, body: string) => body.replace(new RegExp(`\\{\\{\\{?\\s*brand\\.${key}\\s*\\}?\\}\\}`, 'g'), ''));
  return [...unguarded.matchAll(BRAND_OUTPUT)].map((m) => m[1]!);
}

const BRAND_LABELS: Record<keyof Brand, string> = {
  shopName: 'shop name',
  shopUrl: 'shop URL',
  senderName: 'sender name',
  senderAddress: 'sender address',
  logoUrl: 'logo URL',
  footerAddress: 'footer address',
  currency: 'currency',
};

function stringFields(config: Record<string, unknown>): [string, string][] {
  return Object.entries(config).filter((e): e is [string, string] => typeof e[1] === 'string');
}

function placeholderLinks(text: string): string[] {
  return [...new Set([...text.matchAll(URL_IN_TEXT)].map((m) => m[0]).filter((u) => URL.canParse(u) && PLACEHOLDER_HOST.test(new URL(u).hostname)))];
}

/**
 * The pre-publish checklist: a pure reading of the journey against the facts. Blocking items
 * are the ones after which mail would fail or mislead (nothing delivered, no sender, links to a
 * shop that does not exist, brand values the emails print but nobody set); warnings are for a
 * person to judge (a template's example coupon may be a real code in this shop).
 */
export function prePublishChecklist(graph: JourneyGraph, facts: PublishFacts): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  const emails = graph.nodes.filter((n) => n.type === EMAIL_NODE);
  if (emails.length && facts.mailMissing.length) {
    items.push({
      code: 'email_not_configured',
      severity: 'block',
      nodeId: emails[0]!.id,
      message: `email is not configured, so nothing this journey sends would be delivered (${emails.map((n) => `"${n.id}"`).join(', ')}): set ${facts.mailMissing.join(', ')} and restart the server`,
    });
  }
  const brandFrom = brandSender(facts.brand);
  for (const n of emails) {
    const from = typeof n.config.from === 'string' && n.config.from.trim() ? n.config.from : (brandFrom ?? facts.defaultFrom);
    if (!from) items.push({ code: 'missing_sender', severity: 'block', nodeId: n.id, field: 'from', message: `node "${n.id}": no sender: set the sender address in Settings → Brand (or FORESIGHT_MAIL_FROM, or this node's From)` });
    const missingBrand = new Set<string>();
    for (const [field, text] of stringFields(n.config)) {
      for (const printed of printedBrandKeys(text)) {
        const key = printed as keyof Brand;
        const value = facts.brand[key];
        // A brand URL at a placeholder host (a template's shop.example.com kept as is) is as bad as none.
        if (!(key in BRAND_LABELS) || (value && !placeholderLinks(value).length) || missingBrand.has(key)) continue;
        missingBrand.add(key);
        items.push(
          value
            ? { code: 'placeholder_link', severity: 'block', nodeId: n.id, field, message: `node "${n.id}": ${field} shows {{brand.${key}}}, which is ${value}, a placeholder address that reaches nothing: set your real ${BRAND_LABELS[key]} in Settings → Brand` }
            : { code: 'missing_brand', severity: 'block', nodeId: n.id, field, message: `node "${n.id}": ${field} shows {{brand.${key}}}, but the brand has no ${BRAND_LABELS[key]}: set it in Settings → Brand` },
        );
      }
    }
    // One warning per code, though the html and text bodies both show it.
    for (const code of facts.templateCoupons.filter((c) => stringFields(n.config).some(([, text]) => new RegExp(`\\b${c}\\b`).test(text)))) {
      items.push({ code: 'placeholder_coupon', severity: 'warn', nodeId: n.id, message: `node "${n.id}": offers coupon ${code}, a template's example code: make sure your shop accepts it, or write your own code` });
    }
  }
  for (const n of graph.nodes) {
    for (const [field, text] of stringFields(n.config)) {
      for (const url of placeholderLinks(text)) {
        const fix = n.type === EMAIL_NODE ? 'use {{brand.shopUrl}} (set in Settings → Brand) or your real URL' : 'put in your real URL';
        items.push({ code: 'placeholder_link', severity: 'block', nodeId: n.id, field, message: `node "${n.id}": ${field} is ${url}, a placeholder address that reaches nothing: ${fix}` });
      }
    }
  }
  for (const a of facts.audience) {
    if (a.members === 0) items.push({ code: 'empty_segment', severity: 'warn', nodeId: a.nodeId, field: 'segment', message: `node "${a.nodeId}": segment "${a.segment}" matches nobody right now; nobody enters until customers join it` });
  }
  return items;
}

/** The blocking items as one message: what the publish API answers when it refuses. */
export function blockingMessage(journeyId: string, items: ChecklistItem[]): string | null {
  const blocking = items.filter((i) => i.severity === 'block');
  return blocking.length ? `journey "${journeyId}" cannot be published until ${blocking.length === 1 ? 'this is' : 'these are'} fixed:\n${blocking.map((i) => `  - ${i.message}`).join('\n')}` : null;
}
