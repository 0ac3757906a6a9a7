// A log line with its terminal colours: each segment is a React text node in a span with an
// inline style, so whatever the line holds is shown as text and never becomes markup.
import { memo } from "react";
import { cssOf, parseAnsi } from "@/lib/ansi";

export const AnsiText = memo(function AnsiText({ text }: { text: string }) {
  const segments = parseAnsi(text);
  return (
    <>
      {segments.map((s, i) =>
        Object.keys(s.style).length === 0 ? (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments of one line never reorder
          <span key={i}>{s.text}</span>
        ) : (
          // biome-ignore lint/suspicious/noArrayIndexKey: segments of one line never reorder
          <span key={i} style={cssOf(s.style)} data-ansi="">
            {s.text}
          </span>
        ),
      )}
    </>
  );
});
