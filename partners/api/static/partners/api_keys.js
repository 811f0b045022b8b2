// The API keys page: the "Copy" button puts the new key on the clipboard.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const secret = document.getElementById(button.dataset.copyTarget);
  if (!secret || !navigator.clipboard) return;
  navigator.clipboard.writeText(secret.textContent.trim()).then(() => {
    button.textContent = button.dataset.copiedLabel;
  });
});
