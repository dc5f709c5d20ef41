/* eslint-disable */
// GENERATED FILE — do not edit by hand.
// Source: docs/protocol.schema.json. Regenerate with `npm run gen:types`;
// `npm run gen:types -- --check` fails when this file drifts from the schema.

export type FuncNodesWorkerList = FuncNodesWorkerInfo[];
export type ModulesResult = ModuleInfo[];
/**
 * ``null``.
 */
export type Ok = null;
/**
 * A preview (see docs/core.md); the full value is at ``GET /values/{uuid}/{io}``.
 */
export type PreviewResult =
  | EmptyPreview
  | JsonPreview
  | TextPreview
  | ErrorPreview
  | ReprPreview
  | BytesPreview
  | ImagePreview
  | ArrayPreview
  | TablePreview
  | PlotlyPreview
  | VegaPreview;
export type ReloadResult = ModuleEventData[];
export type WorkerList = WorkerRecord2[];

export interface AddNodeArgs {
  /**
   * A node type the library does not know becomes a placeholder that keeps its data (as on import) instead of an error: for pasting into another worker.
   */
  allow_missing?: boolean;
  /**
   * Own input values.
   */
  inputs?: {
    [k: string]: unknown;
  };
  /**
   * The node type (library id).
   */
  node_id: string;
  properties?: {
    [k: string]: unknown;
  };
  uuid?: string | null;
}
export interface AnnotationChangedData {
  /**
   * null: it was removed.
   */
  annotation: AnnotationData | null;
  id: string;
  [k: string]: unknown;
}
/**
 * A group (a titled, coloured frame around ``nodes``) or a note (markdown) on the canvas.
 */
export interface AnnotationData {
  /**
   * '#rrggbb', a name, or ''.
   */
  color?: string;
  height?: number;
  kind: 'group' | 'note';
  /**
   * The nodes a group frames.
   */
  nodes?: string[];
  /**
   * Markdown (notes).
   */
  text?: string;
  title?: string;
  width?: number;
  x?: number;
  y?: number;
}
export interface AnnotationIdArgs {
  id: string;
}
export interface AnnotationInfo {
  /**
   * '#rrggbb', a name, or ''.
   */
  color?: string;
  height?: number;
  id: string;
  kind: 'group' | 'note';
  /**
   * The nodes a group frames.
   */
  nodes?: string[];
  /**
   * Markdown (notes).
   */
  text?: string;
  title?: string;
  width?: number;
  x?: number;
  y?: number;
}
export interface ApplyEditsArgs {
  /**
   * @maxItems 10000
   */
  edits: Edit[];
  /**
   * Names the undo step.
   */
  label?: string;
}
export interface Edit {
  cmd:
    | 'add_node'
    | 'remove_node'
    | 'update_node'
    | 'connect'
    | 'disconnect'
    | 'set_input'
    | 'clear_input'
    | 'set_annotation'
    | 'remove_annotation'
    | 'set_preset'
    | 'remove_preset'
    | 'set_composite'
    | 'remove_composite';
  /**
   * The command's arguments, as sent on their own.
   */
  kwargs: {
    [k: string]: unknown;
  };
}
export interface ApplyEditsResult {
  /**
   * Each edit's result, in order.
   */
  results: unknown[];
  [k: string]: unknown;
}
export interface ApplyPresetResult {
  /**
   * Inputs whose value changed (one undo step, one recompute).
   */
  changed: number;
  [k: string]: unknown;
}
export interface ArrayPreview {
  dtype: string;
  /**
   * The array's leading corner as nested lists.
   */
  head: unknown;
  kind: 'array';
  shape: number[];
  truncated: boolean;
  /**
   * The value's type name (e.g. 'int', 'DataFrame').
   */
  type: string;
  [k: string]: unknown;
}
export interface BundleFile {
  path: string;
  size: number;
  [k: string]: unknown;
}
export interface BytesPreview {
  /**
   * The first 32 bytes, hex.
   */
  head: string;
  kind: 'bytes';
  length: number;
  /**
   * Sniffed from the first bytes (application/octet-stream else).
   */
  mime: string;
  /**
   * The value's type name (e.g. 'int', 'DataFrame').
   */
  type: string;
  [k: string]: unknown;
}
export interface CacheHitData {
  /**
   * memory: its memo of inputs seen lately; disk: the worker's result cache.
   */
  source?: 'memory' | 'disk';
  /**
   * The node whose outputs came from a cache (it did not run).
   */
  uuid: string;
  [k: string]: unknown;
}
export interface CancelArgs {
  /**
   * Cancel this node's run only (default: everything running).
   */
  uuid?: string | null;
}
export interface CancelResult {
  cancelled: string[];
  [k: string]: unknown;
}
export interface ClusterData {
  /**
   * Its dashboard's URL (None without bokeh).
   */
  dashboard: string | null;
  /**
   * A LocalCluster this worker started (not an address).
   */
  local: boolean;
  /**
   * The Dask scheduler's address.
   */
  scheduler: string;
  /**
   * Dask workers when it connected.
   */
  workers: number;
  [k: string]: unknown;
}
export interface CompositeChangedData {
  /**
   * null: it was removed.
   */
  composite: CompositeData | null;
  id: string;
  [k: string]: unknown;
}
/**
 * A composite node's definition: its inside (a graph) and its ports, in order.
 */
export interface CompositeData {
  description?: string;
  edges: EdgeInfo[];
  inputs: CompositePort[];
  name: string;
  /**
   * The inner nodes, as in a workflow document: {uuid, node_id, inputs, properties}; inputs made ports take their defaults from these values.
   */
  nodes: {
    [k: string]: unknown;
  }[];
  outputs: CompositePort[];
}
export interface EdgeInfo {
  dst: string;
  dst_io: string;
  src: string;
  src_io: string;
  [k: string]: unknown;
}
export interface CompositePort {
  /**
   * The inner node's input or output it is.
   */
  io: string;
  /**
   * The port's name outside.
   */
  name: string;
  /**
   * The inner node it is.
   */
  node: string;
}
export interface CompositeIdArgs {
  id: string;
}
export interface ConnectArgs {
  dst: string;
  dst_io: string;
  /**
   * Replace an edge that already drives the input.
   */
  replace?: boolean;
  src: string;
  src_io: string;
}
export interface CreateWorkerArgs {
  autostart?: 'never' | 'always';
  name: string;
  requirements?: string[];
  /**
   * Own virtualenv; default: yes when requirements are given.
   */
  venv?: boolean | null;
}
export interface DisconnectArgs {
  dst: string;
  dst_io: string;
  src: string;
  src_io: string;
}
export interface EdgeRemovedData {
  dst: string;
  dst_io: string;
  /**
   * Why the engine dropped it (empty: disconnect).
   */
  reason?: string;
  src: string;
  src_io: string;
  [k: string]: unknown;
}
/**
 * No value yet.
 */
