// The check-in's sound and vibration (a tone made on the spot: no audio file, works offline).
export function signal(ok: boolean): void {
  try {
    navigator.vibrate?.(ok ? 200 : [100, 80, 100]);
  } catch {
    /* no vibration here */
  }
  try {
    const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!Ctx) return;
    const ctx = new Ctx();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = ok ? 880 : 220;
    gain.gain.value = 0.15;
    osc.connect(gain).connect(ctx.destination);
    osc.start();
    osc.stop(ctx.currentTime + (ok ? 0.18 : 0.4));
    osc.onended = () => void ctx.close();
  } catch {
    /* no audio here */
  }
}
