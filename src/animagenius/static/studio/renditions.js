// A rendition's 3-second preview plays over its poster while the pointer rests on it.
// Delegated from the document: the status panel that holds the renditions is swapped in by htmx.
document.addEventListener("mouseover", (event) => {
  const link = event.target.closest(".rendition-poster");
  const video = link && link.querySelector("video");
  if (!video || link.classList.contains("playing")) return;
  link.classList.add("playing");
  video.play().catch(() => link.classList.remove("playing"));
  link.addEventListener("mouseleave", () => {
    link.classList.remove("playing");
    video.pause();
    video.currentTime = 0;
  }, { once: true });
});
