export default function Page({ params }: { params: { traceId: string } }) {
  return <main>{params.traceId}</main>;
}
