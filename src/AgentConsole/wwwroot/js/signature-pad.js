// A signature drawn on a canvas with a finger, a stylus or a mouse (pointer events), exported as a PNG for the
// acknowledgement of debt. The canvas keeps its drawing size; CSS scales it to the screen, so points are mapped back.

export class SignaturePad {
  constructor(canvas) {
    this.canvas = canvas;
    this.context = canvas.getContext('2d');
    this.signed = false;
    this.last = null;
    canvas.addEventListener('pointerdown', (e) => this.start(e));
    canvas.addEventListener('pointermove', (e) => this.move(e));
    for (const name of ['pointerup', 'pointercancel', 'pointerleave']) canvas.addEventListener(name, () => { this.last = null; });
    this.clear();
  }

  point(event) {
    const box = this.canvas.getBoundingClientRect();
    return { x: ((event.clientX - box.left) * this.canvas.width) / box.width, y: ((event.clientY - box.top) * this.canvas.height) / box.height };
  }

  start(event) {
    event.preventDefault();
    this.canvas.setPointerCapture?.(event.pointerId);
    this.last = this.point(event);
  }

  move(event) {
    if (!this.last) return;
    event.preventDefault();
    const next = this.point(event);
    const c = this.context;
    c.beginPath();
    c.moveTo(this.last.x, this.last.y);
    c.lineTo(next.x, next.y);
    c.stroke();
    this.last = next;
    if (!this.signed) {
      this.signed = true;
      this.canvas.dataset.signed = 'true';
    }
  }

  clear() {
    const c = this.context;
    c.fillStyle = '#fff';
    c.fillRect(0, 0, this.canvas.width, this.canvas.height);
    c.strokeStyle = '#0b1f44';
    c.lineWidth = 3;
    c.lineCap = 'round';
    c.lineJoin = 'round';
    this.signed = false;
    this.canvas.dataset.signed = 'false';
  }

  /** The drawing as a data:image/png URL. */
  toPng() {
    return this.canvas.toDataURL('image/png');
  }
}
