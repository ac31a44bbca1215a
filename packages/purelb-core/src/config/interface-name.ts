// Linux interface names (IFNAMSIZ 16 with the NUL; the kernel's dev_valid_name rules).

/** undefined when `name` is a valid interface name, else why not. */
export function interfaceNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'an interface name must not be empty';
  if (name.length > 15) return `"${name}" is longer than 15 characters`;
  if (name === '.' || name === '..') return `"${name}" is not a valid interface name`;
  if (/[/:\s]/.test(name)) return `"${name}" must not contain "/", ":" or whitespace`;
  return undefined;
}
