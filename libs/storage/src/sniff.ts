/**
 * What a file is, from its first bytes, never from its name. The types a permit office receives:
 * scanned letters and forms (PDF, JPEG, PNG, TIFF), and technical drawings (DWG).
 */
export interface SniffedType {
  mediaType: string;
  extension: string;
}

const SIGNATURES: Array<{ bytes: number[]; offset?: number; type: SniffedType }> = [
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], type: { mediaType: 'application/pdf', extension: 'pdf' } }, // %PDF-
  { bytes: [0xff, 0xd8, 0xff], type: { mediaType: 'image/jpeg', extension: 'jpg' } },
  {
    bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    type: { mediaType: 'image/png', extension: 'png' },
  },
  { bytes: [0x49, 0x49, 0x2a, 0x00], type: { mediaType: 'image/tiff', extension: 'tif' } }, // little-endian TIFF
  { bytes: [0x4d, 0x4d, 0x00, 0x2a], type: { mediaType: 'image/tiff', extension: 'tif' } }, // big-endian TIFF
  { bytes: [0x41, 0x43, 0x31, 0x30], type: { mediaType: 'image/vnd.dwg', extension: 'dwg' } }, // AC10xx (AutoCAD)
];

/** How many leading bytes sniffing needs. */
export const SNIFF_BYTES = 16;

export function sniffType(head: Buffer): SniffedType | null {
  for (const s of SIGNATURES) {
    const offset = s.offset ?? 0;
    if (head.length >= offset + s.bytes.length && s.bytes.every((b, i) => head[offset + i] === b))
      return s.type;
  }
  return null;
}
