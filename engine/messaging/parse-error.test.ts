import { describe, expect, it } from 'vitest';
import { templateError } from './render.ts';

// Handlebars' own message is four lines with a caret and grammar token names
// ("Expecting 'OPEN_INVERSE_CHAIN', 'INVERSE', 'OPEN_ENDBLOCK', got 'EOF'"); a marketer gets one line.
describe('templateError', () => {
  it.each([
    ['Hi {{customer.name', 'line 1: the tag "{{customer.name" is not closed; end it with }}'],
    ['<p>{{#if x}}hi</p>', 'line 1: {{#if}} is not closed; add {{/if}} after its content'],
    ['{{#each items}}{{#if x}}a{{/if}}', 'line 1: {{#each}} is not closed; add {{/each}} after its content'],
    ['{{#if x}}a{{/each}}', 'line 1: {{#if}} is closed with {{/each}}; close it with {{/if}}'],
    ['a {{}} b', 'line 1: a tag has no name; put one between {{ and }}, e.g. {{customer.firstName}} (near "a {{}} b")'],
    ['{{customer.name!}}', 'line 1: "name!" is not a name Handlebars can read near "{{customer.name!}}"'],
    ['line one\nline two {{x', 'line 2: the tag "{{x" is not closed; end it with }}'],
  ])('%j → %s', (template, message) => {
    expect(templateError(template)).toBe(message);
  });

  it('is one line, without the parser\'s caret or token names', () => {
    const message = templateError('<p>{{#if x}}hi</p>')!;
    expect(message).not.toMatch(/\n|\^|OPEN_ENDBLOCK|Expecting/);
  });

  it('is null for a template that parses', () => {
    expect(templateError('Hi {{default customer.firstName "there"}}')).toBeNull();
  });
});
