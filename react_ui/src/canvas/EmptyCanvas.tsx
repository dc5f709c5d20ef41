// What an empty canvas says: how to start, and a button that opens the shipped example
// (worker command `open_example {"name": "sales"}`).
export interface EmptyCanvasProps {
  opening: boolean;
  onOpenExample(): void;
}

export function EmptyCanvas({ opening, onOpenExample }: EmptyCanvasProps) {
  return (
    <div className="nw-empty-canvas" data-testid="empty-canvas">
      <p className="nw-empty-title">This worker’s graph is empty</p>
      <p className="nw-empty-hint">Drag nodes from the library, drop a CSV, Parquet, Excel or JSON file here, or start from the example.</p>
      <button type="button" className="button button-primary" data-testid="open-example" disabled={opening} onClick={onOpenExample}>
        {opening ? 'Opening the example…' : 'Open the example'}
      </button>
    </div>
  );
}