export interface EmptyPreview {
  kind: 'empty';
  /**
   * The value's type name (e.g. 'int', 'DataFrame').
   */
  type: string;
  [k: string]: unknown;
}
export interface EnvProgressData {
  fraction?: number | null;
  id: string;
  message: string;
  stage: string;
  [k: string]: unknown;
}
export interface ErrorBody {
  /**
   * A stable snake_case code (see the error code table).
   */
  code: string;
  /**
   * Structured extras (e.g. the cycle's path).
   */
  details?: {
    [k: string]: unknown;
  } | null;
  /**
   * What went wrong, for a person.
   */
  message: string;
}
/**
 * An exception: value is its message.
 */
export interface ErrorPreview {
  kind: 'error';
  /**
   * The full text's length in characters.
   */
  length: number;
  truncated: boolean;
  /**
   * The value's type name (e.g. 'int', 'DataFrame').
   */
  type: string;
  /**
   * The text, or its prefix that fits.
   */
  value: string;
  [k: string]: unknown;
}
export interface ErrorReply {
  error: ErrorBody;
  /**
   * The request's id, null when it had none.
   */
  id: string | number | null;
  type: 'error';
}
export interface Event {
  data: {
    [k: string]: unknown;
  };
  event: string;
  /**
   * Per connection, counting from 1 without gaps; a gap means events were dropped: resync with get_state.
   */
  seq: number;
  type: 'event';
}
export interface ExpandCompositeResult {
  /**
   * The inner nodes' uuids → their uuids now.
   */
  nodes: {
    [k: string]: string;
  };
  [k: string]: unknown;
}
export interface ExportBundleArgs {
  /**
   * Only say what it would hold.
   */
  dry_run?: boolean;
  /**
   * Files of the worker's files/ folder to carry (see dry_run's files_available).
   *
   * @maxItems 1000
   */
  files?: string[];
  id: string;
}
export interface ExportBundleResult {
  /**
   * The bundle (.nwflow), base64; none for a dry run.
   */
  data?: string | null;
  files: string[];
  /**
   * What files could be carried.
   */
  files_available: BundleFile[];
  modules: string[];
  name: string;
  requirements: string[];
  /**
   * Its size in bytes.
   */
  size?: number;
  [k: string]: unknown;
}
export interface FuncNodesWorkerInfo {
  edges: number;
  /**
   * Why it cannot be imported.
   */
  error?: string | null;
  /**
   * FuncNodes' worker id (its folder is workers/worker_<id>).
   */
  id: string;
  name: string;
  nodes: number;
  /**
   * Its folder (read only: nodeweave never changes it).
   */
  path: string;
  /**
   * Its FuncNodes package dependencies.
   */
  requirements: string[];
  [k: string]: unknown;
}
export interface GetInsideArgs {
  /**
   * The composite nodes it sits inside, outermost first (empty: a node of the workflow itself). Each must have run.
   *
   * @maxItems 32
   */
  path?: string[];
  /**
   * The composite node to look into.
   */
  uuid: string;
}
/**
 * The whole graph changed (a workflow was imported): fetch it again with get_state.
 */
export interface GraphReplacedData {
  [k: string]: unknown;
}
export interface HelloResult {
  /**
   * The Dask cluster of its Dask nodes, once one has run.
   */
  cluster?: ClusterData | null;
  /**
   * Nothing runs: the worker was started in safe start (send resume to run the graph; nodes stay stale meanwhile).
   */
  paused?: boolean;
  pid: number;
  /**
   * What went wrong restoring state or loading modules.
   */
  problems?: string[];
  protocol_version: number;
  /**
   * nodeweave's version.
   */
  version: string;
  worker_id: string;
  [k: string]: unknown;
}
export interface HistoryData {
  can_redo: boolean;
  can_undo: boolean;
  redo_label: string | null;
  /**
   * What undo would take back, e.g. 'delete Add'.
   */
  undo_label: string | null;
  [k: string]: unknown;
}
export interface HubHello {
  /**
   * The hub's process id.
   */
  pid: number;
  protocol_version: number;
  /**
   * nodeweave's version.
   */
  version: string;
  [k: string]: unknown;
}
/**
 * A PNG thumbnail (≤ 256 px a side) or a small image as it is.
 */
export interface ImagePreview {
  /**
   * The image, base64.
   */
  data: string;
  /**
   * An array image's dtype.
   */
  dtype?: string | null;
  /**
   * The original's height in pixels.
   */
  height: number | null;
  kind: 'image';
  mime: string;
  /**
   * An array image's shape.
   */
  shape?: number[] | null;
  /**
   * The value's type name (e.g. 'int', 'DataFrame').
   */
  type: string;
  /**
   * The original's width in pixels.
   */
  width: number | null;
  [k: string]: unknown;
}
export interface ImportBundleArgs {
  /**
   * A bundle (.nwflow), base64 (bigger ones: nodeweave import FILE).
   */
  data: string;
  /**
   * Give the worker the bundle's packages (from its lock).
   */
  install?: boolean;
  name?: string | null;
}
export interface ImportBundleResult {
  files: string[];
  installed: boolean;
  /**
   * Node modules written into it (they run at start).
   */
  modules: string[];
  nodes: number;
  requirements: string[];
  worker: WorkerRecord;
  /**
   * The nodeweave version that wrote the bundle.
   */
  written_by: string;
  [k: string]: unknown;
}
/**
 * The new worker (stopped).
 */
