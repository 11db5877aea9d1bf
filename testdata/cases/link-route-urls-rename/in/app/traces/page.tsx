export default function Traces() {
  return <p>OpenTelemetry traces</p>;
}
