// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { createHubClient, RpcError, type HubClient } from '../protocol/client';
import type { PackageChangeResult, PackageListResult, WorkerRecord } from '../protocol/generated';
import { mountPoint } from '../testing/mount';
import { ToastProvider } from '../ui/toast';
import { WorkersPanel } from '../workers/WorkersPanel';
import type { HubConn } from '../hooks/useHub';
import { PackagesPanel } from './PackagesPanel';

type Reply = (kwargs: Record<string, unknown>) => unknown;

/** A hub client whose commands are answered by `replies` (and recorded in `calls`). */
function fakeClient(replies: Record<string, Reply>) {
  const client = createHubClient();
  client.connectionOpened(() => undefined);
  const calls: [string, Record<string, unknown>][] = [];
  client.send = async (cmd: string, kwargs: Record<string, unknown> = {}) => {
    calls.push([cmd, kwargs]);
    const reply = replies[cmd];
    if (!reply) throw new Error(`unexpected command ${cmd}`);
    return reply(kwargs);
  };
  let seq = 0;
  const emit = (event: string, data: unknown) =>
    act(() => client.handleFrame(JSON.stringify({ type: 'event', event, seq: ++seq, data })));
  return { client, calls, emit };
}

const worker = (fields: Partial<WorkerRecord> = {}): WorkerRecord => ({
  id: 'pk',
  name: 'pk',
  status: 'running',
  venv: true,
  env: {},
  secrets: [],
  ...fields,
});

const listing = (fields: Partial<PackageListResult> = {}): PackageListResult => ({
  requirements: ['six'],
  packages: [
    { name: 'six', version: '1.16.0', requested: true },
    { name: 'attrs', version: '23.1.0', requested: false },
  ],
  locked: true,
  can_roll_back: false,
  outdated_checked: false,
  ...fields,
});

const changed = (fields: Partial<PackageChangeResult> = {}): PackageChangeResult => ({
  diff: { added: [{ name: 'tomli', version: '2.0.1' }], removed: [], changed: [{ name: 'six', from: '1.16.0', to: '1.17.0' }] },
  requirements: ['six', 'tomli'],
  applied: false,
  restarted: false,
  ...fields,
});

const mount = mountPoint();

function render(client: HubClient, record: WorkerRecord = worker(), onClose = vi.fn()) {
  act(() =>
    mount.root.render(
      <ToastProvider>
        <PackagesPanel client={client} worker={record} connected onClose={onClose} />
      </ToastProvider>,
    ),
  );
  return onClose;
}

const $ = (testid: string, from: ParentNode = document) => from.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
const $$ = (testid: string, from: ParentNode = document) => Array.from(from.querySelectorAll<HTMLElement>(`[data-testid="${testid}"]`));
const button = (testid: string, from: ParentNode = document) => $(testid, from) as HTMLButtonElement;

/** Let pending replies (resolved promises) settle into renders. */
async function settle() {
  await act(async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  });
}

async function click(el: HTMLElement | null) {
  expect(el).not.toBeNull();
  await act(async () => {
    el?.click();
  });
  await settle();
}