export interface WorkerRecord {
  autostart?: 'never' | 'always';
  /**
   * ISO 8601 time of creation.
   */
  created?: string | null;
  /**
   * Environment variables of its process (update_worker env), applied at start.
   */
  env?: {
    [k: string]: string;
  };
  /**
   * The installer's output when its environment failed to build.
   */
  env_error?: string | null;
  /**
   * Why it failed (or what its last crash was, while it restarts).
   */
  error?: string | null;
  /**
   * The node that was running when the worker last hung ({uuid, node_id, name}), as the worker's beacon said.
   */
  hung_node?: {
    [k: string]: string;
  } | null;
  id: string;
  log_tail?: string[] | null;
  name: string;
  pid?: number | null;
  port?: number | null;
  requirements?: string[];
  /**
   * Started in safe start: the graph is loaded and nothing has run.
   */
  safe?: boolean;
  /**
   * The names of its secrets (set_secret): never their values.
   */
  secrets?: string[];
  status: 'stopped' | 'starting' | 'running' | 'stopping' | 'failed';
  /**
   * The worker's ws://…/ws when running.
   */
  url?: string | null;
  venv?: boolean;
  [k: string]: unknown;
}
export interface ImportFuncNodesArgs {
  /**
   * A FuncNodes export (.fnw) or nodespace.json, base64 (up to about 2 MB: bigger ones with the CLI, nodeweave import-funcnodes PATH).
   */
  data?: string | null;
  /**
   * Or: the id of a FuncNodes worker of this state directory (list_funcnodes_workers).
   */
  funcnodes_worker?: string | null;
  /**
   * Install its FuncNodes package dependencies into the new worker's own environment (built at its first start).
   */
  install?: boolean;
  name?: string | null;
}
export interface ImportFuncNodesResult {
  /**
   * node_uuid.input values JSON cannot hold (left out).
   */
  dropped_values: string[];
  edges: number;
  /**
   * Data files copied into its files/ folder.
   */
  files: number;
  /**
   * The node ids the graph uses; ones no module of the worker provides load as placeholders (the worker reports them as problems).
   */
  node_ids: string[];
  nodes: number;
  /**
   * The workflow's FuncNodes package dependencies (its requirements with install).
   */
  packages?: string[];
  /**
   * Requirements given to the new worker.
   */
  requirements: string[];
  /**
   * Input values carried over.
   */
  values: number;
  worker: WorkerRecord1;
  [k: string]: unknown;
}
/**
 * The new nodeweave worker (stopped).
 */
export interface WorkerRecord1 {
  autostart?: 'never' | 'always';
  /**
   * ISO 8601 time of creation.
   */
  created?: string | null;
  /**
   * Environment variables of its process (update_worker env), applied at start.
   */
  env?: {
    [k: string]: string;
  };
  /**
   * The installer's output when its environment failed to build.
   */
  env_error?: string | null;
  /**
   * Why it failed (or what its last crash was, while it restarts).
   */
  error?: string | null;
  /**
   * The node that was running when the worker last hung ({uuid, node_id, name}), as the worker's beacon said.
   */
  hung_node?: {
    [k: string]: string;
  } | null;
  id: string;
  log_tail?: string[] | null;
  name: string;
  pid?: number | null;
  port?: number | null;
  requirements?: string[];
  /**
   * Started in safe start: the graph is loaded and nothing has run.
   */
  safe?: boolean;
  /**
   * The names of its secrets (set_secret): never their values.
   */
  secrets?: string[];
  status: 'stopped' | 'starting' | 'running' | 'stopping' | 'failed';
  /**
   * The worker's ws://…/ws when running.
   */
  url?: string | null;
  venv?: boolean;
  [k: string]: unknown;
}
export interface ImportWorkflowArgs {
  /**
   * A workflow document (as export_workflow gives).
   */
  document: {
    [k: string]: unknown;
  };
}
export interface InputChangedData {
  has_value: boolean;
  io: string;
  preview:
    | EmptyPreview
    | JsonPreview
    | TextPreview
    | ErrorPreview
    | ReprPreview
    | BytesPreview
    | ImagePreview
    | ArrayPreview
    | TablePreview
    | PlotlyPreview
    | VegaPreview;
  uuid: string;
  value?: unknown;
  [k: string]: unknown;
}
/**
 * A number, bool, None or a bounded copy of a container, as JSON.
 */
export interface JsonPreview {
  kind: 'json';
  /**
   * Items in the container, or digits.
   */
  length?: number | null;
  /**
   * value is the text of a number (e.g. 2**70).
   */
  repr?: boolean;
  truncated?: boolean;
  /**
   * The value's type name (e.g. 'int', 'DataFrame').
   */
  type: string;
  /**
   * The value, or (with repr) the digits of a number JSON cannot hold exactly.
   */
  value?: unknown;
  [k: string]: unknown;
}
export interface TextPreview {
  kind: 'text';
  /**
   * The full text's length in characters.
   */
  length: number;
  truncated: boolean;
  /**
   * The value's type name (e.g. 'int', 'DataFrame').
   */
  type: string;
  /**
   * The text, or its prefix that fits.
   */
  value: string;
  [k: string]: unknown;
}
/**
 * Any other value: value is its repr.
 */
export interface ReprPreview {
  kind: 'repr';
  /**
   * The full text's length in characters.
   */
  length: number;
  truncated: boolean;
  /**
   * The value's type name (e.g. 'int', 'DataFrame').
   */
  type: string;
  /**
   * The text, or its prefix that fits.
   */
  value: string;
  [k: string]: unknown;
}
/**
 * The head of a data frame, series or Arrow table.
 */
