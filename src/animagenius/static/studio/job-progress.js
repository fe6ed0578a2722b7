// Live progress: when the status panel names a stream (data-events), its server-sent events move the stage,
// the bar and the time left as the worker writes them. The panel's own polling (htmx, once a second) is held
// back while the stream is open, so it takes over by itself if the stream cannot be reached.
(() => {
  let source = null;

  const panel = () => document.getElementById("job-status");
  const live = () => source !== null && source.readyState === EventSource.OPEN;

  function timeLeft(seconds) {
    if (seconds === null || seconds === undefined) return "";
    return seconds < 90 ? `· about ${seconds} s left` : `· about ${Math.round(seconds / 60)} min left`;
  }

  function stageText(state) {
    if (state.status !== "queued") return state.stage.charAt(0).toUpperCase() + state.stage.slice(1);
    if (state.stage === "waiting to retry") return "Waiting to try again";
    return state.queue_position ? `Queued, position ${state.queue_position}` : "Queued";
  }

  function show(state) {
    const box = panel();
    if (!box) return;
    box.dataset.status = state.status;
    box.dataset.streamed = String(Number(box.dataset.streamed || 0) + 1);
    const stage = document.getElementById("job-stage");
    const percent = document.getElementById("job-progress");
    const eta = document.getElementById("job-eta");
    const bar = box.querySelector("progress");
    if (stage) stage.textContent = stageText(state);
    if (percent) percent.textContent = `${Math.round(state.progress)}%`;
    if (eta) eta.textContent = timeLeft(state.eta_s);
    if (bar) bar.value = Math.round(state.progress);
  }

  function close() {
    if (source) source.close();
    source = null;
    const box = panel();
    if (box) box.dataset.stream = "closed";
  }

  function finish() {
    const box = panel();
    close();
    if (box && box.getAttribute("hx-get")) {
      htmx.ajax("GET", box.getAttribute("hx-get"), { target: "#job-status", swap: "outerHTML" });
    }
  }

  function connect() {
    const box = panel();
    if (!box || !box.dataset.events || source) return;
    source = new EventSource(box.dataset.events, { withCredentials: true });
    source.addEventListener("open", () => { box.dataset.stream = "live"; });
    source.addEventListener("progress", (event) => show(JSON.parse(event.data)));
    source.addEventListener("end", (event) => {
      show(JSON.parse(event.data));
      finish();
    });
    source.addEventListener("error", () => {
      // EventSource reconnects by itself; once it gives up (closed), polling carries on
      if (source && source.readyState === EventSource.CLOSED) close();
    });
  }

  document.addEventListener("htmx:beforeRequest", (event) => {
    if (live() && event.detail.elt === panel()) event.preventDefault();  // finish() closes the stream first
  });
  document.addEventListener("DOMContentLoaded", connect);
  document.addEventListener("htmx:load", connect);
})();
