// A form with data-confirm asks its question before it is sent, and is not sent unless the person agrees.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
