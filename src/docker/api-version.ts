// What an engine's API version allows, read by the policy (which flags to inject) and the judge
// (what a created container must show) alike, below both.

/** Whether the engine gives a container a private cgroup namespace when asked (moby: CgroupnsMode, API >= 1.41). */
export function privateCgroupns(info: { readonly apiVersion?: string | undefined }): boolean {
  const [major = 0, minor = 0] = (info.apiVersion ?? '').split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 41);
}
