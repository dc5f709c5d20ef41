// `Input(widget="file")`: a path inside the worker's files/ folder. A select of the files there
// (listed again each time it opens) and an "Upload…" button that puts a file from this
// computer into files/ and picks it.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { WorkerFile, WorkerHttp } from '../hooks/workerHttp';
import { fetchErrorText } from '../inspector/fullValue';
import { formatBytes } from '../previews/format';
import { useToast } from '../ui/toast';
import type { EditorProps } from './editor';
import { useSent } from './editor';

export interface FileProps extends EditorProps {
  http: WorkerHttp | null;
}

/** The select's entries: the files, with the current value first when it is not among them. */
export function fileChoices(
  files: readonly WorkerFile[] | null,
  current: string,
): Array<{ name: string; label: string; size: string | null; missing: boolean }> {
  const list: Array<{ name: string; label: string; size: string | null; missing: boolean }> = (files ?? []).map((f) => ({
    name: f.name,
    label: f.name,
    size: formatBytes(f.size),
    missing: false,
  }));
  if (current !== '' && !list.some((f) => f.name === current)) {
    list.unshift({ name: current, label: files === null ? current : `${current} (not in files/)`, size: null, missing: files !== null });
  }
  return list;
}

export function FileEditor({ value, send, busy, label, http, compact, spec }: FileProps) {
  const toast = useToast();
  const [files, setFiles] = useState<WorkerFile[] | null>(null);
  const [shown, remember] = useSent<string | null>(value, busy);
  const [progress, setProgress] = useState<number | null>(null);
  const picker = useRef<HTMLInputElement>(null);
  const current = typeof shown === 'string' ? shown : '';

  const refresh = useCallback(() => {
    if (!http) return;
    http.listFiles().then(setFiles, (err: unknown) => toast.push(`Could not list the worker's files: ${fetchErrorText(err)}`, 'error'));
  }, [http, toast]);
  useEffect(() => {
    if (!compact) refresh();
  }, [compact, refresh]);

  const choose = (name: string | null) => {
    remember(name);
    send(name);
  };

  const upload = (file: File) => {
    if (!http) return;
    setProgress(0);
    http.uploadFile(file, { onProgress: setProgress }).then(
      ({ path }) => {
        setProgress(null);
        choose(path);
        toast.push(`Uploaded ${file.name}`, 'success');
        refresh();
      },
      (err: unknown) => {
        setProgress(null);
        toast.push(`Could not upload ${file.name}: ${fetchErrorText(err)}`, 'error');
      },
    );
  };

  const choices = fileChoices(files, current);
  return (
    <div className="nw-w-file nodrag nowheel" data-testid="file-widget">
      <select
        className="nw-w-input nw-w-select-input"
        aria-label={label}
        value={current}
        disabled={!http}
        onFocus={refresh}
        onMouseDown={refresh}
        onChange={(e) => {
          const v = e.currentTarget.value;
          choose(v === '' ? (spec.nullable ? null : '') : v);
        }}
      >
        <option value="">{files !== null && files.length === 0 ? 'no files yet' : 'choose a file…'}</option>
        {choices.map((f) => (
          <option key={f.name} value={f.name} title={f.size ?? undefined}>
            {f.label}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="button nw-w-upload"
        data-testid="file-upload"
        disabled={!http || progress !== null}
        title="Upload a file from this computer into the worker's files/ folder"
        onClick={() => picker.current?.click()}
      >
        {progress === null ? 'Upload…' : `${Math.round(progress * 100)}%`}
      </button>
      <input
        ref={picker}
        type="file"
        hidden
        data-testid="file-upload-input"
        onChange={(e) => {
          const file = e.currentTarget.files?.[0];
          e.currentTarget.value = '';
          if (file) upload(file);
        }}
      />
    </div>
  );
}
