// The API keys page: the "Copy" button puts the new key on the clipboard. Where the browser
// refuses (no permission, not a secure context), the key is selected for Ctrl+C instead.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-copy-target]");
  if (!button) return;
  const secret = document.getElementById(button.dataset.copyTarget);
  if (!secret) return;
  const selectSecret = () => window.getSelection().selectAllChildren(secret);
  if (!navigator.clipboard) {
    selectSecret();
    return;
  }
  navigator.clipboard.writeText(secret.textContent.trim()).then(() => {
    button.textContent = button.dataset.copiedLabel;
  }, selectSecret);
});
