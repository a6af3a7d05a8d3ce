/** What the renderer draws besides the machine-read contract. Geometry in mm; text baseline y. */
export type Colour = 'black' | 'grey' | 'red' | 'light' | 'green' | 'amber';
export type DrawOp =
  | { op: 'text'; x: number; y: number; sizePt: number; text: string; colour: Colour }
  | { op: 'rect'; x: number; y: number; w: number; h: number; fill: Colour | null; strokeMm: number; colour: Colour }
  | { op: 'circle'; x: number; y: number; r: number; fill: Colour | null; strokeMm: number; colour: Colour }
  | { op: 'line'; x1: number; y1: number; x2: number; y2: number; strokeMm: number; colour: Colour }
  | { op: 'flower'; x: number; y: number; r: number; filled: boolean };
