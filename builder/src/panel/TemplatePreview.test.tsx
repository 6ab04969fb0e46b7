// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { TemplatePreview } from './TemplatePreview.tsx';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** Stands in for POST /api/preview/email: fails, as the server does, on the first broken template it is given. */
function stubPreview() {
  const bodies: Record<string, string>[] = [];
  vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as Record<string, string>;
    bodies.push(body);
    const broken = (['subject', 'html', 'text'] as const).find((k) => (body[k] ?? '').includes('{{#if'));
    if (broken) return new Response(JSON.stringify({ error: { code: 'invalid_template', message: `${broken}: line 1: {{#if}} is not closed; add {{/if}} after its content` } }), { status: 400 });
    return new Response(JSON.stringify({ subject: body.subject, html: body.html, text: body.text ?? '' }), { status: 200 });
  });
  return bodies;
}

describe('TemplatePreview', () => {
  it('previews its own field, so a broken sibling template is not reported again in every preview', async () => {
    const bodies = stubPreview();
    const siblings = { subject: 'Hello {{customer.first_name}}', html: '<p>{{#if x}}broken', text: 'Plain {{customer.first_name}}' };
    render(<TemplatePreview fieldKey="text" template={siblings.text} siblings={siblings} />);
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await waitFor(() => expect(screen.getByTestId('preview-text').querySelector('pre')?.textContent).toBe('Plain {{customer.first_name}}'), { timeout: 3000 });
    expect(screen.queryByText(/is not closed/)).toBeNull();
    expect(bodies[0]).toMatchObject({ html: '', text: siblings.text });
  });

  it('shows the error of its own template, once, in one line', async () => {
    stubPreview();
    const siblings = { subject: 'Hello', html: '<p>{{#if x}}broken' };
    render(<TemplatePreview fieldKey="html" template={siblings.html} siblings={siblings} />);
    fireEvent.click(screen.getByRole('button', { name: 'Preview' }));
    await waitFor(() => expect(screen.getAllByText('html: line 1: {{#if}} is not closed; add {{/if}} after its content')).toHaveLength(1), { timeout: 3000 });
  });
});