export interface TablePreview {
  columns: string[];
  dtypes: string[];
  /**
   * The index labels of the rows shown.
   */
  index: unknown[];
  kind: 'table';
  /**
   * A series' name (present for series).
   */
  name?: string | null;
  rows: unknown[][];
  /**
   * [rows, columns] of the whole table.
   */
  shape: number[];
  /**
   * Per column: nulls and range, or distinct and top values.
   */
  summary?: unknown[] | null;
  truncated: boolean;
  /**
   * The value's type name (e.g. 'int', 'DataFrame').
   */
  type: string;
  [k: string]: unknown;
}
export interface PlotlyPreview {
  downsampled: boolean;
  kind: 'plotly';
  /**
   * Points in the whole figure.
   */
  points: number;
  /**
   * Points in spec (fewer when downsampled).
   */
  shown: number;
  /**
   * The figure's data and layout (plotly.js JSON).
   */
  spec: {
    [k: string]: unknown;
  };
  truncated: boolean;
  /**
   * The value's type name (e.g. 'int', 'DataFrame').
   */
  type: string;
  [k: string]: unknown;
}
export interface VegaPreview {
  kind: 'vega';
  /**
   * The Vega-Lite spec (inline datasets may be cut).
   */
  spec: {
    [k: string]: unknown;
  };
  truncated: boolean;
  /**
   * The value's type name (e.g. 'int', 'DataFrame').
   */
  type: string;
  [k: string]: unknown;
}
export interface InputInfo {
  /**
   * Driven by an edge (its own value is then ignored).
   */
  connected: boolean;
  /**
   * What the input is for (from Input(description=…)); absent if none.
   */
  description?: string | null;
  /**
   * Whether the node has an own value for this input.
   */
  has_value: boolean;
  name: string;
  /**
   * For an input whose schema has x-options-from: the choices that the named input's current value offers (a table's columns, a dict's keys); absent otherwise.
   */
  options?: unknown[] | null;
  /**
   * Preview of the current value (edge, own or default).
   */
  preview:
    | EmptyPreview
    | JsonPreview
    | TextPreview
    | ErrorPreview
    | ReprPreview
    | BytesPreview
    | ImagePreview
    | ArrayPreview
    | TablePreview
    | PlotlyPreview
    | VegaPreview;
  required: boolean;
  /**
   * JSON Schema of the input.
   */
  schema: {
    [k: string]: unknown;
  };
  /**
   * The annotation, readable (e.g. 'int', 'list[str]').
   */
  type: string;
  /**
   * The node's own value when it is JSON data (what a widget edits).
   */
  value?: unknown;
  [k: string]: unknown;
}
export interface InputOptionsData {
  io: string;
  /**
   * The input's choices now (see InputInfo.options).
   */
  options: unknown[];
  uuid: string;
  [k: string]: unknown;
}
export interface InsideResult {
  composite: CompositeData;
  /**
   * The composite's id.
   */
  id: string;
  /**
   * The inside of this instance as it is now (values, statuses); null until the composite has run.
   */
  state: StateResult | null;
  [k: string]: unknown;
}
export interface StateResult {
  annotations?: AnnotationInfo[];
  /**
   * The workflow's composite definitions by id (node type composite.<id>).
   */
  composites?: {
    [k: string]: CompositeData;
  };
  edges: EdgeInfo[];
  nodes: NodeInfo[];
  [k: string]: unknown;
}
export interface NodeInfo {
  /**
   * Its outputs came from a cache and it did not run: its memo of inputs seen lately, or the worker's result cache on disk (absent: it ran, or has not).
   */
  cached?: ('memory' | 'disk') | null;
  description?: string;
  error?: NodeErrorInfo | null;
  inputs: InputInfo[];
  /**
   * A generator node whose stream is live (a running source).
   */
  live?: boolean;
  name: string;
  node_id: string;
  outputs: OutputInfo[];
  /**
   * The node's type is missing from the library.
   */
  placeholder: boolean;
  /**
   * Free JSON: canvas position, name, …
   */
  properties: {
    [k: string]: unknown;
  };
  status: 'idle' | 'waiting' | 'stale' | 'running' | 'done' | 'error' | 'blocked' | 'cancelled';
  uuid: string;
  [k: string]: unknown;
}
export interface NodeErrorInfo {
  message: string;
  traceback?: string;
  type: string;
  [k: string]: unknown;
}
export interface OutputInfo {
  name: string;
  preview:
    | EmptyPreview
    | JsonPreview
    | TextPreview
    | ErrorPreview
    | ReprPreview
    | BytesPreview
    | ImagePreview
    | ArrayPreview
    | TablePreview
    | PlotlyPreview
    | VegaPreview;
  schema: {
    [k: string]: unknown;
  };
  type: string;
  [k: string]: unknown;
}
export interface IoArgs {
  io: string;
  uuid: string;
}
export interface LibraryChangedData {
  added: string[];
  removed: string[];
  replaced: string[];
  [k: string]: unknown;
}
export interface LibraryResult {
  /**
   * Shelves: {name, description, nodes: [spec], subshelves: [shelf]}.
   */
  shelves: {
    [k: string]: unknown;
  }[];
  [k: string]: unknown;
}
export interface ListPackagesArgs {
  id: string;
  /**
   * Also ask the package index for newer versions (cached; bounded in time; nothing when offline).
   */
  outdated?: boolean;
}
export interface LoadReportData {
  dropped_edges: {
    [k: string]: unknown;
  }[];
  dropped_inputs: {
    [k: string]: unknown;
  }[];
  /**
   * Nodes saved under an id a node now replaces, or at an older version: {uuid, from, to} (ids, or id@vN).
   */
  migrated?: {
    [k: string]: unknown;
  }[];
  /**
   * Nodes whose type is missing.
   */
  placeholders: {
    [k: string]: unknown;
  }[];
  [k: string]: unknown;
}
export interface LockDiffData {
  added: PinInfo[];
  changed: VersionChange[];
  removed: PinInfo[];
  [k: string]: unknown;
}
export interface PinInfo {
  name: string;
  /**
   * Exact version (None: installed from a path or URL).
   */
  version: string | null;
  [k: string]: unknown;
}
export interface VersionChange {
  from: string | null;
  name: string;
  to: string | null;
  [k: string]: unknown;
}
export interface MakeCompositeArgs {
  name: string;
  /**
   * @minItems 1
   * @maxItems 10000
   */
  nodes: [string, ...string[]];
}
export interface MakeCompositeResult {
  composite: CompositeData;
  id: string;
  /**
   * The composite node that took the selection's place.
   */
  uuid: string;
  [k: string]: unknown;
}
export interface MergeWorkflowArgs {
  /**
   * A workflow document (as export_workflow gives).
   */
  document: {
    [k: string]: unknown;
  };
  /**
   * Moves the merged nodes right by this.
   */
  offset_x?: number;
  /**
   * … and down by this.
   */
  offset_y?: number;
}
export interface MergeWorkflowResult {
  /**
   * Edges whose ports do not exist here.
   */
  dropped_edges: {
    [k: string]: unknown;
  }[];
  /**
   * The document's node uuids → the new ones.
   */
  nodes: {
    [k: string]: string;
  };
  [k: string]: unknown;
}
export interface ModuleEventData {
  kind: 'loaded' | 'reloaded' | 'failed' | 'removed';
  /**
   * failed: the line of the module file where the import failed.
   */
  line?: number | null;
  message?: string;
  module: string;
  node_ids: string[];
  origin: 'builtin' | 'entry_point' | 'file';
  path?: string | null;
  /**
   * Nodes of the module that could not be loaded, each as "'node id': why" (FuncNodes node classes that cannot run here); the rest loaded.
   */
  skipped?: string[];
  traceback?: string;
  [k: string]: unknown;
}
export interface ModuleFileArgs {
  /**
   * A file directly in modules/, like my_nodes.py.
   */
  name: string;
}
export interface ModuleFileInfo {
  modified: number;
  name: string;
  size: number;
  [k: string]: unknown;
}
export interface ModuleFilesResult {
  files: ModuleFileInfo[];
  [k: string]: unknown;
}
export interface ModuleInfo {
  error?: string;
  import_name?: string | null;
  name: string;
  node_ids: string[];
  origin: 'builtin' | 'entry_point' | 'file';
  path?: string | null;
  shelves: string[];
  /**
   * Nodes of the module that could not be loaded, and why.
   */
  skipped?: string[];
  /**
   * failed: the last import failed; an earlier version's nodes keep serving. deferred: an installed FuncNodes module not imported yet (nothing has needed it); its node_ids and shelves are what it gave when it last loaded, and it loads when one of them is used.
   */
  status: 'loaded' | 'failed' | 'deferred';
  traceback?: string;
  [k: string]: unknown;
}
export interface ModuleSourceResult {
  name: string;
  source: string;
  [k: string]: unknown;
}
export interface MovedOffLoopData {
  node_id: string;
  /**
   * How long that run blocked the worker's event loop.
   */
  seconds: number;
  /**
   * The node whose run was slow.
   */
  uuid: string;
  [k: string]: unknown;
}
export interface NoArgs {}
export interface NodeErrorData {
  message: string;
  traceback: string;
  type: string;
  uuid: string;
  [k: string]: unknown;
}
export interface NodeReboundData {
  dropped_edges: EdgeInfo[];
  dropped_inputs: string[];
  /**
   * How its saved values were migrated ('old.id → new.id', 'v1 → v2').
   */
  migrated?: string;
  node: NodeInfo;
  node_id: string;
  placeholder: boolean;
  uuid: string;
  [k: string]: unknown;
}
export interface NodeRemovedData {
  uuid: string;
  [k: string]: unknown;
}
export interface NodeStatusData {
  status: 'idle' | 'waiting' | 'stale' | 'running' | 'done' | 'error' | 'blocked' | 'cancelled';
  uuid: string;
  [k: string]: unknown;
}
export interface NodeUpdatedData {
  properties: {
    [k: string]: unknown;
  };
  uuid: string;
  [k: string]: unknown;
}
export interface NodesMigratedData {
  /**
   * {uuid, from, to}: nodes migrated while a graph was loaded (start, import).
   */
  migrated: {
    [k: string]: unknown;
  }[];
  [k: string]: unknown;
}
export interface OpenExampleArgs {
  /**
   * Which example (nodeweave/examples/<name>.json).
   */
  name?: string;
}
export interface OpenExampleResult {
  dropped_edges: {
    [k: string]: unknown;
  }[];
  dropped_inputs: {
    [k: string]: unknown;
  }[];
  /**
   * The data files copied into the worker's files/ folder.
   */
  files: string[];
  /**
   * Nodes saved under an id a node now replaces, or at an older version: {uuid, from, to} (ids, or id@vN).
   */
  migrated?: {
    [k: string]: unknown;
  }[];
  /**
   * Nodes whose type is missing.
   */
  placeholders: {
    [k: string]: unknown;
  }[];
  [k: string]: unknown;
}
export interface PackageChangeResult {
  /**
   * False for a dry run (nothing changed).
   */
  applied: boolean;
  diff: LockDiffData1;
  /**
   * Why nothing changed, when it is not obvious (a pinned version).
   */
  note?: string | null;
  /**
   * The worker's requirements afterwards.
   */
  requirements: string[];
  /**
   * The worker was running and was restarted on them.
   */
  restarted: boolean;
  [k: string]: unknown;
}
/**
 * What the resolution changes (added/removed/changed).
 */
