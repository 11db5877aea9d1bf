export default function plugin(app: unknown, opts: { sessionName: string }) {
  return opts.sessionName;
}
