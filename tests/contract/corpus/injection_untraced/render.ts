export function render(text: string): string {
  return "<p>" + text.replace(/</g, "&lt;") + "</p>";
}
