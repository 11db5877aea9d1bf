import React from "react";

type SessionCardProps = { session: ISession; onSelect: (sessionId: string) => void };

export function SessionCard({ session, onSelect }: SessionCardProps) {
  return (
    <SessionLayout session={session} onClick={() => onSelect(session.id)}>
      <h2>Session details</h2>
      <SessionStats stats={session.stats} />
    </SessionLayout>
  );
}
