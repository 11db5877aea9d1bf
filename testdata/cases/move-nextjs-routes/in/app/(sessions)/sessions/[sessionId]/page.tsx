export default function Page({ params }: { params: { sessionId: string } }) {
  return <main>{params.sessionId}</main>;
}
