import React from "react";

type TraceCardProps = { trace: ITrace; onSelect: (traceId: string) => void };

export function TraceCard({ trace, onSelect }: TraceCardProps) {
  return (
    <TraceLayout trace={trace} onClick={() => onSelect(trace.id)}>
      <h2>Session details</h2>
      <TraceStats stats={trace.stats} />
    </TraceLayout>
  );
}
