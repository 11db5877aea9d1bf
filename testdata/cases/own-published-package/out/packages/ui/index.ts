export function TraceBadge(props: { id: string }) {
  return props.id;
}

// retrace: compat (begin): old names kept for the transition; `retrace apply --drop-compat` removes this block
/** @deprecated Use TraceBadge */ export const SessionBadge = TraceBadge;
// retrace: compat (end)
