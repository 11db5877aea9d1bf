export function SessionBadge(props: { id: string }) {
  return props.id;
}