function type(el: HTMLElement | null, value: string) {
  expect(el).toBeInstanceOf(HTMLInputElement);
  const input = el as HTMLInputElement;
  act(() => {
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set?.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function submit(form: HTMLElement | null) {
  expect(form).toBeInstanceOf(HTMLFormElement);
  await act(async () => {
    (form as HTMLFormElement).requestSubmit();
  });
  await settle();
}

const row = (name: string) => document.querySelector<HTMLElement>(`[data-testid="package-row"][data-name="${name}"]`);

describe('PackagesPanel', () => {
  it('lists the locked packages, the requested ones first and marked, with their versions', async () => {
    const { client, calls } = fakeClient({ list_packages: () => listing(), list_secrets: () => ({ id: 'pk', names: [] }) });
    render(client);
    await settle();
    expect(calls.filter(([c]) => c === 'list_packages')).toEqual([['list_packages', { id: 'pk' }]]);
    expect($$('package-row').map((r) => [r.dataset.name, r.dataset.requested, $('package-version', r)?.textContent])).toEqual([
      ['six', 'true', '1.16.0'],
      ['attrs', 'false', '23.1.0'],
    ]);
    expect($('package-requested', row('six') as HTMLElement)?.textContent).toBe('requested');
    expect($('package-requested', row('attrs') as HTMLElement)).toBeNull();
    // only a requested package can be removed
    expect($('package-remove', row('six') as HTMLElement)?.getAttribute('aria-label')).toBe('Remove six');
    expect($('package-remove', row('attrs') as HTMLElement)).toBeNull();
    expect($('packages-panel')?.getAttribute('aria-labelledby')).toBeTruthy();
  });

  it('adds a package: dry run, the diff, confirm, progress lines, then applied; restarted', async () => {
    let finish: (r: PackageChangeResult) => void = () => undefined;
    const { client, calls, emit } = fakeClient({
      list_packages: () => listing(),
      list_secrets: () => ({ id: 'pk', names: [] }),
      add_packages: (kw) => (kw['dry_run'] ? changed() : new Promise((resolve) => (finish = resolve))),
    });
    render(client);
    await settle();
    expect(button('packages-add').disabled).toBe(true); // nothing typed
    type($('packages-add-input'), 'tomli==2.0.1');
    await submit(document.querySelector('form[aria-label="Add a package"]'));
    expect(calls.filter(([c]) => c === 'add_packages')).toEqual([['add_packages', { id: 'pk', packages: ['tomli==2.0.1'], dry_run: true }]]);

    const block = $('packages-change') as HTMLElement;
    expect(block.dataset.step).toBe('planned');
    expect(block.textContent).toContain('Add tomli==2.0.1');
    expect($$('packages-diff-line').map((l) => [l.dataset.kind, l.dataset.name, l.querySelector('.nw-pk-diff-version')?.textContent])).toEqual([
      ['added', 'tomli', '2.0.1'],
      ['changed', 'six', '1.16.0 → 1.17.0'],
    ]);

    // confirm: applied for real; everything is disabled while it runs, progress streams in
    await click($('packages-confirm'));
    expect(calls.filter(([c]) => c === 'add_packages').at(-1)).toEqual(['add_packages', { id: 'pk', packages: ['tomli==2.0.1'], dry_run: false }]);
    expect($('packages-change')?.dataset.step).toBe('applying');
    for (const id of ['packages-add', 'packages-check', 'packages-upgrade-all', 'packages-rollback']) expect(button(id).disabled).toBe(true);
    expect(button('package-remove', row('six') as HTMLElement).disabled).toBe(true);
    emit('env_progress', { id: 'pk', stage: 'install', message: 'installing 1 package', fraction: 0.5 });
    emit('env_progress', { id: 'other', stage: 'install', message: 'not this worker' });
    emit('env_progress', { id: 'pk', stage: 'swap', message: 'swapping in', fraction: null });
    expect(Array.from($('packages-progress')?.querySelectorAll('li') ?? []).map((l) => l.textContent)).toEqual(['install: installing 1 package (50%)', 'swap: swapping in']);

    await act(async () => finish(changed({ applied: true, restarted: true })));
    await settle();
    expect($('packages-change')?.dataset.step).toBe('done');
    expect($('packages-result')?.textContent).toBe('applied; restarted');
    expect(($('packages-add-input') as HTMLInputElement).value).toBe('');
    expect(button('packages-check').disabled).toBe(false);
    // the list is read again
    expect(calls.filter(([c]) => c === 'list_packages')).toHaveLength(2);
    await click($('packages-dismiss'));
    expect($('packages-change')).toBeNull();
  });

  it('cancel drops the dry run; nothing is applied', async () => {
    const { client, calls } = fakeClient({
      list_packages: () => listing(),
      list_secrets: () => ({ id: 'pk', names: [] }),
      remove_packages: () => changed({ diff: { added: [], changed: [], removed: [{ name: 'six', version: '1.16.0' }] }, requirements: [] }),
    });
    render(client);
    await settle();
    await click($('package-remove', row('six') as HTMLElement));
    expect(calls.filter(([c]) => c === 'remove_packages')).toEqual([['remove_packages', { id: 'pk', packages: ['six'], dry_run: true }]]);
    expect($$('packages-diff-line').map((l) => [l.dataset.kind, l.dataset.name])).toEqual([['removed', 'six']]);
    await click($('packages-cancel'));
    expect($('packages-change')).toBeNull();
    expect(calls.filter(([c]) => c === 'remove_packages')).toHaveLength(1);
  });

  it('shows an error with its message and the installer output, folded in a block', async () => {
    const output = 'error: No solution found when resolving dependencies\n  cause: nope-pkg was not found in the package registry';
    const { client } = fakeClient({
      list_packages: () => listing(),
      list_secrets: () => ({ id: 'pk', names: [] }),
      add_packages: () => {
        throw new RpcError('resolution_failed', 'worker pk: the packages cannot be resolved', { output });
      },
    });
    render(client);
    await settle();
    type($('packages-add-input'), 'nope-pkg');
    await submit(document.querySelector('form[aria-label="Add a package"]'));
    const error = $('packages-error') as HTMLElement;
    expect(error.getAttribute('role')).toBe('alert');
    expect(error.dataset.code).toBe('resolution_failed');
    expect(error.textContent).toContain('worker pk: the packages cannot be resolved');
    const details = $('packages-error-output') as HTMLDetailsElement;
    expect(details.tagName).toBe('DETAILS');
    expect(details.querySelector('summary')?.textContent).toBe('Installer output');
    expect(details.querySelector('pre')?.textContent).toBe(output);
    expect($('packages-confirm')).toBeNull();
    // the buttons work again, the typed package stays for a correction
    expect(button('packages-add').disabled).toBe(false);
    expect(($('packages-add-input') as HTMLInputElement).value).toBe('nope-pkg');
  });

  it('enables roll back only when there is a previous lock, and rolls back through a dry run', async () => {
    let canRollBack = false;
    const { client, calls } = fakeClient({
      list_packages: () => listing({ can_roll_back: canRollBack }),
      list_secrets: () => ({ id: 'pk', names: [] }),
      rollback_packages: (kw) => changed({ diff: { added: [], changed: [{ name: 'six', from: '1.17.0', to: '1.16.0' }], removed: [] }, applied: !kw['dry_run'], restarted: false }),
    });
    render(client);
    await settle();
    expect(button('packages-rollback').disabled).toBe(true);
    expect(button('packages-rollback').title).toBe('Nothing to roll back to');

    canRollBack = true;
    render(client, worker({ requirements: ['six'] })); // the requirements changed: read again
    await settle();
    expect(button('packages-rollback').disabled).toBe(false);
    await click($('packages-rollback'));
    expect($$('packages-diff-line').map((l) => l.textContent)).toEqual(['~changedsix1.17.0 → 1.16.0']);
    await click($('packages-confirm'));
    expect(calls.filter(([c]) => c === 'rollback_packages')).toEqual([
      ['rollback_packages', { id: 'pk', dry_run: true }],
      ['rollback_packages', { id: 'pk', dry_run: false }],
    ]);
    expect($('packages-result')?.textContent).toBe('applied; the worker is not running: it starts with them');
  });

  it('checks for updates: newer badges, and upgrade one or all', async () => {
    const { client, calls } = fakeClient({
      list_packages: (kw) =>
        kw['outdated']
          ? listing({ outdated_checked: true, packages: [{ name: 'six', version: '1.16.0', requested: true, latest: '1.17.0' }, { name: 'attrs', version: '23.1.0', requested: false, latest: null }] })
          : listing(),
      list_secrets: () => ({ id: 'pk', names: [] }),
      upgrade_packages: () => changed(),
    });
    render(client);
    await settle();
    expect($$('package-newer')).toEqual([]);
    await click($('packages-check'));
    expect(calls.filter(([c]) => c === 'list_packages').at(-1)).toEqual(['list_packages', { id: 'pk', outdated: true }]);
    expect($$('package-newer').map((b) => b.textContent)).toEqual(['newer: 1.17.0']);
    expect($('package-newer', row('six') as HTMLElement)).not.toBeNull();
    expect($('packages-outdated-note')?.textContent).toBe('1 package has a newer version.');
    await click($('package-upgrade', row('six') as HTMLElement));
    expect(calls.filter(([c]) => c === 'upgrade_packages').at(-1)).toEqual(['upgrade_packages', { id: 'pk', packages: ['six'], dry_run: true }]);
    expect($('packages-change')?.textContent).toContain('Upgrade six');
    await click($('packages-upgrade-all'));
    expect(calls.filter(([c]) => c === 'upgrade_packages').at(-1)).toEqual(['upgrade_packages', { id: 'pk', dry_run: true }]);
    expect($('packages-change')?.textContent).toContain('Upgrade all packages');
  });

  it('says so when the package index could not be reached', async () => {
    const { client } = fakeClient({ list_packages: () => listing({ outdated_checked: false }), list_secrets: () => ({ id: 'pk', names: [] }) });
    render(client);
    await settle();
    await click($('packages-check'));
    expect($('packages-outdated-note')?.textContent).toContain('could not be reached');
  });

  it('saves environment variables with update_worker and offers a restart', async () => {
    const { client, calls } = fakeClient({
      list_packages: () => listing(),
      list_secrets: () => ({ id: 'pk', names: [] }),
      update_worker: (kw) => worker({ env: kw['env'] as Record<string, string> }),
      restart_worker: () => worker(),
    });
    render(client, worker({ env: { A_FLAG: '1' } }));
    await settle();
    const keys = () => $$('env-key').map((i) => (i as HTMLInputElement).value);
    expect(keys()).toEqual(['A_FLAG']);
    expect(button('env-save').disabled).toBe(true); // nothing changed
    await click($('env-add'));
    const rows = $$('env-row');
    type($('env-key', rows[1]), 'API_URL');
    type($('env-value', rows[1]), 'https://example.org');
    expect(button('env-save').disabled).toBe(false);
    await submit($('env-form'));
    expect(calls.filter(([c]) => c === 'update_worker')).toEqual([['update_worker', { id: 'pk', env: { A_FLAG: '1', API_URL: 'https://example.org' } }]]);
    expect($('env-note')?.textContent).toBe('Saved: applied at the next start.');
    expect(button('env-save').disabled).toBe(true);
    await click($('settings-restart'));
    expect(calls.at(-1)).toEqual(['restart_worker', { id: 'pk' }]);
    expect($('settings-restart-note')).toBeNull();

    // a bad name is not sent
    await click($('env-add'));
    type($('env-key', $$('env-row')[2]), '1BAD');
    await submit($('env-form'));
    expect(calls.filter(([c]) => c === 'update_worker')).toHaveLength(1);
    expect($('env-note')?.getAttribute('role')).toBe('alert');
    expect($('env-note')?.textContent).toContain('“1BAD” is not a variable name');
  });

  it('adds a secret: the value is sent once, cleared, and only the name is shown', async () => {
    const { client, calls } = fakeClient({
      list_packages: () => listing(),
      list_secrets: () => ({ id: 'pk', names: ['OLD_TOKEN'] }),
      set_secret: (kw) => ({ id: 'pk', names: ['API_KEY', 'OLD_TOKEN'].filter((n) => n === kw['name'] || n === 'OLD_TOKEN') }),
      delete_secret: () => ({ id: 'pk', names: ['API_KEY'] }),
    });
    render(client);
    await settle();
    expect($$('secret-row').map((r) => r.dataset.name)).toEqual(['OLD_TOKEN']);
    const value = $('secret-value') as HTMLInputElement;
    expect(value.type).toBe('password');
    type($('secret-name'), 'API_KEY');
    expect(button('secret-save').disabled).toBe(true); // no value yet
    type(value, 's3cr3t-value');
    await submit($('secret-form'));
    expect(calls.filter(([c]) => c === 'set_secret')).toEqual([['set_secret', { id: 'pk', name: 'API_KEY', value: 's3cr3t-value' }]]);
    expect(value.value).toBe('');
    expect(($('secret-name') as HTMLInputElement).value).toBe('');
    expect($$('secret-row').map((r) => r.dataset.name)).toEqual(['API_KEY', 'OLD_TOKEN']);
    expect(document.body.innerHTML).not.toContain('s3cr3t-value');
    expect($('secret-note')?.textContent).toBe('Secret API_KEY saved: applied at the next start.');

    // delete asks first
    await click($('secret-delete', $$('secret-row')[1]));
    const dialog = document.querySelector<HTMLElement>('[role="dialog"], [role="alertdialog"]');
    expect(dialog?.textContent).toContain('Delete secret OLD_TOKEN?');
    const confirm = Array.from(dialog?.querySelectorAll('button') ?? []).find((b) => b.textContent === 'Delete') ?? null;
    await click(confirm);
    expect(calls.at(-1)).toEqual(['delete_secret', { id: 'pk', name: 'OLD_TOKEN' }]);
    expect($$('secret-row').map((r) => r.dataset.name)).toEqual(['API_KEY']);
  });

  it('is opened from the worker’s row in the workers panel', async () => {
    const { client } = fakeClient({ list_funcnodes_workers: () => [] });
    const hub: HubConn = {
      client,
      state: 'open',
      error: null,
      workers: { byId: { pk: worker({ status: 'stopped' }) }, envProgress: {}, loaded: true, needsRefetch: false },
    };
    const onPackages = vi.fn();
    act(() =>
      mount.root.render(
        <ToastProvider>
          <WorkersPanel hub={hub} selectedId={null} onOpen={vi.fn()} onPackages={onPackages} packagesId={null} />
        </ToastProvider>,
      ),
    );
    const open = $('worker-packages') as HTMLButtonElement;
    expect(open.getAttribute('aria-label')).toBe('Packages and settings of pk');
    expect(open.getAttribute('aria-pressed')).toBe('false');
    await click(open);
    expect(onPackages.mock.calls).toEqual([['pk']]);
  });

  it('closes with its close button', async () => {
    const { client } = fakeClient({ list_packages: () => listing(), list_secrets: () => ({ id: 'pk', names: [] }) });
    const onClose = render(client);
    await settle();
    await click($('packages-close'));
    expect(onClose).toHaveBeenCalledOnce();
  });
});
