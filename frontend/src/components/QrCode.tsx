// A QR code drawn as one SVG path (no canvas, no innerHTML), for scanning a contact into a phone.
import { useMemo } from 'react';
import qrcode from 'qrcode-generator';

/** The library encodes bytes 0-255 of a string: UTF-8 bytes as such a string keep accents intact. */
function utf8Binary(s: string): string {
  return Array.from(new TextEncoder().encode(s), (b) => String.fromCharCode(b)).join('');
}

export function QrCode({ text, size = 220, label }: { text: string; size?: number; label: string }) {
  const { d, n } = useMemo(() => {
    const qr = qrcode(0, 'M');
    qr.addData(utf8Binary(text), 'Byte');
    qr.make();
    const count = qr.getModuleCount();
    let path = '';
    for (let r = 0; r < count; r++) for (let c = 0; c < count; c++) if (qr.isDark(r, c)) path += `M${c + 4} ${r + 4}h1v1h-1z`;
    return { d: path, n: count + 8 };
  }, [text]);
  return (
    <svg role="img" aria-label={label} width={size} height={size} viewBox={`0 0 ${n} ${n}`} shapeRendering="crispEdges" data-testid="qr-code">
      {/* Always black on white, whatever the theme: scanners need the contrast and the quiet zone. */}
      <rect width={n} height={n} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}
