// A small, safe markdown renderer for notes: headings, paragraphs, lists, **bold**, *italic*,
// `code` and [links](https://…) as React elements (never raw HTML).
import type { ReactNode } from 'react';

const INLINE = /(\*\*[^*]+\*\*|\*[^*]+\*|`[^`]+`|\[[^\]]+\]\([^)\s]+\))/g;

export function inline(text: string): ReactNode[] {
  return text.split(INLINE).map((part, i) => {
    if (part.startsWith('**') && part.endsWith('**') && part.length > 4) return <strong key={i}>{part.slice(2, -2)}</strong>;
    if (part.startsWith('`') && part.endsWith('`') && part.length > 2) return <code key={i}>{part.slice(1, -1)}</code>;
    if (part.startsWith('*') && part.endsWith('*') && part.length > 2) return <em key={i}>{part.slice(1, -1)}</em>;
    const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(part);
    if (link) {
      const href = link[2] ?? '';
      const safe = /^(https?:|mailto:)/i.test(href);
      return safe ? (
        <a key={i} href={href} target="_blank" rel="noreferrer noopener">
          {link[1]}
        </a>
      ) : (
        <span key={i}>{link[1]}</span>
      );
    }
    return part;
  });
}

export function Markdown({ text }: { text: string }) {
  const blocks: ReactNode[] = [];
  let list: string[] = [];
  let para: string[] = [];
  const flush = () => {
    if (para.length) blocks.push(<p key={blocks.length}>{inline(para.join(' '))}</p>);
    if (list.length) blocks.push(<ul key={blocks.length}>{list.map((item, i) => <li key={i}>{inline(item)}</li>)}</ul>);
    para = [];
    list = [];
  };
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    const item = /^[-*]\s+(.*)$/.exec(line);
    if (!line) flush();
    else if (heading) {
      flush();
      const level = heading[1]?.length ?? 1;
      const body = inline(heading[2] ?? '');
      blocks.push(level === 1 ? <h3 key={blocks.length}>{body}</h3> : <h4 key={blocks.length}>{body}</h4>);
    } else if (item) {
      if (para.length) flush();
      list.push(item[1] ?? '');
    } else {
      if (list.length) flush();
      para.push(line);
    }
  }
  flush();
  return <div className="nw-markdown">{blocks}</div>;
}
