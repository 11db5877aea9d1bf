export function TraceCard({ id }: { id: string }) {
  return <div>{id}</div>;
}
