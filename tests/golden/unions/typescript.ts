export interface Circle {
  readonly radius: number;
}

export interface Rect {
  readonly width: number;
  readonly height: number;
}

export type Shape =
  | ({ readonly kind: "circle" } & Circle)
  | ({ readonly kind: "rect" } & Rect);

export type NamedSize = "small" | "large";

export type Size =
  | number
  | NamedSize;

export interface Drawing {
  readonly id: string;
  readonly shapes: Array<Shape>;
  readonly label?: string | null;
  readonly note: string | null;
  readonly size?: Size;
}