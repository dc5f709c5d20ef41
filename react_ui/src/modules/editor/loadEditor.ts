// CodeMirror (and the editor around it) is loaded on demand: the first time a module file is
// opened, not with the page.
import { lazy } from 'react';

export const loadEditor = () => import('./CodeEditor');

export const LazyCodeEditor = lazy(loadEditor);
