// Sound and vibration for a result. Browsers only allow sound after a tap or
// a key press, so the audio context is unlocked on the first one.

const TONES = {
  ok: [[1046, 0.12, 'sine'], [1568, 0.16, 'sine']],
  warn: [[660, 0.12, 'triangle'], [660, 0.12, 'triangle']],
  offline: [[523, 0.1, 'triangle'], [392, 0.14, 'triangle']],
  error: [[196, 0.4, 'square']],
  info: [[784, 0.08, 'sine']],
};
const VIBRATIONS = { ok: [80], warn: [120, 80, 120], offline: [60, 60, 60], error: [400], info: [40] };

/** Returns {unlockAudio, feedback(tone)}. */
export function createFeedback() {
  let audioCtx = null;

  function unlockAudio() {
    const AC = window.AudioContext || window.webkitAudioContext;
    if (!AC) return;
    try {
      if (!audioCtx) audioCtx = new AC();
      if (audioCtx.state === 'suspended') audioCtx.resume().catch(() => {});
    } catch (_) {
      audioCtx = null;
    }
  }
  for (const type of ['pointerdown', 'keydown']) {
    window.addEventListener(type, unlockAudio, { passive: true });
  }

  function feedback(tone) {
    try {
      if (navigator.vibrate) navigator.vibrate(VIBRATIONS[tone] || [60]);
    } catch (_) {
      /* ignore */
    }
    if (!audioCtx) return;
    try {
      if (audioCtx.state === 'suspended') audioCtx.resume().catch(() => {});
      let t = audioCtx.currentTime + 0.01;
      for (const [freq, dur, type] of TONES[tone] || TONES.info) {
        const osc = audioCtx.createOscillator();
        const gain = audioCtx.createGain();
        osc.type = type;
        osc.frequency.value = freq;
        gain.gain.setValueAtTime(0.0001, t);
        gain.gain.exponentialRampToValueAtTime(0.25, t + 0.015);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + dur);
        osc.connect(gain);
        gain.connect(audioCtx.destination);
        osc.start(t);
        osc.stop(t + dur + 0.02);
        t += dur + 0.05;
      }
    } catch (_) {
      /* no sound is fine */
    }
  }

  return { unlockAudio, feedback };
}
