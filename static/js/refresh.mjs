// Reload a page that shows work under way (an import being checked or applied) every few
// seconds, so its progress moves without a click. Without JavaScript the page's own "Check
// progress" link does the same.
const waiting = document.querySelector("[data-refresh-seconds]");
if (waiting) {
  const seconds = Number(waiting.dataset.refreshSeconds) || 3;
  setTimeout(() => window.location.reload(), seconds * 1000);
}
