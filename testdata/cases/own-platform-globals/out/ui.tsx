import { useSession } from "next-auth/react";

export function Banner({ traceId }: { traceId: string }) {
  const { data: auth } = useSession();
  const last = window.sessionStorage.getItem("last");
  sessionStorage.setItem("sessionId", traceId);
  return <p>{auth?.user?.name} {last}</p>;
}
