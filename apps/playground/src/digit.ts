/** The drawing pad's ink as an MNIST digit, and back. */

const SIZE = 28;
/** MNIST digits fit a 20 × 20 box, centred by their centre of mass in the 28 × 28 image. */
const BOX = 20;

/**
 * The pad's drawing (white on black) as MNIST would store it: cropped to the ink, scaled to fit
 * 20 × 20, and moved so its centre of mass is the image's centre; [784] in [0, 1]. Null when
 * the pad is blank.
 */
export function pixelsFromPad(pad: HTMLCanvasElement): Float32Array | null {
  const context = pad.getContext("2d", { willReadFrequently: true }) as CanvasRenderingContext2D;
  const { data, width, height } = context.getImageData(0, 0, pad.width, pad.height);
  let [top, left, bottom, right] = [height, width, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if ((data[4 * (y * width + x)] as number) > 20) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  if (bottom < 0) return null;
  const w = right - left + 1;
  const h = bottom - top + 1;
  const scale = BOX / Math.max(w, h);
  const small = new OffscreenCanvas(SIZE, SIZE);
  const smallContext = small.getContext("2d", {
    willReadFrequently: true,
  }) as OffscreenCanvasRenderingContext2D;
  smallContext.fillStyle = "#000";
  smallContext.fillRect(0, 0, SIZE, SIZE);
  smallContext.imageSmoothingQuality = "high";
  const [dw, dh] = [w * scale, h * scale];
  smallContext.drawImage(pad, left, top, w, h, (SIZE - dw) / 2, (SIZE - dh) / 2, dw, dh);
  const scaled = smallContext.getImageData(0, 0, SIZE, SIZE).data;
  const ink = new Float32Array(SIZE * SIZE);
  let [mass, cx, cy] = [0, 0, 0];
  for (let i = 0; i < ink.length; i++) {
    const v = (scaled[4 * i] as number) / 255;
    ink[i] = v;
    mass += v;
    cx += v * (i % SIZE);
    cy += v * Math.floor(i / SIZE);
  }
  const dx = Math.round((SIZE - 1) / 2 - cx / mass);
  const dy = Math.round((SIZE - 1) / 2 - cy / mass);
  const pixels = new Float32Array(SIZE * SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const [sx, sy] = [x - dx, y - dy];
      if (sx >= 0 && sx < SIZE && sy >= 0 && sy < SIZE) {
        pixels[y * SIZE + x] = ink[sy * SIZE + sx] as number;
      }
    }
  }
  return pixels;
}

/** Paints a [784] digit in [0, 1] onto the pad, scaled up. */
export function drawPixels(pad: HTMLCanvasElement, pixels: Float32Array): void {
  const image = new ImageData(SIZE, SIZE);
  pixels.forEach((v, i) => {
    const g = Math.round(v * 255);
    image.data.set([g, g, g, 255], 4 * i);
  });
  const small = new OffscreenCanvas(SIZE, SIZE);
  (small.getContext("2d") as OffscreenCanvasRenderingContext2D).putImageData(image, 0, 0);
  const context = pad.getContext("2d") as CanvasRenderingContext2D;
  context.imageSmoothingEnabled = true;
  context.drawImage(small, 0, 0, pad.width, pad.height);
}
