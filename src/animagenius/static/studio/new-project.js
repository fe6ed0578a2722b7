// The new-video form: "▶ Preview" plays the chosen voice's sample; the music file input shows only for
// "My own file". Without JavaScript the form still works (the button stays hidden, the input visible).
document.addEventListener("DOMContentLoaded", () => {
  const voice = document.querySelector("select[name=voice]");
  const button = document.getElementById("voice-preview");
  const audio = document.getElementById("voice-preview-audio");
  if (voice && button && audio) {
    button.hidden = false;
    button.addEventListener("click", () => {
      audio.src = button.dataset.url.replace("__voice__", encodeURIComponent(voice.value));
      audio.play().catch(() => {}); // a failed load shows nothing worse than silence
    });
  }
  const music = document.querySelector("select[name=music]");
  const fileField = document.getElementById("field-music_file");
  if (music && fileField) {
    const sync = () => { fileField.hidden = music.value !== "file"; };
    music.addEventListener("change", sync);
    sync();
  }
});