export interface LockDiffData1 {
  added: PinInfo[];
  changed: VersionChange[];
  removed: PinInfo[];
  [k: string]: unknown;
}
export interface PackageInfo {
  /**
   * A newer version on the index (with outdated: true).
   */
  latest?: string | null;
  name: string;
  /**
   * One of the worker's requirements (not a dependency).
   */
  requested: boolean;
  /**
   * Exact version (None: installed from a path or URL).
   */
  version: string | null;
  [k: string]: unknown;
}
export interface PackageListResult {
  /**
   * A previous lock is kept (rollback_packages).
   */
  can_roll_back: boolean;
  /**
   * The environment is resolved (requirements.lock exists).
   */
  locked: boolean;
  /**
   * Newer versions were asked for (false offline).
   */
  outdated_checked?: boolean;
  /**
   * Everything the lock pins.
   */
  packages: PackageInfo[];
  requirements: string[];
  [k: string]: unknown;
}
export interface PackagesArgs {
  /**
   * Only resolve and show the difference.
   */
  dry_run?: boolean;
  id: string;
  /**
   * Requirements: name, name==1.2, name>=1, …
   *
   * @minItems 1
   * @maxItems 100
   */
  packages: [string, ...string[]];
}
export interface PausedData {
  /**
   * False: the graph runs again (safe start ended).
   */
  paused: boolean;
  [k: string]: unknown;
}
export interface Pong {
  pong?: true;
  [k: string]: unknown;
}
export interface PresetChangedData {
  name: string;
  /**
   * null: it was removed.
   */
  preset: PresetData | null;
  [k: string]: unknown;
}
export interface PresetData {
  values: PresetValueData[];
  [k: string]: unknown;
}
export interface PresetValueData {
  io: string;
  node: string;
  value: unknown;
}
export interface PresetInfo {
  name: string;
  /**
   * Why it cannot be applied now (a missing node or input, a value that no longer fits …); empty: it can.
   */
  problems: string[];
  values: PresetValueData[];
  [k: string]: unknown;
}
export interface PresetInput {
  io: string;
  uuid: string;
}
export interface PresetList {
  presets: PresetInfo[];
  [k: string]: unknown;
}
export interface PresetNameArgs {
  name: string;
}
export interface ProblemData {
  message: string;
  [k: string]: unknown;
}
export interface ProgressData {
  /**
   * 0…1, or null when unknown.
   */
  fraction: number | null;
  message: string;
  uuid: string;
  [k: string]: unknown;
}
export interface ReadBundleArgs {
  /**
   * A bundle (.nwflow), base64.
   */
  data: string;
}
export interface ReadBundleResult {
  /**
   * Its workflow document (for merge_workflow).
   */
  document: {
    [k: string]: unknown;
  };
  files: string[];
  /**
   * Its node modules by file name: their source (code: show before writing).
   */
  modules: {
    [k: string]: string;
  };
  name: string;
  requirements: string[];
  written_by: string;
  [k: string]: unknown;
}
export interface RenamePresetArgs {
  name: string;
  to: string;
}
/**
 * A command from the client.
 */
