export function SessionCard({ id }: { id: string }) {
  return <div>{id}</div>;
}
