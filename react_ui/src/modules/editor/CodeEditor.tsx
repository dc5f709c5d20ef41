// The code editor of the module panel: CodeMirror 6 with Python highlighting. This file and
// CodeMirror are a chunk of their own, loaded when the panel first opens a file (`loadEditor`),
// so the page's start-up JavaScript does not carry them.
import { useEffect, useRef } from 'react';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { python } from '@codemirror/lang-python';
import { bracketMatching, defaultHighlightStyle, HighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { EditorState, RangeSetBuilder, StateEffect, StateField, type Extension } from '@codemirror/state';
import {
  Decoration,
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  type DecorationSet,
} from '@codemirror/view';
import { tags } from '@lezer/highlight';

export interface CodeEditorProps {
  /** The text to show; a new value (another file, the worker's copy) replaces the editor's. */
  value: string;
  onChange(source: string): void;
  /** Ctrl/⌘+S. */
  onSave(): void;
  /** A line to mark as failing (1-based), or null. */
  errorLine: number | null;
  /** Accessible name of the text area. */
  label: string;
}

const setErrorLine = StateEffect.define<number | null>();

const errorLineMark = Decoration.line({ class: 'nw-code-error-line', attributes: { 'data-testid': 'editor-error-line' } });

/** The failing line, kept in step with edits until a new value is set. */
const errorLineField = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update(deco, tr) {
    let next = deco.map(tr.changes);
    for (const e of tr.effects) {
      if (!e.is(setErrorLine)) continue;
      const line = e.value;
      if (line === null || line < 1 || line > tr.state.doc.lines) {
        next = Decoration.none;
      } else {
        const builder = new RangeSetBuilder<Decoration>();
        const at = tr.state.doc.line(line);
        builder.add(at.from, at.from, errorLineMark);
        next = builder.finish();
      }
    }
    return next;
  },
  provide: (f) => EditorView.decorations.from(f),
});

const darkHighlight = HighlightStyle.define([
  { tag: tags.keyword, color: '#c792ea' },
  { tag: [tags.string, tags.special(tags.string)], color: '#c3e88d' },
  { tag: tags.comment, color: '#7f8a99', fontStyle: 'italic' },
  { tag: [tags.number, tags.bool, tags.null], color: '#f78c6c' },
  { tag: [tags.function(tags.variableName), tags.function(tags.propertyName)], color: '#82aaff' },
  { tag: [tags.definition(tags.variableName), tags.className], color: '#ffcb6b' },
  { tag: tags.meta, color: '#89ddff' },
  { tag: tags.operator, color: '#89ddff' },
]);

const theme = EditorView.theme(
  {
    '&': { height: '100%', fontSize: '12.5px', backgroundColor: 'var(--bg)', color: 'var(--text)' },
    '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.5' },
    '.cm-content': { caretColor: 'var(--accent)' },
    '.cm-gutters': { backgroundColor: 'var(--panel)', color: 'var(--muted)', border: 'none' },
    '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent) 7%, transparent)' },
    '.cm-activeLineGutter': { backgroundColor: 'color-mix(in srgb, var(--accent) 12%, transparent)' },
    '&.cm-focused .cm-cursor': { borderLeftColor: 'var(--accent)' },
    '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': {
      backgroundColor: 'color-mix(in srgb, var(--accent) 30%, transparent) !important',
    },
    '.nw-code-error-line': { backgroundColor: 'color-mix(in srgb, var(--error) 22%, transparent)' },
  },
  { dark: true },
);

export default function CodeEditor({ value, onChange, onSave, errorLine, label }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const latest = useRef({ onChange, onSave });
  latest.current = { onChange, onSave };

  useEffect(() => {
    const parent = host.current;
    if (!parent) return;
    const extensions: Extension[] = [
      lineNumbers(),
      highlightActiveLineGutter(),
      history(),
      drawSelection(),
      indentOnInput(),
      bracketMatching(),
      highlightActiveLine(),
      python(),
      syntaxHighlighting(darkHighlight),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      errorLineField,
      theme,
      keymap.of([
        {
          key: 'Mod-s',
          preventDefault: true,
          run: () => {
            latest.current.onSave();
            return true;
          },
        },
        indentWithTab,
        ...defaultKeymap,
        ...historyKeymap,
      ]),
      EditorView.contentAttributes.of({ 'aria-label': label, 'data-testid': 'module-editor-text' }),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) latest.current.onChange(u.state.doc.toString());
      }),
    ];
    const created = new EditorView({ parent, state: EditorState.create({ doc: value, extensions }) });
    view.current = created;
    return () => {
      created.destroy();
      view.current = null;
    };
    // the editor is made once; value and errorLine follow in the effects below
  }, []);

  // a value from outside (another file, the saved copy) replaces the text; typing echoes nothing
  useEffect(() => {
    const v = view.current;
    if (!v || v.state.doc.toString() === value) return;
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const effects: StateEffect<unknown>[] = [setErrorLine.of(errorLine)];
    if (errorLine !== null && errorLine >= 1 && errorLine <= v.state.doc.lines) {
      effects.push(EditorView.scrollIntoView(v.state.doc.line(errorLine).from, { y: 'center' }));
    }
    v.dispatch({ effects });
  }, [errorLine, value]);

  return <div ref={host} className="nw-code" data-testid="module-editor" />;
}