export interface Request {
  /**
   * The command name.
   */
  cmd: string;
  /**
   * Chosen by the client; echoed in the reply.
   */
  id: string | number;
  /**
   * The command's arguments.
   */
  kwargs?: {
    [k: string]: unknown;
  };
  type: 'cmd';
}
export interface Result {
  id: string | number;
  result: unknown;
  type: 'result';
}
export interface ResumeResult {
  /**
   * False when the graph was already running.
   */
  resumed: boolean;
  [k: string]: unknown;
}
export interface RollbackArgs {
  dry_run?: boolean;
  id: string;
}
export interface SavePresetArgs {
  /**
   * The inputs whose current values it keeps.
   *
   * @minItems 1
   * @maxItems 10000
   */
  inputs: [PresetInput, ...PresetInput[]];
  name: string;
}
export interface SaveResult {
  path: string;
  /**
   * False when there was nothing new to write.
   */
  saved: boolean;
  [k: string]: unknown;
}
export interface SecretNameArgs {
  id: string;
  name: string;
}
export interface SecretNames {
  id: string;
  names: string[];
  [k: string]: unknown;
}
export interface SetAnnotationArgs {
  /**
   * An AnnotationData (checked as such).
   */
  annotation: {
    [k: string]: unknown;
  };
  id: string;
}
export interface SetCompositeArgs {
  composite: CompositeData;
  id: string;
  /**
   * Ports renamed by this change (old name → new): the instances' edges follow.
   */
  renamed?: {
    [k: string]: string;
  };
}
export interface SetInputArgs {
  io: string;
  uuid: string;
  value: unknown;
}
export interface SetInputResult {
  /**
   * False when the value equalled the current one.
   */
  changed: boolean;
  [k: string]: unknown;
}
export interface SetPresetArgs {
  name: string;
  preset: PresetData;
}
export interface SetSecretArgs {
  id: string;
  /**
   * An environment variable name.
   */
  name: string;
  /**
   * Kept in the worker's secrets.json (0600) and given to its process at start; never sent back, logged or exported.
   */
  value: string;
}
export interface ShuttingDownData {
  reason: string;
  [k: string]: unknown;
}
export interface StaleRunsData {
  /**
   * Runs of the node that were superseded or cancelled but are still going (a thread node that does not check its context, a process being stopped): their results will be dropped. 0 once all have ended.
   */
  count: number;
  uuid: string;
  [k: string]: unknown;
}
export interface StartWorkerArgs {
  id: string;
  /**
   * Safe start: load the graph without running any node (fix or remove the one that hangs or crashes, then send the worker resume).
   */
  safe?: boolean;
}
export interface StreamData {
  /**
   * True: the node is a live source (each value it yields flows on); false: its stream ended (returned, failed, stopped by an input change, or the node was paused).
   */
  live: boolean;
  uuid: string;
  [k: string]: unknown;
}
export interface UndoResult {
  /**
   * False when there was nothing to undo (or redo).
   */
  applied: boolean;
  label: string | null;
  [k: string]: unknown;
}
export interface UpdateNodeArgs {
  /**
   * Merge into the existing properties.
   */
  merge?: boolean;
  properties: {
    [k: string]: unknown;
  };
  uuid: string;
}
export interface UpdateWorkerArgs {
  autostart?: ('never' | 'always') | null;
  /**
   * Environment variables of the worker's process (replaces them all; e.g. NODEWEAVE_DASK_SCHEDULER). Applied at its next start.
   */
  env?: {
    [k: string]: string;
  } | null;
  id: string;
  name?: string | null;
  requirements?: string[] | null;
}
export interface UpgradeArgs {
  dry_run?: boolean;
  id: string;
  /**
   * Names to upgrade; none: every one.
   *
   * @maxItems 100
   */
  packages?: string[];
}
export interface UuidArgs {
  uuid: string;
}
export interface ValueData {
  io: string;
  preview:
    | EmptyPreview
    | JsonPreview
    | TextPreview
    | ErrorPreview
    | ReprPreview
    | BytesPreview
    | ImagePreview
    | ArrayPreview
    | TablePreview
    | PlotlyPreview
    | VegaPreview;
  uuid: string;
  [k: string]: unknown;
}
export interface WorkerDeletedData {
  id: string;
  [k: string]: unknown;
}
export interface WorkerIdArgs {
  id: string;
}
export interface WorkerRecord2 {
  autostart?: 'never' | 'always';
  /**
   * ISO 8601 time of creation.
   */
  created?: string | null;
  /**
   * Environment variables of its process (update_worker env), applied at start.
   */
  env?: {
    [k: string]: string;
  };
  /**
   * The installer's output when its environment failed to build.
   */
  env_error?: string | null;
  /**
   * Why it failed (or what its last crash was, while it restarts).
   */
  error?: string | null;
  /**
   * The node that was running when the worker last hung ({uuid, node_id, name}), as the worker's beacon said.
   */
  hung_node?: {
    [k: string]: string;
  } | null;
  id: string;
  log_tail?: string[] | null;
  name: string;
  pid?: number | null;
  port?: number | null;
  requirements?: string[];
  /**
   * Started in safe start: the graph is loaded and nothing has run.
   */
  safe?: boolean;
  /**
   * The names of its secrets (set_secret): never their values.
   */
  secrets?: string[];
  status: 'stopped' | 'starting' | 'running' | 'stopping' | 'failed';
  /**
   * The worker's ws://…/ws when running.
   */
  url?: string | null;
  venv?: boolean;
  [k: string]: unknown;
}
export interface WorkerLogs {
  id: string;
  lines: string[];
  [k: string]: unknown;
}
export interface WorkerLogsArgs {
  id: string;
  lines?: number;
}
/**
 * A workflow document: ``{"schema_version": 1, "nodes": [...], "edges": [...]}``.
 */
export interface WorkflowResult {
  [k: string]: unknown;
}
export interface WriteModuleArgs {
  /**
   * A file directly in modules/, like my_nodes.py.
   */
  name: string;
  source: string;
}

/** Protocol version these types were generated from. */
export const PROTOCOL_VERSION = 1 as const;

/** Stable error codes (see docs/protocol.md). */
export type ErrorCode =
  | 'cycle'
  | 'duplicate'
  | 'environment_failed'
  | 'forbidden_origin'
  | 'graph_error'
  | 'input_connected'
  | 'internal_error'
  | 'invalid_arguments'
  | 'invalid_definition'
  | 'invalid_document'
  | 'invalid_json'
  | 'invalid_path'
  | 'invalid_request'
  | 'invalid_state'
  | 'invalid_value'
  | 'library_error'
  | 'not_found'
  | 'payload_too_large'
  | 'placeholder'
  | 'resolution_failed'
  | 'shutting_down'
  | 'start_failed'
  | 'type_mismatch'
  | 'unauthorized'
  | 'unknown_command'
  | 'unsupported_schema_version';

