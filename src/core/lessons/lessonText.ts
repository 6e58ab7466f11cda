/**
 * The Markdown subset of lesson texts, parsed into plain data that the app renders element by
 * element (never as HTML, so a lesson file cannot inject markup):
 * - paragraphs, separated by a blank line;
 * - lists: consecutive lines starting with `- `;
 * - inline `**bold**`, `*emphasis*` and `` `code` ``.
 * Anything else is shown as the text it is.
 */

export interface Span {
  kind: 'text' | 'strong' | 'em' | 'code';
  text: string;
}

export type TextBlock = { kind: 'paragraph'; spans: Span[] } | { kind: 'list'; items: Span[][] };

const INLINE = /(\*\*[^*]+\*\*|\*[^*\s][^*]*\*|`[^`]+`)/g;

/** Inline marks of one line or paragraph. */
export function parseSpans(text: string): Span[] {
  const spans: Span[] = [];
  for (const part of text.split(INLINE)) {
    if (!part) continue;
    if (part.startsWith('**') && part.endsWith('**') && part.length > 4)
      spans.push({ kind: 'strong', text: part.slice(2, -2) });
    else if (part.startsWith('`') && part.endsWith('`') && part.length > 2)
      spans.push({ kind: 'code', text: part.slice(1, -1) });
    else if (part.startsWith('*') && part.endsWith('*') && part.length > 2)
      spans.push({ kind: 'em', text: part.slice(1, -1) });
    else spans.push({ kind: 'text', text: part });
  }
  return spans;
}

/** Blocks of a lesson text. */
export function parseLessonText(text: string): TextBlock[] {
  const blocks: TextBlock[] = [];
  for (const chunk of text.replace(/\r\n?/g, '\n').split(/\n\s*\n/)) {
    const lines = chunk.split('\n').filter((l) => l.trim());
    if (!lines.length) continue;
    let paragraph: string[] = [];
    let items: Span[][] = [];
    const flushParagraph = () => {
      if (paragraph.length) blocks.push({ kind: 'paragraph', spans: parseSpans(paragraph.join(' ')) });
      paragraph = [];
    };
    const flushList = () => {
      if (items.length) blocks.push({ kind: 'list', items });
      items = [];
    };
    for (const line of lines) {
      const item = /^\s*[-*]\s+(.*)$/.exec(line);
      if (item) {
        flushParagraph();
        items.push(parseSpans(item[1]!.trim()));
      } else {
        flushList();
        paragraph.push(line.trim());
      }
    }
    flushParagraph();
    flushList();
  }
  return blocks;
}
