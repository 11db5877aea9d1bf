export function TraceBadge(props: { id: string }) {
  return props.id;
}