export const ERROR_CODES: Readonly<Record<ErrorCode, string>> = {
  cycle: 'the edge would close a cycle (details name the path)',
  duplicate: 'a node uuid or edge that already exists',
  environment_failed: 'building a worker\'s environment failed',
  forbidden_origin: 'HTTP: WebSocket handshake from a foreign Origin',
  graph_error: 'a graph edit the engine refuses',
  input_connected: 'the input already has an edge (pass replace)',
  internal_error: 'a bug on the serving side; see its log',
  invalid_arguments: 'kwargs missing, mistyped or unknown',
  invalid_definition: 'a node function that cannot be a node',
  invalid_document: 'a workflow document that is not valid',
  invalid_json: 'the frame is not valid JSON text',
  invalid_path: 'HTTP: a path outside its folder',
  invalid_request: 'valid JSON, but not a request envelope',
  invalid_state: 'the operation does not fit the current state',
  invalid_value: 'a value the input\'s type rejects',
  library_error: 'module or shelf bookkeeping failed',
  not_found: 'unknown node, node type, port, worker …',
  payload_too_large: 'frame or upload larger than the limit',
  placeholder: 'the node\'s type is missing from the library',
  resolution_failed: 'node packages that cannot be resolved (details: uv\'s output)',
  shutting_down: 'the server is stopping and takes no more commands',
  start_failed: 'a worker did not become ready',
  type_mismatch: 'the output\'s type cannot feed the input',
  unauthorized: 'HTTP: missing or wrong token',
  unknown_command: 'no command of that name',
  unsupported_schema_version: 'a document written by a newer nodeweave',
};

/** Worker commands: name → { args, result }. */
export interface WorkerCommands {
  /** Add a node of a library type. */
  add_node: { args: AddNodeArgs; result: NodeInfo };
  /** Several edits as one undo step, all or nothing (paste, multi-delete, arrange). */
  apply_edits: { args: ApplyEditsArgs; result: ApplyEditsResult };
  /** Set a preset's values as one undoable step (one recompute); a preset that does not fit is refused with its problems (invalid_state) and changes nothing. */
  apply_preset: { args: PresetNameArgs; result: ApplyPresetResult };
  /** Cancel everything running or about to run. */
  cancel: { args: CancelArgs; result: CancelResult };
  /** Drop an input's own value (its default). */
  clear_input: { args: IoArgs; result: SetInputResult };
  /** Connect an output to an input (refused with a reason). */
  connect: { args: ConnectArgs; result: EdgeInfo };
  /** A new module file from a template. */
  create_module: { args: ModuleFileArgs; result: ModuleEventData };
  /** Delete a module file. */
  delete_module: { args: ModuleFileArgs; result: ModuleEventData };
  /** Delete a preset (undoable). */
  delete_preset: { args: PresetNameArgs; result: Ok };
  /** Remove an edge. */
  disconnect: { args: DisconnectArgs; result: Ok };
  /** Put a composite node's inside in its place (one undo step; the definition stays). */
  expand_composite: { args: UuidArgs; result: ExpandCompositeResult };
  /** The graph as a workflow document. */
  export_workflow: { args: NoArgs; result: WorkflowResult };
  /** What undo and redo would do. */
  get_history: { args: NoArgs; result: HistoryData };
  /** A composite node's inside, with values (a composite inside another: give its path). */
  get_inside: { args: GetInsideArgs; result: InsideResult };
  /** The shelves and node types. */
  get_library: { args: NoArgs; result: LibraryResult };
  /** One node. */
  get_node: { args: UuidArgs; result: NodeInfo };
  /** The whole graph: every node and edge. */
  get_state: { args: NoArgs; result: StateResult };
  /** Preview of an output's current value. */
  get_value: { args: IoArgs; result: PreviewResult };
  /** The protocol version and who this worker is. */
  hello: { args: NoArgs; result: HelloResult };
  /** Replace the graph by a workflow document (an invalid one changes nothing). */
  import_workflow: { args: ImportWorkflowArgs; result: LoadReportData };
  /** The files in modules/. */
  list_module_files: { args: NoArgs; result: ModuleFilesResult };
  /** The node modules and their state. */
  list_modules: { args: NoArgs; result: ModulesResult };
  /** The workflow's presets, with what does not fit now. */
  list_presets: { args: NoArgs; result: PresetList };
  /** Fold nodes into one composite node (one undo step): its inputs are the selection's inputs fed from outside or left without a value, its outputs those read outside (or, if none, the last nodes' outputs). */
  make_composite: { args: MakeCompositeArgs; result: MakeCompositeResult };
  /** Add a workflow's nodes, edges, groups and notes to this graph at an offset (new uuids; one undo step), as a paste does. */
  merge_workflow: { args: MergeWorkflowArgs; result: MergeWorkflowResult };
  /** Load a shipped example workflow and its data files into an empty worker. */
  open_example: { args: OpenExampleArgs; result: OpenExampleResult };
  /** Answer at once (liveness, round-trip timing). */
  ping: { args: NoArgs; result: Pong };
  /** A module file's source. */
  read_module: { args: ModuleFileArgs; result: ModuleSourceResult };
  /** Apply again the last edit undone. */
  redo: { args: NoArgs; result: UndoResult };
  /** Re-scan the module folders and reload changes. */
  reload_modules: { args: NoArgs; result: ReloadResult };
  /** Remove a group or note. */
  remove_annotation: { args: AnnotationIdArgs; result: Ok };
  /** Remove a composite definition nothing uses (else invalid_state). */
  remove_composite: { args: CompositeIdArgs; result: Ok };
  /** Remove a node and its edges. */
  remove_node: { args: UuidArgs; result: Ok };
  /** Rename a preset (undoable). */
  rename_preset: { args: RenamePresetArgs; result: PresetData };
  /** Run the graph after a safe start (every stale node runs). */
  resume: { args: NoArgs; result: ResumeResult };
  /** Write nodespace.json now. */
  save: { args: NoArgs; result: SaveResult };
  /** Create (or replace) a preset from the current values of chosen inputs (undoable). */
  save_preset: { args: SavePresetArgs; result: PresetData };
  /** Create or replace a group or note. */
  set_annotation: { args: SetAnnotationArgs; result: AnnotationData };
  /** Create or replace a composite definition (undoable); its instances follow. */
  set_composite: { args: SetCompositeArgs; result: CompositeData };
  /** Set an input's own value. */
  set_input: { args: SetInputArgs; result: SetInputResult };
  /** Create or replace a preset (undoable). */
  set_preset: { args: SetPresetArgs; result: PresetData };
  /** Save, close every connection and exit. */
  shutdown: { args: NoArgs; result: Ok };
  /** Run a node again although its inputs did not change. */
  trigger: { args: UuidArgs; result: Ok };
  /** Take back the last edit (of any client). */
  undo: { args: NoArgs; result: UndoResult };
  /** Change a node's properties (position, name …). */
  update_node: { args: UpdateNodeArgs; result: NodeInfo };
  /** Write a module file (atomically) and reload it at once: runs its code. */
  write_module: { args: WriteModuleArgs; result: ModuleEventData };
}

