export default function plugin(app: unknown, opts: { traceName: string }) {
  return opts.traceName;
}
