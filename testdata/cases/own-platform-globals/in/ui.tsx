import { useSession } from "next-auth/react";

export function Banner({ sessionId }: { sessionId: string }) {
  const { data: auth } = useSession();
  const last = window.sessionStorage.getItem("last");
  sessionStorage.setItem("sessionId", sessionId);
  return <p>{auth?.user?.name} {last}</p>;
}