/** Worker events: name → data. */
export interface WorkerEvents {
  /** A group or note was set or removed. */
  annotation_changed: AnnotationChangedData;
  /** A node's outputs came from a cache (its memo, or the result cache on disk): no run. */
  cache_hit: CacheHitData;
  /** The worker connected to the Dask cluster of its Dask nodes. */
  cluster: ClusterData;
  /** A composite definition was set or removed. */
  composite_changed: CompositeChangedData;
  /** An edge was added. */
  edge_added: EdgeInfo;
  /** An edge was removed. */
  edge_removed: EdgeRemovedData;
  /** The graph was replaced: resync. */
  graph_replaced: GraphReplacedData;
  /** First event on every connection (seq 1). */
  hello: HelloResult;
  /** What undo and redo would do changed. */
  history: HistoryData;
  /** A node's own input value was set. */
  input_changed: InputChangedData;
  /** The choices of an input that follows another input's value changed (column pickers). */
  input_options: InputOptionsData;
  /** Node types were added/removed/replaced. */
  library_changed: LibraryChangedData;
  /** A node module failed to import. */
  module_failed: ModuleEventData;
  /** A node module was loaded. */
  module_loaded: ModuleEventData;
  /** A node module was reloaded after an edit. */
  module_reloaded: ModuleEventData;
  /** A node module's file was deleted. */
  module_removed: ModuleEventData;
  /** A sync node type blocked the event loop too long: it runs in a thread from now on. */
  moved_off_loop: MovedOffLoopData;
  /** A node was added. */
  node_added: NodeInfo;
  /** A node's run failed. */
  node_error: NodeErrorData;
  /** A node got new code, lost its type or found it again. */
  node_rebound: NodeReboundData;
  /** A node was removed (its edges first). */
  node_removed: NodeRemovedData;
  /** A node changed state. */
  node_status: NodeStatusData;
  /** A node's properties changed. */
  node_updated: NodeUpdatedData;
  /** Loading a graph migrated nodes (a replaced id, an older version). */
  nodes_migrated: NodesMigratedData;
  /** Computing was resumed after a safe start. */
  paused: PausedData;
  /** A preset was set or removed. */
  preset_changed: PresetChangedData;
  /** Something the user should know (e.g. a corrupt save). */
  problem: ProblemData;
  /** A running node reported progress. */
  progress: ProgressData;
  /** The worker is stopping. */
  shutting_down: ShuttingDownData;
  /** Superseded runs of a node are still finishing (shown as 'superseded, finishing'). */
  stale_runs: StaleRunsData;
  /** A generator node's stream went live (it yields values as they come) or ended. */
  stream: StreamData;
  /** An output has a new value (coalesced per client). */
  value: ValueData;
}

/** Hub commands: name → { args, result }. */
export interface HubCommands {
  /** Add node packages to a worker's environment (resolved, installed beside the current one, swapped in, the worker restarted); dry_run shows the difference only. */
  add_packages: { args: PackagesArgs; result: PackageChangeResult };
  /** Register a new worker. */
  create_worker: { args: CreateWorkerArgs; result: WorkerRecord };
  /** Remove a secret. */
  delete_secret: { args: SecretNameArgs; result: SecretNames };
  /** Stop it and delete its folder. */
  delete_worker: { args: WorkerIdArgs; result: Ok };
  /** A worker as a bundle: its saved graph, modules, packages, settings (never secrets), chosen files. */
  export_bundle: { args: ExportBundleArgs; result: ExportBundleResult };
  /** One worker. */
  get_worker: { args: WorkerIdArgs; result: WorkerRecord };
  /** A new worker from a bundle (its modules are written and run when it starts). */
  import_bundle: { args: ImportBundleArgs; result: ImportBundleResult };
  /** A new worker from a FuncNodes workflow (an export, or a FuncNodes worker). */
  import_funcnodes: { args: ImportFuncNodesArgs; result: ImportFuncNodesResult };
  /** FuncNodes workers of this state directory, importable (read only). */
  list_funcnodes_workers: { args: NoArgs; result: FuncNodesWorkerList };
  /** A worker's packages and its lock. */
  list_packages: { args: ListPackagesArgs; result: PackageListResult };
  /** The names of a worker's secrets. */
  list_secrets: { args: WorkerIdArgs; result: SecretNames };
  /** Every registered worker. */
  list_workers: { args: NoArgs; result: WorkerList };
  /** Answer at once. */
  ping: { args: NoArgs; result: Pong };
  /** What a bundle holds (checked; nothing written): to merge it into an open worker. */
  read_bundle: { args: ReadBundleArgs; result: ReadBundleResult };
  /** Remove node packages (as add). */
  remove_packages: { args: PackagesArgs; result: PackageChangeResult };
  /** Stop, then start. */
  restart_worker: { args: WorkerIdArgs; result: WorkerRecord };
  /** Go back to the lock before the last change (again: forward again). */
  rollback_packages: { args: RollbackArgs; result: PackageChangeResult };
  /** Set a secret (applied at the worker's next start); answers with the names only. */
  set_secret: { args: SetSecretArgs; result: SecretNames };
  /** Start it; returns once running. */
  start_worker: { args: StartWorkerArgs; result: WorkerRecord };
  /** Stop it (it saves first). */
  stop_worker: { args: WorkerIdArgs; result: WorkerRecord };
  /** Rename, re-sync requirements. */
  update_worker: { args: UpdateWorkerArgs; result: WorkerRecord };
  /** Upgrade some or all packages to their newest fitting versions (as add). */
  upgrade_packages: { args: UpgradeArgs; result: PackageChangeResult };
  /** The last lines of its log. */
  worker_logs: { args: WorkerLogsArgs; result: WorkerLogs };
}

/** Hub events: name → data. */
export interface HubEvents {
  /** Progress while an environment is built. */
  env_progress: EnvProgressData;
  /** First event on every connection (seq 1). */
  hello: HubHello;
  /** A worker and its folder are gone. */
  worker_deleted: WorkerDeletedData;
  /** A worker's record changed. */
  worker_status: WorkerRecord;
}
