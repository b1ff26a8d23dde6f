// The frame grabber the app ships: camera stream → <video> → canvas → RGBA bytes → the shell's
// `camera_frame` command as a raw request body (no base64). One frame is in flight at a time; the
// shell's worker keeps only the newest waiting frame, so frames that arrive while it decodes are dropped.
// QR codes are never decoded here: core does it.
import { api, type FrameAnswer } from '../api';

export interface GrabberOptions {
  /** Longest side sent to the shell (a 1280×720 frame is 3.7 MB of RGBA). */
  maxSide?: number;
  /** Frames per second offered at most. */
  fps?: number;
}

/** Opens the back camera (the front one where there is no other). */
export async function openCamera(): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error('no_camera_api');
  return navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: { ideal: 'environment' }, width: { ideal: 1280 }, height: { ideal: 720 } },
  });
}

/** Whether the camera's torch can be switched, and a switch for it. */
export function torchOf(stream: MediaStream): ((on: boolean) => Promise<void>) | null {
  const track = stream.getVideoTracks()[0];
  const caps = (track?.getCapabilities?.() ?? {}) as { torch?: boolean };
  if (!track || !caps.torch) return null;
  return (on) => track.applyConstraints({ advanced: [{ torch: on } as MediaTrackConstraintSet] });
}

export class FrameGrabber {
  private canvas = document.createElement('canvas');
  private ctx = this.canvas.getContext('2d', { willReadFrequently: true });
  private running = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  readonly maxSide: number;
  readonly interval: number;
  /** Frames sent, and the time spent in `getImageData` + the IPC round trip (for the benchmarks). */
  sent = 0;
  ipcMs = 0;

  constructor(
    private video: HTMLVideoElement,
    private onAnswer: (a: FrameAnswer) => boolean | void,
    private onError: (e: unknown) => void,
    opts: GrabberOptions = {},
  ) {
    this.maxSide = opts.maxSide ?? 1280;
    this.interval = 1000 / (opts.fps ?? 12);
  }

  /** Plays `stream` in the video element and starts sending frames. */
  async start(stream: MediaStream): Promise<void> {
    this.video.srcObject = stream;
    this.video.muted = true;
    this.video.playsInline = true;
    await this.video.play();
    this.running = true;
    this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    const stream = this.video.srcObject as MediaStream | null;
    stream?.getTracks().forEach((t) => t.stop());
    this.video.srcObject = null;
  }

  /** The current picture as RGBA bytes, scaled so that its longest side is at most `maxSide`. */
  grab(): { pixels: Uint8Array; width: number; height: number } | null {
    const vw = this.video.videoWidth;
    const vh = this.video.videoHeight;
    if (!this.ctx || vw === 0 || vh === 0) return null;
    const scale = Math.min(1, this.maxSide / Math.max(vw, vh));
    const width = Math.round(vw * scale);
    const height = Math.round(vh * scale);
    if (this.canvas.width !== width) this.canvas.width = width;
    if (this.canvas.height !== height) this.canvas.height = height;
    this.ctx.drawImage(this.video, 0, 0, width, height);
    const image = this.ctx.getImageData(0, 0, width, height);
    return { pixels: new Uint8Array(image.data.buffer), width, height };
  }

  private tick = async (): Promise<void> => {
    if (!this.running) return;
    const started = performance.now();
    try {
      const frame = this.grab();
      if (frame) {
        const answer = await api.cameraFrame(frame.pixels, frame.width, frame.height);
        this.sent += 1;
        this.ipcMs += performance.now() - started;
        // The handler returns true when it is done (a decision was shown).
        if (this.onAnswer(answer) === true) {
          this.stop();
          return;
        }
      }
    } catch (e) {
      this.onError(e);
    }
    if (!this.running) return;
    const wait = Math.max(0, this.interval - (performance.now() - started));
    this.timer = setTimeout(this.tick, wait);
  };
}
